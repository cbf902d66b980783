"""The national role (the ministry): every province's aggregate figures, drilled down to a village,
and nothing of any person: no unit page, no name, no phone."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from tocns.accounts.access import access_for
from tocns.accounts.models import Assignment, Role
from tocns.accounts.services import assignment_end
from tocns.fieldwork.feedback import feedback_submit
from tocns.fieldwork.models import FeedbackChannel
from tocns.geo.models import UnitKind
from tocns.lib.phone import format_phone
from tocns.national import selectors
from tocns.reports.periods import month_period
from tocns.reports.selectors import completeness, rollup
from tocns.teams.models import Person

from ..factories import make_team, make_unit, make_user
from ..reports.factories import established_long_ago, freeze, submit_report, village_form

pytestmark = pytest.mark.django_db
OCTOBER = "2026-10"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    freeze(monkeypatch, datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def ministry(db):
    return make_user(full_name="Nguyễn Văn Khoa", username="bo.khcn", role=Role.NATIONAL, unit=None)


@pytest.fixture
def country(world):
    """Tuyên Quang: three village teams, two sent October's report; Cao Bằng: one team, sent."""
    world.village_c1 = make_unit(name="Tổ dân phố Sông Bằng", kind=UnitKind.TO_DAN_PHO, parent=world.other_commune)
    teams = {
        "a1": established_long_ago(make_team(world, world.village_a1, members=3)),
        "a2": established_long_ago(make_team(world, world.village_a2, members=2)),
        "b1": established_long_ago(make_team(world, world.village_b1, members=2)),
        "c1": established_long_ago(make_team(world, world.village_c1, members=2)),
    }
    submit_report(teams["a1"], 2026, 10, {"CQ01": "12", "TT02": "40"})
    submit_report(teams["b1"], 2026, 10, {"CQ01": "5"})
    submit_report(teams["c1"], 2026, 10, {"CQ01": "7", "TT02": "9"})
    feedback_submit(unit=world.village_a1, content="Không vào được VNeID", citizen_name="Bàn Thị Sâm",
                    citizen_phone="0912 888 999", consent=True, channel=FeedbackChannel.PUBLIC,
                    submission_key=uuid.uuid4().hex)
    return teams


def _value(table_row, code):
    return table_row.values.get(code)


def test_national_user_sees_every_province_with_its_figures(client, world, country, ministry):
    client.force_login(ministry)
    response = client.get(reverse("national:index"), {"period": OCTOBER})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tuyên Quang" in body and "Cao Bằng" in body
    table = response.context["table"]
    rows = {row.unit.code: row for row in table.rows}
    assert (rows["08"].teams, rows["08"].members, rows["08"].submitted, rows["08"].expected) == (3, 7, 2, 3)
    assert (rows["04"].teams, rows["04"].members, rows["04"].submitted, rows["04"].expected) == (1, 2, 1, 1)
    assert rows["08"].share == 67 and rows["04"].share == 100
    assert (table.total.submitted, table.total.expected, table.total.share) == (3, 4, 75)
    assert _value(rows["08"], "CQ01") == 17 and _value(rows["04"], "CQ01") == 7
    assert _value(table.total, "CQ01") == 24
    assert 'id="completeness">75%' in body


def test_national_numbers_equal_the_sums_of_the_provinces_rollups(world, country):
    period = month_period(2026, 10)
    table = selectors.country(period)
    rollups = [rollup(unit=province, period=period) for province in (world.province, world.other_province)]
    for indicator in table.indicators:
        if indicator.aggregation == "ratio":
            continue
        parts = [r.total.get(indicator.code) for r in rollups if r.total.get(indicator.code) is not None]
        assert table.total.values[indicator.code] == (sum(parts) if parts else None), indicator.code
    # TT02 / shares are total over total, not an average of the provinces' shares
    owed = [completeness(form=village_form(), period=period, unit=p) for p in (world.province, world.other_province)]
    assert table.total.expected == sum(c.expected for c in owed)
    assert table.total.submitted == sum(c.submitted for c in owed)


