"""Words drafted from the figures: the text pasted into a Zalo group, and the Word report a
commune sends the province or the province's Department of Science and Technology sends the
provincial People's Committee (plan II.2.3, III.1, III.2).

Always in Vietnamese, whatever language the page is shown in. A missing figure is left out, never
written as 0; a share is total over total, with one decimal ("35,0%"). Numbers are written the
Vietnamese way: 1.234 and 12,5.

The Word report follows Decree 30/2020/NĐ-CP through tocns.lib.officialdoc. Its body mixes prose
with a bordered table of the figures, which `OfficialDocument` (paragraphs only, a table only in an
annex on its own page) cannot describe, so `_render` lays the document out from officialdoc's own
parts — the same page setup, masthead, title, body paragraphs, tables and signature block — in the
same order as `render_docx`.

Indicators marked "Nhạy cảm" are never in the Zalo text; the Word report carries them only when
the exporter ticked "Kèm chỉ số nhạy cảm" (`include_sensitive`, checked and audited in exports.py)."""

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tocns.geo.models import AdminUnit
from tocns.geo.selectors import plan_reference, plan_short, province_bare_name, province_word
from tocns.lib import officialdoc as od
from tocns.lib.text import fold
from tocns.teams.documents import bare_name, committee_name, name_in_text, province_name, team_name

from .choices import Aggregation, Level, Pillar, ValueType
from .models import Indicator, Report
from .periods import parse_period
from .selectors import Completeness, Rollup, sensitive_ids

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
BULLET = "•"
ZALO_MISSING_NAMES = 15  # a phone screen; the rest are counted
ZALO_TEXT_CHARS = 160
QUOTE_CHARS = 600
QUOTES_LISTED = 8  # difficulties (and proposals) quoted in the Word report; the rest are counted
QUOTES_PER_COMMUNE = 2
QUOTE_NAMES = 3  # units named before a quote many teams wrote in the same words; the rest are counted
RANKED = 3  # communes named as the strongest and as the weakest
MISSING_LISTED = 10  # units named in the report as not having reported; the rest are counted


def _province_of(unit: AdminUnit) -> AdminUnit:
    return unit if unit.is_province else unit.province


def _plan(unit: AdminUnit) -> str:
    """The unit's province's plan, cited with its number and date from the province's profile (data, not code)."""
    return plan_short(_province_of(unit))
# Main indicators table: number (STT), name, unit, value, adding up to the text width. The number,
# unit and value columns fit their longest entry (never narrower than these), the name takes the rest.
NARROW_COLUMNS_MIN_CM = (1.2, 1.8, 2.0)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


# ---- numbers, times and names ------------------------------------------------------------------

def vn_number(value, places: int | None = None) -> str:
    """1234 -> "1.234"; 12.5 -> "12,5"; with `places`, that many decimals ("35,0")."""
    number = Decimal(value)
    if places is not None:
        text = f"{number.quantize(Decimal(1).scaleb(-places)):,.{places}f}"
    elif number == number.to_integral_value():
        text = f"{number:,.0f}"
    else:
        text = f"{number.quantize(Decimal('0.01')):,.2f}".rstrip("0")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def share_text(value) -> str:
    return f"{vn_number(value, 1)}%"


def clock(moment) -> str:
    """"10:00 20/11/2026", Vietnam time."""
    return timezone.localtime(moment, VIETNAM).strftime("%H:%M %d/%m/%Y")


def percent_of(part: int, whole: int) -> str:
    return share_text(Decimal(part) * 100 / whole) if whole else ""


def unit_phrase(unit: AdminUnit) -> str:
    """The unit inside a sentence: "tỉnh Tuyên Quang", "xã Thượng Lâm", "thôn Nà Khà"."""
    return province_name(unit) if unit.is_province else name_in_text(unit)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text or "").split()))


