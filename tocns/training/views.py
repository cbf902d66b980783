"""Training pages: the courses a user may see, planning one (province admin, partner), inviting
teams, taking attendance on the trainer's phone, a member's own trainings, and who has been
trained in what (the province and the commune offices)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tocns.accounts.models import Assignment, Role, User
from tocns.accounts.selectors import scope_for, unit_for_user_or_404
from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors
from tocns.reports.settings_selectors import province_administered_by
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Person, Team
from tocns.teams.selectors import person_for_user_or_404

from . import selectors, services
from .forms import CourseForm, InviteForm, PartnerForm, PartnerUsersForm, SessionForm, TopicForm
from .models import Partner, Topic, TrainingSession

# Above this many invitees, pages list them by commune rather than by name.
BY_COMMUNE_ABOVE = 60


@login_required
def course_list(request):
    provinces = selectors.course_provinces(request.user)
    scope = scope_for(request.user)
    return render(request, "training/course_list.html", {
        "courses": selectors.courses_for_user(request.user).prefetch_related("sessions")[:200],
        "can_plan": bool(provinces), "can_see_stats": bool(scope.province_ids or scope.commune_ids),
        "person": Person.objects.filter(user=request.user).first(), "is_admin": scope.has_role(Role.PROVINCE_ADMIN)})


@login_required
def course_create(request):
    provinces = selectors.course_provinces(request.user)
    if not provinces:
        raise Http404
    province = provinces[0]
    own = selectors.partners_of(request.user).filter(province=province)
    is_admin = scope_for(request.user).province_ids and province.pk in scope_for(request.user).province_ids
    partners = Partner.objects.filter(province=province) if is_admin else own
    form = CourseForm(request.POST or None, partners=partners, partner_required=not is_admin, province=province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        course = services.course_create(by=request.user, province=province, title=data["title"], topic=data["topic"],
                                        partner=data["partner"], description=data["description"],
                                        submission_key=data["submission_key"])
        return redirect("training:course", course.pk)
    return render(request, "training/course_form.html", {"form": form})


def _invite_form(course, data=None):
    communes = Team.objects.filter(province_id=course.province_id).exclude(status=TeamStatus.DISSOLVED).values(
        "commune_id")
    return InviteForm(data, communes=AdminUnit.objects.filter(pk__in=communes).order_by("name_folded"),
                      prefix="invite")


@login_required
def course_detail(request, pk: int):
    course = selectors.course_for_user_or_404(request.user, pk)
    manage = selectors.can_manage_course(request.user, course)
    session_form, invite_form = SessionForm(prefix="session"), _invite_form(course)
    action = request.POST.get("action")
    if action and not manage:
        raise Http404
    try:
        if action == "session":
            session_form = SessionForm(request.POST, prefix="session")
            if session_form.is_valid():
                data = session_form.cleaned_data
                services.session_add(by=request.user, course=course, starts_at=data["starts_at"], place=data["place"],
                                     online_link=data["online_link"], trainer_name=data["trainer_name"],
                                     submission_key=data["submission_key"])
                messages.success(request, _("Đã thêm buổi tập huấn."))
                return redirect("training:course", course.pk)
        elif action == "invite_team":
            team = get_object_or_404(Team.objects.exclude(status=TeamStatus.DISSOLVED),
                                     pk=request.POST.get("team") or 0, province_id=course.province_id)
            added = services.invite_teams(by=request.user, course=course, teams=[team])
            messages.success(request, _("Đã mời thêm %(n)s thành viên của %(team)s.") % {"n": added, "team": team})
            return redirect("training:course", course.pk)
        elif action == "invite":
            invite_form = _invite_form(course, request.POST)
            if invite_form.is_valid():
                teams = Team.objects.filter(commune_id__in=invite_form.cleaned_data["communes"])
                added = services.invite_teams(by=request.user, course=course, teams=teams)
                messages.success(request, _("Đã mời thêm %(n)s thành viên.") % {"n": added})
                return redirect("training:course", course.pk)
    except ValidationError as exc:
        add_service_errors(session_form if action == "session" else invite_form, exc)
    invitations = selectors.invitations_for(request.user, course)
    invited_count = invitations.count()
    by_commune = selectors.invited_by_commune(course) if invited_count > BY_COMMUNE_ABOVE else []
    invitations = [] if by_commune else list(invitations)
    team_query = request.GET.get("tim-to", "").strip()
    found_teams = selectors.teams_named(course.province, team_query) if manage and team_query else []
    return render(request, "training/course_detail.html", {
        "course": course, "manage": manage, "sessions": course.sessions.all(), "invitations": invitations,
        "team_query": team_query, "found_teams": found_teams, "invited_count": invited_count,
        "by_commune": by_commune,
        "session_form": session_form, "invite_form": invite_form, **_proficiency_context(request.user, course)})


def _proficiency_context(user, course):
    """The course's test as each user meets it: the organiser edits it, an invited member takes it."""
    quiz = selectors.quiz_of(course)
    person = selectors.person_of(user)
    invited = person is not None and course.invitations.filter(person=person).exists()
    return {"quiz": quiz, "quiz_invited": invited,
            "my_certificate": course.certificates.filter(person=person).first() if invited else None,
            "can_take": invited and quiz is not None and services.attempts_left(quiz, person)[0],
            "results_count": selectors.attempts_for(user, course).count() if quiz else 0}


