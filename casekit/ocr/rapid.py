"""PP-OCRv4 (Chinese detection + recognition, Apache-2.0) through `rapidocr-onnxruntime`.

The models ship inside the wheel (`rapidocr_onnxruntime/models/*.onnx`) and run on the CPU with
onnxruntime: nothing is downloaded at install or run time. The model is loaded once per process
(about 0.3 s) and kept; onnxruntime gets at most `threads()` threads so parallel extract workers
do not oversubscribe the cores.

RapidOCR shrinks any image whose long side exceeds 2000 px before detection and recognises the
crops of the shrunk image, so a tall capture (a phone screen is 2000–2400 px, a stitched one up
to 20 000) would be read at a fraction of its resolution. Tall images are therefore read in
overlapping horizontal tiles at full resolution; a line belongs to the tile where its centre lies
away from the overlap.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from PIL import Image

from ..errors import MissingDependency
from .engine import DEFAULT_LANG, Word, group_rows
from .lines import OcrLine
from .tiles import owned, tile_spans

INSTALL_HINT = "pip install 'rapidocr-onnxruntime==1.4.4'"
TILE = 1800  # px: tile height (RapidOCR's own limit is a 2000 px long side)
OVERLAP = 240  # px: more than two text lines of a phone screen, so no line is cut in every tile
THREADS_ENV = "CASEKIT_OCR_THREADS"
PHONE_DET_WIDTH = 720  # px: a portrait screen's width as the detector sees it (see det_scale)
MIN_LINE_RATIO = 1.0  # a line crop is recognised at least as wide as it is tall (see _recognise)
DET_MIN_SIDE = 32  # px: RapidOCR's detector never upscales a tile past what det_scale chose


def threads() -> int:
    """onnxruntime threads for this process: CASEKIT_OCR_THREADS, else min(2, cores)."""
    try:
        wanted = int(os.environ.get(THREADS_ENV, "0"))
    except ValueError:
        wanted = 0
    return wanted if wanted > 0 else max(1, min(2, os.cpu_count() or 1))


def check_rapidocr() -> str:
    """The engine's version string, or MissingDependency (exit 4) naming the install command."""
    try:
        from importlib.metadata import version

        import rapidocr_onnxruntime  # noqa: F401
        import onnxruntime  # noqa: F401

        return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')} PP-OCRv4 (onnxruntime {version('onnxruntime')})"
    except Exception as exc:  # ImportError, or a broken onnxruntime/opencv install
        raise MissingDependency(
            f"未安装 PP-OCR 文字识别引擎（rapidocr-onnxruntime：{type(exc).__name__}）",
            f"the PP-OCR engine (rapidocr-onnxruntime) is not installed ({type(exc).__name__})",
            hint_zh=INSTALL_HINT + "，或改用 --engine tesseract", hint_en=INSTALL_HINT + ", or use --engine tesseract",
        ) from None


@lru_cache(maxsize=2)
def _model(n_threads: int) -> Any:
    """One RapidOCR instance per process and thread count (model load ≈ 0.3 s)."""
    check_rapidocr()
    from rapidocr_onnxruntime import RapidOCR

    # cls (180° text) is off: screenshots are upright, and it costs a model run per line.
    # det_limit_side_len: the detector gets the image at the scale `det_scale` chose, not upscaled
    # again to RapidOCR's 736 px minimum.
    return RapidOCR(intra_op_num_threads=n_threads, inter_op_num_threads=1, use_cls=False,
                    det_limit_side_len=DET_MIN_SIDE)


def det_scale(width: int, height: int) -> float:
    """The scale the text detector reads a tile at. Detection needs far less resolution than
    recognition (which always reads full-resolution crops): a phone screen's text lines are
    25–60 px tall and are found as well at 720 px across, at about half the detector's time on a 1080 px screen.
    Landscape (desktop) captures have small text and are detected at full size up to 2000 px."""
    if height > 1.3 * width:
        return min(1.0, PHONE_DET_WIDTH / width)
    return min(1.0, 2000 / max(width, 1))


def _tiles(height: int, width: int) -> list[tuple[int, int]]:
    """(top, bottom) of the overlapping tiles that cover an image of this size."""
    return tile_spans(height, tile=max(TILE, min(2000, width)), overlap=OVERLAP, tall=2000)