def test_national_user_drills_down_to_a_commune_and_a_village(client, world, country, ministry):
    client.force_login(ministry)
    province = client.get(reverse("national:unit", args=["08"]), {"period": OCTOBER})
    assert province.status_code == 200
    rows = {row.unit.code: row for row in province.context["table"].rows}
    assert (rows[world.commune_a.code].submitted, rows[world.commune_a.code].expected) == (1, 2)
    assert _value(rows[world.commune_a.code], "CQ01") == 12 and _value(rows[world.commune_b.code], "CQ01") == 5
    body = province.content.decode()
    assert reverse("national:unit", args=[world.commune_a.code]) in body
    assert 'id="occupation"' in body and 'id="gender"' in body  # the province's overview charts
    # the communes' counts add up to the province's completeness
    total = province.context["table"].total
    done = completeness(form=village_form(), period=month_period(2026, 10), unit=world.province)
    assert (total.submitted, total.expected, total.on_time) == (done.submitted, done.expected, done.on_time)

    commune = client.get(reverse("national:unit", args=[world.commune_a.code]), {"period": OCTOBER})
    assert commune.status_code == 200
    villages = {row.unit.code: row for row in commune.context["table"].rows}
    assert _value(villages[world.village_a1.code], "CQ01") == 12
    assert (villages[world.village_a2.code].submitted, villages[world.village_a2.code].expected) == (0, 1)
    assert reverse("national:unit", args=[world.village_a1.code]) in commune.content.decode()

    village = client.get(reverse("national:unit", args=[world.village_a1.code]), {"period": OCTOBER})
    assert village.status_code == 200
    assert village.context["table"].report_state in ("on_time", "late")
    assert village.context["table"].rows[0].members == 3
    missing = client.get(reverse("national:unit", args=[world.village_a2.code]), {"period": OCTOBER})
    assert missing.context["table"].report_state == "missing"
    assert "Chưa gửi" in missing.content.decode()


def test_every_personal_page_answers_404_for_the_national_user(client, world, country, ministry):
    client.force_login(ministry)
    team = country["a1"]
    person = team.memberships.first().person
    report = team.reports.first() if hasattr(team, "reports") else None
    urls = [
        reverse("dashboard:unit_detail", args=[world.village_a1.code]),
        reverse("dashboard:unit_detail", args=[world.province.code]),
        reverse("dashboard:overview") + f"?unit={world.province.code}",
        reverse("dashboard:overview_xlsx") + f"?unit={world.commune_a.code}",
        reverse("teams:detail", args=[team.pk]),
        reverse("teams:members_export", args=[team.pk]),
        reverse("teams:commune_members_export", args=[world.commune_a.code]),
        reverse("teams:person", args=[person.pk]),
        reverse("fieldwork:feedback_export"),
        reverse("reports:rollup") + f"?unit={world.province.code}&period={OCTOBER}",
        reverse("reports:completeness") + f"?unit={world.province.code}&period={OCTOBER}",
        reverse("accounts:users"),
        reverse("audit:list"),
        reverse("privacy:list"),
        f"/api/v1/units/{world.village_a1.code}",
        f"/api/v1/teams/{team.pk}",
        f"/api/v1/rollups?unit={world.province.code}&period={OCTOBER}",
    ]
    if report is not None:
        urls.append(reverse("reports:detail", args=[report.pk]))
    answers = {url: client.get(url).status_code for url in urls}
    assert {url: code for url, code in answers.items() if code != 404} == {}
    # the lists open to any signed-in user (as to a department) hold nothing of any unit
    for url in (reverse("teams:applications"), reverse("fieldwork:feedback_list")):
        body = client.get(url).content.decode()
        assert "Bàn Thị Sâm" not in body and "Không vào được VNeID" not in body and world.village_a1.name not in body
    assert client.get("/api/v1/teams").json()["items"] == []
    assert client.get("/api/v1/units").json()["items"] == []


def test_pages_and_excel_show_no_name_or_phone_of_a_person(client, world, country, ministry):
    client.force_login(ministry)
    people = list(Person.objects.all())
    secrets = {p.full_name for p in people} | {p.phone for p in people if p.phone} | {"Bàn Thị Sâm", "0912888999"}
    secrets |= {format_phone(p.phone) for p in people if p.phone}  # as pages print them: 0970 000 001
    secrets |= {u.full_name for u in (world.province_admin, world.officer_a, world.leader_a1)}
    pages = [reverse("national:index"), reverse("national:unit", args=["08"]),
             reverse("national:unit", args=[world.commune_a.code]),
             reverse("national:unit", args=[world.village_a1.code])]
    for url in pages:
        body = client.get(url, {"period": OCTOBER}).content.decode()
        assert world.province.name in body  # the page shows the units (their figures) it is about
        leaked = [s for s in secrets if s in body]
        assert not leaked, (url, leaked)
    response = client.get(reverse("national:xlsx"), {"period": OCTOBER})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Tuyên Quang" in cells and "Cao Bằng" in cells and "Cả nước" in cells
    assert not [c for c in cells for s in secrets if s in c]
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Cả nước")
    assert total_row[2:7] == (4, 9, 3, 4, 75)


