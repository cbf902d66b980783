"""Survey pages: the list, building and giving a survey (province admin, commune office),
answering on the phone (team members, offline through static/js/survey.js), and the results."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import record_read
from tocns.lib.forms import add_service_errors
from tocns.lib.http import XLSX, attachment

from . import selectors, surveys
from .models import QuestionKind, SurveyStatus
from .survey_export import survey_xlsx
from .survey_forms import AssignForm, QuestionForm, SurveyForm


@login_required
def survey_list(request):
    owners = selectors.survey_owners(request.user)
    return render(request, "fieldwork/survey_list.html", {
        "to_answer": selectors.surveys_to_answer(request.user), "can_build": bool(owners),
        "surveys": selectors.surveys_for_user(request.user).order_by("-created_at")[:100],
        "today": timezone.localdate()})


@login_required
def survey_create(request):
    owners = selectors.survey_owners(request.user)
    if not owners:
        raise Http404
    form = SurveyForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survey = surveys.survey_create(user=request.user, owner=data["owner"], title=data["title"],
                                       description=data["description"], submission_key=data["submission_key"])
        return redirect("fieldwork:survey_edit", survey.pk)
    return render(request, "fieldwork/survey_create.html", {"form": form})


def _assign_form(survey, data=None):
    owner = survey.owner
    return AssignForm(data, teams=selectors.teams_to_assign(survey).order_by("commune__name_folded", "unit__kind",
                                                                            "unit__name_folded"),
                      by_commune=owner.is_province, prefix="assign")


@login_required
def survey_edit(request, pk: int):
    """Questions while it is a draft; giving it to teams (which opens it); closing it."""
    survey = selectors.survey_for_user_or_404(request.user, pk)
    if not selectors.can_edit_survey(request.user, survey):
        raise Http404
    question_form = QuestionForm(prefix="question")
    assign_form = _assign_form(survey)
    action = request.POST.get("action")
    page_error = ""
    try:
        if action == "add":
            question_form = QuestionForm(request.POST, prefix="question")
            if question_form.is_valid():
                data = question_form.cleaned_data
                surveys.question_add(user=request.user, survey=survey, text=data["text"], kind=data["kind"],
                                     choices=data["choices"], required=data["required"],
                                     submission_key=data["submission_key"])
                messages.success(request, _("Đã thêm câu hỏi."))
                return redirect("fieldwork:survey_edit", survey.pk)
        elif action == "remove":
            surveys.question_remove(user=request.user, survey=survey, question_id=int(request.POST.get("question", 0)))
            messages.success(request, _("Đã bỏ câu hỏi."))
            return redirect("fieldwork:survey_edit", survey.pk)
        elif action == "assign":
            assign_form = _assign_form(survey, request.POST)
            if assign_form.is_valid():
                data = assign_form.cleaned_data
                added = surveys.survey_assign(user=request.user, survey=survey, teams=data["teams"],
                                              deadline=data["deadline"])
                messages.success(request, _("Đã giao khảo sát cho %(n)s tổ mới, hạn %(day)s.") % {
                    "n": added, "day": data["deadline"].strftime("%d/%m/%Y")})
                return redirect("fieldwork:survey_edit", survey.pk)
        elif action == "close":
            surveys.survey_close(user=request.user, survey=survey)
            messages.success(request, _("Khảo sát đã kết thúc: các tổ không gửi thêm phiếu được nữa."))
            return redirect("fieldwork:survey_results", survey.pk)
    except ValidationError as exc:
        if action in ("add", "assign"):
            add_service_errors(assign_form if action == "assign" else question_form, exc)
        else:
            page_error = " ".join(exc.messages)
    survey.refresh_from_db()
    return render(request, "fieldwork/survey_edit.html", {
        "survey": survey, "questions": survey.questions.all(), "question_form": question_form,
        "assign_form": assign_form, "given": survey.assignments.count(), "page_error": page_error,
        "is_draft": survey.status == SurveyStatus.DRAFT, "is_open": survey.status == SurveyStatus.OPEN})


@login_required
def survey_answer(request, pk: int):
    """The questionnaire on the phone. With the script, answers wait on the phone and are sent
    when there is a connection; without it, the form posts here."""
    survey = selectors.survey_for_user_or_404(request.user, pk)
    units = selectors.answer_units(request.user, survey) if survey.status == SurveyStatus.OPEN else []
    if not units:
        raise Http404
    questions = list(survey.questions.all())
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        values = {str(q.pk): (posted.getlist(f"q{q.pk}") if q.kind == QuestionKind.MULTIPLE
                              else posted.get(f"q{q.pk}", "")) for q in questions}
        try:
            surveys.answer_record(user=request.user, data={
                "client_id": posted.get("client_id"), "survey": survey.pk, "unit": posted.get("unit"),
                "values": values})
        except ValidationError as exc:
            errors = {name: messages_[0] for name, messages_ in exc.message_dict.items()}
        else:
            messages.success(request, _("Đã lưu phiếu. Mời nhập phiếu tiếp theo."))
            return redirect("fieldwork:survey_answer", survey.pk)
    rows = [{"question": q, "name": f"q{q.pk}", "error": errors.get(f"q{q.pk}"),
             "given": posted.getlist(f"q{q.pk}") if posted else []} for q in questions]
    deadline = min(survey.assignments.filter(team__unit__in=units).values_list("deadline", flat=True), default=None)
    return render(request, "fieldwork/survey_answer.html", {
        "survey": survey, "rows": rows, "units": units, "chosen_unit": posted.get("unit") or units[0].code,
        "client_id": posted.get("client_id") or uuid.uuid4(), "errors": errors, "deadline": deadline,
        "top_errors": [errors[name] for name in ("survey", "client_id", "made_at") if name in errors],
        "answered": survey.answers.filter(recorded_by=request.user).count(),
        "queue_text": {
            "required": _("Câu này cần trả lời."), "number": _("Hãy nhập một số (ví dụ 12)."),
            "waiting": _("%s phiếu đang chờ gửi"), "allSent": _("Đã gửi hết lên máy chủ."),
            "full": _("Bộ nhớ của trình duyệt đã đầy: hãy gửi các phiếu đang chờ rồi lưu lại. "
                      "Phiếu này chưa được lưu."),
            "entry": _("Phiếu"), "states": {"waiting": _("đang chờ"), "sending": _("đang gửi"),
                                            "stored": _("đã lưu"), "refused": _("bị từ chối")}},
    })


# A survey given to more teams than this shows its progress by commune (the Excel has every team).
PROGRESS_BY_TEAM_UP_TO = 60


@login_required
def survey_results(request, pk: int):
    survey = selectors.survey_for_user_or_404(request.user, pk)
    values = list(selectors.answers_for_user(request.user, survey).values_list("values", flat=True))
    progress = selectors.survey_progress(request.user, survey)
    by_commune = selectors.progress_by_commune(progress) if len(progress) > PROGRESS_BY_TEAM_UP_TO else []
    return render(request, "fieldwork/survey_results.html", {
        "survey": survey, "summary": selectors.survey_summary(list(survey.questions.all()), values),
        "progress": [] if by_commune else progress, "by_commune": by_commune, "teams": len(progress),
        "count": len(values), "late": sum(1 for row in progress if row["late"]),
        "can_edit": selectors.can_edit_survey(request.user, survey),
        "can_answer": survey.status == SurveyStatus.OPEN and bool(selectors.answer_units(request.user, survey))})


@login_required
def survey_download(request, pk: int):
    survey = selectors.survey_for_user_or_404(request.user, pk)
    questions = list(survey.questions.all())
    answers = list(selectors.answers_for_user(request.user, survey))
    summary = selectors.survey_summary(questions, [answer.values for answer in answers])
    content = survey_xlsx(survey, questions, answers, summary, selectors.survey_progress(request.user, survey))
    record_read(actor=request.user, action="survey.export", obj=survey, province_id=survey.owner.province_id
                or survey.owner.pk, commune_id=survey.owner.commune_id, data={"rows": len(answers)},
                summary=_("Tải kết quả khảo sát “%(title)s” (có tên người ghi)") % {"title": survey.title})
    return attachment(content, f"khao-sat-{survey.pk}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
