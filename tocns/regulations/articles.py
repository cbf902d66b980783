"""A regulation's text, typed as plain lines: "Chương I. …" headings, "Điều 1. …" articles, and the
paragraphs under them. The page keeps it as one text so a commune can adapt it in a text box on a
phone; this module reads it back as blocks (for the page and the Word annex) and checks that the
articles are numbered 1, 2, 3 … in order."""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHAPTER = re.compile(r"^(Chương|CHƯƠNG)\s+[IVXLC\d]+\b")
ARTICLE = re.compile(r"^Điều\s+(\d+)\s*[.:]")


@dataclass(frozen=True)
class Block:
    kind: str  # chapter, article, paragraph
    text: str
    number: int | None = None


def normalized(text: str) -> str:
    """NFC, no trailing spaces, no runs of blank lines, Windows line ends made plain."""
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def blocks(text: str) -> list[Block]:
    found = []
    for line in normalized(text).split("\n"):
        if not line:
            continue
        article = ARTICLE.match(line)
        if article:
            found.append(Block("article", line, int(article.group(1))))
        elif CHAPTER.match(line) or (found and found[-1].kind == "chapter" and line.isupper()):
            found.append(Block("chapter", line))  # "Chương I" and the heading in capitals under it
        else:
            found.append(Block("paragraph", line))
    return found


def articles_checked(text: str, *, field: str = "text") -> str:
    """The text normalized, or a ValidationError naming what is wrong with the articles."""
    text = normalized(text)
    numbers = [block.number for block in blocks(text) if block.kind == "article"]
    if not numbers:
        raise ValidationError({field: [_("Chưa có điều nào. Mỗi điều bắt đầu một dòng bằng “Điều 1.”, "
                                         "“Điều 2.” …")]})
    for expected, number in enumerate(numbers, start=1):
        if number != expected and expected == 1:
            raise ValidationError({field: [_("Điều đầu tiên phải là “Điều 1.” (đang là Điều %(number)s).") % {
                "number": number}]})
        if number != expected:
            raise ValidationError({field: [_("Các điều phải đánh số liên tiếp từ 1: sau Điều %(before)s là "
                                             "Điều %(number)s (cần Điều %(expected)s).") % {
                "before": expected - 1, "number": number, "expected": expected}]})
    return text


def article_count(text: str) -> int:
    return sum(1 for block in blocks(text) if block.kind == "article")
