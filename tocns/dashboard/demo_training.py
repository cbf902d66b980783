"""Demo training: three partner enterprises (the demo `vnpt` login acts for VNPT), a course a
topic over the last months, each with one to three sessions, inviting the members of the teams
of a few dozen communes, with most present at past sessions. Repeated courses leave some members
trained twice and many never, as the plan expects early on.

Deterministic and idempotent: courses and sessions are found again by their submission keys
(uuid5), invitations and attendance by their unique pairs: a second run adds nothing."""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from tocns.accounts.models import User
from tocns.dashboard.demo_fieldwork import DEMO_NAMESPACE
from tocns.geo.models import AdminUnit
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Membership
from tocns.training.models import Attendance, Course, Invitation, Partner, Topic, TrainingSession

PARTNERS = ["VNPT Tuyên Quang", "Viettel Tuyên Quang", "Bưu điện tỉnh Tuyên Quang"]
COMMUNES_PER_COURSE = {"small": (2, 3), "default": (5, 12), "province": (5, 12)}
TRAINERS = ["Nguyễn Thị Hồng", "Trần Văn Quang", "Lê Thị Thanh", "Phạm Văn Đức", "Hoàng Văn Minh"]
PLACES = ["Hội trường UBND xã", "Nhà văn hóa thôn", "Trung tâm chính trị huyện cũ", "Điểm Bưu điện văn hóa xã"]


@dataclass
class TrainingSeed:
    courses: int = 0
    sessions: int = 0
    invitations: int = 0
    attendance: int = 0


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "demo-training/" + "/".join(str(p) for p in parts))


def seed_training(province: AdminUnit, *, size: str = "default") -> TrainingSeed:
    seed = TrainingSeed()
    admin = User.objects.filter(username="sokhcn").first()
    if admin is None:
        return seed
    partners = []
    for name in PARTNERS:
        partner, _created = Partner.objects.get_or_create(province=province, name=name, defaults={"is_demo": True})
        partners.append(partner)
    vnpt_login = User.objects.filter(username="vnpt").first()
    if vnpt_login is not None:
        partners[0].users.add(vnpt_login)
    communes = list(AdminUnit.objects.filter(parent=province).active().order_by("code"))
    members: dict[int, list[tuple[int, int]]] = {}  # commune id -> [(person id, team id)]
    for person_id, team_id, commune_id in (
            Membership.objects.active().filter(team__province=province, team__is_demo=True)
            .exclude(team__status=TeamStatus.DISSOLVED).order_by("pk")
            .values_list("person_id", "team_id", "team__commune_id")):
        members.setdefault(commune_id, []).append((person_id, team_id))
    now, tz = timezone.now(), timezone.get_current_timezone()
    for topic in Topic.objects.filter(is_active=True):
        rng = random.Random(f"demo-training/{topic.code}")
        partner = rng.choice([None, *partners])
        course, created = Course.objects.get_or_create(submission_key=_key(topic.code), defaults={
            "title": f"Tập huấn {topic.name[0].lower()}{topic.name[1:]}", "topic": topic, "province": province,
            "partner": partner, "description": "Hướng dẫn cài đặt, sử dụng và cách hướng dẫn lại người dân.",
            "created_by": admin, "is_demo": True})
        seed.courses += created
        sessions = []
        for number in range(rng.randint(1, 3)):
            day = (now - timedelta(days=rng.randint(10, 200))).date()
            session, created = TrainingSession.objects.get_or_create(submission_key=_key(topic.code, number), defaults={
                "course": course, "starts_at": datetime.combine(day, time(rng.choice([8, 14])), tzinfo=tz),
                "place": rng.choice(PLACES), "trainer_name": rng.choice(TRAINERS), "is_demo": True})
            seed.sessions += created
            sessions.append(session)
        chosen = rng.sample(communes, min(len(communes), rng.randint(*COMMUNES_PER_COURSE[size])))
        invited = set(course.invitations.values_list("person_id", flat=True))
        new = []
        for commune in chosen:
            for person_id, team_id in members.get(commune.pk, []):
                if person_id not in invited:
                    invited.add(person_id)
                    new.append(Invitation(course=course, person_id=person_id, team_id=team_id, commune=commune,
                                          invited_by=admin))
        Invitation.objects.bulk_create(new, batch_size=2000)
        seed.invitations += len(new)
        for session in sessions:
            if session.starts_at > now:
                continue
            marked = set(session.attendance.values_list("person_id", flat=True))
            trainer = vnpt_login if vnpt_login is not None and course.partner_id == partners[0].pk else admin
            rows = [Attendance(session=session, person_id=person_id, recorded_by=trainer,
                               present=random.Random(f"{session.submission_key}/{person_id}").random() < 0.75)
                    for person_id in sorted(invited - marked)]
            Attendance.objects.bulk_create(rows, batch_size=2000)
            seed.attendance += len(rows)
    return seed


def training_totals(province: AdminUnit) -> dict:
    return {"courses": Course.objects.filter(province=province).count(),
            "trained_people": Attendance.objects.filter(present=True, session__course__province=province)
            .values("person_id").distinct().count()}
