"""Region preprocessing, one-call OCR of all regions, and mapping words back to regions.

Tesseract is a process per call (~0.2 s model load), so every region of a screen is normalised
on its own (dark text on white, glyphs scaled to about the same height) and the crops are stacked
into one tall strip that is read with a single `image_to_data` call (psm 6). Words come back
with boxes, and each word belongs to the crop its centre falls in.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from statistics import median

from PIL import Image, ImageChops, ImageFilter, ImageMath, ImageOps

from .engine import OcrEngine, Word
from .lines import OcrLine
from .segment import Layout, Region, _components, distance_image
from .text import clean, join_lines, join_words

TARGET_GLYPH = 34  # px; Tesseract's LSTM reads best with glyphs around 20–40 px
PAD = 14
GAP = 26
MAX_STRIP = 12_000  # px per Tesseract call; long captures are read in several strips
RETRY_CONF = 80.0  # a region with a line below this mean confidence is read a second time
RETRY_SCALE = 1.4  # the second reading: grey (not binarised) strokes, glyphs 1.4x larger
OCR_ROLES = ("bubble", "centre", "line", "nickname", "title", "quote")


@dataclass
class Crop:
    region: Region
    image: Image.Image  # L, black text on white, padded
    scale: float
    origin: tuple[int, int] = (0, 0)  # top-left of the crop in the original image (before padding/scaling)


def _percentile(hist: list[int], q: float, start: int = 0) -> int:
    total = sum(hist[start:])
    if total == 0:
        return 0
    acc = 0
    for v in range(start, 256):
        acc += hist[v]
        if acc >= q * total:
            return v
    return 255


def prepare(image: Image.Image, region: Region, page_w: int, retry: bool = False) -> list[Crop]:
    """Crop a region and normalise it against its own background (each colour band of a card
    against its own colour). Empty when it holds no ink. `retry` gives the second-reading variant
    (larger, grey strokes instead of black/white)."""
    x0, y0, x1, y1 = region.box
    W, H = image.size
    if region.filled:
        ix = min(int(0.02 * page_w), region.width // 6)
        iy = min(int(0.008 * page_w), region.height // 6)
        box = (x0 + ix, y0 + iy, x1 - ix, y1 - iy)
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            return []
        crops = []
        for top, bottom, colour in _bands(image, box, page_w):
            crop = _normalise(image.crop((box[0], top, box[2], bottom)), colour, region, True, page_w, retry)
            if crop is not None:
                crop.origin = (box[0], top)
                crops.append(crop)
        return crops
    pad = max(4, int(region.height * 0.3))
    box = (max(0, x0 - pad), max(0, y0 - pad), min(W, x1 + pad), min(H, y1 + pad))
    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        return []
    crop = _normalise(image.crop(box), region.bg, region, False, page_w, retry)
    if crop is not None:
        crop.origin = (box[0], box[1])
    return [crop] if crop is not None else []


def _bands(image: Image.Image, box: tuple[int, int, int, int], page_w: int) -> list[tuple[int, int, tuple]]:
    """Horizontal bands of one background colour inside a filled region (cards have two)."""
    x0, y0, x1, y1 = box
    edge = image.crop((x0, y0, x0 + 3, y1)).resize((1, y1 - y0), Image.BOX).convert("RGB")
    colours = [edge.getpixel((0, i)) for i in range(edge.height)]
    min_band = max(8, int(0.03 * page_w))
    bands: list[list] = []
    for i, c in enumerate(colours):
        if bands and max(abs(a - b) for a, b in zip(c, bands[-1][2])) <= 24:
            bands[-1][1] = i + 1
        else:
            bands.append([i, i + 1, c])
    merged: list[list] = []
    for band in bands:
        if merged and band[1] - band[0] < min_band:
            merged[-1][1] = band[1]  # thin transitions (anti-aliased edges) join the band above
        else:
            merged.append(band)
    return [(y0 + a, y0 + b, tuple(c)) for a, b, c in merged if b - a >= 4]


def _normalise(crop: Image.Image, bg: tuple, region: Region, filled: bool, page_w: int,
               retry: bool = False) -> Crop | None:
    dist = distance_image(crop, bg)
    hist = dist.histogram()
    hi = _percentile(hist, 0.98, 12)
    if hi < 24:
        return None
    lo = hi * 0.2
    span = max(1.0, hi * 0.8 - lo)
    soft = dist.point(lambda v: 255 - max(0, min(255, int((v - lo) * 255 / span))))
    glyph = _glyph_height(dist, hi * 0.45) if filled else region.height
    glyph = min(glyph, int(0.045 * page_w))  # icons merged with text rows are not glyphs
    blots = colour_blots(crop, bg, dist, hi, glyph)
    if blots:
        dist = dist.copy()
        for box in blots:
            dist.paste(0, box)
        soft = dist.point(lambda v: 255 - max(0, min(255, int((v - lo) * 255 / span))))
    target = TARGET_GLYPH * (RETRY_SCALE if retry else 1.0)
    scale = max(1.0, min(3.0 * (RETRY_SCALE if retry else 1.0), target / max(1, glyph)))
    if abs(scale - 1) > 0.1:
        soft = soft.resize((max(1, int(soft.width * scale)), max(1, int(soft.height * scale))), Image.LANCZOS)
    else:
        scale = 1.0
    binary = soft.point(lambda v: 255 if v > 150 else 0)
    if filled:
        binary = _drop_icons(binary, max(TARGET_GLYPH, int(glyph * scale)))
    if retry:
        # Thin serif strokes and hairlines break up at the black/white cut; the second reading
        # keeps the anti-aliased grey (icons stay blanked).
        binary = ImageChops.lighter(soft, binary)
    return Crop(region, ImageOps.expand(binary, PAD, fill=255), scale)


OFF_LINE = 60  # colour distance from the background–ink line that is not text (anti-aliasing stays on it)
VIVID = 80  # chroma (max − min channel) of colour-emoji pixels; grey, black and white text is near 0


def colour_blots(crop: Image.Image, bg: tuple, dist: Image.Image, hi: int, glyph: int) -> list[tuple[int, int, int, int]]:
    """Boxes of colour emoji (and other vivid pictograms) inside a text crop.

    Text is drawn in one ink colour on one background, so every text pixel (anti-aliased edges
    included) lies on the line between the two colours. Pixels far off that line and vivid are a
    picture; Tesseract turns an emoji next to text into junk glyphs (`4,650 🚀🚀` → `4,650叶肌`).
    A blot must be glyph-sized and solid (it survives an erosion that removes the thin strokes of
    a coloured link), and its whole box is blanked (emoji have grey parts that lie on the line)."""
    if crop.mode != "RGB" or glyph < 6:
        return []
    ink_mask = dist.point(lambda v: 255 if v > hi * 0.6 else 0)
    hist = crop.histogram(ink_mask)
    ink = tuple(_percentile(hist[c * 256:(c + 1) * 256], 0.5) for c in range(3))
    d = [k - b for k, b in zip(ink, bg)]
    n2 = float(sum(x * x for x in d)) or 1.0
    r, g, b = (ch.convert("F") for ch in crop.split())
    res = ImageMath.lambda_eval(
        lambda a: a["convert"](a["min"](a["max"](
            a["max"](abs(a["r"] - (bg[0] + a["t"] * d[0])), abs(a["g"] - (bg[1] + a["t"] * d[1]))),
            abs(a["b"] - (bg[2] + a["t"] * d[2]))), 255.0), "L"),
        r=r, g=g, b=b,
        t=ImageMath.lambda_eval(lambda a: a["min"](a["max"](
            ((a["r"] - bg[0]) * d[0] + (a["g"] - bg[1]) * d[1] + (a["b"] - bg[2]) * d[2]) / n2, 0.0), 1.3),
            r=r, g=g, b=b))
    rl, gl, bl = crop.split()
    chroma = ImageChops.subtract(ImageChops.lighter(ImageChops.lighter(rl, gl), bl),
                                 ImageChops.darker(ImageChops.darker(rl, gl), bl))
    off = ImageChops.multiply(res.point(lambda v: 255 if v > OFF_LINE else 0),
                              chroma.point(lambda v: 255 if v > VIVID else 0))
    if not off.getbbox():
        return []
    # thin strokes (a coloured link or @mention) vanish under an erosion by about a stroke width;
    # the solid areas of a pictogram stay
    k = max(3, (glyph // 9) | 1)
    core = off.filter(ImageFilter.MinFilter(k))
    if not core.getbbox():
        return []
    cell = max(2, glyph // 8)
    gw, gh = max(1, core.width // cell), max(1, core.height // cell)
    grid = bytes(1 if v else 0 for v in core.resize((gw, gh), Image.BOX).tobytes())
    out = []
    reach = max(2, glyph // 4)
    for cx0, cy0, cx1, cy1, _ in _components(grid, gw, gh):
        near = (max(0, cx0 * cell - reach), max(0, cy0 * cell - reach),
                min(off.width, cx1 * cell + reach), min(off.height, cy1 * cell + reach))
        bbox = off.crop(near).getbbox()
        if not bbox:
            continue
        box = (max(0, near[0] + bbox[0] - 2), max(0, near[1] + bbox[1] - 2),
               min(off.width, near[0] + bbox[2] + 2), min(off.height, near[1] + bbox[3] + 2))
        out.append(box)
    # the parts of one pictogram (a rocket's nose and fins) make one box
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a[0] - reach <= b[2] and b[0] - reach <= a[2] and a[1] - reach <= b[3] and b[1] - reach <= a[3]:
                    out[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return [b for b in out if 0.4 * glyph <= b[3] - b[1] <= 2.5 * glyph]


def _drop_icons(binary: Image.Image, line_h: int = TARGET_GLYPH) -> Image.Image:
    """Blank icons and thumbnails at either end of a card: an ink cluster taller than two text
    lines with no blank row inside (text lines always have gaps between them). `line_h` is the
    measured text height of this crop: large text (never downscaled) is not an icon."""
    ink = binary.point(lambda v: 255 if v < 128 else 0)
    w, h = ink.size
    cols = list(ink.resize((w, 1), Image.BOX).tobytes())
    clusters: list[list[int]] = []
    for x, v in enumerate(cols):
        if v:
            if clusters and x - clusters[-1][1] <= TARGET_GLYPH // 2:
                clusters[-1][1] = x + 1
            else:
                clusters.append([x, x + 1])
    if len(clusters) < 2:
        return binary
    for c0, c1 in (clusters[0], clusters[-1]):
        part = ink.crop((c0, 0, c1, h))
        bbox = part.getbbox()
        if not bbox or bbox[3] - bbox[1] < 1.5 * line_h or c1 - c0 > 4 * line_h:
            continue
        rows = list(part.crop((0, bbox[1], c1 - c0, bbox[3])).resize((1, bbox[3] - bbox[1]), Image.BOX).tobytes())
        if all(rows):
            binary = binary.copy()
            binary.paste(255, (c0, 0, c1, h))
    return binary


def _glyph_height(dist: Image.Image, level: float) -> int:
    """Median height of the text rows in a region (for scaling)."""
    mask = dist.point(lambda v: 255 if v > level else 0)
    data = mask.tobytes()
    w = mask.width
    rows = [w - data.count(0, y * w, (y + 1) * w) for y in range(mask.height)]
    runs, start = [], None
    for i, v in enumerate(rows + [0]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= 4:
                runs.append(i - start)
            start = None
    return int(median(runs)) if runs else mask.height


def _stack(crops: list[Crop]) -> list[tuple[Image.Image, list[tuple[int, int, Crop]]]]:
    """Stack crops into strips of at most MAX_STRIP px; each strip lists (top, bottom, crop)."""
    strips = []
    group: list[Crop] = []
    height = 0
    for crop in crops + [None]:  # type: ignore[list-item]
        if crop is not None and (not group or height + crop.image.height + GAP <= MAX_STRIP):
            group.append(crop)
            height += crop.image.height + GAP
            continue
        if group:
            width = max(c.image.width for c in group)
            strip = Image.new("L", (width, sum(c.image.height + GAP for c in group)), 255)
            spans, y = [], 0
            for c in group:
                strip.paste(c.image, (0, y))
                spans.append((y, y + c.image.height, c))
                y += c.image.height + GAP
            strips.append((strip, spans))
        if crop is not None:
            group, height = [crop], crop.image.height + GAP
    return strips


def read_regions(image: Image.Image, layout: Layout, engine: OcrEngine) -> int:
    """OCR every text-bearing region of `layout` in as few engine calls as possible.

    First reading: all regions, binarised, in one strip (two or more for very long captures).
    Second reading, at most one more call: only the regions with a line of low confidence, larger
    and in grey; a region keeps whichever reading Tesseract is more confident of (thin serif
    strokes and small glyphs are what the first reading gets wrong). Fills `words`, `lines`,
    `text` and `conf` of each region. Returns the number of engine calls."""
    targets = [r for r in layout.regions if r.role in OCR_ROLES]
    if layout.title is not None:
        targets.append(layout.title)
    crops = [c for r in targets for c in prepare(image, r, layout.size_w or layout.width)]
    found, calls = _read_crops(crops, engine)
    weak = [region for region, words in found.values() if words and _min_line_conf(words) < RETRY_CONF]
    if weak:
        again = [c for r in weak for c in prepare(image, r, layout.size_w or layout.width, retry=True)]
        strips = _stack(again)
        if len(strips) == 1:  # one extra call at most
            second, n = _read_crops(again, engine)
            calls += n
            for key, (region, words) in second.items():
                if _better(words, found[key][1]):
                    found[key] = (region, words)
    for region, words in found.values():
        assign_words(region, words)
    return calls


def _read_crops(crops: list[Crop], engine: OcrEngine) -> tuple[dict[int, tuple[Region, list[Word]]], int]:
    """Words of each region, reading the crops stacked into strips."""
    calls = 0
    found: dict[int, tuple[Region, list[Word]]] = {}
    for strip, spans in _stack(crops):
        words = engine.words(strip, psm=6)
        calls += 1
        tops = [s[0] for s in spans]
        per_crop: dict[int, list[Word]] = {}
        for word in words:
            i = bisect_right(tops, word.cy) - 1
            if 0 <= i < len(spans) and word.cy < spans[i][1]:
                per_crop.setdefault(i, []).append(word)
        for i, (_, _, crop) in enumerate(spans):
            # a region read in several bands gets its words in band order (offset to stay ordered)
            found[id(crop.region)] = (crop.region, found.get(id(crop.region), (None, []))[1]
                                      + [_shift(w, spans[i][0], crop) for w in per_crop.get(i, [])])
    return found, calls


def _char_conf(words: list[Word]) -> float:
    """Confidence per character (a one-glyph junk word weighs less than a long word)."""
    n = sum(len(w.text.strip()) for w in words)
    return sum(w.conf * len(w.text.strip()) for w in words) / n if n else 0.0


def _min_line_conf(words: list[Word]) -> float:
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line_key, []).append(w)
    return min(_char_conf(ws) for ws in by_line.values())


def _better(second: list[Word], first: list[Word]) -> bool:
    """The second reading wins when Tesseract is more confident of it and it did not lose text."""
    n1 = sum(len(w.text.strip()) for w in first)
    n2 = sum(len(w.text.strip()) for w in second)
    return bool(second) and n2 >= 0.8 * n1 and _char_conf(second) > _char_conf(first) + 2


def _shift(word: Word, dy: int, crop: Crop | None = None) -> Word:
    """Keep strip coordinates but make line ids unique per strip position (bands of one region);
    with `crop` (read at strip offset `dy`), also the word's box in the original image (`src`)."""
    src = None
    if crop is not None:
        s = crop.scale
        src = (int(crop.origin[0] + (word.left - PAD) / s), int(crop.origin[1] + (word.top - dy - PAD) / s),
               max(1, round(word.width / s)), max(1, round(word.height / s)))
    return Word(word.text, word.left, word.top, word.width, word.height, word.conf,
                word.block + dy * 1000, word.par, word.line, src)


