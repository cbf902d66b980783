"""Demo data for difficulties followed up and tasks given to teams (issue #15, plan II.2.3, II.2.2a).

Difficulties: each sent demo report's "khó khăn" and "đề xuất" becomes an item, as sending makes it
(written in bulk here: the demo reports are written in bulk too); older ones answered or closed,
recent ones open, some overdue, some escalated to the province. Tasks: for a few communes (and
always the demo leaders' villages), tasks in every state. Adds only what is missing."""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from tocns.accounts.models import Assignment, Role, User
from tocns.fieldwork.models import Service
from tocns.geo.models import AdminUnit, UnitKind
from tocns.reports.choices import Level, ReportStatus
from tocns.reports.difficulties import answer_days
from tocns.reports.difficulty_models import (
    DifficultyAction,
    DifficultyEvent,
    DifficultyItem,
    DifficultyLevel,
    DifficultySection,
    DifficultyState,
)
from tocns.reports.models import Report
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Team
from tocns.teamtasks.models import GiverLevel, TaskAction, TaskEvent, TaskStatus, TeamTask

_ANSWERS = [
    "UBND xã đã đề nghị VNPT lắp thêm trạm phát sóng; dự kiến hoàn thành trong quý tới. Trước mắt tổ hỗ trợ "
    "người dân tại nhà văn hóa thôn, nơi có sóng ổn định.",
    "Xã đã bố trí 2 điện thoại thông minh dùng chung đặt tại nhà văn hóa thôn; tổ liên hệ công chức VH-XH để "
    "nhận và ký sổ mượn.",
    "Đã phối hợp với Bưu điện xã mở lớp hướng dẫn vào chiều thứ Bảy hằng tuần; đề nghị tổ thông báo cho các hộ.",
    "Sở Khoa học và Công nghệ sẽ cấp tài liệu hướng dẫn bằng tiếng Dân tộc trong tháng tới; tổ nhận tại UBND xã.",
    "Kinh phí hỗ trợ tổ đã được đưa vào dự toán năm sau theo Kế hoạch; trước mắt xã hỗ trợ chi phí 4G cho tổ "
    "trưởng từ nguồn chi thường xuyên.",
    "Công an xã sẽ cử cán bộ cùng tổ đến các hộ để kích hoạt VNeID mức 2 theo lịch tổ đã gửi.",
]
_ESCALATE_NOTES = ["Vượt thẩm quyền của xã: cần Sở chỉ đạo doanh nghiệp viễn thông.",
                   "Xã không có kinh phí: đề nghị tỉnh xem xét bố trí."]

_TASKS = [
    ("Hướng dẫn các hộ cài đặt và kích hoạt VNeID mức 2", "các hộ chưa có tài khoản định danh", 25, "vneid"),
    ("Hỗ trợ người cao tuổi nhận lương hưu qua tài khoản ngân hàng", "người cao tuổi hưởng lương hưu, trợ cấp", 12,
     "ngan-hang-so"),
    ("Tuyên truyền thanh toán không dùng tiền mặt tại chợ phiên", "các hộ kinh doanh ở chợ phiên", 15, "thanh-toan-qr"),
    ("Hướng dẫn nộp hồ sơ cấp đổi giấy tờ trên Cổng Dịch vụ công", "các hộ có nhu cầu làm thủ tục", 10,
     "dvc-truc-tuyen"),
    ("Hỗ trợ hộ sản xuất đưa sản phẩm OCOP lên sàn thương mại điện tử", "hộ sản xuất chè, mật ong", 5, "san-tmdt"),
    ("Rà soát các hộ chưa có điện thoại thông minh", "toàn thôn", None, None),
]
_DONE_NOTES = ["Đã đến {n} hộ; {k} hộ kích hoạt xong, số còn lại hẹn tuần sau vì chưa có điện thoại chính chủ.",
               "Tổ chia 2 nhóm đi từng hộ, hỗ trợ được {n} người; danh sách đã gửi công chức VH-XH qua Zalo."]


@dataclass
class DifficultyTaskSeed:
    items: int = 0
    tasks: int = 0


def _at(day, hour=9):
    """That day at that hour, Vietnam time; never later than now (the demo has no future history)."""
    return min(timezone.make_aware(datetime.combine(day, time(hour, 0))), timezone.now())


def _handlers(province: AdminUnit) -> tuple[dict, int | None]:
    officers = {}
    for commune_id, user_id in (Assignment.objects.active().filter(
            role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN], unit__province=province)
            .order_by("role", "id").values_list("unit_id", "user_id")):
        officers.setdefault(commune_id, user_id)
    admin = (Assignment.objects.active().filter(role=Role.PROVINCE_ADMIN, unit=province)
             .order_by("id").values_list("user_id", flat=True).first())
    return officers, admin


