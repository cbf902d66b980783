"""The Content-Security-Policy allows styles and scripts from this host only, so inline ones would
silently not work in the browser. Keep them out of every template."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "tocns" / "templates"
INLINE = re.compile(r"<style|\sstyle=\"|<script(?![^>]*\ssrc=)|\son(click|change|input|submit|load)=", re.I)


def test_no_template_has_inline_styles_or_scripts():
    offenders = [f"{path.relative_to(TEMPLATES)}:{number}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if INLINE.search(line)]
    assert offenders == []
