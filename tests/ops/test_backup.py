"""The restore drill: back up the database and the uploaded files, restore into a fresh database
(SQLite: a new file; PostgreSQL: a new database, dropped after), and compare every table's rows
and checksum (issue 12, item 10). Runs on whichever database the suite runs on."""

import datetime
import io
import json
import tarfile
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tocns.ops.backup import BackupError, compare, create_backup, database_fingerprints, restore_backup
from tocns.teams.choices import DecisionKind
from tocns.teams.models import Decision, Person

from ..factories import make_team

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED = b"%PDF-1.4 signed decision 45/QD-UBND " + bytes(range(256))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(world, media):
    """A team with members, a person with diacritics and a NULL phone, a signed decision on disk."""
    team = make_team(world, world.village_a1, members=4)
    Person.objects.create(full_name="Đặng Thị Ỷ “Nhỏ”\tNà Khà", province=world.province, commune=world.commune_a,
                          phone=None, birth_year=1970)
    decision = Decision(kind=DecisionKind.ESTABLISH, number="45/QĐ-UBND", signed_on=datetime.date(2026, 9, 1),
                        signer_name="Ma Văn Tiến", team=team, province=world.province, commune=world.commune_a)
    decision.signed_file.save("qd-45.pdf", ContentFile(SIGNED), save=True)
    return team


@pytest.fixture
def fresh_database(tmp_path):
    """Settings of a new, empty database of the same engine as the one under test."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    name = f"tocns_drill_{uuid.uuid4().hex[:10]}"
    admin = {k: v for k, v in {"dbname": "postgres", "user": source.get("USER"), "password": source.get("PASSWORD"),
                               "host": source.get("HOST"), "port": source.get("PORT")}.items() if v}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**source, "NAME": name}
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_drill_restores_every_row_and_file_into_a_fresh_database(filled, media, fresh_database, tmp_path):
    source = connection.settings_dict
    archive = tmp_path / "out" / "tocns-backup.tar"
    made = create_backup(db=source, media_root=media, out=archive)
    before = database_fingerprints(source)
    assert made.manifest["tables"] == before  # the manifest describes the database it was taken from
    assert before["teams_person"]["rows"] == 5 and before["teams_membership"]["rows"] == 4
    assert before["django_migrations"]["rows"] > 20

    restored_media = tmp_path / "media-restored"
    restore_backup(archive_path=archive, db=fresh_database, media_root=restored_media)
    after = database_fingerprints(fresh_database)
    assert compare(before, after) == [] and after == before
    assert (restored_media / Decision.objects.get().signed_file.name).read_bytes() == SIGNED


def test_a_changed_row_changes_its_tables_checksum_and_nothing_else(filled):
    before = database_fingerprints(connection.settings_dict)
    Person.objects.filter(full_name__startswith="Đặng Thị Ỷ").update(birth_year=1971)
    after = database_fingerprints(connection.settings_dict)
    assert compare(before, after) == ["teams_person: checksum differs"]


def test_restore_refuses_a_database_that_is_not_empty_and_writes_nothing(filled, media, fresh_database, tmp_path):
    archive = tmp_path / "b.tar"
    create_backup(db=connection.settings_dict, media_root=media, out=archive)
    restore_backup(archive_path=archive, db=fresh_database, media_root=tmp_path / "m")
    before = database_fingerprints(fresh_database)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(archive_path=archive, db=fresh_database, media_root=tmp_path / "m")
    assert database_fingerprints(fresh_database) == before
    # The command says so too, for the database the app runs on.
    with pytest.raises(CommandError, match="not empty|in-memory"):
        call_command("restore", str(archive))
    assert Person.objects.count() == 5


def test_restore_refuses_a_damaged_archive_before_loading_anything(filled, media, fresh_database, tmp_path):
    archive = tmp_path / "b.tar"
    made = create_backup(db=connection.settings_dict, media_root=media, out=archive)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == made.manifest["database"]["member"]:
                data = data[:-100] + bytes(100)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore_backup(archive_path=damaged, db=fresh_database, media_root=tmp_path / "m")
    if connection.vendor == "sqlite":
        assert not (tmp_path / "restored.sqlite3").exists()
    else:
        assert database_fingerprints(fresh_database) == {}


def test_the_backup_command_writes_one_archive_with_a_manifest(filled, media, tmp_path, capsys):
    call_command("backup", "--dir", str(tmp_path / "backups"))
    [archive] = (tmp_path / "backups").glob("tocns-backup-*.tar")
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("manifest.json"))
    assert names[0] == "manifest.json" and manifest["engine"] in ("sqlite", "postgresql")
    assert archive.stat().st_mode & 0o077 == 0  # personal data: the owner alone reads it
    assert any(name.startswith("media/decisions/") for name in names)
    assert manifest["tables"]["teams_team"]["rows"] == 1 and len(manifest["media"]) == 1
    assert "uploaded files" in capsys.readouterr().out
