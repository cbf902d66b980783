"""Consents given before this app kept them per purpose: one row each, from the people's flags,
under the notice versions of the time. given_by is unknown for them (the audit log has who saved the
person)."""

from django.db import migrations
from django.utils import timezone

VERSIONS = {"ethnic_group": "2026-01", "phone_team": "2026-11", "phone_public": "2026-01"}


def forwards(apps, schema_editor):
    Person = apps.get_model("teams", "Person")
    Consent = apps.get_model("privacy", "Consent")
    now = timezone.now()
    rows = []
    for person in Person.objects.only("pk", "ethnic_group_consent_at", "phone_public", "phone_shared_with_team",
                                      "updated_at").iterator(chunk_size=1000):
        if person.ethnic_group_consent_at:
            rows.append(Consent(person_id=person.pk, purpose="ethnic_group", notice_version=VERSIONS["ethnic_group"],
                                given_at=person.ethnic_group_consent_at))
        if person.phone_shared_with_team:
            rows.append(Consent(person_id=person.pk, purpose="phone_team", notice_version=VERSIONS["phone_team"],
                                given_at=person.updated_at or now))
        if person.phone_public:
            rows.append(Consent(person_id=person.pk, purpose="phone_public", notice_version=VERSIONS["phone_public"],
                                given_at=person.updated_at or now))
    Consent.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_rights_requests_and_consents")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
