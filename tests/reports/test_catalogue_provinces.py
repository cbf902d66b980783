"""The catalogue belongs to a province (issue #18): indicators, forms, rules, services, topics and
guides without a province are the national catalogue both provinces see; a province's own rows
are seen and edited by that province alone (404 elsewhere), on the pages, in the API, in the
report forms a team is asked, in the log's service list and among training topics."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tocns.accounts.models import Role
from tocns.fieldwork import catalogue as service_catalogue
from tocns.fieldwork.models import Guide, Service
from tocns.fieldwork.services import activity_record
from tocns.geo.models import UnitKind
from tocns.reports import catalogue, form_catalogue, selectors, services
from tocns.reports.models import Indicator, ReportForm, ValidationRule
from tocns.reports.periods import month_period
from tocns.reports.rules import rules_for_form
from tocns.reports.validation import rule_save
from tocns.training import services as training
from tocns.training.models import Topic

from ..factories import make_team, make_unit, make_user
from .factories import established_long_ago, village_form

pytestmark = pytest.mark.django_db

COUNT = {"name": "Số hộ dùng camera an ninh", "pillar": "society", "unit_of_measure": "hộ",
         "value_type": "integer", "aggregation": "sum", "min_value": 0, "outlier_factor": 3}


@pytest.fixture
def other(world):
    """Cao Bằng: its province admin, a village and its team, with a leader."""
    village = make_unit(name="Xóm Nà Giàng", kind=UnitKind.THON, parent=world.other_commune)
    admin = make_user(full_name="Bế Văn Đàm", role=Role.PROVINCE_ADMIN, unit=world.other_province)
    leader = make_user(full_name="Nông Thị Lan", role=Role.TEAM_LEADER, unit=village)
    return {"admin": admin, "village": village, "leader": leader,
            "team": established_long_ago(make_team(world, village, members=1))}


def own_indicator(world, code="TQ01"):
    return catalogue.indicator_create(data={**COUNT, "code": code}, by=world.province_admin, province=world.province)


def own_form(world, indicator):
    """Tuyên Quang's own monthly village form asking its own indicator, in use."""
    form = form_catalogue.form_create(data={"code": "THANG-THON-TQ", "name": "Báo cáo bổ sung của tổ thôn",
                                            "level": "village_team", "period_type": "month", "period_rule": "calendar",
                                            "due_day": 25}, by=world.province_admin, province=world.province)
    form_catalogue.form_lines_set(form=form, lines=[(indicator, "")], version=form.version, by=world.province_admin)
    form.refresh_from_db()
    return form_catalogue.form_restore(form=form, version=form.version, by=world.province_admin)


