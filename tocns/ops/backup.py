"""One archive holds the whole install: the database (SQLite through its online backup API,
PostgreSQL through `pg_dump -Fc`) and the uploaded files (MEDIA_ROOT), with a manifest that
names every table's row count and checksum and every file's SHA-256.

A restore goes into an empty database only, and is checked against the manifest before it is
called done: a backup nobody has restored is a hope, not a backup.

Checksums are taken in the same snapshot as the dump, so the manifest describes exactly what the
archive holds, even while the app keeps writing. A table's checksum is the MD5 of its rows in
primary-key order, each row written the way its engine prints it (PostgreSQL: the row's text
form under fixed session settings; SQLite: the stored values as JSON), so the same engine gives
the same checksum for the same rows."""

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3.gz"
POSTGRES_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Said to the operator as is: what is wrong and what was (not) done."""


@dataclass
class Outcome:
    archive: Path
    manifest: dict
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


# ---- the database described by Django's settings ----------------------------------------------

def engine_of(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Unsupported database engine {engine}: only SQLite and PostgreSQL are backed up.")


def _sqlite_connect(name: str, *, read_only: bool = False) -> sqlite3.Connection:
    # Plain sqlite3 (no Django converters), so values are read the same way at backup and restore.
    name = str(name)
    if name.startswith("file:"):
        return sqlite3.connect(name, uri=True)
    if read_only:
        return sqlite3.connect(f"file:{Path(name).resolve()}?mode=ro", uri=True)
    return sqlite3.connect(name)


def _pg_conninfo(db: dict, *, dbname: str | None = None) -> dict:
    info = {"dbname": dbname or db["NAME"], "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
            "host": db.get("HOST") or None, "port": str(db["PORT"]) if db.get("PORT") else None}
    return {k: v for k, v in info.items() if v}


def _pg_env(db: dict) -> dict:
    """Connection for pg_dump and pg_restore through libpq's variables (the password stays off argv)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_connect(db: dict, **kwargs):
    import psycopg

    return psycopg.connect(**_pg_conninfo(db), **kwargs)


# ---- fingerprints: rows and checksum per table ------------------------------------------------

def _json_value(value):
    if isinstance(value, bytes | memoryview):
        return {"hex": bytes(value).hex()}
    return value


def sqlite_fingerprints(conn: sqlite3.Connection) -> dict:
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    result = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        columns = conn.execute(f"PRAGMA table_info({quoted})").fetchall()
        keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5] > 0] or [c[1] for c in columns]
        order = ", ".join('"' + k.replace('"', '""') + '"' for k in keys)
        digest, count = hashlib.md5(usedforsecurity=False), 0
        for row in conn.execute(f"SELECT * FROM {quoted} ORDER BY {order}"):
            digest.update(json.dumps([_json_value(v) for v in row], ensure_ascii=False).encode() + b"\n")
            count += 1
        result[table] = {"rows": count, "checksum": digest.hexdigest()}
    return result


