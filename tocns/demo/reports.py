"""Demo reports: a year of monthly team reports, the communes' quarterly reports and this year's
targets, for the demo teams that seed_demo builds (reports marked `is_demo`; targets have no such mark).

The months are the twelve before the current one (three at `--size small`, which the tests use;
twenty-four at `--size province`, for the benchmark), counted back from today's date, so the demo
always shows a recent year; a run next month adds that month. Each (team, month) draws from a
generator seeded with the unit's code and the period, so a report is the same whichever run or size
makes it, and a report that exists (natural key: form, unit and period_start, or period_key) is
left alone: a second run adds nothing.

The rows are written with bulk_create (the services take tens of milliseconds a report: a quarter
of an hour for 30,000) but obey the services' rules: a team reports only in months it served;
on_time is the first submission's local date against due_on; a draft has no submission; a returned
or accepted report names the commune's VH-XH officer who reviewed it, after it was sent and before
now; the history (ReportEvent) runs created → [saved] → submitted → [returned → submitted] →
[accepted] with the version raised by every save; values are whole, within the indicator's bounds,
a count never above its base (HTxx.SO ≤ HTxx.TONG), and a figure above the unit's usual level
carries the comment the form would ask for. Unlike the form, which writes a row for every line,
only the lines a team filled (and a few it left empty) get a ReportValue row.
"""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from tocns.accounts.models import Assignment, Role, User
from tocns.geo.models import AdminUnit, UnitKind
from tocns.reports.choices import Aggregation, Level, PeriodType, ReportAction, ReportStatus
from tocns.reports.models import Indicator, Report, ReportEvent, ReportForm, ReportValue, Target
from tocns.reports.periods import Period, due_date, month_period, quarter_period
from tocns.reports.services import form_indicators
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership, Team

MONTHS = {"small": 3, "default": 12, "province": 24}  # small: for the tests, kept quick
FLUSH_AT = 4000  # reports held in memory before they, their values and events are written
USUAL_REPORTS, USUAL_MIN = 6, 3  # as services.usual_values: the last six counted reports, from three on

# A village team's usual monthly figure is drawn once per team between `low` and `high`; a month's
# figure varies around it, within [floor, cap]; `share` is how often a team fills the line in.
# Commune teams (the whole commune centre, officials, teachers, post office) do about three times more.
_LINES = {
    #        low   high  floor cap  share
    "TT01": (0.6, 2.5, 0, 4, 0.85),      # buổi tuyên truyền
    "TT02": (20, 70, 10, 120, 0.85),     # người được tuyên truyền
    "TT03": (2, 12, 0, 30, 0.45),        # Bình dân học vụ số
    "CQ01": (3, 12, 0, 25, 0.85),        # VNeID mức 2
    "CQ02": (2, 9, 0, 20, 0.75),         # hồ sơ dịch vụ công
    "CQ03": (1, 7, 0, 15, 0.5),
    "CQ04": (0.2, 2, 0, 5, 0.35),
    "KT01": (0.2, 1.2, 0, 3, 0.4),
    "KT02": (0.1, 1.2, 0, 3, 0.35),      # sản phẩm OCOP lên sàn
    "KT03": (2, 9, 0, 20, 0.7),
    "KT04": (0.3, 2.5, 0, 6, 0.4),
    "KT05": (0.3, 2, 0, 5, 0.35),
    "XH01": (2, 9, 0, 20, 0.7),
    "XH02": (0.5, 4, 0, 10, 0.4),
    "XH03": (1, 6, 0, 15, 0.5),
    "XH04": (2, 10, 0, 25, 0.5),
    "TO01": (0.6, 3, 0, 6, 0.55),        # thành viên được tập huấn
}
COMMUNE_FACTOR = 3
EMPTY_SHARE = 0.06  # of the lines not filled in, how many still get a row with no value (left empty)
# Tết in February, rain and harvest from August to October: less work with the villagers.
_SEASON = {1: 1.0, 2: 0.6, 3: 1.0, 4: 1.05, 5: 1.1, 6: 1.0, 7: 0.95, 8: 0.85, 9: 0.85, 10: 0.9, 11: 1.1, 12: 1.1}
TARGET_CODES = ("TT01", "TT02", "CQ01", "CQ02", "KT01", "KT02", "KT03", "XH01")

# Reporting habits: most teams are reliable, a few chronically late or silent.
_HABITS = {0.5: 30, 1.0: 55, 2.5: 15}
_MEAN_HABIT = sum(k * v for k, v in _HABITS.items()) / sum(_HABITS.values())
NONE_SHARE, DRAFT_SHARE, LATE_SHARE, RETURNED_SHARE = 0.04, 0.04, 0.12, 0.05
# Share of submitted reports the officer has accepted, by the month's age (1: last month).
_ACCEPTED_BY_AGE = {1: 0.45, 2: 0.85}
ACCEPTED_OLDER = 0.96
BY_OFFICER_SHARE = 0.12  # sent by Zalo and typed in by the commune office

