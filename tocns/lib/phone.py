"""Vietnamese phone numbers: one stored form for every way people write them."""

import re

# Mobile numbers have 10 digits (0 + 9); landlines 11 (02xx + 7 digits).
_NATIONAL = re.compile(r"^0\d{9,10}$")
_STRIP = re.compile(r"[\s.\-()]")


def normalize_phone(raw: str | None) -> str | None:
    """Return the national form (0912345678) or None when it is not a Vietnamese number.

    Accepts "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678",
    "(+84) 912-345-678" and "0084912345678".
    """
    if not raw:
        return None
    digits = _STRIP.sub("", str(raw).strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) == 9 and digits.isdigit():
        digits = "0" + digits  # typed without the leading zero, as spreadsheets often drop it
    if _NATIONAL.match(digits):
        return digits
    return None


def looks_like_phone(raw: str | None) -> bool:
    return normalize_phone(raw) is not None


def format_phone(phone: str | None) -> str:
    """0912345678 -> 0912 345 678, for reading aloud and tapping."""
    if not phone:
        return ""
    if len(phone) == 11:  # landline: 0207 3822 123
        return f"{phone[:4]} {phone[4:8]} {phone[8:]}"
    return f"{phone[:4]} {phone[4:7]} {phone[7:]}"
