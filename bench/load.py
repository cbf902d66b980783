"""Submission day as a load: open-loop leaders' sessions against gunicorn on PostgreSQL (issue #18).

Arrivals follow a Poisson schedule at a fixed rate: each arrival is one village leader's session,
started in its own thread at its time whatever the server is doing (a slow answer never slows the
next arrival, unlike N users in lock step). A session does what a leader does on the last days:

    sign in (only a share of sessions: the rest are still signed in)  → home → open the month's report
    → save it → send it (confirming empty cells and warnings when the page asks) → the field log's
    page → one entry through the log's sync API

with real forms: each page is fetched, its CSRF token and its form's fields read, and they are
posted back as the browser would (the report's version and save key included). A share of sends
and syncs is posted twice (a double tap, a retry on a weak network) to prove neither doubles.

Between steps a leader reads and types (think time). The run is bounded: arrivals stop after
--duration seconds and the sessions under way finish (or time out); no more than --max-open
sessions run at once (an arrival beyond is counted as dropped, an error).

It prints, per step: count, p50/p95/p99/max latency in ms and errors (status >= 400, an unexpected
answer, or an exception); the server's CPU per request (utime+stime of the gunicorn processes and
of the PostgreSQL backends of this database, read from /proc, sampled every 0.5 s so a backend
that closes during the run keeps its time); and, after the run, from the database, that every
report sent is stored and counted exactly once and every log entry stored once.

Set up once (your own database; the demo at default size; statistics after the bulk load):

    createdb -h 127.0.0.1 -U postgres tocns_load
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocns_load
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_units --province 08
    .venv/bin/python manage.py seed_demo --province 08 --size default --logins-csv var/load-logins.csv
    psql "$DATABASE_URL" -c 'VACUUM ANALYZE'

Then (one run per rate; each uses leaders whose month's report is not sent yet, so a database
serves several runs until its leaders run out):

    .venv/bin/python bench/load.py --logins-csv var/load-logins.csv --times 1 --duration 120
    .venv/bin/python bench/load.py --logins-csv var/load-logins.csv --times 10 --duration 120

The peak rate comes from the province's numbers (see PEAK below and --teams, --last-days-share,
--peak-hour-share); --times multiplies it.
"""

import argparse
import csv
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-tocns-2026"
VN = timezone(timedelta(hours=7))
TICKS = os.sysconf("SC_CLK_TCK")

# The province's submission peak (issue #18): 3,600 teams send in the last 3 days before the due date.
PEAK = {
    "teams": 3600,            # teams that send in the last 3 days
    "last_day_share": 0.5,    # the last of the 3 days holds half of them (the rest spread over two days)
    "working_hours": 8,       # 07:30–11:30 and 13:30–17:30
    "peak_hour_share": 0.25,  # the busiest hour holds a quarter of that day (twice an even hour's 1/8)
}


def peak_rate(teams: int, last_day_share: float, peak_hour_share: float) -> float:
    """Sessions a second in the province's busiest hour."""
    return teams * last_day_share * peak_hour_share / 3600


# ---------------------------------------------------------------------------------------------
# The HTTP side: one short connection per request (gunicorn's sync workers close each one), a
# cookie jar per session, forms read with the standard library's HTML parser.

