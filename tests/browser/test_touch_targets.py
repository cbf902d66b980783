"""Made for older eyes and thumbs: on a 360×740 phone, everything one taps on the leader's and the
visitor's main pages is at least 44×44 px (a checkbox or a radio button by its label, which is
what a thumb hits), no text is under 16 px, and nothing scrolls sideways.

Each page is photographed as it first shows, into tmp_path or into $SCREENSHOTS_DIR when set
(the team looks at them as a 60-year-old village head would); then every <details> is opened,
the menu included, and measured."""

import datetime
import importlib
import os
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from tocns.fieldwork.models import Guide
from tocns.teams.models import Membership

from ..factories import TEST_PASSWORD, World, make_team
from ..reports.factories import ensure_catalogue, established_long_ago, submit_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TARGET, TEXT = 44, 16

# Returns the targets under 44 px and the text under 16 px, each named as a person would find it.
MEASURE = """([target, text]) => {
  const width = document.documentElement.clientWidth;
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    // Off-screen on purpose (the robots' trap field) or not rendered at all.
    if (box.width === 0 || box.height === 0 || box.right <= 0 || box.left >= width + 1000) return false;
    return el.checkVisibility({visibilityProperty: true});
  };
  const name = (el) => {
    const field = el.matches("input, select, textarea");
    const words = ((field ? el.labels && el.labels[0] && el.labels[0].innerText : el.innerText)
      || el.getAttribute("aria-label") || el.placeholder || el.name || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> "${words}"`;
  };
  const small = [], fonts = [], seen = new Set();
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(controls)) {
    // A box counts by the label around it; a label elsewhere leaves the box itself as the target.
    const hit = el.matches("input[type=checkbox], input[type=radio]") ? el.closest("label") || el : el;
    if (seen.has(hit) || !shown(hit)) continue;
    seen.add(hit);
    const box = hit.getBoundingClientRect();
    if (box.width < target || box.height < target) {
      small.push(`${name(hit)} ${Math.round(box.width)}×${Math.round(box.height)} px`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const boxes = "input:not([type=hidden], [type=checkbox], [type=radio]), select, textarea";
  const typed = [...document.querySelectorAll(boxes)];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (el && node.textContent.trim() && !el.closest("script, style, option") && shown(el)) typed.push(el);
  }
  for (const el of new Set(typed)) {
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < text && shown(el)) fonts.push(`${name(el)} ${size.toFixed(1)} px`);
  }
  return {small, fonts, wide: document.documentElement.scrollWidth};
}"""


def screens(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def problems_on(page, base: str, pages: list[tuple[str, str]], folder: Path, who: str) -> list[str]:
    """Visit each page, photograph it, open its folded parts and list what is too small."""
    found = []
    for name, path in pages:
        response = page.goto(base + path)
        assert response.status in (200, 404), f"{path} answered {response.status}"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(folder / f"{who}-{name}.png"), full_page=True)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        result = page.evaluate(MEASURE, [TARGET, TEXT])
        found += [f"{path} target under {TARGET} px: {item}" for item in result["small"]]
        found += [f"{path} text under {TEXT} px: {item}" for item in result["fonts"]]
        if result["wide"] > 360:
            found.append(f"{path} scrolls sideways: {result['wide']} px wide")
    return found


def sign_in(page, base: str, phone: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(phone)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chào")


def a_village_team(world):
    """Thôn Nà Khà's team of three, long established, whose members show their phones; the report
    and service catalogues (their data migrations' rows are emptied between browser tests); a guide."""
    ensure_catalogue()
    importlib.import_module("tocns.fieldwork.migrations.0002_service_catalogue").load(apps, None)
    team = established_long_ago(make_team(world, world.village_a1, members=3))
    for membership in Membership.objects.filter(team=team).select_related("person"):
        membership.person.phone_public = True
        membership.person.save(update_fields=["phone_public"])
    Guide.objects.create(title="Kích hoạt tài khoản định danh điện tử VNeID mức 2", pillar="government",
                         is_published=True, submission_key=uuid.uuid4(), updated_by=world.province_admin)
    return team


@pytest.fixture
def frozen_day(monkeypatch):
    """26/11/2026, three days before November's report is due."""
    now = timezone.make_aware(datetime.datetime(2026, 11, 26, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: now)


def test_every_target_on_the_leaders_main_pages_is_a_thumb_wide_and_no_text_is_small(
        phone_page, live_server, frozen_day, tmp_path):
    world = World()
    team = a_village_team(world)
    report = submit_report(team, 2026, 11, {"CQ01": "12"}, by=world.leader_a1, submit=False)
    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")

    found = problems_on(page, base, [("home", "/"), ("log", "/nhat-ky/"), ("report", f"/reports/{report.pk}/")],
                        screens(tmp_path), "leader")

    assert not found, "Too small for a thumb or for older eyes:\n" + "\n".join(found)


def test_every_target_on_the_visitors_main_pages_is_a_thumb_wide_and_no_text_is_small(
        phone_page, live_server, frozen_day, tmp_path):
    world = World()
    team = a_village_team(world)
    page, base = phone_page, live_server.url

    found = problems_on(page, base, [
        ("home", "/"), ("found", "/?q=na+kha"), ("join-find", "/dang-ky/?q=thuong+lam"),
        ("join", f"/dang-ky/to/{team.public_slug}/"), ("feedback-find", "/phan-anh/?q=thuong+lam"),
        ("feedback", f"/phan-anh/xa/{world.commune_a.code}/"), ("feedback-code", "/phan-anh/theo-doi/?code=K7M2QX9B"),
        ("team", f"/to/{team.public_slug}/"),
    ], screens(tmp_path), "visitor")

    assert not found, "Too small for a thumb or for older eyes:\n" + "\n".join(found)
    # The consent boxes are there to be measured, each inside its label.
    page.goto(f"{base}/dang-ky/to/{team.public_slug}/")
    expect(page.locator("label.check", has=page.locator("input[name=ethnic_group_consent]"))).to_be_visible()
    page.goto(f"{base}/phan-anh/xa/{world.commune_a.code}/")
    expect(page.locator("label.check", has=page.locator("input[name=consent]"))).to_be_visible()
