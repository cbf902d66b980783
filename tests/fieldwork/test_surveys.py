"""Surveys: built by the commune office or the province, given to teams with a deadline,
answered on the phone (queued offline like the log), exported to Excel."""

import datetime
import io
import json
import uuid

import pytest
from openpyxl import load_workbook

from tocns.fieldwork import surveys
from tocns.fieldwork.models import Answer, Question, Survey, SurveyAssignment, SurveyStatus

from ..factories import make_team, make_user

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 11, 30)


def make_survey(world, *, owner=None, by=None, teams=(), deadline=DEADLINE):
    """Three questions: how many smartphones (number), VNeID level 2 (one choice), apps used (several)."""
    by = by or world.officer_a
    survey = surveys.survey_create(user=by, owner=owner or world.commune_a, title="Điện thoại thông minh trong hộ",
                                   description="", submission_key=uuid.uuid4())
    for text, kind, choices in [("Hộ có mấy điện thoại thông minh?", "number", []),
                                ("Đã kích hoạt VNeID mức 2 chưa?", "single", ["Rồi", "Chưa"]),
                                ("Dùng những ứng dụng nào?", "multiple", ["Zalo", "VssID", "Ngân hàng số"])]:
        surveys.question_add(user=by, survey=survey, text=text, kind=kind, choices=choices,
                             required=kind != "multiple", submission_key=uuid.uuid4())
    if teams:
        surveys.survey_assign(user=by, survey=survey, teams=teams, deadline=deadline)
    return survey


def answer(world, survey, *, phones="2", vneid="Rồi", apps=("Zalo",), unit=None, **extra):
    q = {question.kind: str(question.pk) for question in survey.questions.all()}
    data = {"client_id": str(uuid.uuid4()), "survey": survey.pk, "unit": (unit or world.village_a1).code,
            "values": {q["number"]: phones, q["single"]: vneid, q["multiple"]: list(apps)},
            "made_at": "2026-11-20T09:00:00+07:00"}
    data.update(extra)
    return data


def post_batch(client, entries):
    return client.post("/api/v1/survey-answers/batch", json.dumps(entries), content_type="application/json")


def test_commune_officer_builds_a_survey_and_gives_it_to_a_village_team_through_the_pages(client, world, team):
    client.force_login(world.officer_a)
    key = str(uuid.uuid4())
    form = {"title": "Hộ dùng ví điện tử", "description": "Hỏi chủ hộ.", "owner": world.commune_a.pk,
            "submission_key": key}
    response = client.post("/nhat-ky/khao-sat/moi/", form)
    client.post("/nhat-ky/khao-sat/moi/", form)  # the officer pressed twice on a slow connection
    survey = Survey.objects.get()
    assert response.url == f"/nhat-ky/khao-sat/{survey.pk}/sua/" and survey.owner == world.commune_a
    edit = f"/nhat-ky/khao-sat/{survey.pk}/sua/"
    client.post(edit, {"action": "add", "question-text": "Hộ có dùng ví điện tử không?", "question-kind": "single",
                       "question-choices": "Có\nKhông\n\nCó", "question-required": "on",
                       "question-submission_key": str(uuid.uuid4())})
    assert Question.objects.get().choices == ["Có", "Không"]
    page = client.post(edit, {"action": "assign", "assign-deadline": "30/11/2026", "assign-targets": [team.pk]},
                       follow=True).content.decode()
    assert "Đã giao khảo sát cho 1 tổ mới, hạn 30/11/2026." in page
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and SurveyAssignment.objects.get().team == team
    client.force_login(world.leader_a1)
    listing = client.get("/nhat-ky/khao-sat/").content.decode()
    assert "Hộ dùng ví điện tử" in listing and "Hạn 30/11/2026" in listing