class Forms(HTMLParser):
    """Every <form> of a page with its fields as a browser would post them (checked boxes and
    radios, selected options, textareas, hidden inputs; buttons kept apart)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": [], "buttons": [], "options": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if not a.get("name") or kind in ("file", "image", "reset"):
                return
            if kind == "submit":
                self._form["buttons"].append((a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                self._form["options"].setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form["fields"].append([a["name"], a.get("value", "on")])
            else:
                self._form["fields"].append([a["name"], a.get("value", "")])
        elif tag == "button" and a.get("name"):
            self._form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]  # name, first option, selected option
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            if self._form is not None and (chosen or first) is not None:
                self._form["fields"].append([name, chosen if chosen is not None else first])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form["fields"].append(self._textarea)
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


class Failed(Exception):
    """A step answered something a leader would see as a failure (a status, a page not expected)."""


@dataclass
class Sample:
    step: str
    ms: float
    ok: bool
    note: str = ""


class Browser:
    """One leader's phone: its cookies, and every request timed under the step it belongs to."""

    def __init__(self, host: str, port: int, record):
        self.host, self.port, self.record, self.cookies = host, port, record, {}

    def request(self, step: str, method: str, path: str, body: bytes | None = None, headers=None,
                expect=(200,)) -> tuple[int, dict, str]:
        head = {"Host": f"{self.host}:{self.port}", "User-Agent": "tocns-load", "Accept-Encoding": "identity"}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            head["Origin"] = f"http://{self.host}:{self.port}"
            head["Referer"] = f"http://{self.host}:{self.port}{path}"
        head.update(headers or {})
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            conn.request(method, path, body=body, headers=head)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            conn.close()
        except Exception as exc:  # a refused or dropped connection, a timeout
            self.record(Sample(step, (time.perf_counter() - started) * 1000, False, type(exc).__name__))
            raise Failed(f"{step}: {exc!r}") from exc
        ms = (time.perf_counter() - started) * 1000
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if 'expires=Thu, 01 Jan 1970' in cookie or value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        ok = response.status in expect
        self.record(Sample(step, ms, ok, "" if ok else str(response.status)))
        if not ok:
            raise Failed(f"{step}: {method} {path} answered {response.status}")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, step, path, expect=(200,)):
        return self.request(step, "GET", path, expect=expect)

    def post(self, step, path, fields, expect=(302,)):
        body = urlencode([tuple(pair) for pair in fields]).encode()
        return self.request(step, "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"},
                            expect=expect)

    def post_json(self, step, path, data, expect=(200,)):
        return self.request(step, "POST", path, json.dumps(data).encode(), {
            "Content-Type": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", "")}, expect=expect)


def location(headers) -> str:
    return urlsplit(headers.get("location", "")).path or "/"


# ---------------------------------------------------------------------------------------------
# A leader's session.

@dataclass
class Leader:
    username: str
    user_id: int
    signed_in: Browser | None = None  # a phone still signed in (most), or None: signs in first


@dataclass
class Outcome:
    username: str
    report_id: int | None = None
    sent: bool = False
    client_ids: list = field(default_factory=list)
    error: str = ""


class Run:
    def __init__(self, args):
        self.args, self.lock = args, threading.Lock()
        self.samples: list[Sample] = []
        self.outcomes: list[Outcome] = []
        self.open = 0
        self.dropped = 0
        self.late_ms = 0.0

    def record(self, sample: Sample):
        with self.lock:
            self.samples.append(sample)

    def think(self, rng):
        """A leader reads the page and types before the next tap."""
        if self.args.think > 0:
            time.sleep(rng.uniform(0.5, 1.5) * self.args.think)

    def session(self, leader: Leader, sign_in: bool, retry: bool, seed: int):
        rng = random.Random(seed)
        out = Outcome(leader.username)
        browser = leader.signed_in or Browser("127.0.0.1", self.args.port, self.record)
        browser.record = self.record
        try:
            if sign_in:
                sign_in_as(browser, leader.username, step="sign-in page", post_step="sign-in")
                self.think(rng)
            self.leader_steps(browser, leader, out, rng, retry)
        except Failed as exc:
            out.error = str(exc)
        except Exception as exc:  # the script's own fault: shown, not hidden
            out.error = f"{type(exc).__name__}: {exc}"
            self.record(Sample("(script)", 0, False, type(exc).__name__))
        finally:
            with self.lock:
                self.outcomes.append(out)
                self.open -= 1

    def leader_steps(self, browser: Browser, leader: Leader, out: Outcome, rng, retry: bool):
        _, _, html = browser.get("home", "/")
        cards = [f for f in forms_of(html) if f["attrs"].get("action") == "/reports/open/"
                 and "sent" not in f["attrs"].get("class", "").split()]
        if not cards:
            raise Failed("home: no report card left to send")
        self.think(rng)
        _, headers, _ = browser.post("open report", "/reports/open/", cards[0]["fields"])
        report_path = location(headers)
        if not re.fullmatch(r"/reports/\d+/", report_path):
            raise Failed(f"open report: went to {report_path}")
        out.report_id = int(report_path.strip("/").split("/")[-1])
        _, _, html = browser.get("report page", report_path)
        self.think(rng)
        # Save: the cells a leader types (the log's counts are already in theirs), a result line.
        fields = report_fields(html, rng)
        _, headers, _ = browser.post("save", report_path, fields + [["action", "save"]])
        _, _, html = browser.get("report page", location(headers))
        self.think(rng)
        # Send: the page may ask to confirm empty cells and warnings; each warning wants a reason.
        fields = report_fields(html, rng, fill=False) + [["action", "submit"]]
        status, headers, html = browser.post("send", report_path, fields, expect=(200, 302))
        if status == 200:
            if 'id="confirm-send"' not in html:
                raise Failed("send: refused (the page came back without asking to confirm)")
            fields = confirm_fields(html)
            self.think(rng)
            status, headers, html = browser.post("send (confirm)", report_path, fields)
        if retry:  # the same send again: a double tap or a retry after a lost answer
            browser.post("send again (retry)", report_path, fields, expect=(302,))
        _, _, html = browser.get("report page", location(headers))
        if "Đã gửi" not in html and "Đã tiếp nhận" not in html:
            raise Failed("report page: not shown as sent after sending")
        out.sent = True
        self.think(rng)
        # The field log: its page, then one entry through the sync API, as log.js posts it.
        _, _, html = browser.get("log page", "/nhat-ky/")
        form = next(f for f in forms_of(html) if "data-api" in f["attrs"])
        fields = dict(form["fields"])
        services = form["options"].get("services") or []
        kind = fields.get("kind") or (form["options"].get("kind") or ["guidance"])[0]
        entry = {"client_id": str(uuid.uuid4()), "date": datetime.now(VN).date().isoformat(),
                 "unit": fields.get("unit", ""), "kind": kind,
                 "services": services[:1], "people_count": rng.randint(1, 6),
                 "made_at": datetime.now(UTC).isoformat()}
        out.client_ids.append(entry["client_id"])
        self.think(rng)
        api = form["attrs"]["data-api"]
        headers = {"X-Tocns-Owner": str(leader.user_id)}
        for step in ("log sync", "log sync again (retry)") if retry else ("log sync",):
            _, _, body = browser.request(step, "POST", api, json.dumps([entry]).encode(), {
                "Content-Type": "application/json", "X-CSRFToken": browser.cookies.get("csrftoken", ""),
                **headers})
            results = json.loads(body)
            if not results or results[0].get("status") == "refused":
                raise Failed(f"{step}: refused {results}")


def sign_in_as(browser: Browser, username: str, *, step="warm-up sign-in page", post_step="warm-up sign-in"):
    _, _, html = browser.get(step, "/accounts/login/")
    form = next(f for f in forms_of(html) if any(k == "password" for k, _ in f["fields"]))
    fields = [[k, v] for k, v in form["fields"] if k not in ("username", "password")]
    fields += [["username", username], ["password", PASSWORD]]
    _, headers, _ = browser.post(post_step, "/accounts/login/", fields)
    if location(headers).startswith("/accounts/"):
        raise Failed(f"{post_step}: {username} sent to {location(headers)}")


def report_fields(html: str, rng, fill: bool = True) -> list:
    """The report form's fields. With `fill` (before saving), the empty cells typed in with a
    leader's small counts; without (before sending), the explanation boxes the saved page opened
    beside a figure far from the unit's usual are filled in, as the page asks."""
    form = next(f for f in forms_of(html) if any(k == "version" for k, _ in f["fields"]))
    fields = [list(pair) for pair in form["fields"]]
    for pair in fields:
        if fill and pair[0].startswith("v_") and not pair[1].strip():
            pair[1] = str(rng.randint(0, 5))
        elif not fill and pair[0].startswith("c_") and not pair[1].strip():
            pair[1] = "Có buổi hướng dẫn chung ở nhà văn hoá thôn"
    return fields


def confirm_fields(html: str) -> list:
    form = next(f for f in forms_of(html) if any(k == "version" for k, _ in f["fields"]))
    fields = [list(p) for p in form["fields"] if p[0] != "action"]
    for pair in fields:
        if pair[0].startswith("reason_") and not pair[1]:
            pair[1] = "Số liệu đúng theo sổ theo dõi của tổ"
    return fields + [["action", "confirm"]]


# ---------------------------------------------------------------------------------------------
# The server, the leaders, the CPU meter, the database check.

def server_env(args) -> dict:
    env = dict(os.environ)
    env.update({"DEBUG": "0", "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECOND_FACTOR_DEMO_EXEMPT": "1",
                "SECRET_KEY": env.get("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij"),
                "LOG_LEVEL": "WARNING",
                # The bench signs every leader in from 127.0.0.1: the per-address lockout counts failures
                # only, but keep it out of the way of a run that goes wrong.
                "LOGIN_ADDRESS_FAILURE_LIMIT": "100000"})
    return env


def start_gunicorn(args, env, log) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "tocns.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers),
               "--timeout", "60", "--log-level", "warning"]
    if args.threads > 1:
        command += ["--threads", str(args.threads)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    for _ in range(120):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    stop(proc)
    raise SystemExit("gunicorn did not start")


def stop(proc: subprocess.Popen):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def cpu_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])  # utime, stime (fields 14 and 15)
    except (OSError, IndexError, ValueError):
        return None


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


