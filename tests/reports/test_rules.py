"""The rule expression reader: a small grammar, never eval; empty is missing, never 0."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tocns.reports.rules import RuleSyntaxError, check, compile_rule, evaluate, parse


def rule(left, operator, right, high="", strength="block", message="Sai"):
    return SimpleNamespace(left=left, operator=operator, right=right, right_high=high, strength=strength,
                           message=message)


def test_an_expression_reads_codes_numbers_and_the_four_operations_in_vietnamese_signs():
    expr = parse("(HN + hcn) × 100 ÷ HO − 0,5")
    assert expr.codes == {"HN", "HCN", "HO"}
    assert evaluate(expr, {"HN": D(3), "HCN": D(2), "HO": D(50)}) == D("9.5")


def test_multiplication_binds_tighter_than_addition_and_minus_is_unary_too():
    assert evaluate(parse("2 + 3 * 4"), {}) == 14
    assert evaluate(parse("-2 * -3"), {}) == 6
    assert evaluate(parse("10 - 2 - 3"), {}) == 5


def test_an_empty_indicator_makes_the_side_missing_never_zero():
    assert evaluate(parse("HN + HCN"), {"HN": D(3), "HCN": None}) is None
    assert evaluate(parse("HN + HCN"), {"HN": D(3)}) is None


def test_a_division_by_zero_is_missing_not_an_error():
    assert evaluate(parse("HN / HO"), {"HN": D(3), "HO": D(0)}) is None


@pytest.mark.parametrize("text, message", [
    ("HN +", "Biểu thức còn thiếu"),
    ("(HN + HO", "Thiếu dấu đóng ngoặc"),
    ("HN HO", "Thừa “HO”"),
    ("HN ; 2", "Không hiểu ký tự “;”"),
    ("", "Hãy nhập biểu thức"),
    ("__import__('os')", "Không hiểu ký tự “'”"),
])
def test_a_wrong_expression_is_refused_with_a_vietnamese_message(text, message):
    with pytest.raises(RuleSyntaxError) as refused:
        parse(text)
    assert message in refused.value.message


def test_deep_brackets_are_refused_not_a_crash():
    with pytest.raises(RuleSyntaxError):
        parse("(" * 40 + "1" + ")" * 40)


@given(st.text(alphabet="HNO0123456789 +-*/×÷−(),.;x", max_size=60))
def test_any_text_is_read_or_refused_never_crashes(text):
    try:
        expr = parse(text)
    except RuleSyntaxError:
        return
    evaluate(expr, {code: D(2) for code in expr.codes})


def test_poor_and_near_poor_households_at_most_the_households():
    compiled = compile_rule(rule("HN + HCN", "le", "HO", message="Hộ nghèo và cận nghèo không quá tổng số hộ"))
    assert check(compiled, {"HN": D(60), "HCN": D(50), "HO": D(100)}).describe() == (
        "Hộ nghèo và cận nghèo không quá tổng số hộ (HN + HCN = 110; HO = 100)")
    assert check(compiled, {"HN": D(40), "HCN": D(50), "HO": D(100)}) is None
    assert check(compiled, {"HN": D(60), "HCN": None, "HO": D(100)}) is None  # skipped while empty


def test_between_checks_a_band():
    compiled = compile_rule(rule("BHYT * 100 / DS", "between", "50", high="100", strength="warn"))
    assert check(compiled, {"BHYT": D(90), "DS": D(100)}) is None
    broken = check(compiled, {"BHYT": D(30), "DS": D(100)})
    assert broken is not None and not broken.blocks and broken.left == 30
