from decimal import Decimal

import pytest

from tocns.reports.checks import check_value, format_number, parse_number
from tocns.reports.choices import ValueType
from tocns.reports.models import Indicator

pytestmark = pytest.mark.django_db


def percent() -> Indicator:
    return Indicator(code="P1", name="Tỷ lệ hộ dùng thanh toán số", pillar="economy", unit_of_measure="%",
                     value_type=ValueType.PERCENT, min_value=0)


def test_a_percentage_over_100_is_refused():
    assert check_value(percent(), "100").error == ""
    assert check_value(percent(), "100,5").error == "Tỷ lệ không được quá 100%."


@pytest.mark.parametrize("raw, value_type, expected", [
    ("1.234", ValueType.INTEGER, Decimal(1234)),
    ("1 234", ValueType.INTEGER, Decimal(1234)),
    ("12", ValueType.INTEGER, Decimal(12)),
    ("12,5", ValueType.DECIMAL, Decimal("12.5")),
    ("", ValueType.INTEGER, None),
])
def test_numbers_are_read_as_vietnamese_write_them(raw, value_type, expected):
    assert parse_number(raw, value_type) == expected


def test_numbers_are_shown_as_vietnamese_write_them():
    assert format_number(Decimal(1234567)) == "1.234.567"
    assert format_number(Decimal("12.5")) == "12,5" and format_number(Decimal("0.25")) == "0,25"