def test_province_admin_does_not_see_the_national_pages(client, world, country, ministry):
    client.force_login(world.province_admin)
    for url in (reverse("national:index"), reverse("national:unit", args=["04"]), reverse("national:xlsx")):
        assert client.get(url).status_code == 404
    assert reverse("national:index") not in client.get(reverse("dashboard:home")).content.decode()
    for persona in world.personas().values():
        assert not access_for(persona).national


def test_national_user_home_is_the_country_and_his_menu_links_it(client, ministry):
    client.force_login(ministry)
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 302 and home["Location"] == reverse("national:index")
    page = client.get(reverse("national:index")).content.decode()
    assert f'href="{reverse("national:index")}"' in page
    assert f'href="{reverse("report_settings:index")}"' in page  # the national catalogue he keeps
    assert "Danh mục chung của cả nước" in client.get(reverse("report_settings:index")).content.decode()
    assert f'href="{reverse("dashboard:overview")}"' not in page and f'href="{reverse("teams:list")}"' not in page
    assert client.get("/api/v1/me").json()["assignments"] == [
        {"role": "national", "unit_code": "", "unit_name": "Toàn quốc"}]


def test_a_province_admin_cannot_grant_the_national_role(client, world, ministry):
    client.force_login(world.province_admin)
    response = client.post(reverse("accounts:user_create"), {
        "full_name": "Lê Văn Mạnh", "phone": "0987000111", "role": "national", "commune": world.commune_a.pk})
    assert response.status_code == 200
    assert not Assignment.objects.filter(role=Role.NATIONAL).exclude(user=ministry).exists()
    # nor see, reset or end the ministry's account
    assert client.get(reverse("accounts:user_detail", args=[ministry.pk])).status_code == 404
    assert "Nguyễn Văn Khoa" not in client.get(reverse("accounts:users")).content.decode()
    with pytest.raises(ValidationError):
        assignment_end(assignment=ministry.assignments.get(), by=world.province_admin)


def test_the_command_creates_a_national_user(db):
    out = io.StringIO()
    call_command("create_national_user", name="Trần Thị Bộ", phone="0988123456", username="vu.cds", stdout=out)
    assignment = Assignment.objects.get(user__username="vu.cds")
    assert assignment.role == Role.NATIONAL and assignment.unit is None
    assert assignment.user.must_change_password
    assert "Mật khẩu tạm" in out.getvalue()


