"""The province admin sets how many days offices have to answer citizen feedback (1–90). Nobody else
may; new feedback takes the new deadline, feedback already received keeps its own; two admins
editing at once never silently overwrite each other; each change is in the audit log."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tocns.accounts.models import Role
from tocns.audit.models import AuditEntry
from tocns.fieldwork import feedback as rules
from tocns.fieldwork.models import FieldworkRules

from ..factories import make_user

pytestmark = pytest.mark.django_db

URL = reverse("fieldwork:feedback_rules")


def days(province) -> int:
    return FieldworkRules.objects.get_or_create(province=province)[0].feedback_answer_days


def post(client, user, value, was=15):
    client.force_login(user)
    return client.post(URL, {"feedback_answer_days": value, "was": was})


def field_errors(response) -> str:
    match = re.search(r'<div class="field has-error" id="field-feedback_answer_days">(.*?)</div>',
                      response.content.decode(), re.S)
    return match.group(1) if match else ""


def submit(world, key):
    return rules.feedback_submit(unit=world.village_a1, content="Không nộp được hồ sơ trực tuyến cấp lại CCCD.",
                                 channel="team", submission_key=key, by=world.leader_a1)


def test_province_admin_changes_the_deadline(client, world):
    client.force_login(world.province_admin)
    page = client.get(URL).content.decode()
    assert 'value="15"' in page and "Ý kiến đã nhận giữ nguyên hạn trả lời" in page
    response = post(client, world.province_admin, "20")
    assert response.status_code == 302 and response.url == URL and days(world.province) == 20
    entry = AuditEntry.objects.get(action="fieldwork_rules.update")
    assert entry.actor == world.province_admin and entry.data == {"feedback_answer_days": [15, 20]}
    assert entry.province_id == world.province.pk and "từ 15 thành 20 ngày" in entry.summary
    page = client.get(URL).content.decode()
    assert "20 ngày để trả lời" in page and "Đổi hạn trả lời ý kiến từ 15 thành 20 ngày" in page


@pytest.mark.parametrize("persona", ["commune_chairman", "commune_officer", "team_leader", "team_member",
                                     "partner"])
def test_commune_officer_cannot_change_deadline(client, world, persona):
    user = world.personas()[persona]
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert post(client, user, "5").status_code == 404
    assert days(world.province) == 15 and not AuditEntry.objects.filter(action="fieldwork_rules.update").exists()


def test_the_stats_page_links_to_the_deadline_page_for_the_province_admin_only(client, world):
    client.force_login(world.province_admin)
    page = client.get(reverse("fieldwork:feedback_stats")).content.decode()
    assert f'href="{URL}"' in page and "Hạn trả lời ý kiến: 15 ngày." in page
    client.force_login(world.officer_a)
    assert URL not in client.get(reverse("fieldwork:feedback_stats")).content.decode()


def test_new_deadline_applies_to_new_feedback_only(client, world):
    before = submit(world, "before")
    assert before.answer_due_on == datetime.date(2026, 12, 5)
    post(client, world.province_admin, "7")
    after = submit(world, "after")
    before.refresh_from_db()
    assert before.answer_due_on == datetime.date(2026, 12, 5) and after.answer_due_on == datetime.date(2026, 11, 27)


def test_stale_form_does_not_overwrite(client, world):
    other_admin = make_user(full_name="Phạm Thị Lan", role=Role.PROVINCE_ADMIN, unit=world.province)
    client.force_login(world.province_admin)
    assert 'name="was" value="15"' in client.get(URL).content.decode()  # the first admin opens the page
    post(client, other_admin, "20")  # the second one saves first
    response = post(client, world.province_admin, "10", was=15)
    assert response.status_code == 200 and days(world.province) == 20
    assert "người khác đã đổi hạn thành 20 ngày" in field_errors(response)
    assert 'name="was" value="20"' in response.content.decode()
    # Saving again, now knowing the other change, goes through.
    assert post(client, world.province_admin, "10", was=20).status_code == 302 and days(world.province) == 10
    assert [e.data["feedback_answer_days"] for e in AuditEntry.objects.filter(
        action="fieldwork_rules.update").order_by("id")] == [[15, 20], [20, 10]]


@pytest.mark.parametrize("value", ["0", "91", "mười", ""])
def test_deadline_between_1_and_90_days_with_the_error_next_to_the_field(client, world, value):
    response = post(client, world.province_admin, value)
    assert response.status_code == 200 and days(world.province) == 15
    assert "Số ngày" in field_errors(response)


def test_the_service_refuses_a_deadline_out_of_range(world):
    with pytest.raises(ValidationError) as exc:
        rules.fieldwork_rules_update(province=world.province, feedback_answer_days=120, was=15,
                                     by=world.province_admin)
    assert "từ 1 đến 90" in exc.value.message_dict["feedback_answer_days"][0] and days(world.province) == 15


def test_saving_the_same_number_changes_nothing(client, world):
    assert post(client, world.province_admin, "15").status_code == 302
    assert not AuditEntry.objects.filter(action="fieldwork_rules.update").exists()


def test_another_province_admin_changes_only_their_own_province(client, world):
    cao_bang_admin = make_user(full_name="Nông Văn Dũng", role=Role.PROVINCE_ADMIN, unit=world.other_province)
    post(client, cao_bang_admin, "30")
    assert days(world.other_province) == 30 and days(world.province) == 15
