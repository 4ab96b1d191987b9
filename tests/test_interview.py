"""`casekit interview` keeps the user's comments and re-asks after an invalid answer."""

from casekit.facts import load_facts, render_case_toml_template
from casekit.interview import QUESTIONS, run_interview


def test_interview_writes_validated_facts_and_keeps_comments(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(render_case_toml_template() + "\n# 我自己的备注\n", encoding="utf-8")
    answers = {"您的姓名": ["赵某某"], "身份证号（18 位）": ["123", "110101199001011234"],
               "订单金额（1280.00）": ["1,280.00"], "对方收款账户（多个用逗号分隔）": ["138****5678，6222020200001234567"],
               "确认所述属实、知悉诬告须承担法律责任（y/n）": ["y"]}
    said = []

    def ask(question, default):
        queue = answers.get(question)
        return queue.pop(0) if queue else default

    run_interview(path, ask=ask, say=said.append)
    facts = load_facts(path)
    assert facts.victim.name == "赵某某"
    assert facts.victim.id_number == "110101199001011234"
    assert str(facts.order.amount) == "1280.00"
    assert facts.suspects[0].payment_accounts == ["138****5678", "6222020200001234567"]
    assert facts.filing.truth_declared is True
    assert any("id_number" in s for s in said)  # the bad ID number was refused and re-asked
    text = path.read_text("utf-8")
    assert "# 我自己的备注" in text and "# 文字用英文双引号" in text
    assert len(QUESTIONS) > 10