def postgres_fingerprints(conn) -> dict:
    """Inside the caller's transaction (so inside its snapshot); fixed settings make the text stable."""
    from psycopg import sql

    for setting in ("TimeZone = 'UTC'", "DateStyle = 'ISO, YMD'", "IntervalStyle = 'postgres'",
                    "extra_float_digits = 1", "bytea_output = 'hex'"):
        conn.execute(f"SET LOCAL {setting}")
    tables = [row[0] for row in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname")]
    result = {}
    for table in tables:
        keys = [row[0] for row in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)", [sql.Identifier(table).as_string(conn)])]
        order = (sql.SQL(", ").join(sql.Identifier("t", k) for k in keys) if keys else sql.SQL("t::text"))
        query = sql.SQL("SELECT t::text FROM {} AS t ORDER BY {}").format(sql.Identifier(table), order)
        digest, count = hashlib.md5(usedforsecurity=False), 0
        with conn.cursor(name=f"fingerprint_{len(result)}") as cursor:  # streamed, not loaded whole
            cursor.itersize = 5000
            cursor.execute(query)
            for (text,) in cursor:
                digest.update(text.encode() + b"\n")
                count += 1
        result[table] = {"rows": count, "checksum": digest.hexdigest()}
    return result


def database_fingerprints(db: dict) -> dict:
    """Row counts and checksums of a database as it is now (the drill compares two of these)."""
    if engine_of(db) == "sqlite":
        conn = _sqlite_connect(db["NAME"], read_only=True)
        try:
            return sqlite_fingerprints(conn)
        finally:
            conn.close()
    with _pg_connect(db) as conn:
        fingerprints = postgres_fingerprints(conn)
        conn.rollback()
    return fingerprints


# ---- uploaded files ---------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(media_root: Path) -> list[dict]:
    root = Path(media_root)
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files.append({"path": path.relative_to(root).as_posix(), "size": path.stat().st_size,
                          "sha256": _sha256(path)})
    return files


# ---- backup -----------------------------------------------------------------------------------

def _dump_sqlite(db: dict, work: Path) -> tuple[Path, dict]:
    copy = work / "database.sqlite3"
    source = _sqlite_connect(db["NAME"], read_only=not str(db["NAME"]).startswith("file:"))
    target = sqlite3.connect(copy)
    try:
        source.backup(target)  # a consistent copy while the app keeps writing (WAL)
    finally:
        source.close()
    try:
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        fingerprints = sqlite_fingerprints(target)
    finally:
        target.close()
    packed = work / SQLITE_MEMBER
    with open(copy, "rb") as raw, gzip.open(packed, "wb", compresslevel=6) as out:
        shutil.copyfileobj(raw, out, CHUNK)
    copy.unlink()
    return packed, fingerprints


def _dump_postgres(db: dict, work: Path) -> tuple[Path, dict]:
    import psycopg

    dump = work / POSTGRES_MEMBER
    with _pg_connect(db) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the very snapshot the checksums below are taken in.
        run = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                              f"--snapshot={snapshot}", "--file", str(dump), "--dbname", db["NAME"]],
                             env=_pg_env(db), capture_output=True, text=True)
        if run.returncode != 0:
            raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
        fingerprints = postgres_fingerprints(conn)
        conn.rollback()
    return dump, fingerprints


def create_backup(*, db: dict, media_root, out: Path) -> Outcome:
    """Write the archive at `out` (through a .part file, so a half-written archive never has the
    final name)."""
    started = time.monotonic()
    engine = engine_of(db)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tocns-backup-", dir=out.parent) as tmp:
        work = Path(tmp)
        dump, tables = _dump_sqlite(db, work) if engine == "sqlite" else _dump_postgres(db, work)
        files = media_files(media_root)
        manifest = {
            "format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "engine": engine,
            "database": {"member": dump.name, "size": dump.stat().st_size, "sha256": _sha256(dump)},
            "tables": tables, "media": files,
        }
        partial = out.with_name(out.name + ".part")
        # Personal data inside: readable by the app's user only, whatever the umask.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(time.time())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for entry in files:
                archive.add(Path(media_root) / entry["path"], arcname=MEDIA_PREFIX + entry["path"])
        os.replace(partial, out)
    return Outcome(archive=out, manifest=manifest, seconds=time.monotonic() - started)


# ---- restore ----------------------------------------------------------------------------------

def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError, TypeError):
        raise BackupError("The archive has no readable manifest.json: not a backup made by `manage.py backup`.") \
            from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Archive format {manifest.get('format')} is not {FORMAT}.")
    return manifest


def _extract_checked(archive: tarfile.TarFile, member: str, target: Path, sha256: str) -> None:
    try:
        source = archive.extractfile(member)
    except KeyError:
        raise BackupError(f"The archive lacks {member}.") from None
    if source is None:
        raise BackupError(f"{member} in the archive is not a file.")
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        target.unlink()
        raise BackupError(f"{member} does not match its checksum in the manifest: the archive is damaged.")


def _sqlite_is_empty(name: str) -> bool:
    if str(name).startswith("file:"):
        raise BackupError("Restore into a database file, not an in-memory database.")
    path = Path(name)
    if not path.exists() or path.stat().st_size == 0:
        return True
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    finally:
        conn.close()


