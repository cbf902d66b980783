"""A streaming replica of the local PostgreSQL on loopback, for benchmarks and tests.

    .venv/bin/python bench/pg_replica.py start [--port 5442]   # prints the replica's DSN
    .venv/bin/python bench/pg_replica.py status [--port 5442]
    .venv/bin/python bench/pg_replica.py stop [--port 5442] [--keep]

`start` copies the primary (127.0.0.1:5432, or PRIMARY_HOST/PRIMARY_PORT) with `pg_basebackup -R` into
/tmp/tocns-pg-replica-<port> (PG_REPLICA_DIR overrides: the server's user must reach the folder, which a
checkout in root's home or in a private temporary folder is not) and starts it with pg_ctl as the
server's user (postgres), listening on 127.0.0.1:<port> only. The replica streams from a physical
replication slot (so it never misses WAL during a big load); `stop` stops it, drops the slot (else the
primary keeps its WAL for ever) and removes the copy; `stop --keep` only stops the server (a later
`start` resumes from the copy).

The primary needs wal_level=replica and max_wal_senders > 0 (PostgreSQL's defaults since 10) and a
pg_hba line letting a replication connection in from 127.0.0.1: `start` adds
`host replication <user> 127.0.0.1/32 trust` and reloads when none matches, and says so.

Other scripts import it: `start_replica(port) -> dsn`, `stop_replica(port)`, `wait_caught_up(port)`.
The copy takes as long as the primary's whole cluster is big: start the replica before a big load
(it then streams the load) rather than after.
"""

import argparse
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

PRIMARY_HOST = os.environ.get("PRIMARY_HOST", "127.0.0.1")
PRIMARY_PORT = int(os.environ.get("PRIMARY_PORT", "5432"))
SUPERUSER = os.environ.get("PRIMARY_USER", "postgres")
# Settings a hot standby must hold at least as high as its primary, or it refuses to start.
AT_LEAST_PRIMARY = ("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
                    "max_locks_per_transaction")