def _lower_first(text: str) -> str:
    """"Số người …" -> "số người …", but "VNeID …" stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def shorten(text: str, limit: int) -> str:
    """One line, cut at a word before `limit` characters, with "…"."""
    text = _nfc(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut}…"


# ---- one indicator in words --------------------------------------------------------------------

# "Số người được hướng dẫn cài đặt …" -> "hướng dẫn 1.234 người cài đặt …";
# "Số buổi tuyên truyền … đã tổ chức" -> "tổ chức 12 buổi tuyên truyền …".
_NAME = re.compile(r"^Số (?P<thing>.+?) (?P<link>được|đã) (?P<act>.+)$", re.DOTALL)
_VERBS = ("hướng dẫn", "hỗ trợ", "tập huấn", "bồi dưỡng", "tuyên truyền", "tổ chức", "tiếp nhận", "cài đặt",
          "kích hoạt", "đưa", "mở", "cấp")


def is_share(indicator: Indicator) -> bool:
    """A percentage: computed from two counts (total over total), or entered as one."""
    return indicator.aggregation == Aggregation.RATIO or indicator.value_type == ValueType.PERCENT


def amount(indicator: Indicator, value) -> str:
    """The figure with its unit: "1.234 người", "35,0%"."""
    if is_share(indicator):
        return share_text(value)
    return f"{vn_number(value)} {indicator.unit_of_measure}".strip()


def achievement(indicator: Indicator, value, *, values: dict | None = None) -> str:
    """The figure as a phrase for a sentence, starting in lower case: "hướng dẫn 1.234 người cài
    đặt, kích hoạt định danh điện tử VNeID mức 2"; a share also gives its parts when known:
    "tỷ lệ … đạt 35,0% (350/1.000 người)"."""
    name = _nfc(indicator.name)
    if is_share(indicator):
        phrase = _("%(name)s đạt %(share)s") % {"name": _lower_first(name), "share": share_text(value)}
        values = values or {}
        part = values.get(indicator.numerator.code) if indicator.numerator_id else None
        whole = values.get(indicator.denominator.code) if indicator.denominator_id else None
        if part is not None and whole:
            phrase += f" ({vn_number(part)}/{amount(indicator.denominator, whole)})"
        return phrase
    match = _NAME.match(name)
    if match:
        thing, act = match["thing"], match["act"]
        counted = f"{vn_number(value)} {thing}"  # the thing counted names its unit ("người", "hồ sơ …")
        if match["link"] == "đã":  # "… đã tổ chức": the whole act comes first
            return f"{act} {counted}"
        verb = next((v for v in _VERBS if act == v or act.startswith(v + " ") or act.startswith(v + ",")), None)
        if verb is not None:
            return f"{verb} {counted}{act[len(verb):]}"
    return f"{_lower_first(name)}: {amount(indicator, value)}"


def pillar_lines(values: dict, indicators: Sequence[Indicator]) -> list[tuple[str, list[str]]]:
    """[(pillar label, [phrases])] in the catalogue's pillar order, skipping missing figures and the
    count and base of a share already given with it."""
    shown_parts = set()
    for indicator in indicators:
        if is_share(indicator) and values.get(indicator.code) is not None and indicator.numerator_id:
            shown_parts |= {indicator.numerator.code, indicator.denominator.code}
    by_pillar: dict[str, list[str]] = {}
    for indicator in indicators:
        value = values.get(indicator.code)
        if value is None or indicator.code in shown_parts:
            continue
        by_pillar.setdefault(indicator.pillar, []).append(achievement(indicator, value, values=values))
    labels = dict(Pillar.choices)
    return [(str(labels[pillar]), by_pillar[pillar]) for pillar, _label in Pillar.choices if pillar in by_pillar]


# ---- completeness ------------------------------------------------------------------------------

def applicable(completeness: Completeness | None, rollup: Rollup) -> Completeness | None:
    """The completeness, if it is about the roll-up's period: a monthly form's completeness counted
    for a quarter finds no report with the quarter's key and would call every team missing."""
    if completeness is None or completeness.form.period_type != rollup.period.kind:
        return None
    if completeness.period.key != rollup.period.key:
        return None
    return completeness


def _missing_names(completeness: Completeness, unit: AdminUnit, first: int | None = None) -> list[str]:
    """The units not yet sent, named as a text names them; only the `first` ones when given (a
    province may have thousands early in the month: only those named are built)."""
    names = []
    rows = completeness.missing_rows if first is None else completeness.missing_page(1, first)
    for row in rows:
        name = row.unit.name
        if unit.is_province and not row.unit.is_commune and row.unit.commune_id:
            name = f"{name} ({name_in_text(row.unit.commune)})"
        names.append(name)
    return names


def _missing_by_commune(completeness: Completeness) -> list[tuple[AdminUnit, list[AdminUnit]]]:
    groups: dict[int, tuple[AdminUnit, list[AdminUnit]]] = {}
    for row in completeness.missing_rows:
        commune = row.unit.commune if row.unit.commune_id else row.unit
        groups.setdefault(commune.pk, (commune, []))[1].append(row.unit)
    return sorted(groups.values(), key=lambda group: group[0].name_folded or fold(group[0].name))


@dataclass
class Counted:
    """Why the figures' count differs from "đã gửi x/y": the roll-up sums the counted reports of the
    village teams AND of the commune teams (selectors.rollup), while "đã gửi" counts only the village
    teams' reports sent, including those the commune sent back for correction (selectors.completeness)."""

    total: int  # rollup.report_count
    village: int  # of which reports of village teams (the form of "đã gửi")
    other: int  # of which reports of the commune teams
    returned: int  # sent (in "đã gửi") but returned for correction, so not in the figures

    @property
    def explained(self) -> bool:
        return bool(self.other or self.returned)


def counted(rollup: Rollup, completeness: Completeness | None) -> Counted:
    if completeness is None:
        return Counted(rollup.report_count, rollup.report_count, 0, 0)
    village = rollup.level_counts.get(completeness.form.level, 0)
    return Counted(rollup.report_count, village, rollup.report_count - village, completeness.returned)


def _level_words(completeness: Completeness) -> tuple[str, str]:
    """(the teams of the form, the others): "tổ thôn, tổ dân phố" and "tổ cấp xã", or the reverse."""
    villages, communes = _("tổ thôn, tổ dân phố"), _("tổ cấp xã")
    return (communes, villages) if completeness.form.level == Level.COMMUNE_TEAM else (villages, communes)


# ---- Zalo --------------------------------------------------------------------------------------

def zalo_title(rollup: Rollup) -> str:
    return _("Tổng hợp báo cáo Tổ CNSCĐ %(unit)s – %(period)s") % {
        "unit": unit_phrase(rollup.unit), "period": rollup.period.label}


