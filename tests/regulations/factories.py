import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from tocns.regulations import services

MODEL_TEXT = """Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định về tổ chức và hoạt động của Tổ công nghệ số cộng đồng.
Điều 2. Nguyên tắc hoạt động
Tổ hoạt động theo nguyên tắc tự nguyện, tự quản.
Chương II
NHIỆM VỤ
Điều 3. Nhiệm vụ của Tổ
Hướng dẫn người dân sử dụng VNeID, dịch vụ công trực tuyến.
Điều 4. Chế độ báo cáo
Tổ báo cáo trước ngày 30 hằng tháng."""


def make_version(world, *, label="1", text=MODEL_TEXT, issued_on=datetime.date(2026, 9, 1), file=None, by=None):
    return services.version_publish(province=world.province, label=label, title="Quy chế hoạt động mẫu",
                                    issued_on=issued_on, text=text, file=file, submission_key=uuid.uuid4(),
                                    by=by or world.province_admin)


def signed_pdf(name="qd-quy-che.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed scan", "application/pdf")


def start(world, version, *, commune=None, by=None):
    return services.adoption_start(commune=commune or world.commune_a, base=version, submission_key=uuid.uuid4(),
                                   by=by or world.officer_a)


def issue(adoption, *, number="12/QĐ-UBND", signed_on=datetime.date(2026, 10, 5), by=None):
    return services.adoption_issue(adoption=adoption, decision_number=number, signed_on=signed_on,
                                   signer_name="Ma Văn Tiến", signer_title="Chủ tịch UBND xã",
                                   signed_file=signed_pdf(), was=adoption.version, by=by or adoption.created_by)
