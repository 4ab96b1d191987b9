"""Weak words: how well an OCR word's confidence points at the characters it got wrong, for the
item page's highlight threshold (casekit.ocr.weak.WEAK_CONF).

Synthetic chats (casekit.synth, texts below, never the held-out images) are degraded as a
re-shared screenshot is (downscaled, JPEG), read by the real pipeline, and every word the
pipeline joined into a message is scored against the text drawn: a word is wrong when one of
its characters is not in the drawn text's alignment (difflib). For each threshold: how many
highlighted words are wrong (precision), how many wrong words are highlighted (recall), and the
share of all characters highlighted.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/bench_weak.py [--engine tesseract|rapidocr] [--chats N] [--harsh F]
"""

from __future__ import annotations

import argparse
import difflib
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEXTS = ["加我微信私下转账便宜200", "好的我现在转给你", "亲，这款羊绒大衣今天直播间特价1280元", "已经付款了，什么时候发货",
         "发货要先交保证金300元，退款时一起退", "你的订单号是2026030522001", "请把验证码发给我核对一下身份",
         "为什么还没有物流信息？", "我要退款，不然我就报警了", "对方已将你拉黑", "收款账户 6222 0202 0000 1234 567",
         "我的快手号是 xiaomei_888，直播间号 12345678", "明天上午十点前一定发出", "质量问题可以七天无理由退货",
         "你先确认收货，我这边才能给你返现", "这边是官方客服，工号 A1029"]
THRESHOLDS = (30, 45, 60, 70, 80, 90)


def chats(n: int, harsh: float = 1.0):
    from casekit.synth import render_chat

    for i in range(n):
        picked = [TEXTS[(i * 5 + k) % len(TEXTS)] for k in range(5)]
        msgs = [{"kind": "time", "text": "3月5日 下午2:00"}] + [
            {"speaker": "them" if k % 2 == 0 else "me", "text": t} for k, t in enumerate(picked)]
        image, _ = render_chat(msgs, contact="小美客服", dark=i % 4 == 3)
        scale = (0.5, 0.6, 0.75)[i % 3] / harsh
        image = image.resize((int(image.width * scale), int(image.height * scale)))
        buf = io.BytesIO()
        image.convert("RGB").save(buf, "JPEG", quality=max(5, int((20, 35, 50)[i % 3] / harsh)))
        yield buf.getvalue(), picked


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default="tesseract")
    ap.add_argument("--chats", type=int, default=12)
    ap.add_argument("--harsh", type=float, default=1.0, help="divide the scale and JPEG quality by this (rapidocr reads the default set without a fault)")
    args = ap.parse_args()
    import casekit.importers.screenshots as shots
    from casekit.inspect import inspect_file
    from casekit.ocr import weak
    from casekit.ocr.text import clean

    seen: list[tuple[str, list]] = []
    real = shots.weak_spans

    def spy(text, words, threshold=weak.WEAK_CONF["tesseract"]):
        seen.append((text, list(words)))
        return real(text, words, threshold)

    shots.weak_spans = spy
    words_scored: list[tuple[float, bool]] = []  # (confidence, wrong)
    chars = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, (data, truth) in enumerate(chats(args.chats, args.harsh)):
            path = Path(tmp) / f"chat{n}.jpg"
            path.write_bytes(data)
            seen.clear()
            inspect_file(path, engine=args.engine)
            for text, words in seen:
                best = max(truth, key=lambda t: difflib.SequenceMatcher(None, t, text).ratio())
                if difflib.SequenceMatcher(None, best, text).ratio() < 0.5:
                    continue  # a time label or the title, not a drawn message
                matcher = difflib.SequenceMatcher(None, text, best, autojunk=False)
                good = set()
                for block in matcher.get_matching_blocks():
                    good.update(range(block.a, block.a + block.size))
                chars += len(text)
                cursor = 0
                for w in sorted(words, key=lambda w: (w.top, w.left)):
                    piece = clean(w.text)
                    at = text.find(piece, cursor) if piece else -1
                    if at < 0:
                        continue
                    cursor = at + len(piece)
                    span = [i for i in range(at, at + len(piece)) if not text[i].isspace()]
                    words_scored.append((w.conf, any(i not in good for i in span)))
    wrong = sum(1 for _, bad in words_scored if bad)
    print(f"engine {args.engine}, harsh {args.harsh}: {args.chats} chats, {len(words_scored)} words, {wrong} wrong, {chars} characters")
    print("| threshold | highlighted words | of them wrong (precision) | wrong words highlighted (recall) |")
    print("|---|---|---|---|")
    for t in THRESHOLDS:
        flagged = [bad for conf, bad in words_scored if conf < t]
        hit = sum(flagged)
        precision = f"{100 * hit / len(flagged):.0f}%" if flagged else "—"
        recall = f"{100 * hit / wrong:.0f}%" if wrong else "—"
        print(f"| {t} | {len(flagged)} | {precision} | {recall} |")


if __name__ == "__main__":
    main()
