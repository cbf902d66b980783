"""The catalogue, form, target and request pages: who sees them, and that they do what they say."""

import datetime
import uuid

import pytest
from django.urls import reverse

from tocns.audit.models import AuditEntry
from tocns.reports import services
from tocns.reports.catalogue import request_create, targets_set
from tocns.reports.models import Indicator, Report, ReportForm, ReportRequest
from tocns.reports.periods import month_period

from ..factories import make_team
from .factories import established_long_ago, provincial, village_form

pytestmark = pytest.mark.django_db


def dot_xuat() -> ReportForm:
    return ReportForm.objects.get(code="DOT-XUAT-XA")


def make_request(world, communes, **extra) -> ReportRequest:
    data = {"title": "Kết quả Ngày hội VNeID", "period_start": datetime.date(2026, 11, 1),
            "period_end": datetime.date(2026, 11, 15), "due_on": datetime.date(2026, 11, 25)}
    data.update(extra)
    return request_create(province=world.province, form=dot_xuat(), communes=communes, by=world.province_admin,
                          **data)


def province_pages(world):
    cq01 = Indicator.objects.get(code="CQ01")
    form = ReportForm.objects.get(code="THANG-THON")
    request = make_request(world, [world.commune_a])
    return [
        reverse("report_settings:indicators"),
        reverse("report_settings:indicator_add"),
        reverse("report_settings:indicator_edit", args=[cq01.pk]),
        reverse("report_settings:forms"),
        reverse("report_settings:form_edit", args=[form.pk]),
        reverse("report_settings:targets_communes", args=[cq01.pk, 2026]),
        reverse("report_settings:requests"),
        reverse("report_settings:request_add"),
        reverse("report_settings:request_detail", args=[request.pk]),
    ]


def test_province_admin_opens_every_settings_page(client, world):
    client.force_login(world.province_admin)
    for url in [*province_pages(world), reverse("report_settings:index"), reverse("report_settings:targets"),
                reverse("report_settings:targets_import"), reverse("report_settings:progress")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="viewport"' in response.content.decode()


def test_a_commune_officer_gets_404_on_province_only_pages(client, world):
    pages = province_pages(world)
    client.force_login(world.officer_a)
    for url in pages[:-1]:  # the last is a request asking commune A: its officer may see it
        assert client.get(url).status_code == 404, url
    cq01 = Indicator.objects.get(code="CQ01")
    for url, data in [(reverse("report_settings:indicator_retire", args=[cq01.pk]), {}),
                      (reverse("report_settings:indicator_move", args=[cq01.pk]), {"direction": "up"}),
                      (reverse("report_settings:form_lines", args=[ReportForm.objects.get(code="THANG-THON").pk]),
                       {"action": "remove", "indicator": cq01.pk})]:
        assert client.post(url, data).status_code == 404, url
    assert Indicator.objects.get(code="CQ01").retired_on is None


def test_a_team_leader_sees_no_settings_at_all(client, world):
    client.force_login(world.leader_a1)
    for name in ("index", "targets", "targets_import", "progress"):
        assert client.get(reverse(f"report_settings:{name}")).status_code == 404, name


def test_another_communes_objects_answer_404(client, world):
    cq01 = Indicator.objects.get(code="CQ01")
    only_b = make_request(world, [world.commune_b])
    client.force_login(world.officer_a)
    assert client.get(reverse("report_settings:targets_villages",
                              args=[cq01.pk, 2026, world.commune_a.code])).status_code == 200
    assert client.get(reverse("report_settings:targets_villages",
                              args=[cq01.pk, 2026, world.commune_b.code])).status_code == 404
    assert client.get(reverse("report_settings:request_detail", args=[only_b.pk])).status_code == 404
    assert client.post(reverse("report_settings:request_open", args=[only_b.pk])).status_code == 404
    assert client.get(reverse("report_settings:progress") + f"?unit={world.commune_b.code}").status_code == 404
    assert client.get(reverse("report_settings:progress") + f"?unit={world.commune_a.code}").status_code == 200
    assert client.get(reverse("report_settings:progress") + f"?unit={world.province.code}").status_code == 404


def test_the_indicator_list_groups_by_pillar_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.province_admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("report_settings:indicators")).content.decode()
    assert page.index("Tuyên truyền") < page.index("TT01") < page.index("Chính quyền số") < page.index("CQ01")
    assert "Tỷ lệ = HT01.SO / HT01.TONG" in page


