"""Read queries of the public pages."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tocns.geo.models import AdminUnit
from tocns.reports.narrative import amount
from tocns.reports.selectors import public_figures

from .models import RefusedUpload


def recent_refused_uploads_from(sender_hash: str, *, hours: int = 1) -> int:
    """How many files from one sender the public forms refused lately (counted toward its limit)."""
    since = timezone.now() - timedelta(hours=hours)
    return RefusedUpload.objects.filter(sender_hash=sender_hash, refused_at__gte=since).count()


@dataclass
class Figures:
    """The indicators marked "Công khai" as a citizen reads them: "1.234 người", "35,0%"."""

    period_label: str  # "tháng 10/2026"
    unit_name: str
    with_province: bool
    rows: list[tuple[str, str, str]]  # indicator name, the unit's figure, the province's ("" when missing)


def _figures(unit: AdminUnit | None) -> Figures | None:
    found = public_figures(unit) if unit is not None else None
    if found is None:
        return None

    def text(indicator, value) -> str:
        return amount(indicator, value) if value is not None else ""

    return Figures(period_label=found.period.label, unit_name=unit.name, with_province=found.with_province,
                   rows=[(indicator.name, text(indicator, value), text(indicator, whole))
                         for indicator, value, whole in found.rows])


def commune_figures(commune: AdminUnit) -> Figures | None:
    """The commune's public figures beside the province's, for the latest month the commune reported."""
    return _figures(commune)


def province_figures() -> Figures | None:
    """The province's public figures for the visitor's home page."""
    return _figures(AdminUnit.objects.active().provinces().filter(code=settings.DEFAULT_PROVINCE_CODE).first())
