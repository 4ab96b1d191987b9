"""Layout of a phone chat screenshot: header, bubbles, avatars, centred labels, nicknames.

Whole-page OCR loses coloured bubbles and grey time labels (research/chat-ocr.md §d), so the
screen is cut into regions first, by colour distance from the page background:

1. page background = the most common colour of the outer margin columns;
2. *solid* regions (bubbles, cards, avatars, pictures, notice chips) = connected blocks of a
   downsampled "differs from background" mask;
3. *lines* = text sitting on the page background (time labels, system notices, group nicknames,
   the header title), found by row/column projections once the solid regions are blanked out;
4. header (status bar + title bar) and input bar are found from their divider lines and kept out
   of the messages; the title becomes the contact name.

Everything is done with Pillow operations plus a small pure-Python flood fill on the downsampled
mask (no numpy). Geometry is relative to the width, so 720–1440 px screens and captures up to
20 000 px tall work the same way.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from PIL import Image, ImageChops

from .engine import Word

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)

SOLID_DIFF = 10  # colour distance that separates a bubble from the page
INK_DIFF = 28  # colour distance that counts as text on the page


@dataclass
class Region:
    """One part of the screen. `role` is what it is: bubble | avatar | banner | centre | line |
    nickname | title | image."""

    box: Box
    role: str
    side: str = "centre"  # left | right | centre
    filled: bool = False
    bg: tuple[int, int, int] = (255, 255, 255)
    words: list[Word] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    text: str = ""
    conf: float | None = None
    colourful: float = 0.0  # share of pixels far from the region background (pictures are high)
    media: str | None = None  # image | sticker | video | voice: an item that is not text (ocr.layout.media)

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def xywh(self) -> tuple[int, int, int, int]:
        return (self.box[0], self.box[1], self.width, self.height)


@dataclass
class Layout:
    """The segmented screen."""

    width: int
    height: int
    page_bg: tuple[int, int, int]
    dark: bool
    header_bottom: int
    footer_top: int
    regions: list[Region]
    title: Region | None = None
    size_w: int = 0  # width that sizes scale with (the width, or less on a landscape desktop capture)
    desktop: bool = False

    def of_role(self, *roles: str) -> list[Region]:
        return [r for r in self.regions if r.role in roles]


def dominant_colour(image: Image.Image) -> tuple[int, int, int]:
    """Most common colour of an RGB image: the most common bucket of 4 levels (absorbs JPEG
    noise), then the most common exact colour inside that bucket (a #F8F8F8 page must not come
    back as #FAFAFA: faint bubbles are only 7 levels from the page)."""
    small = image if image.width * image.height <= 200_000 else image.resize(
        (max(1, image.width // 4), max(1, image.height // 4)), Image.NEAREST)
    # an image has at most as many colours as pixels: a larger `maxcolors` only costs Pillow a
    # bigger table to set up (8 ms for a 100 px crop at 1 << 20, under 1 ms at its size)
    exact = small.convert("RGB").getcolors(maxcolors=max(1, small.width * small.height)) or [(1, (255, 255, 255))]
    buckets: dict[tuple[int, int, int], int] = {}
    for n, c in exact:
        key = (c[0] // 4, c[1] // 4, c[2] // 4)
        buckets[key] = buckets.get(key, 0) + n
    best = max(buckets.items(), key=lambda kv: kv[1])[0]
    return max((nc for nc in exact if (nc[1][0] // 4, nc[1][1] // 4, nc[1][2] // 4) == best), key=lambda nc: nc[0])[1][:3]


def distance_image(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """Per-pixel max channel distance from `colour`, as an L image."""
    diff = ImageChops.difference(image, Image.new("RGB", image.size, colour))
    r, g, b = diff.split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def solid_level(margin_dist: Image.Image) -> int:
    """Colour distance that separates a bubble from the page, from the noise of the page margins.

    A clean PNG has no noise, so faint bubbles (white on #F8F8F8, distance 7) still count; JPEG
    re-compression adds a few levels of noise, and the level rises with it (never above SOLID_DIFF)."""
    hist = margin_dist.histogram()
    total = sum(hist)
    acc, noise = 0, 0
    for v, n in enumerate(hist):
        acc += n
        if acc >= 0.97 * total:
            noise = v
            break
    return max(4, min(SOLID_DIFF, noise + 3))


def _threshold(image: Image.Image, level: int) -> Image.Image:
    return image.point(lambda v: 255 if v > level else 0)


def _components(grid: bytes, gw: int, gh: int) -> list[tuple[int, int, int, int, int]]:
    """4-connected components of non-zero cells: (x0, y0, x1, y1, count) in grid cells, in the
    raster order of each component's first cell. OpenCV labels them when it is installed (it comes
    with the PP-OCR engine); else a breadth-first search here (same result, 20× slower)."""
    try:
        return _components_cv(grid, gw, gh)
    except ImportError:
        return _components_bfs(grid, gw, gh)


def _components_cv(grid: bytes, gw: int, gh: int) -> list[tuple[int, int, int, int, int]]:
    import cv2
    import numpy as np

    cells = np.frombuffer(grid, dtype=np.uint8).reshape(gh, gw)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cells, connectivity=4)
    if count <= 1:
        return []
    found, first = np.unique(labels.ravel(), return_index=True)
    start = {int(label): int(index) for label, index in zip(found, first) if label > 0}
    out = []
    for label in sorted(start, key=start.__getitem__):
        x, y, w, h, n = (int(v) for v in stats[label])
        out.append((x, y, x + w, y + h, n))
    return out


def _components_bfs(grid: bytes, gw: int, gh: int) -> list[tuple[int, int, int, int, int]]:
    seen = bytearray(gw * gh)
    out = []
    for start in range(gw * gh):
        if not grid[start] or seen[start]:
            continue
        seen[start] = 1
        queue = deque([start])
        x0 = x1 = start % gw
        y0 = y1 = start // gw
        count = 0
        while queue:
            idx = queue.popleft()
            count += 1
            x, y = idx % gw, idx // gw
            x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
            for nb in (idx - 1 if x > 0 else -1, idx + 1 if x < gw - 1 else -1, idx - gw, idx + gw):
                if 0 <= nb < gw * gh and grid[nb] and not seen[nb]:
                    seen[nb] = 1
                    queue.append(nb)
        out.append((x0, y0, x1 + 1, y1 + 1, count))
    return out


def _runs(profile: list[int], min_value: int, max_gap: int) -> list[tuple[int, int]]:
    """Runs of indices where profile ≥ min_value, merging gaps up to max_gap."""
    runs: list[list[int]] = []
    for i, v in enumerate(profile):
        if v >= min_value:
            if runs and i - runs[-1][1] <= max_gap + 1:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1])
    return [(a, b) for a, b in runs]


def row_profile(mask: Image.Image) -> list[int]:
    """Number of non-zero pixels in each row of an L mask (0/255)."""
    w, h = mask.size
    if w == 0 or h == 0:
        return [0] * h
    data = mask.tobytes()
    return [w - data.count(0, y * w, (y + 1) * w) for y in range(h)]


def col_profile(mask: Image.Image) -> list[int]:
    return row_profile(mask.transpose(Image.Transpose.ROTATE_90))[::-1]


def _find_dividers(mask: Image.Image, y_from: int, y_to: int, width: int, share: float = 0.9,
                   unbroken: bool = False, edge_to_edge: bool = False) -> list[int]:
    """Rows in [y_from, y_to) where ≥ `share` of the row differs from the page: divider lines or bars.
    `unbroken`: the differing pixels must be one run that long (a rule across the pane), not the
    sum of a bubble and the avatar beside it. `edge_to_edge`: the row reaches both sides of the
    image, as a phone's title and input bars do and a wide bubble, with its margins, does not."""
    y_from, y_to = max(0, y_from), min(mask.height, y_to)
    if y_to <= y_from:
        return []
    band = mask.crop((0, y_from, width, y_to))
    prof = row_profile(band)
    rows = [i for i, v in enumerate(prof) if v >= share * width]
    if unbroken:
        data = band.tobytes()
        rows = [i for i in rows if _longest_run(data[i * width:(i + 1) * width]) >= share * width]
    if edge_to_edge:
        data = band.tobytes()
        rows = [i for i in rows if _spans_edges(data[i * width:(i + 1) * width])]
    return [y_from + i for i in rows]


def _row_runs(rows: list[int]) -> list[list[int]]:
    """Consecutive row numbers grouped into runs."""
    runs: list[list[int]] = []
    for y in rows:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return runs


def _longest_run(row: bytes) -> int:
    """Length of the longest run of non-zero bytes."""
    return max((m.end() - m.start() for m in _RUN.finditer(row)), default=0)


def _spans_edges(row: bytes) -> bool:
    """Non-zero bytes at both ends of the row (within 1 %): a bar reaches the image's sides, where a
    wide bubble leaves its margins. Holes between are allowed (a title's anti-aliased glyphs)."""
    slack = max(1, len(row) // 100)
    return any(row[:slack]) and any(row[-slack:])


_RUN = re.compile(rb"[^\x00]+")


def segment(image: Image.Image) -> Layout:
    """Cut an RGB screenshot into regions (see module docstring)."""
    W, H = image.size
    # Sizes (bubbles, avatars, glyphs) scale with the width of a phone screen. A landscape capture
    # is a desktop client (WeChat/QQ for Windows/macOS): its text is phone-sized in pixels although
    # the window is wide, so sizes scale with 0.6 × its height instead.
    desktop = W > H
    S = min(W, int(0.6 * H)) if desktop else W
    u = S / 1080  # layout unit: 1 at the common 1080 px width
    margin_w = max(2, int(W * 0.012))
    margins = Image.new("RGB", (margin_w * 2, H))
    margins.paste(image.crop((0, 0, margin_w, H)), (0, 0))
    margins.paste(image.crop((W - margin_w, 0, W, H)), (margin_w, 0))
    body = margins.crop((0, int(H * 0.1), margin_w * 2, int(H * 0.9))) if H > 50 else margins
    page_bg = dominant_colour(body)
    dark = sum(page_bg) / 3 < 100
    dist = distance_image(image, page_bg)
    solid_mask = _threshold(dist, solid_level(distance_image(body, page_bg)))
    ink_mask = _threshold(dist, INK_DIFF)

    # Header and input bar: only on phone-shaped captures (desktop clients have neither).
    phone = H / W > 1.5
    header_bottom, footer_top = 0, H
    first_rule = H
    if phone:
        # the title bar's rule reaches both sides of the screen (a wide bubble at the top of a
        # cropped capture does not); the rows right under it that span the width (a pinned notice
        # bar, inset by its margins) still belong to the header
        edge_rows = set(_find_dividers(solid_mask, int(0.08 * W), int(0.34 * W), W, edge_to_edge=True))
        runs = _row_runs(_find_dividers(solid_mask, int(0.08 * W), int(0.34 * W), W))
        run = next((r for r in runs if any(y in edge_rows for y in r)), None)
        if run:  # the end of the first such run of divider rows (a pinned bar below is a banner)
            first_rule, header_bottom = run[0], run[-1] + 1
        bottom = _find_dividers(solid_mask, H - int(0.3 * W), H - int(0.06 * W), W, edge_to_edge=True)
        footer_top = bottom[0] if bottom else H
    else:
        # a desktop window (or a squarish crop of one): the title bar ends at a rule across most of
        # the chat pane near the top (the pane may sit right of a sidebar); the title above it
        # names the chat and is not a message. A rule across the bottom starts the input bar.
        runs = _row_runs(_find_dividers(solid_mask, 0, int(0.15 * H), W, 0.6, unbroken=True))
        if runs:
            header_bottom = runs[0][-1] + 1
        bottom = _find_dividers(solid_mask, int(0.8 * H), H - 2, W, 0.85)
        footer_top = bottom[0] if bottom else H

    # Solid regions from a downsampled mask.
    cell = max(4, int(round(8 * u)))
    gw, gh = max(1, W // cell), max(1, H // cell)
    small = solid_mask.resize((gw, gh), Image.BOX)
    grid = small.point(lambda v: 1 if v >= 128 else 0).tobytes()
    regions: list[Region] = []
    min_side = 40 * u
    for cx0, cy0, cx1, cy1, count in _components(grid, gw, gh):
        box = _refine((cx0 * cell, cy0 * cell, cx1 * cell, cy1 * cell), solid_mask, cell, W, H)
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        if w < min_side or h < min_side * 0.9:
            continue
        if y1 <= header_bottom + 2 or y0 >= footer_top - 2:
            continue
        cut = y0 <= header_bottom or y1 > footer_top
        y0, y1 = max(y0, header_bottom + 1), min(y1, footer_top)
        box = (x0, y0, x1, y1)
        if cut and y1 - y0 < 0.07 * S:
            continue  # a sliver of a bubble scrolled under the title or input bar: no whole line
        if w > 0.85 * W:
            role = "banner"
        elif 0.05 * S <= w <= 0.18 * S and abs(w - h) < 0.25 * w and (x0 < 0.09 * W or x1 > 0.91 * W):
            role = "avatar"
        elif h < 0.05 * S or w < 0.07 * S or (h < 0.075 * S and w < 0.2 * S):
            continue  # too small for a bubble: a bold glyph, an icon (quote chips are low but wide)
        else:
            role = "bubble"
        regions.append(Region(box=box, role=role, filled=True))

    regions.extend(_faint_avatars(ink_mask, regions, W, S))
    # Text lines on the page background: blank the solid regions, then project.
    blank = ink_mask.copy()
    tail = int(18 * u)  # bubble tails stick out of the solid block towards the avatar
    for r in regions:
        blank.paste(0, (max(0, r.box[0] - tail), max(0, r.box[1] - 2), min(W, r.box[2] + tail), min(H, r.box[3] + 2)))
    lines = _text_lines(blank, header_bottom, footer_top, W, u)
    title = None
    if header_bottom > 0:
        head_lines = _text_lines(ink_mask, 0, header_bottom - 1, W, u)
        centred = [r for r in head_lines if abs((r.box[0] + r.box[2]) / 2 - W / 2) < 0.12 * W]
        if desktop:  # desktop clients put the chat name at the left of the title bar
            centred = head_lines
        # a pinned notice bar under the title bar is part of the header, but its text is not the title
        above_bar = [r for r in centred if r.box[3] <= first_rule + 2]
        centred = above_bar or centred
        if centred:
            title = max(centred, key=lambda r: r.height)
            title.role = "title"
            title.bg = page_bg

    for r in lines:
        r.bg = page_bg
    regions.extend(lines)
    avatars = [r for r in regions if r.role == "avatar"]
    for r in regions:
        _place(r, W, avatars, S)
    # A line on the page right above a left bubble, aligned with it, is a group nickname.
    bubbles = [r for r in regions if r.role == "bubble"]
    for r in regions:
        if r.role != "line" or r.side == "centre":
            continue
        below = [b for b in bubbles if 0 <= b.box[1] - r.box[3] < 0.08 * S and abs(b.box[0] - r.box[0]) < 0.06 * S]
        if below and r.height < min(b.height for b in below):
            r.role = "nickname"
            r.side = below[0].side
    regions.sort(key=lambda r: (r.box[1], r.box[0]))
    for r in regions:
        if r.filled and r.role in ("bubble", "centre"):
            _describe_fill(image, r)
    _mark_quotes(regions, avatars, S)
    return Layout(W, H, page_bg, dark, header_bottom, footer_top, regions, title, S, desktop)


def _faint_avatars(ink: Image.Image, regions: list[Region], W: int, S: int) -> list[Region]:
    """Avatars that are not one solid block (a light picture on a light page, common on desktop
    clients): a square patch of ink in the margin beside the top of a bubble that has no avatar."""
    found: list[Region] = []
    have = [r for r in regions if r.role == "avatar"]
    for b in [r for r in regions if r.role == "bubble"]:
        x0, y0, x1, y1 = b.box
        if any(a.box[1] < y1 and y0 - 0.1 * S < a.box[3] for a in have + found):
            continue
        ya, yb = max(0, int(y0 - 0.08 * S)), min(ink.height, int(y0 + 0.12 * S))
        for xa, xb in ((0, x0 - 2), (x1 + 2, W)):
            if xb - xa < 0.05 * S or xb - xa > 0.25 * S + 0.1 * W:
                continue
            bbox = ink.crop((xa, ya, xb, yb)).getbbox()
            if not bbox:
                continue
            # the patch nearest the bubble, cut at the first blank column run away from it
            patch = (xa + bbox[0], ya + bbox[1], xa + bbox[2], ya + bbox[3])
            w, h = patch[2] - patch[0], patch[3] - patch[1]
            near_edge = patch[0] < 0.09 * W or patch[2] > 0.91 * W
            if near_edge and 0.05 * S <= w <= 0.18 * S and 0.75 <= w / max(1, h) <= 1.34:
                found.append(Region(box=patch, role="avatar", filled=True))
    return found


def _refine(box: Box, mask: Image.Image, cell: int, W: int, H: int) -> Box:
    """Tighten a cell-precision box to the pixel rows/columns that are mostly solid."""
    x0, y0, x1, y1 = max(0, box[0] - cell), max(0, box[1] - cell), min(W, box[2] + cell), min(H, box[3] + cell)
    crop = mask.crop((x0, y0, x1, y1))
    cols = list(crop.resize((crop.width, 1), Image.BOX).tobytes())
    rows = list(crop.resize((1, crop.height), Image.BOX).tobytes())
    cs = _run_around(cols, (box[0] + box[2]) // 2 - x0)
    rs = _run_around(rows, (box[1] + box[3]) // 2 - y0)
    if cs is None or rs is None:
        return box
    return (x0 + cs[0], y0 + rs[0], x0 + cs[1], y0 + rs[1])


def _run_around(profile: list[int], centre: int, level: int = 90) -> tuple[int, int] | None:
    """The run of mostly-solid indices containing `centre` (a neighbour such as an avatar, only a
    few pixels away, stays out)."""
    solid = [v >= level for v in profile]
    if not solid:
        return None
    centre = max(0, min(len(solid) - 1, centre))
    if not solid[centre]:
        near = [i for i, ok in enumerate(solid) if ok]
        if not near:
            return None
        centre = min(near, key=lambda i: abs(i - centre))
    a = b = centre
    while a > 0 and solid[a - 1]:
        a -= 1
    while b < len(solid) - 1 and solid[b + 1]:
        b += 1
    return a, b + 1


def _text_lines(mask: Image.Image, y_from: int, y_to: int, W: int, u: float) -> list[Region]:
    """Lines of ink on the page background between y_from and y_to."""
    out: list[Region] = []
    if y_to - y_from < 4:
        return out
    band_mask = mask.crop((0, y_from, W, y_to))
    rows = row_profile(band_mask)
    for a, b in _runs(rows, 1, max(1, int(3 * u))):
        h = b - a
        if h < 12 * u:
            continue
        strip = band_mask.crop((0, a, W, b))
        cols = col_profile(strip)
        for c0, c1 in _runs(cols, 1, max(int(1.6 * h), int(20 * u))):
            if c1 - c0 < 16 * u:
                continue
            # tighten vertically to this run's own ink
            sub = strip.crop((c0, 0, c1, h))
            bbox = sub.getbbox()
            if not bbox:
                continue
            if bbox[3] - bbox[1] < 8 * u:
                continue  # a rule or a speck, not a line of text
            out.append(Region(box=(c0, y_from + a + bbox[1], c1, y_from + a + bbox[3]), role="line"))
    return out


def _place(r: Region, W: int, avatars: list[Region], S: int | None = None) -> None:
    """Decide side: by a neighbouring avatar first, then by the margins."""
    if r.role in ("banner", "title"):
        return
    x0, y0, x1, y1 = r.box
    if r.role == "avatar":
        r.side = "left" if x0 < W / 2 else "right"
        return
    S = S or W
    ml, mr = x0, W - x1
    centred = abs(ml - mr) < 0.07 * W and min(ml, mr) > 0.1 * W
    # an avatar level with the bubble's top and just beside it decides the side
    for a in avatars:
        level = a.box[1] < y1 and y0 < a.box[3] and a.box[1] - y0 < 0.04 * S
        if r.role == "bubble" and level and 0 <= x0 - a.box[2] < 0.07 * S:
            r.side = "left"
            return
        if r.role == "bubble" and level and 0 <= a.box[0] - x1 < 0.07 * S:
            r.side = "right"
            return
    if centred:
        r.side = "centre"
        if r.role == "bubble":
            r.role = "centre"  # a notice chip
        elif r.role == "line":
            r.role = "centre"
        return
    r.side = "left" if ml < mr else "right"


def _mark_quotes(regions: list[Region], avatars: list[Region], W: int) -> None:
    """A quote-reply chip: a filled block right under a bubble of the same side, flush with its
    outer edge, in another colour, with no avatar of its own. It is context, not a message."""
    bubbles = [r for r in regions if r.role == "bubble"]
    for r in [r for r in regions if r.role in ("bubble", "line")]:
        over = [b for b in bubbles if b is not r and b.box[3] <= r.box[1] + 2]
        if not over:
            continue
        above = max(over, key=lambda b: b.box[3])
        if r.side != above.side or r.side not in ("left", "right"):
            continue
        gap = r.box[1] - above.box[3]
        if not 0 <= gap < 0.035 * W:
            continue
        if r.role == "line":  # a chip too low to be a solid block: its text line, flush under the bubble
            outer = abs(r.box[2] - above.box[2]) if r.side == "right" else abs(r.box[0] - above.box[0])
            if outer < 0.06 * W and not any(abs(a.box[1] - r.box[1]) < 0.03 * W for a in avatars):
                r.role = "quote"
            continue
        outer = abs(r.box[2] - above.box[2]) if r.side == "right" else abs(r.box[0] - above.box[0])
        if outer > 0.025 * W or max(abs(a - b) for a, b in zip(r.bg, above.bg)) < 12:
            continue
        if any(a.box[1] <= r.box[1] + 0.02 * W and r.box[1] - 0.02 * W <= a.box[1] for a in avatars):
            continue  # its own avatar: a message
        if r.height > 0.16 * W:
            continue
        r.role = "quote"


def _describe_fill(image: Image.Image, r: Region) -> None:
    """Background colour of a filled region from its side edges, and how colourful it is."""
    x0, y0, x1, y1 = r.box
    inset = max(2, r.height // 8)
    edge_w = max(2, min(8, r.width // 20))
    ya, yb = y0 + inset, max(y0 + inset + 1, y1 - inset)
    left = image.crop((x0 + 2, ya, x0 + 2 + edge_w, yb))
    right = image.crop((x1 - 2 - edge_w, ya, x1 - 2, yb))
    both = Image.new("RGB", (edge_w * 2, yb - ya))
    both.paste(left, (0, 0))
    both.paste(right, (edge_w, 0))
    r.bg = dominant_colour(both)
    edge_far = _threshold(distance_image(both, r.bg), 16).histogram()[255] / max(1, both.width * both.height)
    crop = image.crop(r.box)
    far = _threshold(distance_image(crop, r.bg), 40)
    hist = far.histogram()
    r.colourful = hist[255] / max(1, crop.width * crop.height)
    if edge_far > 0.3:  # a bubble has one background colour; a photo or a gradient does not
        r.colourful = max(r.colourful, edge_far)
