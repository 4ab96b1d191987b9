from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from casekit.ocr.timelabels import SHANGHAI, is_time_label, repair_time_label, resolve_time_label

REF = datetime(2026, 3, 6, 10, 15)  # a Friday


@pytest.mark.parametrize("label, expected", [
    ("3月5日 下午2:10", datetime(2026, 3, 5, 14, 10)),
    ("3月5日下午2:10", datetime(2026, 3, 5, 14, 10)),
    ("昨天 20:16", datetime(2026, 3, 5, 20, 16)),
    ("前天 08:00", datetime(2026, 3, 4, 8, 0)),
    ("星期三 上午9:05", datetime(2026, 3, 4, 9, 5)),
    ("星期五 10:00", datetime(2026, 2, 27, 10, 0)),  # same weekday as the reference = a week ago
    ("2026年3月5日 14:10", datetime(2026, 3, 5, 14, 10)),
    ("2024年12月26日 晚上19:19", datetime(2024, 12, 26, 19, 19)),
    ("晚上19:19", datetime(2026, 3, 6, 19, 19)),
    ("晚上 7:19", datetime(2026, 3, 6, 19, 19)),
    ("凌晨12:30", datetime(2026, 3, 6, 0, 30)),
    ("中午1:05", datetime(2026, 3, 6, 13, 5)),
    ("2025-6-18 20:03", datetime(2025, 6, 18, 20, 3)),
    ("2025-6-18", datetime(2025, 6, 18, 0, 0)),
    ("14:38", datetime(2026, 3, 6, 14, 38)),
    ("12月30日 9:00", datetime(2025, 12, 30, 9, 0)),  # later than the reference → last year
])
def test_resolves(label, expected):
    got = resolve_time_label(label, REF)
    assert got is not None and got.utcoffset() == timedelta(hours=8)
    assert got.replace(tzinfo=None) == expected


@pytest.mark.parametrize("label", ["hello", "25:00", "3月32日 10:00", "上午15:00", "2026年2月30日", "", "星期八 9:00",
                                   "我已经转账了 14:10"])
def test_rejects(label):
    assert resolve_time_label(label, REF) is None


def test_relative_needs_reference_but_absolute_does_not():
    assert resolve_time_label("昨天 20:16", None) is None
    assert resolve_time_label("2025-6-18 20:03", None).year == 2025


def test_is_time_label():
    assert is_time_label("星期三上午9:05")
    assert not is_time_label("对方撤回了一条消息")


@given(st.text(max_size=30), st.datetimes(min_value=datetime(1, 1, 8), max_value=datetime(9999, 12, 24)))
def test_never_raises(text, reference):
    got = resolve_time_label(text, reference)
    assert got is None or got.tzinfo is not None


@given(st.sampled_from(["昨天", "前天", "星期一", "星期日", "3月1日", "12月31日", ""]),
       st.sampled_from(["", "上午", "下午", "晚上", "凌晨"]), st.integers(0, 30), st.integers(0, 70),
       st.dates(min_value=date(2000, 1, 8), max_value=date(2099, 12, 1)))
def test_generated_labels(day, period, hour, minute, ref_day):
    label = f"{day} {period}{hour}:{minute:02d}"
    got = resolve_time_label(label, datetime.combine(ref_day, datetime.min.time()))
    assert got is None or got.tzinfo is not None
    if hour > 23 or minute > 59:
        assert got is None


@pytest.mark.parametrize("misread, label", [
    ("12朋24日 14:02", "12月24日14:02"),  # 月 read as a similar glyph between two digit fields
    ("2025年1]月18日 晚上20:03", "2025年11月18日晚上20:03"),  # a serif 1 read as ]
    ("2025年11]月18日 晚上20:03", "2025年11月18日晚上20:03"),  # mapped gives month 111: the ] is dropped
    ("2025年11月18日 晚上F20:03", "2025年11月18日晚上20:03"),  # one stray latin character before the clock
    ("2O24-3-5 10:l5", "2024-3-5 10:15"),
    ("3用5日", "3月5日"),
])
def test_repairs_structural_misreads(misread, label):
    assert not is_time_label(misread)
    assert repair_time_label(misread) == label
    assert is_time_label(label)


@pytest.mark.parametrize("text", [
    "12月24日 14:02",  # already a label: nothing to repair
    "我们1]月见",  # no label structure around the digits
    "v3.2.1", "1O元", "2.5", "用户12朋友", "下午好",
    "2025年13]月1日",  # neither 131 nor 13 is a month
    "12朋40日",  # no 40th day
])
def test_does_not_invent_labels(text):
    assert repair_time_label(text) is None


def test_space_between_numeric_date_and_clock():
    # with the space dropped, "5 10:15" used to read as the 51st day
    assert resolve_time_label("2024-3-5 10:15", REF) == datetime(2024, 3, 5, 10, 15, tzinfo=resolve_time_label("2024-3-5 10:15", REF).tzinfo)
    assert resolve_time_label("3/5 14:10", REF).day == 5
    assert resolve_time_label("1 2:30", REF).hour == 12  # a clock split by OCR still reads


# --- year inference (issue 15 §1) ---

def test_md_after_incident_is_dated_nearest_the_incident_not_a_year_back():
    from casekit.ocr.timelabels import resolve_time_label
    incident = datetime(2026, 3, 5, 23, 59, tzinfo=SHANGHAI)
    # the incident date is a stand-in, not the capture time: 3月9日 is four days later, same year
    assert resolve_time_label("3月9日 下午2:10", incident, bounded=False).date() == date(2026, 3, 9)
    assert resolve_time_label("3月12日", incident, bounded=False).date() == date(2026, 3, 12)
    # the old reading (capture-time bound) put it a year back
    assert resolve_time_label("3月9日", incident).date() == date(2025, 3, 9)


def test_md_never_after_the_file_time():
    from casekit.ocr.timelabels import resolve_time_label
    incident = datetime(2026, 1, 2, 23, 59, tzinfo=SHANGHAI)
    # nearest the incident: 12月30日 of the year before
    assert resolve_time_label("12月30日", incident, bounded=False).date() == date(2025, 12, 30)
    # 1月20日 is nearest in 2026, but the file was written on 2026-01-10: it must be 2025
    latest = datetime(2026, 1, 10, 9, 0, tzinfo=SHANGHAI)
    assert resolve_time_label("1月20日", incident, bounded=False).date() == date(2026, 1, 20)
    assert resolve_time_label("1月20日", incident, bounded=False, latest=latest).date() == date(2025, 1, 20)


def test_relative_labels_need_a_capture_time():
    from casekit.ocr.timelabels import resolve_time_label
    incident = datetime(2026, 3, 5, 23, 59, tzinfo=SHANGHAI)
    for label in ("昨天 20:16", "星期三 上午9:05", "14:02"):
        assert resolve_time_label(label, incident, bounded=False) is None
        assert resolve_time_label(label, incident) is not None


def test_infer_year_leap_day_and_no_fit():
    from casekit.ocr.timelabels import infer_year
    assert infer_year(2, 29, date(2026, 3, 1), bounded=False) is None  # no leap year in 2025–2027
    assert infer_year(2, 29, date(2028, 3, 1)) == date(2028, 2, 29)
    assert infer_year(6, 1, date(2026, 3, 1), latest=date(2023, 1, 1)) is None