def _read_tile(model: Any, part: Image.Image, scale: float) -> list[tuple[Any, str, float]]:
    """(quad, text, score) of each line of one tile: RapidOCR's own steps (detect, sort, crop,
    recognise, drop scores under its text_score), with detection at `scale` and recognition on
    crops of the full-resolution tile."""
    import numpy as np

    bgr = np.ascontiguousarray(np.asarray(part)[:, :, ::-1])
    det_in = bgr
    if scale < 0.999:
        small = part.resize((max(32, round(part.width * scale)), max(32, round(part.height * scale))), Image.BOX)
        det_in = np.ascontiguousarray(np.asarray(small)[:, :, ::-1])
    boxes, _ = model.text_det(det_in)
    if boxes is None or len(boxes) == 0:
        return []
    boxes = np.asarray(boxes, dtype=np.float32)
    if det_in is not bgr:
        boxes[..., 0] *= part.width / det_in.shape[1]
        boxes[..., 1] *= part.height / det_in.shape[0]
    boxes = model.sorted_boxes(boxes)
    texts = [_recognise(model.text_rec, crop) for crop in model.get_crop_img_list(bgr, boxes)]
    return [(box, res[0], float(res[1])) for box, res in zip(boxes, texts) if float(res[1]) >= model.text_score]


def _recognise(rec: Any, crop: Any) -> tuple[str, float]:
    """(text, score) of one line crop with RapidOCR's own recogniser (its resize, model and CTC
    decoding), the crop scaled to the model's 48 px height at its own width. RapidOCR's batch call
    pads every line to at least 320 px (and to the widest line of its batch of six): on a chat,
    where most lines are short, that padding was most of the recognition time (bench/OCR.md round 6)."""
    ratio = max(MIN_LINE_RATIO, crop.shape[1] / max(1, crop.shape[0]))
    batch = rec.resize_norm_img(crop, ratio)[None].astype("float32")
    preds = rec.session(batch)[0]
    return rec.postprocess_op(preds, False, wh_ratio_list=[ratio], max_wh_ratio=ratio)[0]


def _quad_box(points: Any, dx: int, dy: int) -> tuple[int, int, int, int]:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    left, top = int(min(xs)) + dx, int(min(ys)) + dy
    return (left, top, max(1, int(round(max(xs))) + dx - left), max(1, int(round(max(ys))) + dy - top))


class RapidOcrEngine:
    """PP-OCRv4 via rapidocr-onnxruntime. `read_lines` gives its line boxes; `words` gives one
    Word per detected line (the region pipeline groups them by line id like Tesseract's)."""

    name = "rapidocr"
    whole_page = True  # reads a whole screen as it is: no per-region crops, no binarising

    def __init__(self, n_threads: int | None = None) -> None:
        self.n_threads = n_threads
        self._version: str | None = None

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = check_rapidocr()
        return self._version

    def read_lines(self, image: Image.Image) -> list[OcrLine]:
        """Every text line of a whole page, top to bottom, boxes in `image`'s pixels."""
        model = _model(self.n_threads or threads())
        rgb = image.convert("RGB")
        out: list[OcrLine] = []
        tiles = _tiles(rgb.height, rgb.width)
        scale = det_scale(rgb.width, rgb.height)
        for i, (top, bottom) in enumerate(tiles):
            part = rgb if (top, bottom) == (0, rgb.height) else rgb.crop((0, top, rgb.width, bottom))
            result = _read_tile(model, part, scale)
            for points, text, score in result or []:
                line = OcrLine(str(text).strip(), _quad_box(points, 0, top), float(score))
                if line.text and owned(line, tiles, i):  # a line at a seam is kept by one tile only
                    out.append(line)
        out.sort(key=lambda ln: (ln.box[1] + ln.box[3] / 2, ln.box[0]))
        return out

    def read_box(self, image: Image.Image, box: tuple[int, int, int, int]) -> OcrLine | None:
        """One text row inside `box` (x0, y0, x1, y1) read by the recogniser alone, with no
        detection (for a short bubble the detector found nothing in), or None when it reads nothing
        it is sure of."""
        import numpy as np

        model = _model(self.n_threads or threads())
        crop = image.crop(box).convert("RGB")
        text, score = _recognise(model.text_rec, np.ascontiguousarray(np.asarray(crop)[:, :, ::-1]))
        text = str(text).strip()
        if not text or float(score) < model.text_score:
            return None
        return OcrLine(text, (box[0], box[1], box[2] - box[0], box[3] - box[1]), float(score))

    def words(self, image: Image.Image, *, psm: int = 6, lang: str = DEFAULT_LANG) -> list[Word]:
        """Lines as Words (conf 0–100 like Tesseract's). Boxes on one text row share a line id, as
        Tesseract's psm 6 puts a row into one line; `psm`/`lang` are Tesseract settings, unused."""
        return group_rows([Word(ln.text, *ln.box, ln.conf * 100.0) for ln in self.read_lines(image)])
