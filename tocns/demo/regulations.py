"""Demo operating regulations and coordination groups (issue #15, plan III.1 ¶3 and II.3 ¶1).

The province published a model regulation (version 1) early in the year and a revised one
(version 2) two months ago. Most communes issued theirs on version 1, some already on version 2,
a few are drafting, some have none yet (the first xã among them, so its office sees the to-do).
About a third of the communes keep their coordination group's Zalo link; half of those marked the
Zalo group as up to date some weeks ago, since when people have come and gone.

Deterministic and idempotent: every row is found again by a submission key made from the commune's
code; a second run adds nothing."""

import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from tocns.accounts.models import Assignment, Role
from tocns.coordination.models import CoordinationGroup, RosterSnapshot
from tocns.coordination.roster import roster_for
from tocns.geo.models import AdminUnit
from tocns.regulations.models import Adoption, AdoptionStatus, RegulationVersion
from tocns.teams.documents import name_in_text

NAMESPACE = uuid.UUID("5b7c1f0e-2a4d-4b8e-9c3f-6d1e0a2b3c4d")

MODEL_V1 = "\n".join((
    'Chương I',
    'QUY ĐỊNH CHUNG',
    'Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng',
    'Quy chế này quy định về tổ chức, nhiệm vụ, chế độ làm việc và mối quan hệ công tác của Tổ công nghệ '
    'số cộng đồng cấp xã và các Tổ công nghệ số cộng đồng thôn, tổ dân phố trên địa bàn.',
    'Điều 2. Nguyên tắc hoạt động',
    'Tổ hoạt động theo nguyên tắc tự nguyện, tự quản, dưới sự chỉ đạo của Ủy ban nhân dân cấp xã và sự '
    'hướng dẫn, điều phối chung của Phòng Văn hóa và Xã hội.',
    'Chương II',
    'NHIỆM VỤ CỦA TỔ',
    'Điều 3. Tuyên truyền',
    'Tuyên truyền, phổ biến chủ trương, chính sách về chuyển đổi số; vận động người dân tự học kỹ năng số'
    ' qua nền tảng Bình dân học vụ số.',
    'Điều 4. Hướng dẫn người dân',
    'Hướng dẫn người dân cài đặt, sử dụng ứng dụng VNeID, dịch vụ công trực tuyến, thanh toán không dùng '
    'tiền mặt, thương mại điện tử và các nền tảng số phổ biến.',
    'Chương III',
    'CHẾ ĐỘ LÀM VIỆC',
    'Điều 5. Chế độ báo cáo',
    'Tổ thôn báo cáo kết quả hằng tháng về Ủy ban nhân dân cấp xã (qua Phòng Văn hóa và Xã hội) trước '
    'ngày 30; Ủy ban nhân dân cấp xã tổng hợp, báo cáo Sở Khoa học và Công nghệ hằng quý, hằng năm.',
    'Điều 6. Trao đổi thông tin',
    'Các thành viên trao đổi công việc qua nhóm Zalo chung của xã và nhóm Zalo của từng Tổ.',
))

MODEL_V2_EXTRA = "\n".join((
    'Chương IV',
    'PHỐI HỢP',
    'Điều 7. Phối hợp với doanh nghiệp',
    'Tổ phối hợp với các doanh nghiệp bưu chính, viễn thông trên địa bàn để được hỗ trợ thiết bị, SIM, '
    'kết nối và tập huấn kỹ năng.',
    'Điều 8. Tổ chức thực hiện',
    'Phòng Văn hóa và Xã hội theo dõi, đôn đốc việc thực hiện Quy chế; trong quá trình thực hiện, nếu có '
    'vướng mắc, báo cáo Chủ tịch Ủy ban nhân dân cấp xã xem xét, sửa đổi cho phù hợp.',
))

# A one-page PDF standing for a signed scan.
SIGNED_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
              b"endobj\n"
              b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _key(*parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "-".join(str(p) for p in parts))


def _version(province, admin, *, label, title, issued_on, text) -> RegulationVersion:
    key = _key("model", province.code, label)
    version = RegulationVersion.objects.filter(submission_key=key).first()
    if version is None:
        version = RegulationVersion.objects.create(
            province=province, label=label, title=title, issued_on=issued_on, text=text, published_by=admin,
            submission_key=key, is_demo=True)
    return version


def _adapted(text: str, commune: AdminUnit) -> str:
    """The commune's own touch: its name in article 1, an earlier report day for some."""
    text = text.replace("trên địa bàn.", f"trên địa bàn {name_in_text(commune)}.", 1)
    if int(commune.code[-1]) % 2:
        text = text.replace("trước ngày 30", "trước ngày 25")
    return text


