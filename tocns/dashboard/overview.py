"""The overview of a unit (the province, a commune or a village) for those whose scope covers it:
teams against units, members by occupation, gender, age band and ethnic group, trained members,
field activity by month and pillar (from the monthly tallies), monthly report completeness, and
feedback; then the same key figures for each unit below it, to drill down and to rank.

Each figure is one grouped query over the unit's area; field activity reads
`fieldwork.ActivityTally`, kept in step with the activities (see fieldwork/tallies.py)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tocns.fieldwork.households import household_shares
from tocns.fieldwork.models import ActivityTally, Feedback, FeedbackStatus, ServicePillar
from tocns.geo.models import AdminUnit
from tocns.reports.choices import ReportStatus
from tocns.reports.models import Report
from tocns.teams.choices import ETHNIC_GROUP_CHOICES, Gender, Occupation, TeamStatus
from tocns.teams.models import Membership, Person, Team
from tocns.training.models import Attendance
from tocns.training.selectors import proficient_per_topic

MONTHS = 12
VILLAGE_FORM = "THANG-THON"
AGE_BANDS = [(0, 29, gettext_lazy("dưới 30")), (30, 45, gettext_lazy("30–45")), (46, 60, gettext_lazy("46–60")),
             (61, 200, gettext_lazy("trên 60"))]


@dataclass
class Bar:
    label: str
    value: float
    share: float = 0.0  # of the largest bar, 0–100, for the chart's width


def bars(rows: list[tuple[str, float]]) -> list[Bar]:
    top = max((value for _label, value in rows), default=0) or 1
    return [Bar(label, value, round(100 * value / top, 1)) for label, value in rows]


@dataclass
class Overview:
    unit: AdminUnit
    teams: dict = field(default_factory=dict)
    members: int = 0
    trained: int = 0
    by_occupation: list = field(default_factory=list)
    by_gender: list = field(default_factory=list)
    by_age: list = field(default_factory=list)
    by_ethnic_group: list = field(default_factory=list)
    months: list = field(default_factory=list)  # [(month, activities, people)]
    by_pillar: list = field(default_factory=list)
    reports: list = field(default_factory=list)  # [(period key, submitted, on time, expected)]
    feedback_open: int = 0
    feedback_overdue: int = 0
    children: list = field(default_factory=list)  # one row of key figures per unit below
    team_members: list = field(default_factory=list)  # a village: its team's members and their trainings
    households: object = None  # fieldwork.households.HouseholdShare: households reached against the figures
    proficient: list = field(default_factory=list)  # bars: members proficient per topic
    latest_report: Report | None = None  # a village: its team's latest monthly report


def _area(unit: AdminUnit, prefix: str = "") -> Q:
    """Rows of the unit's area, for models that store province, commune and unit."""
    if unit.is_province:
        return Q(**{f"{prefix}province": unit})
    if unit.is_commune:
        return Q(**{f"{prefix}commune": unit})
    return Q(**{f"{prefix}unit": unit})


