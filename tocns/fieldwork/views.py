"""The field log page: the common case (I helped N people with one service today in my village)
takes three taps: a service, a number, Lưu."""

import base64
import json
import mimetypes
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from tocns.reports.catalogue_scope import provinces_of

from . import selectors, services
from .models import ActivityKind, Service, ServicePillar
from .surveys import answers_record_batch

QUICK_COUNTS = (1, 2, 3, 4, 5, 10)


@login_required
def log(request):
    units = list(selectors.log_units(request.user))
    if not units:
        raise Http404
    last = selectors.last_entry(request.user)
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        count = posted.get("people_count_other") or posted.get("people_count", "")
        data = {
            "client_id": posted.get("client_id"), "date": posted.get("date"), "unit": posted.get("unit"),
            "kind": posted.get("kind"), "services": posted.getlist("services"), "people_count": count,
            "households_count": posted.get("households_count"), "women_count": posted.get("women_count"),
            "elderly_count": posted.get("elderly_count"), "minority_count": posted.get("minority_count"),
            "door_to_door": posted.get("door_to_door") == "on", "notes": posted.get("notes", ""),
            "photo": _data_url(request.FILES.get("photo")),
        }
        try:
            activity, _created = services.activity_record(user=request.user, data=data)
        except ValidationError as exc:
            errors = {name: messages_[0] for name, messages_ in exc.message_dict.items()}
        else:
            names = ", ".join(s.short_name for s in activity.services.all())
            messages.success(request, _("Đã ghi: %(n)s người%(services)s, %(unit)s, %(day)s.") % {
                "n": activity.people_count, "services": f" – {names}" if names else "", "unit": activity.unit.name,
                "day": activity.date.strftime("%d/%m/%Y")})
            return redirect("fieldwork:log")
    today = timezone.localdate()
    chosen_unit = posted.get("unit") or (last.unit.code if last else units[0].code)
    recent = selectors.recent_services(request.user)
    others = Service.objects.for_province(provinces_of(request.user)).filter(is_active=True).exclude(
        pk__in=[s.pk for s in recent])
    context = {
        "units": units, "chosen_unit": chosen_unit, "recent": recent,
        "others": [(label, [s for s in others if s.pillar == value]) for value, label in ServicePillar.choices],
        "kinds": ActivityKind.choices, "chosen_kind": posted.get("kind", ActivityKind.GUIDANCE),
        "chosen_services": posted.getlist("services") if posted else [],
        "quick_counts": QUICK_COUNTS, "chosen_count": posted.get("people_count", ""),
        "client_id": posted.get("client_id") or uuid.uuid4(), "today": today.isoformat(),
        "posted": posted, "errors": errors,
        "log_text": {
            "count": _("Hãy chọn hoặc nhập số người (số nguyên, không âm)."),
            "service": _("Hãy chọn ít nhất một dịch vụ đã hướng dẫn."),
            "part": _("Số nữ, người cao tuổi, người dân tộc thiểu số không được lớn hơn số người."),
            "future": _("Ngày hoạt động không được sau hôm nay."),
            "photo": _("Ảnh không đọc được: hãy chụp hoặc chọn lại ảnh (JPG, PNG hoặc WebP)."),
            "full": _("Bộ nhớ của trình duyệt đã đầy: hãy gửi các mục đang chờ hoặc lưu chúng thành tệp, "
                      "rồi lưu lại. Mục này chưa được lưu."),
            "waiting": _("%s mục đang chờ gửi"), "people": _("người"), "allSent": _("Đã gửi hết lên máy chủ."),
            "states": {"waiting": _("đang chờ"), "sending": _("đang gửi"), "stored": _("đã lưu"),
                       "refused": _("bị từ chối")},
        },
        "today_entries": selectors.activities_for_user(request.user).filter(recorded_by=request.user,
                                                                              date=today)[:20],
    }
    return render(request, "fieldwork/log.html", context)


def _data_url(upload) -> str | None:
    """A photo sent without the page's script (not resized) goes through the same checks."""
    if upload is None:
        return None
    return f"data:{upload.content_type};base64,{base64.b64encode(upload.read()).decode()}"


@login_required
def photo(request, pk: int):
    """An activity's photo, to those whose scope covers its unit."""
    activity = get_object_or_404(selectors.activities_for_user(request.user).exclude(photo=""), pk=pk)
    kind = mimetypes.guess_type(activity.photo.name)[0] or "application/octet-stream"
    response = FileResponse(activity.photo.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, max-age=86400"
    return response


@cache_control(max_age=0, no_cache=True)
def service_worker(request):
    """The site's service worker (templates/fieldwork/sw.js). Its URL is under /nhat-ky/, but the
    header lets it serve the whole site, so that the monthly report and signing out work offline."""
    text = {
        "brand": _("Tổ CNS cộng đồng"),
        "offline": [_("Chưa có mạng"), _("Trang này chưa được lưu trên máy để mở khi không có mạng. Nhật ký, "
                                          "khảo sát và báo cáo tháng đã mở khi có mạng thì vẫn mở được."),
                    _("Mở nhật ký")],
        "signedOut": [_("Đã đăng xuất trên máy này"),
                      _("Máy đang không có mạng: khi có mạng, máy sẽ báo cho máy chủ để kết thúc phiên đăng nhập. "
                        "Các mục chưa gửi vẫn được giữ và sẽ được gửi khi bạn đăng nhập lại."), _("Đăng nhập")],
    }
    response = render(request, "fieldwork/sw.js", {"text": json.dumps(text, ensure_ascii=False)},
                      content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request):
    """Lets the phone install the log as an app on its home screen."""
    data = {
        "name": _("Nhật ký Tổ công nghệ số cộng đồng"), "short_name": _("Nhật ký tổ CNS"),
        "start_url": reverse("fieldwork:log"), "scope": reverse("fieldwork:log"), "display": "standalone",
        "background_color": "#f6f7f9", "theme_color": "#0b5cad", "lang": "vi",
        "icons": [{"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


@login_required
def upload_queue(request):
    """An officer uploads the queue file a member saved on a phone that could not connect.
    Entries already stored (from the phone or an earlier upload) are not stored again."""
    from tocns.accounts.models import Role
    from tocns.accounts.selectors import scope_for

    if not scope_for(request.user).has_role(Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN, Role.TEAM_LEADER,
                                            Role.TEAM_MEMBER):
        raise Http404
    results, error = [], ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValueError(_("Hãy chọn tệp nhật ký."))
            entries = services.queue_file_entries(upload.read())
        except ValueError as exc:
            error = str(exc)
        else:
            for entry in entries:
                entry.pop("state", None)
                entry.pop("reason", None)
            # A file saved from a survey page holds questionnaires; one from the log, activities.
            answers = [entry for entry in entries if "survey" in entry]
            activities = [entry for entry in entries if "survey" not in entry]
            outcomes = dict(zip(map(id, activities), services.activities_record_batch(
                user=request.user, entries=activities), strict=True))
            outcomes |= dict(zip(map(id, answers), answers_record_batch(user=request.user, entries=answers),
                                 strict=True))
            results = [(entry, outcomes[id(entry)].status,
                        " ".join(m for ms in outcomes[id(entry)].errors.values() for m in ms)) for entry in entries]
    counts = {state: sum(1 for _e, s, _m in results if s == state) for state in ("stored", "duplicate", "refused")}
    return render(request, "fieldwork/upload.html", {"results": results, "error": error, "counts": counts})