def visible(rollup: Rollup, *, include_sensitive: bool = False) -> Rollup:
    """The roll-up without its sensitive indicators, columns and figures alike (unless included)."""
    if include_sensitive:
        return rollup
    hidden = set(Indicator.objects.filter(pk__in=sensitive_ids()).values_list("code", flat=True))
    if not hidden:
        return rollup

    def keep(values: dict) -> dict:
        return {code: value for code, value in values.items() if code not in hidden}

    return replace(rollup, indicators=[i for i in rollup.indicators if i.code not in hidden],
                   rows=[(unit, keep(values)) for unit, values in rollup.rows], total=keep(rollup.total))


def zalo_summary(rollup: Rollup, completeness: Completeness | None = None) -> str:
    """Plain text for the commune's or province's Zalo group: short lines, no markdown, and never a
    sensitive figure (a Zalo group is read by every member)."""
    with translation.override("vi"):
        return _zalo_summary(visible(rollup), applicable(completeness, rollup))


def _zalo_summary(rollup: Rollup, completeness: Completeness | None) -> str:
    lines = [zalo_title(rollup), _("Số liệu tính đến %(at)s") % {"at": clock(rollup.as_of)}]
    if completeness is not None and completeness.expected:
        lines += ["", _("Báo cáo đã gửi: %(done)s/%(all)s") % {"done": vn_number(completeness.submitted),
                                                              "all": vn_number(completeness.expected)},
                  _("Đúng hạn: %(on_time)s – Trễ hạn: %(late)s – Chưa gửi: %(missing)s") % {
                      "on_time": vn_number(completeness.on_time), "late": vn_number(completeness.late),
                      "missing": vn_number(completeness.missing)}]
        names = _missing_names(completeness, rollup.unit, first=ZALO_MISSING_NAMES) if completeness.missing else []
        if names:
            lines.append(_("Chưa gửi báo cáo:"))
            lines += [f"{BULLET} {name}" for name in names]
            if completeness.missing > len(names):
                lines.append(_("… và %(n)s đơn vị khác") % {"n": vn_number(completeness.missing - len(names))})
    groups = pillar_lines(rollup.total, rollup.indicators)
    if groups:
        for label, phrases in groups:
            lines += ["", f"{label}:"]
            lines += [f"{BULLET} {_upper_first(phrase)}" for phrase in phrases]
    else:
        lines += ["", _("Chưa có số liệu trong kỳ.")]
    lines += ["", *_zalo_counted(rollup, completeness)]
    return "\n".join(lines)


def _zalo_counted(rollup: Rollup, completeness: Completeness | None) -> list[str]:
    parts = counted(rollup, completeness)
    if completeness is None or not completeness.expected or not parts.explained:
        return [_("(Tổng hợp từ %(n)s báo cáo đã gửi.)") % {"n": vn_number(rollup.report_count)}]
    mine, others = _level_words(completeness)
    lines = [_("Số liệu tổng hợp từ %(n)s báo cáo:") % {"n": vn_number(parts.total)},
             f"{BULLET} " + _("%(n)s báo cáo của %(who)s") % {"n": vn_number(parts.village), "who": mine}]
    if parts.other:
        lines.append(f"{BULLET} " + _("%(n)s báo cáo của %(who)s") % {"n": vn_number(parts.other), "who": others})
    if parts.returned:
        lines.append(f"{BULLET} " + _("Chưa tính %(n)s báo cáo bị trả lại để sửa") % {
            "n": vn_number(parts.returned)})
    return lines


def report_period_label(report: Report) -> str:
    if report.period_key.startswith("R"):
        return _("từ %(start)s đến %(end)s") % {"start": report.period_start.strftime("%d/%m/%Y"),
                                                "end": report.period_end.strftime("%d/%m/%Y")}
    try:
        return parse_period(report.period_key, report.form.period_rule).label
    except ValueError:
        return report.period_start.strftime("%m/%Y")


def reporter_name(report: Report) -> str:
    if report.team_id:
        return team_name(report.team).replace(_("Tổ công nghệ số cộng đồng"), _("Tổ CNSCĐ"), 1)
    return _("UBND %(unit)s") % {"unit": unit_phrase(report.unit)}


def _report_values(report: Report) -> tuple[list[Indicator], dict]:
    """The report's figures and the shares built on them, without sensitive ones (for Zalo)."""
    hidden = sensitive_ids()
    rows = list(report.values.filter(value__isnull=False).exclude(indicator_id__in=hidden)
                .select_related("indicator"))
    values = {row.indicator.code: row.value for row in rows}
    indicators = [row.indicator for row in rows]
    codes = {indicator.pk for indicator in indicators}
    for ratio in Indicator.objects.for_province(report.province_id).filter(
            aggregation=Aggregation.RATIO, numerator_id__in=codes,
            denominator_id__in=codes).exclude(pk__in=hidden).select_related("numerator", "denominator"):
        part, whole = values.get(ratio.numerator.code), values.get(ratio.denominator.code)
        if part is not None and whole:
            values[ratio.code] = (part * 100 / whole).quantize(Decimal("0.1"))
            indicators.append(ratio)
    indicators.sort(key=lambda i: (i.order, i.code))
    return indicators, values


def report_zalo_summary(report: Report) -> str:
    """One team's (or commune's) report as plain text for Zalo."""
    with translation.override("vi"):
        return _report_zalo_summary(report)


