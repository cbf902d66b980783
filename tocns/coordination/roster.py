"""Who is in a commune's coordination group, read live from accounts, roles, teams and partners.

One person appears once, with every role they hold in the group; a person is known by their
account ("u<id>") or, for a team leader without one, by their member record ("p<id>"). The same
keys are stored in a snapshot when the Zalo group is brought up to date, so the page can say who
has joined the roster since (to add to the Zalo group) and who has left it (to remove)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tocns.accounts.models import Assignment, Role
from tocns.geo.models import AdminUnit
from tocns.lib.phone import format_phone
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership
from tocns.training.models import Partner

SECTIONS = (
    ("leaders", gettext_lazy("Lãnh đạo UBND xã")),
    ("office", gettext_lazy("Phòng Văn hóa - Xã hội")),
    ("province", gettext_lazy("Sở Khoa học và Công nghệ (phòng Chuyển đổi số)")),
    ("teams", gettext_lazy("Tổ trưởng các Tổ công nghệ số cộng đồng")),
    ("partners", gettext_lazy("Doanh nghiệp bưu chính, viễn thông")),
)


@dataclass
class Seat:
    """One role one person holds in the group."""

    section: str
    role: str
    unit: str


@dataclass
class Person:
    key: str
    name: str
    phone: str  # normalized, for tel:
    seats: list[Seat] = field(default_factory=list)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone) if self.phone else ""

    @property
    def roles(self) -> list[str]:
        return [f"{seat.role} – {seat.unit}" for seat in self.seats]


@dataclass
class Roster:
    commune: AdminUnit
    people: dict = field(default_factory=dict)  # key -> Person, in the order first met
    partners_without_accounts: list = field(default_factory=list)

    def seat(self, key: str, name: str, phone: str, seat: Seat) -> None:
        person = self.people.get(key)
        if person is None:
            person = self.people[key] = Person(key=key, name=name, phone=phone or "")
        elif not person.phone and phone:
            person.phone = phone
        person.seats.append(seat)

    def sections(self) -> list[tuple[str, list[tuple[Person, Seat]]]]:
        """For the page: each section with its people (a person with two roles shows in both)."""
        out = []
        for code, label in SECTIONS:
            rows = [(person, seat) for person in self.people.values() for seat in person.seats if seat.section == code]
            out.append((str(label), rows))
        return out

    def snapshot(self) -> list[dict]:
        return [{"key": p.key, "name": p.name, "phone": p.phone, "roles": p.roles} for p in self.people.values()]


def roster_for(commune: AdminUnit) -> Roster:
    """The group as it is now (five queries)."""
    roster = Roster(commune)
    commune_name = commune.name
    assignments = (Assignment.objects.active().filter(user__is_active=True)
                   .filter(role__in=[Role.COMMUNE_CHAIRMAN, Role.COMMUNE_OFFICER], unit=commune)
                   .select_related("user").order_by("role", "user__full_name_folded"))
    for a in assignments:
        section = "leaders" if a.role == Role.COMMUNE_CHAIRMAN else "office"
        roster.seat(f"u{a.user_id}", a.user.full_name, a.user.phone,
                    Seat(section, a.get_role_display(), commune_name))
    admins = (Assignment.objects.active().filter(user__is_active=True, role=Role.PROVINCE_ADMIN,
                                                 unit_id=commune.province_id)
              .select_related("user", "unit").order_by("user__full_name_folded"))
    for a in admins:
        roster.seat(f"u{a.user_id}", a.user.full_name, a.user.phone,
                    Seat("province", _("Phòng Chuyển đổi số, Sở KH&CN"), a.unit.name))
    leaders = (Membership.objects.active().filter(role=MemberRole.LEADER, team__commune=commune)
               .exclude(team__status=TeamStatus.DISSOLVED)
               .select_related("person", "person__user", "team__unit").order_by("team__unit__name_folded"))
    for m in leaders:
        person = m.person
        key = f"u{person.user_id}" if person.user_id else f"p{person.pk}"
        phone = person.phone or (person.user.phone if person.user_id else "")
        roster.seat(key, person.full_name, phone, Seat("teams", _("Tổ trưởng"), _("Tổ CNSCĐ %(unit)s") % {
            "unit": m.team.unit.name}))
    partners = (Partner.objects.filter(province_id=commune.province_id, communes=commune)
                .prefetch_related("users").order_by("name"))
    for partner in partners:
        users = [u for u in partner.users.all() if u.is_active]
        if not users:
            roster.partners_without_accounts.append(partner)
        for user in sorted(users, key=lambda u: u.full_name_folded):
            roster.seat(f"u{user.pk}", user.full_name, user.phone, Seat("partners", _("Doanh nghiệp"), partner.name))
    return roster


@dataclass
class Changes:
    to_add: list  # Person, in the roster now, not in the snapshot
    to_remove: list  # dicts from the snapshot, no longer in the roster

    @property
    def count(self) -> int:
        return len(self.to_add) + len(self.to_remove)


def changes_since(roster: Roster, snapshot) -> Changes | None:
    """Who joined and who left the roster since the snapshot; None when there is no snapshot yet."""
    if snapshot is None:
        return None
    before = {entry["key"]: entry for entry in snapshot.members}
    return Changes(to_add=[p for key, p in roster.people.items() if key not in before],
                   to_remove=[entry for key, entry in before.items() if key not in roster.people])
