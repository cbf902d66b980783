"""Services plan II.2.1, II.2.2 b and c name that the first catalogue left out (issue #15, item 12).
Added only where the province has not made its own with the same code."""

from django.db import migrations

SERVICES = [
    # code, pillar, short name, name, [(indicator, measure)]
    ("dien-thoai-thong-minh", "society", "Điện thoại thông minh",
     "Dùng điện thoại thông minh cơ bản, truy cập internet", [("XH04", "people")]),
    ("zalo", "society", "Zalo", "Cài đặt và sử dụng ứng dụng Zalo", [("XH04", "people")]),
    ("ban-hang-truc-tuyen", "economy", "Bán hàng trực tuyến",
     "Chụp ảnh sản phẩm, viết mô tả, quản lý đơn hàng, chăm sóc khách hàng", [("KT01", "households")]),
    ("vat-tu-dau-ra", "economy", "Vật tư, đầu ra",
     "Quản lý vật tư và đầu ra sản phẩm nông nghiệp bằng ứng dụng số", [("KT05", "households")]),
    ("bao-ve-moi-truong", "society", "Bảo vệ môi trường",
     "Ứng dụng bảo vệ môi trường, phản ánh ô nhiễm", [("XH04", "people")]),
]


def load(apps, schema_editor):
    Service = apps.get_model("fieldwork", "Service")
    ServiceIndicator = apps.get_model("fieldwork", "ServiceIndicator")
    Indicator = apps.get_model("reports", "Indicator")
    for code, pillar, short, name, counts in SERVICES:
        last = Service.objects.filter(pillar=pillar).order_by("-order").values_list("order", flat=True).first() or 0
        service, created = Service.objects.get_or_create(
            code=code, defaults={"pillar": pillar, "short_name": short, "name": name, "order": last + 10})
        if not created:
            continue
        for indicator_code, measure in counts:
            indicator = Indicator.objects.filter(code=indicator_code).first()
            if indicator is not None:
                ServiceIndicator.objects.get_or_create(service=service, indicator=indicator,
                                                       defaults={"measure": measure})


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0009_tally_covering_indexes"), ("reports", "0005_rules_flags_sections_uploads")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