def _report_zalo_summary(report: Report) -> str:
    lines = [_("Báo cáo %(period)s – %(who)s") % {"period": report_period_label(report),
                                                  "who": reporter_name(report)}]
    status = report.get_status_display()
    if report.submitted_at:
        timing = _("đúng hạn") if report.on_time else _("trễ hạn")
        lines.append(_("Trạng thái: %(status)s (gửi lúc %(at)s, %(timing)s)") % {
            "status": status, "at": clock(report.submitted_at), "timing": timing})
    else:
        lines.append(_("Trạng thái: %(status)s (hạn gửi %(due)s)") % {
            "status": status, "due": report.due_on.strftime("%d/%m/%Y")})
    indicators, values = _report_values(report)
    groups = pillar_lines(values, indicators)
    for label, phrases in groups:
        lines += ["", f"{label}:"]
        lines += [f"{BULLET} {_upper_first(phrase)}" for phrase in phrases]
    if not groups:
        lines += ["", _("Chưa nhập số liệu.")]
    texts = [(_("Kết quả nổi bật"), report.results), (_("Khó khăn, vướng mắc"), report.difficulties),
             (_("Đề xuất, kiến nghị"), report.proposals)]
    if any(text.strip() for _label, text in texts):
        lines.append("")
    for label, text in texts:
        if text.strip():
            lines.append(f"{label}: {shorten(text, ZALO_TEXT_CHARS)}")
    return "\n".join(lines)


# ---- the Word report ---------------------------------------------------------------------------

def _people_indicators(indicators: Sequence[Indicator]) -> list[Indicator]:
    """Counts of people guided: summed, in "người", "hướng dẫn" in the name (all counts of people
    if the catalogue names none that way)."""
    people = [i for i in indicators if i.aggregation == Aggregation.SUM and fold(i.unit_of_measure) == "nguoi"]
    guided = [i for i in people if "huong dan" in fold(i.name)]
    return guided or people


@dataclass
class CommuneScore:
    commune: AdminUnit
    expected: int
    submitted: int
    people: Decimal | None

    @property
    def share(self) -> Decimal:
        return Decimal(self.submitted) / self.expected if self.expected else Decimal(0)

    def describe(self) -> str:
        text = _("%(name)s (gửi %(done)s/%(all)s báo cáo") % {
            "name": name_in_text(self.commune), "done": vn_number(self.submitted), "all": vn_number(self.expected)}
        if self.people is not None:
            text += _(", hướng dẫn %(n)s lượt người") % {"n": vn_number(self.people)}
        else:
            text += _(", chưa có số liệu")
        return text + ")"


