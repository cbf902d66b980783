"""Demo citizen feedback and the demo survey.

Feedback: a few items a commune over the last two months, about the services people struggle
with, in every state (received, forwarded, answered, closed; some past their deadline), with a
name and phone only where the person consented. One survey from the province, given to every
live demo team with a deadline two weeks ahead, and answered by about six teams in ten.

Deterministic and idempotent like the field log: each item's random choices come from a generator
seeded with its natural key, feedback is found again by its submission key, the survey by its
submission key (uuid5), and answers by their client id (uuid5): a second run adds nothing.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from tocns.accounts.models import User
from tocns.demo.fieldwork import DEMO_NAMESPACE, received_as_given
from tocns.fieldwork import surveys
from tocns.fieldwork.feedback import CODE_ALPHABET, CONSENT_VERSION, answer_days
from tocns.fieldwork.models import (
    Answer,
    Feedback,
    FeedbackChannel,
    FeedbackEvent,
    FeedbackKind,
    FeedbackStatus,
    QuestionKind,
    Service,
    Survey,
    SurveyStatus,
)
from tocns.geo.models import AdminUnit
from tocns.teams.choices import MemberRole, TeamStatus
from tocns.teams.models import Membership, Team

FEEDBACK_PER_COMMUNE = (2, 6)
# What people write, and about which service (codes of the starting catalogue).
_FEEDBACK = [
    ("vneid", FeedbackKind.COMPLAINT, "Không đăng nhập được VNeID mức 2, ứng dụng báo sai mật khẩu dù đã đặt lại."),
    ("vneid", FeedbackKind.PETITION, "Đề nghị Công an xã hỗ trợ kích hoạt VNeID mức 2 tại thôn cho người cao tuổi."),
    ("dvc-truc-tuyen", FeedbackKind.COMPLAINT, "Nộp hồ sơ khai sinh trực tuyến bị lỗi ở bước thanh toán lệ phí."),
    ("dvc-truc-tuyen", FeedbackKind.COMPLAINT,
     "Đã nộp hồ sơ cấp đổi giấy xác nhận tình trạng hôn nhân trực tuyến quá hạn mà chưa nhận được kết quả."),
    ("cong-dvc-quoc-gia", FeedbackKind.OPINION, "Cổng dịch vụ công khó dùng trên điện thoại, chữ quá nhỏ."),
    ("vssid", FeedbackKind.COMPLAINT, "Ứng dụng VssID không hiện thẻ bảo hiểm y tế của con."),
    ("thanh-toan-qr", FeedbackKind.OPINION, "Chợ xã nhiều hộ chưa có mã QR, đề nghị tổ hướng dẫn thêm."),
    ("so-suc-khoe", FeedbackKind.COMPLAINT, "Sổ sức khỏe điện tử không có kết quả khám gần nhất ở trạm y tế."),
    ("kham-tu-xa", FeedbackKind.PETITION, "Đề nghị bệnh viện huyện nhận đặt lịch khám qua ứng dụng cả buổi chiều."),
    ("ngan-hang-so", FeedbackKind.COMPLAINT, "Nhận tin nhắn lạ mạo danh ngân hàng, lo bị lừa tiền trong tài khoản."),
    ("san-tmdt", FeedbackKind.OPINION, "Muốn bán chè, măng khô lên sàn nhưng chưa biết cách đăng sản phẩm."),
    ("canh-bao-thien-tai", FeedbackKind.PETITION, "Thôn vùng cao sóng yếu, không nhận được tin cảnh báo mưa lũ."),
    ("giao-duc", FeedbackKind.COMPLAINT, "Không đăng ký được tuyển sinh lớp 1 trực tuyến, trang báo lỗi mã định danh."),
    ("mang-xa-hoi-an-toan", FeedbackKind.OPINION, "Đề nghị tổ chức buổi nói chuyện về lừa đảo qua mạng cho học sinh."),
]
_FORWARDED_TO = ["Công an xã", "Bộ phận một cửa UBND xã", "Trạm y tế xã", "Bưu điện xã", "Trường tiểu học",
                 "Sở Khoa học và Công nghệ"]
_ANSWERS = ["Đã hướng dẫn lại trực tiếp tại nhà, người dân đã dùng được.",
            "Cơ quan giải quyết đã xử lý xong và gửi kết quả qua ứng dụng.",
            "Đã ghi nhận, sẽ tổ chức hướng dẫn tại nhà văn hóa thôn trong tháng.",
            "Lỗi do hệ thống trong thời gian nâng cấp; đã khắc phục."]
_NAMES = ["Hoàng Thị Mai", "Lý Văn Páo", "Nông Văn Dũng", "Ma Thị Lan", "Triệu Văn Phin", "Đặng Thị Nhất",
          "Hà Văn Sáng", "Bàn Thị Dung", "Vàng Seo Chứ", "Lục Thị Hoa"]

SURVEY_TITLE = "Khảo sát điện thoại thông minh và VNeID trong hộ gia đình"
SURVEY_KEY = uuid.uuid5(DEMO_NAMESPACE, "demo-survey/smartphones-vneid")
ANSWERING_SHARE = 0.6
ANSWERS_PER_TEAM = {"small": (3, 5), "default": (3, 8), "province": (3, 8)}
_QUESTIONS = [
    ("Hộ có bao nhiêu điện thoại thông minh?", QuestionKind.NUMBER, [], True),
    ("Chủ hộ đã kích hoạt tài khoản định danh điện tử VNeID mức 2 chưa?", QuestionKind.SINGLE,
     ["Đã kích hoạt", "Đã đăng ký, chưa kích hoạt", "Chưa đăng ký"], True),
    ("Hộ đã dùng những dịch vụ nào trên điện thoại?", QuestionKind.MULTIPLE,
     ["Dịch vụ công trực tuyến", "Thanh toán QR", "Ví điện tử", "VssID", "Sổ sức khỏe điện tử"], False),
    ("Khó khăn lớn nhất khi dùng dịch vụ số?", QuestionKind.SINGLE,
     ["Sóng yếu", "Không biết cách dùng", "Không có điện thoại thông minh", "Lo bị lừa đảo", "Không khó khăn"],
     True),
    ("Ý kiến khác", QuestionKind.TEXT, [], False),
]
_REMARKS = ["Muốn được hướng dẫn thêm về thanh toán.", "Cần hỗ trợ tiếng Mông.", "Con cháu đi làm xa.",
            "Đề nghị lắp thêm trạm phát sóng."]


@dataclass
class CitizenSeed:
    feedback: int = 0
    surveys: int = 0
    answers: int = 0


def _recorders(province: AdminUnit) -> tuple[dict, dict]:
    """{commune id: VH-XH officer user}, {team id: current leader's user id}."""
    officers = {u.username.removeprefix("vhxh."): u for u in User.objects.filter(username__startswith="vhxh.")}
    by_commune = {c.pk: officers.get(c.code) for c in AdminUnit.objects.filter(parent=province).active()}
    leaders = dict(Membership.objects.filter(team__province=province, role=MemberRole.LEADER, end_date=None)
                   .exclude(person__user=None).values_list("team_id", "person__user_id"))
    return by_commune, leaders


def seed_feedback(province: AdminUnit) -> int:
    services = dict(Service.objects.filter(is_active=True).values_list("code", "pk"))
    officers, _leaders = _recorders(province)
    days = answer_days(province)
    now = timezone.now()
    villages: dict[int, list[AdminUnit]] = {}
    for village in AdminUnit.objects.filter(province=province, is_demo=True).villages().active().order_by("code"):
        villages.setdefault(village.commune_id, []).append(village)
    known = set(Feedback.objects.filter(province=province, is_demo=True).values_list("submission_key", flat=True))
    items, events = [], []
    for commune in AdminUnit.objects.filter(parent=province).active().order_by("code"):
        if not villages.get(commune.pk):
            continue
        officer = officers.get(commune.pk)
        rng = random.Random(f"demo-feedback/{commune.code}")
        for number in range(rng.randint(*FEEDBACK_PER_COMMUNE)):
            key = f"demo-feedback/{commune.code}/{number}"
            if key in known:
                continue
            item = random.Random(key)
            code, kind, content = item.choice(_FEEDBACK)
            received = now - timedelta(days=item.randint(1, 60), hours=item.randint(0, 10))
            due = timezone.localtime(received).date() + timedelta(days=days)
            consented = item.random() < 0.4
            feedback = Feedback(
                code="".join(item.choice(CODE_ALPHABET) for _i in range(8)), kind=kind, service_id=services.get(code),
                content=content, unit=item.choice(villages[commune.pk]), province=province, commune=commune,
                citizen_name=item.choice(_NAMES) if consented else "",
                citizen_phone=f"09{item.randint(10000000, 99999999)}" if consented else "",
                consent_at=received if consented else None, consent_version=CONSENT_VERSION if consented else "",
                channel=FeedbackChannel.PUBLIC if item.random() < 0.35 else FeedbackChannel.TEAM,
                submission_key=key, received_at=received, answer_due_on=due, is_demo=True)
            feedback.recorded_by = officer if feedback.channel == FeedbackChannel.TEAM else None
            steps = [(FeedbackStatus.RECEIVED, "", received, feedback.recorded_by)]
            age = (now - received).days
            # Older feedback has moved on more often; some still waits past its deadline.
            stage = item.choices([0, 1, 2, 3], weights=[1, 2, 2, 3] if age > days else [4, 3, 2, 1])[0]
            at = received
            if stage >= 1 and officer is not None:
                at += timedelta(days=item.randint(0, 3), hours=2)
                feedback.forwarded_to = item.choice(_FORWARDED_TO)
                steps.append((FeedbackStatus.FORWARDED, feedback.forwarded_to, at, officer))
                if stage >= 2:
                    at += timedelta(days=item.randint(1, days + 5))
                    feedback.answer, feedback.answered_at = item.choice(_ANSWERS), at
                    steps.append((FeedbackStatus.ANSWERED, feedback.answer, at, officer))
                    if stage == 3:
                        at += timedelta(days=item.randint(1, 5))
                        steps.append((FeedbackStatus.CLOSED, "", at, officer))
            if at > now:  # not in the future: stop at the last step already taken
                steps = [step for step in steps if step[2] <= now]
                feedback.answered_at = next((s[2] for s in steps if s[0] == FeedbackStatus.ANSWERED), None)
                feedback.answer = feedback.answer if feedback.answered_at else ""
                if len(steps) == 1:
                    feedback.forwarded_to = ""
            feedback.status = steps[-1][0]
            items.append(feedback)
            events.append(steps)
    with received_as_given(Feedback):
        Feedback.objects.bulk_create(items, batch_size=1000)
    with received_as_given(FeedbackEvent, "at"):  # each step at its own time
        FeedbackEvent.objects.bulk_create([
            FeedbackEvent(feedback=feedback, status=status, note=note, by=by, at=at)
            for feedback, steps in zip(items, events, strict=True) for status, note, at, by in steps],
            batch_size=2000)
    return len(items)


def seed_survey(province: AdminUnit, *, size: str = "default") -> tuple[int, int]:
    """The province's demo survey and its answers: (surveys added, answers added)."""
    admin = User.objects.filter(username="sokhcn").first()
    if admin is None:
        return 0, 0
    survey = Survey.objects.filter(submission_key=SURVEY_KEY).first()
    added = 0
    if survey is None:
        survey = surveys.survey_create(user=admin, owner=province, title=SURVEY_TITLE, submission_key=SURVEY_KEY,
                                       description="Hỏi chủ hộ hoặc người đại diện; mỗi hộ một phiếu.")
        for n, (text, kind, choices, required) in enumerate(_QUESTIONS):
            surveys.question_add(user=admin, survey=survey, text=text, kind=kind, choices=choices, required=required,
                                 submission_key=uuid.uuid5(DEMO_NAMESPACE, f"demo-survey/question/{n}"))
        added = 1
    teams = list(Team.objects.filter(province=province, is_demo=True, status=TeamStatus.ESTABLISHED)
                 .select_related("unit"))
    if not teams:
        return added, 0
    if survey.status == SurveyStatus.DRAFT:
        surveys.survey_assign(user=admin, survey=survey, teams=teams,
                              deadline=timezone.localdate() + timedelta(days=14))
        opened = timezone.now() - timedelta(days=6)  # given to the teams last week
        Survey.objects.filter(pk=survey.pk).update(opened_at=opened, is_demo=True)
        survey.assignments.update(assigned_at=opened)
    survey.refresh_from_db()
    questions = list(survey.questions.all())
    _officers, leaders = _recorders(province)
    given = set(survey.assignments.values_list("team_id", flat=True))
    known = set(survey.answers.values_list("client_id", flat=True))
    now, tz = timezone.now(), timezone.get_current_timezone()
    answers = []
    for team in teams:
        rng = random.Random(f"demo-survey/{team.unit.code}")
        recorder = leaders.get(team.pk)
        if team.pk not in given or recorder is None or rng.random() > ANSWERING_SHARE:
            continue
        for number in range(rng.randint(*ANSWERS_PER_TEAM[size])):
            client_id = uuid.uuid5(DEMO_NAMESPACE, f"demo-survey/{team.unit.code}/{number}")
            if client_id in known:
                continue
            item = random.Random(str(client_id))
            day = timezone.localtime(survey.opened_at).date() + timedelta(days=item.randint(0, 5))
            made = datetime.combine(day, time(item.choice([8, 9, 15, 16, 19, 20]), item.randint(0, 59)), tzinfo=tz)
            if made <= survey.opened_at:  # the hour had passed on the day it was given: the next day
                made += timedelta(days=1)
            made = min(max(made, survey.opened_at + timedelta(minutes=30)), now - timedelta(minutes=5))
            answers.append(Answer(
                client_id=client_id, survey_id=survey.pk, team_id=team.pk, unit_id=team.unit_id,
                province_id=team.province_id, commune_id=team.commune_id, values=_values(item, questions),
                recorded_by_id=recorder, made_at=made,
                received_at=min(made + timedelta(minutes=item.randint(0, 90)), now), is_demo=True))
    with received_as_given(Answer):
        Answer.objects.bulk_create(answers, batch_size=2000)
    return added, len(answers)


def _values(rng: random.Random, questions) -> dict:
    values = {}
    for question in questions:
        key = str(question.pk)
        if question.kind == QuestionKind.NUMBER:
            values[key] = str(rng.choices([0, 1, 2, 3, 4, 5], weights=[8, 25, 35, 20, 8, 4])[0])
        elif question.kind == QuestionKind.SINGLE:
            values[key] = rng.choices(question.choices, weights=range(len(question.choices) + 1, 1, -1))[0]
        elif question.kind == QuestionKind.MULTIPLE:
            picked = [c for c in question.choices if rng.random() < 0.4]
            if picked:  # none picked: left out, as checked_values stores it
                values[key] = picked
        elif rng.random() < 0.15:
            values[key] = rng.choice(_REMARKS)
    return values


def seed_citizen(province: AdminUnit, *, size: str = "default") -> CitizenSeed:
    feedback = seed_feedback(province)
    added, answers = seed_survey(province, size=size)
    return CitizenSeed(feedback=feedback, surveys=added, answers=answers)


def citizen_totals(province: AdminUnit) -> dict:
    return {"feedback": Feedback.objects.filter(province=province).count(),
            "open_feedback": Feedback.objects.filter(province=province, status__in=[
                FeedbackStatus.RECEIVED, FeedbackStatus.FORWARDED]).count(),
            "survey_answers": Answer.objects.filter(province=province).count()}
