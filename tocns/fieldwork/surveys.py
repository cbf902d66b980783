"""Surveys: the province or a commune writes a few questions, gives them to teams with a
deadline, and members fill them in on the phone, offline like the log. Answers carry an id made
on the phone, so a retried upload stores each one once."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit.services import audit_record
from tocns.reports.checks import parse_number
from tocns.reports.choices import ValueType

from .models import Answer, Question, QuestionKind, Survey, SurveyAssignment, SurveyStatus
from .services import BatchOutcome, Lookups, attach_stored, client_id_of, made_at_of, one_by_one, sort_batch

MAX_CHOICES = 20
MAX_TEXT = 500


@transaction.atomic
def survey_create(*, user, owner, title: str, description: str, submission_key: uuid.UUID) -> Survey:
    """A new draft; a retried form (same key) returns the survey made the first time."""
    survey, created = Survey.objects.get_or_create(submission_key=submission_key, defaults={
        "title": title.strip(), "description": description.strip(), "owner": owner, "created_by": user})
    if created:
        _audit(user, "survey.create", survey, _("Lập khảo sát “%(title)s”") % {"title": survey.title})
    return survey


def _audit(user, action: str, survey: Survey, summary: str, data: dict | None = None) -> None:
    owner = survey.owner
    audit_record(actor=user, action=action, obj=survey, summary=summary, data=data,
                 province_id=owner.province_id or owner.pk, commune_id=owner.commune_id)


def _draft(survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Khảo sát đã được giao cho các tổ: không sửa câu hỏi được nữa."))
    return survey


def choices_from_text(text: str) -> list[str]:
    """One choice a line, blank lines and repeats dropped."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        choice = " ".join(line.split())
        if choice and choice not in seen:
            seen.append(choice)
    return seen


@transaction.atomic
def question_add(*, user, survey: Survey, text: str, kind: str, choices: list[str], required: bool,
                 submission_key: uuid.UUID) -> Question:
    existing = Question.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    survey = _draft(survey)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2:
            raise ValidationError({"choices": _("Hãy viết ít nhất hai lựa chọn, mỗi dòng một lựa chọn.")})
        if len(choices) > MAX_CHOICES or any(len(c) > 100 for c in choices):
            raise ValidationError({"choices": _("Tối đa %(n)s lựa chọn, mỗi lựa chọn không quá 100 chữ.") % {
                "n": MAX_CHOICES}})
    else:
        choices = []
    last = survey.questions.order_by("-order").values_list("order", flat=True).first() or 0
    question = Question.objects.create(survey=survey, order=last + 1, text=text.strip(), kind=kind,
                                       choices=choices, required=required, submission_key=submission_key)
    _audit(user, "survey.question_add", survey, _("Thêm câu hỏi: %(q)s") % {"q": question.text})
    return question


@transaction.atomic
def question_remove(*, user, survey: Survey, question_id: int) -> None:
    """Only while the survey is a draft: once teams have it, its questions stay as they were asked."""
    survey = _draft(survey)
    removed = survey.questions.filter(pk=question_id).first()
    if removed is not None:  # a retried removal finds nothing more to do
        _audit(user, "survey.question_remove", survey, _("Bỏ câu hỏi: %(q)s") % {"q": removed.text})
        removed.delete()