def seed_regulations(province: AdminUnit, *, size: str = "default") -> int:
    """Returns how many adoptions it made (0 on a second run)."""
    admin_assignment = (Assignment.objects.active().filter(role=Role.PROVINCE_ADMIN, unit=province)
                        .select_related("user").order_by("id").first())
    if admin_assignment is None:
        return 0
    admin, today = admin_assignment.user, timezone.localdate()
    v1 = _version(province, admin, label="1", title="Quy chế hoạt động mẫu của Tổ công nghệ số cộng đồng",
                  issued_on=today - timedelta(days=240), text=MODEL_V1)
    v2 = _version(province, admin, label="2",
                  title="Quy chế hoạt động mẫu của Tổ công nghệ số cộng đồng (sửa đổi, bổ sung)",
                  issued_on=today - timedelta(days=60), text=MODEL_V1 + "\n" + MODEL_V2_EXTRA)
    communes = list(AdminUnit.objects.filter(parent=province).communes().active().order_by("code"))
    existing = set(Adoption.objects.filter(province=province).values_list("submission_key", flat=True))
    officers = {a.unit_id: a.user for a in Assignment.objects.active().filter(
        role=Role.COMMUNE_OFFICER, unit__in=communes).select_related("user").order_by("id")}
    chairmen = {a.unit_id: a.user for a in Assignment.objects.active().filter(
        role=Role.COMMUNE_CHAIRMAN, unit__in=communes).select_related("user").order_by("id")}
    made = 0
    for index, commune in enumerate(communes):
        by = officers.get(commune.pk) or chairmen.get(commune.pk) or admin
        slot = index % 10
        if slot in (0, 1):
            continue  # none yet
        base = v2 if slot in (3, 4, 5) else v1
        key = _key("adoption", commune.code, base.label)
        if key in existing:
            continue
        adoption = Adoption(province=province, commune=commune, base=base, title=f"Quy chế hoạt động của Tổ công "
                            f"nghệ số cộng đồng {name_in_text(commune)}", text=_adapted(base.text, commune),
                            created_by=by, submission_key=key, is_demo=True)
        if slot == 3:  # still drafting on version 2
            adoption.save()
            made += 1
            continue
        signed_on = base.issued_on + timedelta(days=10 + index % 20)
        chairman = chairmen.get(commune.pk)
        adoption.status, adoption.issued_by = AdoptionStatus.ISSUED, by
        adoption.decision_number = f"{20 + index}/QĐ-UBND"
        adoption.signed_on = min(signed_on, today)
        adoption.signer_name = chairman.full_name if chairman else "Chủ tịch UBND"
        adoption.signer_title = "Chủ tịch UBND xã"
        adoption.issued_at = timezone.now()
        adoption.signed_file.save(f"qd-quy-che-{commune.code}-demo.pdf", ContentFile(SIGNED_PDF), save=False)
        adoption.save()
        made += 1
    _seed_groups(communes)
    return made


DEPARTED = [("Hoàng Văn Bình", "0915 200 311", "Cán bộ phòng Văn hóa - Xã hội (đã chuyển công tác)"),
            ("Nguyễn Thị Hạnh", "0988 410 522", "Tổ trưởng (đã thôi)")]


def _seed_groups(communes) -> None:
    for index, commune in enumerate(communes):
        if index % 3:
            continue
        group, _created = CoordinationGroup.objects.get_or_create(
            commune=commune, defaults={"province_id": commune.province_id, "is_demo": True,
                                       "zalo_url": f"https://zalo.me/g/tocns-demo-{commune.code}"})
        if index % 6 or group.snapshots.exists():
            continue
        officer = Assignment.objects.active().filter(role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIRMAN],
                                                     unit=commune).select_related("user").first()
        if officer is None:
            continue
        members = roster_for(commune).snapshot()
        # Since then a team leader took up the role (to add) and someone left (to remove).
        members = members[:-1] if len(members) > 3 else members
        name, phone, role = DEPARTED[(index // 6) % len(DEPARTED)]
        members.append({"key": f"demo-{commune.code}", "name": name, "phone": phone.replace(" ", ""),
                        "roles": [role]})
        snapshot = RosterSnapshot.objects.create(group=group, province_id=commune.province_id, commune=commune,
                                                 members=members, taken_by=officer.user,
                                                 submission_key=_key("snapshot", commune.code), is_demo=True)
        RosterSnapshot.objects.filter(pk=snapshot.pk).update(taken_at=timezone.now() - timedelta(days=21))