def test_a_provinces_own_indicator_is_invisible_to_the_other_province(client, world, other):
    mine = own_indicator(world)
    client.force_login(world.province_admin)
    page = client.get(reverse("report_settings:indicators")).content.decode()
    assert "TQ01" in page and "CQ01" in page
    assert client.get(reverse("report_settings:indicator_edit", args=[mine.pk])).status_code == 200

    client.force_login(other["admin"])
    page = client.get(reverse("report_settings:indicators")).content.decode()
    assert "TQ01" not in page and "CQ01" in page  # the national catalogue, not Tuyên Quang's own
    assert client.get(reverse("report_settings:indicator_edit", args=[mine.pk])).status_code == 404
    assert client.post(reverse("report_settings:indicator_retire", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.retired_on is None
    codes = [row["code"] for row in client.get("/api/v1/indicators?limit=500").json()["items"]]
    assert "TQ01" not in codes and "CQ01" in codes

    client.force_login(world.officer_a)
    codes = [row["code"] for row in client.get("/api/v1/indicators?limit=500").json()["items"]]
    assert "TQ01" in codes and "CQ01" in codes


def test_national_rows_are_shown_to_a_province_admin_read_only_and_his_change_is_refused(client, world):
    national = Indicator.objects.get(code="CQ01")
    client.force_login(world.province_admin)
    page = client.get(reverse("report_settings:indicator_edit", args=[national.pk])).content.decode()
    assert "Danh mục chung" in page and ">Lưu<" not in page
    data = {"code": "CQ01", "name": "Tên tỉnh tự đổi", "pillar": national.pillar, "aggregation": "sum",
            "value_type": "integer", "unit_of_measure": "người", "min_value": "0", "outlier_factor": "3"}
    assert client.post(reverse("report_settings:indicator_edit", args=[national.pk]), data).status_code == 404
    assert client.post(reverse("report_settings:indicator_retire", args=[national.pk])).status_code == 404
    national.refresh_from_db()
    assert national.name != "Tên tỉnh tự đổi" and national.retired_on is None
    form = village_form()
    assert client.post(reverse("report_settings:form_state", args=[form.pk]),
                       {"action": "retire", "version": form.version}).status_code == 404
    form.refresh_from_db()
    assert form.is_active

    mine = own_indicator(world)
    response = client.post(reverse("report_settings:indicator_edit", args=[mine.pk]),
                           {**data, "code": "TQ01", "name": "Số hộ lắp camera an ninh", "unit_of_measure": "hộ"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Số hộ lắp camera an ninh"


def test_the_national_role_edits_the_national_catalogue(client, world, other):
    ministry = make_user(full_name="Nguyễn Văn Bộ", role=Role.NATIONAL)
    client.force_login(ministry)
    assert "Danh mục chung của cả nước" in client.get(reverse("report_settings:index")).content.decode()
    response = client.post(reverse("report_settings:indicator_add"), {**COUNT, "code": "QG01", "min_value": "0"})
    assert response.status_code == 302
    assert Indicator.objects.get(code="QG01").province_id is None
    national = Indicator.objects.get(code="CQ01")
    response = client.post(reverse("report_settings:indicator_edit", args=[national.pk]), {
        "code": "CQ01", "name": "Số người kích hoạt định danh điện tử mức 2", "pillar": national.pillar,
        "aggregation": "sum", "value_type": "integer", "unit_of_measure": "người", "min_value": "0",
        "outlier_factor": "3"})
    assert response.status_code == 302
    own_indicator(world)
    assert "TQ01" not in client.get(reverse("report_settings:indicators")).content.decode()  # no province's own
    client.force_login(other["admin"])  # both provinces read the new national row
    page = client.get(reverse("report_settings:indicators")).content.decode()
    assert "QG01" in page and "kích hoạt định danh điện tử mức 2" in page


def test_a_province_code_may_not_reuse_a_national_one_and_two_provinces_may_share_one(client, world, other):
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_create(data={**COUNT, "code": "CQ01"}, by=world.province_admin, province=world.province)
    assert "danh mục chung" in exc.value.message_dict["code"][0]
    own_indicator(world, "RIENG01")
    catalogue.indicator_create(data={**COUNT, "code": "RIENG01"}, by=other["admin"], province=world.other_province)
    assert Indicator.objects.filter(code="RIENG01").count() == 2
    with pytest.raises(ValidationError) as exc:  # a national code a province already uses would be read twice
        catalogue.indicator_create(data={**COUNT, "code": "RIENG01"}, by=None)
    assert "riêng của một tỉnh" in exc.value.message_dict["code"][0]

    client.force_login(world.province_admin)
    page = client.post(reverse("report_settings:form_add"), {
        "code": "THANG-THON", "name": "Mẫu trùng mã", "level": "village_team", "period_type": "month",
        "period_rule": "calendar", "due_day": "25", "version": "1"}).content.decode()
    field = page[page.index('id="field-code"'):]
    assert "Mã này thuộc danh mục chung" in field[:field.index("</div>")]
    page = client.post(reverse("fieldwork:service_add"), {
        "code": "vneid", "name": "VNeID của tỉnh", "short_name": "VNeID", "pillar": "government",
        "order": "10", "is_active": "on"}).content.decode()
    field = page[page.index('id="field-code"'):]
    assert "Mã này thuộc danh mục chung" in field[:field.index("</div>")]


def test_a_provinces_form_is_asked_only_of_its_own_teams(client, world, other):
    form = own_form(world, own_indicator(world))
    team = established_long_ago(make_team(world, world.village_a1, members=1))
    assert form in selectors.forms_for_team(team) and village_form() in selectors.forms_for_team(team)
    assert form not in selectors.forms_for_team(other["team"]) and village_form() in selectors.forms_for_team(
        other["team"])
    with pytest.raises(ValidationError):
        services.report_open(form=form, team=other["team"], period=month_period(2026, 10))
    assert services.report_open(form=form, team=team, period=month_period(2026, 10)).form == form

    client.force_login(other["admin"])
    assert "THANG-THON-TQ" not in client.get(reverse("report_settings:forms")).content.decode()
    assert client.get(reverse("report_settings:form_edit", args=[form.pk])).status_code == 404
    assert client.get(reverse("report_settings:form_copy", args=[form.pk])).status_code == 404
    codes = [row["code"] for row in client.get("/api/v1/forms?limit=100").json()["items"]]
    assert "THANG-THON-TQ" not in codes and "THANG-THON" in codes
    client.force_login(other["leader"])
    assert all(card.form.pk != form.pk for card in selectors.month_report_cards(other["leader"]))


def test_a_provinces_rule_checks_its_own_reports_only(world, other):
    rule = rule_save(data={"name": "Buổi không quá người", "left": "TT01", "operator": "le", "right": "TT02",
                           "strength": "block", "message": "Số buổi không quá số người.", "form": None},
                     by=world.province_admin, province=world.province)
    assert rule.province_id == world.province.pk
    assert rule in [one.rule for one in rules_for_form(village_form(), world.province)]
    assert rule not in [one.rule for one in rules_for_form(village_form(), world.other_province)]
    assert ValidationRule.objects.for_province(world.other_province).filter(pk=rule.pk).count() == 0


def test_the_log_offers_only_national_services_and_the_users_provinces(client, world, other):
    theirs = service_catalogue.service_add(data={"code": "du-lich-cao-bang", "name": "Ứng dụng du lịch Cao Bằng",
                                                 "short_name": "Du lịch CB", "pillar": "economy", "order": 5},
                                           by=other["admin"], province=world.other_province)
    established_long_ago(make_team(world, world.village_a1, members=1))
    client.force_login(world.leader_a1)
    page = client.get(reverse("fieldwork:log")).content.decode()
    assert "Du lịch CB" not in page and "VNeID" in page
    with pytest.raises(ValidationError) as exc:
        activity_record(user=world.leader_a1, data={
            "client_id": str(uuid.uuid4()), "date": "2026-11-10", "unit": world.village_a1.code,
            "kind": "guidance", "services": [theirs.code], "people_count": 3})
    assert "services" in exc.value.message_dict
    client.force_login(world.province_admin)
    assert "Du lịch CB" not in client.get(reverse("fieldwork:services")).content.decode()
    assert client.get(reverse("fieldwork:service_edit", args=[theirs.pk])).status_code == 404
    national = Service.objects.get(code="vneid")
    assert client.post(reverse("fieldwork:service_edit", args=[national.pk]),
                       {"action": "save", "name": "Đổi tên", "short_name": "X", "pillar": "government",
                        "order": "1", "was": national.version}).status_code == 404
    client.force_login(other["leader"])
    assert "Du lịch CB" in client.get(reverse("fieldwork:log")).content.decode()


def test_training_topics_of_one_province_are_not_offered_to_another(client, world, other):
    topic = training.topic_add(by=world.province_admin, province=world.province, name="Sổ tay đảng viên điện tử")
    assert topic.province_id == world.province.pk
    client.force_login(world.province_admin)
    assert topic.name in client.get("/tap-huan/moi/").content.decode()
    client.force_login(other["admin"])
    assert topic.name not in client.get("/tap-huan/chu-de/").content.decode()
    assert topic.name not in client.get("/tap-huan/moi/").content.decode()
    assert "Định danh điện tử VNeID" in client.get("/tap-huan/moi/").content.decode()


def test_a_provinces_guide_draft_is_its_own(client, world, other):
    draft = Guide.objects.create(title="Cài ứng dụng du lịch Cao Bằng", pillar="economy", province=world.other_province,
                                 submission_key=uuid.uuid4(), updated_by=other["admin"])
    client.force_login(world.province_admin)
    assert client.get(reverse("guides:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("guides:edit", args=[draft.pk])).status_code == 404
    client.force_login(other["admin"])
    assert client.get(reverse("guides:edit", args=[draft.pk])).status_code == 200


def test_the_national_catalogue_names_no_province():
    assert Topic.objects.get(code="cong-thong-tin-tinh").name == "Cổng thông tin điện tử của tỉnh"
    assert Topic.objects.get(code="du-lich-so").name == "Cổng, ứng dụng du lịch của tỉnh"
    names = " ".join([*Topic.objects.values_list("name", flat=True), *Service.objects.values_list("name", flat=True),
                      *ReportForm.objects.values_list("name", flat=True)])
    assert "Tuyên Quang" not in names and "Tuyen Quang" not in names


def test_a_visitor_reads_the_guides_of_the_province_he_chose(client, world, other):
    def guide(title, province, pillar="economy"):
        return Guide.objects.create(title=title, pillar=pillar, province=province, is_published=True,
                                    submission_key=uuid.uuid4(), updated_by=other["admin"])
    guide("Cài ứng dụng du lịch Cao Bằng", world.other_province)
    guide("Cổng du lịch thông minh Tuyên Quang", world.province)
    guide("Mở tài khoản thanh toán", None)
    ours = client.get(reverse("guides:list")).content.decode()  # the install's own province by default
    assert "Tuyên Quang" in ours and "Cao Bằng</strong>" not in ours and "Mở tài khoản thanh toán" in ours
    theirs = client.get(reverse("guides:list"), {"tinh": "04"}).content.decode()
    assert "Cài ứng dụng du lịch Cao Bằng" in theirs and "Cổng du lịch thông minh" not in theirs
    assert "Mở tài khoản thanh toán" in theirs and 'value="04" selected' in theirs
    every = client.get(reverse("guides:list"), {"tinh": "tat-ca"}).content.decode()
    assert "Cài ứng dụng du lịch Cao Bằng" in every and "Cổng du lịch thông minh" in every


def test_the_portal_sends_a_visitor_to_his_provinces_guides(client, world, other):
    page = client.get("/", {"tinh": "04"}).content.decode()
    assert f'href="{reverse("guides:list")}?tinh=04"' in page
    # A team's page leads to its own province's guides, whichever province the visitor came from.
    team = client.get(reverse("portal:team", args=[other["team"].public_slug])).content.decode()
    assert f'href="{reverse("guides:list")}?tinh=04"' in team


def test_the_roll_up_asks_completeness_of_the_same_form_the_team_forms_list_first(world):
    national = village_form()
    for province in (world.province, world.other_province, None):
        assert selectors.first_team_form("village_team", getattr(province, "pk", None)) == national
    # A province's own village form sorts before the national one by code: that province alone gets it.
    own = ReportForm.objects.create(code="A-THON-CB", name="Báo cáo tháng của tổ thôn (Cao Bằng)",
                                    level="village_team", period_type="month", province=world.other_province)
    for province in (world.province, world.other_province):
        expected = selectors.team_forms("village_team", province.pk).first()
        assert selectors.first_team_form("village_team", province.pk) == expected
    assert selectors.first_team_form("village_team", world.other_province.pk) == own
    assert selectors.first_team_form("village_team", world.province.pk) == national
