"""On a phone, a team leader sees the task the commune gave his team on his home page, reports it
done with a note and a photo, and reads the commune's answer to the difficulty he wrote in his
monthly report (issue #15, items 6 and 8)."""

import base64
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tocns.reports import difficulties
from tocns.reports.difficulty_models import DifficultyItem
from tocns.teamtasks import services as tasks
from tocns.teamtasks.models import TaskStatus, TeamTask

from ..factories import World, make_team
from ..reports.factories import ensure_catalogue, submit_report
from .test_monthly_report import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HARD = "Sóng điện thoại yếu ở xóm Nặm Pà, tổ không hướng dẫn được cài VNeID."
ANSWER = "UBND xã đã đề nghị VNPT lắp thêm trạm phát sóng trong tháng 12."


def test_a_leader_reports_a_task_done_on_his_phone_and_reads_the_answer_to_his_difficulty(
        phone_page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_catalogue()
    world = World()
    team = make_team(world, world.village_a1, members=2)
    month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)  # last month
    report = submit_report(team, month.year, month.month, {"CQ01": "12"}, by=world.leader_a1,
                           texts={"difficulties": HARD})
    item = DifficultyItem.objects.get(report=report)
    difficulties.difficulty_answer(item=item, by=world.officer_a, version=item.version, answer=ANSWER)
    task = tasks.task_assign(teams=[team], submission_key="browser", by=world.officer_a, data={
        "title": "Hướng dẫn các hộ kích hoạt VNeID mức 2", "target_text": "các hộ ở xóm Trên", "target_count": 12,
        "due_on": timezone.localdate() + datetime.timedelta(days=5)})[0]

    page, base = phone_page, live_server.url
    sign_in(page, base, "0904 000 001")
    answers = page.locator("#difficulty-answers")
    expect(answers).to_contain_text(ANSWER)
    expect(answers).to_contain_text("Sóng điện thoại yếu ở xóm Nặm Pà")
    page.locator("#home-tasks").get_by_role("link", name="Hướng dẫn các hộ kích hoạt VNeID mức 2").click()
    expect(page.locator("#status")).to_contain_text("Đang làm")
    page.get_by_label("Đã làm được gì").fill("Đã đến 12 hộ, 9 hộ kích hoạt xong VNeID mức 2.")
    # A camera-sized picture of noise (several MB as a JPEG): the page makes it smaller before sending.
    photo = base64.b64decode(page.evaluate("""() => {
        const c = document.createElement('canvas'); c.width = 3000; c.height = 2000;
        const g = c.getContext('2d'), d = g.createImageData(3000, 2000);
        for (let i = 0; i < d.data.length; i++) d.data[i] = (i * 2654435761 >>> 7) & 255;
        g.putImageData(d, 0, 0);
        return c.toDataURL('image/jpeg', 0.95).split(',')[1];
    }"""))
    assert len(photo) > 1024 * 1024
    page.locator("#id_photo").set_input_files(files=[{"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    page.screenshot(path=str(tmp_path / "task-done.png"), full_page=True)
    page.get_by_role("button", name="Báo đã xong").click()
    expect(page.locator(".msg").first).to_contain_text("Đã báo hoàn thành")
    expect(page.locator("#status")).to_contain_text("Tổ báo đã xong")
    expect(page.locator("#done-note")).to_contain_text("9 hộ kích hoạt xong")
    expect(page.locator("#photo-link")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()
    task = TeamTask.objects.get(pk=task.pk)
    assert task.status == TaskStatus.DONE and task.done_by == world.leader_a1
    assert 0 < task.done_photo.size <= 300 * 1024
