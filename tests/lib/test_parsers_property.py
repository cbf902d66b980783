"""Property-based tests (hypothesis) of every parser that reads what people type or upload: the
spreadsheet reader (.xlsx and .csv), phone numbers, report numbers and targets, dates and periods.
Whatever the input, each answers a value or its own Vietnamese refusal, never an unhandled
exception (a 500 for the person, a worker held for the server)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tocns.fieldwork.services import _day, made_at_of
from tocns.lib.phone import format_phone, looks_like_phone, normalize_phone
from tocns.lib.sheets import FileRefused, csv_bytes, looks_like_formula, read_table, workbook_bytes
from tocns.reports.catalogue import parse_target
from tocns.reports.checks import format_number, parse_number
from tocns.reports.choices import ValueType
from tocns.reports.models import Indicator
from tocns.reports.periods import parse_period
from tocns.teams.views import _parse_day

# Modest and without a deadline: the whole module stays within a few seconds on a slow machine. No
# example database: nothing written into the tree, each run starts afresh.
FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# Text as people type it, and as a broken or hostile file holds it: controls, NUL, lone surrogates
# excluded only where the format itself cannot carry them.
any_text = st.text(max_size=60)
typed = st.one_of(any_text, st.from_regex(r"[0-9 .,+\-−()]{0,20}", fullmatch=True),
                  st.sampled_from(["", " ", "1e999999", "NaN", "-Infinity", "0x10", "١٢٣", "１２", "\x00", "1.234,5"]))


def _read(data: bytes, name: str):
    try:
        table = read_table(data, name, max_rows=50)
    except FileRefused as exc:
        assert exc.messages and all(message.strip() for message in exc.messages)
        return None
    assert all(isinstance(cell, str) for row in table for cell in row)
    return table


# ---- spreadsheets -------------------------------------------------------------------------------

@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_named_xlsx_are_read_or_refused(data):
    _read(data, "danh-sach.xlsx")


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_named_csv_are_read_or_refused(data):
    _read(data, "danh-sach.csv")


@FAST
@given(st.lists(st.lists(typed, max_size=6), max_size=8))
def test_any_text_in_a_csv_comes_back_or_is_refused(rows):
    text = "\n".join(";".join(cell.replace('"', "") for cell in row) for row in rows)
    for encoding in ("utf-8", "utf-8-sig", "utf-16"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        _read(data, "a.csv")


cell_value = st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                       st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40),
                       st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)))


@FAST
@given(st.lists(st.lists(cell_value, max_size=8), max_size=12))
def test_any_workbook_written_by_us_is_read_back(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    table = _read(workbook_bytes(book), "a.xlsx")
    assert table is not None


@settings(FAST, max_examples=25)  # each example opens a whole workbook
@given(st.binary(min_size=1, max_size=64), st.integers(0, 5000))
def test_an_xlsx_with_bytes_changed_is_read_or_refused(noise, position):
    book = Workbook()
    book.active.append(["Họ và tên", "Số điện thoại"])
    book.active.append(["Giàng Seo Chứ", "0912345678"])
    data = bytearray(workbook_bytes(book))
    position %= len(data)
    data[position:position + len(noise)] = noise
    _read(bytes(data), "a.xlsx")


def test_a_zip_of_a_version_python_cannot_open_is_refused_as_damaged():
    book = Workbook()
    book.active.append(["Họ và tên"])
    data = bytearray(workbook_bytes(book))
    directory = data.index(b"PK\x01\x02")
    data[directory + 6] = 99  # "made by" and "needed to extract": version 9.9
    data[directory + 7] = 0
    data[directory + 6 + 2] = 99
    assert _read(bytes(data), "a.xlsx") is None


@FAST
@given(st.lists(st.lists(st.one_of(st.none(), typed, st.integers()), max_size=5), max_size=8))
def test_any_rows_written_to_csv_start_no_cell_with_a_formula(rows):
    back = list(csv.reader(io.StringIO(csv_bytes(rows).decode("utf-8-sig"), newline="")))
    assert len(back) == len(rows)
    for row, written in zip(rows, back, strict=True):
        for value, cell in zip(row, written, strict=True):
            text = "" if value is None else str(value)
            assert cell == ("'" + text if looks_like_formula(text) else text)
            assert not looks_like_formula(cell)


# ---- phones -------------------------------------------------------------------------------------

@FAST
@given(st.one_of(st.none(), typed))
def test_any_phone_text_is_normalised_or_refused(raw):
    phone = normalize_phone(raw)
    assert phone is None or (phone.isdigit() and phone.startswith("0"))
    assert looks_like_phone(raw) in (True, False)
    assert isinstance(format_phone(raw), str)
    if phone is not None:
        assert normalize_phone(format_phone(phone)) == phone


# ---- numbers ------------------------------------------------------------------------------------

@FAST
@given(st.one_of(st.none(), typed, st.integers(), st.decimals(allow_nan=False, allow_infinity=False)),
       st.sampled_from(list(ValueType.values)))
def test_any_report_cell_is_a_number_or_a_vietnamese_refusal(raw, value_type):
    try:
        number = parse_number(raw, value_type)
    except ValueError as exc:
        assert str(exc).strip()
        return
    assert number is None or (isinstance(number, Decimal) and number.is_finite())
    if number is not None and abs(number) < 10**15:
        assert isinstance(format_number(number), str)


@FAST
@given(st.one_of(st.none(), typed, st.integers(-10**9, 10**9)), st.sampled_from(list(ValueType.values)))
def test_any_target_is_a_number_or_a_validation_error(raw, value_type):
    indicator = Indicator(code="CQ01", name="Chỉ số", value_type=value_type, unit_of_measure="người")
    try:
        value = parse_target(indicator, raw)
    except ValidationError as exc:
        assert exc.messages
        return
    assert value is None or isinstance(value, Decimal)


# ---- dates and periods --------------------------------------------------------------------------

DAY_FIELD = forms.DateField(input_formats=["%d/%m/%Y", "%Y-%m-%d"])
dates_typed = st.one_of(typed, st.from_regex(r"\d{1,4}[/\-.]\d{1,4}[/\-.]\d{1,6}", fullmatch=True),
                        st.dates().map(lambda d: d.strftime("%d/%m/%Y")))


@FAST
@given(dates_typed)
def test_any_typed_day_is_a_date_or_refused(raw):
    assert _parse_day(raw) is None or isinstance(_parse_day(raw), datetime.date)
    try:
        assert isinstance(DAY_FIELD.clean(raw), datetime.date)
    except ValidationError as exc:
        assert exc.messages
    errors: dict = {}
    day = _day(raw, errors, today=datetime.date(2026, 11, 20))
    assert day is not None or "date" in errors


@FAST
@given(st.one_of(typed, st.from_regex(r"\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}(:\d{1,2})?([+-]\d{2}:\d{2})?",
                                      fullmatch=True)))
def test_any_time_a_phone_sends_is_a_time_or_refused(raw):
    errors: dict = {}
    made = made_at_of(raw, errors)
    assert made is not None and (made.tzinfo is not None)


@FAST
@given(st.one_of(typed, st.from_regex(r"\d{1,6}(-(Q?\d{1,3}))?", fullmatch=True)))
def test_any_period_key_is_a_period_or_a_vietnamese_refusal(raw):
    try:
        period = parse_period(raw)
    except ValueError as exc:
        assert str(exc).strip()
        return
    assert period.start <= period.end


@pytest.mark.parametrize("raw", ["31/02/2026", "00/00/0000", "29/02/2100", "1/1/1", "99999999/1/1"])
def test_impossible_days_are_refused_not_crashed(raw):
    assert _parse_day(raw) is None
    with pytest.raises(ValidationError):
        DAY_FIELD.clean(raw)

