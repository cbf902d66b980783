"""Proficiency (plan III.1 ¶4): a course's short test written by its organiser, taken by an invited
member and graded on the server; a pass gives a certificate (.docx in the official layout) with a
random code that a public page verifies; the organiser revokes with a reason; completions imported
from the "Bình dân học vụ số" platform's CSV; proficient members counted per topic."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from tocns.audit.models import AuditEntry
from tocns.dashboard.overview import overview_of
from tocns.teams.models import Team
from tocns.training import services
from tocns.training.completion_files import CompletionRow
from tocns.training.models import Attempt, Certificate, Completion, PlatformCourse, Proficiency, Question, Quiz, Topic

from ..factories import make_team
from .proficiency_factories import course_with_quiz, member_person, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(world):
    make_team(world, world.village_a1, members=2)
    return member_person(world, user=world.member_a1, full_name="Triệu Thị Nhất", phone="0905000001")


@pytest.fixture
def course(world, member):
    return course_with_quiz(world, teams=Team.objects.filter(unit=world.village_a1))


def version(course) -> int:
    return Quiz.objects.get(course=course).version


def take(client, course, answers, key=None):
    quiz = course.quiz
    quiz.refresh_from_db()
    return client.post(f"/tap-huan/{course.pk}/lam-bai/", {**answers, "version": quiz.version,
                                                            "submission_key": key or str(uuid.uuid4())})


# ---- the organiser writes the test ----------------------------------------------------------------


def test_the_organiser_adds_a_question_on_the_phone_and_a_retried_post_adds_it_once(client, world, course):
    client.force_login(world.province_admin)
    page = f"/tap-huan/{course.pk}/bai-kiem-tra/cau-hoi/moi/"
    form = {"text": "Mã OTP được đọc cho ai?", "option_1": "Không ai cả", "option_2": "Công an xã",
            "option_3": "", "correct": ["0"], "version": version(course), "submission_key": str(uuid.uuid4())}
    assert client.post(page, form).status_code == 302
    form["version"] = version(course)  # the page the second tap came from was the same
    client.post(page, form)
    assert Question.objects.filter(text="Mã OTP được đọc cho ai?").count() == 1
    question = Question.objects.get(text="Mã OTP được đọc cho ai?")
    assert question.options == ["Không ai cả", "Công an xã"] and question.correct == [0]


@pytest.mark.parametrize(("options", "correct", "message"), [
    (["Chỉ một"], ["0"], "Mỗi câu hỏi có từ 2 đến 5 phương án."),
    (["Một", "Hai"], [], "Hãy đánh dấu ít nhất một phương án đúng."),
    (["Một", ""], ["1"], "Đáp án đúng phải là một phương án đã nhập."),
])
def test_a_bad_question_is_refused_next_to_the_options_with_what_was_typed_kept(client, world, course, options,
                                                                                correct, message):
    client.force_login(world.province_admin)
    form = {"text": "Câu hỏi thử", "version": version(course), "submission_key": str(uuid.uuid4()),
            "correct": correct, **{f"option_{i + 1}": o for i, o in enumerate(options)}}
    text = client.post(f"/tap-huan/{course.pk}/bai-kiem-tra/cau-hoi/moi/", form).content.decode()
    assert message in text and "Câu hỏi thử" in text
    assert not Question.objects.filter(text="Câu hỏi thử").exists()


def test_two_editors_never_silently_overwrite_each_other(client, world, course):
    client.force_login(world.province_admin)
    seen = version(course)
    question = course.quiz.questions.first()
    services.question_save(by=world.province_admin, course=course, question=question, text="Sửa bởi người khác",
                           options=["A", "B"], correct={0}, version=seen)
    text = client.post(f"/tap-huan/{course.pk}/bai-kiem-tra/cau-hoi/{question.pk}/", {
        "text": "Sửa của tôi", "option_1": "C", "option_2": "D", "correct": ["1"], "version": seen}).content.decode()
    assert "vừa được người khác sửa" in text
    question.refresh_from_db()
    assert question.text == "Sửa bởi người khác"


def test_only_the_organiser_edits_the_test(client, world, course):
    client.force_login(world.officer_a)
    assert client.get(f"/tap-huan/{course.pk}/bai-kiem-tra/").status_code == 404
    client.force_login(world.province_admin)
    assert client.get(f"/tap-huan/{course.pk}/bai-kiem-tra/").status_code == 200


def test_a_test_without_questions_cannot_be_opened(world, member):
    course = services.course_create(by=world.province_admin, province=world.province, title="Khóa trống",
                                    topic=Topic.objects.get(code="vneid"), partner=None, description="",
                                    submission_key=uuid.uuid4())
    with pytest.raises(Exception, match="ít nhất một câu hỏi"):
        services.quiz_settings_set(by=world.province_admin, course=course, pass_mark=70, max_attempts=0,
                                   retry_after_hours=0, is_open=True, version=None)


# ---- the member takes it ----------------------------------------------------------------------


def test_an_invited_member_passes_gets_a_certificate_and_a_retried_submit_counts_once(client, world, member, course):
    client.force_login(world.member_a1)
    assert "Làm bài kiểm tra" in client.get(f"/tap-huan/{course.pk}/").content.decode()
    key = str(uuid.uuid4())
    first = take(client, course, right_answers(course), key)
    again = take(client, course, right_answers(course), key)  # the phone sent it twice
    attempt = Attempt.objects.get()
    assert first.url == again.url == f"/tap-huan/bai-lam/{attempt.pk}/"
    assert attempt.passed and attempt.score == 100 and attempt.person == member
    certificate = Certificate.objects.get()
    assert certificate.person == member and certificate.topic.code == "vneid" and len(certificate.code) == 10
    text = client.get(first.url).content.decode()
    assert "Đạt" in text and certificate.code in text and "Tải giấy chứng nhận" in text
    assert Proficiency.objects.filter(person=member, topic__code="vneid").exists()


def test_half_right_fails_and_the_retry_rules_are_the_tests_data(client, world, member):
    course = course_with_quiz(world, teams=Team.objects.filter(unit=world.village_a1), max_attempts=2,
                              retry_after_hours=0)
    client.force_login(world.member_a1)
    answers = {**right_answers(course)}
    second = course.quiz.questions.order_by("order").last()
    answers[f"q{second.pk}"] = ["0"]  # one option of two right answers: the question counts wrong
    response = take(client, course, answers)
    attempt = Attempt.objects.get()
    assert attempt.score == 50 and not attempt.passed and not Certificate.objects.exists()
    assert "Làm lại" in client.get(response.url).content.decode()
    take(client, course, wrong_answers(course))
    text = client.get(f"/tap-huan/{course.pk}/lam-bai/").content.decode()
    assert "Bạn đã làm hết 2 lần được phép." in text
    assert take(client, course, right_answers(course)).status_code == 200 and Attempt.objects.count() == 2


def test_a_retry_waits_the_hours_the_test_sets(client, world, member):
    course = course_with_quiz(world, teams=Team.objects.filter(unit=world.village_a1), retry_after_hours=24)
    client.force_login(world.member_a1)
    take(client, course, wrong_answers(course))
    text = take(client, course, right_answers(course)).content.decode()
    assert "Bạn được làm lại từ" in text and Attempt.objects.count() == 1


def test_an_unanswered_question_is_refused_with_the_answers_kept(client, world, member, course):
    client.force_login(world.member_a1)
    answers = right_answers(course)
    answers.pop(next(iter(answers)))
    text = take(client, course, answers).content.decode()
    assert "Còn 1 câu chưa trả lời." in text and "checked" in text and not Attempt.objects.exists()


def test_someone_not_invited_cannot_take_the_test(client, world, course):
    outsider = member_person(world, user=world.leader_a1, unit=world.village_b1, full_name="Giàng Seo Chứ")
    assert outsider.pk
    client.force_login(world.leader_a1)
    assert client.get(f"/tap-huan/{course.pk}/lam-bai/").status_code == 404


# ---- the certificate ----------------------------------------------------------------------------


@pytest.fixture
def certificate(client, world, member, course):
    client.force_login(world.member_a1)
    take(client, course, right_answers(course))
    client.logout()
    return Certificate.objects.get()


def test_the_certificate_is_a_docx_in_the_official_layout_with_its_code(client, world, certificate):
    client.force_login(world.member_a1)
    response = client.get(f"/tap-huan/chung-nhan/{certificate.pk}/tai/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "GIẤY CHỨNG NHẬN" in text and "Triệu Thị Nhất" in text and "Định danh điện tử cho tổ" in text
    assert certificate.code in text and f"/tap-huan/xac-minh/{certificate.code}/" in text
    assert "SỞ KHOA HỌC\nVÀ CÔNG NGHỆ" in cells and "UBND TỈNH TUYÊN QUANG" in cells
    assert f"Số: {certificate.number}" in cells
    assert all(r.font.name == "Times New Roman" for p in document.paragraphs for r in p.runs if r.text.strip())


def test_codes_are_random_not_sequential(world, member):
    codes = {services._new_code() for _i in range(50)}
    assert len(codes) == 50 and all(len(c) == 10 and not set(c) & set("01IO") for c in codes)


def test_the_public_page_verifies_a_code_without_signing_in_and_masks_the_name(client, certificate):
    text = client.get(f"/tap-huan/xac-minh/{certificate.code}/").content.decode()
    assert "Giấy chứng nhận hợp lệ" in text and "Triệu T. N." in text and "Triệu Thị Nhất" not in text
    assert "Định danh điện tử cho tổ" in text
    assert client.get(f"/tap-huan/xac-minh/?ma={certificate.code.lower()}").status_code == 200
    missing = client.get("/tap-huan/xac-minh/ABCDEFGHJK/")
    assert missing.status_code == 404 and "Không có giấy chứng nhận nào mang mã này" in missing.content.decode()


def test_the_public_page_counts_against_the_hourly_lookups(client, settings, certificate):
    settings.PUBLIC_LOOKUPS_PER_HOUR = 2
    for _i in range(2):
        assert client.get(f"/tap-huan/xac-minh/{certificate.code}/").status_code == 200
    assert client.get(f"/tap-huan/xac-minh/{certificate.code}/").status_code == 429


def test_the_organiser_revokes_with_a_reason_and_the_public_page_says_so(client, world, member, certificate):
    client.force_login(world.officer_a)  # sees it (his commune's member) but does not run the course
    assert client.get(f"/tap-huan/chung-nhan/{certificate.pk}/").status_code == 200
    assert client.post(f"/tap-huan/chung-nhan/{certificate.pk}/", {"reason": "Nhờ làm hộ"}).status_code == 404
    client.force_login(world.province_admin)
    page = f"/tap-huan/chung-nhan/{certificate.pk}/"
    assert "Hãy ghi lý do thu hồi." in client.post(page, {"reason": " "}).content.decode()
    client.post(page, {"reason": "Nhờ người khác làm bài thay"})
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Nhờ người khác làm bài thay" and certificate.revoked_by == world.province_admin
    assert not Proficiency.objects.filter(person=member).exists()
    assert AuditEntry.objects.filter(action="certificate.revoke").exists()
    client.logout()
    assert "đã bị thu hồi" in client.get(f"/tap-huan/xac-minh/{certificate.code}/").content.decode()


# ---- scope --------------------------------------------------------------------------------------


def test_another_communes_officer_and_another_member_get_404(client, world, member, certificate):
    attempt = Attempt.objects.get()
    other = member_person(world, user=world.leader_a1, full_name="Giàng Seo Chứ")
    assert other.pk
    for user in (world.officer_b, world.leader_a1):
        client.force_login(user)
        for address in (f"/tap-huan/chung-nhan/{certificate.pk}/", f"/tap-huan/chung-nhan/{certificate.pk}/tai/",
                        f"/tap-huan/bai-lam/{attempt.pk}/"):
            assert client.get(address).status_code == 404, (user, address)
        assert "Triệu Thị Nhất" not in client.get("/tap-huan/chung-nhan/").content.decode()
    client.force_login(world.officer_a)
    assert client.get(f"/tap-huan/bai-lam/{attempt.pk}/").status_code == 200
    assert "Triệu Thị Nhất" in client.get(f"/tap-huan/{certificate.course_id}/ket-qua/").content.decode()
    assert AuditEntry.objects.filter(action="quiz.results", actor=world.officer_a).exists()


# ---- importing completions ----------------------------------------------------------------------


def csv_file(lines, *, bom=True, sep=";"):
    text = "\n".join(sep.join(cells) for cells in lines) + "\n"
    return SimpleUploadedFile("bdhvs.csv", (b"\xef\xbb\xbf" if bom else b"") + text.encode())


HEADER = ["STT", "Họ và tên", "Số điện thoại", "Số định danh cá nhân", "Khóa học", "Ngày hoàn thành"]


@pytest.fixture
def mapped(world):
    return PlatformCourse.objects.create(province=world.province, name="Kỹ năng số cơ bản",
                                         name_folded="ky nang so co ban", topic=Topic.objects.get(code="ky-nang-so"))


def test_an_import_with_bad_rows_names_each_by_row_and_writes_nothing(client, world, member, mapped):
    outsider = member_person(world, unit=world.village_b1, full_name="Trần Văn Bình", phone="0977000111")
    assert outsider.pk
    file = csv_file([HEADER,
                     ["1", "Triệu Thị Nhất", "0905 000 001", "", "Kỹ năng số cơ bản", "12/10/2026"],
                     ["2", "Ai Đó", "0911999888", "", "Kỹ năng số cơ bản", "12/10/2026"],
                     ["3", "Trần Văn Bình", "0977000111", "", "Kỹ năng số cơ bản", "12/10/2026"],
                     ["4", "Triệu Thị Nhất", "+84 905 000 001", "", "Kỹ năng số cơ bản", "31/02/2026"],
                     ["5", "Triệu Thị Nhất", "0905000001", "", "Kỹ năng số cơ bản", "12/10/2026"],
                     ["6", "Triệu Thị Nhất", "0905000001", "", "Khóa lạ", "12/10/2026"]])
    client.force_login(world.officer_a)
    text = client.post("/tap-huan/hoan-thanh/nhap/", {"file": file}).content.decode()
    assert "Dòng 3: Không tìm thấy người có số 0911999888." in text
    assert "Dòng 4: Người có số 0977000111 không thuộc các tổ trong phạm vi của bạn." in text
    assert "Dòng 5: Ngày hoàn thành “31/02/2026” không đúng dạng dd/mm/yyyy." in text
    assert "Dòng 6: Trùng với dòng 2." in text
    assert "Dòng 7: Khóa học “Khóa lạ” chưa gắn với chủ đề nào." in text
    assert not Completion.objects.exists()


def test_a_good_import_writes_all_and_the_same_file_again_adds_nothing(client, world, member, mapped):
    lines = [HEADER[1:], ["Triệu Thị Nhất", "84905000001", "001090000001", "Kỹ năng số cơ bản", "12/10/2026"],
             ["trieu thi nhat", "0905000001", "", "Khóa lạ", "2026-10-13"]]
    client.force_login(world.province_admin)
    topic = Topic.objects.get(code="dich-vu-cong")
    response = client.post("/tap-huan/hoan-thanh/nhap/", {"file": csv_file(lines, bom=False, sep=","),
                                                          "topic": topic.pk}, follow=True)
    assert "Đã nhập 2 lượt hoàn thành; 0 lượt đã có từ trước." in response.content.decode()
    again = client.post("/tap-huan/hoan-thanh/nhap/", {"file": csv_file(lines, bom=False, sep=","),
                                                       "topic": topic.pk}, follow=True)
    assert "Đã nhập 0 lượt hoàn thành; 2 lượt đã có từ trước." in again.content.decode()
    assert Completion.objects.count() == 2
    assert set(Proficiency.objects.filter(person=member).values_list("topic__code", flat=True)) == {
        "ky-nang-so", "dich-vu-cong"}
    assert AuditEntry.objects.filter(action="completion.import").count() == 1


def test_a_missing_column_is_named(client, world, member):
    client.force_login(world.officer_a)
    text = client.post("/tap-huan/hoan-thanh/nhap/", {"file": csv_file([["Họ tên", "Khóa học"], ["A", "B"]])}
                       ).content.decode()
    assert "Thiếu cột: Số điện thoại, Ngày hoàn thành." in text


def test_only_the_province_and_commune_offices_import(client, world):
    for user in (world.member_a1, world.leader_a1, world.partner, world.chairman_a):
        client.force_login(user)
        assert client.get("/tap-huan/hoan-thanh/nhap/").status_code == 404
    client.force_login(world.officer_a)
    assert client.get("/tap-huan/hoan-thanh/nhap/").status_code == 200
    assert client.get("/tap-huan/hoan-thanh/khoa-hoc/").status_code == 404


def test_the_province_maps_a_platform_course_to_a_topic(client, world):
    client.force_login(world.province_admin)
    topic = Topic.objects.get(code="vneid")
    client.post("/tap-huan/hoan-thanh/khoa-hoc/", {"name": "  Định danh   điện tử ", "topic": topic.pk})
    client.post("/tap-huan/hoan-thanh/khoa-hoc/", {"name": "Dinh danh dien tu", "topic": topic.pk})
    assert list(PlatformCourse.objects.values_list("name", "topic__code")) == [("Định danh điện tử", "vneid")]


# ---- counting ---------------------------------------------------------------------------------


def test_the_overview_and_the_stats_count_proficient_members_per_topic(client, world, member, certificate, mapped):
    services.completions_import(by=world.province_admin, province=world.province, rows=[
        CompletionRow(number=2, person=member, course_name="Kỹ năng số cơ bản", topic=mapped.topic,
            completed_on=certificate.issued_on)])
    for unit in (world.province, world.commune_a, world.village_a1):
        bars = {bar.label: bar.value for bar in overview_of(unit).proficient}
        assert bars["Định danh điện tử VNeID"] == 1 and bars[mapped.topic.name] == 1
    assert {bar.label: bar.value for bar in overview_of(world.commune_b).proficient}["Định danh điện tử VNeID"] == 0
    client.force_login(world.officer_a)
    text = client.get("/tap-huan/thong-ke/").content.decode()
    assert 'id="proficient"' in text and "Thành viên thành thạo theo chủ đề" in text
    assert 'id="proficient"' in client.get(f"/tong-quan/?unit={world.commune_a.code}").content.decode()


def test_the_overview_counts_with_one_grouped_query(world, member, certificate, django_assert_max_num_queries):
    from tocns.teams.models import Membership
    from tocns.training.selectors import proficient_per_topic

    people = Membership.objects.active().values("person_id").distinct()
    with django_assert_max_num_queries(2):  # the counts, and the topics' names
        assert sum(n for _topic, n in proficient_per_topic(people)) == 1


def test_the_members_home_shows_the_test_to_take(client, world, member, course):
    client.force_login(world.member_a1)
    text = client.get("/").content.decode()
    assert 'id="quizzes-to-take"' in text and course.title in text


def test_the_members_trainings_page_lists_his_certificates(client, world, certificate):
    client.force_login(world.member_a1)
    text = client.get("/tap-huan/cua-toi/").content.decode()
    assert 'id="person-certificates"' in text and f"/tap-huan/chung-nhan/{certificate.pk}/" in text