@login_required
def attendance(request, pk: int):
    """The trainer ticks who is here, from the invitation list, on the phone."""
    session = get_object_or_404(TrainingSession.objects.select_related("course"), pk=pk)
    course = selectors.course_for_user_or_404(request.user, session.course_id)
    if not selectors.can_manage_course(request.user, course):
        raise Http404
    invitations = selectors.invitations_for(request.user, course)
    # A course for a whole province is ticked commune by commune: 1,600 names are no use on a phone.
    commune = get_object_or_404(AdminUnit, code=request.GET["xa"]) if request.GET.get("xa") else None
    by_commune = [] if commune or invitations.count() <= BY_COMMUNE_ABOVE else selectors.invited_by_commune(course)
    if commune is not None:
        invitations = invitations.filter(commune=commune)
    error = ""
    if request.method == "POST":
        try:
            present = {int(value) for value in request.POST.getlist("present")}
            here, away = services.attendance_save(by=request.user, session=session, present=present,
                                                  commune=commune)
        except (ValueError, ValidationError) as exc:
            error = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("Danh sách không hợp lệ.")
        else:
            messages.success(request, _("Đã lưu điểm danh: %(here)s có mặt, %(away)s vắng.") % {
                "here": here, "away": away})
            return redirect("training:course", course.pk)
    present_ids = set(session.attendance.filter(present=True).values_list("person_id", flat=True))
    return render(request, "training/attendance.html", {
        "session": session, "course": course, "error": error, "present_ids": present_ids, "commune": commune,
        "by_commune": by_commune, "invitations": [] if by_commune else invitations})


@login_required
def my_trainings(request):
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404
    return _trainings_page(request, person)


def _trainings_page(request, person):
    return render(request, "training/person_trainings.html", {
        "person": person, "trainings": selectors.trainings_of(person),
        # only those the viewer may open (the certificate page answers 404 otherwise)
        "certificates": selectors.certificates_for(request.user).filter(person=person)})


@login_required
def person_trainings(request, pk: int):
    """A member's trainings, for those whose scope covers the member."""
    return _trainings_page(request, person_for_user_or_404(request.user, pk))


@login_required
def trained_stats(request):
    """For each topic and commune, how many members have been trained; who never has."""
    scope = scope_for(request.user)
    if not (scope.province_ids or scope.commune_ids):
        raise Http404
    commune = unit_for_user_or_404(request.user, code=request.GET["xa"]) if request.GET.get("xa") else None
    never = selectors.never_trained(request.user, commune) if commune is not None or scope.commune_ids else None
    return render(request, "training/trained_stats.html", {
        "table": selectors.trained_by_topic(request.user), "commune": commune,
        "proficient": selectors.proficient_by_topic(request.user),
        "never": never[:300] if never is not None else None})


def _province_admin_or_404(request):
    province = province_administered_by(request.user)
    if province is None:
        raise Http404
    return province


@login_required
def partner_list(request):
    """The province admin lists partner enterprises and adds one."""
    province = _province_admin_or_404(request)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_add(by=request.user, province=province, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("training:partner", partner.pk)
    return render(request, "training/partner_list.html", {
        "form": form, "partners": Partner.objects.filter(province=province).prefetch_related("users")})


@login_required
def partner_detail(request, pk: int):
    """Which partner-role accounts act for the enterprise."""
    province = _province_admin_or_404(request)
    partner = get_object_or_404(Partner, pk=pk, province=province)
    accounts = User.objects.filter(pk__in=Assignment.objects.active().filter(
        role=Role.PARTNER, unit__province=province).values("user_id")).order_by("full_name")
    form = PartnerUsersForm(request.POST or None, accounts=accounts, initial={"users": partner.users.all()})
    if request.method == "POST" and form.is_valid():
        services.partner_users_set(by=request.user, partner=partner, users=form.cleaned_data["users"])
        messages.success(request, _("Đã lưu tài khoản của %(name)s.") % {"name": partner.name})
        return redirect("training:partners")
    return render(request, "training/partner_detail.html", {"partner": partner, "form": form})


@login_required
def topic_list(request):
    """The plan's topics (national), and the province's own it adds over time."""
    province = _province_admin_or_404(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_add(by=request.user, province=province, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã có chủ đề “%(name)s”.") % {"name": topic.name})
            return redirect("training:topics")
    return render(request, "training/topic_list.html", {"form": form,
                                                        "topics": Topic.objects.for_province(province)})