class CpuMeter(threading.Thread):
    """utime+stime of gunicorn (master and workers) and of this database's PostgreSQL backends,
    from when start() is called until stop(): each process's ticks since it was first seen (or since
    it was born, for one born meanwhile), sampled every half second."""

    def __init__(self, gunicorn_pid: int, dsn: str):
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(dsn, autocommit=True)
        self.gunicorn_pid, self.done = gunicorn_pid, threading.Event()
        self.first: dict[tuple, int] = {}
        self.last: dict[tuple, int] = {}
        self._sample(initial=True)

    def _pids(self):
        app = [self.gunicorn_pid, *children(self.gunicorn_pid)]
        rows = self.conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()").fetchall()
        return [("app", p) for p in app] + [("db", r[0]) for r in rows]

    def _sample(self, initial=False):
        for key in self._pids():
            ticks = cpu_ticks(key[1])
            if ticks is None:
                continue
            if key not in self.first:
                self.first[key] = ticks if initial else 0
            self.last[key] = ticks

    def run(self):
        while not self.done.wait(0.5):
            self._sample()

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.join()
        self._sample()
        self.conn.close()
        seconds = {"app": 0.0, "db": 0.0}
        for key, last in self.last.items():
            seconds[key[0]] += (last - self.first[key]) / TICKS
        return seconds


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocns.settings")
    import django

    django.setup()


