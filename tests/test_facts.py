"""case.toml loading: types, Decimal money, errors naming file, line and field."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from casekit.errors import BadInput
from casekit.facts import load_facts, parse_facts, render_case_toml_template

GOOD = '''
[case]
title = "直播间购买羊绒大衣被骗案"
platform = "快手"
incident_date = 2026-03-05

[victim]
name = "赵某某"
id_number = "11010119900101123x"
phone = "13900001111"

[[suspects]]
name = "张某"
payment_accounts = ["138****5678"]

[order]
order_id = "2603051410558831"
amount = "1,280.00"
ordered_at = 2026-03-05T14:10:00+08:00

[[demands]]
kind = "refund"
amount = 1280

[[events]]
time = 2026-03-06
text = "发现被拉黑"
'''


def test_template_parses_to_empty_facts():
    facts = parse_facts(render_case_toml_template())
    assert facts.victim.name == ""
    assert facts.suspects == []  # the template's empty block is not a suspect
    assert "# " in render_case_toml_template()  # commented for the user


def test_good_facts_are_typed():
    facts = parse_facts(GOOD)
    assert facts.case.incident_date == date(2026, 3, 5)
    assert facts.order.amount == Decimal("1280.00")
    assert facts.demands[0].amount == Decimal("1280.00")
    assert facts.victim.id_number.endswith("X")
    assert facts.order.ordered_at.utcoffset().total_seconds() == 8 * 3600
    assert facts.order.order_id == "2603051410558831"
    assert facts.events[0].precision == "day"


@pytest.mark.parametrize("text,field,line", [
    ('[victim]\nname = "a"\nid_number = "1234"\n', "victim.id_number", 3),
    ('[order]\n\namount = "abc"\n', "order.amount", 3),
    ('[case]\nplatform = "火星"\n', "case.platform", 2),
    ('[[demands]]\nkind = "money"\n', "demands[0].kind", 2),
    ('[story]\nblocked = "yes"\n', "story.blocked", 2),
])
def test_errors_name_file_line_and_field(text, field, line):
    with pytest.raises(BadInput) as info:
        parse_facts(text, Path("/x/case.toml"))
    message = str(info.value)
    assert f"case.toml:{line}" in message and field in message
    assert info.value.hint_zh  # says how to fix


def test_syntax_error_is_bad_input_with_line():
    with pytest.raises(BadInput) as info:
        parse_facts('[case\ntitle = "x"\n')
    assert "line 1" in str(info.value)


def test_load_missing_file(tmp_path):
    with pytest.raises(BadInput):
        load_facts(tmp_path / "case.toml")


def test_load_from_folder_with_bom(tmp_path):
    (tmp_path / "case.toml").write_bytes("\ufeff[case]\ntitle = \"t\"\n".encode())
    assert load_facts(tmp_path).case.title == "t"


# --- unknown sections and keys (issue 15 §8) ---

@pytest.mark.parametrize("text, zh, line, guess", [
    ('[case]\ntitle = "x"\n\n[vicitm]\nname = "张三"\n', "未知的段 vicitm", 4, "victim"),
    ('[filing]\npolice_unit = "a"\npolic_unit = "b"\n', "未知的字段 filing.polic_unit", 3, "police_unit"),
    ('[[suspects]]\nname = "李四"\n\n[[suspects]]\nnmae = "王五"\n', "未知的字段 suspects[1].nmae", 5, "name"),
    ('[evidence.E0001]\npurpose = "x"\npurpoze = "y"\n', "未知的字段 evidence.E0001.purpoze", 3, "purpose"),
])
def test_unknown_section_or_key_names_its_line_and_a_guess(text, zh, line, guess):
    with pytest.raises(BadInput) as err:
        parse_facts(text)
    message = str(err.value)
    assert zh in message
    assert f"case.toml:{line} " in message
    assert f"是不是 {guess}" in message and f"did you mean {guess}" in message


def test_unknown_key_with_nothing_close_says_remove_it():
    with pytest.raises(BadInput) as err:
        parse_facts('[victim]\nzzqqxx = 1\n')
    assert "未知的字段 victim.zzqqxx" in str(err.value) and "删去" in str(err.value)


def test_every_key_of_the_template_is_known():
    # the template with every commented example key filled in still parses
    import re
    text = "\n".join(line[2:] if re.match(r"# (\[|\w+ = )", line) else line
                     for line in render_case_toml_template().splitlines())
    assert "[[events]]\ntime =" in text and "\nquantity = 1" in text
    facts = parse_facts(text)
    assert facts.order.quantity == 1 and facts.events and facts.evidence["E0001"].purpose
