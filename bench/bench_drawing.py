"""Exhibit pages laid out by WeasyPrint (casekit's own run piece) against a drawing library, with the
same font and the same content: is a drawing library worth its second layout source? (issue 16)

    pip install --target /tmp/draw --no-deps fpdf2==2.8.9 reportlab==5.1.0 defusedxml==0.7.1
    PYTHONPATH=/tmp/draw OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_drawing.py CASE --exhibits 25

CASE is an extracted case (bench_packets.py makes one). The first `--exhibits` exhibits of its police
view model (casekit/viewmodels.py: the lines casekit prints) are laid out three ways, each in a
fresh process, timed by its CPU time:
- WeasyPrint: the run piece casekit renders (templates/zh-CN/chunk.html + _exhibit.html, packet.css);
- fpdf2: the same page drawn with its own calls — the heading, the four metadata lines, the image slot
  (76 × 165 mm at the right), the transcript lines beside it and then under it, the payment table
  with `FPDF.table`, in the packet's own cut of Noto Sans CJK SC (render/fonts.py);
- reportlab: platypus (frames beside and under the image, `Paragraph(wordWrap="CJK")`), if it can
  load the same font at all.
What a reader sees is compared with pdftotext -layout: lines that begin with a closing punctuation
mark (，。、：；！？）」 — GB/T 15834 forbids them at a line start), pages, PDF size.
fpdf2 and reportlab are not casekit dependencies: they are imported from PYTHONPATH for this bench.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NO_LINE_START = "，。、：；！？）」』》"
MM = 72 / 25.4


def load_view(case: Path, n: int) -> tuple[dict, list[dict], list[dict[str, str]]]:
    """The police view (with the packet's font cut) and its first `n` exhibits."""
    import os

    from casekit.casemodel import load_case_model
    from casekit.render.fonts import packet_fonts
    from casekit.viewmodels import build_view
    from casekit.steps import evaluate
    from casekit.store import Case, print_cache_dir

    model = load_case_model(Case.open(case))
    out = model.root / "out"
    view = build_view(model, evaluate(model), "police", True, out)
    run = view["exhibits"][:n]
    text = json.dumps(run, ensure_ascii=False) + view["case_id"]
    faces = packet_fonts(text, print_cache_dir(model.root))
    view["font_faces"] = [{"url": Path(os.path.relpath(f["path"], out)).as_posix(), "weight": f["weight"]} for f in faces]
    return view, run, faces


def weasyprint_run(case: Path, n: int, target: Path) -> None:
    from casekit.render import pieces, pipeline
    from casekit.render.jinja import make_env, templates_dir

    view, _, _ = load_view(case, n)
    view = dict(view, exhibits=view["exhibits"][:n])
    env = make_env(case)
    plan, made = pipeline.plan_pieces(env, "police", view, n)
    run = next(p for p in made if "/run" in p.key)
    from casekit.render.weasy import load

    load()  # imported before the clock starts, as in casekit's workers (forked after the import)
    start = time.process_time()
    done = pieces.render(run, case / "out", [case, templates_dir()])
    target.write_bytes(done.pdf)
    print(json.dumps({"cpu": time.process_time() - start, "pages": done.pages}))


def fpdf2_run(case: Path, n: int, target: Path) -> None:
    view, run, faces = load_view(case, n)
    from fpdf import FPDF

    start = time.process_time()
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_margins(16, 20, 16)
    pdf.set_auto_page_break(True, 20)
    for face in faces:
        pdf.add_font("cjk", "B" if face["weight"] == "bold" else "", face["path"])
    line = lambda pt, height=1.55: pt * height / MM  # noqa: E731 - a line's height in mm
    for ex in run:
        pdf.add_page()
        pdf.set_font("cjk", size=8.5)
        pdf.set_xy(16, 12)
        pdf.cell(89, 5, f"案件编号 {view['case_id']}")
        pdf.cell(89, 5, ex["label"], align="R")
        pdf.set_xy(16, 20)
        pdf.set_font("cjk", "B", 14)
        pdf.multi_cell(178, line(14), f"{ex['label']}　{ex['title']}", wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=8)
        for text in (f"证据形式：{ex['form']}　证据编号：{ex['id']}　截取时间：{ex['captured']}　导入时间：{ex['added']}",
                     f"来源：{ex['source']}", f"证明目的：{ex['purpose']}", f"SHA-256：{ex['sha256']}"):
            pdf.multi_cell(178, line(8, 1.4), text, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
        top, page = pdf.get_y() + 2, pdf.page
        width, height = float(ex["image_mm"]["width"]), float(ex["image_mm"]["height"])
        if ex["image"]:
            pdf.rect(194 - width, top, width, height)
        pdf.set_y(top)
        pdf.set_font("cjk", "B", 11)
        pdf.cell(0, line(11), "识别内容", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=9)
        lines = ([ex["transcript"]["note"]] if ex["transcript"]["note"] else []) + ex["transcript"]["lines"]
        for text in lines:
            beside = ex["image"] and pdf.page == page and pdf.get_y() < top + height
            # fpdf2 has no float: which width a paragraph gets beside the image is this code's decision
            pdf.set_x(19)
            pdf.multi_cell((178 - width - 7) if beside else 175, line(9), text, wrapmode="CHAR",
                           new_x="LMARGIN", new_y="NEXT")
        rows = ex["transcript"]["rows"]
        if rows:
            if pdf.page == page and pdf.get_y() < top + height:
                pdf.set_y(top + height + 3)
            pdf.set_font("cjk", size=8.5)
            with pdf.table(col_widths=(14, 8, 10, 27, 14, 18, 9), line_height=line(8.5, 1.3)) as table:
                table.row(["时间", "收/支", "金额", "对方", "账户", "订单号", "状态"])
                for r in rows:
                    table.row([r["time"], r["direction"], r["amount"], r["counterparty"], r["account"], r["order_id"],
                               r["status"]])
    pdf.output(str(target))
    print(json.dumps({"cpu": time.process_time() - start, "pages": pdf.pages_count}))


def reportlab_run(case: Path, n: int, target: Path) -> None:
    _, _, faces = load_view(case, n)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    errors = []
    for path, kwargs in ((faces[0]["path"], {}), ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                                                  {"subfontIndex": 2})):  # the packet's cut; the installed font
        try:
            pdfmetrics.registerFont(TTFont("cjk", path, **kwargs))
        except Exception as exc:  # noqa: BLE001 - the bench reports what the library says
            errors.append(f"{Path(path).name[:12]}…: {exc}".replace(str(Path(path)), "…"))
    if errors:
        print(json.dumps({"error": "; ".join(errors)}))
        return
    print(json.dumps({"error": "loaded (layout not written)"}))


def child(kind: str, case: Path, n: int, target: Path) -> dict:
    """One layout in a fresh process (this script with --child), its result and peak RSS."""
    cmd = [sys.executable, __file__, str(case), "--exhibits", str(n), "--child", kind, "--target", str(target)]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return {"error": run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.returncode}"}
    return json.loads(run.stdout.strip().splitlines()[-1])


def reader_lines(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [x.strip() for x in out.splitlines() if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", type=Path)
    parser.add_argument("--exhibits", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            {"weasyprint": weasyprint_run, "fpdf2": fpdf2_run, "reportlab": reportlab_run}[args.child](
                args.case, args.exhibits, args.target)
        result = json.loads(buffer.getvalue().strip().splitlines()[-1])
        result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    work = Path(tempfile.mkdtemp(prefix="bench-drawing-"))
    rows = []
    for kind in ("weasyprint", "fpdf2", "reportlab"):
        best = None
        for _ in range(args.repeat):
            target = work / f"{kind}.pdf"
            result = child(kind, args.case.resolve(), args.exhibits, target)
            if "error" in result:
                best = result
                break
            if best is None or result["cpu"] < best["cpu"]:
                best = result
        if "error" not in best:
            lines = reader_lines(target)
            bad = [x for x in lines if x[0] in NO_LINE_START]
            best.update(size_kb=target.stat().st_size / 1024, lines=len(lines), bad_starts=len(bad),
                        examples=bad[:3], per_exhibit_ms=1000 * best["cpu"] / args.exhibits)
        rows.append((kind, best))
        print(kind, json.dumps(best, ensure_ascii=False), flush=True)
    print(f"\n{args.exhibits} exhibits, best of {args.repeat} (CPU s of the layout and write, after the view model)")
    print("| library | CPU s | ms / exhibit | MiB peak | pages | KB | reader lines | lines starting with ，。、：；！？） |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, r in rows:
        if "error" in r:
            print(f"| {kind} | — | — | — | — | — | — | {r['error']} |")
        else:
            print(f"| {kind} | {r['cpu']:.2f} | {r['per_exhibit_ms']:.0f} | {r['rss_mib']:.0f} | {r['pages']} | {r['size_kb']:.0f} | "
                  f"{r['lines']} | {r['bad_starts']} |")
    print(f"\nPDFs in {work}")


if __name__ == "__main__":
    main()
