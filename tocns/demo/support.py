"""Demo support requests (issue #15, plan III.4 ¶2): the training demo's three enterprises serve
communes (VNPT all of them, Viettel one in two, the post office one in three), and team leaders and
commune offices have asked them for SIMs, devices, coverage and platform fixes: about thirty requests
in every state, a few overdue, each with its steps.

Deterministic and idempotent: a request is found again by its submission key, and communes are
given to an enterprise only while it serves none; a second run adds nothing."""

import random
from datetime import timedelta

from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.demo.training import partner_names
from tocns.geo.models import AdminUnit
from tocns.support.models import SupportEvent, SupportKind, SupportRequest, SupportStatus
from tocns.support.selectors import asker_team
from tocns.support.services import _new_code, answer_working_days, working_days_after
from tocns.training.models import Partner

REQUESTS = {"small": 30, "default": 36, "province": 40}
TEXTS = {
    SupportKind.SIM: [
        "Cần 6 SIM chính chủ cho người cao tuổi trong thôn để cài VNeID mức 2.",
        "Nhiều hộ dùng SIM chưa chuẩn hóa thông tin, nhờ doanh nghiệp về thôn chuẩn hóa giúp.",
        "Xin hỗ trợ SIM 4G giá thấp cho 10 hộ nghèo để dùng ứng dụng ngân hàng.",
    ],
    SupportKind.DEVICES: [
        "Tổ cần 2 điện thoại thông minh cũ để hướng dẫn người dân thực hành tại nhà văn hóa.",
        "Nhà văn hóa thôn chưa có máy tính để hướng dẫn nộp hồ sơ dịch vụ công.",
    ],
    SupportKind.COVERAGE: [
        "Sóng di động rất yếu ở khu dưới suối, người dân không nhận được mã OTP.",
        "Điểm Wi-Fi nhà văn hóa thôn mất kết nối từ tuần trước, nhờ kiểm tra.",
        "Khu tái định cư chưa có sóng 4G, người dân phải lên đồi mới gọi được.",
    ],
    SupportKind.PLATFORM: [
        "Nhiều người không đăng nhập được ứng dụng thanh toán của doanh nghiệp sau khi cập nhật.",
        "Mã QR thanh toán của hộ kinh doanh trong chợ báo lỗi, nhờ hướng dẫn cài lại.",
    ],
    SupportKind.OTHER: [
        "Đề nghị cử cán bộ kỹ thuật dự buổi hướng dẫn người dân vào tối thứ Bảy.",
    ],
}
ANSWERS = [
    "Đã cử nhân viên điểm giao dịch về thôn chiều thứ Năm, mang theo SIM và máy chuẩn hóa thông tin.",
    "Đã kiểm tra trạm phát sóng, thay thiết bị; sóng đã ổn định. Nếu còn yếu báo lại số điện thoại 0207.",
    "Doanh nghiệp hỗ trợ 2 máy cũ, tổ nhận tại Bưu điện văn hóa xã từ thứ Hai.",
    "Đã gửi hướng dẫn cài lại ứng dụng qua nhóm Zalo của tổ, nhân viên sẽ gọi từng hộ còn lỗi.",
]
# The story of each request: how far it went, and how many days ago it was sent.
PLAN = ([SupportStatus.SENT] * 5 + [SupportStatus.RECEIVED] * 4 + [SupportStatus.IN_PROGRESS] * 5
        + [SupportStatus.ANSWERED] * 6 + [SupportStatus.REOPENED] * 2 + [SupportStatus.CLOSED] * 10)


def _serve(partners: list[Partner], communes: list[AdminUnit]) -> None:
    for step, partner in zip((1, 2, 3), partners, strict=False):
        if not partner.communes.exists():
            partner.communes.add(*communes[::step])


def _askers(province: AdminUnit) -> list[tuple]:
    """(user, unit) pairs that may ask: the demo's team leaders and commune officers, first communes first."""
    rows = (Assignment.objects.active().filter(unit__province=province, role__in=[Role.TEAM_LEADER,
                                                                                 Role.COMMUNE_OFFICER],
                                               user__is_demo=True, user__is_active=True)
            .select_related("user", "unit__commune").order_by("unit__commune__code", "role", "unit__code"))
    leaders = [(a.user, a.unit) for a in rows if a.role == Role.TEAM_LEADER and a.unit.is_village][:8]
    communes = {unit.commune_id for _user, unit in leaders}
    officers = [(a.user, a.unit) for a in rows if a.role == Role.COMMUNE_OFFICER and a.unit_id in communes]
    return leaders + officers[:6]