def commune_ranking(rollup: Rollup, completeness: Completeness | None) -> tuple[list[CommuneScore],
                                                                                list[CommuneScore]]:
    """The strongest and weakest communes of a province: first by the share of the expected team
    reports they sent, then by the people their teams guided. Only communes that owe reports are
    ranked; with fewer than two, nobody is named."""
    if not rollup.unit.is_province or completeness is None:
        return [], []
    people = _people_indicators(rollup.indicators)
    expected: dict[int, int] = {}
    submitted: dict[int, int] = {}
    for row in completeness.rows:
        commune_id = row.unit.commune_id or row.unit.pk
        expected[commune_id] = expected.get(commune_id, 0) + 1
        submitted[commune_id] = submitted.get(commune_id, 0) + (row.state != "missing")
    scores = []
    for commune, values in rollup.rows:
        if not expected.get(commune.pk):
            continue
        present = [values[i.code] for i in people if values.get(i.code) is not None]
        scores.append(CommuneScore(commune, expected[commune.pk], submitted.get(commune.pk, 0),
                                   sum(present, Decimal(0)) if present else None))
    if len(scores) < 2:
        return [], []
    scores.sort(key=lambda s: (-s.share, -(s.people or 0), s.commune.name_folded or ""))
    count = min(RANKED, len(scores) // 2)
    return scores[:count], list(reversed(scores[-count:]))


def _subject(unit: AdminUnit) -> str:
    """"trên địa bàn tỉnh" ("thành phố" for a centrally run city, from the profile), "trên địa bàn xã"."""
    kind = province_word(unit) if unit.is_province else unit.get_kind_display().lower()
    return _("trên địa bàn %(kind)s") % {"kind": kind}


def _reporter(unit: AdminUnit) -> str:
    if unit.is_province:
        return _("Sở Khoa học và Công nghệ")
    return _("Ủy ban nhân dân %(unit)s") % {"unit": name_in_text(unit)}


def _counted_paragraph(rollup: Rollup, completeness: Completeness | None) -> str:
    """Which reports the figures come from, and why their number is not the "đã gửi" above."""
    moment = timezone.localtime(rollup.as_of, VIETNAM)
    when = {"time": moment.strftime("%H:%M"), "day": moment.strftime("%d/%m/%Y")}
    parts = counted(rollup, completeness)
    if completeness is None or not completeness.expected or not parts.explained:
        return _("Số liệu trong báo cáo này được tổng hợp từ %(n)s báo cáo đã gửi của các tổ, tính đến "
                 "%(time)s ngày %(day)s.") % {"n": vn_number(rollup.report_count), **when}
    mine, others = _level_words(completeness)
    text = _("Số liệu trong báo cáo này được tổng hợp từ %(n)s báo cáo của các tổ, tính đến %(time)s ngày "
             "%(day)s, gồm %(village)s báo cáo của %(mine)s") % {
        "n": vn_number(parts.total), "village": vn_number(parts.village), "mine": mine, **when}
    if parts.other:
        text += _(" và %(n)s báo cáo của %(others)s (không tính trong số báo cáo đã gửi nêu trên)") % {
            "n": vn_number(parts.other), "others": others}
    if parts.returned:
        text += _("; %(n)s báo cáo đã gửi nhưng bị trả lại để sửa chưa được tính vào số liệu") % {
            "n": vn_number(parts.returned)}
    return text + "."


def _completeness_paragraphs(rollup: Rollup, completeness: Completeness | None) -> list[str]:
    period = rollup.period.label
    counted = _counted_paragraph(rollup, completeness)
    if completeness is None:
        return [counted]
    if not completeness.expected:
        return [_("Trong %(period)s, chưa có tổ nào phải gửi báo cáo theo mẫu “%(form)s”.") % {
            "period": period, "form": _nfc(completeness.form.name)}, counted]
    paragraphs = [_("Theo mẫu “%(form)s”, trong %(period)s có %(all)s tổ phải gửi báo cáo; đã gửi "
                    "%(done)s/%(all)s báo cáo (đạt %(share)s), trong đó %(on_time)s báo cáo đúng hạn, %(late)s "
                    "báo cáo trễ hạn; còn %(missing)s tổ chưa gửi báo cáo.") % {
        "form": _nfc(completeness.form.name), "period": period, "all": vn_number(completeness.expected),
        "done": vn_number(completeness.submitted),
        "share": percent_of(completeness.submitted, completeness.expected),
        "on_time": vn_number(completeness.on_time), "late": vn_number(completeness.late),
        "missing": vn_number(completeness.missing)}]
    if completeness.missing:
        paragraphs.append(_missing_paragraph(rollup.unit, completeness))
    paragraphs.append(counted)
    return paragraphs


def _missing_paragraph(unit: AdminUnit, completeness: Completeness) -> str:
    """The units that have not reported: a province names the communes with the most teams
    missing (a list of a hundred communes helps nobody), a commune its villages."""
    if unit.is_province:
        groups = sorted(_missing_by_commune(completeness), key=lambda group: -len(group[1]))  # stable: by name
        parts = [_("%(commune)s (%(n)s tổ)") % {"commune": name_in_text(commune), "n": vn_number(len(units))}
                 for commune, units in groups[:MISSING_LISTED]]
        if len(groups) <= MISSING_LISTED:
            return _("Các đơn vị chưa gửi báo cáo: %(list)s.") % {"list": "; ".join(parts)}
        return _("Có %(all)s xã, phường còn tổ chưa gửi báo cáo, nhiều nhất là %(list)s và %(rest)s xã, phường "
                 "khác.") % {"all": vn_number(len(groups)), "list": "; ".join(parts),
                            "rest": vn_number(len(groups) - MISSING_LISTED)}
    names = [_nfc(row.unit.name) for row in completeness.missing_rows]
    if len(names) <= MISSING_LISTED:
        return _("Các đơn vị chưa gửi báo cáo: %(list)s.") % {"list": "; ".join(names)}
    return _("Các đơn vị chưa gửi báo cáo: %(list)s và %(rest)s đơn vị khác.") % {
        "list": "; ".join(names[:MISSING_LISTED]), "rest": vn_number(len(names) - MISSING_LISTED)}


def _results_paragraphs(rollup: Rollup, completeness: Completeness | None) -> list[str]:
    groups = pillar_lines(rollup.total, rollup.indicators)
    if not groups:
        return [_("Trong %(period)s chưa có số liệu kết quả hoạt động được gửi lên.") % {
            "period": rollup.period.label}]
    paragraphs = [_("Trong %(period)s, các Tổ công nghệ số cộng đồng %(where)s đã triển khai các nhiệm vụ theo "
                    "%(plan)s, đạt kết quả như sau:") % {
        "period": rollup.period.label, "where": _subject(rollup.unit), "plan": _plan(rollup.unit)}]
    for number, (label, phrases) in enumerate(groups, start=1):
        paragraphs.append(f"{number}. {label}: {'; '.join(phrases)}.")
    best, worst = commune_ranking(rollup, completeness)
    if best:
        number = len(groups) + 1
        paragraphs.append(_("%(n)s. Đánh giá chung: xếp theo tỷ lệ báo cáo đã gửi, sau đó theo số lượt người được "
                            "hướng dẫn, các xã, phường thực hiện tốt gồm %(best)s; các xã, phường cần tập trung chỉ "
                            "đạo, đôn đốc gồm %(worst)s.") % {
            "n": number, "best": "; ".join(s.describe() for s in best),
            "worst": "; ".join(s.describe() for s in worst)})
    return paragraphs


def draft_narrative(rollup: Rollup, completeness: Completeness | None, *, include_sensitive: bool = False) -> str:
    """The editable opening and sections I–II of the report, paragraphs separated by blank lines:
    shown in a textarea for the officer to correct before the Word file is made."""
    with translation.override("vi"):
        shown = visible(rollup, include_sensitive=include_sensitive)
        return "\n\n".join(_draft_paragraphs(shown, applicable(completeness, rollup)))


def _draft_paragraphs(rollup: Rollup, completeness: Completeness | None) -> list[str]:
    unit = rollup.unit
    province = unit if unit.is_province else unit.province
    opening = _("Thực hiện %(plan)s, %(reporter)s báo cáo kết quả hoạt động của các Tổ công nghệ số cộng đồng "
                "%(where)s %(period)s như sau:") % {
        "plan": _nfc(plan_reference(province)), "reporter": _reporter(unit), "where": _subject(unit),
        "period": rollup.period.label}
    return [opening,
            _("I. TÌNH HÌNH GỬI BÁO CÁO"), *_completeness_paragraphs(rollup, completeness),
            _("II. KẾT QUẢ HOẠT ĐỘNG"), *_results_paragraphs(rollup, completeness)]


def split_paragraphs(text: str) -> list[str]:
    """The officer's text: each non-empty line is a paragraph (blank lines between them or not)."""
    return [_nfc(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


# Words that tell which pillar a difficulty is about (folded, without diacritics); the first pillar
# with the most matches wins, a text matching none has no pillar.
PILLAR_WORDS = (
    (Pillar.INFRASTRUCTURE, ("song", "mang", "internet", "wifi", "tram phat", "dien thoai", "thiet bi", "may tinh",
                             "smartphone", "mat dien")),
    (Pillar.GOVERNMENT, ("vneid", "dinh danh", "dich vu cong", "ho so", "thu tuc", "cccd", "can cuoc")),
    (Pillar.ECONOMY, ("thanh toan", "ocop", "ngan hang", "vi dien tu", "thuong mai", "ban hang", "chuyen khoan",
                      "qr")),
    (Pillar.SOCIETY, ("vssid", "bao hiem", "y te", "suc khoe", "hoc sinh", "giao duc")),
    (Pillar.OUTREACH, ("tuyen truyen", "loa", "truyen thanh", "zalo", "fanpage")),
    (Pillar.TEAM, ("kinh phi", "phu cap", "thanh vien", "tap huan", "boi duong", "thu lao", "ky nang")),
)


def text_pillar(text: str) -> str | None:
    folded = f" {fold(text)} "
    hits = [(sum(folded.count(f" {word}") for word in words), pillar) for pillar, words in PILLAR_WORDS]
    best = max(hits, key=lambda hit: hit[0])  # max keeps the first of equals
    return best[1] if best[0] else None


@dataclass
class Quote:
    text: str
    names: list[str]
    commune: object  # the commune's pk (its name when the row does not say)
    kind: str
    pillar: str | None
    communes: list = field(default_factory=list)  # each name's commune

    def who(self) -> str:
        """Up to QUOTE_NAMES units, of different communes first, then "và N tổ khác"."""
        firsts = [n for n, (name, commune) in enumerate(zip(self.names, self.communes, strict=True))
                  if commune not in self.communes[:n]]
        picked = sorted((firsts + [n for n in range(len(self.names)) if n not in firsts])[:QUOTE_NAMES])
        text = ", ".join(self.names[n] for n in picked)
        if len(self.names) > len(picked):
            text += _(" và %(n)s tổ khác") % {"n": vn_number(len(self.names) - len(picked))}
        return text

    @property
    def spread_key(self) -> int:
        """A fixed order that is not the alphabet: the same data always gives the same quotes, and
        the communes at the start of the alphabet are not favoured."""
        return zlib.crc32(self.text.encode())


def _all_quotes(texts, index: int) -> list[Quote]:
    """One Quote per distinct text (shortened); units that wrote the same words share it."""
    quotes: dict[str, Quote] = {}
    for row in texts or ():
        name, text = _nfc(row[0]), row[index]
        if not (text and text.strip()):
            continue
        commune = row[3] if len(row) > 3 and row[3] is not None else name
        kind = row[5] if len(row) > 5 else ""
        short = shorten(text, QUOTE_CHARS)
        quote = quotes.setdefault(short, Quote(short, [], commune, kind, text_pillar(short)))
        if name not in quote.names:
            quote.names.append(name)
            quote.communes.append(commune)
    return list(quotes.values())


def chosen_quotes(quotes: list[Quote], limit: int = QUOTES_LISTED) -> list[Quote]:
    """At most `limit` quotes spread out: few from one commune (at most QUOTES_PER_COMMUNE), pillars
    and kinds of commune (xã, phường, đặc khu) not yet quoted first. Deterministic for the same data."""
    per_commune, per_pillar, per_kind = Counter(), Counter(), Counter()
    left = sorted(quotes, key=lambda q: (q.spread_key, q.text))
    chosen: list[Quote] = []
    while left and len(chosen) < limit:
        allowed = [q for q in left if per_commune[q.commune] < QUOTES_PER_COMMUNE]
        if not allowed:
            break
        best = min(allowed, key=lambda q: (per_commune[q.commune], per_pillar[q.pillar], per_kind[q.kind]))
        chosen.append(best)
        left.remove(best)
        per_commune[best.commune] += 1
        per_pillar[best.pillar] += 1
        per_kind[best.kind] += 1
    order = {pillar: number for number, (pillar, _label) in enumerate(Pillar.choices)}
    return sorted(chosen, key=lambda q: (order.get(q.pillar, len(order)), fold(q.names[0])))


def _quote_lines(texts, index: int, is_province: bool) -> tuple[str, list[str]]:
    """(what the list is, its lines): "- Thôn Nà Khà: “…”", then "và N ý kiến khác" for the rest."""
    quotes = _all_quotes(texts, index)
    if not quotes:
        return "", []
    chosen = chosen_quotes(quotes)
    lines = [f"- {q.who()}: “{q.text}”" for q in chosen]
    communes = len({commune for q in quotes for commune in q.communes})
    if is_province:
        summary = _("%(n)s ý kiến của các tổ tại %(communes)s xã, phường") % {
            "n": vn_number(len(quotes)), "communes": vn_number(communes)}
    else:
        summary = _("%(n)s ý kiến của các tổ") % {"n": vn_number(len(quotes))}
    rest = len(quotes) - len(chosen)
    if rest:
        summary += _(", trích một số ý kiến tiêu biểu")
        lines.append(_("… và %(n)s ý kiến khác.") % {"n": vn_number(rest)})
    return summary, lines


def _closing_paragraphs(rollup: Rollup, completeness: Completeness | None, texts) -> list[str]:
    unit = rollup.unit
    (said, difficulties), (asked, proposals) = (_quote_lines(texts, index, unit.is_province) for index in (1, 2))
    out = [_("III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT CỦA CÁC TỔ"),
           _("1. Khó khăn, vướng mắc các tổ phản ánh:") + (f" {said}:" if said else "")]
    out += difficulties or [_("Trong kỳ, các tổ chưa phản ánh khó khăn, vướng mắc.")]
    out.append(_("2. Đề xuất, kiến nghị của các tổ:") + (f" {asked}:" if asked else ""))
    out += proposals or [_("Trong kỳ, các tổ chưa có đề xuất, kiến nghị.")]
    out.append(_("IV. NHIỆM VỤ THỜI GIAN TỚI VÀ ĐỀ XUẤT, KIẾN NGHỊ"))
    late = completeness is not None and completeness.missing
    if unit.is_province:
        out += [
            _("1. Tiếp tục hướng dẫn, đôn đốc Ủy ban nhân dân các xã, phường chỉ đạo các Tổ công nghệ số cộng đồng "
              "gửi báo cáo đầy đủ, đúng hạn trước ngày 30 hằng tháng%(late)s.") % {
                "late": _(", nhất là các đơn vị chưa gửi báo cáo kỳ này") if late else ""},
            _("2. Phối hợp với các doanh nghiệp bưu chính, viễn thông bồi dưỡng, tập huấn kỹ năng số cho các Tổ "
              "công nghệ số cộng đồng, tập trung vào các xã, phường có kết quả thấp."),
            _("3. Đề nghị Ủy ban nhân dân %(word)s chỉ đạo Ủy ban nhân dân các xã, phường quan tâm giải quyết các "
              "khó khăn, vướng mắc các tổ đã nêu tại mục III; các sở, ngành theo chức năng, nhiệm vụ hỗ trợ các tổ "
              "trong quá trình hướng dẫn người dân sử dụng nền tảng số.") % {"word": province_word(unit)},
        ]
    else:
        out += [
            _("1. Tiếp tục chỉ đạo các Tổ công nghệ số cộng đồng thôn, tổ dân phố gửi báo cáo đầy đủ, đúng hạn "
              "trước ngày 30 hằng tháng%(late)s; hướng dẫn người dân sử dụng dịch vụ công trực tuyến, VNeID, "
              "thanh toán không dùng tiền mặt.") % {
                "late": _(", nhất là các tổ chưa gửi báo cáo kỳ này") if late else ""},
            _("2. Đề nghị Sở Khoa học và Công nghệ tiếp tục tổ chức bồi dưỡng, tập huấn cho các Tổ công nghệ số "
              "cộng đồng và hỗ trợ giải quyết các khó khăn, vướng mắc đã nêu tại mục III."),
        ]
    out.append(_("Trên đây là báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng %(where)s %(period)s "
                 "của %(reporter)s./.") % {
        "where": _subject(unit), "period": rollup.period.label, "reporter": _reporter(unit)})
    return out


def _widths(rows, headers) -> tuple[float, ...]:
    room = od.CELL_PADDING_CM + 0.15  # cell margins and a little air, so "STT" and a figure stay on one line
    number, unit, value = (max([od.text_width_cm(row[column], od.TABLE_SIZE) + room for row in rows]
                               + [least] + ([od.text_width_cm(headers[column], od.TABLE_SIZE, bold=True) + room]
                                            if column == 0 else []))
                           for column, least in zip((0, 2, 3), NARROW_COLUMNS_MIN_CM, strict=True))
    number, unit, value = (round(min(width, 3.5), 2) for width in (number, unit, value))
    return number, round(od.TEXT_WIDTH_CM - number - unit - value, 2), unit, value


def indicator_table(rollup: Rollup) -> od.BodyTable:
    """The figures by indicator NAME (the catalogue's codes are for the system, not the reader),
    grouped under the plan's pillars as a report's table is: "I | CHÍNH QUYỀN SỐ", then 1, 2, …"""
    by_pillar: dict[str, list[list[str]]] = {}
    for indicator in rollup.indicators:
        value = rollup.total.get(indicator.code)
        if value is None:
            continue
        shown = vn_number(value, 1) if is_share(indicator) else vn_number(value)
        by_pillar.setdefault(indicator.pillar, []).append([_nfc(indicator.name), indicator.unit_of_measure, shown])
    rows = []
    groups = [(pillar, label) for pillar, label in Pillar.choices if pillar in by_pillar]
    for group, (pillar, label) in enumerate(groups):
        rows.append([ROMAN[group] if group < len(ROMAN) else str(group + 1), str(label).upper(), "", ""])
        rows += [[str(number), *row] for number, row in enumerate(by_pillar[pillar], start=1)]
    headers = [_("STT"), _("Chỉ số"), _("Đơn vị tính"), _("Số liệu")]
    return od.BodyTable(
        caption=_("Bảng: Số liệu các chỉ số chính %(period)s") % {"period": rollup.period.label},
        headers=headers, rows=rows, widths_cm=_widths(rows, headers),
        centred=(0, 2), right=(3,),
        note="" if rows else _("Chưa có số liệu trong kỳ."))


def report_document(rollup: Rollup, completeness: Completeness | None, *, texts=(),
                    narrative: str | None = None, include_sensitive: bool = False) -> od.OfficialDocument:
    rollup = visible(rollup, include_sensitive=include_sensitive)
    unit = rollup.unit
    province = unit if unit.is_province else unit.province
    province_upper = province_name(province).upper()
    word = province_word(province)
    common = dict(doc_type=_("BÁO CÁO"),
                  summary=_("Kết quả hoạt động của Tổ công nghệ số cộng đồng %(period)s") % {
                      "period": rollup.period.label},
                  core_title=_("Báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng %(where)s %(period)s") % {
                      "where": unit_phrase(unit), "period": rollup.period.label})
    if unit.is_province:
        doc = od.OfficialDocument(
            parent_agency=_("UBND %(province)s") % {"province": province_upper},
            issuing_agency=_("SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
            number=_("%(blank)s/BC-SKHCN") % {"blank": od.BLANK},
            place=province_bare_name(province),
            signer_title=_("GIÁM ĐỐC"),
            recipients=[_("- UBND %(word)s (b/c);") % {"word": word}, _("- Lãnh đạo Sở;"), _("- UBND các xã, phường;"),
                        _("- Lưu: VT, CĐS.")],
            **common)
    else:
        commune = unit.commune
        doc = od.OfficialDocument(
            parent_agency=_("UBND %(province)s") % {"province": province_upper},
            issuing_agency=committee_name(commune),
            number=_("%(blank)s/BC-UBND") % {"blank": od.BLANK},
            place=bare_name(commune),
            signature_prefix=_("TM. ỦY BAN NHÂN DÂN"),
            signer_title=_("CHỦ TỊCH"),
            recipients=[_("- UBND %(word)s (b/c);") % {"word": word}, _("- Sở Khoa học và Công nghệ;"),
                        _("- TT Đảng ủy, HĐND %(kind)s (b/c);") % {"kind": commune.get_kind_display().lower()},
                        _("- Lưu: VT, VHXH.")],
            **common)
    opening = split_paragraphs(narrative) if narrative and narrative.strip() else _draft_paragraphs(
        rollup, completeness)
    blocks = [*opening, indicator_table(rollup), *_closing_paragraphs(rollup, completeness, texts)]
    doc.body = [_styled(block) if isinstance(block, str) else block for block in blocks]
    return doc


def rollup_report_docx(rollup: Rollup, completeness: Completeness | None, *, texts=(),
                       narrative: str | None = None, include_sensitive: bool = False) -> bytes:
    """The Word report on the roll-up (see the module notes). `texts` are (unit name, difficulties,
    proposals) quoted from the team reports; `narrative`, the officer's edited text, replaces the
    drafted opening and sections I–II (the table of figures stays). Sensitive indicators only with
    `include_sensitive` (exports.rollup_docx_for checks who asks and audits it)."""
    with translation.override("vi"):
        return od.render_docx(report_document(rollup, applicable(completeness, rollup), texts=texts,
                                              narrative=narrative, include_sensitive=include_sensitive))


# ---- styling the paragraphs ------------------------------------------------------------------

_HEADING = re.compile(r"^[IVX]+\.\s")
_LABEL = re.compile(r"^(\d+\.\s[^:]{1,60}:)(.*)$", re.DOTALL)
_QUOTE = re.compile(r"^(- [^:“]{1,300}: )(“.*”)$", re.DOTALL)


def _styled(text: str) -> od.StyledParagraph:
    """"I. …" headings bold, a numbered item's label ("1. Chính quyền số:") bold, a quotation in italics."""
    if _HEADING.match(text):
        return od.StyledParagraph([od.Run(text, bold=True)], keep_with_next=True)
    label, quote = _LABEL.match(text), _QUOTE.match(text)
    if label:
        runs = [od.Run(label.group(1), bold=True)] + ([od.Run(label.group(2))] if label.group(2) else [])
    elif quote:
        runs = [od.Run(quote.group(1)), od.Run(quote.group(2), italic=True)]
    else:
        runs = [od.Run(text)]
    return od.StyledParagraph(runs, keep_with_next=text.endswith(":"))


__all__ = ["achievement", "commune_ranking", "draft_narrative", "is_share", "report_zalo_summary",
           "rollup_report_docx", "unit_phrase", "vn_number", "zalo_summary", "zalo_title"]
