"""Page weight as a phone on mobile data pays for it.

Serves the app as production does (gunicorn, DEBUG off, WhiteNoise with pre-compressed static
files, GZip for pages) on 127.0.0.1, signs in as demo users in headless Chromium on a 360×740
screen, and adds up the bytes that crossed the network for each page (Chrome's own
`encodedDataLength`, headers included): the first signed-in page with an empty cache, then
later pages with static files cached.

    .venv/bin/python bench/page_weight.py          # uses var/bench.sqlite3, builds it if needed

Budget (issue #2): first signed-in page <= 150 KB, later pages <= 30 KB, no other host.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "demo-tocns-2026"
FIRST_BUDGET, LATER_BUDGET = 150 * 1024, 30 * 1024


def server_env() -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    # Demo accounts sign in without the second factor here, as on the demo server (docs/security.md).
    env.update({"DEBUG": "0", "HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECOND_FACTOR_DEMO_EXEMPT": "1",
                "SECRET_KEY": env.get("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij")})
    return env


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def start_server(env):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen([str(gunicorn), "tocns.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "2", "--log-level",
                             "warning"], cwd=ROOT, env=env)
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start")


class Meter:
    """Bytes over the network for one navigation, from Chrome's DevTools protocol."""

    def __init__(self, page):
        self.page = page
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.bytes = 0
        self.requests = 0
        self.hosts = set()
        self.session.on("Network.loadingFinished", self._finished)
        self.session.on("Network.requestWillBeSent", self._sent)

    def _sent(self, event):
        url = urlparse(event["request"]["url"])
        if url.scheme in ("http", "https"):  # data: and blob: come from the page itself
            self.hosts.add(url.netloc)

    def _finished(self, event):
        self.bytes += int(event["encodedDataLength"])
        if event["encodedDataLength"] > 0:
            self.requests += 1

    def measure(self, action):
        self.bytes = self.requests = 0
        action()
        self.page.wait_for_load_state("networkidle")
        return self.bytes, self.requests


def sign_in(page, who):
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(who)
    page.get_by_label("Mật khẩu").fill(PASSWORD)


def run_journey(browser, label, who, later_paths):
    # The log's service worker would answer later pages from its cache, out of this meter's sight:
    # blocked here, so every page is weighed as it comes over the network.
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, service_workers="block")
    page = context.new_page()
    meter = Meter(page)
    rows = [(label, "trang đăng nhập (bộ nhớ đệm trống)", *meter.measure(lambda: sign_in(page, who)))]
    # Clear the cache so the first signed-in page is measured as a phone that has never been here.
    meter.session.send("Network.clearBrowserCache")
    rows.append((label, "trang đầu sau đăng nhập (bộ nhớ đệm trống)",
                 *meter.measure(lambda: page.get_by_role("button", name="Đăng nhập").click())))
    for path in later_paths:
        rows.append((label, f"{path} (tệp tĩnh đã lưu)", *meter.measure(lambda p=path: page.goto(BASE + p))))
    hosts = set(meter.hosts)
    context.close()
    return rows, hosts


def run_public(browser, paths):
    """A citizen with an empty cache, not signed in: the public join pages."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    meter = Meter(page)
    rows = []
    for i, path in enumerate(paths):
        note = "bộ nhớ đệm trống" if i == 0 else "tệp tĩnh đã lưu"
        rows.append(("Người dân", f"{path} ({note})", *meter.measure(lambda p=path: page.goto(BASE + p))))
    hosts = set(meter.hosts)
    context.close()
    return rows, hosts


def demo_database(env):
    """The default demo in the bench database (built once, a later run adds nothing), static files
    collected, and Django set up in this process to read it."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL",)})
    manage("migrate", "--noinput", env=env)
    manage("load_units", "--province", "08", env=env)
    manage("seed_demo", env=env)
    manage("collectstatic", "--noinput", env=env)
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocns.settings")
    django.setup()


