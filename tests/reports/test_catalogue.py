"""Rules for changing the indicator catalogue, report forms and ad-hoc requests."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tocns.audit.models import AuditEntry
from tocns.notify.models import Notification
from tocns.reports import catalogue, services
from tocns.reports.models import FormIndicator, Indicator, ReportForm, ReportRequest, ReportValue
from tocns.reports.periods import month_period
from tocns.reports.settings_selectors import request_period, requests_for_commune

from .factories import submit_report, village_form

pytestmark = pytest.mark.django_db


def count_data(**overrides) -> dict:
    data = {"code": "KT06", "name": "Số người dùng ví điện tử", "pillar": "economy", "unit_of_measure": "người",
            "value_type": "integer", "aggregation": "sum", "numerator": None, "denominator": None,
            "min_value": Decimal(0), "max_value": None, "outlier_factor": Decimal(3), "description": ""}
    data.update(overrides)
    return data


def edit_data(indicator: Indicator, **overrides) -> dict:
    data = {name: getattr(indicator, name) for name in catalogue.INDICATOR_FIELDS}
    data.update(overrides)
    return data


def code(name: str) -> Indicator:
    return Indicator.objects.get(code=name)


# ---- indicators ----------------------------------------------------------------------------------

def test_a_new_indicator_comes_last_and_is_recorded(world):
    indicator = catalogue.indicator_create(data=count_data(code=" kt06 "), by=world.province_admin)
    assert indicator.code == "KT06"
    assert indicator.order > max(i.order for i in Indicator.objects.exclude(pk=indicator.pk))
    entry = AuditEntry.objects.get(action="indicator.create", object_id=indicator.pk)
    assert entry.actor == world.province_admin and entry.province_id == world.province.pk


@pytest.mark.parametrize("overrides, field, words", [
    ({"code": "CQ01"}, "code", "Đã có chỉ số mã CQ01"),
    ({"code": "KT 06"}, "code", "chữ cái không dấu"),
    ({"name": "  "}, "name", "Hãy nhập tên"),
    ({"min_value": Decimal(10), "max_value": Decimal(5)}, "max_value", "không nhỏ hơn giá trị nhỏ nhất"),
    ({"outlier_factor": Decimal("0.5")}, "outlier_factor", "từ 1 đến 100"),
])
def test_bad_indicator_details_are_refused_on_their_field(world, overrides, field, words):
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_create(data=count_data(**overrides), by=world.province_admin)
    assert words in exc.value.message_dict[field][0]
    assert not Indicator.objects.filter(name="Số người dùng ví điện tử").exists()


def test_the_code_may_change_until_a_report_holds_a_value(world, team):
    cq04 = code("CQ04")
    catalogue.indicator_update(indicator=cq04, data=edit_data(cq04, code="CQ04A"), by=world.province_admin)
    assert Indicator.objects.filter(code="CQ04A").exists()

    submit_report(team, 2026, 10, {"CQ01": "12"})
    cq01 = code("CQ01")
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_update(indicator=cq01, data=edit_data(cq01, code="CQ01X"), by=world.province_admin)
    assert "mã CQ01 được giữ nguyên" in exc.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_update(indicator=cq01, data=edit_data(cq01, aggregation="latest"),
                                   by=world.province_admin)
    assert "aggregation" in exc.value.message_dict
    # What a report reads the value through stays; wording and bounds may still change.
    catalogue.indicator_update(indicator=cq01, data=edit_data(cq01, name="Số người được hướng dẫn kích hoạt VNeID",
                                                              max_value=Decimal(500)), by=world.province_admin)
    cq01.refresh_from_db()
    assert cq01.code == "CQ01" and cq01.max_value == 500 and cq01.name.endswith("kích hoạt VNeID")
    entry = AuditEntry.objects.filter(action="indicator.update", object_id=cq01.pk).get()
    assert set(entry.data["changed"]) == {"name", "max_value"}


def test_a_ratio_needs_a_numerator_and_a_denominator(world):
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_create(data=count_data(code="HT06", aggregation="ratio"), by=world.province_admin)
    assert "tử số" in exc.value.message_dict["numerator"][0]
    assert "mẫu số" in exc.value.message_dict["denominator"][0]


def test_a_ratios_parts_must_be_asked_by_the_same_form(world):
    only_here = catalogue.indicator_create(data=count_data(code="HT06.SO"), by=world.province_admin)
    base = catalogue.indicator_create(data=count_data(code="HT06.TONG", name="Tổng số hộ"), by=world.province_admin)
    catalogue.form_indicator_add(form=village_form(), indicator=only_here, by=world.province_admin)
    ratio = count_data(code="HT06", name="Tỷ lệ hộ dùng ví điện tử", aggregation="ratio", numerator=only_here,
                       denominator=base)
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_create(data=ratio, by=world.province_admin)
    assert "cùng có trong một mẫu báo cáo" in exc.value.message_dict["denominator"][0]

    catalogue.form_indicator_add(form=village_form(), indicator=base, by=world.province_admin)
    created = catalogue.indicator_create(data=ratio, by=world.province_admin)
    assert (created.value_type, created.unit_of_measure) == ("percent", "%")


def test_a_ratio_cannot_be_built_on_a_ratio_or_on_itself(world):
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_create(data=count_data(code="HT07", aggregation="ratio", numerator=code("HT01"),
                                                   denominator=code("HT01.TONG")), by=world.province_admin)
    assert "là chỉ số tỷ lệ" in exc.value.message_dict["numerator"][0]
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_create(data=count_data(code="HT07", aggregation="ratio", numerator=code("HT01.SO"),
                                                   denominator=code("HT01.SO")), by=world.province_admin)
    assert "khác tử số" in exc.value.message_dict["denominator"][0]
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_create(data=count_data(numerator=code("HT01.SO")), by=world.province_admin)
    assert "Chỉ chỉ số tỷ lệ" in exc.value.message_dict["numerator"][0]


def test_retiring_keeps_history_and_drops_the_indicator_from_new_reports_only(world, team):
    old = submit_report(team, 2026, 10, {"CQ01": "12", "TT01": "2"})
    cq01 = catalogue.indicator_retire(indicator=code("CQ01"), by=world.province_admin)
    assert cq01.retired_on == datetime.date(2026, 11, 20)
    assert ReportValue.objects.get(report=old, indicator=cq01).value == 12  # history kept
    assert FormIndicator.objects.filter(form=village_form(), indicator=cq01).exists()
    new = services.report_open(form=village_form(), team=team, period=month_period(2026, 11))
    assert "CQ01" not in [i.code for i in services.form_indicators(new.form)]
    saved = services.report_save(report=new, values={"CQ01": "99", "TT01": "1"}, version=new.version,
                                 save_key=uuid.uuid4().hex)
    assert not saved.values.filter(indicator=cq01).exists()
    with pytest.raises(ValidationError):
        catalogue.indicator_retire(indicator=cq01, by=world.province_admin)
    catalogue.indicator_restore(indicator=cq01, by=world.province_admin)
    assert code("CQ01").retired_on is None
    assert AuditEntry.objects.filter(object_id=cq01.pk, action__in=["indicator.retire",
                                                                    "indicator.restore"]).count() == 2


def test_a_part_of_a_live_ratio_is_not_retired_before_the_ratio(world):
    with pytest.raises(ValidationError) as exc:
        catalogue.indicator_retire(indicator=code("HT01.SO"), by=world.province_admin)
    assert "HT01" in exc.value.messages[0] and code("HT01.SO").retired_on is None
    catalogue.indicator_retire(indicator=code("HT01"), by=world.province_admin)
    catalogue.indicator_retire(indicator=code("HT01.SO"), by=world.province_admin)
    with pytest.raises(ValidationError):
        catalogue.indicator_restore(indicator=code("HT01"), by=world.province_admin)


def pillar_codes(pillar: str) -> list[str]:
    return list(Indicator.objects.filter(pillar=pillar, retired_on__isnull=True).order_by("order", "code")
                .values_list("code", flat=True))


def test_moving_an_indicator_swaps_it_with_its_neighbour_in_the_pillar(world):
    assert pillar_codes("government") == ["CQ01", "CQ02", "CQ03", "CQ04"]
    assert catalogue.indicator_move(indicator=code("CQ03"), direction="up", by=world.province_admin)
    assert pillar_codes("government") == ["CQ01", "CQ03", "CQ02", "CQ04"]
    assert not catalogue.indicator_move(indicator=code("CQ01"), direction="up", by=world.province_admin)
    assert catalogue.indicator_move(indicator=code("CQ01"), direction="down", by=world.province_admin)
    assert pillar_codes("government") == ["CQ03", "CQ01", "CQ02", "CQ04"]
    assert pillar_codes("outreach") == ["TT01", "TT02", "TT03"]  # other pillars untouched
    everything = list(Indicator.objects.order_by("order", "code").values_list("code", flat=True))
    assert everything.index("TT03") < everything.index("CQ03") < everything.index("KT01")


# ---- report forms --------------------------------------------------------------------------------

def form_data(form: ReportForm, **overrides) -> dict:
    data = {name: getattr(form, name) for name in catalogue.FORM_FIELDS}
    data.update(overrides)
    return data


def test_a_form_gets_a_new_due_day_period_rule_and_sections(world):
    form = village_form()
    catalogue.form_update(form=form, data=form_data(form, due_day=25, period_rule="cutoff_15", asks_proposals=False,
                                                    close_after_days=None), by=world.province_admin)
    form.refresh_from_db()
    assert (form.due_day, form.period_rule, form.asks_proposals, form.close_after_days) == (
        25, "cutoff_15", False, None)
    entry = AuditEntry.objects.get(action="report_form.update", object_id=form.pk)
    assert set(entry.data["changed"]) == {"due_day", "period_rule", "asks_proposals", "close_after_days"}


@pytest.mark.parametrize("code_, overrides, field", [
    ("THANG-THON", {"due_day": 0}, "due_day"),
    ("THANG-THON", {"due_day": 32}, "due_day"),
    ("QUY-XA", {"period_rule": "cutoff_15"}, "period_rule"),
    ("THANG-THON", {"close_after_days": 400}, "close_after_days"),
    ("THANG-THON", {"name": " "}, "name"),
])
def test_bad_form_settings_are_refused_on_their_field(world, code_, overrides, field):
    form = ReportForm.objects.get(code=code_)
    with pytest.raises(ValidationError) as exc:
        catalogue.form_update(form=form, data=form_data(form, **overrides), by=world.province_admin)
    assert field in exc.value.message_dict


def test_removing_an_indicator_from_a_form_keeps_values_already_reported(world, team):
    report = submit_report(team, 2026, 10, {"KT05": "7"})
    kt05 = code("KT05")
    catalogue.form_indicator_remove(form=village_form(), indicator=kt05, by=world.province_admin)
    assert not FormIndicator.objects.filter(form=village_form(), indicator=kt05).exists()
    assert ReportValue.objects.get(report=report, indicator=kt05).value == 7
    assert "KT05" not in [i.code for i in services.form_indicators(village_form())]
    with pytest.raises(ValidationError):
        catalogue.form_indicator_remove(form=village_form(), indicator=kt05, by=world.province_admin)
    catalogue.form_indicator_add(form=village_form(), indicator=kt05, by=world.province_admin)
    assert services.form_indicators(village_form())[-1] == kt05  # back, at the end


def test_a_ratio_a_retired_indicator_or_a_duplicate_is_not_added_to_a_form(world):
    form = village_form()
    for indicator, words in [(code("HT01"), "là tỷ lệ"), (code("CQ01"), "Mẫu đã có")]:
        with pytest.raises(ValidationError) as exc:
            catalogue.form_indicator_add(form=form, indicator=indicator, by=world.province_admin)
        assert words in exc.value.message_dict["indicator"][0]
    retired = catalogue.indicator_create(data=count_data(), by=world.province_admin)
    catalogue.indicator_retire(indicator=retired, by=world.province_admin)
    with pytest.raises(ValidationError) as exc:
        catalogue.form_indicator_add(form=form, indicator=retired, by=world.province_admin)
    assert "thôi dùng" in exc.value.message_dict["indicator"][0]


def test_another_provinces_indicator_is_not_added_to_a_national_form(world):
    theirs = catalogue.indicator_create(data=count_data(code="CB01"), by=world.province_admin,
                                        province=world.other_province)
    with pytest.raises(ValidationError) as exc:
        catalogue.form_indicator_add(form=village_form(), indicator=theirs, by=world.province_admin)
    assert "không thuộc danh mục" in exc.value.message_dict["indicator"][0]
    assert not FormIndicator.objects.filter(indicator=theirs).exists()


def test_moving_a_line_changes_the_order_a_form_asks(world):
    form = village_form()
    first_two = [i.code for i in services.form_indicators(form)][:2]
    assert first_two == ["TT01", "TT02"]
    catalogue.form_indicator_move(form=form, indicator=code("TT02"), direction="up", by=world.province_admin)
    assert [i.code for i in services.form_indicators(form)][:2] == ["TT02", "TT01"]


# ---- ad-hoc requests -----------------------------------------------------------------------------

def dot_xuat() -> ReportForm:
    return ReportForm.objects.get(code="DOT-XUAT-XA")


def ask(world, communes, **overrides) -> ReportRequest:
    data = {"title": "Kết quả Ngày hội VNeID", "period_start": datetime.date(2026, 11, 1),
            "period_end": datetime.date(2026, 11, 15), "due_on": datetime.date(2026, 11, 25), "form": dot_xuat()}
    data.update(overrides)
    return catalogue.request_create(province=world.province, communes=communes, by=world.province_admin, **data)


def test_a_request_is_sent_to_the_officers_of_the_communes_asked(world):
    request = ask(world, [world.commune_a])
    assert list(request.communes.all()) == [world.commune_a]
    told = Notification.objects.filter(reference=f"reports.reportrequest:{request.pk}")
    assert [n.recipient for n in told] == [world.officer_a]
    assert "25/11/2026" in told.get().body
    assert AuditEntry.objects.filter(action="report_request.create", province_id=world.province.pk).exists()


@pytest.mark.parametrize("overrides, field", [
    ({"title": " "}, "title"),
    ({"period_end": datetime.date(2026, 10, 1)}, "period_end"),
    ({"due_on": datetime.date(2026, 11, 19)}, "due_on"),            # before today
    ({"due_on": datetime.date(2026, 11, 21), "period_end": datetime.date(2026, 11, 22)}, "due_on"),
    ({"form": None}, "form"),
])
def test_a_request_with_bad_details_is_refused(world, overrides, field):
    if "form" in overrides:
        overrides["form"] = ReportForm.objects.get(code="QUY-XA")  # not an ad-hoc form
    with pytest.raises(ValidationError) as exc:
        ask(world, [world.commune_a], **overrides)
    assert field in exc.value.message_dict
    assert not ReportRequest.objects.exists()


def test_a_request_asks_only_live_communes_of_its_province(world):
    with pytest.raises(ValidationError) as exc:
        ask(world, [world.other_commune])
    assert "communes" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        ask(world, [])
    assert "communes" in exc.value.message_dict


def test_two_requests_of_one_form_and_start_day_get_a_report_each(world):
    first = ask(world, [world.commune_a, world.commune_b])
    second = ask(world, [world.commune_b], title="Một yêu cầu khác")
    one = send_commune_report(world, first, world.commune_b)
    two = send_commune_report(world, second, world.commune_b)
    assert one.pk != two.pk and {one.period_key, two.period_key} == {f"R{first.pk}", f"R{second.pk}"}


def send_commune_report(world, request, commune, *, submit=True):
    report = services.report_open(form=request.form, unit=commune, period=request_period(request), request=request)
    return services.report_save(report=report, values={"TT01": "1"}, version=report.version, save_key=uuid.uuid4().hex,
                                submit=submit, by=world.officer_a)


def test_requests_for_a_commune_are_those_it_still_owes(world):
    owed = ask(world, [world.commune_a, world.commune_b])
    drafted = ask(world, [world.commune_a], title="Đang soạn", period_start=datetime.date(2026, 11, 3))
    sent = ask(world, [world.commune_a], title="Đã gửi", period_start=datetime.date(2026, 11, 4))
    ask(world, [world.commune_b], title="Chỉ hỏi phường", period_start=datetime.date(2026, 11, 5))
    send_commune_report(world, drafted, world.commune_a, submit=False)
    send_commune_report(world, sent, world.commune_a)
    assert sent.reports.get().period_key == f"R{sent.pk}"
    assert list(requests_for_commune(world.commune_a)) == [owed, drafted]


def test_a_request_long_past_its_due_date_leaves_the_inbox(world):
    request = ask(world, [world.commune_a])
    assert list(requests_for_commune(world.commune_a, today=datetime.date(2026, 12, 25))) == [request]
    assert list(requests_for_commune(world.commune_a, today=datetime.date(2026, 12, 26))) == []