def test_an_empty_code_is_shown_next_to_its_field_and_nothing_is_added(client, world):
    client.force_login(world.province_admin)
    before = Indicator.objects.count()
    response = client.post(reverse("report_settings:indicator_add"), {
        "code": "", "name": "Số người dùng ví điện tử", "pillar": "economy", "aggregation": "sum",
        "value_type": "integer", "unit_of_measure": "người", "outlier_factor": "3"})
    page = response.content.decode()
    assert response.status_code == 200 and Indicator.objects.count() == before
    field = page[page.index('id="field-code"'):]
    assert "Hãy nhập mã chỉ số." in field[:field.index("</div>")]


def test_adding_an_indicator_through_the_page(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("report_settings:indicator_add"), {
        "code": "kt06", "name": "Số người dùng ví điện tử", "pillar": "economy", "aggregation": "sum",
        "value_type": "integer", "unit_of_measure": "người", "min_value": "0", "outlier_factor": "2,5"})
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="KT06")
    assert str(indicator.outlier_factor) == "2.5"
    assert AuditEntry.objects.filter(action="indicator.create", object_id=indicator.pk).exists()


def test_moving_an_indicator_with_htmx_returns_only_the_catalogue(client, world):
    client.force_login(world.province_admin)
    provincial(Indicator.objects.get(code="CQ01"), world)  # the province reorders its own indicators
    cq02 = provincial(Indicator.objects.get(code="CQ02"), world)
    response = client.post(reverse("report_settings:indicator_move", args=[cq02.pk]), {"direction": "up"},
                           HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and 'id="catalogue"' in page
    assert page.index("CQ02") < page.index("CQ01")


def test_form_settings_errors_sit_next_to_their_field(client, world):
    client.force_login(world.province_admin)
    form = provincial(ReportForm.objects.get(code="THANG-THON"), world)
    page = client.post(reverse("report_settings:form_edit", args=[form.pk]), {
        "name": form.name, "due_day": "32", "period_rule": "calendar", "close_after_days": "60",
        "asks_results": "on", "is_active": "on"}).content.decode()
    field = page[page.index('id="field-due_day"'):]
    assert "Ngày hạn nộp từ 1 đến 31." in field[:field.index("</div>")]
    form.refresh_from_db()
    assert form.due_day == 29


def test_province_admin_asks_all_communes_with_one_tick(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("report_settings:request_add"), {
        "form": dot_xuat().pk, "title": "Số liệu phục vụ sơ kết 6 tháng", "period_start": "01/11/2026",
        "period_end": "15/11/2026", "due_on": "30/11/2026", "all_communes": "on"})
    request = ReportRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("report_settings:request_detail",
                                                                   args=[request.pk])
    assert set(request.communes.all()) == {world.commune_a, world.commune_b}  # not the other province's
    listing = client.get(reverse("report_settings:requests")).content.decode()
    assert "0/2 xã đã gửi" in listing


def test_a_request_without_communes_says_so_next_to_the_list(client, world):
    client.force_login(world.province_admin)
    page = client.post(reverse("report_settings:request_add"), {
        "form": dot_xuat().pk, "title": "Số liệu", "period_start": "01/11/2026", "period_end": "15/11/2026",
        "due_on": "30/11/2026"}).content.decode()
    field = page[page.index('id="field-communes"'):]
    assert "Hãy chọn ít nhất một xã" in field[:field.index("<input")]
    assert not ReportRequest.objects.exists()


def test_a_commune_officer_opens_the_report_a_request_asks_for(client, world):
    request = make_request(world, [world.commune_a, world.commune_b])
    client.force_login(world.officer_a)
    detail = client.get(reverse("report_settings:request_detail", args=[request.pk])).content.decode()
    assert "Xã Thượng Lâm" in detail and "Phường Minh Xuân" not in detail
    response = client.post(reverse("report_settings:request_open", args=[request.pk]))
    report = Report.objects.get(request=request)
    assert response.url == reverse("reports:detail", args=[report.pk])
    assert (report.unit, report.period_key, report.due_on) == (world.commune_a, f"R{request.pk}",
                                                                datetime.date(2026, 11, 25))
    client.force_login(world.province_admin)
    page = client.get(reverse("report_settings:request_detail", args=[request.pk])).content.decode()
    assert "đang soạn" in page and "0/2" in page


def test_the_progress_page_lists_communes_for_one_indicator(client, world):
    cq01 = Indicator.objects.get(code="CQ01")
    targets_set(indicator=cq01, year=2026, values={world.commune_a: 300, world.commune_b: 200},
                by=world.province_admin)
    client.force_login(world.province_admin)
    page = client.get(reverse("report_settings:progress") + f"?year=2026&indicator={cq01.pk}").content.decode()
    assert "chỉ tiêu 500" in page and "Tỉnh chưa có chỉ tiêu riêng" in page
    table = page[page.index('id="children-table"'):]
    assert "Xã Thượng Lâm" in table and "300" in table and "Phường Thục Phán" not in table


def test_a_used_indicators_code_is_shown_locked_and_a_forged_change_is_ignored(client, world):
    team = established_long_ago(make_team(world, world.village_a1, members=1))
    report = services.report_open(form=village_form(), team=team, period=month_period(2026, 10))
    services.report_save(report=report, values={"CQ01": "3"}, version=report.version, save_key=uuid.uuid4().hex)
    cq01 = provincial(Indicator.objects.get(code="CQ01"), world)
    url = reverse("report_settings:indicator_edit", args=[cq01.pk])
    client.force_login(world.province_admin)
    page = client.get(url).content.decode()
    code_field = page[page.index('id="field-code"'):]
    assert "disabled" in code_field[:code_field.index("</div>")]
    response = client.post(url, {"code": "XX01", "name": "Số người kích hoạt VNeID mức 2", "pillar": "government",
                                 "aggregation": "sum", "value_type": "integer", "unit_of_measure": "người",
                                 "min_value": "0", "outlier_factor": "3"})
    assert response.status_code == 302
    cq01.refresh_from_db()
    assert (cq01.code, cq01.name) == ("CQ01", "Số người kích hoạt VNeID mức 2")


def test_list_pages_do_not_grow_queries_with_their_rows(client, world, django_assert_max_num_queries):
    for day in range(1, 6):
        make_request(world, [world.commune_a, world.commune_b], period_start=datetime.date(2026, 11, day))
    client.force_login(world.province_admin)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("report_settings:requests")).content.decode()
    assert page.count("0/2 xã đã gửi") == 5
    cq01 = Indicator.objects.get(code="CQ01")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("report_settings:targets_communes", args=[cq01.pk, 2026])).status_code == 200


def test_choosing_an_indicator_and_year_opens_the_right_target_page(client, world):
    cq01 = Indicator.objects.get(code="CQ01")
    client.force_login(world.province_admin)
    assert "Hãy chọn chỉ số" not in client.get(reverse("report_settings:targets") + "?year=2026").content.decode()
    response = client.get(reverse("report_settings:targets"), {"indicator": cq01.pk, "year": 2026})
    assert response.url == reverse("report_settings:targets_communes", args=[cq01.pk, 2026])
    client.force_login(world.officer_a)
    response = client.get(reverse("report_settings:targets"), {"indicator": cq01.pk, "year": 2026})
    assert response.url == reverse("report_settings:targets_villages", args=[cq01.pk, 2026, world.commune_a.code])
