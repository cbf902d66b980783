import pytest

from tocns.lib.phone import format_phone, normalize_phone
from tocns.lib.text import fold


@pytest.mark.parametrize("raw", ["0912 345 678", "+84912345678", "84912345678", "0912.345.678",
                                 "(+84) 912-345-678", "0084 912 345 678", "912345678"])
def test_every_common_way_of_writing_a_mobile_number_is_the_same_number(raw):
    assert normalize_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw", ["", "12345", "09123456789012", "abc", "+1 202 555 0100"])
def test_what_is_not_a_vietnamese_number_is_refused(raw):
    assert normalize_phone(raw) is None


def test_landline_with_area_code_is_kept_and_grouped():
    assert normalize_phone("0207 3822 123") == "02073822123"
    assert format_phone("02073822123") == "0207 3822 123"
    assert format_phone("0912345678") == "0912 345 678"


def test_fold_removes_diacritics_including_d_and_spacing():
    assert fold("Xã  Thượng Lâm") == "xa thuong lam"
    assert fold("Đồng Văn") == "dong van"
    assert fold("H'Mông") == "h'mong"
