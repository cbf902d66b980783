"""The topics plan II.4 names; the province adds others over time."""

from django.db import migrations

TOPICS = [
    ("chinh-sach-cds", "Chủ trương, chính sách, pháp luật về chuyển đổi số"),
    ("dich-vu-cong", "Sử dụng dịch vụ công trực tuyến"),
    ("vneid", "Định danh điện tử VNeID"),
    ("thuong-mai-dien-tu", "Sàn thương mại điện tử"),
    ("thanh-toan-dien-tu", "Thanh toán điện tử"),
    ("so-suc-khoe", "Sổ sức khỏe điện tử"),
    ("phong-chong-dich", "Nền tảng công nghệ phòng, chống dịch"),
    ("cong-thong-tin-tinh", "Cổng thông tin điện tử tỉnh Tuyên Quang (tuyenquang.gov.vn)"),
    ("du-lich-so", "Cổng thông tin du lịch mytuyenquang.vn và ứng dụng “Tuyen Quang Tourism”"),
    ("ky-nang-so", "Kỹ năng số, an toàn trên không gian mạng"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for order, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_courses_sessions_attendance")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