def _month_starts(today: date, count: int) -> list[date]:
    months, year, month = [], today.year, today.month
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def overview_of(unit: AdminUnit) -> Overview:
    today = timezone.localdate()
    result = Overview(unit=unit)
    live = Team.objects.filter(_area(unit)).exclude(status=TeamStatus.DISSOLVED)
    established = live.filter(status=TeamStatus.ESTABLISHED)
    below = AdminUnit.objects.active().filter(Q(province=unit) if unit.is_province else Q(parent=unit))
    communes = below.communes() if unit.is_province else AdminUnit.objects.none()
    villages = AdminUnit.objects.active().villages().filter(
        Q(province=unit) if unit.is_province else Q(parent=unit) if unit.is_commune else Q(pk=unit.pk))
    result.teams = {
        "communes": communes.count(), "communes_with_team": established.filter(unit__in=communes).count(),
        "villages": villages.count(), "villages_with_team": established.filter(unit__in=villages).count(),
        "established": established.count(), "proposed": live.filter(status=TeamStatus.PROPOSED).count()}

    members = Membership.objects.active().filter(_area(unit, "team__")).exclude(
        team__status=TeamStatus.DISSOLVED)
    # order_by(): Membership's default ordering would enter the DISTINCT and count a person in two teams twice.
    people = members.order_by().values("person_id").distinct()
    result.members = people.count()
    result.trained = Attendance.objects.filter(present=True, person_id__in=people).values("person_id").distinct()\
        .count()
    # Each person once, counted in the database by the four traits the charts show (a few hundred
    # groups rather than a row per member).
    rows = list(Person.objects.filter(pk__in=people).order_by().values(
        "occupation", "gender", "birth_year", "ethnic_group").annotate(n=Count("pk")))
    occupation = dict(Occupation.choices)
    result.by_occupation = bars(_counted(rows, "occupation", occupation))
    result.by_gender = bars(_counted(rows, "gender", dict(Gender.choices)))
    result.by_age = bars([(label, sum(r["n"] for r in rows if r["birth_year"]
                                      and low <= today.year - r["birth_year"] <= high))
                          for low, high, label in AGE_BANDS]
                         + [(_("chưa ghi"), sum(r["n"] for r in rows if not r["birth_year"]))])
    ethnic = _counted(rows, "ethnic_group", dict(ETHNIC_GROUP_CHOICES))
    result.by_ethnic_group = bars(ethnic[:8] + ([(_("dân tộc khác"), sum(v for _l, v in ethnic[8:]))]
                                                if len(ethnic) > 8 else []))

    starts = _month_starts(today, MONTHS)
    tallies = ActivityTally.objects.filter(_area(unit), month__gte=starts[0])
    per_month = {row["month"]: row for row in tallies.filter(pillar="all").values("month").annotate(
        n=Sum("activities"), p=Sum("people"))}
    result.months = [(month, per_month.get(month, {}).get("n") or 0, per_month.get(month, {}).get("p") or 0)
                     for month in starts]
    pillars = dict(tallies.exclude(pillar="all").values("pillar").annotate(p=Sum("people")).values_list(
        "pillar", "p"))
    result.by_pillar = bars([(label, pillars.get(value) or 0) for value, label in ServicePillar.choices])

    expected = established.filter(unit__in=villages).count()
    keys = [f"{m:%Y-%m}" for m in starts[-7:-1]]  # the last six months that have ended
    sent = {row["period_key"]: row for row in Report.objects.filter(
        _area(unit), form__code=VILLAGE_FORM, period_key__in=keys).exclude(status=ReportStatus.DRAFT)
        .values("period_key").annotate(n=Count("id"), on_time=Count("id", filter=Q(on_time=True)))}
    result.reports = [(key, sent.get(key, {}).get("n", 0), sent.get(key, {}).get("on_time", 0), expected)
                      for key in keys]

    feedback = Feedback.objects.filter(_area(unit)).filter(
        status__in=[FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED])
    result.feedback_open = feedback.count()
    result.feedback_overdue = feedback.filter(answer_due_on__lt=today).count()
    if not unit.is_village:
        result.children = children_of(unit, starts[0])
    else:
        trainings = dict(Attendance.objects.filter(present=True, person_id__in=people).values("person_id")
                         .annotate(n=Count("session__course__topic", distinct=True)).values_list("person_id", "n"))
        result.latest_report = Report.objects.filter(unit=unit, form__code=VILLAGE_FORM).order_by(
            "-period_start").first()
        result.team_members = [(m.person.full_name, m.get_role_display(), trainings.get(m.person_id, 0))
                               for m in members.select_related("person").order_by("role", "person__full_name_folded")]
    result.households, by_child = household_shares(unit, today=today)
    for row in result.children:
        row["households"] = by_child.get(row["unit"].pk)
    result.proficient = bars(proficient_per_topic(people, unit.province_id))
    return result


