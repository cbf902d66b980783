"""Public pages: a citizen finds their commune and village and applies to join a team, without an
account; then follows the application at a private link. Light pages, no script."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tocns.fieldwork import feedback as feedback_rules
from tocns.fieldwork.models import Feedback, FeedbackChannel
from tocns.fieldwork.selectors import feedback_flooding
from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors
from tocns.lib.security import sender_hash as _sender_hash
from tocns.lib.sheets import read_table
from tocns.lib.text import fold
from tocns.notify.delivery import current_choice
from tocns.notify.models import ChannelChoice
from tocns.notify.selectors import notifications_about
from tocns.notify.services import preference_set as notice_preference_set
from tocns.teams import services
from tocns.teams.choices import ApplicationChannel, TeamStatus
from tocns.teams.member_files import PUBLIC_MAX_ROWS, application_entries_from_file
from tocns.teams.models import Team
from tocns.teams.selectors import application_by_tracking_code_or_404, recent_applications_from

from .forms import ApplicantForm, GroupContactForm, JoinForm, PublicFeedbackForm, ReplyForm
from .models import ReadKind
from .selectors import ProvinceChoice, commune_figures, province_choice, recent_refused_uploads_from
from .services import refused_upload_record
from .throttle import limit_public_reads

GROUP_ROWS_DEFAULT, GROUP_ROWS_MAX = 3, 10


def _flooding(request) -> bool:
    """Applications stored and files refused, from this sender in the last hour, against the limit."""
    sender = _sender_hash(request)
    return (recent_applications_from(sender) + recent_refused_uploads_from(sender)
            >= settings.PUBLIC_APPLICATIONS_PER_HOUR)


def _refused_file(request, data: bytes, file_name: str) -> list[tuple[int, str]]:
    """The guarded reader's word on an uploaded list, before anything else reads it; a refused file
    is recorded against the sender, so sending it again and again meets the hourly limit."""
    try:
        read_table(data, file_name, max_rows=PUBLIC_MAX_ROWS)
    except ValidationError as exc:
        refused_upload_record(sender_hash=_sender_hash(request), reason=" ".join(exc.messages))
        return [(0, message) for message in exc.messages]
    return []


def _live_team_or_404(slug: str) -> Team:
    # By its random public address only: sequential ids would let anyone walk every team.
    team = Team.objects.select_related("unit", "commune", "province").filter(public_slug=slug).exclude(
        status=TeamStatus.DISSOLVED).first()
    if team is None:
        raise Http404
    return team


def start(request):
    """Step 1: find your commune (with or without diacritics, with or without "xã"), in the chosen province."""
    query = request.GET.get("q", "").strip()
    choice = province_choice(request.GET.get("tinh"))
    return render(request, "portal/start.html", {"communes": find_communes(query, choice), "query": query,
                                                 "choice": choice})


def find_communes(query: str, choice: ProvinceChoice | None = None) -> list[AdminUnit]:
    """The communes a citizen means, typed with or without diacritics or "xã", in the chosen province
    (or in every province the install holds)."""
    if not query:
        return []
    folded = fold(query)
    for prefix in ("xa ", "phuong ", "dac khu "):
        folded = folded.removeprefix(prefix)
    communes = (choice or province_choice()).filter(AdminUnit.objects.active().communes())
    return list(communes.filter(Q(name_folded__contains=folded) | Q(code=query)).select_related("province")
                .order_by("name_folded")[:40])


def commune(request, code: str):
    """Step 2: the commune's team and its villages' teams, and the commune's public figures beside its
    own province's. The address is the commune's national code, so it is reached under its province
    whichever province the visitor searched."""
    unit = get_object_or_404(AdminUnit.objects.active().communes().select_related("province"), code=code)
    teams = {t.unit_id: t for t in Team.objects.filter(commune=unit).exclude(status=TeamStatus.DISSOLVED)}
    villages = unit.children.active().order_by("name_folded")
    rows = [(village, teams.get(village.pk)) for village in villages]
    return render(request, "portal/commune.html", {"commune": unit, "commune_team": teams.get(unit.pk),
                                                   "rows": rows, "figures": commune_figures(unit),
                                                   "choice": province_choice(unit.province.code)})


@never_cache
def join(request, team_slug: str):
    """Step 3: one person's application."""
    team = _live_team_or_404(team_slug)
    if request.method == "POST":
        form = JoinForm(request.POST, commune=team.commune)
        if _flooding(request):
            return render(request, "portal/too_many.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.application_submit_join(
                    team=team, entries=[data], contact_name=data["full_name"], contact_phone=data["phone"],
                    contact_email=data.get("email", ""), message=data.get("message", ""),
                    channel=ApplicationChannel.ONLINE, submission_key=data["submission_key"],
                    sender_hash=_sender_hash(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("portal:tracking", code=application.tracking_code)
    else:
        form = JoinForm(commune=team.commune, initial={"submission_key": uuid.uuid4().hex})
    return render(request, "portal/join.html", {"team": team, "form": form})


@never_cache
def join_group(request, team_slug: str):
    """A group list: several people on one application, typed in or sent as the Excel template."""
    team = _live_team_or_404(team_slug)
    try:
        rows = min(max(int(request.GET.get("rows", GROUP_ROWS_DEFAULT)), 1), GROUP_ROWS_MAX)
    except ValueError:
        rows = GROUP_ROWS_DEFAULT
    PeopleFormSet = formset_factory(ApplicantForm, extra=rows, max_num=GROUP_ROWS_MAX * 5)
    file_errors, file_notes = [], []
    if request.method == "POST":
        form = GroupContactForm(request.POST, request.FILES)
        people = PeopleFormSet(request.POST, form_kwargs={"commune": team.commune}, prefix="p")
        if _flooding(request):
            return render(request, "portal/too_many.html", status=429)
        upload = request.FILES.get("file")
        content = upload.read() if upload else b""
        if upload:
            file_errors = _refused_file(request, content, upload.name)
        if not file_errors and form.is_valid():
            if upload:
                entries, file_errors = application_entries_from_file(team, content, upload.name, notes=file_notes)
            else:
                entries = [f.cleaned_data for f in people if f.has_changed()] if people.is_valid() else None
                if entries == []:
                    form.add_error(None, _("Hãy nhập ít nhất một người, hoặc gửi tệp Excel."))
            if entries and not file_errors:
                data = form.cleaned_data
                try:
                    application = services.application_submit_join(
                        team=team, entries=entries, contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"], contact_email=data.get("contact_email", ""),
                        message=data.get("message", ""), channel=ApplicationChannel.ONLINE,
                        submission_key=data["submission_key"], sender_hash=_sender_hash(request))
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    for note in file_notes:  # what the file held that was not kept, said to the sender
                        messages.warning(request, note)
                    return redirect("portal:tracking", code=application.tracking_code)
    else:
        form = GroupContactForm(initial={"submission_key": uuid.uuid4().hex})
        people = PeopleFormSet(form_kwargs={"commune": team.commune}, prefix="p")
    return render(request, "portal/join_group.html", {"team": team, "form": form, "people": people,
                                                      "file_errors": file_errors, "more_rows": rows + 2
                                                      if rows < GROUP_ROWS_MAX else None})


@never_cache
@limit_public_reads(ReadKind.LOOKUP)
def tracking(request, code: str):
    """The applicant's private page: status, answers, and a reply when information is asked for."""
    application = application_by_tracking_code_or_404(code)
    if request.method == "POST" and "stop_messages" in request.POST:
        # The applicant stops Zalo and SMS to his number; answers stay on this page.
        if application.contact_phone:
            notice_preference_set(phone=application.contact_phone, choice=ChannelChoice.APP, consent=False, by=None)
            messages.success(request, _("Đã ngừng nhắn tin tới số của bạn. Kết quả vẫn xem được ở trang này."))
        return redirect("portal:tracking", code=code)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_reply(application=application, reply=form.cleaned_data["reply"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi thông tin bổ sung."))
            return redirect("portal:tracking", code=code)
    return render(request, "portal/tracking.html", {
        "application": application, "entries": application.entries.all(), "form": form,
        "notifications": notifications_about(application),
        "messages_stopped": bool(application.contact_phone)
        and current_choice(application.contact_phone) == ChannelChoice.APP})



# ---- citizen feedback about digital services ------------------------------------------------------

def feedback_start(request):
    query = request.GET.get("q", "").strip()
    choice = province_choice(request.GET.get("tinh"))
    return render(request, "portal/feedback_start.html", {"communes": find_communes(query, choice),
                                                          "query": query, "choice": choice})


@never_cache
def feedback_send(request, code: str):
    commune = get_object_or_404(AdminUnit.objects.active().communes(), code=code)
    if request.method == "POST":
        form = PublicFeedbackForm(request.POST, commune=commune)
        if feedback_flooding(_sender_hash(request)):
            return render(request, "portal/too_many.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = feedback_rules.feedback_submit(
                    unit=data["unit"], content=data["content"], kind=data["kind"], service=data["service"],
                    citizen_name=data["citizen_name"], citizen_phone=data["citizen_phone"], consent=data["consent"],
                    channel=FeedbackChannel.PUBLIC, submission_key=data["submission_key"],
                    sender_hash=_sender_hash(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("portal:feedback_tracking", code=feedback.code)
    else:
        form = PublicFeedbackForm(commune=commune, initial={"submission_key": uuid.uuid4().hex})
    return render(request, "portal/feedback_send.html", {"form": form, "commune": commune})


@never_cache
@limit_public_reads(ReadKind.LOOKUP)
def feedback_tracking(request, code: str = ""):
    code = (code or request.GET.get("code", "")).strip().upper()
    if not code:
        return redirect("portal:feedback_start")
    feedback = Feedback.objects.select_related("unit", "service").filter(code=code).first()
    if feedback is None:
        # A mistyped code is the visitor's slip, not a missing page: say so beside the code box.
        message = _("Không tìm thấy phản ánh với mã này. Hãy kiểm tra lại mã bạn đã ghi hoặc trên giấy biên nhận.")
        return render(request, "portal/feedback_start.html", {"code": code, "code_error": message}, status=404)
    # The citizen sees the steps and the answer, never who handled it or other people's data.
    return render(request, "portal/feedback_tracking.html", {"feedback": feedback,
                                                             "events": feedback.events.all()})