def main():
    env = server_env()
    demo_database(env)
    from tocns.geo.models import AdminUnit
    from tocns.teams.models import Team

    commune = AdminUnit.objects.communes().filter(kind="xa").order_by("code").first()
    village = AdminUnit.objects.villages().filter(parent=commune, teams__isnull=False).order_by("code").first()
    commune_team = Team.objects.get(unit=commune, status="established")
    village_team = Team.objects.get(unit=village, status="established")
    from tocns.reports.models import Report

    # A submitted report of that village: the page a leader and an officer open most.
    sample_report = Report.objects.filter(unit=village).exclude(submitted_at=None).order_by("-period_start").first()
    from tocns.fieldwork.models import Survey

    survey = Survey.objects.filter(is_demo=True).first()  # the demo survey, given to every team

    server = start_server(env)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            results, hosts = [], set()
            for label, who, paths in [
                ("Cán bộ VH-XH", f"vhxh.{commune.code}", ["/units/", f"/units/{commune.code}/",
                                                          f"/units/{commune.code}/?q=thon", "/teams/",
                                                          f"/teams/{commune_team.pk}/", "/teams/coverage/",
                                                          "/teams/applications/", "/reports/",
                                                          f"/reports/completeness/?unit={commune.code}",
                                                          f"/reports/rollup/?unit={commune.code}",
                                                          f"/reports/{sample_report.pk}/", "/nhat-ky/phan-anh/",
                                                          "/nhat-ky/khao-sat/",
                                                          f"/nhat-ky/khao-sat/{survey.pk}/ket-qua/",
                                                          # issue #15
                                                          "/quy-che/", "/nhom-phoi-hop/", "/ho-tro/", "/nhiem-vu/",
                                                          "/reports/kho-khan/", "/so-ho/"]),
                ("Quản trị tỉnh", "sokhcn", ["/tong-quan/", f"/tong-quan/?unit={commune.code}", "/tap-huan/",
                                             "/tap-huan/thong-ke/", "/huong-dan/", "/units/", "/accounts/users/",
                                             f"/units/{village.code}/",
                                             "/teams/coverage/", "/teams/coverage/?show=no_deputy",
                                             "/reports/rollup/?unit=08", "/reports/completeness/?unit=08",
                                             # issue #15
                                             "/quy-che/", "/so-nganh/", "/ho-tro/thong-ke/",
                                             "/reports/kho-khan/theo-xa/", "/teams/rules/", "/tap-huan/chung-nhan/"]),
                ("Tổ trưởng", f"totruong.{village.code}", [f"/units/{village.code}/",
                                                           f"/teams/{village_team.pk}/", "/teams/applications/",
                                                           "/reports/", f"/reports/{sample_report.pk}/",
                                                           "/nhat-ky/", "/nhat-ky/khao-sat/",
                                                           f"/nhat-ky/khao-sat/{survey.pk}/", "/nhat-ky/phan-anh/",
                                                           "/nhiem-vu/", "/ho-tro/gui/", "/nhom-phoi-hop/"]),
                ("Sở, ban, ngành", "so.nongnghiep", ["/so-nganh/hoat-dong/", "/so-nganh/hoat-dong/ghi/",
                                                     "/so-nganh/cac-xa/"]),
                ("Doanh nghiệp", "vnpt", ["/ho-tro/", "/ho-tro/cac-to/", "/tap-huan/"]),
            ]:
                rows, seen = run_journey(browser, label, who, paths)
                results += rows
                hosts |= seen
            rows, seen = run_public(browser, ["/?q=thuong", f"/to/{village_team.public_slug}/", "/huong-dan/",
                                              "/dang-ky/?q=thuong", f"/dang-ky/xa/{commune.code}/",
                                              f"/dang-ky/to/{village_team.public_slug}/", "/phan-anh/"])
            results += rows
            hosts |= seen
            browser.close()
    finally:
        server.terminate()
        server.wait()

    print("| người dùng | trang | KB qua mạng | số yêu cầu |")
    print("|---|---|---:|---:|")
    worst_first = worst_later = 0
    for label, page, size, count in results:
        print(f"| {label} | {page} | {size / 1024:.1f} | {count} |")
        if "trang đầu" in page or "bộ nhớ đệm trống" in page and label == "Người dân":
            worst_first = max(worst_first, size)
        elif "đã lưu" in page:
            worst_later = max(worst_later, size)
    print(f"\nhosts contacted: {sorted(hosts)}")
    ok = worst_first <= FIRST_BUDGET and worst_later <= LATER_BUDGET and hosts <= {f"127.0.0.1:{PORT}"}
    print(f"worst first signed-in page {worst_first / 1024:.1f} KB (budget 150), "
          f"worst later page {worst_later / 1024:.1f} KB (budget 30): {'OK' if ok else 'OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