def assign_words(region: Region, words: list[Word]) -> None:
    """Group a region's words into lines (by Tesseract's line ids, top to bottom) and join them."""
    region.words = words
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line_key, []).append(w)
    ordered = sorted(by_line.values(), key=lambda ws: min(w.top for w in ws))
    region.lines = [clean(join_words([w.text for w in sorted(ws, key=lambda w: w.left)])) for ws in ordered]
    region.text = clean(join_lines(region.lines))
    region.conf = sum(w.conf for w in words) / len(words) if words else None


def flatten(page: Image.Image) -> Image.Image:
    """Local contrast normalisation of a grey page: each pixel divided by the local background
    (a max filter over about two text lines, smoothed). Text under a translucent overlay (a dimmed
    chat behind an action sheet) gets the same contrast as text on the bright sheet, so one global
    threshold inside Tesseract keeps both."""
    k = max(15, (page.width // 25) | 1)
    small = page.resize((max(1, page.width // 4), max(1, page.height // 4)), Image.BOX)
    bg = small.filter(ImageFilter.MaxFilter(max(3, (k // 4) | 1))).filter(ImageFilter.BoxBlur(k // 8 + 1))
    bg = bg.resize(page.size, Image.BILINEAR)
    return ImageMath.lambda_eval(
        lambda a: a["convert"](a["min"](a["p"] * 255.0 / a["max"](a["b"], 1.0), 255.0), "L"),
        p=page.convert("F"), b=bg.convert("F"))


def is_dimmed(page_bg: tuple[int, int, int]) -> bool:
    """A page colour that is neither a light nor a dark theme: a grey overlay over the app."""
    return 70 < sum(page_bg) / 3 < 200 and max(page_bg) - min(page_bg) < 24


def page_image(image: Image.Image, dark: bool, colour: bool = False, dimmed: bool = False) -> Image.Image:
    """A whole screen prepared for a single psm-6 read (payment pages, other images).

    `colour=False` sends Pillow's grey (L) page, `colour=True` lets Tesseract grey the RGB page
    itself: on the same page they fail differently (a serif `2026` read as `2020` in L, a big bold
    amount dropped in RGB), so payment screens are read both ways. Dark pages are inverted
    (Tesseract expects dark text on light); a dimmed capture (a grey overlay over part of the
    screen) is flattened to even local contrast; small captures are upscaled 2×."""
    page = image.convert("RGB" if colour else "L")
    if dark:
        page = ImageOps.invert(page)
    if dimmed and not colour:
        page = flatten(page)
    if page.width < 700:
        page = page.resize((page.width * 2, page.height * 2), Image.LANCZOS)
    return page


def lines_of(words: list[Word]) -> list[tuple[str, list[Word]]]:
    """Words grouped into text lines, top to bottom: (joined text, words)."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line_key, []).append(w)
    ordered = sorted(by_line.values(), key=lambda ws: min(w.top for w in ws))
    return [(clean(join_words([w.text for w in sorted(ws, key=lambda w: w.left)])), ws) for ws in ordered]


def region_lines(layout: Layout) -> list[OcrLine]:
    """The lines `read_regions` read, as OcrLines with boxes in the original image (from each
    word's `src`), for the layout model (ocr.layout) that groups them into the conversation."""
    out: list[OcrLine] = []
    for region in [*layout.regions, layout.title]:
        if region is None or not region.words:
            continue
        for text, words in lines_of(region.words):
            boxes = [w.src for w in words if w.src]
            if not text or not boxes:
                continue
            x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
            x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
            n = sum(len(w.text) for w in words) or 1
            conf = sum(w.conf * len(w.text) for w in words) / n / 100.0
            out.append(OcrLine(text, (x0, y0, x1 - x0, y1 - y0), max(0.0, min(1.0, conf)), tuple(words)))
    return out
