"""Pages for teams, members, decisions and applications. Each view checks scope and role, then
calls a service or a selector; the rules live there."""

import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tocns.accounts.access import access_for, page_rule
from tocns.accounts.selectors import scope_for, unit_for_user_or_404, units_for_user
from tocns.audit.selectors import entries_for
from tocns.audit.services import record_read
from tocns.lib.forms import add_service_errors
from tocns.lib.http import DOCX, XLSX, attachment
from tocns.lib.text import fold
from tocns.notify.selectors import notifications_about

from . import selectors, services
from .choices import ApplicationChannel, ApplicationKind, ApplicationStatus, MemberRole, TeamStatus
from .documents import establishment_decision, members_change_decision
from .forms import (
    DecideForm,
    DecisionForm,
    MemberAddForm,
    MembersDecisionForm,
    MembershipEndForm,
    PersonForm,
    PhoneSharingForm,
    RoleChangeForm,
    TeamRulesForm,
    check_signed_file,
)
from .member_files import member_template_xlsx, members_export_xlsx, members_import_apply, members_import_check
from .models import Decision, Membership, Person, Team, TeamRules


def _parse_day(raw: str):
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _posted(request):
    """The form's data on a POST even when it is empty, so a bare POST shows what is missing
    (`request.POST or None` would leave the form unbound and silent)."""
    return request.POST if request.method == "POST" else None


def _team_or_404(request, pk: int, *, check=None) -> Team:
    team = selectors.team_for_user_or_404(request.user, pk)
    if check is not None and not check(request.user, team):
        raise Http404
    return team


# ---- lists and coverage -----------------------------------------------------------------------

@login_required
def team_list(request):
    query = request.GET.get("q", "").strip()
    teams = selectors.teams_for_user(request.user).exclude(status=TeamStatus.DISSOLVED)
    if query:
        teams = teams.filter(Q(unit__name_folded__contains=fold(query)) | Q(commune__name_folded__contains=fold(query)))
    teams = teams.annotate(
        member_count=Count("memberships", filter=Q(memberships__end_date__isnull=True)
                           & ~Q(memberships__role=MemberRole.COLLABORATOR)),
    ).order_by("commune__name_folded", "unit__kind", "unit__name_folded")
    page = Paginator(teams, 50).get_page(request.GET.get("page"))
    template = "teams/team_list.html#results" if request.htmx else "teams/team_list.html"
    return render(request, template, {"page": page, "query": query})


COVERAGE_PARTS = {
    "no_team": (gettext_lazy("Đơn vị chưa có tổ"), "units_without_team"),
    "no_leader": (gettext_lazy("Tổ chưa có tổ trưởng"), "teams_without_leader"),
    "no_deputy": (gettext_lazy("Tổ chưa có tổ phó"), "teams_without_deputy"),
    "below_minimum": (gettext_lazy("Tổ dưới số thành viên tối thiểu"), "teams_below_minimum"),
    "at_cap": (gettext_lazy("Tổ đã đủ số thành viên tối đa"), "teams_at_cap"),
    "two_teams": (gettext_lazy("Người ở hai tổ cùng lúc"), "people_in_two_teams"),
}


@login_required
@page_rule("oversight")
def coverage(request):
    """Where teams fall short of the plan, for the province or one commune, with counts and links."""
    scope = scope_for(request.user)
    code = request.GET.get("commune", "")
    commune = None
    if code:
        commune = unit_for_user_or_404(request.user, code=code)
        if not commune.is_commune:
            raise Http404
    elif not scope.province_ids:
        communes = units_for_user(request.user).communes().filter(id__in=scope.commune_ids)
        commune = communes.first()
        if commune is None:
            raise Http404
    province = commune.province if commune else units_for_user(request.user).provinces().first()
    if province is None:
        raise Http404
    report = selectors.coverage(province=province, commune=commune)
    show = request.GET.get("show", "")
    parts = [(key, label, getattr(report, attr).count()) for key, (label, attr) in COVERAGE_PARTS.items()]
    context = {"commune": commune, "province": province, "report": report, "parts": parts, "show": show}
    if show in COVERAGE_PARTS:
        label, attr = COVERAGE_PARTS[show]
        context["show_label"] = label
        context["page"] = Paginator(getattr(report, attr), 50).get_page(request.GET.get("page"))
        context["params"] = urlencode({k: v for k, v in (("commune", code), ("show", show)) if v})
    if commune is None:
        context["by_commune"] = selectors.coverage_by_commune(province=province)
    return render(request, "teams/coverage.html", context)


