from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tocns.audit.management.commands.prune_audit import months_before
from tocns.audit.models import AppendOnlyError, AuditEntry
from tocns.audit.services import audit_record, record_read

from ..factories import make_person

pytestmark = pytest.mark.django_db


def _entry(world, **extra):
    return audit_record(actor=world.officer_a, action="team.zalo", obj=world.commune_a, summary="Đổi nhóm Zalo",
                        **extra)


def test_saving_an_existing_entry_again_is_refused_and_it_stays_as_written(world):
    entry = _entry(world)
    entry.summary = "Sửa lại cho đẹp"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Đổi nhóm Zalo"


def test_deleting_an_entry_is_refused(world):
    entry = _entry(world)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_queryset_can_neither_update_nor_delete_entries(world):
    _entry(world)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(action="team.zalo").update(summary="xoá dấu vết")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update(list(AuditEntry.objects.all()), ["summary"])
    assert AuditEntry.objects.filter(summary="Đổi nhóm Zalo").count() == 1


def test_a_read_is_one_entry_naming_every_person_it_showed(world):
    people = [make_person(world, full_name=f"Người {i}", phone=f"098765432{i}") for i in range(3)]
    entry = record_read(actor=world.officer_a, action="members.export", obj=world.commune_a,
                        summary="Xuất danh sách", people=people)
    assert AuditEntry.objects.count() == 1 and entry.is_read
    assert entry.data["people"] == 3
    assert list(AuditEntry.objects.about_person(people[1].pk)) == [entry]
    assert not AuditEntry.objects.about_person(people[0].pk + 1000).exists()


def test_prune_removes_only_entries_older_than_twelve_months_and_says_how_many(world, capsys):
    old, recent = _entry(world), _entry(world)
    # Backdate through the database only: the model itself refuses to update an entry.
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE id = %s",
                       [timezone.now() - timedelta(days=370), old.pk])
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE id = %s",
                       [timezone.now() - timedelta(days=330), recent.pk])
    call_command("prune_audit")
    assert "Đã xoá 1 mục nhật ký" in capsys.readouterr().out
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_retention_is_a_setting(world, settings, capsys):
    settings.AUDIT_RETENTION_MONTHS = 1
    entry = _entry(world)
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE id = %s",
                       [timezone.now() - timedelta(days=40), entry.pk])
    call_command("prune_audit")
    assert "Đã xoá 1 mục" in capsys.readouterr().out and not AuditEntry.objects.exists()


def test_twelve_months_back_from_the_thirty_first_lands_on_a_real_day():
    moment = timezone.now().replace(year=2026, month=3, day=31)
    assert months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert months_before(moment, 12).date().isoformat() == "2025-03-31"