_HAMLET_A = ["Khuổi", "Nặm", "Lũng", "Pù", "Phìn", "Sủng", "Cốc", "Khau", "Lao", "Séo"]
_HAMLET_B = ["Tát", "Cáng", "Hồ", "Chải", "Mò", "Lầu", "Pả", "Chư", "Vải", "Thàng"]

_RESULTS = [
    "Phối hợp với Công an xã hướng dẫn {n} người dân kích hoạt tài khoản định danh điện tử mức 2 tại nhà văn hóa "
    "{village}.",
    "Tổ chức {k} buổi tuyên truyền lồng ghép trong họp {village} về nhận diện lừa đảo qua mạng và bảo vệ tài khoản.",
    "Đi từng nhà hướng dẫn người cao tuổi mở tài khoản ngân hàng để nhận lương hưu, trợ cấp không dùng tiền mặt.",
    "Hỗ trợ bà con cài đặt ứng dụng VssID, tra cứu thẻ bảo hiểm y tế trên điện thoại.",
    "Giúp hợp tác xã đưa chè Shan tuyết và mật ong bạc hà lên sàn thương mại điện tử, chụp ảnh sản phẩm.",
    "Hướng dẫn các hộ bán hàng tạp hóa trong thôn dùng mã QR để nhận tiền.",
    "Hướng dẫn phụ huynh đăng ký tuyển sinh đầu cấp trực tuyến cho con.",
    "Hỗ trợ {n} hồ sơ đăng ký khai sinh, thường trú trên Cổng dịch vụ công quốc gia.",
    "Thành viên tổ tham gia lớp tập huấn kỹ năng số do xã tổ chức, về hướng dẫn lại cho bà con.",
    "Lập nhóm Zalo của thôn để thông báo lịch hỗ trợ và cảnh báo mưa lũ, sạt lở.",
    "Hướng dẫn bà con dùng Sổ sức khỏe điện tử và đặt lịch khám tại trạm y tế xã.",
    "Tuyên truyền tại phiên chợ {commune} về thanh toán không dùng tiền mặt.",
]
_DIFFICULTIES_MOUNTAIN = [
    "Sóng 4G yếu ở các xóm trên cao như {hamlet}, bà con phải xuống trung tâm thôn mới cài đặt được ứng dụng.",
    "Nhiều người cao tuổi không có điện thoại thông minh, chỉ dùng điện thoại bàn phím.",
    "Thiếu tài liệu hướng dẫn bằng tiếng Mông và tiếng Dao, tổ phải vừa hướng dẫn vừa phiên dịch.",
    "Đường vào {hamlet} đi lại khó khăn vào mùa mưa, có đoạn sạt lở, tổ chưa đến được hết các hộ.",
    "Mất điện nhiều ngày, bà con không sạc được điện thoại, bộ phát wifi ở nhà văn hóa không dùng được.",
    "Nhiều thanh niên đi làm ăn xa, ở nhà chủ yếu người già và trẻ nhỏ nên khó hướng dẫn.",
]
_DIFFICULTIES_COMMON = [
    "Người cao tuổi không có điện thoại thông minh hoặc con cháu đi làm xa, không có người giúp.",
    "Bà con còn e ngại nhập thông tin cá nhân lên điện thoại vì sợ bị lừa đảo.",
    "Nhiều người quên mật khẩu VNeID, phải làm lại nhiều lần.",
    "Tổ chưa có kinh phí hoạt động, thành viên tự bỏ tiền xăng xe, tiền cước điện thoại.",
    "Thành viên tổ bận việc đồng áng, thời gian hỗ trợ bà con chủ yếu vào buổi tối.",
    "Một số hộ kinh doanh nhỏ chưa quen thanh toán bằng mã QR, ngại mất phí.",
]
_PROPOSALS = [
    "Đề nghị nhà mạng tăng cường vùng phủ sóng 4G cho các xóm trên cao.",
    "Đề nghị tỉnh biên soạn tài liệu, video hướng dẫn bằng tiếng Mông, tiếng Dao.",
    "Đề nghị xã mở thêm lớp tập huấn về dịch vụ công trực tuyến cho thành viên tổ.",
    "Đề xuất hỗ trợ kinh phí hằng tháng cho tổ (cước điện thoại, xăng xe).",
    "Đề nghị doanh nghiệp viễn thông hỗ trợ điện thoại thông minh giá rẻ cho hộ nghèo, người cao tuổi.",
    "Đề nghị có số điện thoại hỗ trợ để tổ hỏi khi gặp lỗi trên Cổng dịch vụ công.",
    "Đề nghị trang bị bộ phát wifi cho nhà văn hóa thôn.",
]
_RETURN_COMMENTS = [
    "Số người được tuyên truyền chưa khớp với biên bản các buổi họp thôn, đề nghị tổ kiểm tra lại.",
    "Thiếu số hồ sơ dịch vụ công đã hỗ trợ trong tháng, đề nghị bổ sung.",
    "Số người kích hoạt VNeID mức 2 cao hơn nhiều so với danh sách Công an xã gửi, đề nghị rà soát.",
    "Đề nghị ghi rõ khó khăn, vướng mắc để xã tổng hợp báo cáo tỉnh.",
    "Số thành viên được tập huấn lớn hơn số thành viên của tổ, đề nghị sửa lại.",
]
_QUARTER_RETURN_COMMENTS = [
    "Số liệu hạ tầng số chưa khớp với số liệu nhà mạng cung cấp, đề nghị xã rà soát.",
    "Đề nghị bổ sung phần đề xuất, kiến nghị để tỉnh tổng hợp.",
]
_ACCEPT_COMMENTS = ["Đã tiếp nhận.", "Số liệu đầy đủ.", "Tổ làm tốt, tiếp tục phát huy."]
_SPIKE_COMMENTS = {
    "TT02": "Tuyên truyền lồng ghép tại phiên chợ và ngày hội của xã.",
    "CQ01": "Công an xã về thôn làm định danh điện tử lưu động, tổ hỗ trợ bà con kích hoạt.",
    "CQ02": "Đợt cao điểm làm hồ sơ cấp đổi giấy tờ, tổ hỗ trợ nộp trực tuyến.",
    "XH02": "Đầu năm học, hướng dẫn phụ huynh tuyển sinh trực tuyến.",
    "KT03": "Ngân hàng chính sách về thôn mở tài khoản cho các hộ vay vốn.",
}
_USUAL_COMMENT = "Tháng này tổ đi hỗ trợ tập trung theo kế hoạch của xã."


