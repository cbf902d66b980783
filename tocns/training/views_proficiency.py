"""Proficiency pages (plan III.1 ¶4): the organiser writes a course's short test on the phone; an
invited member takes it, graded on the server; a pass gives a certificate (.docx in the official
layout) whose code anyone can check on a public page; the province and the commune offices import
completions from the "Bình dân học vụ số" platform. Scope as everywhere: another's object is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tocns.accounts.access import page_rule
from tocns.accounts.models import Role
from tocns.accounts.selectors import scope_for
from tocns.audit.services import record_read
from tocns.geo.models import AdminUnit
from tocns.lib.forms import add_service_errors
from tocns.portal.models import ReadKind
from tocns.portal.throttle import limit_public_reads
from tocns.reports.settings_selectors import province_administered_by
from tocns.teams.models import Person

from . import selectors, services
from .certificates import certificate_docx
from .completion_files import check_completion_rows
from .forms import CompletionImportForm, PlatformCourseForm, QuestionForm, QuizSettingsForm, RevokeForm
from .models import PlatformCourse, Question

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _managed_course_or_404(request, pk: int):
    course = selectors.course_for_user_or_404(request.user, pk)
    if not selectors.can_manage_course(request.user, course):
        raise Http404
    return course


@login_required
def quiz_edit(request, pk: int):
    """The test's settings and its questions, for the course's organiser."""
    course = _managed_course_or_404(request, pk)
    quiz = selectors.quiz_of(course)
    initial = ({"pass_mark": quiz.pass_mark, "max_attempts": quiz.max_attempts,
                "retry_after_hours": quiz.retry_after_hours, "is_open": quiz.is_open, "version": quiz.version}
               if quiz else {"pass_mark": 70, "max_attempts": 3, "retry_after_hours": 0, "version": ""})
    form = QuizSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.quiz_settings_set(by=request.user, course=course, pass_mark=data["pass_mark"],
                                       max_attempts=data["max_attempts"], retry_after_hours=data["retry_after_hours"],
                                       is_open=data["is_open"], version=data["version"] if quiz else None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu bài kiểm tra."))
            return redirect("training:quiz_edit", course.pk)
    questions = list(quiz.questions.filter(is_active=True)) if quiz else []
    return render(request, "training/quiz_edit.html", {
        "course": course, "quiz": quiz, "form": form, "questions": questions,
        "attempts": quiz.attempts.count() if quiz else 0})


@login_required
def question_edit(request, pk: int, question_pk: int | None = None):
    """Add or change one question: the text, up to five options, which are right."""
    course = _managed_course_or_404(request, pk)
    quiz = selectors.quiz_of(course)
    question = None
    if question_pk is not None:
        question = get_object_or_404(Question, pk=question_pk, quiz__course=course, is_active=True)
    version = quiz.version if quiz else ""
    form = QuestionForm(request.POST or None, question=question, initial={"version": version})
    if request.method == "POST" and request.POST.get("action") == "remove" and question is not None:
        try:
            services.question_remove(by=request.user, course=course, question=question,
                                     version=request.POST.get("version") or None)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("training:question_edit", course.pk, question.pk)
        messages.success(request, _("Đã bỏ câu hỏi."))
        return redirect("training:quiz_edit", course.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_save(by=request.user, course=course, question=question, text=data["text"],
                                   options=form.options(), correct=set(data["correct"]),
                                   version=data["version"] if quiz else None,
                                   submission_key=data.get("submission_key"))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):  # the options' messages go under the options, not on top
                exc = ValidationError({"correct" if name == "options" else name: errors
                                       for name, errors in exc.error_dict.items()})
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu câu hỏi."))
            if request.POST.get("next") == "add":
                return redirect("training:question_add", course.pk)
            return redirect("training:quiz_edit", course.pk)
    return render(request, "training/question_form.html", {"course": course, "form": form, "question": question})


def _answers(request, questions) -> dict[int, set[int]]:
    answers = {}
    for question in questions:
        chosen = set()
        for value in request.POST.getlist(f"q{question.pk}"):
            try:
                index = int(value)
            except ValueError:
                continue
            if 0 <= index < len(question.options):
                chosen.add(index)
        answers[question.pk] = chosen
    return answers


@login_required
def quiz_take(request, pk: int):
    """An invited member takes the test on his phone; the server grades it."""
    import uuid

    course = selectors.course_for_user_or_404(request.user, pk)
    person = selectors.person_of(request.user)
    quiz = selectors.quiz_of(course)
    if person is None or quiz is None or not course.invitations.filter(person=person).exists():
        raise Http404
    allowed, why, _when = services.attempts_left(quiz, person)
    questions = list(quiz.questions.filter(is_active=True))
    error, chosen = "", {}
    if request.method == "POST":
        chosen = _answers(request, questions)
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
            attempt = services.attempt_submit(person=person, course=course, answers=chosen,
                                              version=int(request.POST.get("version") or 0), submission_key=key)
        except ValueError:
            error = _("Bài làm không hợp lệ. Hãy tải lại trang.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
            quiz.refresh_from_db()
            questions = list(quiz.questions.filter(is_active=True))
            allowed, why, _when = services.attempts_left(quiz, person)
        else:
            return redirect("training:attempt", attempt.pk)
    for question in questions:  # what he ticked stays ticked when the page comes back with a message
        question.picked = chosen.get(question.pk, set())
    return render(request, "training/quiz_take.html", {
        "course": course, "quiz": quiz, "questions": questions, "allowed": allowed, "why": "" if error == why else why,
        "error": error,
        "submission_key": request.POST.get("submission_key") if error else uuid.uuid4(),
        "mine": quiz.attempts.filter(person=person)[:10]})


@login_required
def attempt_detail(request, pk: int):
    attempt = selectors.attempts_for(request.user).filter(pk=pk).first()
    if attempt is None:
        raise Http404
    own = attempt.person.user_id == request.user.pk
    certificate = getattr(attempt, "certificate", None) if attempt.passed else None
    allowed, why, _when = services.attempts_left(attempt.quiz, attempt.person) if own else (False, "", None)
    return render(request, "training/attempt_detail.html", {
        "attempt": attempt, "course": attempt.quiz.course, "own": own, "certificate": certificate,
        "can_retry": allowed, "why": why})


@login_required
def course_results(request, pk: int):
    """Who took the test and how they did: everyone for the organiser, the commune's own people for
    its office, his own attempts for a member."""
    course = selectors.course_for_user_or_404(request.user, pk)
    attempts = list(selectors.attempts_for(request.user, course).order_by("commune__name_folded",
                                                                          "person__full_name_folded", "-submitted_at"))
    others = [a.person_id for a in attempts if a.person.user_id != request.user.pk]
    if others:
        record_read(actor=request.user, action="quiz.results", obj=course, people=others,
                    province_id=course.province_id, summary=_("Xem kết quả kiểm tra khóa “%(title)s”") % {
                        "title": course.title})
    return render(request, "training/course_results.html", {
        "course": course, "attempts": attempts, "quiz": selectors.quiz_of(course),
        "manage": selectors.can_manage_course(request.user, course)})


@login_required
def certificate_list(request):
    certificates = selectors.certificates_for(request.user)
    show = request.GET.get("xem", "")
    if show == "thu-hoi":
        certificates = certificates.filter(revoked_at__isnull=False)
    scope = scope_for(request.user)
    completions = selectors.completions_for(request.user)[:100]
    return render(request, "training/certificate_list.html", {
        "certificates": certificates[:300], "show": show, "completions": completions,
        "can_import": scope.has_role(Role.PROVINCE_ADMIN, Role.COMMUNE_OFFICER)})


@login_required
def certificate_detail(request, pk: int):
    certificate = selectors.certificate_for_user_or_404(request.user, pk)
    can_revoke = selectors.can_revoke(request.user, certificate) and certificate.is_valid
    form = RevokeForm(request.POST or None)
    if request.method == "POST":
        if not can_revoke:
            raise Http404
        if form.is_valid():
            try:
                services.certificate_revoke(by=request.user, certificate=certificate,
                                            reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã thu hồi giấy chứng nhận số %(n)s.") % {"n": certificate.number})
                return redirect("training:certificate", certificate.pk)
    return render(request, "training/certificate_detail.html", {
        "certificate": certificate, "form": form, "can_revoke": can_revoke,
        "verify_url": request.build_absolute_uri(reverse("training:verify", args=[certificate.code]))})


@login_required
def certificate_download(request, pk: int):
    certificate = selectors.certificate_for_user_or_404(request.user, pk)
    verify_url = request.build_absolute_uri(reverse("training:verify", args=[certificate.code]))
    data = certificate_docx(certificate, verify_url=verify_url)
    if certificate.person.user_id != request.user.pk:
        record_read(actor=request.user, action="certificate.download", obj=certificate, people=[certificate.person_id],
                    province_id=certificate.province_id, commune_id=certificate.commune_id,
                    summary=_("Tải giấy chứng nhận số %(n)s") % {"n": certificate.number})
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{certificate.code}.docx"'
    return response


@never_cache
@limit_public_reads(ReadKind.LOOKUP)
def verify(request, code: str = ""):
    """Public, no sign-in: is this certificate real and still valid? The holder's name is partly
    hidden; counted against the address's hourly lookups like the portal's tracking codes."""
    code = code or request.GET.get("ma", "")
    certificate = selectors.certificate_by_code(code) if code else None
    return render(request, "training/verify.html", {
        "code": code, "certificate": certificate,
        "holder": selectors.masked_name(certificate.person.full_name) if certificate else ""},
        status=404 if code and certificate is None else 200)


@login_required
@page_rule("proficiency_import")
def completion_import(request):
    """The province admin (its province's members) or the commune office (its commune's) imports
    the platform's CSV export: every row checked, then all written or none."""
    scope = scope_for(request.user)
    province = province_administered_by(request.user)
    if province is None:
        commune = AdminUnit.objects.filter(pk__in=scope.commune_ids).select_related("province").first()
        province = commune.province if commune is not None else None
    if province is None:
        raise Http404
    form = CompletionImportForm(request.POST or None, request.FILES or None, province=province)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        members = Person.objects.filter(pk__in=selectors.members_in_scope(request.user).values("person_id"))
        rows, errors = check_completion_rows(data=upload.read(), file_name=upload.name, province=province,
                                             members=members, default_topic=form.cleaned_data["topic"])
        if not errors:
            added, skipped = services.completions_import(by=request.user, province=province, rows=rows)
            messages.success(request, _("Đã nhập %(added)s lượt hoàn thành; %(skipped)s lượt đã có từ trước.") % {
                "added": added, "skipped": skipped})
            return redirect("training:completion_import")
    return render(request, "training/completion_import.html", {
        "form": form, "errors": errors, "result": result,
        "is_admin": scope.has_role(Role.PROVINCE_ADMIN),
        "mappings": PlatformCourse.objects.filter(province=province).select_related("topic")[:200]})


@login_required
def platform_courses(request):
    """The province's table: which topic each platform course counts for."""
    province = province_administered_by(request.user)
    if province is None:
        raise Http404
    form = PlatformCourseForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        try:
            services.platform_course_set(by=request.user, province=province, name=form.cleaned_data["name"],
                                         topic=form.cleaned_data["topic"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("training:platform_courses")
    return render(request, "training/platform_courses.html", {
        "form": form, "mappings": PlatformCourse.objects.filter(province=province).select_related("topic")})

