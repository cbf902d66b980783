"""Report forms made, copied, edited and retired from the settings pages; several side by side."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tocns.audit.models import AuditEntry
from tocns.reports import form_catalogue, selectors, services
from tocns.reports.models import FormIndicator, Indicator, Report, ReportForm, ReportValue
from tocns.reports.periods import month_period

from .factories import provincial, submit_report, village_form

pytestmark = pytest.mark.django_db


def code(name: str) -> Indicator:
    return Indicator.objects.get(code=name)


def line_codes(form: ReportForm) -> list[tuple[str, str]]:
    return [(line.indicator.code, line.section) for line in FormIndicator.objects.filter(form=form)
            .select_related("indicator").order_by("order", "id")]


def lines_data(form: ReportForm, **extra) -> dict:
    """The lines form as the page draws it now, with `extra` typed over it."""
    form.refresh_from_db()
    data = {"version": form.version, "add": "", "add_section": ""}
    for position, line in enumerate(FormIndicator.objects.filter(form=form).order_by("order", "id"), start=1):
        data[f"pos_{line.indicator_id}"] = position
        data[f"sec_{line.indicator_id}"] = line.section
    data.update(extra)
    return data


def settings_data(form: ReportForm, **overrides) -> dict:
    form.refresh_from_db()
    data = {"name": form.name, "level": form.level, "period_type": form.period_type, "period_rule": form.period_rule,
            "due_day": form.due_day, "close_after_days": form.close_after_days or "", "version": form.version}
    data.update({name: "on" for name in ("asks_results", "asks_difficulties", "asks_proposals")
                 if getattr(form, name)})
    data.update(overrides)
    return data


def new_village_form(client) -> ReportForm:
    response = client.post(reverse("report_settings:form_add"), {
        "code": "thang-thon-hg", "name": "Báo cáo tháng của tổ thôn (mẫu Hà Giang)", "level": "village_team",
        "period_type": "month", "period_rule": "calendar", "due_day": "25", "close_after_days": "30",
        "asks_results": "on", "asks_difficulties": "on", "version": "1"})
    form = ReportForm.objects.get(code="THANG-THON-HG")
    assert response.status_code == 302 and response.url == reverse("report_settings:form_edit", args=[form.pk])
    return form


def add_line(client, form: ReportForm, indicator: str, section: str = ""):
    return client.post(reverse("report_settings:form_lines", args=[form.pk]),
                       lines_data(form, add=code(indicator).pk, add_section=section))


def turn_on(client, form: ReportForm):
    form.refresh_from_db()
    return client.post(reverse("report_settings:form_state", args=[form.pk]),
                       {"action": "restore", "version": form.version})


def test_admin_creates_a_monthly_village_form_with_sections_and_indicators_in_order(client, world, team):
    client.force_login(world.province_admin)
    form = new_village_form(client)
    assert (form.level, form.period_type, form.due_day, form.close_after_days, form.asks_proposals,
            form.is_active) == ("village_team", "month", 25, 30, False, False)
    assert form not in selectors.team_forms()  # nobody is asked for it until it is turned on

    refused = turn_on(client, form)
    assert "hãy thêm chỉ số trước khi dùng mẫu" in client.get(refused.url).content.decode()
    add_line(client, form, "HT02.TONG", "I. Hộ gia đình")
    add_line(client, form, "HT03.SO", "II. Thanh toán")
    add_line(client, form, "HT02.SO", "I. Hộ gia đình")
    # HT02.SO belongs under HT02.TONG: typed as place 2 it goes there, and HT03.SO's section is reworded.
    response = client.post(reverse("report_settings:form_lines", args=[form.pk]), lines_data(
        form, **{f"pos_{code('HT02.SO').pk}": 2, f"pos_{code('HT03.SO').pk}": 3,
                 f"sec_{code('HT03.SO').pk}": "  II.   Thanh toán   số "}))
    assert response.status_code == 302
    assert line_codes(form) == [("HT02.TONG", "I. Hộ gia đình"), ("HT02.SO", "I. Hộ gia đình"),
                                ("HT03.SO", "II. Thanh toán số")]
    assert turn_on(client, form).status_code == 302
    form.refresh_from_db()
    assert form.is_active and form.version == 6  # created, three lines, one reorder, turned on: every change counted
    assert [i.code for i in services.form_indicators(form)] == ["HT02.TONG", "HT02.SO", "HT03.SO"]
    mine = selectors.team_forms("village_team", world.province)  # the province's own form beside the national one
    assert form in mine and village_form() in mine
    assert list(AuditEntry.objects.filter(object_type="reports.reportform", object_id=form.pk)
                .order_by("id").values_list("action", flat=True)) == [
        "report_form.create", "report_form.lines", "report_form.lines", "report_form.lines", "report_form.lines",
        "report_form.restore"]
    page = client.get(reverse("report_settings:form_edit", args=[form.pk])).content.decode()
    assert page.index("line-HT02.TONG") < page.index("line-HT02.SO") < page.index("line-HT03.SO")
    assert 'value="II. Thanh toán số"' in page


def test_a_moved_line_goes_one_place_up_with_the_button(client, world):
    client.force_login(world.province_admin)
    form = provincial(village_form(), world)
    assert [c for c, _s in line_codes(form)][:2] == ["TT01", "TT02"]
    client.post(reverse("report_settings:form_lines", args=[form.pk]),
                lines_data(form, move=f"{code('TT02').pk}:up"))
    assert [c for c, _s in line_codes(form)][:2] == ["TT02", "TT01"]


def test_a_copy_has_a_new_code_the_same_lines_and_sections_and_waits_to_be_turned_on(client, world):
    client.force_login(world.province_admin)
    source = village_form()
    first = FormIndicator.objects.filter(form=source).order_by("order").first()
    first.section = "I. Tuyên truyền"
    first.save()
    url = reverse("report_settings:form_copy", args=[source.pk])
    assert "(bản sao)" in client.get(url).content.decode()
    taken = client.post(url, {"code": "THANG-XA", "name": "Bản sao"}).content.decode()
    field = taken[taken.index('id="field-code"'):]
    assert "Đã có mẫu báo cáo mã THANG-XA." in field[:field.index("</div>")]
    response = client.post(url, {"code": "thang-thon-2", "name": "Báo cáo tháng của tổ thôn (bổ sung)"})
    copy = ReportForm.objects.get(code="THANG-THON-2")
    assert response.url == reverse("report_settings:form_edit", args=[copy.pk])
    assert line_codes(copy) == line_codes(source) and line_codes(copy)[0] == ("TT01", "I. Tuyên truyền")
    assert (copy.level, copy.period_type, copy.due_day, copy.close_after_days) == (
        source.level, source.period_type, source.due_day, source.close_after_days)
    assert not copy.is_active and source.is_active
    assert AuditEntry.objects.filter(action="report_form.copy", object_id=copy.pk).exists()


def test_lines_change_on_a_form_with_reports_and_old_reports_keep_their_values(client, world, team):
    report = submit_report(team, 2026, 10, {"KT05": "7", "CQ01": "3"})
    client.force_login(world.province_admin)
    form = provincial(village_form(), world)
    kt05 = code("KT05")
    response = client.post(reverse("report_settings:form_lines", args=[form.pk]),
                           lines_data(form, **{f"drop_{kt05.pk}": "on", "add": code("HT01.SO").pk}))
    assert response.status_code == 302
    codes = [c for c, _s in line_codes(form)]
    assert "KT05" not in codes and codes[-1] == "HT01.SO"
    assert ReportValue.objects.get(report=report, indicator=kt05).value == 7
    report.refresh_from_db()
    assert report.form_id == form.pk and report.status == "submitted"
    entry = AuditEntry.objects.filter(action="report_form.lines", object_id=form.pk).latest("id")
    assert "thêm HT01.SO" in entry.summary and "bỏ KT05" in entry.summary


def test_a_form_with_reports_keeps_its_level_and_period_type_and_says_so_beside_the_field(client, world, team):
    submit_report(team, 2026, 10, {"CQ01": "3"})
    client.force_login(world.province_admin)
    form = provincial(village_form(), world)
    page = client.get(reverse("report_settings:form_edit", args=[form.pk])).content.decode()
    field = page[page.index('id="field-period_type"'):]
    assert "Đã có báo cáo theo mẫu này: không đổi được nữa." in field[:field.index("</div>")]
    # The page sends nothing for a locked field; a hand-made post is ignored, and the service refuses.
    client.post(reverse("report_settings:form_edit", args=[form.pk]), settings_data(form, period_type="quarter",
                                                                                    level="commune"))
    form.refresh_from_db()
    assert (form.level, form.period_type) == ("village_team", "month")
    with pytest.raises(ValidationError) as exc:
        form_catalogue.form_update(form=form, data={"level": "commune_team"}, version=form.version,
                                   by=world.province_admin)
    assert "Đã có báo cáo" in exc.value.message_dict["level"][0]


def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(client, world):
    client.force_login(world.province_admin)
    before = ReportForm.objects.count()
    page = client.post(reverse("report_settings:form_add"), {
        "code": "tháng thôn", "name": "Mẫu thử", "level": "village_team", "period_type": "quarter",
        "period_rule": "calendar", "due_day": "40", "version": "1"}).content.decode()
    for name, words in [("code", "Mã viết bằng chữ cái không dấu"), ("due_day", "Ngày hạn nộp từ 1 đến 31.")]:
        field = page[page.index(f'id="field-{name}"'):]
        assert words in field[:field.index("</div>")], name
    page = client.post(reverse("report_settings:form_add"), {
        "code": "THANG-2", "name": "Mẫu thử", "level": "village_team", "period_type": "quarter",
        "period_rule": "cutoff_15", "due_day": "20", "version": "1"}).content.decode()
    field = page[page.index('id="field-period_type"'):]
    assert "mẫu của tổ phải là mẫu tháng" in field[:field.index("</div>")]
    assert ReportForm.objects.count() == before

    form = provincial(village_form(), world)
    page = client.post(reverse("report_settings:form_edit", args=[form.pk]),
                       settings_data(form, name=" ", due_day="0")).content.decode()
    field = page[page.index('id="field-due_day"'):]
    assert "Ngày hạn nộp từ 1 đến 31." in field[:field.index("</div>")]
    form.refresh_from_db()
    assert form.due_day == 29 and form.version == 1
    refused = client.post(reverse("report_settings:form_lines", args=[form.pk]),
                          lines_data(form, add=code("HT01").pk)).content.decode()
    assert "Hãy chọn chỉ số trong danh sách." in refused  # a ratio is not offered: its parts are
    section = client.post(reverse("report_settings:form_lines", args=[form.pk]),
                          lines_data(form, **{f"sec_{code('TT01').pk}": "x" * 201})).content.decode()
    assert "Tên phần tối đa 200 ký tự." in section
    assert village_form().version == 1


def test_a_stale_save_is_refused_in_vietnamese_and_keeps_what_was_typed(client, world):
    form = provincial(village_form(), world)
    opened = settings_data(form)  # both admins opened the page at version 1
    form_catalogue.form_update(form=form, data={"due_day": 25}, version=1, by=world.province_admin)
    client.force_login(world.province_admin)
    response = client.post(reverse("report_settings:form_edit", args=[form.pk]),
                           {**opened, "due_day": "20", "name": "Báo cáo tháng (sửa tên)"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "vừa được người khác sửa" in page and "Thay đổi mới nhất: Sửa mẫu báo cáo THANG-THON" in page
    assert 'value="20"' in page and "Báo cáo tháng (sửa tên)" in page
    form.refresh_from_db()
    assert (form.due_day, form.version) == (25, 2)
    assert 'name="version" value="2"' in page  # a second press saves, knowingly
    client.post(reverse("report_settings:form_edit", args=[form.pk]), {**opened, "due_day": "20", "version": "2"})
    form.refresh_from_db()
    assert (form.due_day, form.version) == (20, 3)

    stale_lines = lines_data(form, **{f"sec_{code('TT01').pk}": "Phần A"})
    form_catalogue.form_lines_set(form=form, lines=[(line.indicator, "") for line in
                                                    FormIndicator.objects.filter(form=form).order_by("order")][1:],
                                  version=form.version, by=world.province_admin)
    page = client.post(reverse("report_settings:form_lines", args=[form.pk]), stale_lines).content.decode()
    assert "vừa được người khác sửa" in page and 'value="Phần A"' in page
    assert "TT01" not in [c for c, _s in line_codes(form)]
    for refused in (form_catalogue.form_retire, form_catalogue.form_restore):
        with pytest.raises(ValidationError) as exc:
            refused(form=form, version=1, by=world.province_admin)
        assert exc.value.code == "stale"


def side_form(world, name: str = "Báo cáo tháng bổ sung của tổ thôn", code_: str = "THANG-THON-HT") -> ReportForm:
    """A second village form in use beside THANG-THON, asking two infrastructure counts it does not ask."""
    extra = form_catalogue.form_copy(form=village_form(), data={"code": code_, "name": name},
                                     by=world.province_admin, province=world.province)
    form_catalogue.form_lines_set(form=extra, lines=[(code("HT01.SO"), "Hạ tầng số"), (code("HT01.TONG"), "")],
                                  version=extra.version, by=world.province_admin)
    extra.refresh_from_db()
    return form_catalogue.form_restore(form=extra, version=extra.version, by=world.province_admin)


def test_a_form_asking_what_a_form_in_use_asks_is_not_turned_on_beside_it(client, world):
    client.force_login(world.province_admin)
    copy = form_catalogue.form_copy(form=village_form(), data={"code": "THANG-THON-2"}, by=world.province_admin,
                                    province=world.province)
    response = turn_on(client, copy)
    page = client.get(response.url).content.decode()
    assert "Chỉ số TT01 đã có trong mẫu THANG-THON đang dùng" in page and "cộng hai lần" in page
    copy.refresh_from_db()
    assert not copy.is_active
    other = side_form(world).pk
    refused = client.post(reverse("report_settings:form_lines", args=[other]),
                          lines_data(ReportForm.objects.get(pk=other), add=code("CQ01").pk)).content.decode()
    assert "Chỉ số CQ01 đã có trong mẫu THANG-THON đang dùng" in refused
    # Replacing a form: retire the old one, then turn the copy on.
    old = provincial(village_form(), world)
    client.post(reverse("report_settings:form_state", args=[old.pk]), {"action": "retire", "version": old.version})
    side = ReportForm.objects.get(pk=other)
    form_catalogue.form_retire(form=side, version=side.version, by=world.province_admin)
    assert turn_on(client, copy).status_code == 302
    assert list(selectors.team_forms("village_team", world.province)) == [copy]


def test_a_retired_form_opens_no_new_report_and_keeps_the_old_ones(client, world, team):
    client.force_login(world.province_admin)
    copy = side_form(world)
    old = submit_report(team, 2026, 10, {"HT01.SO": "4"}, form=copy)
    copy.refresh_from_db()
    response = client.post(reverse("report_settings:form_state", args=[copy.pk]),
                           {"action": "retire", "version": copy.version}, follow=True)
    assert "đã thôi dùng" in response.content.decode()
    copy.refresh_from_db()
    assert not copy.is_active and copy not in selectors.team_forms()
    listing = client.get(reverse("report_settings:forms")).content.decode()
    assert listing.index("forms-retired") < listing.index("THANG-THON-HT")

    client.force_login(world.leader_a1)
    opened = client.post(reverse("reports:open"), {"form": copy.pk, "team": team.pk, "period": "2026-11"})
    assert opened.status_code == 404
    assert not Report.objects.filter(form=copy, period_key="2026-11").exists()
    old.refresh_from_db()
    assert old.status == "submitted" and old.values.get(indicator__code="HT01.SO").value == 4
    assert client.get(reverse("reports:detail", args=[old.pk])).status_code == 200
    assert all(card.form.pk != copy.pk for card in selectors.month_report_cards(world.leader_a1))


def test_a_commune_officer_gets_404_on_every_form_page_and_changes_nothing(client, world):
    form = village_form()
    client.force_login(world.officer_a)
    for url in [reverse("report_settings:forms"), reverse("report_settings:form_add"),
                reverse("report_settings:form_edit", args=[form.pk]),
                reverse("report_settings:form_copy", args=[form.pk])]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        (reverse("report_settings:form_add"), {"code": "X1", "name": "X", "level": "village_team",
                                               "period_type": "month", "due_day": "29", "version": "1"}),
        (reverse("report_settings:form_edit", args=[form.pk]), settings_data(form, due_day="5")),
        (reverse("report_settings:form_lines", args=[form.pk]), lines_data(form, add=code("HT01.SO").pk)),
        (reverse("report_settings:form_copy", args=[form.pk]), {"code": "X2", "name": "X"}),
        (reverse("report_settings:form_state", args=[form.pk]), {"action": "retire", "version": "1"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    form.refresh_from_db()
    assert form.is_active and form.due_day == 29 and form.version == 1
    assert not ReportForm.objects.filter(code__in=["X1", "X2"]).exists()


def test_two_active_village_forms_both_appear_for_the_leader(client, world, team):
    extra = side_form(world)

    cards = selectors.month_report_cards(world.leader_a1)
    assert {card.form.code for card in cards} == {"THANG-THON", "THANG-THON-HT"}
    client.force_login(world.leader_a1)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "Báo cáo tháng bổ sung của tổ thôn" in home
    for form in (village_form(), extra):
        response = client.post(reverse("reports:open"), {"form": form.pk, "team": team.pk, "period": "2026-11"})
        assert response.status_code == 302
    assert Report.objects.filter(unit=team.unit, period_key="2026-11").count() == 2
    listing = client.get(reverse("reports:list")).content.decode()
    for report in Report.objects.filter(unit=team.unit, period_key="2026-11"):
        assert reverse("reports:detail", args=[report.pk]) in listing

    submit_report(team, 2026, 10, {"HT01.SO": "40", "HT01.TONG": "120"}, form=extra)
    checked = {f.code: selectors.completeness(form=f, period=month_period(2026, 10), unit=world.commune_a)
               for f in (village_form(), extra)}
    assert (checked["THANG-THON"].submitted, checked["THANG-THON-HT"].submitted) == (0, 1)
