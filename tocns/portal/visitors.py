"""The visitor's home page (no sign-in): find the team of your village, typed with or without
diacritics, and how to reach it; the guides, the join form and the feedback form. Members show
only their given name, and their phone only if they chose to."""

from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from tocns.fieldwork.models import Guide
from tocns.geo.models import AdminUnit, UnitKind
from tocns.geo.selectors import portal_links
from tocns.lib.phone import format_phone
from tocns.lib.security import sender_hash
from tocns.lib.text import fold
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership, Team

from .models import ReadKind
from .selectors import ProvinceChoice, province_choice, province_figures
from .throttle import limit_public_reads, public_read, too_many_reads
from .views import _live_team_or_404

PREFIXES = ("xa ", "phuong ", "dac khu ", "thon ", "ban ", "to dan pho ", "to ", "khu ", "xom ")


def find_units(query: str, choice: ProvinceChoice | None = None) -> list[AdminUnit]:
    """Communes and villages of the chosen province (or of every province) whose name holds what was typed."""
    folded = fold(query)
    for prefix in PREFIXES:
        folded = folded.removeprefix(prefix)
    if not folded:
        return []
    choice = choice or province_choice()
    units = choice.filter(AdminUnit.objects.active()).exclude(kind=UnitKind.PROVINCE)
    return list(units.filter(Q(name_folded__contains=folded) | Q(code=query.strip()))
                .select_related("commune", "province").order_by("kind", "name_folded")[:40])


def visitor_home(request):
    query = request.GET.get("q", "").strip()
    if query and (retry_at := public_read(sender=sender_hash(request), kind=ReadKind.SEARCH)):
        return too_many_reads(request, retry_at)
    choice = province_choice(request.GET.get("tinh"))
    found = find_units(query, choice) if query else []
    teams = {t.unit_id: t for t in Team.objects.filter(unit__in=found).exclude(status=TeamStatus.DISSOLVED)}
    rows = [(unit, teams.get(unit.pk)) for unit in found]
    return render(request, "portal/home.html", {
        "query": query, "rows": rows, "choice": choice, "figures": province_figures(choice.chosen),
        "portal_links": portal_links(choice.chosen),
        "guides": Guide.objects.for_province(choice.chosen).filter(is_published=True).order_by("-updated_at")[:5]})


def given_name(full_name: str) -> str:
    """What a villager calls a member: the last word of the name ("Giàng Seo Chứ" → "Chứ")."""
    parts = full_name.split()
    return parts[-1] if parts else ""


ROLE_ORDER = {MemberRole.LEADER: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2, MemberRole.COLLABORATOR: 3}


@limit_public_reads(ReadKind.TEAM)
def team_public(request, team_slug: str):
    team = _live_team_or_404(team_slug)
    people = []
    for membership in (Membership.objects.active().filter(team=team).select_related("person")):
        person = membership.person
        public = person.phone_public  # the member's own choice; nothing of the phone otherwise
        people.append({"name": given_name(person.full_name), "role": membership.get_role_display(),
                       "order": ROLE_ORDER.get(membership.role, 9),
                       "phone": format_phone(person.phone) if public else "",
                       "tel": (person.phone or "") if public else "",
                       "zalo": (person.zalo_phone or person.phone or "") if public else ""})
    people.sort(key=lambda p: (p["order"], p["name"]))
    return render(request, "portal/team.html", {
        "team": team, "people": people, "guides_province": province_choice(team.province.code).code,
        "title": _("Tổ công nghệ số cộng đồng %(unit)s") % {"unit": team.unit.name}})