def _demo_leader_units(province: AdminUnit) -> list[int]:
    """The units of the demo leaders seed_demo prints: the first village of the first xã and of the
    first phường, and the first xã itself (its commune team)."""
    communes = AdminUnit.objects.filter(parent=province).communes().active().order_by("code")
    units = []
    for kind in (UnitKind.XA, UnitKind.PHUONG):
        commune = communes.filter(kind=kind).first()
        if commune is None:
            continue
        village = AdminUnit.objects.filter(parent=commune).villages().active().order_by("code").first()
        units += [village.pk] if village is not None else []
        if kind == UnitKind.XA:
            units.append(commune.pk)
    return units


def seed_difficulty_items(province: AdminUnit, today, officers: dict, admin: int | None) -> int:
    days = answer_days(province)
    reports = (Report.objects.filter(province=province, is_demo=True,
                                     status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
               .filter(~Q(difficulties="") | ~Q(proposals="")).exclude(difficulty_items__isnull=False)
               .select_related("form", "unit").order_by("period_start", "id"))
    leader_units = set(_demo_leader_units(province))
    items, answered, sent_at = [], [], {}
    for report in reports.iterator(chunk_size=500):
        rng = random.Random(f"difficulty-{report.pk}")
        sent = timezone.localdate(report.submitted_at) if report.submitted_at else report.due_on
        for section, text in ((DifficultySection.DIFFICULTY, report.difficulties),
                              (DifficultySection.PROPOSAL, report.proposals)):
            if not text.strip():
                continue
            item = DifficultyItem(report=report, section=section, text=text.strip(), team_id=report.team_id,
                                  unit_id=report.unit_id, province_id=report.province_id,
                                  commune_id=report.commune_id, due_on=sent + timedelta(days=days), is_demo=True,
                                  owner_level=(DifficultyLevel.PROVINCE if report.form.level == Level.COMMUNE
                                               else DifficultyLevel.COMMUNE))
            age = (today - sent).days
            roll = rng.random()
            # The demo leader's villages always hold one recent answer to see on the home page.
            force_answer = report.unit_id in leader_units and age < 45
            if force_answer or (age > 20 and roll < 0.7) or (age <= 20 and roll < 0.25):
                item.state = DifficultyState.CLOSED if age > 50 and rng.random() < 0.6 else DifficultyState.ANSWERED
                if item.owner_level == DifficultyLevel.COMMUNE and rng.random() < 0.15:
                    item.owner_level = DifficultyLevel.PROVINCE
                by = admin if item.owner_level == DifficultyLevel.PROVINCE else officers.get(report.commune_id)
                item.answer = rng.choice(_ANSWERS)
                item.answered_by_id = item.owner_id = by
                item.answered_at = _at(min(today, sent + timedelta(days=rng.randint(2, days + 5))), 15)
                answered.append(item)
            elif roll < 0.85:
                item.state = DifficultyState.IN_PROGRESS
                item.owner_id = officers.get(report.commune_id) if item.owner_level == DifficultyLevel.COMMUNE \
                    else admin
            elif item.owner_level == DifficultyLevel.COMMUNE and roll < 0.93:
                item.owner_level, item.state = DifficultyLevel.PROVINCE, DifficultyState.ESCALATED
            items.append(item)
            sent_at[id(item)] = report.submitted_at or _at(sent)
    DifficultyItem.objects.bulk_create(items, batch_size=500)
    events = []
    for item in items:
        created = sent_at[id(item)]
        item.created_at = created
        events.append(DifficultyEvent(item=item, action=DifficultyAction.CREATED, note="", at=created))
        if item.state == DifficultyState.ESCALATED:
            events.append(DifficultyEvent(item=item, action=DifficultyAction.ESCALATED,
                                          at=min(created + timedelta(days=3), timezone.now()),
                                          by_id=officers.get(item.commune_id), note=_ESCALATE_NOTES[item.pk % 2]))
        if item.answered_at:
            events.append(DifficultyEvent(item=item, action=DifficultyAction.ANSWERED, by_id=item.answered_by_id,
                                          note=item.answer, at=max(item.answered_at, created)))
        if item.state == DifficultyState.CLOSED:
            events.append(DifficultyEvent(item=item, action=DifficultyAction.CLOSED, by_id=item.answered_by_id,
                                          at=min(max(item.answered_at, created) + timedelta(days=7), timezone.now())))
    # auto_now_add stamps "now" on create; the demo's history has its own days.
    stamps = [event.at for event in events]
    DifficultyEvent.objects.bulk_create(events, batch_size=1000)
    for event, stamp in zip(events, stamps, strict=True):
        event.at = stamp
    DifficultyEvent.objects.bulk_update(events, ["at"], batch_size=1000)
    DifficultyItem.objects.bulk_update(items, ["created_at"], batch_size=500)
    return len(items)


# Each demo commune's tasks: (status, days from today to the due date).
_PLAN = [(TaskStatus.ASSIGNED, 10), (TaskStatus.ASSIGNED, -4), (TaskStatus.RETURNED, 5), (TaskStatus.DONE, 3),
         (TaskStatus.ACCEPTED, -10), (TaskStatus.CANCELLED, 7)]


def seed_team_tasks(province: AdminUnit, today, officers: dict, admin: int | None, *, communes: int) -> int:
    leader_units = _demo_leader_units(province)
    services = {s.code: s.pk for s in Service.objects.filter(is_active=True)}
    teams = Team.objects.filter(province=province, status=TeamStatus.ESTABLISHED).select_related("unit")
    chosen = list(teams.filter(unit_id__in=leader_units))
    commune_ids = sorted({team.commune_id for team in chosen}
                         | set(teams.order_by("commune__code").values_list("commune_id", flat=True)
                               .distinct()[:communes]))
    made = 0
    for commune_id in commune_ids:
        giver = officers.get(commune_id)
        village_teams = [t for t in teams.filter(commune_id=commune_id).order_by("unit__code")]
        led = [t for t in village_teams if t.unit_id in leader_units]
        others = [t for t in village_teams if t.unit_id not in leader_units][:3]
        for index, (status, offset) in enumerate(_PLAN):
            # The demo leader's team gets every state; other teams one state each in turn.
            targets = led + ([others[index % len(others)]] if others else [])
            title, target_text, count, service_code = _TASKS[index % len(_TASKS)]
            key = f"demo-task-{commune_id}-{index}"
            for team in targets:
                if TeamTask.objects.filter(submission_key=key, team=team).exists():
                    continue
                rng = random.Random(f"{key}-{team.pk}")
                given_on = today - timedelta(days=rng.randint(12, 20))
                task = TeamTask(team=team, unit=team.unit, province_id=team.province_id,
                                commune_id=team.commune_id, title=title, target_text=target_text,
                                target_count=count, service_id=services.get(service_code) if service_code else None,
                                description="Tổ chia người đi theo từng xóm; ghi nhật ký mỗi lần hỗ trợ.",
                                due_on=today + timedelta(days=offset), status=status, is_demo=True,
                                given_level=GiverLevel.COMMUNE if giver else GiverLevel.PROVINCE,
                                given_by_id=giver or admin, submission_key=key)
                if status in (TaskStatus.DONE, TaskStatus.ACCEPTED, TaskStatus.RETURNED):
                    task.done_note = rng.choice(_DONE_NOTES).format(n=rng.randint(6, 20), k=rng.randint(3, 6))
                    task.done_at = _at(today - timedelta(days=rng.randint(1, 4)), 17)
                    task.done_by_id = (Assignment.objects.active().filter(role=Role.TEAM_LEADER, unit=team.unit)
                                       .values_list("user_id", flat=True).first())
                if status == TaskStatus.RETURNED:
                    task.review_comment = "Còn các hộ ở xóm trong chưa đến; đề nghị tổ bổ sung rồi báo lại."
                    task.reviewed_at = min(task.done_at + timedelta(days=1), timezone.now())
                if status == TaskStatus.ACCEPTED:
                    task.review_comment = "Tổ làm tốt."
                    task.reviewed_at = min(task.done_at + timedelta(hours=20), timezone.now())
                if status == TaskStatus.CANCELLED:
                    task.review_comment = "Huyện đã tổ chức đợt hỗ trợ chung, thôn không cần làm riêng."
                task.save()
                TeamTask.objects.filter(pk=task.pk).update(created_at=_at(given_on, 8))
                events = [(TaskEvent(task=task, action=TaskAction.ASSIGNED, by_id=task.given_by_id), _at(given_on, 8))]
                if task.done_at:
                    events.append((TaskEvent(task=task, action=TaskAction.DONE, by_id=task.done_by_id,
                                             note=task.done_note), task.done_at))
                if status in (TaskStatus.RETURNED, TaskStatus.ACCEPTED):
                    events.append((TaskEvent(task=task, by_id=task.given_by_id, note=task.review_comment,
                                             action=TaskAction.RETURNED if status == TaskStatus.RETURNED
                                             else TaskAction.ACCEPTED), task.reviewed_at))
                if status == TaskStatus.CANCELLED:
                    events.append((TaskEvent(task=task, action=TaskAction.CANCELLED, by_id=task.given_by_id,
                                             note=task.review_comment), _at(given_on + timedelta(days=2), 10)))
                for event, stamp in events:
                    event.save()
                    TaskEvent.objects.filter(pk=event.pk).update(at=stamp)
                made += 1
    return made


def seed_difficulties_tasks(province: AdminUnit, *, size: str = "default") -> DifficultyTaskSeed:
    today = timezone.localdate()
    officers, admin = _handlers(province)
    seed = DifficultyTaskSeed()
    seed.items = seed_difficulty_items(province, today, officers, admin)
    seed.tasks = seed_team_tasks(province, today, officers, admin, communes={"small": 3}.get(size, 6))
    return seed


def difficulty_task_totals(province: AdminUnit) -> dict:
    return {"difficulty_items": DifficultyItem.objects.filter(province=province).count(),
            "team_tasks": TeamTask.objects.filter(province=province).count(),
            "demo_leaders": User.objects.filter(is_demo=True, username__startswith="totruong.").count()}