def _postgres_is_empty(db: dict) -> bool:
    with _pg_connect(db) as conn:
        return conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
                            ).fetchone()[0] == 0


def _media_plan(manifest: dict, media_root: Path) -> list[dict]:
    """Files to write; refuses before anything is written if one would overwrite a different file."""
    plan = []
    root = Path(media_root).resolve()
    for entry in manifest["media"]:
        target = (root / entry["path"]).resolve()
        if root not in target.parents:
            raise BackupError(f"Refused: {entry['path']} would be written outside MEDIA_ROOT.")
        if target.exists():
            if _sha256(target) != entry["sha256"]:
                raise BackupError(f"Refused: {target} exists with other content; restore into an empty MEDIA_ROOT.")
            continue
        plan.append({**entry, "target": target})
    return plan


def restore_backup(*, archive_path: Path, db: dict, media_root) -> Outcome:
    """Restore into an empty database, then compare every table's rows and checksum with the
    manifest. Raises BackupError, with the database left as it was, when anything is off before
    the load; after the load, a mismatch is reported and the command fails."""
    started = time.monotonic()
    engine = engine_of(db)
    with tarfile.open(archive_path, "r:*") as archive:
        manifest = read_manifest(archive)
        if manifest["engine"] != engine:
            raise BackupError(f"The archive holds a {manifest['engine']} database; the target is {engine}.")
        empty = _sqlite_is_empty(db["NAME"]) if engine == "sqlite" else _postgres_is_empty(db)
        if not empty:
            raise BackupError("The target database is not empty: restore only into a new, empty database "
                              "(nothing was written).")
        plan = _media_plan(manifest, media_root)
        with tempfile.TemporaryDirectory(prefix="tocns-restore-") as tmp:
            work = Path(tmp)
            member = manifest["database"]["member"]
            dump = work / member
            _extract_checked(archive, member, dump, manifest["database"]["sha256"])
            if engine == "sqlite":
                _load_sqlite(dump, db["NAME"])
            else:
                _load_postgres(dump, db)
        for entry in plan:
            entry["target"].parent.mkdir(parents=True, exist_ok=True)
            _extract_checked(archive, MEDIA_PREFIX + entry["path"], entry["target"], entry["sha256"])
    restored = database_fingerprints(db)
    differences = compare(manifest["tables"], restored)
    if differences:
        raise BackupError("Restored, but it does not match the manifest: " + "; ".join(differences))
    outcome = Outcome(archive=Path(archive_path), manifest=manifest, seconds=time.monotonic() - started)
    outcome.notes.append(f"{len(plan)} files written to MEDIA_ROOT, {len(manifest['media']) - len(plan)} "
                         "already there with the same content")
    return outcome


def _load_sqlite(packed: Path, name: str) -> None:
    target = Path(name)
    for suffix in ("-wal", "-shm", "-journal"):  # left from an empty file, they would corrupt the new one
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    with gzip.open(packed, "rb") as source, open(partial, "wb") as out:
        shutil.copyfileobj(source, out, CHUNK)
    check = sqlite3.connect(partial)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The database file in the archive fails SQLite's integrity check.")
    finally:
        check.close()
    os.replace(partial, target)


def _load_postgres(dump: Path, db: dict) -> None:
    run = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                          "--dbname", db["NAME"], str(dump)], env=_pg_env(db), capture_output=True, text=True)
    if run.returncode != 0:
        raise BackupError(f"pg_restore failed (the single transaction was rolled back): {run.stderr.strip()}")


def compare(expected: dict, actual: dict) -> list[str]:
    differences = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None or got is None:
            differences.append(f"table {table} {'missing' if got is None else 'not in the backup'}")
        elif want["rows"] != got["rows"]:
            differences.append(f"{table}: {got['rows']} rows, backup had {want['rows']}")
        elif want["checksum"] != got["checksum"]:
            differences.append(f"{table}: checksum differs")
    return differences
