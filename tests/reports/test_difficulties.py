"""Difficulties and proposals of a sent report become items the commune office follows up
(issue #15, plan II.2.3): made once, answered with a notice to the leader, escalated, split,
counted by commune for the province, exported, and never shown across communes."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.notify.models import NoticeKind, Notification
from tocns.reports import difficulties, services
from tocns.reports.difficulty_models import DifficultyItem, DifficultyLevel, DifficultySection, DifficultyState

from ..factories import make_user
from .factories import freeze, submit_report

pytestmark = pytest.mark.django_db

HARD = "Sóng điện thoại yếu ở xóm Nặm Pà, tổ không hướng dẫn được cài VNeID."
ASK = "Đề nghị xã cấp 2 điện thoại dùng chung cho tổ."


def _sent(world, team, texts=None):
    return submit_report(team, 2026, 10, {"CQ01": "12"}, by=world.leader_a1,
                         texts=texts if texts is not None else {"difficulties": HARD, "proposals": ASK})


def _items(report):
    return list(DifficultyItem.objects.filter(report=report).order_by("section", "position"))


def test_sending_a_report_makes_one_item_per_section_due_in_the_province_days(world, team):
    report = _sent(world, team)
    items = _items(report)
    assert [(i.section, i.text) for i in items] == [(DifficultySection.DIFFICULTY, HARD),
                                                    (DifficultySection.PROPOSAL, ASK)]
    assert all(i.owner_level == DifficultyLevel.COMMUNE and i.state == DifficultyState.OPEN for i in items)
    assert all(i.commune == world.commune_a and i.unit == world.village_a1 for i in items)
    assert items[0].due_on == datetime.date(2026, 11, 20) + datetime.timedelta(days=15)


def test_a_draft_and_an_empty_section_make_no_item(world, team):
    draft = submit_report(team, 2026, 10, {"CQ01": "12"}, by=world.leader_a1, submit=False,
                          texts={"difficulties": HARD})
    assert _items(draft) == []
    report = services.report_save(report=draft, values={"CQ01": "12"}, texts={"difficulties": HARD, "proposals": ""},
                                  version=draft.version, save_key="send", submit=True, by=world.leader_a1)
    assert [i.section for i in _items(report)] == [DifficultySection.DIFFICULTY]


def test_sending_again_after_a_return_makes_no_second_item_and_follows_the_new_text(world, team):
    report = _sent(world, team)
    services.report_return(report=report, by=world.officer_a, comment="Thiếu số hồ sơ")
    report.refresh_from_db()
    services.report_save(report=report, values={"CQ01": "12"}, version=report.version, save_key="again",
                         submit=True, by=world.leader_a1,
                         texts={"difficulties": HARD + " Cần trạm phát sóng.", "proposals": ASK})
    items = _items(report)
    assert len(items) == 2
    assert items[0].text.endswith("Cần trạm phát sóng.")


def test_an_item_taken_up_keeps_its_text_when_the_report_is_sent_again(world, team):
    report = _sent(world, team)
    item = _items(report)[0]
    difficulties.difficulty_take(item=item, by=world.officer_a, version=item.version)
    services.report_return(report=report, by=world.officer_a, comment="Sửa số")
    report.refresh_from_db()
    services.report_save(report=report, values={"CQ01": "13"}, version=report.version, save_key="again",
                         submit=True, by=world.leader_a1, texts={"difficulties": "Khác hẳn", "proposals": ASK})
    item.refresh_from_db()
    assert item.text == HARD and item.state == DifficultyState.IN_PROGRESS and item.owner == world.officer_a
    assert DifficultyItem.objects.filter(report=report).count() == 2


def test_the_answer_reaches_the_leader_by_notice_and_on_his_home_page(world, team, client):
    item = _items(_sent(world, team))[0]
    client.force_login(world.officer_a)
    response = client.post(reverse("reports:difficulty", args=[item.pk]), {
        "action": "answer", "version": item.version, "answer": "Xã đã đề nghị VNPT lắp thêm trạm phát sóng."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == DifficultyState.ANSWERED and item.answered_by == world.officer_a
    notice = Notification.objects.get(kind=NoticeKind.DIFFICULTY_ANSWERED)
    assert notice.recipient == world.leader_a1 and "trạm phát sóng" in notice.body
    assert AuditEntry.objects.filter(action="difficulty.answered", object_id=item.pk).exists()
    client.force_login(world.leader_a1)
    home = client.get("/").content.decode()
    assert "Xã đã đề nghị VNPT lắp thêm trạm phát sóng." in home


def test_an_empty_answer_is_refused_beside_the_field_and_nothing_changes(world, team, client):
    item = _items(_sent(world, team))[0]
    client.force_login(world.officer_a)
    response = client.post(reverse("reports:difficulty", args=[item.pk]),
                           {"action": "answer", "version": item.version, "answer": "  "})
    assert "Hãy ghi nội dung trả lời." in response.content.decode()
    item.refresh_from_db()
    assert item.state == DifficultyState.OPEN and not Notification.objects.exists()


def test_an_answer_on_a_page_shown_before_anothers_change_is_refused(world, team):
    item = _items(_sent(world, team))[0]
    stale = item.version
    difficulties.difficulty_take(item=item, by=world.chairman_a, version=stale)
    with pytest.raises(ValidationError, match="vừa được người khác cập nhật"):
        difficulties.difficulty_answer(item=item, by=world.officer_a, version=stale, answer="Đã xử lý")


def test_escalated_the_province_answers_and_the_commune_office_only_reads(world, team, monkeypatch):
    item = _items(_sent(world, team))[0]
    with pytest.raises(ValidationError):
        difficulties.difficulty_escalate(item=item, by=world.officer_a, version=item.version, note="")
    freeze(monkeypatch, datetime.datetime(2026, 11, 25, 9, 0))
    item = difficulties.difficulty_escalate(item=item, by=world.officer_a, version=item.version,
                                            note="Cần Sở chỉ đạo doanh nghiệp viễn thông")
    assert item.owner_level == DifficultyLevel.PROVINCE and item.state == DifficultyState.ESCALATED
    assert item.due_on == datetime.date(2026, 12, 10)
    assert not difficulties.can_handle(world.officer_a, item)
    with pytest.raises(ValidationError):
        difficulties.difficulty_answer(item=item, by=world.officer_a, version=item.version, answer="Xã trả lời")
    difficulties.difficulty_answer(item=item, by=world.province_admin, version=item.version,
                                   answer="Sở đã đề nghị VNPT lắp trạm trong quý I.")
    item.refresh_from_db()
    assert item.state == DifficultyState.ANSWERED
    assert [e.action for e in item.events.all()] == ["created", "escalated", "answered"]


def test_the_office_splits_a_text_holding_several_matters(world, team):
    item = _items(_sent(world, team))[0]
    parts = ["Sóng yếu ở xóm Nặm Pà", "Thiếu điện thoại dùng chung", ""]
    made = difficulties.difficulty_split(item=item, by=world.officer_a, version=item.version, parts=parts)
    assert [(i.position, i.text) for i in made] == [(1, parts[0]), (2, parts[1])]
    assert DifficultyItem.objects.filter(report=item.report, section=DifficultySection.DIFFICULTY).count() == 2


def test_another_communes_officer_gets_404_and_sees_none_in_lists(world, team, client):
    item = _items(_sent(world, team))[0]
    client.force_login(world.officer_b)
    assert client.get(reverse("reports:difficulty", args=[item.pk])).status_code == 404
    assert client.post(reverse("reports:difficulty", args=[item.pk]),
                       {"action": "answer", "version": item.version, "answer": "x"}).status_code == 404
    assert HARD[:40] not in client.get(reverse("reports:difficulties") + "?show=all").content.decode()
    assert client.get(reverse("reports:difficulties") + f"?xa={world.commune_a.code}").status_code == 404
    other_leader = make_user(full_name="Sầm Văn Dũng", role="team_leader", unit=world.village_a2)
    client.force_login(other_leader)
    assert client.get(reverse("reports:difficulty", args=[item.pk])).status_code == 404


def test_a_team_member_reads_but_cannot_answer(world, team, client):
    item = _items(_sent(world, team))[0]
    client.force_login(world.member_a1)
    page = client.get(reverse("reports:difficulty", args=[item.pk])).content.decode()
    assert HARD in page and "Gửi trả lời" not in page
    assert client.post(reverse("reports:difficulty", args=[item.pk]),
                       {"action": "answer", "version": item.version, "answer": "x"}).status_code == 404


def test_the_province_sees_open_and_overdue_by_commune_and_drills_down(world, team, client, monkeypatch):
    _sent(world, team)
    freeze(monkeypatch, datetime.datetime(2026, 12, 10, 9, 0))  # past the 15 days
    client.force_login(world.province_admin)
    page = client.get(reverse("reports:difficulties_by_commune")).content.decode()
    assert world.commune_a.name in page and f"?show=overdue&amp;xa={world.commune_a.code}" in page
    drill = client.get(reverse("reports:difficulties") + f"?show=overdue&xa={world.commune_a.code}")
    assert HARD[:40] in drill.content.decode()
    assert "2 mục quá hạn trả lời" in drill.content.decode()


def test_the_excel_export_lists_the_items_in_scope_and_is_recorded(world, team, client):
    _sent(world, team)
    client.force_login(world.province_admin)
    response = client.get(reverse("reports:difficulties_export") + "?show=open")
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = [row[4] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert texts == [HARD, ASK]
    assert AuditEntry.objects.filter(action="difficulty.export", is_read=True).exists()
    client.force_login(world.officer_b)
    response = client.get(reverse("reports:difficulties_export") + "?show=all")
    assert [row for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(
        min_row=4, values_only=True)] == []


def test_the_office_inbox_names_a_new_item(world, team, client):
    _sent(world, team)
    client.force_login(world.officer_a)
    assert "Khó khăn, kiến nghị mới của Thôn Nà Khà" in client.get("/").content.decode()


def test_the_province_sets_the_answer_days_as_data_and_new_items_use_them(world, team, client):
    client.force_login(world.officer_a)
    assert client.get(reverse("reports:difficulty_rules")).status_code == 404
    client.force_login(world.province_admin)
    response = client.post(reverse("reports:difficulty_rules"), {"answer_days": "7", "was": "15"})
    assert response.status_code == 302
    assert _items(_sent(world, team))[0].due_on == datetime.date(2026, 11, 27)
    refused = client.post(reverse("reports:difficulty_rules"), {"answer_days": "200", "was": "7"})
    assert "Nhiều nhất 90 ngày." in refused.content.decode()


def test_a_communes_own_report_asks_the_province(world):
    from tocns.reports.choices import Level
    from tocns.reports.models import ReportForm
    from tocns.reports.periods import month_period

    form = ReportForm.objects.filter(level=Level.COMMUNE, is_active=True).first()
    if form is None:
        pytest.skip("no commune form in the catalogue")
    report = services.report_open(form=form, unit=world.commune_a, period=month_period(2026, 10)
                                  if form.period_type == "month" else _quarter(), by=world.officer_a)
    report.proposals = ASK
    report.save()
    difficulties.difficulty_items_sync(report=report, by=world.officer_a)
    item = DifficultyItem.objects.get(report=report)
    assert item.owner_level == DifficultyLevel.PROVINCE and item.team is None
    assert difficulties.answer_recipients(item) == []  # not sent yet: nobody to tell


def _quarter():
    from tocns.reports.periods import parse_period

    return parse_period("2026-Q3")


def test_the_office_merges_items_of_one_report_that_ask_the_same_thing(world, team, client):
    difficulty, proposal = _items(_sent(world, team))
    client.force_login(world.officer_a)
    url = reverse("reports:difficulty", args=[difficulty.pk])
    refused = client.post(url, {"action": "merge", "version": difficulty.version}).content.decode()
    assert "Hãy chọn ít nhất một mục đang xử lý để gộp vào mục này." in refused
    assert client.post(url, {"action": "merge", "version": difficulty.version,
                             "others": [proposal.pk]}).status_code == 302
    difficulty.refresh_from_db()
    proposal.refresh_from_db()
    assert difficulty.text == f"{HARD}\n{ASK}" and difficulty.is_open
    assert proposal.state == DifficultyState.CLOSED  # kept, with a note naming the item it joined
    assert "Gộp vào mục" in proposal.events.last().note


def test_the_report_page_links_to_the_items_followed_up(world, team, client):
    report = _sent(world, team)
    item = _items(report)[0]
    client.force_login(world.leader_a1)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert reverse("reports:difficulty", args=[item.pk]) in page and "Mới nhận" in page