def test_a_choice_question_needs_two_choices_said_next_to_the_field(client, world, team):
    survey = make_survey(world)
    client.force_login(world.officer_a)
    page = client.post(f"/nhat-ky/khao-sat/{survey.pk}/sua/", {
        "action": "add", "question-text": "Có dùng Zalo?", "question-kind": "single", "question-choices": "Có",
        "question-submission_key": str(uuid.uuid4())}).content.decode()
    assert "Hãy viết ít nhất hai lựa chọn" in page and survey.questions.count() == 3


def test_questions_stay_as_asked_once_teams_have_the_survey(client, world, team):
    survey = make_survey(world, teams=[team])
    client.force_login(world.officer_a)
    first = survey.questions.first()
    page = client.post(f"/nhat-ky/khao-sat/{survey.pk}/sua/", {"action": "remove", "question": first.pk}).content
    assert "không sửa câu hỏi được nữa" in page.decode() and survey.questions.count() == 3


def test_a_deadline_before_today_is_refused_next_to_the_field(client, world, team):
    survey = make_survey(world)
    client.force_login(world.officer_a)
    page = client.post(f"/nhat-ky/khao-sat/{survey.pk}/sua/", {
        "action": "assign", "assign-deadline": "19/11/2026", "assign-everyone": "on"}).content.decode()
    assert "Hạn hoàn thành không được trước hôm nay." in page and not SurveyAssignment.objects.exists()


def test_a_province_survey_goes_to_every_team_of_the_chosen_communes(client, world, team):
    team_b = make_team(world, world.village_b1)
    survey = make_survey(world, owner=world.province, by=world.province_admin)
    client.force_login(world.province_admin)
    client.post(f"/nhat-ky/khao-sat/{survey.pk}/sua/", {
        "action": "assign", "assign-deadline": "05/12/2026", "assign-targets": [world.commune_b.pk]})
    assert list(SurveyAssignment.objects.values_list("team", flat=True)) == [team_b.pk]


def test_a_commune_officer_cannot_edit_another_communes_survey(client, world, team):
    survey = make_survey(world)
    client.force_login(world.officer_b)
    assert client.get(f"/nhat-ky/khao-sat/{survey.pk}/sua/").status_code == 404
    assert client.get(f"/nhat-ky/khao-sat/{survey.pk}/ket-qua/").status_code == 404
    assert client.get(f"/nhat-ky/khao-sat/{survey.pk}/tai-ve/").status_code == 404


def test_answers_queued_offline_and_sent_three_times_are_stored_once(client, world, team):
    survey = make_survey(world, teams=[team])
    client.force_login(world.leader_a1)
    queue = [answer(world, survey, phones=str(n)) for n in range(1, 6)]
    post_batch(client, queue[:2])  # the connection dropped
    second = post_batch(client, queue).json()
    third = post_batch(client, queue).json()
    assert [r["status"] for r in second] == ["duplicate"] * 2 + ["stored"] * 3
    assert {r["status"] for r in third} == {"duplicate"} and Answer.objects.count() == 5
    stored = Answer.objects.get(client_id=queue[0]["client_id"])
    assert stored.made_at == datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)  # kept as made


def test_each_answer_is_checked_question_by_question(client, world, team):
    survey = make_survey(world, teams=[team])
    q = {question.kind: question.pk for question in survey.questions.all()}
    client.force_login(world.leader_a1)
    results = post_batch(client, [answer(world, survey, phones="hai", vneid="", apps=["Facebook"])]).json()
    errors = results[0]["errors"]
    assert results[0]["status"] == "refused" and not Answer.objects.exists()
    assert "Hãy nhập một số" in errors[f"q{q['number']}"][0]
    assert errors[f"q{q['single']}"] == ["Câu này cần trả lời."]
    assert "lựa chọn đã cho" in errors[f"q{q['multiple']}"][0]


