"""Read queries of the public pages."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.geo.models import AdminUnit
from tocns.geo.selectors import province_word
from tocns.reports.narrative import amount
from tocns.reports.selectors import public_figures

from .models import RefusedUpload


def recent_refused_uploads_from(sender_hash: str, *, hours: int = 1) -> int:
    """How many files from one sender the public forms refused lately (counted toward its limit)."""
    since = timezone.now() - timedelta(hours=hours)
    return RefusedUpload.objects.filter(sender_hash=sender_hash, refused_at__gte=since).count()


ALL_PROVINCES = "tat-ca"  # ?tinh=tat-ca: search every province the install holds


@dataclass
class ProvinceChoice:
    """Which province a public page shows. With one province in the install there is nothing to
    choose (as before); with several, `?tinh=<code>` picks one, `?tinh=tat-ca` searches them all, and
    without it the install's default province (PROVINCE_CODE) is shown when it holds it."""

    provinces: list[AdminUnit]
    chosen: AdminUnit | None  # None: every province

    @property
    def several(self) -> bool:
        return len(self.provinces) > 1

    @property
    def code(self) -> str:
        """What `?tinh=` carries to the next page: "" with a single province or the default one."""
        if not self.several:
            return ""
        if self.chosen is None:
            return ALL_PROVINCES
        return "" if self.chosen.code == settings.DEFAULT_PROVINCE_CODE else self.chosen.code

    def filter(self, units):
        """Units (communes, villages) of the chosen province, or of every province."""
        if self.chosen is not None:
            return units.filter(province=self.chosen)
        return units.filter(province__in=[p.pk for p in self.provinces])


def province_choice(code: str | None = None) -> ProvinceChoice:
    provinces = list(AdminUnit.objects.active().provinces().order_by("name_folded"))
    if len(provinces) <= 1:
        return ProvinceChoice(provinces, provinces[0] if provinces else None)
    by_code = {p.code: p for p in provinces}
    code = (code or "").strip()
    if code == ALL_PROVINCES:
        return ProvinceChoice(provinces, None)
    return ProvinceChoice(provinces, by_code.get(code) or by_code.get(settings.DEFAULT_PROVINCE_CODE))


@dataclass
class Figures:
    """The indicators marked "Công khai" as a citizen reads them: "1.234 người", "35,0%"."""

    period_label: str  # "tháng 10/2026"
    unit_name: str
    with_province: bool
    whole_label: str  # the province's column: "Toàn tỉnh", "Toàn thành phố"
    rows: list[tuple[str, str, str]]  # indicator name, the unit's figure, the province's ("" when missing)


def _figures(unit: AdminUnit | None) -> Figures | None:
    found = public_figures(unit) if unit is not None else None
    if found is None:
        return None

    def text(indicator, value) -> str:
        return amount(indicator, value) if value is not None else ""

    province = unit if unit.is_province else unit.province
    whole = _("Toàn %(word)s") % {"word": province_word(province)}
    return Figures(period_label=found.period.label, unit_name=unit.name, with_province=found.with_province,
                   whole_label=whole,
                   rows=[(indicator.name, text(indicator, value), text(indicator, whole))
                         for indicator, value, whole in found.rows])


def commune_figures(commune: AdminUnit) -> Figures | None:
    """The commune's public figures beside the province's, for the latest month the commune reported."""
    return _figures(commune)


def province_figures(province: AdminUnit | None) -> Figures | None:
    """The province's public figures for the visitor's home page (none when every province is searched)."""
    return _figures(province)
