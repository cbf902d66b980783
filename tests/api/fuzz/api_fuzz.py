"""The JSON API checked by a real client: schemathesis against a live server with the demo data.

    .venv/bin/python tests/api/fuzz/api_fuzz.py          # `make api-fuzz`, called by `make test`

What it does, in order:
  1. a throwaway SQLite database `var/api-fuzz-seed.sqlite3` (migrate, load_units --province 08,
     seed_demo --size small), reused while it is newer than every migration and demo module;
     each run works on a fresh copy of it (`var/api-fuzz.sqlite3`), so what the fuzzer posts
     never piles up from one run to the next;
  2. personal API tokens for a demo team member and a demo commune officer, and a machine client
     for the province when `tocns.api.services.api_client_create` exists (tests/api/fuzz/callers.py);
  3. gunicorn on a free port of 127.0.0.1 with DEBUG off, as in production;
  4. the served /api/v1/openapi.json read once for keys written twice in one object (a status
     code given as 400 and "400": JSON parsers keep only the last);
  5. `schemathesis run` for each caller (anonymous, member, officer, machine client), every check,
     every phase (examples, coverage, fuzzing, stateful), a few examples an operation;
  6. the server is stopped at the end, even when something failed.

The run fails (exit 1) on any 5xx, any response that does not conform to the schema (status,
content type, body), or any other failed check. Options: FUZZ_MAX_EXAMPLES (default 20),
FUZZ_SEED (default 16, so a failure is reproduced by running again), FUZZ_CALLERS (a comma list
to run only some: anonymous,member,officer,machine).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VAR = ROOT / "var"
SEED_DB = VAR / "api-fuzz-seed.sqlite3"
RUN_DB = VAR / "api-fuzz.sqlite3"
REPORT_DIR = VAR / "api-fuzz-report"
SERVER_LOG = REPORT_DIR / "server.log"
BIN = Path(sys.executable).parent
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "20")
SEED = os.environ.get("FUZZ_SEED", "16")
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Checks that do not apply to this API, each for a stated reason:
# - ignored_auth: the session is an auth too (cookie); schemathesis drops only the Bearer header
#   and the run has no cookie, so this check adds nothing the anonymous run does not already prove.
EXCLUDED_CHECKS = ["ignored_auth"]


def env_for(db: Path) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": f"sqlite:///{db}", "DEBUG": "0", "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1",
                "SECRET_KEY": "api-fuzz-only-secret-key-0123456789-abcdefghij", "PYTHONUNBUFFERED": "1"})
    return env


def manage(*args, env) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          stdout=subprocess.PIPE, text=True)
    return done.stdout


def seed_is_fresh() -> bool:
    if not SEED_DB.exists():
        return False
    sources = [*ROOT.glob("tocns/*/migrations/*.py"), *ROOT.glob("tocns/demo/*.py"),
               *ROOT.glob("tocns/*/demo*.py")]
    return SEED_DB.stat().st_mtime > max(p.stat().st_mtime for p in sources)


def build_seed() -> None:
    VAR.mkdir(exist_ok=True)
    if seed_is_fresh():
        print(f"api-fuzz: reusing {SEED_DB.relative_to(ROOT)}")
        return
    started = time.perf_counter()
    partial = SEED_DB.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    env = env_for(partial)
    manage("migrate", "--noinput", env=env)
    manage("load_units", "--province", "08", env=env)
    manage("seed_demo", "--province", "08", "--size", "small", env=env)
    partial.replace(SEED_DB)
    print(f"api-fuzz: built {SEED_DB.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port: int) -> subprocess.Popen:
    """gunicorn; its log (Django's 4xx warnings, tracebacks of any 5xx) goes to SERVER_LOG."""
    log = SERVER_LOG.open("w")
    # --limit-request-line 0: a request line longer than gunicorn's 4 KB (nginx's 8 KB in production)
    # is refused by the web server itself with its own HTML 414, before the app (docs/api.md says
    # so); the fuzzer's longest query strings reach the app instead, whose answers are the contract.
    proc = subprocess.Popen([str(BIN / "gunicorn"), "tocns.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                             "--timeout", "60", "--limit-request-line", "0", "--log-level", "warning"],
                            cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        if proc.poll() is not None:
            raise SystemExit("api-fuzz: the server stopped while starting")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("api-fuzz: the server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def schema_duplicates(port: int) -> list[str]:
    """Keys written twice in one object of the served schema (e.g. a status as 400 and "400"): JSON
    parsers keep the last, so what the first said is lost to every client and to the fuzzer."""
    found = []

    def pairs_hook(pairs):
        keys = [key for key, _value in pairs]
        found.extend(sorted({key for key in keys if keys.count(key) > 1}))
        return dict(pairs)

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=30) as response:
        json.loads(response.read(), object_pairs_hook=pairs_hook)
    return found


def fuzz(name: str, port: int, token: str | None) -> tuple[int, float]:
    command = [str(BIN / "schemathesis"), "--config-file", str(CONFIG), "run",
               f"http://127.0.0.1:{port}/api/v1/openapi.json",
               "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
               "--phases", "examples,coverage,fuzzing,stateful",
               "--max-examples", MAX_EXAMPLES, "--seed", SEED,
               # One worker: with two threads, hypothesis parsing lambdas at once on Python 3.11 now and
               # then dies with "AST constructor recursion depth mismatch" (a flaky internal error).
               "--workers", "1",
               "--generation-database", "none", "--request-timeout", "30",
               "--suppress-health-check", "all", "--no-color",
               "--report", "junit", "--report-dir", str(REPORT_DIR),
               "--report-junit-path", str(REPORT_DIR / f"{name}.xml")]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    print(f"\n== api-fuzz: {name}", flush=True)
    started = time.perf_counter()
    # Run from the report folder: schemathesis keeps a cache (.schemathesis/) in its working directory.
    code = subprocess.run(command, cwd=REPORT_DIR).returncode
    return code, time.perf_counter() - started


def main() -> int:
    started = time.perf_counter()
    build_seed()
    shutil.copyfile(SEED_DB, RUN_DB)
    REPORT_DIR.mkdir(exist_ok=True)
    env = env_for(RUN_DB)
    callers = json.loads(manage("shell", "-c", "import runpy; runpy.run_path('tests/api/fuzz/callers.py')",
                                env=env).strip().splitlines()[-1])
    wanted = os.environ.get("FUZZ_CALLERS", "anonymous,member,officer,machine").split(",")
    runs = [("anonymous", None)] + [(name, callers.get(name)) for name in ("member", "officer", "machine")]
    port = free_port()
    server = start_server(env, port)
    outcomes = []
    try:
        started_check = time.perf_counter()
        duplicates = schema_duplicates(port)
        if duplicates:
            print(f"\n== api-fuzz: the schema writes these keys twice in one object: {duplicates} "
                  f"({len(duplicates)} times; a JSON parser keeps only the last)")
        outcomes.append(("schema", 1 if duplicates else 0, time.perf_counter() - started_check))
        for name, token in runs:
            if name not in wanted:
                continue
            if name != "anonymous" and not token:
                print(f"\n== api-fuzz: {name}: no token ({callers.get(name + '_missing', 'not made')}), skipped")
                outcomes.append((name, None, 0.0))
                continue
            code, took = fuzz(name, port, token)
            outcomes.append((name, code, took))
    finally:
        stop_server(server)
    print("\n== api-fuzz: summary")
    for name, code, took in outcomes:
        verdict = "skipped" if code is None else ("ok" if code == 0 else f"FAILED (exit {code})")
        print(f"  {name:<10} {verdict:<18} {took:5.0f} s")
    print(f"  total {time.perf_counter() - started:.0f} s; JUnit reports and the server's log in "
          f"{REPORT_DIR.relative_to(ROOT)}/")
    return 1 if any(code not in (0, None) for _, code, _ in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
