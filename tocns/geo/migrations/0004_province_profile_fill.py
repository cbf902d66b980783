"""Each province already loaded gets its profile, so an existing install keeps printing the same
text: the plan's number and date from the environment variables the settings used to read
(TEAM_PLAN_NUMBER, TEAM_PLAN_DATE, with the same defaults), the portal links from the data file."""

import datetime
import json
import os
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "province_profiles.json"


def _date(text: str):
    try:
        day, month, year = (int(part) for part in text.strip().split("/"))
        return datetime.date(year, month, day)
    except ValueError:
        return None


def fill(apps, schema_editor):
    AdminUnit = apps.get_model("geo", "AdminUnit")
    ProvinceProfile = apps.get_model("geo", "ProvinceProfile")
    number = os.environ.get("TEAM_PLAN_NUMBER", "10/KH-UBND")
    day = _date(os.environ.get("TEAM_PLAN_DATE", "17/7/2025"))
    data = json.loads(DATA.read_text(encoding="utf-8")) if DATA.exists() else {}
    for province in AdminUnit.objects.filter(kind="province"):
        if ProvinceProfile.objects.filter(province=province).exists():
            continue
        city = province.name.casefold().startswith("thành phố ")
        ProvinceProfile.objects.create(
            province=province, word="thanh_pho" if city else "tinh", plan_number=number, plan_date=day,
            portal_links=data.get(province.code, {}).get("portal_links", []))


class Migration(migrations.Migration):
    dependencies = [("geo", "0003_province_profile")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