@dataclass
class ReportSeed:
    reports: int = 0     # monthly team reports
    quarterly: int = 0   # communes' quarterly reports
    values: int = 0
    events: int = 0
    targets: int = 0
    months: list = field(default_factory=list)  # period keys, oldest first


def demo_months(today: date, count: int) -> list[tuple[int, int]]:
    """The `count` months before today's, oldest first."""
    year, month, out = today.year, today.month, []
    for _n in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append((year, month))
    return out[::-1]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _served(team: Team, period: Period) -> bool:
    """As services._team_served_during."""
    if team.status == TeamStatus.PROPOSED or team.established_on is None:
        return False
    return team.established_on <= period.end and (team.dissolved_on is None or team.dissolved_on >= period.start)


@contextmanager
def _dates_as_given():
    """bulk_create would stamp now() on auto_now fields; the demo's history has its own dates."""
    fields = [Report._meta.get_field("created_at"), Report._meta.get_field("updated_at"),
              ReportEvent._meta.get_field("at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class _Profile:
    """A team's habits and usual figures, the same every run."""

    habit: float
    levels: dict        # code -> usual monthly figure
    shares: dict        # code -> how often the line is filled in
    stock: dict | None  # commune teams: HT base figures


def _profile(unit: AdminUnit) -> _Profile:
    rng = random.Random(f"report-profile-{unit.code}")
    factor = COMMUNE_FACTOR if unit.is_commune else 1
    activity = rng.uniform(0.6, 1.3)
    levels, shares = {}, {}
    for code, (low, high, _floor, _cap, share) in _LINES.items():
        levels[code] = rng.uniform(low, high) * factor * activity
        shares[code] = min(0.97, share * rng.uniform(0.7, 1.3))
    stock = None
    if unit.is_commune:
        people = rng.randint(4500, 16000) if unit.kind != UnitKind.PHUONG else rng.randint(9000, 25000)
        stock = {
            "adults": people * rng.uniform(0.64, 0.70), "over15": people * rng.uniform(0.72, 0.78),
            "households": people / rng.uniform(4.2, 5.0), "dossiers": rng.uniform(30, 110),
            # share at January 2024 and its monthly gain
            "HT01": (rng.uniform(0.45, 0.65), rng.uniform(0.004, 0.009)),
            "HT02": (rng.uniform(0.20, 0.45), rng.uniform(0.005, 0.012)),
            "HT03": (rng.uniform(0.30, 0.55), rng.uniform(0.005, 0.010)),
            "HT04": (rng.uniform(0.35, 0.60), rng.uniform(0.008, 0.015)),
            "HT05": (rng.uniform(0.25, 0.45), rng.uniform(0.004, 0.010)),
            "growth": rng.uniform(0.0003, 0.0012),  # population, a month
        }
    return _Profile(habit=_weighted(rng, _HABITS), levels=levels, shares=shares, stock=stock)


def _stock(profile: _Profile, period: Period) -> dict[str, int]:
    """HTxx.SO and HTxx.TONG at the end of the month: bases grow slowly, shares a little faster;
    the dossier count is the year's running total."""
    s = profile.stock
    k = (period.year - 2024) * 12 + period.number - 1  # months since January 2024
    grow = 1 + s["growth"] * k
    bases = {"HT01": s["adults"] * grow, "HT02": s["households"] * grow, "HT03": s["over15"] * grow,
             "HT04": s["adults"] * grow, "HT05": s["dossiers"] * period.number * (1 + 0.02 * (period.year - 2024))}
    out = {}
    for code, base in bases.items():
        start, gain = s[code]
        whole = int(base)
        out[f"{code}.TONG"] = whole
        out[f"{code}.SO"] = min(whole, int(whole * min(0.97, start + gain * k)))
    return out


class _Clock:
    """Moments in local time, never after now."""

    def __init__(self, now: datetime):
        self.now = timezone.localtime(now)
        self.tz = timezone.get_current_timezone()

    def at(self, day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def evening(self, rng, day: date) -> datetime:
        """When a leader sends: after work in the fields, sometimes at noon or in the morning."""
        hour = _weighted(rng, {7: 4, 11: 6, 12: 8, 19: 20, 20: 25, 21: 22, 22: 10})
        return self.at(day, hour, rng.randint(0, 59))

    def office(self, rng, day: date) -> datetime:
        """When the commune office reviews: working hours, Monday to Friday."""
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return self.at(day, rng.choice([8, 9, 10, 14, 15, 16]), rng.randint(0, 59))


@dataclass
class _Built:
    report: Report
    values: list = field(default_factory=list)   # (indicator id, Decimal | None, comment)
    events: list = field(default_factory=list)   # (action, at, user id, comment)


class _Builder:
    def __init__(self, province: AdminUnit, *, now: datetime):
        self.province = province
        self.clock = _Clock(now)
        self.today = timezone.localtime(now).date()
        self.village_form = ReportForm.objects.filter(is_active=True, level=Level.VILLAGE_TEAM,
                                                      period_type=PeriodType.MONTH).first()
        self.commune_form = ReportForm.objects.filter(is_active=True, level=Level.COMMUNE_TEAM,
                                                      period_type=PeriodType.MONTH).first()
        self.lines = {form.pk: form_indicators(form) for form in (self.village_form, self.commune_form) if form}
        self.officers = dict(User.objects.filter(username__startswith="vhxh.").values_list("username", "pk"))
        self.seed = ReportSeed()

    # ---- monthly team reports ----------------------------------------------------------------

    def team_reports(self, teams: list[Team], months: list[tuple[int, int]], existing: set, leaders: dict):
        pending: list[_Built] = []
        for team in teams:
            form = self.commune_form if team.unit.is_commune else self.village_form
            if form is None:
                continue
            periods = [month_period(y, m, form.period_rule) for y, m in months]
            periods = [p for p in periods if _served(team, p)]
            todo = [p for p in periods if not _exists(existing, form, team.unit_id, p)]
            profile = _profile(team.unit)
            if not todo or all(self._outcome(team, profile, p)[0] == "none" for p in todo):
                continue
            history: list[dict] = []  # values of the team's counted reports, oldest first
            for period in periods:
                built = self._team_month(team, form, period, profile, history, leaders.get(team.pk, []))
                if built is None:
                    continue
                if built.report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
                    history.append({i: v for i, v, _c in built.values if v is not None})
                if not _exists(existing, form, team.unit_id, period):
                    pending.append(built)
            if len(pending) >= FLUSH_AT:
                self._write(pending, monthly=True)
                pending = []
        self._write(pending, monthly=True)

    def _rng(self, team: Team, period: Period) -> random.Random:
        return random.Random(f"report-{team.unit.code}-{period.key}")

    def _outcome(self, team, profile, period) -> tuple[str, random.Random]:
        rng = self._rng(team, period)
        roll, scale = rng.random(), profile.habit / _MEAN_HABIT
        if roll < NONE_SHARE * scale:
            return "none", rng
        if roll < (NONE_SHARE + DRAFT_SHARE) * scale:
            return "draft", rng
        if roll < (NONE_SHARE + DRAFT_SHARE + LATE_SHARE) * scale:
            return "late", rng
        return "on_time", rng

    def _team_month(self, team, form, period, profile, history, leaders) -> _Built | None:
        kind, rng = self._outcome(team, profile, period)
        if kind == "none":
            return None
        clock, now = self.clock, self.clock.now
        due = due_date(period, form.due_day)
        age = (self.today.year * 12 + self.today.month) - (period.year * 12 + period.number)
        first_day = max(period.start, team.established_on)
        officer = self.officers.get(f"vhxh.{team.commune.code}")
        # When it was (or would have been) sent.
        sent = None
        if kind == "on_time":
            if first_day > due:
                kind = "late"  # established after the due day: it can only be late
            else:
                day = max(first_day, due - timedelta(days=min(rng.randint(0, 12), rng.randint(0, 12))))
                sent = clock.evening(rng, day)
                if day == due and rng.random() < 0.1:
                    sent = clock.at(day, 23, rng.randint(0, 58))  # the last evening
        if kind == "late":
            day = max(first_day, due + timedelta(days=1 + min(24, int(rng.expovariate(1 / 4)))))
            sent = clock.evening(rng, day)
        if sent is not None and sent > now:  # only a late one can be: the month is over
            if now - timedelta(minutes=30) > clock.at(due + timedelta(days=1), 0, 0):
                sent = now - timedelta(minutes=rng.randint(5, 25))  # sent a moment ago
            else:
                kind, sent = "draft", None  # too early to be late: still being typed in
        leader = _leader_on(leaders, sent.date() if sent else first_day)
        by = officer if leader is None or rng.random() < BY_OFFICER_SHARE else leader
        report = Report(form=form, team=team, unit=team.unit, province=team.province, commune=team.commune,
                        period_start=period.start, period_end=period.end, period_key=period.key, due_on=due,
                        is_demo=True)
        built = _Built(report)
        if kind == "draft":
            opened = clock.evening(rng, min(period.end, first_day + timedelta(days=rng.randint(10, 25))))
            opened = min(opened, now - timedelta(minutes=rng.randint(30, 600)))
            report.created_at = report.updated_at = opened
            built.events.append((ReportAction.CREATED, opened, by, ""))
            if rng.random() < 0.6:  # typed in part of it and saved
                saved = min(now, opened + timedelta(minutes=rng.randint(5, 90)))
                built.values = self._values(rng, form, team, period, profile, history, filled=0.5)
                built.events.append((ReportAction.SAVED, saved, by, ""))
                report.version, report.updated_at = 2, saved
            report.status = ReportStatus.DRAFT
            return built
        opened = max(clock.at(first_day, 7, 0), sent - timedelta(hours=rng.uniform(0.1, 72)))
        if opened >= sent:
            opened = sent - timedelta(minutes=5)
        built.values = self._values(rng, form, team, period, profile, history, filled=1)
        self._texts(rng, form, report, team)
        built.events += [(ReportAction.CREATED, opened, by, ""), (ReportAction.SUBMITTED, sent, by, "")]
        report.created_at, report.status, report.version = opened, ReportStatus.SUBMITTED, 2
        report.submitted_at, report.on_time, report.submitted_by_id = sent, sent.date() <= due, by
        last = sent
        if officer is not None and rng.random() < RETURNED_SHARE:
            back = clock.office(rng, sent.date() + timedelta(days=rng.randint(1, 4)))
            if back < now:
                comment = rng.choice(_RETURN_COMMENTS)
                built.events.append((ReportAction.RETURNED, back, officer, comment))
                report.status, report.reviewed_by_id, report.reviewed_at = ReportStatus.RETURNED, officer, back
                report.review_comment, last = comment, back
                again = clock.evening(rng, back.date() + timedelta(days=rng.randint(1, 5)))
                if age >= 2 and rng.random() < 0.85 and again < now:  # corrected and sent again
                    built.events.append((ReportAction.SUBMITTED, again, by, ""))
                    report.status, report.version, last = ReportStatus.SUBMITTED, 3, again
        if officer is not None and report.status == ReportStatus.SUBMITTED \
                and rng.random() < _ACCEPTED_BY_AGE.get(age, ACCEPTED_OLDER):
            accepted = clock.office(rng, last.date() + timedelta(days=rng.randint(1, 6)))
            if accepted < now:
                comment = rng.choice(_ACCEPT_COMMENTS) if rng.random() < 0.2 else ""
                built.events.append((ReportAction.ACCEPTED, accepted, officer, comment))
                report.status, report.reviewed_by_id, report.reviewed_at = ReportStatus.ACCEPTED, officer, accepted
                report.review_comment, last = comment, accepted
        report.updated_at = last
        return built

    def _values(self, rng, form, team, period, profile, history, *, filled: float) -> list:
        """(indicator id, value, comment) for the lines the team filled in, and a few left empty."""
        out = []
        season = _SEASON[period.number] * (0.7 if (period.start - team.established_on).days < 60 else 1)
        stock = _stock(profile, period) if profile.stock else {}
        stock_filled = rng.random() < 0.85 * filled
        recent = history[-USUAL_REPORTS:]
        for indicator in self.lines[form.pk]:
            code, value, comment = indicator.code, None, ""
            if code in stock:
                if stock_filled and (code.endswith(".TONG") or rng.random() < 0.95):
                    value = stock[code]
                elif rng.random() > EMPTY_SHARE:
                    continue
            elif code in _LINES:
                _low, _high, floor, cap, _share = _LINES[code]
                factor = COMMUNE_FACTOR if team.unit.is_commune else 1
                if rng.random() < profile.shares[code] * filled:
                    level = profile.levels[code] * season
                    spike = code in _SPIKE_COMMENTS and rng.random() < 0.015
                    number = level * (rng.uniform(3.2, 4.0) if spike else rng.uniform(0.35, 1.65))
                    value = max(floor * factor, min(cap * factor, round(number)))
                    if spike:
                        comment = _SPIKE_COMMENTS[code]
                elif rng.random() > EMPTY_SHARE:
                    continue
            else:
                continue  # a line the province added later: left for the teams to fill in
            if value is not None and not comment and len(recent) >= USUAL_MIN:
                seen = [h[indicator.pk] for h in recent if indicator.pk in h]
                usual = sum(seen) / len(seen) if seen else 0
                if usual > 0 and value > usual * indicator.outlier_factor:
                    comment = _SPIKE_COMMENTS.get(code, _USUAL_COMMENT)
            out.append((indicator.pk, Decimal(value) if value is not None else None, comment))
        return out

    def _texts(self, rng, form, report, team):
        if rng.random() >= 0.4:
            return
        hamlet = f"xóm {rng.choice(_HAMLET_A)} {rng.choice(_HAMLET_B)}"
        names = {"village": team.unit.name if not team.unit.is_commune else "trung tâm xã",
                 "commune": team.commune.name, "hamlet": hamlet, "n": rng.randint(5, 30), "k": rng.randint(1, 3)}
        mountain = team.commune.kind != UnitKind.PHUONG
        hard = (_DIFFICULTIES_MOUNTAIN + _DIFFICULTIES_COMMON) if mountain else _DIFFICULTIES_COMMON
        proposals = _PROPOSALS if mountain else _PROPOSALS[2:]
        if form.asks_results and rng.random() < 0.8:
            report.results = " ".join(s.format(**names) for s in rng.sample(_RESULTS, rng.randint(1, 2)))
        if form.asks_difficulties and rng.random() < 0.7:
            report.difficulties = " ".join(s.format(**names) for s in rng.sample(hard, rng.randint(1, 2)))
        if form.asks_proposals and rng.random() < 0.5:
            report.proposals = rng.choice(proposals).format(**names)

    # ---- writing -----------------------------------------------------------------------------

    def _write(self, pending: list[_Built], *, monthly: bool):
        if not pending:
            return
        with _dates_as_given():
            Report.objects.bulk_create([b.report for b in pending], batch_size=1000)
            # By id: bulk_create has just given each report its key (cheaper than report=).
            values = [ReportValue(report_id=b.report.pk, indicator_id=i, value=v, comment=c)
                      for b in pending for i, v, c in b.values]
            ReportValue.objects.bulk_create(values, batch_size=2000)
            events = [ReportEvent(report_id=b.report.pk, action=a, at=at, by_id=by, comment=c)
                      for b in pending for a, at, by, c in b.events]
            ReportEvent.objects.bulk_create(events, batch_size=2000)
        if monthly:
            self.seed.reports += len(pending)
        else:
            self.seed.quarterly += len(pending)
        self.seed.values += len(values)
        self.seed.events += len(events)

    # ---- the communes' quarterly reports -------------------------------------------------------

    def quarterly(self, communes: list[AdminUnit], months: list[tuple[int, int]], existing: set,
                  commune_teams: dict, province_admin: int | None):
        form = ReportForm.objects.filter(is_active=True, level=Level.COMMUNE, period_type=PeriodType.QUARTER).first()
        if form is None:
            return
        lines = form_indicators(form)
        last = months[-1]
        quarters = sorted({(y, (m - 1) // 3 + 1) for y, m in months})
        quarters = [quarter_period(y, q) for y, q in quarters if (y, q * 3) <= last]  # ended by last month
        pending = []
        for period in quarters:
            todo = [c for c in communes if not _exists(existing, form, c.pk, period)
                    and commune_teams.get(c.pk) is not None and _served(commune_teams[c.pk], period)]
            if not todo:
                continue
            totals = self._quarter_totals(period)
            for commune in todo:
                built = self._quarter(form, lines, commune, period, totals.get(commune.pk, {}), province_admin)
                if built is not None:
                    pending.append(built)
        self._write(pending, monthly=False)

    def _quarter_totals(self, period: Period) -> dict:
        """{commune id: {indicator id: value}} from the accepted team reports of the quarter, as
        services.report_prefill_from_teams pre-fills them (stock figures: each team's latest)."""
        values = ReportValue.objects.filter(
            report__province=self.province, report__status=ReportStatus.ACCEPTED, value__isnull=False,
            report__form__level__in=(Level.VILLAGE_TEAM, Level.COMMUNE_TEAM), report__period_key__in=period.month_keys)
        out: dict = {}
        for commune, indicator, total in (values.filter(indicator__aggregation=Aggregation.SUM)
                                          .values_list("report__commune_id", "indicator_id").annotate(Sum("value"))):
            out.setdefault(commune, {})[indicator] = total
        latest = {}
        for commune, unit, indicator, start, value in values.filter(indicator__aggregation=Aggregation.LATEST) \
                .values_list("report__commune_id", "report__unit_id", "indicator_id", "report__period_start", "value"):
            if (unit, indicator) not in latest or start > latest[unit, indicator][1]:
                latest[unit, indicator] = (commune, start, value)
        for (_unit, indicator), (commune, _start, value) in latest.items():
            row = out.setdefault(commune, {})
            row[indicator] = row.get(indicator, Decimal(0)) + value
        return out

    def _quarter(self, form, lines, commune, period, totals, province_admin) -> _Built | None:
        rng = random.Random(f"quarter-report-{commune.code}-{period.key}")
        clock, now = self.clock, self.clock.now
        roll = rng.random()
        if roll < 0.08:
            return None  # not sent: the province's completeness page lists it
        due = due_date(period, form.due_day)
        officer = self.officers.get(f"vhxh.{commune.code}")
        report = Report(form=form, team=None, unit=commune, province=commune.province, commune=commune,
                        period_start=period.start, period_end=period.end, period_key=period.key, due_on=due,
                        is_demo=True)
        built = _Built(report)
        built.values = [(i.pk, totals.get(i.pk), "") for i in lines]
        opened = clock.office(rng, due - timedelta(days=rng.randint(6, 14)))
        if roll < 0.12:
            opened = min(opened, now - timedelta(hours=1))
            report.created_at = report.updated_at = opened
            built.events.append((ReportAction.CREATED, opened, officer, ""))
            return built
        late = roll < 0.30
        sent = clock.office(rng, due + timedelta(days=rng.randint(1, 12)) if late
                            else due - timedelta(days=rng.randint(0, 5)))
        if sent >= now:
            sent = now - timedelta(minutes=10)
        opened = min(opened, sent - timedelta(hours=2))
        report.created_at, report.status, report.version = opened, ReportStatus.SUBMITTED, 2
        report.submitted_at, report.on_time, report.submitted_by_id = sent, sent.date() <= due, officer
        if rng.random() < 0.5:
            report.difficulties = rng.choice(_DIFFICULTIES_MOUNTAIN if commune.kind != UnitKind.PHUONG
                                             else _DIFFICULTIES_COMMON).format(
                village="các thôn", commune=commune.name, hamlet="các xóm vùng cao", n=0, k=0)
            report.proposals = rng.choice(_PROPOSALS)
        built.events += [(ReportAction.CREATED, opened, officer, ""), (ReportAction.SUBMITTED, sent, officer, "")]
        last = sent
        if province_admin is not None:
            if rng.random() < 0.05:
                back = clock.office(rng, sent.date() + timedelta(days=rng.randint(2, 6)))
                if back < now:
                    comment = rng.choice(_QUARTER_RETURN_COMMENTS)
                    built.events.append((ReportAction.RETURNED, back, province_admin, comment))
                    report.status, report.reviewed_by_id, report.reviewed_at = (ReportStatus.RETURNED, province_admin,
                                                                                back)
                    report.review_comment, last = comment, back
                    again = clock.office(rng, back.date() + timedelta(days=rng.randint(1, 4)))
                    if again < now and rng.random() < 0.7:
                        built.events.append((ReportAction.SUBMITTED, again, officer, ""))
                        report.status, report.version, last = ReportStatus.SUBMITTED, 3, again
            if report.status == ReportStatus.SUBMITTED and rng.random() < 0.9:
                accepted = clock.office(rng, last.date() + timedelta(days=rng.randint(2, 10)))
                if accepted < now:
                    built.events.append((ReportAction.ACCEPTED, accepted, province_admin, ""))
                    report.status, report.reviewed_by_id, report.reviewed_at = (ReportStatus.ACCEPTED, province_admin,
                                                                                accepted)
                    report.review_comment, last = "", accepted
        report.updated_at = last
        return built

    # ---- targets -----------------------------------------------------------------------------

    def targets(self, communes: list[AdminUnit], teams_of: dict, province_admin: int | None) -> int:
        """This year's targets for the main counts: every commune's (set by the province), split to
        the villages in about one commune in ten (set by the commune office)."""
        year = self.today.year
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=TARGET_CODES, retired_on__isnull=True)}
        existing = set(Target.objects.filter(province=self.province, year=year)
                       .values_list("indicator_id", "unit_id"))
        new = []
        for index, commune in enumerate(communes):
            teams = teams_of.get(commune.pk, [])
            if not teams:
                continue
            rng = random.Random(f"targets-{commune.code}-{year}")
            split = index % 10 == 3
            officer = self.officers.get(f"vhxh.{commune.code}")
            profiles = {t.unit_id: _profile(t.unit) for t in teams}
            for code in TARGET_CODES:
                indicator = indicators.get(code)
                if indicator is None:
                    continue
                expected = sum(p.levels[code] * p.shares[code] for p in profiles.values()) * 11
                value = _round_target(expected * rng.uniform(1.05, 1.35))
                if (indicator.pk, commune.pk) not in existing:
                    new.append(Target(indicator=indicator, unit=commune, province=self.province, commune=commune,
                                      year=year, value=value, set_by_id=province_admin))
                villages = [t for t in teams if not t.unit.is_commune]
                if not split or not villages:
                    continue
                weight = sum(p.levels[code] for p in profiles.values())
                for team in villages:
                    share = profiles[team.unit_id].levels[code] / weight if weight else 0
                    if (indicator.pk, team.unit_id) not in existing:
                        new.append(Target(indicator=indicator, unit=team.unit, province=self.province,
                                          commune=commune, year=year, set_by_id=officer,
                                          value=_round_target(float(value) * share, small=True)))
        Target.objects.bulk_create(new, batch_size=1000)
        return len(new)


def _round_target(value, small: bool = False) -> Decimal:
    step = 1 if small or value < 50 else 5 if value < 200 else 10 if value < 2000 else 50
    return Decimal(max(1, int(round(value / step)) * step))


def _existing(reports) -> set:
    """What is there, by both natural keys: (form, unit, period_start) and (form, unit, period_key)
    (they differ if the province changed a form's period rule between two runs)."""
    out = set()
    for form, unit, start, key in reports.values_list("form_id", "unit_id", "period_start", "period_key"):
        out |= {(form, unit, start), (form, unit, key)}
    return out


def _exists(existing: set, form: ReportForm, unit_id: int, period: Period) -> bool:
    return (form.pk, unit_id, period.start) in existing or (form.pk, unit_id, period.key) in existing


def _leader_on(leaders: list, day: date) -> int | None:
    for user_id, start, end in leaders:
        if start <= day and (end is None or end >= day):
            return user_id
    return None


def seed_reports(province: AdminUnit, *, size: str = "default") -> ReportSeed:
    """Monthly team reports for the months before this one, the communes' quarterly reports for
    the quarters they cover, and this year's targets. Adds only what is missing."""
    now = timezone.now()
    builder = _Builder(province, now=now)
    months = demo_months(builder.today, MONTHS[size])
    builder.seed.months = [f"{y}-{m:02d}" for y, m in months]
    communes = list(AdminUnit.objects.filter(province=province).communes().active().order_by("code"))
    teams = list(Team.objects.filter(province=province, is_demo=True, established_on__isnull=False)
                 .exclude(status=TeamStatus.PROPOSED).select_related("unit", "commune", "province")
                 .order_by("commune__code", "unit__code"))
    forms = [f for f in (builder.village_form, builder.commune_form) if f is not None]
    first = month_period(*months[0])
    existing = _existing(Report.objects.filter(province=province, form__in=forms,
                                               period_start__gte=first.start - timedelta(days=20)))
    leaders: dict[int, list] = {}
    for team_id, user_id, start, end in (Membership.objects.filter(team__in=teams, role=MemberRole.LEADER)
                                         .exclude(person__user=None).order_by("start_date", "id")
                                         .values_list("team_id", "person__user_id", "start_date", "end_date")):
        leaders.setdefault(team_id, []).append((user_id, start, end))
    builder.team_reports(teams, months, existing, leaders)

    admins = Assignment.objects.active().filter(role=Role.PROVINCE_ADMIN, unit=province)
    admin = (admins.filter(user__username="sokhcn").values_list("user_id", flat=True).first()
             or admins.order_by("id").values_list("user_id", flat=True).first())
    commune_teams = {t.unit_id: t for t in teams if t.unit.is_commune and t.status != TeamStatus.DISSOLVED}
    quarterly = ReportForm.objects.filter(level=Level.COMMUNE, period_type=PeriodType.QUARTER)
    existing_q = _existing(Report.objects.filter(province=province, form__in=quarterly))
    builder.quarterly(communes, months, existing_q, commune_teams, admin)

    teams_of: dict[int, list] = {}
    for team in teams:
        if team.status == TeamStatus.ESTABLISHED:
            teams_of.setdefault(team.commune_id, []).append(team)
    builder.seed.targets = builder.targets(communes, teams_of, admin)
    return builder.seed


def report_totals(province: AdminUnit) -> dict:
    """What the province holds now, demo or not."""
    reports = Report.objects.filter(province=province)
    return {
        "reports": reports.filter(form__period_type=PeriodType.MONTH).count(),
        "quarterly": reports.filter(form__period_type=PeriodType.QUARTER).count(),
        "values": ReportValue.objects.filter(report__province=province).count(),
        "targets": Target.objects.filter(province=province).count(),
    }