def test_an_answer_made_after_the_deadline_is_refused_but_one_made_before_and_sent_late_is_kept(
        client, world, team):
    survey = make_survey(world, teams=[team], deadline=datetime.date(2026, 11, 20))
    client.force_login(world.leader_a1)
    late = answer(world, survey, made_at="2026-11-21T08:00:00+07:00")
    on_time = answer(world, survey, made_at="2026-11-20T16:00:00+07:00")
    with pytest.MonkeyPatch.context() as patch:  # two days later the phone finds a connection
        from ..reports.factories import freeze
        freeze(patch, datetime.datetime(2026, 11, 22, 10, 0))
        results = post_batch(client, [late, on_time]).json()
    assert [r["status"] for r in results] == ["refused", "stored"]
    assert "Phiếu ghi sau hạn 20/11/2026." in results[0]["errors"]["made_at"]


def test_a_team_not_given_the_survey_cannot_answer_it(client, world, team):
    make_team(world, world.village_a2)
    survey = make_survey(world, teams=[team])
    other = make_user(full_name="Hà Văn Sáng", role="team_leader", unit=world.village_a2)
    client.force_login(other)
    assert client.get(f"/nhat-ky/khao-sat/{survey.pk}/").status_code == 404
    result = post_batch(client, [answer(world, survey, unit=world.village_a2)]).json()[0]
    assert result["status"] == "refused" and "không được giao" in result["errors"]["unit"][0]


def test_a_closed_survey_takes_no_more_answers(client, world, team):
    survey = make_survey(world, teams=[team])
    client.force_login(world.officer_a)
    client.post(f"/nhat-ky/khao-sat/{survey.pk}/sua/", {"action": "close"})
    client.force_login(world.leader_a1)
    result = post_batch(client, [answer(world, survey)]).json()[0]
    assert result["status"] == "refused" and "đã kết thúc" in result["errors"]["survey"][0]
    assert client.get(f"/nhat-ky/khao-sat/{survey.pk}/").status_code == 404


def test_the_answer_page_without_script_stores_a_questionnaire(client, world, team):
    survey = make_survey(world, teams=[team])
    q = {question.kind: question.pk for question in survey.questions.all()}
    client.force_login(world.leader_a1)
    page = client.get(f"/nhat-ky/khao-sat/{survey.pk}/").content.decode()
    assert "Hộ có mấy điện thoại thông minh?" in page and "js/survey.js" in page
    response = client.post(f"/nhat-ky/khao-sat/{survey.pk}/", {
        "client_id": str(uuid.uuid4()), "unit": world.village_a1.code, f"q{q['number']}": "3",
        f"q{q['single']}": "Chưa", f"q{q['multiple']}": ["Zalo", "VssID"]}, follow=True)
    assert "Đã lưu phiếu." in response.content.decode()
    assert Answer.objects.get().values == {str(q["number"]): "3", str(q["single"]): "Chưa",
                                           str(q["multiple"]): ["Zalo", "VssID"]}


def test_the_excel_has_one_row_per_answer_a_summary_and_each_teams_progress(client, world, team):
    survey = make_survey(world, teams=[team, make_team(world, world.village_a2)])
    client.force_login(world.leader_a1)
    post_batch(client, [answer(world, survey, phones="2", vneid="Rồi", apps=["Zalo"]),
                        answer(world, survey, phones="5", vneid="Chưa", apps=["Zalo", "Ngân hàng số"]),
                        answer(world, survey, phones="1,5", vneid="Rồi", apps=[])])
    client.force_login(world.officer_a)
    response = client.get(f"/nhat-ky/khao-sat/{survey.pk}/tai-ve/")
    book = load_workbook(io.BytesIO(response.content))
    answers_sheet, summary, progress = book.worksheets
    rows = list(answers_sheet.iter_rows(min_row=3, values_only=True))  # below the title and the time made
    assert rows[0][:6] == ("STT", "Xã, phường", "Thôn, tổ dân phố", "Tổ thu thập", "Người ghi", "Ghi lúc")
    assert rows[0][6] == "Câu 1. Hộ có mấy điện thoại thông minh?" and len(rows) == 4
    assert rows[1][1:3] == ("Xã Thượng Lâm", "Thôn Nà Khà") and rows[1][4] == "Giàng Seo Chứ"
    assert rows[1][5] == datetime.datetime(2026, 11, 20, 9, 0)
    assert [r[6] for r in rows[1:]] == [2, 5, 1.5] and rows[2][8] == "Zalo; Ngân hàng số" and rows[3][8] is None
    lines = [r for r in summary.iter_rows(values_only=True)]
    assert ("Số phiếu: 3." in lines[1][0]) and (None, "Tổng", None, None, 8.5) in lines
    assert (None, "Rồi", 2, 66.7, None) in lines and (None, "Zalo", 2, 100.0, None) in lines
    teams = {r[1]: (r[3], r[4]) for r in progress.iter_rows(min_row=4, values_only=True)}
    assert teams == {"Tổ CNSCĐ Thôn Nà Khà": (3, "Đã có phiếu"), "Tổ CNSCĐ Thôn Khuổi Đăm": (0, "Chưa có phiếu")}


