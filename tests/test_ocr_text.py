from casekit.ocr.text import clean, join_lines, join_words, normalise_punctuation, squeeze_cjk_spaces


def test_no_spaces_between_cjk():
    assert squeeze_cjk_spaces("请 点 击 链接") == "请点击链接"
    assert squeeze_cjk_spaces("保证金 500 元") == "保证金500元"
    assert squeeze_cjk_spaces("Qwen QVQ-72B") == "Qwen QVQ-72B"


def test_join_words_and_lines():
    assert join_words(["我已经", "转账了"]) == "我已经转账了"
    assert join_words(["hello", "world"]) == "hello world"
    assert join_lines(["这边给您申请了退款，请点", "击链接"]) == "这边给您申请了退款，请点击链接"
    assert join_lines(["http://kf-refund.exa", "mple.com/a8"]) == "http://kf-refund.example.com/a8"
    assert join_lines(["please send the", "money back"]) == "please send the money back"


def test_punctuation_width_is_consistent():
    assert normalise_punctuation("好的,怎么付款?") == "好的，怎么付款？"
    assert normalise_punctuation("14:10") == "14:10"
    assert normalise_punctuation("１２８０") == "1280"
    assert clean(" 亲 ， 在吗 ? ") == "亲，在吗？"


def test_url_scheme_with_one_slash_is_repaired():
    # Tesseract merges the two slashes of "http://" into one; "http:/host" is never typed as a link
    assert clean("下载地址 http:/tz-app.cc/d") == "下载地址http://tz-app.cc/d"
    assert clean("https://a.example/x") == "https://a.example/x"
    assert clean("path a:/b") == "path a:/b"
