"""Vietnamese text helpers: search that works with or without diacritics."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ becomes d) and collapse spaces.

    "Xã Thượng Lâm" and "xa  thuong lam" fold to the same string, so a person can type a
    name either way on a phone keyboard that has no Vietnamese input.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", text).strip().lower()


def clean_spaces(text: str | None) -> str:
    """Trim and collapse inner white space, keeping diacritics (NFC)."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def has_diacritics(text: str) -> bool:
    return fold(text) != clean_spaces(text).lower()


def unaccent(text: str | None) -> str:
    """Vietnamese without diacritics, case kept: "Đã nhận báo cáo" -> "Da nhan bao cao".

    SMS gateways bill an accented message as Unicode (70 characters a part); without the marks
    one part holds 160. Spaces are collapsed as fold() does, but the case is kept for reading.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
