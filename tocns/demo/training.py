"""Demo training and the guides library: three partner enterprises (the demo `vnpt` login acts for VNPT), a course a
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
from tocns.demo.fieldwork import DEMO_NAMESPACE
from tocns.geo.models import AdminUnit
from tocns.geo.selectors import province_bare_name, province_phrase
from tocns.teams.choices import TeamStatus
from tocns.teams.models import Membership
from tocns.training.models import Attendance, Course, Invitation, Partner, Topic, TrainingSession


def partner_names(province: AdminUnit) -> list[str]:
    """The demo's three partner enterprises, named after the seeded province: "VNPT Tuyên Quang",
    "Viettel Hà Nội", "Bưu điện thành phố Hà Nội"."""
    name = province_bare_name(province)
    return [f"VNPT {name}", f"Viettel {name}", f"Bưu điện {province_phrase(province)}"]


COMMUNES_PER_COURSE = {"small": (2, 3), "default": (5, 12), "province": (5, 12)}
TRAINERS = ["Nguyễn Thị Hồng", "Trần Văn Quang", "Lê Thị Thanh", "Phạm Văn Đức", "Hoàng Văn Minh"]
PLACES = ["Hội trường UBND xã", "Nhà văn hóa thôn", "Trung tâm chính trị huyện cũ", "Điểm Bưu điện văn hóa xã"]


@dataclass
class TrainingSeed:
    courses: int = 0
    sessions: int = 0
    invitations: int = 0
    attendance: int = 0
    guides: int = 0
    public_phones: int = 0


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "demo-training/" + "/".join(str(p) for p in parts))


def seed_training(province: AdminUnit, *, size: str = "default") -> TrainingSeed:
    seed = TrainingSeed()
    admin = User.objects.filter(username="sokhcn").first()
    if admin is None:
        return seed
    partners = []
    for name in partner_names(province):
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
    seed.guides = seed_guides(province)
    seed.public_phones = seed_public_phones(province)
    return seed


def training_totals(province: AdminUnit) -> dict:
    return {"courses": Course.objects.filter(province=province).count(),
            "trained_people": Attendance.objects.filter(present=True, session__course__province=province)
            .values("person_id").distinct().count()}


GUIDES = [
    ("Kích hoạt tài khoản định danh điện tử VNeID mức 2", "government", ["vneid"], "https://vneid.gov.vn", [
        "Mang căn cước công dân gắn chip đến Công an xã (hoặc gặp tổ công nghệ số của thôn để được hẹn lịch).",
        "Cài ứng dụng VNeID từ CH Play hoặc App Store; không cài từ đường dẫn lạ gửi qua tin nhắn.",
        "Mở ứng dụng, chọn “Kích hoạt tài khoản định danh điện tử”, quét mã QR trên căn cước.",
        "Nhập số điện thoại chính chủ, nhập mã OTP, đặt mật khẩu và mã bảo vệ gồm 6 số.",
        "Chờ tin nhắn thông báo kích hoạt thành công rồi đăng nhập lại để kiểm tra."]),
    ("Nộp hồ sơ đăng ký khai sinh trực tuyến", "government", ["dvc-truc-tuyen", "cong-dvc-quoc-gia"],
     "https://dichvucong.gov.vn", [
         "Đăng nhập Cổng dịch vụ công quốc gia bằng tài khoản VNeID mức 2.",
         "Tìm “Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi”.",
         "Điền thông tin của trẻ và cha mẹ, chụp giấy chứng sinh đính kèm.",
         "Nộp lệ phí (nếu có) bằng ví điện tử hoặc ngân hàng, ghi lại mã hồ sơ để tra cứu."]),
    ("Mở ví điện tử và thanh toán bằng mã QR", "economy", ["vi-dien-tu", "thanh-toan-qr"], "", [
        "Cài ứng dụng ví hoặc ngân hàng số; đăng ký bằng số điện thoại và căn cước của chính mình.",
        "Liên kết với tài khoản ngân hàng, đặt mã PIN không trùng ngày sinh.",
        "Khi mua hàng: chọn “Quét mã QR”, kiểm tra đúng tên người bán và số tiền trước khi xác nhận.",
        "Không bao giờ đọc mã OTP cho người khác, kể cả người xưng là ngân hàng, công an."]),
    ("Đưa sản phẩm OCOP lên sàn thương mại điện tử", "economy", ["ocop", "san-tmdt", "gian-hang-so"],
     "https://postmart.vn", [
         "Chuẩn bị ảnh sản phẩm chụp ban ngày, nền trơn, đủ các mặt; giấy chứng nhận OCOP nếu có.",
         "Đăng ký gian hàng trên postmart.vn hoặc voso.vn bằng số điện thoại của hộ, cơ sở.",
         "Viết mô tả ngắn: nguồn gốc, cách dùng, khối lượng, hạn dùng; đặt giá đã gồm phí đóng gói.",
         "Theo dõi đơn hàng hằng ngày, trả lời khách trong ngày."]),
    ("Cài và dùng Sổ sức khỏe điện tử", "society", ["so-suc-khoe"], "", [
        "Đăng nhập ứng dụng VNeID, chọn mục “Sổ sức khỏe điện tử”.",
        "Xem lịch sử khám, tiêm chủng; báo trạm y tế xã nếu thiếu thông tin lần khám gần nhất."]),
]


def seed_guides(province: AdminUnit) -> int:
    from tocns.fieldwork.models import Guide, GuideStep, Service

    admin = User.objects.filter(username="sokhcn").first()
    if admin is None:
        return 0
    services = {s.code: s for s in Service.objects.all()}
    added = 0
    for title, pillar, codes, url, steps in GUIDES:
        guide, created = Guide.objects.get_or_create(submission_key=_key("guide", title), defaults={
            "title": title, "pillar": pillar, "official_url": url, "is_published": True, "updated_by": admin,
            "summary": "Hướng dẫn từng bước để tổ giúp người dân ngay trên điện thoại.", "is_demo": True})
        if not created:
            continue
        added += 1
        guide.services.set([services[code] for code in codes if code in services])
        GuideStep.objects.bulk_create([GuideStep(guide=guide, order=n, text=text, submission_key=_key("step", title, n))
                                       for n, text in enumerate(steps, start=1)])
    return added


def seed_public_phones(province: AdminUnit) -> int:
    """About half the demo members chose to show their phone on their team's public page."""
    from tocns.teams.models import Person

    chosen = [pk for pk in Person.objects.filter(province=province, is_demo=True, phone_public=False)
              .exclude(phone=None).values_list("pk", flat=True) if random.Random(f"public-phone/{pk}").random() < 0.5]
    return Person.objects.filter(pk__in=chosen).update(phone_public=True)