@transaction.atomic
def survey_assign(*, user, survey: Survey, teams, deadline) -> int:
    """Give the survey to teams by a deadline (a team given it again gets the new deadline) and
    open it. Returns how many teams were newly given it."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("Khảo sát đã kết thúc."))
    if not survey.questions.exists():
        raise ValidationError(_("Hãy thêm ít nhất một câu hỏi trước khi giao cho các tổ."))
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("Hạn hoàn thành không được trước hôm nay.")})
    teams = list(teams)
    if not teams:
        raise ValidationError({"teams": _("Hãy chọn ít nhất một tổ.")})
    given = set(survey.assignments.values_list("team_id", flat=True))
    survey.assignments.filter(team__in=teams).update(deadline=deadline)
    SurveyAssignment.objects.bulk_create([
        SurveyAssignment(survey=survey, team=team, deadline=deadline, assigned_by=user)
        for team in teams if team.pk not in given])
    added = sum(1 for team in teams if team.pk not in given)
    if survey.status == SurveyStatus.DRAFT:
        survey.status, survey.opened_at = SurveyStatus.OPEN, timezone.now()
        survey.save(update_fields=["status", "opened_at"])
    _audit(user, "survey.assign", survey, _("Giao khảo sát cho %(n)s tổ, hạn %(day)s") % {
        "n": len(teams), "day": deadline.strftime("%d/%m/%Y")}, {"teams": len(teams), "new": added})
    return added


@transaction.atomic
def survey_close(*, user, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.CLOSED:
        survey.status, survey.closed_at = SurveyStatus.CLOSED, timezone.now()
        survey.save(update_fields=["status", "closed_at"])
        _audit(user, "survey.close", survey, _("Kết thúc khảo sát"))
    return survey


def checked_values(questions: list[Question], raw: dict) -> dict:
    """The answers as stored, or a ValidationError keyed "q<question id>"."""
    values, errors = {}, {}
    for question in questions:
        key = f"q{question.pk}"
        given = raw.get(str(question.pk), raw.get(key))
        if question.kind == QuestionKind.MULTIPLE:
            given = [str(v).strip() for v in (given if isinstance(given, list) else [given]) if str(v or "").strip()]
        else:
            given = "" if given is None else str(given).strip()
        if not given:
            if question.required:
                errors[key] = _("Câu này cần trả lời.")
            continue
        if question.kind == QuestionKind.NUMBER:
            try:
                values[str(question.pk)] = str(parse_number(given, ValueType.DECIMAL))
            except ValueError as exc:
                errors[key] = str(exc)
        elif question.kind == QuestionKind.SINGLE:
            if given not in question.choices:
                errors[key] = _("Hãy chọn một trong các lựa chọn đã cho.")
            values[str(question.pk)] = given
        elif question.kind == QuestionKind.MULTIPLE:
            if any(choice not in question.choices for choice in given):
                errors[key] = _("Hãy chọn trong các lựa chọn đã cho.")
            values[str(question.pk)] = [c for c in question.choices if c in given]
        else:
            if len(given) > MAX_TEXT:
                errors[key] = _("Trả lời ngắn: tối đa %(n)s chữ.") % {"n": MAX_TEXT}
            values[str(question.pk)] = given
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    return values


class SurveyLookups(Lookups):
    """Each survey of a batch, with its questions and which teams have it, asked once."""

    def __init__(self, user):
        super().__init__(user)
        self._surveys: dict = {}

    def survey(self, survey_id) -> tuple[Survey | None, list[Question], dict[int, SurveyAssignment]]:
        if survey_id not in self._surveys:
            survey = Survey.objects.filter(pk=survey_id).exclude(status=SurveyStatus.DRAFT).first() if str(
                survey_id).isdigit() else None
            questions = list(survey.questions.all()) if survey else []
            given = {a.team_id: a for a in survey.assignments.all()} if survey else {}
            self._surveys[survey_id] = (survey, questions, given)
        return self._surveys[survey_id]


def _checked_answer(data: dict, lookups: SurveyLookups, client_id: uuid.UUID) -> Answer:
    survey, questions, given = lookups.survey(str(data.get("survey", "")))
    if survey is None:
        raise ValidationError({"survey": [_("Không có khảo sát này.")]})
    errors: dict = {}
    if survey.status == SurveyStatus.CLOSED:
        errors["survey"] = _("Khảo sát đã kết thúc, không nhận thêm phiếu.")
    unit = lookups.unit(str(data.get("unit", "")).strip())
    team = lookups.team(unit) if unit is not None else None
    assignment = given.get(team.pk) if team is not None else None
    if assignment is None:
        errors["unit"] = _("Tổ của bạn không được giao khảo sát này ở đơn vị đã chọn.")
    made_at = made_at_of(data.get("made_at"), errors)
    # Made before the deadline and sent later (offline) is on time. The phone's clock may be fast:
    # what arrives now was made by now at the latest, whatever the phone says.
    if assignment is not None and timezone.localdate(min(made_at, timezone.now())) > assignment.deadline:
        errors["made_at"] = _("Phiếu ghi sau hạn %(day)s.") % {"day": assignment.deadline.strftime("%d/%m/%Y")}
    try:
        values = checked_values(questions, data.get("values") or {})
    except ValidationError as exc:
        errors.update({key: messages[0] for key, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})
    return Answer(client_id=client_id, survey=survey, team=team, unit=unit, province_id=unit.province_id,
                  commune_id=unit.commune_id, values=values, recorded_by=lookups.user, made_at=made_at)


def _may_see_again(lookups: SurveyLookups, existing: Answer) -> None:
    if existing.recorded_by_id != lookups.user.pk and lookups.team(existing.unit) is None:
        raise ValidationError({"client_id": _("Mã phiếu này đã được người khác dùng.")})


@transaction.atomic
def answer_record(*, user, data: dict) -> tuple[Answer, bool]:
    """One filled questionnaire. Returns (answer, created)."""
    lookups = SurveyLookups(user)
    client_id = client_id_of(data)
    existing = Answer.objects.select_related("unit").filter(client_id=client_id).first()
    if existing is not None:
        _may_see_again(lookups, existing)
        return existing, False
    answer = _checked_answer(data, lookups, client_id)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:  # the same answer arrived twice at once
        return Answer.objects.get(client_id=client_id), False
    return answer, True


def answers_record_batch(*, user, entries: list[dict]) -> list[BatchOutcome]:
    """A phone's queue of answers, each stored, found stored already, or refused with reasons."""
    lookups = SurveyLookups(user)
    ids, outcomes, new = sort_batch(
        entries, model=Answer, may_see_again=lambda existing: _may_see_again(lookups, existing),
        check=lambda data, client_id: _checked_answer(data, lookups, client_id))
    if new:
        try:
            with transaction.atomic():
                Answer.objects.bulk_create(list(new.values()))
        except IntegrityError:
            return [one_by_one(answer_record, user, data) for data in entries]
    return attach_stored(ids, outcomes, Answer.objects.select_related("unit"))
