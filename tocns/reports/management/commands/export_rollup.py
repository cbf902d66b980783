from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tocns.geo.models import AdminUnit
from tocns.reports import selectors
from tocns.reports.exports import rollup_filename, rollup_xlsx
from tocns.reports.narrative import clock, vn_number
from tocns.reports.periods import parse_period


class Command(BaseCommand):
    requires_system_checks = []  # a read-only export: no need to import every URL and form first
    help = _("Xuất bảng tổng hợp báo cáo Tổ công nghệ số cộng đồng của một tỉnh hoặc một xã ra tệp Excel.")

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True,
                            help=_("Kỳ báo cáo: 2026-10 (tháng), 2026-Q4 (quý) hoặc 2026 (năm)."))
        parser.add_argument("--unit", required=True, help=_("Mã tỉnh (08) hoặc mã xã, phường (02269)."))
        parser.add_argument("--out", default="", help=_("Tệp .xlsx sẽ ghi (mặc định: tong-hop-<mã>-<kỳ>.xlsx)."))

    def handle(self, *args, period, unit, out, **options):
        try:
            parsed = parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        code = unit.strip()
        found = AdminUnit.objects.filter(code=code).first()
        if found is None and code.isdigit() and len(code) < 2:
            found = AdminUnit.objects.provinces().filter(code=f"{int(code):02d}").first()
        if found is None:
            raise CommandError(_("Không có đơn vị hành chính mã %(code)s.") % {"code": code})
        if not (found.is_province or found.is_commune):
            raise CommandError(_("%(name)s là thôn, tổ dân phố: chỉ xuất tổng hợp cho tỉnh hoặc xã, phường.") % {
                "name": found.name})
        result = selectors.rollup(unit=found, period=parsed)
        path = Path(out or rollup_filename(result))
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("Tệp xuất phải có đuôi .xlsx."))
        try:
            path.write_bytes(rollup_xlsx(result))
        except OSError as exc:
            raise CommandError(_("Không ghi được tệp %(path)s: %(error)s") % {
                "path": path, "error": exc.strerror or exc}) from exc
        self.stdout.write(_("Đã ghi %(path)s: %(rows)s đơn vị và dòng Tổng cộng, %(reports)s báo cáo, số liệu tính "
                            "đến %(at)s.") % {
            "path": path, "rows": vn_number(len(result.rows)), "reports": vn_number(result.report_count),
            "at": _clock_day_first(result.as_of)})


def _clock_day_first(moment) -> str:
    """"20/11/2026 10:00", Vietnam time."""
    hour, day = clock(moment).split(" ")
    return f"{day} {hour}"
