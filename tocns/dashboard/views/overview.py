"""The overview pages: the province, a commune or a village, each figure with its table, drilling
down to the units below, ranked on what the viewer chooses, and the same numbers as Excel."""


from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tocns.accounts.models import Role
from tocns.accounts.selectors import home_units, scope_for, unit_for_user_or_404
from tocns.fieldwork.households import household_cells, household_headers, household_rows
from tocns.lib.dbrouter import reads_from_replica
from tocns.lib.http import XLSX, attachment
from tocns.lib.sheets import workbook_bytes
from tocns.lib.workbook import finish_table, write_title
from tocns.reports.periods import parse_period
from tocns.reports.settings_selectors import communes_split_by, province_administered_by

from ..inbox import inbox_for
from ..overview import RANKINGS, overview_of


def _may_see_ethnic_groups(user) -> bool:
    """The same rule as for a person's ethnic group: the province admin and VH-XH officers only
    (a small village's figures would tell who is who)."""
    return scope_for(user).has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER)


def _overview(request):
    """The unit asked for (or where the user starts) and its figures, as this user may see them."""
    unit = _unit(request)
    data = overview_of(unit)
    if not _may_see_ethnic_groups(request.user):
        data.by_ethnic_group = []
    return unit, data


def _unit(request):
    code = request.GET.get("unit")
    if code:
        return unit_for_user_or_404(request.user, code=code)
    # Only a unit inside the scope: a partner or a department holds the province unit with no unit data.
    unit = home_units(request.user).filter(scope_for(request.user).q()).first()
    if unit is None:
        raise Http404
    return unit


@login_required
@reads_from_replica
def overview(request):
    unit, data = _overview(request)
    ranking = request.GET.get("xep", "")
    if ranking in RANKINGS:
        data.children.sort(key=lambda row: -row[ranking])
    top_months = max((n for _m, n, _p in data.months), default=0) or 1
    months = [(month, n, people, round(100 * n / top_months, 1)) for month, n, people in data.months]
    scope = scope_for(request.user)
    return render(request, "dashboard/overview.html", {
        "o": data, "unit": unit, "months": months, "rankings": RANKINGS.items(), "ranking": ranking,
        # a commune office's overview starts with what needs doing today
        "inbox": inbox_for(request.user) if unit.is_commune and unit.pk in scope.commune_ids else [],
        "targets": not unit.is_village and bool(province_administered_by(request.user)
                                                 or communes_split_by(request.user).filter(pk=unit.commune_id)),
        "parent": unit.parent if unit.parent_id and not unit.is_province and scope.covers(unit.parent) else None,
        "trained_share": round(100 * data.trained / data.members) if data.members else 0})


@login_required
@reads_from_replica
def overview_xlsx(request):
    unit, data = _overview(request)
    with translation.override("vi"):
        book = Workbook()
        made = timezone.now()

        def table(sheet, what: str, headers: list, rows, key_columns: int = 1) -> None:
            header_row = write_title(sheet, what=what, unit=unit.name, made_at=made)
            sheet.append([str(h) for h in headers])
            for row in rows:
                sheet.append(list(row))
            finish_table(sheet, header_row=header_row, key_columns=key_columns, text_columns={1} if
                         key_columns == 2 else ())

        sheet = book.active
        sheet.title = _("Tổng quan")
        table(sheet, _("Tổng quan Tổ công nghệ số cộng đồng"), [_("Chỉ tiêu"), _("Số")], [
            (_("Tổ đã thành lập"), data.teams["established"]), (_("Thành viên"), data.members),
            (_("Thành viên đã được tập huấn"), data.trained),
            (_("Ý kiến đang xử lý"), data.feedback_open), (_("Ý kiến quá hạn"), data.feedback_overdue),
            *household_rows(data.households)])
        for title, rows in ((_("Thành phần"), data.by_occupation), (_("Giới tính"), data.by_gender),
                            (_("Độ tuổi"), data.by_age), (_("Dân tộc"), data.by_ethnic_group),
                            (_("Lĩnh vực"), data.by_pillar)):
            if not rows and title == _("Dân tộc"):
                continue
            table(book.create_sheet(title), _("Thành viên theo %(what)s") % {"what": title.lower()}
                  if title != _("Lĩnh vực") else _("Hoạt động theo lĩnh vực"),
                  [title, _("Số")], [(str(bar.label), bar.value) for bar in rows])
        table(book.create_sheet(_("Hoạt động theo tháng")), _("Hoạt động theo tháng"),
              [_("Tháng"), _("Số hoạt động"), _("Số người được hỗ trợ")],
              [(month.strftime("%m/%Y"), n, people) for month, n, people in data.months])
        table(book.create_sheet(_("Báo cáo tháng")), _("Báo cáo tháng của các tổ"),
              [_("Kỳ"), _("Đã gửi"), _("Đúng hạn"), _("Số tổ thôn phải gửi")],
              [(parse_period(key).label, *counts) for key, *counts in data.reports])
        if data.children:
            table(book.create_sheet(_("Theo đơn vị")), _("Tổng quan theo đơn vị"),
                  [_("Mã"), _("Đơn vị"), _("Tổ đã thành lập"), _("Thành viên"), _("Đã tập huấn"),
                   _("Hoạt động 12 tháng"), _("Người được hỗ trợ 12 tháng"), _("Ý kiến đang xử lý"),
                   *household_headers()],
                  [(row["unit"].code, row["unit"].name, row["teams"], row["members"], row["trained"],
                    row["activities"], row["people"], row["feedback"], *household_cells(row.get("households")))
                   for row in data.children], key_columns=2)
        content = workbook_bytes(book)
    return attachment(content, f"tong-quan-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