def test_a_commune_sees_only_its_own_answers_to_a_province_survey(client, world, team):
    team_b = make_team(world, world.village_b1)
    leader_b = make_user(full_name="Lò Văn Pín", role="team_leader", unit=world.village_b1)
    survey = make_survey(world, owner=world.province, by=world.province_admin, teams=[team, team_b])
    client.force_login(world.leader_a1)
    post_batch(client, [answer(world, survey)])
    client.force_login(leader_b)
    post_batch(client, [answer(world, survey, unit=world.village_b1), answer(world, survey, unit=world.village_b1)])
    client.force_login(world.officer_b)
    page = client.get(f"/nhat-ky/khao-sat/{survey.pk}/ket-qua/").content.decode()
    assert '<b id="answer-count">2</b>' in page and "Thôn Nà Khà" not in page
    client.force_login(world.province_admin)
    page = client.get(f"/nhat-ky/khao-sat/{survey.pk}/ket-qua/").content.decode()
    assert '<b id="answer-count">3</b>' in page


def test_a_survey_given_to_the_team_shows_on_the_home_page_until_answered(client, world, team):
    survey = make_survey(world, teams=[team])
    client.force_login(world.leader_a1)
    assert "Khảo sát cần thu thập: Điện thoại thông minh trong hộ, hạn 30/11/2026" in client.get("/").content.decode()
    post_batch(client, [answer(world, survey)])
    assert "Khảo sát cần thu thập" not in client.get("/").content.decode()


def test_a_survey_given_to_many_teams_shows_progress_by_commune(client, world, team, monkeypatch):
    from tocns.fieldwork import survey_views

    monkeypatch.setattr(survey_views, "PROGRESS_BY_TEAM_UP_TO", 1)
    survey = make_survey(world, teams=[team, make_team(world, world.village_a2)])
    client.force_login(world.leader_a1)
    post_batch(client, [answer(world, survey)])
    client.force_login(world.officer_a)
    page = client.get(f"/nhat-ky/khao-sat/{survey.pk}/ket-qua/").content.decode()
    assert "Tiến độ theo xã, phường" in page and 'id="progress"' not in page
    assert '<td>Xã Thượng Lâm</td><td class="num">1/2</td>' in page


def test_an_officer_uploads_a_survey_queue_file_and_each_answer_is_stored_once(client, world, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    survey = make_survey(world, teams=[team])
    queue = [{**answer(world, survey), "state": "waiting"}, {**answer(world, survey, phones="x"), "state": "waiting"}]
    client.force_login(world.officer_a)
    for _attempt in range(2):  # the file came twice, by Zalo and on a memory card
        page = client.post("/nhat-ky/tai-len/", {"file": SimpleUploadedFile(
            "khao-sat-chua-gui-2026-11-20.json", json.dumps(queue).encode(), content_type="application/json")})
    text = page.content.decode()
    assert "Đã lưu 0 mục mới, 1 mục đã có từ trước, 1 mục bị từ chối." in text and "Phiếu khảo sát" in text
    assert Answer.objects.count() == 1 and Answer.objects.get().recorded_by == world.officer_a
