"""Topics plan II.2.1 and II.2.2 name that the first catalogue left out (issue #15, item 12)."""

from django.db import migrations

TOPICS = [
    ("dien-thoai-thong-minh", "Sử dụng điện thoại thông minh, truy cập internet, ứng dụng Zalo"),
    ("ban-hang-truc-tuyen", "Bán hàng trực tuyến: chụp ảnh sản phẩm, viết mô tả, quản lý đơn hàng, chăm sóc khách hàng"),
    ("nong-nghiep-so", "Truy xuất nguồn gốc, nông nghiệp thông minh, quản lý vật tư và đầu ra sản phẩm"),
    ("bao-ve-moi-truong", "Ứng dụng phòng chống dịch bệnh, cảnh báo thiên tai, bảo vệ môi trường"),
    ("binh-dan-hoc-vu-so", "Phong trào “Bình dân học vụ số”: cách tự học kỹ năng số"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    last = Topic.objects.order_by("-order").values_list("order", flat=True).first() or 0
    for step, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "order": last + step * 10})


class Migration(migrations.Migration):
    dependencies = [("training", "0003_partner_communes")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