def _counted(rows: list[dict], key: str, labels: dict) -> list[tuple[str, int]]:
    """(label, people) by `key`, largest first, the blank ones last; each row holds its count in "n"."""
    counts: dict = {}
    for row in rows:
        counts[row[key] or ""] = counts.get(row[key] or "", 0) + row["n"]
    named = sorted(((labels.get(k, k), n) for k, n in counts.items() if k), key=lambda item: -item[1])
    return named + ([(_("chưa ghi"), counts[""])] if counts.get("") else [])


def children_of(unit: AdminUnit, since: date) -> list[dict]:
    """Key figures of each commune of the province, or each village of the commune."""
    level = "commune" if unit.is_province else "unit"
    below = list(AdminUnit.objects.active().filter(
        Q(parent=unit) & (Q(kind__in=("xa", "phuong", "dac_khu")) if unit.is_province else Q()))
        .order_by("name_folded").only("pk", "code", "name", "kind"))
    team_field = "commune_id" if unit.is_province else "unit_id"
    teams = dict(Team.objects.filter(_area(unit), status=TeamStatus.ESTABLISHED).values(team_field)
                 .annotate(n=Count("id")).values_list(team_field, "n"))
    members = dict(Membership.objects.active().filter(_area(unit, "team__")).exclude(
        team__status=TeamStatus.DISSOLVED).values(f"team__{team_field}").annotate(
        n=Count("person", distinct=True)).values_list(f"team__{team_field}", "n"))
    trained = dict(Membership.objects.active().filter(_area(unit, "team__"), person__attendance__present=True)
                   .values(f"team__{team_field}").annotate(n=Count("person", distinct=True))
                   .values_list(f"team__{team_field}", "n"))
    activity = {row[f"{level}_id"]: row for row in ActivityTally.objects.filter(
        _area(unit), month__gte=since, pillar="all").values(f"{level}_id").annotate(
        n=Sum("activities"), p=Sum("people"))}
    keys = [f"{m:%Y-%m}" for m in _month_starts(timezone.localdate(), 7)[:-1]]  # six months that have ended
    sent = dict(Report.objects.filter(_area(unit), form__code=VILLAGE_FORM, period_key__in=keys).exclude(
        status=ReportStatus.DRAFT).values(f"{level}_id").annotate(n=Count("id")).values_list(f"{level}_id", "n"))
    village_teams = dict(Team.objects.filter(_area(unit), status=TeamStatus.ESTABLISHED,
                                             unit__kind__in=("thon", "to_dan_pho")).values(team_field)
                         .annotate(n=Count("id")).values_list(team_field, "n"))
    feedback = dict(Feedback.objects.filter(_area(unit), status__in=[
        FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED]).values(f"{level}_id").annotate(n=Count("id"))
        .values_list(f"{level}_id", "n"))
    rows = []
    for child in below:
        n_members = members.get(child.pk, 0)
        rows.append({"unit": child, "teams": teams.get(child.pk, 0), "members": n_members,
                     "trained": trained.get(child.pk, 0),
                     "trained_share": round(100 * trained.get(child.pk, 0) / n_members) if n_members else 0,
                     "activities": (activity.get(child.pk) or {}).get("n") or 0,
                     "people": (activity.get(child.pk) or {}).get("p") or 0, "feedback": feedback.get(child.pk, 0),
                     # monthly reports sent over the six months that have ended, of those owed
                     "reports_share": round(100 * sent.get(child.pk, 0) / (6 * village_teams[child.pk]))
                     if village_teams.get(child.pk) else 0})
    return rows


RANKINGS = {"reports_share": gettext_lazy("tỷ lệ báo cáo tháng đã gửi"), "activities": gettext_lazy("số hoạt động"),
            "people": gettext_lazy("số người được hỗ trợ"),
            "trained_share": gettext_lazy("tỷ lệ thành viên đã tập huấn"), "members": gettext_lazy("số thành viên"),
            "feedback": gettext_lazy("ý kiến đang xử lý")}