def choose_leaders(args, count: int) -> tuple[list[tuple[str, int]], str]:
    """Village leaders from the demo's logins whose team's month's report is not sent yet (this
    month's card on their home), in a shuffled order."""
    from django.utils import timezone as dj_timezone

    from tocns.accounts.models import Assignment, Role
    from tocns.reports.models import Report
    from tocns.reports.periods import month_period

    with open(args.logins_csv, encoding="utf-8-sig") as f:
        usernames = {row.get("username") or row.get("Tên đăng nhập") or "" for row in csv.DictReader(f)}
    if not usernames - {""}:
        # The CSV's headers are Vietnamese; the username is the last column.
        with open(args.logins_csv, encoding="utf-8-sig") as f:
            usernames = {row[-1] for row in csv.reader(f)}
    today = dj_timezone.localdate()
    key = month_period(today.year, today.month).key
    sent = set(Report.objects.filter(period_key=key, status__in=["submitted", "accepted"], team__isnull=False)
               .values_list("unit_id", flat=True))
    rows = (Assignment.objects.active().filter(role=Role.TEAM_LEADER, unit__kind="thon", user__is_active=True,
                                                user__username__in=usernames)
            .exclude(unit_id__in=sent).values_list("user__username", "user_id", "unit_id").order_by("user__username"))
    seen_units, leaders = set(), []
    for username, user_id, unit_id in rows:
        if unit_id not in seen_units and username not in {u for u, _ in leaders}:
            seen_units.add(unit_id)
            leaders.append((username, user_id))
    random.Random(args.seed).shuffle(leaders)
    if len(leaders) < count:
        raise SystemExit(f"{len(leaders)} leaders still owe {key}'s report, {count} needed: seed a fresh database")
    return leaders[:count], key