def seed_support(province: AdminUnit, *, size: str = "default") -> int:
    names = partner_names(province)
    partners = [p for p in (Partner.objects.filter(province=province, name=name).first() for name in names) if p]
    if not partners:
        partners = [Partner.objects.get_or_create(province=province, name=name, defaults={"is_demo": True})[0]
                    for name in names]
    communes = list(AdminUnit.objects.filter(parent=province).communes().active().order_by("code"))
    _serve(partners, communes)
    askers = _askers(province)
    if not askers:
        return 0
    rng = random.Random(f"demo-support/{province.code}")
    days = answer_working_days(province)
    now = timezone.now()
    created = 0
    for index in range(REQUESTS.get(size, 30)):
        key = f"demo-support/{province.code}/{index}"
        if SupportRequest.objects.filter(submission_key=key).exists():
            continue
        user, unit = askers[index % len(askers)]
        serving = [p for p in partners if p.communes.filter(pk=unit.commune_id).exists()]
        if not serving:
            continue
        partner = serving[index % len(serving)] if index % 2 else serving[0]  # VNPT (the demo login) gets most
        status = PLAN[index % len(PLAN)]
        kind = rng.choice(list(TEXTS))
        # Open ones: mostly recent, every fourth one old enough to be overdue; finished ones older.
        if status in (SupportStatus.SENT, SupportStatus.RECEIVED, SupportStatus.IN_PROGRESS, SupportStatus.REOPENED):
            ago = rng.randint(12, 25) if index % 4 == 0 else rng.randint(0, 3)
        else:
            ago = rng.randint(8, 60)
        sent_at = now - timedelta(days=ago, hours=rng.randint(0, 8))
        sent_on = timezone.localdate(sent_at)
        item = SupportRequest.objects.create(
            code=_new_code(), kind=kind, description=rng.choice(TEXTS[kind]), partner=partner, unit=unit,
            province=province, commune=unit.commune, team=asker_team(user, unit), asked_by=user,
            wanted_by=sent_on + timedelta(days=rng.choice([7, 10, 14])) if index % 2 else None,
            submission_key=key, status=status, sent_at=sent_at,
            answer_due_on=working_days_after(sent_on, days), is_demo=True)
        staff = partner.users.order_by("pk").first()
        steps = [(SupportStatus.SENT, user, "", sent_at)]
        order = [SupportStatus.RECEIVED, SupportStatus.IN_PROGRESS, SupportStatus.ANSWERED, SupportStatus.REOPENED,
                 SupportStatus.CLOSED]
        reach = {SupportStatus.SENT: 0, SupportStatus.RECEIVED: 1, SupportStatus.IN_PROGRESS: 2,
                 SupportStatus.ANSWERED: 3, SupportStatus.REOPENED: 4, SupportStatus.CLOSED: 5}[status]
        at = sent_at
        answer = ""
        for step in order[:reach]:
            if step == SupportStatus.REOPENED and status == SupportStatus.CLOSED:
                continue
            gap = max(1, ago // 6) if ago > 6 else 0
            at = min(now, at + timedelta(days=gap, hours=rng.randint(1, 5)))
            note = ""
            if step == SupportStatus.ANSWERED:
                answer = note = rng.choice(ANSWERS)
            elif step == SupportStatus.REOPENED:
                note = "Sau khi doanh nghiệp xử lý, khu dưới suối vẫn chưa có sóng ổn định."
            elif step == SupportStatus.CLOSED:
                note = "Đã giải quyết xong, cảm ơn doanh nghiệp."
            by = staff if step in (SupportStatus.RECEIVED, SupportStatus.IN_PROGRESS, SupportStatus.ANSWERED) else user
            steps.append((step, by, note, at))
        answered = [s for s in steps if s[0] == SupportStatus.ANSWERED]
        if answered:
            item.answer, item.answered_at, item.answered_by = answer, answered[-1][3], staff
        if status == SupportStatus.CLOSED:
            item.closed_at = steps[-1][3]
        item.version = len(steps)
        item.save()
        SupportEvent.objects.bulk_create([SupportEvent(request=item, status=step, by=by, note=note, at=at)
                                          for step, by, note, at in steps])
        created += 1
    return created
