"""Tasks given to teams (issue #15, plan II.2.2a): given once however often the form is sent, to
one team or all village teams of a commune; the leader reports it done with a note and a photo from
his phone; the giver accepts or sends it back; overdue ones show; nothing crosses communes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tocns.audit.models import AuditEntry
from tocns.notify.models import NoticeKind, Notification
from tocns.teamtasks import services
from tocns.teamtasks.models import TaskStatus, TeamTask

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _form(**extra) -> dict:
    data = {"submission_key": "k-1", "title": "Hướng dẫn các hộ kích hoạt VNeID mức 2",
            "description": "Đến từng hộ ở xóm Trên", "due_on": _day(7).strftime("%d/%m/%Y"),
            "target_text": "các hộ có người cao tuổi", "target_count": "12"}
    data.update(extra)
    return data


def _give(world, teams, *, key="k", due=7, by=None):
    return services.task_assign(teams=teams, submission_key=key, by=by or world.officer_a, data={
        "title": "Rà soát các hộ chưa có điện thoại thông minh", "due_on": _day(due)})


def test_a_retried_form_gives_the_task_once_and_tells_the_leader_once(world, team, client):
    client.force_login(world.officer_a)
    url = reverse("teamtasks:assign")
    for _attempt in range(2):
        response = client.post(url, _form(teams=[team.pk]))
        assert response.status_code == 302
    task = TeamTask.objects.get()
    assert (task.team, task.target_count, task.status, task.given_level) == (team, 12, TaskStatus.ASSIGNED,
                                                                               "commune")
    notice = Notification.objects.get(kind=NoticeKind.TASK_ASSIGNED)
    assert notice.recipient == world.leader_a1 and "VNeID" in notice.subject
    assert AuditEntry.objects.filter(action="team_task.assign", object_id=task.pk).exists()


def test_the_province_gives_all_village_teams_of_a_commune_at_once_and_a_retry_adds_none(
        world, team, team_a2, team_b1, client):
    client.force_login(world.province_admin)
    url = reverse("teamtasks:assign") + f"?xa={world.commune_a.code}"
    for _attempt in range(2):
        assert client.post(url, _form(submission_key="multi", all_villages="on", xa=world.commune_a.code)
                           ).status_code == 302
    assert sorted(TeamTask.objects.values_list("unit__name", flat=True)) == ["Thôn Khuổi Đăm", "Thôn Nà Khà"]
    assert set(TeamTask.objects.values_list("given_level", flat=True)) == {"province"}


def test_bad_input_is_shown_beside_the_field_and_nothing_is_written(world, team, client):
    client.force_login(world.officer_a)
    page = client.post(reverse("teamtasks:assign"), _form(title="", due_on=_day(-1).strftime("%d/%m/%Y"))
                       ).content.decode()
    assert "Hãy ghi nhiệm vụ cần làm." in page
    assert "Hạn hoàn thành không được trước hôm nay." in page and "Hãy chọn ít nhất một tổ." in page
    assert 'value="các hộ có người cao tuổi"' in page  # what was typed is kept
    assert not TeamTask.objects.exists()


def test_an_office_cannot_give_another_communes_team_a_task(world, team_b1):
    with pytest.raises(ValidationError, match="không giao nhiệm vụ được"):
        _give(world, [team_b1])
    assert not TeamTask.objects.exists()


def test_another_commune_and_another_team_get_404(world, team, team_a2, client):
    task = _give(world, [team])[0]
    for user in (world.officer_b, ):
        client.force_login(user)
        assert client.get(reverse("teamtasks:detail", args=[task.pk])).status_code == 404
        assert client.get(reverse("teamtasks:edit", args=[task.pk])).status_code == 404
    leader_a2 = team_a2.memberships.get().person  # a leader of another village reads nothing of it
    from ..factories import make_user

    other = make_user(full_name=leader_a2.full_name, role="team_leader", unit=world.village_a2)
    client.force_login(other)
    assert client.get(reverse("teamtasks:detail", args=[task.pk])).status_code == 404
    assert "Rà soát" not in client.get(reverse("teamtasks:list") + "?show=all").content.decode()


def test_the_leader_reports_done_with_a_note_and_photo_served_only_in_scope(world, team, client):
    task = _give(world, [team])[0]
    client.force_login(world.leader_a1)
    response = client.post(reverse("teamtasks:detail", args=[task.pk]), {
        "action": "done", "version": task.version, "note": "Đã đến 14 hộ, 9 hộ có điện thoại thông minh.",
        "photo": SimpleUploadedFile("anh.jpg", JPEG, content_type="image/jpeg")})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == world.leader_a1 and task.done_photo
    client.force_login(world.officer_a)
    photo = client.get(reverse("teamtasks:photo", args=[task.pk]))
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == JPEG
    client.force_login(world.officer_b)
    assert client.get(reverse("teamtasks:photo", args=[task.pk])).status_code == 404


def test_a_photo_that_is_not_an_image_is_refused_and_the_note_is_kept(world, team, client):
    task = _give(world, [team])[0]
    client.force_login(world.leader_a1)
    page = client.post(reverse("teamtasks:detail", args=[task.pk]), {
        "action": "done", "version": task.version, "note": "Đã xong phần xóm Trên.",
        "photo": SimpleUploadedFile("anh.jpg", b"not an image", content_type="image/jpeg")}).content.decode()
    assert "Ảnh không đọc được" in page and "Đã xong phần xóm Trên." in page
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and not task.done_photo


def test_a_member_reads_the_task_but_only_the_leader_reports_it(world, team, client):
    task = _give(world, [team])[0]
    client.force_login(world.member_a1)
    assert "Rà soát các hộ" in client.get("/").content.decode()
    page = client.get(reverse("teamtasks:detail", args=[task.pk])).content.decode()
    assert "Báo đã xong" not in page
    assert client.post(reverse("teamtasks:detail", args=[task.pk]),
                       {"action": "done", "version": task.version, "note": "x"}).status_code == 404


def test_the_giver_sends_it_back_with_a_reason_then_accepts(world, team, client):
    task = _give(world, [team])[0]
    task = services.task_report_done(task=task, note="Đã đến 10 hộ", photo=None, version=task.version,
                                     by=world.leader_a1)
    client.force_login(world.officer_a)
    url = reverse("teamtasks:detail", args=[task.pk])
    page = client.post(url, {"action": "return", "version": task.version, "comment": ""}).content.decode()
    assert "Hãy ghi cần làm thêm gì để tổ biết." in page
    client.post(url, {"action": "return", "version": task.version, "comment": "Còn xóm Dưới chưa đến"})
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED
    task = services.task_report_done(task=task, note="Đã đến thêm 6 hộ xóm Dưới", photo=None,
                                     version=task.version, by=world.leader_a1)
    client.post(url, {"action": "accept", "version": task.version, "comment": ""})
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    assert [e.action for e in task.events.all()] == ["assigned", "done", "returned", "done", "accepted"]


def test_an_edit_made_on_an_older_version_is_refused(world, team):
    task = _give(world, [team])[0]
    old = task.version
    services.task_edit(task=task, version=old, by=world.officer_a,
                       data={"title": "Rà soát điện thoại thông minh", "due_on": _day(9)})
    with pytest.raises(ValidationError, match="vừa được người khác cập nhật"):
        services.task_edit(task=task, version=old, by=world.chairman_a,
                           data={"title": "Tiêu đề khác", "due_on": _day(3)})
    task.refresh_from_db()
    assert task.title == "Rà soát điện thoại thông minh"


def test_the_commune_sees_overdue_tasks_in_its_list_and_inbox(world, team, team_a2, team_b1, client):
    late = _give(world, [team], key="late")[0]
    TeamTask.objects.filter(pk=late.pk).update(due_on=_day(-3))
    _give(world, [team_a2], key="fine")
    other = _give(world, [team_b1], key="b", by=world.officer_b)[0]
    TeamTask.objects.filter(pk=other.pk).update(due_on=_day(-3))
    client.force_login(world.officer_a)
    page = client.get(reverse("teamtasks:list") + "?show=overdue").content.decode()
    assert "Thôn Nà Khà" in page and "Thôn Khuổi Đăm" not in page and "Tổ dân phố số 1" not in page
    assert "1 nhiệm vụ của các tổ đã quá hạn" in client.get("/").content.decode()


def test_the_leader_sees_the_task_on_his_home_page(world, team, client):
    _give(world, [team])
    client.force_login(world.leader_a1)
    home = client.get("/").content.decode()
    assert 'id="home-tasks"' in home and "Rà soát các hộ chưa có điện thoại thông minh" in home


def test_a_cancelled_task_is_kept_with_its_reason(world, team):
    task = _give(world, [team])[0]
    with pytest.raises(ValidationError):
        services.task_cancel(task=task, version=task.version, by=world.officer_a, comment="")
    services.task_cancel(task=task, version=task.version, by=world.officer_a, comment="Xã đã làm chung")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.review_comment == "Xã đã làm chung"


def test_a_photo_made_smaller_on_the_phone_arrives_as_a_data_url_with_the_same_checks(world, team, client):
    import base64

    task = _give(world, [team])[0]
    client.force_login(world.leader_a1)
    url = reverse("teamtasks:detail", args=[task.pk])
    too_big = "data:image/jpeg;base64," + base64.b64encode(JPEG + b"\x00" * 400 * 1024).decode()
    page = client.post(url, {"action": "done", "version": task.version, "note": "Xong", "photo_data": too_big})
    assert "Ảnh lớn hơn 300 KB" in page.content.decode()
    small = "data:image/jpeg;base64," + base64.b64encode(JPEG).decode()
    assert client.post(url, {"action": "done", "version": task.version, "note": "Xong",
                             "photo_data": small}).status_code == 302
    task.refresh_from_db()
    assert task.done_photo.read() == JPEG