def check_database(outcomes: list[Outcome], key: str, sent_before: int) -> list[tuple[str, str, str]]:
    """What the province sees after the run: each report sent once, each log entry once."""
    from django.db.models import Count, Q

    from tocns.fieldwork.models import Activity
    from tocns.reports.models import Report

    report_ids = [o.report_id for o in outcomes if o.report_id]
    sent_ids = {o.report_id for o in outcomes if o.sent}
    reports = (Report.objects.filter(pk__in=report_ids)
               .annotate(sends=Count("events", filter=Q(events__action="submitted"))))
    stored = {r.pk: r for r in reports}
    not_sent = [pk for pk in sent_ids if pk not in stored or stored[pk].status not in ("submitted", "accepted")]
    doubled = [r.pk for r in stored.values() if r.sends > 1]
    lost = [r.pk for r in stored.values() if r.status in ("submitted", "accepted") and r.sends == 0]
    sent_after = Report.objects.filter(period_key=key, status__in=["submitted", "accepted"]).count()
    gap = sent_after - sent_before - len(sent_ids)
    client_ids = [c for o in outcomes for c in o.client_ids]
    entries = Activity.objects.filter(client_id__in=client_ids).values("client_id").annotate(n=Count("id"))
    entry_counts = {str(e["client_id"]): e["n"] for e in entries}
    synced = [c for o in outcomes if not o.error for c in o.client_ids]
    return [
        ("reports the leaders saw sent", str(len(sent_ids)), ""),
        ("… stored as sent", str(len(sent_ids) - len(not_sent)), "ok" if not not_sent else f"MISSING {not_sent[:5]}"),
        ("… with exactly one 'sent' event", str(sum(1 for r in stored.values() if r.sends == 1)),
         "ok" if not doubled and not lost else f"DOUBLED {doubled[:5]} LOST {lost[:5]}"),
        (f"sent reports of {key} in the database (before → after)", f"{sent_before} → {sent_after}",
         "ok" if not gap else f"DIFFERS by {gap}"),
        ("log entries synced (retries included once)", str(len(synced)),
         "ok" if all(entry_counts.get(c) == 1 for c in synced) and all(n == 1 for n in entry_counts.values())
         else "NOT ONCE"),
    ]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


STEPS = ["sign-in page", "sign-in", "home", "open report", "report page", "save", "send", "send (confirm)",
         "send again (retry)", "log page", "log sync", "log sync again (retry)", "(script)"]


