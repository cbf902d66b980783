"""The national catalogue names no province: the portal and tourism service of 0002 said Tuyên
Quang's. A province's own links are its data (geo.ProvinceProfile.portal_links)."""

from django.db import migrations

OLD = "Cổng thông tin điện tử tỉnh, cổng và ứng dụng du lịch Tuyen Quang Tourism"
NEW = "Cổng thông tin điện tử của tỉnh; cổng, ứng dụng du lịch của tỉnh"


def generic(apps, schema_editor):
    Service = apps.get_model("fieldwork", "Service")
    Service.objects.filter(code="cong-thong-tin-tinh", province__isnull=True, name=OLD).update(name=NEW)


def back(apps, schema_editor):
    Service = apps.get_model("fieldwork", "Service")
    Service.objects.filter(code="cong-thong-tin-tinh", province__isnull=True, name=NEW).update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0012_catalogue_province")]
    operations = [migrations.RunPython(generic, back)]
