"""The wheel ships the templates: build it, install it into a fresh venv, render from the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.mark.slow
def test_wheel_contains_templates_and_renders_from_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("casekit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if n.startswith("casekit/templates/")}
    expected = {"casekit/templates/" + p.relative_to(REPO / "templates").as_posix() for p in (REPO / "templates").rglob("*") if p.is_file()}
    assert expected and expected <= shipped, sorted(expected - shipped)

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    vpy = venv / "bin" / "python"
    install = subprocess.run([str(vpy), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    # Dependencies come from the test venv's site-packages; casekit itself must come from the fresh venv
    # (the editable install is a .pth finder, which PYTHONPATH entries do not run).
    deps = sysconfig.get_paths()["purelib"]
    script = (
        "import casekit, pathlib; from casekit.render.jinja import make_env, templates_dir; "
        "print(pathlib.Path(casekit.__file__).resolve()); print(templates_dir()); "
        "env = make_env(None); print(env.from_string('{{ x }}').render(x='<b>'))"
    )
    run = subprocess.run([str(vpy), "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONPATH": deps})
    assert run.returncode == 0, run.stderr
    module_file, tdir, rendered = run.stdout.splitlines()[:3]
    assert module_file.startswith(str(venv.resolve())), module_file
    assert tdir.startswith(str(venv.resolve())) and Path(tdir, "zh-CN").is_dir()
    assert rendered == "&lt;b&gt;"
    listing = subprocess.run([str(vpy), "-c", "from casekit.render.jinja import make_env; e = make_env(None); print('\\n'.join(e.list_templates()))"], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": deps}, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    templates = listing.stdout.split()
    assert any(t.endswith("base.html") for t in templates)
    # Render a real packet template from the installed package, not just an inline string.
    body = subprocess.run(
        [str(vpy), "-c", "from casekit.render.jinja import make_env; e = make_env(None); import sys; src = e.loader.get_source(e, 'zh-CN/base.html')[1]; print(len(src))"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": deps}, cwd=tmp_path,
    )
    assert body.returncode == 0 and int(body.stdout.strip()) > 100, body.stderr