def table(samples: list[Sample]) -> list[str]:
    lines = ["| step | count | p50 ms | p95 ms | p99 ms | max ms | errors |", "|---|---:|---:|---:|---:|---:|---:|"]
    by_step: dict[str, list[Sample]] = {}
    for s in samples:
        by_step.setdefault(s.step, []).append(s)
    for step in [*STEPS, *sorted(set(by_step) - set(STEPS))]:
        rows = by_step.get(step)
        if not rows:
            continue
        ms = [s.ms for s in rows]
        errors = [s.note for s in rows if not s.ok]
        note = f"{len(errors)}" + (f" ({', '.join(sorted(set(errors)))})" if errors else "")
        lines.append(f"| {step} | {len(rows)} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | "
                     f"{percentile(ms, 99):.0f} | {max(ms):.0f} | {note} |")
    ms = [s.ms for s in samples]
    errors = sum(1 for s in samples if not s.ok)
    lines.append(f"| **every request** | {len(samples)} | {percentile(ms, 50):.0f} | {percentile(ms, 95):.0f} | "
                 f"{percentile(ms, 99):.0f} | {max(ms):.0f} | {errors} |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=float, default=1, help="multiple of the province's peak rate")
    parser.add_argument("--rate", type=float, help="sessions a second (overrides the peak and --times)")
    parser.add_argument("--duration", type=float, default=120, help="seconds of arrivals")
    parser.add_argument("--teams", type=int, default=PEAK["teams"])
    parser.add_argument("--last-day-share", type=float, default=PEAK["last_day_share"])
    parser.add_argument("--peak-hour-share", type=float, default=PEAK["peak_hour_share"])
    parser.add_argument("--sign-in-share", type=float, default=0.2,
                        help="sessions that start by signing in (the rest are still signed in)")
    parser.add_argument("--retry-share", type=float, default=0.1, help="sessions whose send and sync go twice")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds a leader reads/types between steps")
    parser.add_argument("--max-open", type=int, default=400, help="sessions at once at most (beyond: dropped)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--logins-csv", default=str(ROOT / "var" / "demo-logins.csv"))
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    dsn = os.environ.get("DATABASE_URL", "")
    if not dsn.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name your own PostgreSQL database (see the docstring)")

    rate = args.rate or peak_rate(args.teams, args.last_day_share, args.peak_hour_share) * args.times
    rng = random.Random(args.seed)
    arrivals, t = [], 0.0
    while True:
        t += rng.expovariate(rate)
        if t > args.duration:
            break
        arrivals.append(t)
    django_setup()
    leaders, key = choose_leaders(args, len(arrivals))
    from tocns.reports.models import Report

    sent_before = Report.objects.filter(period_key=key, status__in=["submitted", "accepted"]).count()
    from django.db import connections

    connections.close_all()

    env = server_env(args)
    load_before = os.getloadavg()
    print(f"# bench/load.py: {len(arrivals)} sessions over {args.duration:.0f} s at {rate:.3f}/s "
          f"({args.times:g}× the peak of {peak_rate(args.teams, args.last_day_share, args.peak_hour_share):.3f}/s); "
          f"gunicorn -w {args.workers} --threads {args.threads}; load average before "
          f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; {os.cpu_count()} cores", flush=True)
    server_log = ROOT / "var" / f"load-gunicorn-{args.port}.log"
    server_log.parent.mkdir(exist_ok=True)
    log = server_log.open("w")
    proc = start_gunicorn(args, env, log)
    run = Run(args)
    try:
        plan = []
        for username, user_id in leaders:
            signs_in = rng.random() < args.sign_in_share
            plan.append((Leader(username, user_id), signs_in, rng.random() < args.retry_share, rng.randrange(1 << 30)))
        # Those still signed in signed in days ago: done before the clock starts, not measured.
        warm = [leader for leader, signs_in, _, _ in plan if not signs_in]
        warm_samples = []

        def warm_up(chunk):
            for leader in chunk:
                leader.signed_in = Browser("127.0.0.1", args.port, warm_samples.append)
                sign_in_as(leader.signed_in, leader.username)

        threads = [threading.Thread(target=warm_up, args=(warm[i::args.workers],)) for i in range(args.workers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        if any(not s.ok for s in warm_samples) or len(warm_samples) < 2 * len(warm):
            raise SystemExit("warm-up sign-ins failed")
        time.sleep(2)
        meter = CpuMeter(proc.pid, dsn)
        meter.start()
        client_before = os.times()
        started = time.perf_counter()
        sessions = []
        for (leader, signs_in, retry, seed), at in zip(plan, arrivals, strict=True):
            delay = started + at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                run.late_ms = max(run.late_ms, -delay * 1000)
            with run.lock:
                if run.open >= args.max_open:
                    run.dropped += 1
                    continue
                run.open += 1
            th = threading.Thread(target=run.session, args=(leader, signs_in, retry, seed), daemon=True)
            th.start()
            sessions.append(th)
        arrivals_end = time.perf_counter()
        for th in sessions:
            th.join(timeout=max(1, 300 - (time.perf_counter() - arrivals_end)))
        elapsed = time.perf_counter() - started
        cpu = meter.stop()
        client_after = os.times()
        load_after = os.getloadavg()
    finally:
        stop(proc)
        log.close()

    samples = list(run.samples)
    requests = len(samples)
    errors = sum(1 for s in samples if not s.ok) + run.dropped
    print()
    print("\n".join(table(samples)))
    client_cpu = (client_after.user + client_after.system) - (client_before.user + client_before.system)
    print()
    print("| figure | value |\n|---|---:|")
    figures = [
        ("sessions started / finished without error / dropped",
         f"{len(sessions)} / {sum(1 for o in run.outcomes if not o.error)} / {run.dropped}"),
        ("sessions that signed in / sent twice (retry)",
         f"{sum(1 for _, s, _, _ in plan if s)} / {sum(1 for _, _, r, _ in plan if r)}"),
        ("requests (per second over the run)", f"{requests} ({requests / elapsed:.1f}/s over {elapsed:.0f} s)"),
        ("errors (status ≥ 400, unexpected page, exception, dropped)", str(errors)),
        ("server CPU per request: gunicorn + PostgreSQL",
         f"{1000 * (cpu['app'] + cpu['db']) / max(1, requests):.1f} ms "
         f"({1000 * cpu['app'] / max(1, requests):.1f} + {1000 * cpu['db'] / max(1, requests):.1f})"),
        ("server CPU busy (of 2 cores = 200 %)", f"{100 * (cpu['app'] + cpu['db']) / elapsed:.0f} %"),
        ("load generator's own CPU", f"{100 * client_cpu / elapsed:.0f} % of a core"),
        ("arrivals started late at most (scheduler)", f"{run.late_ms:.0f} ms"),
        ("load average before / after", f"{load_before[0]:.2f} / {load_after[0]:.2f}"),
    ]
    for name, value in figures:
        print(f"| {name} | {value} |")
    failures = [o for o in run.outcomes if o.error]
    for o in failures[:10]:
        print(f"  failed session {o.username}: {o.error}", file=sys.stderr)

    # What the server said about its 500s (the tracebacks stay in the log).
    logged = server_log.read_text(errors="replace").splitlines()
    causes = {}
    for line in logged:
        if re.match(r"^[\w.]+(Error|Exception): ", line):
            causes[line[:160]] = causes.get(line[:160], 0) + 1
    if causes:
        print(f"\nserver errors in {server_log}:", file=sys.stderr)
        for cause, n in sorted(causes.items(), key=lambda c: -c[1]):
            print(f"  {n} × {cause}", file=sys.stderr)

    checks = check_database(run.outcomes, key, sent_before)
    print()
    print("| after the run, in the database | count | check |\n|---|---:|---|")
    for name, value, verdict in checks:
        print(f"| {name} | {value} | {verdict} |")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "rate": rate, "times": args.times, "duration": args.duration, "workers": args.workers,
            "threads": args.threads, "requests": requests, "errors": errors, "elapsed": elapsed,
            "cpu": cpu, "client_cpu": client_cpu, "load_before": load_before, "load_after": load_after,
            "table": table(samples), "checks": checks}, ensure_ascii=False, indent=1))
    bad = errors or any(v not in ("", "ok") for _, _, v in checks)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
