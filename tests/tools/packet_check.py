#!/usr/bin/env python3
# Copied from the project's shared tools (the lead's packet_check.py, same licence as casekit: Apache-2.0)
# so that the repository stands alone; keep in step with the original.
"""Check a built packet as its readers and archivists would.

  packet_check.py PACKET.pdf [--case DIR] [--secret TEXT ...]

- structure: `qpdf --check` passes; one font subset tag names one font program;
- PDF/A-3: XMP with pdfaid part 3, an output intent;
- originals: with --case, every file in DIR/MANIFEST.sha256 under evidence/ that the packet
  cites is attached with the same SHA-256 (prints which are missing);
- leaks: each --secret must appear neither in the text (pdftotext) nor in the embedded images
  (Tesseract on a 3x binarised copy of each image).
Needs pikepdf and Pillow (run it with the project's venv python), qpdf, poppler-utils, tesseract.
Exit 0 when everything asked holds; prints one line per finding."""
import argparse, hashlib, pathlib, re, shutil, subprocess, sys, tempfile

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf", type=pathlib.Path)
    ap.add_argument("--case", type=pathlib.Path)
    ap.add_argument("--secret", action="append", default=[])
    a = ap.parse_args()
    import pikepdf
    from PIL import Image, ImageOps
    bad = []
    if shutil.which("qpdf"):
        r = subprocess.run(["qpdf", "--check", str(a.pdf)], capture_output=True, text=True)
        if r.returncode: bad.append("qpdf --check: " + (r.stdout + r.stderr).strip().splitlines()[-1])
    pdf = pikepdf.open(a.pdf)
    xmp = str(pdf.open_metadata())
    if not re.search(r"pdfaid:part(>|=\")3", xmp): bad.append("not PDF/A-3: no pdfaid part 3 in the XMP metadata")
    if "/OutputIntents" not in pdf.Root: bad.append("no output intent")
    progs = {}
    for page in pdf.pages:
        fonts = page.get("/Resources", {}).get("/Font", {}) or {}
        for f in fonts.values():
            d = f["/DescendantFonts"][0] if "/DescendantFonts" in f else f
            fd = d.get("/FontDescriptor")
            prog = next((fd[k] for k in ("/FontFile2", "/FontFile3", "/FontFile") if fd is not None and k in fd), None)
            if prog is not None:
                progs.setdefault(str(d.get("/BaseFont")), set()).add(hashlib.sha256(prog.read_raw_bytes()).hexdigest())
    bad += [f"subset tag {n} names {len(h)} different font programs" for n, h in progs.items() if len(h) > 1]
    if a.case:
        attached = set()
        for att in pdf.attachments.values():
            try: attached.add(hashlib.sha256(att.get_file().read_bytes()).hexdigest())
            except Exception: pass
        for line in (a.case / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
            h, _, rel = line.partition("  ")
            if rel.startswith("evidence/") and h not in attached: bad.append(f"original not attached: {rel}")
    if a.secret:
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(a.pdf), "-"], capture_output=True, text=True).stdout)
        with tempfile.TemporaryDirectory() as d:
            subprocess.run(["pdfimages", "-png", str(a.pdf), f"{d}/i"], check=True)
            seen = ""
            for png in sorted(pathlib.Path(d).glob("*.png")):
                im = ImageOps.autocontrast(Image.open(png).convert("L"))
                im = im.resize((im.width * 3, im.height * 3), Image.LANCZOS).point(lambda v: 255 if v > 170 else 0)
                im.save(png)
                seen += subprocess.run(["tesseract", str(png), "-", "-l", "chi_sim+eng", "--psm", "6"], capture_output=True, text=True).stdout
        seen = re.sub(r"\s+", "", seen)
        for s in a.secret:
            core = re.sub(r"\s+", "", s)
            if core in text: bad.append(f"secret in the text: {core[:4]}…")
            probe = core[2:-2] if len(core) > 8 else core
            if probe in seen or (probe.isdigit() and probe in re.sub(r"\D", "", seen)): bad.append(f"secret legible in an image: {core[:4]}…")
    print(*bad, sep="\n") if bad else print(f"ok: {a.pdf.name}")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