def test_only_the_national_role_is_held_on_no_unit(world, ministry):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(user=world.officer_a, role=Role.PROVINCE_ADMIN, unit=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(user=world.officer_a, role=Role.NATIONAL, unit=world.province)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(user=ministry, role=Role.NATIONAL, unit=None)  # a second active one


def test_the_national_table_sums_no_sensitive_and_no_province_own_indicator(client, world, country, ministry):
    from tocns.reports.choices import Visibility
    from tocns.reports.models import FormIndicator, Indicator

    Indicator.objects.filter(code="TT02").update(visibility=Visibility.SENSITIVE)
    own = Indicator.objects.create(code="TQ01", province=world.province, name="Số hộ dùng ứng dụng du lịch của tỉnh",
                                   pillar=Indicator.objects.get(code="CQ01").pillar, unit_of_measure="hộ")
    FormIndicator.objects.create(form=village_form(), indicator=own, order=999)
    codes = {i.code for i in selectors.country(month_period(2026, 10)).indicators}
    assert "CQ01" in codes and "TT02" not in codes and "TQ01" not in codes
    client.force_login(ministry)
    sheet = load_workbook(io.BytesIO(client.get(reverse("national:xlsx"), {"period": OCTOBER}).content)).active
    cells = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    assert "CQ01" in cells and "TT02" not in cells and "TQ01" not in cells
    page = client.get(reverse("national:index"), {"period": OCTOBER}).content.decode()
    assert "Số người được tuyên truyền" not in page


def test_a_national_user_with_another_role_keeps_his_home_and_both_menus(client, world, ministry):
    Assignment.objects.create(user=ministry, role=Role.COMMUNE_OFFICER, unit=world.commune_a)
    client.force_login(ministry)
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert "Cấp trung ương (Bộ Khoa học và Công nghệ) · Toàn quốc" in body and world.commune_a.name in body
    assert f'href="{reverse("national:index")}"' in body and f'href="{reverse("dashboard:overview")}"' in body


def test_each_province_row_equals_its_own_rollup_and_completeness(world, country):
    """The country's table is counted for all provinces at once: each row must still be the number the
    province's own roll-up and completeness pages show, whatever is in the way (a report returned for
    correction, a sensitive indicator, a province's own indicator, a commune team's stock figures
    and their share, a commune merged away, a team dissolved during the month)."""
    from tocns.reports.choices import Visibility
    from tocns.reports.models import FormIndicator, Indicator
    from tocns.reports.services import report_return
    from tocns.teams.choices import TeamStatus

    from ..reports.factories import commune_team_form

    period = month_period(2026, 10)
    Indicator.objects.filter(code="TT02").update(visibility=Visibility.SENSITIVE)
    own = Indicator.objects.create(code="TQ01", province=world.province, name="Số hộ dùng ứng dụng du lịch của tỉnh",
                                   pillar=Indicator.objects.get(code="CQ01").pillar, unit_of_measure="hộ")
    FormIndicator.objects.create(form=village_form(), indicator=own, order=999)
    # Tuyên Quang: its commune team sends the stock figures a share is made of
    commune_team = established_long_ago(make_team(world, world.commune_a, members=1))
    submit_report(commune_team, 2026, 10, {"CQ01": "3", "HT01.SO": "40", "HT01.TONG": "80"},
                  form=commune_team_form())
    # Cao Bằng: a report returned for correction, a team dissolved mid-month, a commune merged away
    returned_village = make_unit(name="Xóm Nặm Tốc", kind=UnitKind.THON, parent=world.other_commune)
    returned = submit_report(established_long_ago(make_team(world, returned_village, members=1)), 2026, 10,
                             {"CQ01": "100", "TT02": "100"})
    report_return(report=returned, by=world.province_admin, comment="Số người hướng dẫn chưa khớp sổ.")
    dissolved = established_long_ago(make_team(world, make_unit(name="Xóm Bó Củng", kind=UnitKind.THON,
                                                                parent=world.other_commune)))
    type(dissolved).objects.filter(pk=dissolved.pk).update(status=TeamStatus.DISSOLVED,
                                                           dissolved_on=datetime.date(2026, 10, 15))
    merged = make_unit(name="Xã Hưng Đạo", kind=UnitKind.XA, parent=world.other_province)
    merged_team = established_long_ago(make_team(world, make_unit(name="Xóm Pác Bó", kind=UnitKind.THON,
                                                                  parent=merged), members=1))
    submit_report(merged_team, 2026, 10, {"CQ01": "1000"})
    type(merged).objects.filter(pk=merged.pk).update(retired_on=datetime.date(2026, 11, 1))

    table = selectors.country(period)

    codes = [i.code for i in table.indicators]
    assert "CQ01" in codes and "HT01" in codes and "TT02" not in codes and "TQ01" not in codes
    rows = {row.unit.code: row for row in table.rows}
    for province in (world.province, world.other_province):
        row, own_rollup = rows[province.code], rollup(unit=province, period=period)
        done = completeness(form=village_form(), period=period, unit=province)
        assert row.values == {code: own_rollup.total.get(code) for code in codes}, province.name
        assert (row.expected, row.submitted, row.on_time) == (done.expected, done.submitted, done.on_time)
    # what a ministry official reads: the returned and the merged commune's reports are not summed,
    # the share is the commune team's 40 of 80; the dissolved team owed October, and a returned report
    # stays sent (completeness counts what was sent, as the province's page does)
    assert (rows["08"].values["CQ01"], rows["04"].values["CQ01"]) == (20, 7)
    assert rows["08"].values["HT01"] == 50 and rows["04"].values["HT01"] is None
    assert (rows["04"].expected, rows["04"].submitted) == (4, 3)


def test_the_country_costs_the_same_queries_whatever_the_number_of_provinces(world, country):
    """34 provinces made 347 queries when each had its own roll-up and completeness."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = month_period(2026, 10)
    with CaptureQueriesContext(connection) as two:
        selectors.country(period)
    third = make_unit(name="Lạng Sơn", kind=UnitKind.PROVINCE, code="20")
    commune = make_unit(name="Phường Lương Văn Tri", kind=UnitKind.PHUONG, parent=third)
    team = established_long_ago(make_team(world, make_unit(name="Khối 1", kind=UnitKind.TO_DAN_PHO, parent=commune),
                                          members=1))
    submit_report(team, 2026, 10, {"CQ01": "2"})
    with CaptureQueriesContext(connection) as three:
        table = selectors.country(period)
    assert len(three) == len(two)
    rows = {row.unit.code: row for row in table.rows}
    assert (rows["20"].values["CQ01"], rows["20"].submitted, rows["20"].expected) == (2, 1, 1)
    assert table.total.values["CQ01"] == 26
