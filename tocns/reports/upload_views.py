"""The commune office's Excel upload of its village teams' reports: choose a form and a period,
download the sheet, upload it filled in, see what each row will do, confirm (rules in uploads.py).
Only the commune officer of the commune opens these pages; another commune's upload answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tocns.accounts.access import page_rule
from tocns.accounts.models import Assignment, Role
from tocns.geo.models import AdminUnit
from tocns.lib.http import XLSX, attachment

from . import uploads
from .choices import UploadStatus
from .models import ReportUpload
from .periods import period_of
from .templatetags.periods import period as period_words
from .templatetags.periods import period_choices


def _officer_communes(user):
    """The communes whose office this user works in (the uploads are theirs alone)."""
    units = Assignment.objects.active().filter(user=user, role=Role.COMMUNE_OFFICER).values("unit_id")
    return AdminUnit.objects.active().communes().filter(pk__in=units).order_by("name_folded")


def _commune_or_404(user, code: str) -> AdminUnit:
    communes = _officer_communes(user)
    commune = communes.filter(code=code).first() if code else communes.first()
    if commune is None:
        raise Http404
    return commune


def _upload_or_404(user, pk: int) -> ReportUpload:
    return get_object_or_404(ReportUpload.objects.select_related("form", "commune", "created_by"), pk=pk,
                             commune__in=_officer_communes(user))


def _start_url(commune, **params) -> str:
    return f"{reverse('reports:upload')}?{urlencode({'unit': commune.code, **params})}"


def _choice(params, commune):
    """The form and period the page is about, with a message when the period does not fit."""
    forms = list(uploads.upload_forms(commune))
    key = params.get("period", "")
    form = next((f for f in forms if str(f.pk) == params.get("form", "")), None)
    if form is None:  # from the completeness page: a form reported for the kind of period shown there
        kind = "quarter" if "-Q" in key else "month" if "-" in key else "year" if key else ""
        form = next((f for f in forms if f.period_type == kind), forms[0] if forms else None)
    period, error = None, ""
    if form is not None:
        if not key:
            key = period_of(form.period_type, timezone.localdate(), form.period_rule).previous().key
        try:
            period = uploads.period_for(form, key)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return forms, form, period, error


@login_required
@page_rule("oversight")
def upload_start(request):
    """Choose the form and period, download the sheet, upload it filled in."""
    params = request.POST if request.method == "POST" else request.GET
    commune = _commune_or_404(request.user, params.get("unit", ""))
    forms, form, period, period_error = _choice(params, commune)
    errors = []
    if request.method == "POST" and form is not None and period is not None:
        sent = request.FILES.get("file")
        if sent is None:
            errors = [_("Hãy chọn tệp Excel (.xlsx) đã điền số liệu.")]
        else:
            try:
                upload = uploads.upload_check(form=form, period=period, commune=commune, data=sent.read(),
                                              file_name=sent.name, by=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                if upload.status == UploadStatus.CONFIRMED:
                    messages.info(request, _("Tệp này đã được nhập lúc %(at)s: không có gì thay đổi.") % {
                        "at": timezone.localtime(upload.confirmed_at).strftime("%H:%M %d/%m/%Y")})
                return redirect("reports:upload_detail", pk=upload.pk)
    groups = [(label, periods) for label, periods in period_choices(period)
              if form is not None and periods and periods[0].kind == form.period_type]
    return render(request, "reports/upload_start.html", {
        "commune": commune, "forms": forms, "form": form, "period": period, "period_error": period_error,
        "groups": groups, "errors": errors,
        "teams": uploads.sheet_teams(form, period, commune) if period is not None else [],
        "indicators": uploads.sheet_indicators(form) if form is not None else [],
        "sheet_query": urlencode({"unit": commune.code, "form": form.pk, "period": period.key}) if period else "",
        "recent": ReportUpload.objects.filter(commune=commune).select_related("form", "created_by")[:10],
    })


@login_required
@page_rule("oversight")
def upload_sheet(request):
    """The sheet to fill for a form and a period: one row per team of the commune that owes it."""
    commune = _commune_or_404(request.user, request.GET.get("unit", ""))
    _forms, form, period, error = _choice(request.GET, commune)
    if form is None or period is None:
        messages.error(request, error or _("Chưa có mẫu báo cáo nào cho các tổ thôn."))
        return redirect(_start_url(commune))
    return attachment(uploads.upload_sheet_xlsx(form=form, period=period, commune=commune),
                      uploads.upload_sheet_filename(form, period, commune), XLSX)


# What a row will do, then what it did.
STATE_LABELS = {
    uploads.WRITE: (gettext_lazy("Sẽ ghi và gửi"), gettext_lazy("Đã ghi và gửi")),
    uploads.SKIP: (gettext_lazy("Bỏ qua: tổ đã gửi"),) * 2,
    uploads.EMPTY: (gettext_lazy("Bỏ qua: chưa có số liệu"),) * 2,
    uploads.ERROR: (gettext_lazy("Có lỗi: không ghi"),) * 2,
}


@login_required
@page_rule("oversight")
def upload_detail(request, pk: int):
    """What each row will do (or did), and the confirmation."""
    upload = _upload_or_404(request.user, pk)
    reason_error = error = ""
    if request.method == "POST":
        try:
            upload = uploads.upload_confirm(upload=upload, by=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                reason_error = " ".join(exc.message_dict["reason"])
            else:
                error = " ".join(exc.messages)
        else:
            outcome = upload.outcome
            messages.success(request, _("Đã ghi và gửi %(written)s báo cáo; bỏ qua %(skipped)s báo cáo tổ đã gửi.") % {
                "written": len(outcome.get("written", [])), "skipped": len(outcome.get("skipped", []))})
            return redirect("reports:upload_detail", pk=upload.pk)
    done = upload.status == UploadStatus.CONFIRMED
    rows = [{**row, "label": STATE_LABELS[row["state"]][1 if done else 0]} for row in upload.rows]
    problems = [(row["row"], problem) for row in upload.rows if row["state"] == uploads.ERROR
                for problem in row["errors"]]
    counts = uploads.row_counts(upload.rows)
    return render(request, "reports/upload_detail.html", {
        "upload": upload, "rows": rows, "problems": problems, "counts": counts, "done": done,
        "period_label": period_words(upload.period_key),
        "warned": any(row["state"] == uploads.WRITE and row["warnings"] for row in upload.rows),
        "can_confirm": upload.status == UploadStatus.CHECKED and counts[uploads.WRITE] > 0,
        "reason": request.POST.get("reason", ""), "reason_error": reason_error, "error": error,
        "back": _start_url(upload.commune, form=upload.form_id, period=upload.period_key),
    })


@login_required
@page_rule("oversight")
@require_POST
def upload_discard(request, pk: int):
    upload = uploads.upload_discard(upload=_upload_or_404(request.user, pk), by=request.user)
    if upload.status == UploadStatus.DISCARDED:
        messages.info(request, _("Đã huỷ lần tải tệp này; chưa ghi gì."))
    return redirect(_start_url(upload.commune))
