"""Print copies of exhibit images: cached, palette PNG for screenshots, embedded as /Indexed."""

from __future__ import annotations

import subprocess

from PIL import Image

from casekit.printcopies import _cached_ok, print_image, print_images, print_size_mm
from casekit.synth import render_chat


def test_screenshot_becomes_small_palette_png_and_is_reused(tmp_path):
    src = tmp_path / "chat.png"
    render_chat([{"speaker": "them", "text": "加我微信私下转账便宜200"}], width=1080)[0].save(src)
    cache = tmp_path / "print-cache"
    out = print_image(src, cache, key="ab" * 32)
    with Image.open(out) as img:
        assert img.format == "PNG" and img.mode == "P"
        w_mm, h_mm = print_size_mm(out)
        assert 150 <= img.width / (w_mm / 25.4) <= 300  # ~200 dpi of its printed size
    assert out.stat().st_size < src.stat().st_size / 3
    mtime = out.stat().st_mtime_ns
    assert print_images([(src, "ab" * 32)], cache) == [out] and out.stat().st_mtime_ns == mtime
    out.write_bytes(out.read_bytes()[:100])  # torn by a crash: made again
    assert not _cached_ok(out)
    assert print_image(src, cache, key="ab" * 32) == out and _cached_ok(out)


def test_photo_stays_jpeg(tmp_path):
    src = tmp_path / "photo.png"
    Image.effect_noise((800, 600), 60).convert("RGB").save(src)
    out = print_image(src, tmp_path / "print-cache")
    assert out.suffix == ".jpg"


def test_palette_copy_is_embedded_as_indexed_image(tmp_path):
    """A print copy is placed into its slot as it is (img2pdf passthrough, render/joining.py): the
    PDF holds the palette image, and what a reader draws is the print copy, pixel for pixel."""
    from casekit.render import joining, pieces

    src = tmp_path / "chat.png"
    render_chat([{"speaker": "me", "text": "好的"}], width=540)[0].save(src)
    out = print_image(src, tmp_path / ".casekit" / "print-cache")
    w, h = print_size_mm(out)
    html = (f'<html><body><div id="slot" style="width:{w}mm;height:{h}mm;border:0.5pt solid #999"></div>'
            '</body></html>')
    done = pieces.render(pieces.Piece("one", html), tmp_path, [tmp_path])
    page, box = done.anchors["slot"]
    joined = joining.join([joining.Part(done.pdf, [joining.Slot(page, box, out)])], [], "t")
    pdf = tmp_path / "x.pdf"
    with pdf.open("wb") as handle:
        joined.save(handle)
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    row = listing.splitlines()[2].split()
    with Image.open(out) as img:
        assert row[3:6] == [str(img.width), str(img.height), "index"]
        subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "drawn")], check=True)
        with Image.open(tmp_path / "drawn-000.png") as drawn:
            assert drawn.convert("RGB").tobytes() == img.convert("RGB").tobytes()


def test_planned_size_matches_the_print_copy(tmp_path):
    """A cold build plans each exhibit's printed size from the original's header (the copy is made
    later, in the worker rendering it): the plan must be the copy's size, EXIF rotation included."""
    from casekit.printcopies import planned_print_mm

    for index, (size, fmt, orientation) in enumerate([((1081, 2341), "PNG", 1), ((1200, 800), "JPEG", 6),
                                                      ((1200, 800), "PNG", 8), ((4000, 3001), "JPEG", 1)]):
        src = tmp_path / f"shot{index}.{fmt.lower()}"
        exif = Image.Exif()
        exif[0x0112] = orientation
        Image.new("RGB", size, (255, 255, 255)).save(src, fmt, exif=exif.tobytes())
        out = print_image(src, tmp_path / "print-cache")
        assert planned_print_mm(src) == print_size_mm(out), (size, fmt, orientation)
