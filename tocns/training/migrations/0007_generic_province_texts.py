"""The national topics name no province: two of 0002's named Tuyên Quang's portal and tourism app.
A province's own links are its data (geo.ProvinceProfile.portal_links)."""

from django.db import migrations

TEXTS = [
    ("cong-thong-tin-tinh", "Cổng thông tin điện tử tỉnh Tuyên Quang (tuyenquang.gov.vn)",
     "Cổng thông tin điện tử của tỉnh"),
    ("du-lich-so", "Cổng thông tin du lịch mytuyenquang.vn và ứng dụng “Tuyen Quang Tourism”",
     "Cổng, ứng dụng du lịch của tỉnh"),
]


def generic(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for code, old, new in TEXTS:
        Topic.objects.filter(code=code, province__isnull=True, name=old).update(name=new)


def back(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for code, old, new in TEXTS:
        Topic.objects.filter(code=code, province__isnull=True, name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [("training", "0006_catalogue_province")]
    operations = [migrations.RunPython(generic, back)]