# ---- one team --------------------------------------------------------------------------------

@login_required
def team_detail(request, pk: int):
    team = _team_or_404(request, pk)
    raw_day = request.GET.get("on", "").strip()
    day = _parse_day(raw_day) if raw_day else None
    day_error = raw_day and day is None
    members = selectors.members_on(team, day)
    sees_roster = selectors.can_see_roster(request.user, team)
    for m in members:
        m.phone_visible = selectors.phone_visible_to(request.user, m.person, sees_roster=sees_roster)
    record_read(actor=request.user, action="team.roster", obj=team, people=[m.person_id for m in members],
                summary=_("Xem danh sách thành viên %(team)s") % {"team": team})
    rules = services.team_rules(team.province)
    cap = services.team_cap(team)
    counted = sum(1 for m in members if m.role != MemberRole.COLLABORATOR)
    user = request.user
    context = {
        "team": team, "members": members, "day": day, "raw_day": raw_day, "day_error": day_error,
        "counted": counted, "cap": cap, "minimum": rules.team_minimum,
        # The decision's draft names the leader: say before it is downloaded that none is set.
        "has_leader": any(m.role == MemberRole.LEADER for m in members),
        "warnings": services.expected_holder_warnings(team) if day is None and team.status != TeamStatus.DISSOLVED
        else [],
        "decisions": team.decisions.all(),
        "open_applications": team.applications.filter(status__in=selectors.OPEN_STATUSES),
        "can_manage": selectors.can_manage_members(user, team),
        "can_see_roster": sees_roster,
        "can_issue": selectors.can_issue_decisions(user, team),
        "can_decide": selectors.can_decide(user, team),
        "can_record": selectors.can_record_paper_application(user, team),
        "my_membership": next((m for m in members if m.person.user_id == user.pk), None) if day is None else None,
    }
    if day is None and team.status == TeamStatus.ESTABLISHED and selectors.can_manage_member_decisions(user, team):
        context["member_changes"] = selectors.member_changes(team)
    return render(request, "teams/team_detail.html", context)


@login_required
def team_history(request, pk: int):
    team = _team_or_404(request, pk)
    return render(request, "teams/team_history.html", {
        "team": team, "memberships": selectors.team_history(team), "entries": entries_for(team)[:50]})


@login_required
@require_POST
def team_propose(request, code: str):
    unit = unit_for_user_or_404(request.user, code=code)
    if not selectors.can_propose_team(request.user, unit):
        raise Http404
    try:
        team = services.team_propose(unit=unit, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("dashboard:unit_detail", code=unit.code)
    messages.success(request, _("Đã lập đề xuất %(team)s. Hãy thêm tổ trưởng, tổ phó và thành viên.") % {"team": team})
    return redirect("teams:detail", pk=team.pk)


@login_required
def team_zalo(request, pk: int):
    team = _team_or_404(request, pk, check=selectors.can_manage_members)
    if request.method == "POST":
        url = request.POST.get("zalo_group_url", "").strip()
        if "zalo_group_url" not in request.POST:  # a bare POST clears nothing; the form always sends the field
            messages.error(request, _("Không có đường dẫn nhóm Zalo trong yêu cầu; chưa thay đổi gì."))
        elif url and not url.startswith(("https://zalo.me/", "https://chat.zalo.me/")):
            messages.error(request, _("Đường dẫn nhóm Zalo bắt đầu bằng https://zalo.me/g/…"))
        else:
            services.team_set_zalo(team=team, url=url, by=request.user)
            messages.success(request, _("Đã lưu nhóm Zalo của tổ."))
    return redirect("teams:detail", pk=team.pk)


# ---- members ---------------------------------------------------------------------------------

@login_required
def member_add(request, pk: int):
    team = _team_or_404(request, pk, check=selectors.can_manage_members)
    form = MemberAddForm(request.POST or None, commune=team.commune)
    offer_collaborator = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = services.person_find_by_phone(data["phone"])
        try:
            membership = services.member_add(team=team, data=data, role=data["role"], existing=existing,
                                             start_date=data.get("start_date"), by=request.user)
        except ValidationError as exc:
            offer_collaborator = getattr(exc, "code", None) == "team_full"
            add_service_errors(form, exc)
        else:
            return _role_set(request, team, membership, _("Đã thêm %(name)s vào tổ (%(role)s)."))
    return render(request, "teams/member_add.html", {"team": team, "form": form,
                                                     "offer_collaborator": offer_collaborator})


def _role_set(request, team: Team, membership: Membership, text: str):
    """Say what was done, and whether the plan expects someone else in that role."""
    messages.success(request, text % {"name": membership.person.full_name,
                                      "role": membership.get_role_display().lower()})
    warning = services.expected_holder_warning(team, membership.person, membership.role)
    if warning:
        messages.warning(request, warning)
    return redirect("teams:detail", pk=team.pk)


def _membership_or_404(request, team: Team, membership_pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("person"), pk=membership_pk, team=team)


@login_required
def member_end(request, pk: int, membership_pk: int):
    team = _team_or_404(request, pk, check=selectors.can_manage_members)
    membership = _membership_or_404(request, team, membership_pk)
    form = MembershipEndForm(_posted(request), membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(membership=membership, end_date=form.cleaned_data["end_date"],
                                    reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s đã thôi tham gia tổ; lịch sử vẫn được giữ.") % {
                "name": membership.person.full_name})
            return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/member_action.html", {
        "team": team, "membership": membership, "form": form, "title": _("Cho thôi tham gia tổ")})