def _psql(sql: str, *, port: int | None = None, host: str | None = None, dbname: str = "postgres",
          check: bool = True) -> str:
    """One statement through psql as the superuser (on the primary unless a port is given); its rows
    as text (fields split by |)."""
    port, host = port or PRIMARY_PORT, host or PRIMARY_HOST
    done = subprocess.run(["psql", "-X", "-At", "-h", host, "-p", str(port), "-U", SUPERUSER, "-d", dbname,
                           "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, timeout=60)
    if check and done.returncode:
        raise RuntimeError(f"psql on port {port}: {done.stderr.strip()}")
    return done.stdout.strip()


def _bin_dir() -> Path:
    """The server binaries of the primary's version (Debian keeps them per version)."""
    version = _psql("SHOW server_version_num")[:-4]
    for candidate in (Path(f"/usr/lib/postgresql/{version}/bin"), ):
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if not found:
        raise RuntimeError("pg_ctl not found")
    return Path(found).resolve().parent


def _server_user() -> str:
    """Who owns the primary's data directory: the replica runs as the same user."""
    data_dir = _psql("SHOW data_directory")
    return pwd.getpwuid(os.stat(data_dir).st_uid).pw_name


def _as_server_user(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    user = _server_user()
    if os.geteuid() == 0 and user != "root":
        args = ["runuser", "-u", user, "--", *args]
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def data_dir(port: int) -> Path:
    # Not under the checkout: the server runs as its own user (postgres), which cannot enter a checkout
    # in root's home or in a 0700 temporary folder (as a fresh CI clone is); /tmp is open to it.
    base = Path(os.environ.get("PG_REPLICA_DIR") or "/tmp")
    return base / f"tocns-pg-replica-{port}"


def slot_name(port: int) -> str:
    return f"tocns_replica_{port}"


def dsn(port: int, dbname: str | None = None) -> str:
    """The replica's URL for DATABASE_REPLICA_URL: the database DATABASE_URL names, else postgres."""
    if dbname is None:
        url = urlparse(os.environ.get("DATABASE_URL", ""))
        dbname = url.path.lstrip("/") if url.scheme.startswith("postgres") and url.path.strip("/") else "postgres"
    return f"postgres://{SUPERUSER}@127.0.0.1:{port}/{dbname}"


def is_running(port: int) -> bool:
    directory = data_dir(port)
    if not (directory / "PG_VERSION").exists():
        return False
    return _as_server_user([str(_bin_dir() / "pg_ctl"), "-D", str(directory), "status"]).returncode == 0


def ensure_replication_allowed() -> bool:
    """Adds a trust line for replication from 127.0.0.1 to the primary's pg_hba when none matches.
    True when it had to (the caller says so)."""
    rules = _psql("SELECT database, address FROM pg_hba_file_rules WHERE type IN ('host', 'hostnossl') "
                  "AND error IS NULL")
    for line in rules.splitlines():
        databases, address = line.split("|")
        if "replication" in databases and address in ("127.0.0.1", "", "all", "0.0.0.0"):
            return False
    hba_file = Path(_psql("SHOW hba_file"))
    text = hba_file.read_text()
    addition = (f"# added by tocns bench/pg_replica.py: streaming replica on loopback\n"
                f"host replication {SUPERUSER} 127.0.0.1/32 trust\n")
    # First match wins in pg_hba: the line goes first so that no reject line above shadows it.
    hba_file.write_text(addition + text)
    _psql("SELECT pg_reload_conf()")
    time.sleep(0.5)
    return True


def _drop_slot(port: int) -> None:
    name = slot_name(port)
    _psql(f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
          f"WHERE slot_name = '{name}' AND NOT active")


def _write_config(directory: Path, port: int) -> None:
    """Debian keeps postgresql.conf and pg_hba.conf in /etc, outside the data directory the
    base backup copies: the replica gets its own, small ones."""
    names = ", ".join(f"'{name}'" for name in AT_LEAST_PRIMARY)
    values = dict(line.split("|") for line in _psql(
        f"SELECT name, setting FROM pg_settings WHERE name IN ({names})").splitlines())
    lines = [f"port = {port}", "listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{directory}'",
             "hot_standby = on", "hot_standby_feedback = on", "shared_buffers = 64MB", "fsync = off",
             "max_standby_streaming_delay = 5s", f"cluster_name = 'tocns_replica_{port}'",
             *(f"{name} = {value}" for name, value in values.items())]
    (directory / "postgresql.conf").write_text("\n".join(lines) + "\n")
    (directory / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    (directory / "pg_ident.conf").write_text("")


def start_replica(port: int = 5442, *, dbname: str | None = None, quiet: bool = False,
                  ready_timeout: float = 600.0) -> str:
    """Starts (copying first, when there is no copy yet) the replica on 127.0.0.1:port; its DSN."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    if is_running(port):
        _wait_ready(port, ready_timeout, say)
        return dsn(port, dbname)
    if ensure_replication_allowed():
        say(f"pg_replica: added 'host replication {SUPERUSER} 127.0.0.1/32 trust' to the primary's pg_hba and reloaded")
    directory = data_dir(port)
    bin_dir = _bin_dir()
    user = _server_user()
    started = time.monotonic()
    if not (directory / "standby.signal").exists():
        if directory.exists():
            shutil.rmtree(directory)
        directory.parent.mkdir(exist_ok=True)
        directory.mkdir(mode=0o700)
        shutil.chown(directory, user, user)
        _drop_slot(port)  # a slot left by a copy that was removed by hand
        copied = _as_server_user([str(bin_dir / "pg_basebackup"), "-h", PRIMARY_HOST, "-p", str(PRIMARY_PORT),
                                  "-U", SUPERUSER, "-D", str(directory), "-R", "-X", "stream", "-c", "fast",
                                  "-C", "-S", slot_name(port)], timeout=3600)
        if copied.returncode:
            shutil.rmtree(directory, ignore_errors=True)
            raise RuntimeError(f"pg_basebackup: {copied.stderr.strip()}")
        _write_config(directory, port)
        for path in directory.iterdir():
            if path.is_file():
                shutil.chown(path, user, user)
        say(f"pg_replica: copied the primary in {time.monotonic() - started:.1f} s")
    ran = _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(directory), "-l", str(directory / "replica.log"),
                           "-W", "start"], timeout=60)
    if ran.returncode:
        raise RuntimeError(f"pg_ctl start: {ran.stderr.strip() or ran.stdout.strip()} (see {directory}/replica.log)")
    _wait_ready(port, ready_timeout, say)
    say(f"pg_replica: replica on 127.0.0.1:{port} ready after {time.monotonic() - started:.1f} s")
    return dsn(port, dbname)


def _wait_ready(port: int, timeout: float, say) -> None:
    """Waits for the standby to take read-only connections. It cannot while the primary runs a
    transaction with more than 64 subtransactions (savepoints that wrote: a seed or a test session
    in one transaction): it needs a snapshot of the primary's transactions that is not "overflowed"."""
    started, told = time.monotonic(), False
    while True:
        if _psql("SELECT pg_is_in_recovery()", port=port, host="127.0.0.1", check=False) == "t":
            return
        waited = time.monotonic() - started
        if waited > 10 and not told:
            told = True
            oldest = _psql("SELECT datname || ' (pid ' || pid || ', open since ' || to_char(xact_start, 'HH24:MI:SS') "
                           "|| ')' FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start LIMIT 1")
            say(f"pg_replica: waiting for the standby to accept connections; the primary's oldest writing "
                f"transaction: {oldest or 'none'} (a hot standby opens once no transaction with >64 "
                "subtransactions is running on the primary)")
        if waited > timeout:
            raise TimeoutError(f"the replica on port {port} is running but not accepting connections after "
                               f"{timeout:.0f} s (see {data_dir(port)}/replica.log); it opens by itself later")
        time.sleep(0.5)


def stop_replica(port: int = 5442, *, keep: bool = False, mode: str = "fast") -> None:
    """Stops the replica; unless keep, drops its slot on the primary and removes its copy."""
    directory = data_dir(port)
    if is_running(port):
        ran = _as_server_user([str(_bin_dir() / "pg_ctl"), "-D", str(directory), "-m", mode, "-w", "stop"],
                              timeout=120)
        if ran.returncode:
            raise RuntimeError(f"pg_ctl stop: {ran.stderr.strip()}")
    if not keep:
        _drop_slot(port)
        shutil.rmtree(directory, ignore_errors=True)


def wait_caught_up(port: int = 5442, timeout: float = 30.0) -> float:
    """Waits until the replica has replayed everything the primary has written so far; seconds waited."""
    target = _psql("SELECT pg_current_wal_lsn()")
    started = time.monotonic()
    while True:
        if _psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", port=port, host="127.0.0.1") == "t":
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"replica on port {port} not caught up with {target} after {timeout} s")
        time.sleep(0.05)


def status(port: int = 5442) -> str:
    lines = [f"copy: {data_dir(port)} ({'present' if (data_dir(port) / 'PG_VERSION').exists() else 'absent'})",
             f"server on 127.0.0.1:{port}: {'running' if is_running(port) else 'stopped'}"]
    row = _psql("SELECT state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), "
                "coalesce(extract(epoch FROM replay_lag), 0) FROM pg_stat_replication "
                f"WHERE application_name = 'tocns_replica_{port}'")
    if row:
        state, behind, lag = row.split("|")
        lines.append(f"streaming: {state}, {int(float(behind or 0)):,} bytes behind, replay lag {float(lag):.3f} s")
    slot = _psql(f"SELECT active, pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)) "
                 f"FROM pg_replication_slots WHERE slot_name = '{slot_name(port)}'")
    if slot:
        active, kept = slot.split("|")
        lines.append(f"slot {slot_name(port)}: {'active' if active == 't' else 'INACTIVE'}, primary keeps {kept} "
                     "of WAL for it" + ("" if active == "t" else " (`stop` drops it)"))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--port", type=int, default=5442)
    parser.add_argument("--dbname", help="database named in the printed DSN (default: DATABASE_URL's, else postgres)")
    parser.add_argument("--keep", action="store_true", help="stop: keep the copy and the slot")
    args = parser.parse_args()
    if args.action == "start":
        print(start_replica(args.port, dbname=args.dbname))
    elif args.action == "stop":
        stop_replica(args.port, keep=args.keep)
        print(f"pg_replica: stopped{' (copy and slot kept)' if args.keep else ', slot dropped, copy removed'}")
    else:
        print(status(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