@login_required
def member_role(request, pk: int, membership_pk: int):
    team = _team_or_404(request, pk, check=selectors.can_manage_members)
    membership = _membership_or_404(request, team, membership_pk)
    form = RoleChangeForm(_posted(request), initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.membership_change_role(membership=membership, role=form.cleaned_data["role"],
                                                  by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _role_set(request, team, new, _("%(name)s nay là %(role)s."))
    return render(request, "teams/member_action.html", {
        "team": team, "membership": membership, "form": form, "title": _("Đổi vai trò")})


@login_required
def person_edit(request, person_pk: int):
    person = selectors.person_for_user_or_404(request.user, person_pk)
    if not selectors.can_manage_person(request.user, person):
        raise Http404
    sees_ethnic = selectors.can_see_ethnic_group(request.user, person)
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    initial["phone"] = person.phone_display
    initial["ethnic_group_consent"] = bool(person.ethnic_group_consent_at)
    if not sees_ethnic:
        initial.pop("ethnic_group")
    form = PersonForm(request.POST or None, initial=initial, commune=person.commune)
    if not sees_ethnic:
        del form.fields["ethnic_group"], form.fields["ethnic_group_consent"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not sees_ethnic:
            data["ethnic_group"] = person.ethnic_group
        try:
            services.person_save(data=data, commune=person.commune, person=person, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin của %(name)s.") % {"name": person.full_name})
            return redirect("teams:person", person_pk=person.pk)
    memberships = person.memberships.select_related("team__unit").order_by("-start_date")
    record_read(actor=request.user, action="person.view", obj=person,
                summary=_("Xem trang của %(name)s") % {"name": person.full_name})
    return render(request, "teams/person.html", {"person": person, "form": form, "memberships": memberships,
                                                 "entries": entries_for(person)[:20]})


@login_required
def members_import(request, pk: int):
    team = _team_or_404(request, pk, check=selectors.can_manage_members)
    errors, rows, warnings = [], None, []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [(0, _("Hãy chọn tệp Excel (.xlsx) hoặc CSV."))]
        else:
            data = upload.read()
            rows, errors = members_import_check(team, data, upload.name, warnings=warnings)
            if not errors and request.POST.get("confirm") == "1":
                try:
                    created = members_import_apply(team, data, upload.name, by=request.user)
                except ValidationError as exc:
                    errors = [(0, message) for message in exc.messages]
                else:
                    messages.success(request, _("Đã nhập %(n)s thành viên.") % {"n": len(created)})
                    for row, note in [(r["row"], n) for r in rows for n in r["notes"]]:
                        messages.warning(request, _("Dòng %(row)s: %(note)s") % {"row": row, "note": note})
                    return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/members_import.html", {"team": team, "errors": errors, "rows": rows,
                                                         "warnings": warnings})


@login_required
def members_template(request, pk: int):
    team = _team_or_404(request, pk, check=selectors.can_manage_members)
    return attachment(member_template_xlsx(commune=team.commune), "mau-danh-sach-thanh-vien.xlsx", XLSX)


@login_required
def members_export(request, pk: int):
    team = _team_or_404(request, pk, check=selectors.can_see_roster)
    return _members_export(request, team.memberships.all(), title=str(team), scope_obj=team,
                           file_stem=slugify(team.unit.name) or "to")


@login_required
def commune_members_export(request, code: str):
    commune = unit_for_user_or_404(request.user, code=code)
    if not commune.is_commune:
        raise Http404
    memberships = Membership.objects.filter(team__commune=commune, team__in=selectors.teams_for_user(request.user))
    return _members_export(request, memberships, title=_("Thành viên các tổ CNSCĐ %(unit)s") % {"unit": commune.name},
                           scope_obj=commune, file_stem=slugify(commune.name) or "xa")


def _members_export(request, memberships, *, title: str, scope_obj, file_stem: str) -> HttpResponse:
    with_ethnic = request.GET.get("dan_toc") == "1" and selectors.can_see_ethnic_group_in(request.user, scope_obj)
    if request.GET.get("all") != "1":
        memberships = memberships.filter(end_date__isnull=True)
    memberships = memberships.select_related("person", "person__home_village", "team__unit")
    content = members_export_xlsx(memberships, include_ethnic_group=with_ethnic, title=title)
    # Exports of personal data are recorded (DESIGN, personal data).
    record_read(actor=request.user, action="members.export", obj=scope_obj, people=[m.person_id for m in memberships],
                province_id=scope_obj.province_id, commune_id=scope_obj.commune_id,
                summary=_("Xuất danh sách thành viên: %(title)s%(ethnic)s") % {
                    "title": title, "ethnic": _(" (có cột dân tộc)") if with_ethnic else ""},
                data={"rows": len(memberships), "ethnic_group": with_ethnic})
    stamp = timezone.localdate().strftime("%Y%m%d")
    return attachment(content, f"thanh-vien-{file_stem}-{stamp}.xlsx", XLSX)


# ---- decisions -------------------------------------------------------------------------------

@login_required
def decision_draft(request, pk: int):
    # The VH-XH office drafts for the chairman ("Xét đề nghị của Phòng Văn hóa và Xã hội").
    team = _team_or_404(request, pk, check=lambda user, t: selectors.can_issue_decisions(user, t)
                        or selectors.can_manage_members(user, t))
    content = establishment_decision(team)
    record_read(actor=request.user, action="decision.draft", obj=team, people=team.memberships.active().values_list(
        "person_id", flat=True), summary=_("Tải dự thảo quyết định thành lập %(team)s (có họ tên, số điện thoại)") % {
        "team": team})
    return attachment(content, f"du-thao-qd-thanh-lap-{slugify(team.unit.name) or 'to'}.docx", DOCX)


def _decision_page(request, team: Team, *, establish: bool):
    chairman = selectors.commune_chairman_name(team.commune)
    form = DecisionForm(_posted(request), request.FILES or None, initial={"signer_name": chairman})
    if request.method == "POST" and form.is_valid():
        service = services.team_establish if establish else services.team_dissolve
        try:
            service(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, (_("Đã ghi quyết định thành lập %(team)s.") if establish
                                       else _("Đã ghi quyết định giải thể %(team)s.")) % {"team": team})
            return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/decision_form.html", {"team": team, "form": form, "establish": establish})


def _member_changes_or_404(request, pk: int):
    team = _team_or_404(request, pk, check=selectors.can_manage_member_decisions)
    if team.status != TeamStatus.ESTABLISHED:
        raise Http404
    return team, selectors.member_changes(team)


@login_required
def members_decision_draft(request, pk: int):
    """The "kiện toàn" decision drafted from the changes since the last decision (plan III.2)."""
    team, changes = _member_changes_or_404(request, pk)
    if not changes:
        raise Http404
    content = members_change_decision(team, changes)
    record_read(actor=request.user, action="decision.draft", obj=team,
                people=[m.person_id for m in (*changes.joins, *changes.leaves)],
                summary=_("Tải dự thảo quyết định kiện toàn %(team)s") % {"team": team})
    return attachment(content, f"du-thao-qd-kien-toan-{slugify(team.unit.name) or 'to'}.docx", DOCX)


@login_required
def members_decision(request, pk: int):
    """Record the signed "kiện toàn" decision: it covers the changes listed on this page."""
    team, changes = _member_changes_or_404(request, pk)
    chairman = selectors.commune_chairman_name(team.commune)
    form = MembersDecisionForm(_posted(request), request.FILES or None, initial={"signer_name": chairman})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_members_decision(
                team=team, joins=[int(v) for v in request.POST.getlist("join") if v.isdigit()],
                leaves=[int(v) for v in request.POST.getlist("leave") if v.isdigit()], by=request.user,
                **form.cleaned_data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "changes_moved":
                messages.error(request, " ".join(exc.messages))
                return redirect("teams:members_decision", pk=team.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi quyết định kiện toàn %(team)s.") % {"team": team})
            return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/members_decision.html", {"team": team, "form": form, "changes": changes})


@login_required
@page_rule("province_admin")
def team_rules(request):
    """The province's team settings (caps, minimum, who approves a village application) and their history."""
    province = units_for_user(request.user).provinces().filter(id__in=scope_for(request.user).province_ids).first()
    if province is None:
        raise Http404
    rules = services.team_rules(province)
    initial = {name: getattr(rules, name) for name in services.RULE_FIELDS}
    form = TeamRulesForm(_posted(request), initial={**initial, "version": rules.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.team_rules_change(province=province, values=data, version=version, by=request.user)
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                messages.error(request, " ".join(exc.messages))
                return redirect("teams:rules")
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu quy định về tổ."))
            return redirect("teams:rules")
    changes = [(change, TeamRules._meta.get_field(change.field).verbose_name,
                services.rule_value_display(change.field, change.old_value),
                services.rule_value_display(change.field, change.new_value))
               for change in rules.changes.select_related("changed_by")[:100]]
    return render(request, "teams/rules.html", {"province": province, "rules": rules, "form": form,
                                                "changes": changes})


@login_required
def team_establish(request, pk: int):
    return _decision_page(request, _team_or_404(request, pk, check=selectors.can_issue_decisions), establish=True)


@login_required
def team_dissolve(request, pk: int):
    return _decision_page(request, _team_or_404(request, pk, check=selectors.can_issue_decisions), establish=False)


@login_required
def decision_file(request, decision_pk: int):
    decision = get_object_or_404(Decision.objects.select_related("team"), pk=decision_pk)
    team = _team_or_404(request, decision.team_id)
    if request.method == "POST":
        if not selectors.can_issue_decisions(request.user, team):
            raise Http404
        upload = request.FILES.get("signed_file")
        try:
            if upload is None:
                raise ValidationError(_("Hãy chọn tệp bản đã ký."))
            services.decision_attach_file(decision=decision, signed_file=check_signed_file(upload), by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã đính kèm bản ký."))
        return redirect("teams:detail", pk=team.pk)
    if not decision.signed_file:
        raise Http404
    return FileResponse(decision.signed_file.open("rb"), as_attachment=False,
                         filename=decision.signed_file.name.rsplit("/", 1)[-1])


# ---- applications ----------------------------------------------------------------------------

@login_required
def application_list(request):
    status = request.GET.get("status", "open")
    applications = selectors.applications_for_user(request.user)
    if status == "open":
        applications = applications.filter(status__in=selectors.OPEN_STATUSES)
    elif status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    to_decide = selectors.applications_to_decide(request.user)
    applications = applications.annotate(people=Count("entries")).order_by("-submitted_at", "-id")
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    return render(request, "teams/application_list.html", {
        "page": page, "status": status, "statuses": ApplicationStatus.choices, "to_decide_count": to_decide.count(),
        "to_decide_ids": set(to_decide.values_list("pk", flat=True)), "params": urlencode({"status": status})})


@login_required
def application_detail(request, application_pk: int):
    application = selectors.application_for_user_or_404(request.user, application_pk)
    team = application.team
    can_decide = selectors.can_decide(request.user, team)
    form = DecideForm(_posted(request))
    if request.method == "POST":
        if not can_decide:
            raise Http404
        action = request.POST.get("action")
        if form.is_valid():
            try:
                if action == "approve":
                    services.application_approve(application=application, by=request.user,
                                                 as_collaborators=form.cleaned_data["as_collaborators"])
                    messages.success(request, _("Đã chấp thuận đơn. Người nộp đơn sẽ được báo."))
                elif action == "reject":
                    services.application_reject(application=application, by=request.user,
                                                reason=form.cleaned_data["answer"])
                    messages.success(request, _("Đã ghi không chấp thuận và báo người nộp đơn."))
                elif action == "info":
                    services.application_request_info(application=application, by=request.user,
                                                      question=form.cleaned_data["answer"])
                    messages.success(request, _("Đã gửi đề nghị bổ sung thông tin."))
                else:
                    raise ValidationError(_("Hãy chọn một quyết định."))
            except ValidationError as exc:
                if getattr(exc, "code", None) != "already_decided":
                    add_service_errors(form, exc)
                else:  # decided meanwhile, perhaps by someone else: say so above the decision shown
                    messages.error(request, " ".join(exc.messages))
                    return redirect("teams:application", application_pk=application.pk)
            else:
                return redirect("teams:application", application_pk=application.pk)
    return render(request, "teams/application_detail.html", {
        "application": application, "team": team, "entries": application.entries.select_related("home_village"),
        "can_decide": can_decide and application.is_open, "form": form,
        "notifications": notifications_about(application), "team_full": _team_is_full(team),
        # Applicants' phones and e-mail go to whoever decides and to the offices above, not to every
        # member of the team (as in the API).
        "shows_contact": can_decide or access_for(request.user).oversight,
    })


def _team_is_full(team: Team) -> bool:
    return team.memberships.active().counted().count() >= services.team_cap(team)


@login_required
def application_record(request, pk: int):
    """An officer or the approver records a paper application for one person."""
    team = _team_or_404(request, pk, check=selectors.can_record_paper_application)
    form = PersonForm(request.POST or None, commune=team.commune)
    key = request.POST.get("submission_key") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit_join(
                team=team, entries=[data], contact_name=data["full_name"], contact_phone=data["phone"],
                contact_email=data.get("email", ""), channel=ApplicationChannel.PAPER, submission_key=key,
                message=request.POST.get("message", "")[:2000], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi đơn của %(name)s.") % {"name": application.contact_name})
            return redirect("teams:application", application_pk=application.pk)
    return render(request, "teams/application_record.html", {"team": team, "form": form, "submission_key": key})


@login_required
def leave_request(request, pk: int, membership_pk: int):
    """A member asks to leave (or an officer records a member's paper request)."""
    team = _team_or_404(request, pk)
    membership = _membership_or_404(request, team, membership_pk)
    own = membership.person.user_id == request.user.pk
    if not own and not selectors.can_record_paper_application(request.user, team):
        raise Http404
    key = request.POST.get("submission_key") or uuid.uuid4().hex
    error = ""
    if request.method == "POST":
        try:
            application = services.application_submit_leave(
                membership=membership, message=request.POST.get("message", "")[:2000], submission_key=key,
                channel=ApplicationChannel.MEMBER if own else ApplicationChannel.PAPER, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Đã gửi đơn xin ra khỏi tổ; người duyệt sẽ xem xét."))
            return redirect("teams:application", application_pk=application.pk)
    return render(request, "teams/leave_request.html", {"team": team, "membership": membership,
                                                        "submission_key": key, "error": error, "own": own,
                                                        "kind": ApplicationKind.LEAVE})



PHONE_SHARING = {"leaders": (False, False), "team": (True, False), "public": (True, True)}


@login_required
def my_phone(request):
    """A member chooses who sees his phone: only the leader, the deputy and the offices; his
    teammates too; or citizens as well, on the team's public page."""
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404
    current = "public" if person.phone_public else "team" if person.phone_shared_with_team else "leaders"
    form = PhoneSharingForm(_posted(request), initial={"share": current})
    if request.method == "POST":
        if "share" not in request.POST and request.POST.get("public") in ("0", "1"):
            # The one-tap form: show to citizens, or stop (his teammates keep seeing it).
            services.person_phone_public_set(person=person, public=request.POST["public"] == "1", by=request.user)
            messages.success(request, _("Đã lưu lựa chọn của bạn."))
            return redirect("teams:my_phone")
        if form.is_valid():
            team_sees, public = PHONE_SHARING[form.cleaned_data["share"]]
            services.person_phone_sharing_set(person=person, team=team_sees, public=public, by=request.user)
            messages.success(request, _("Đã lưu lựa chọn của bạn."))
            return redirect("teams:my_phone")
    team = Team.objects.filter(memberships__person=person, memberships__end_date__isnull=True).first()
    return render(request, "teams/my_phone.html", {"person": person, "team": team, "form": form})
