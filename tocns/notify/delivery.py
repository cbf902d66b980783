"""The worker's side of the outbox: carry one queued notice by the best channel it can.

Each step is decided by the outbox row, never by the task that woke the worker, so a task run
twice, late or never (the sweep finds it) does no harm:

1. claim: a conditional UPDATE turns `queued` into `sending` and writes an open attempt with the
   request id it will use, in one transaction; only one worker wins it;
2. call the channel, outside any transaction (no row is locked while Zalo answers);
3. mark: the attempt's outcome decides sent, retry later with backoff, or the next channel
   (Zalo, then SMS, then email, as the person chose), and stops a channel out of quota.

A worker killed between 2 and 3 leaves an open attempt. The sweep resends it only through a
channel that drops a repeated request id (the SMS gateway, the same day); a Zalo or email call
that may have gone out is not repeated, and the notice stays readable in the app."""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.lib.phone import normalize_phone

from .channels import Channel, Outcome, SendResult, channels
from .kinds import zalo_data
from .models import (
    AttemptOutcome,
    ChannelChoice,
    ChannelState,
    DeliveryAttempt,
    DeliveryStatus,
    NoticeKind,
    NoticePreference,
    Notification,
)

log = logging.getLogger(__name__)

# Seconds before the next try on the same channel after a temporary error.
BACKOFF = (60, 300, 1800, 7200)
TRIES_PER_CHANNEL = len(BACKOFF) + 1
STALE_AFTER = timedelta(minutes=5)  # a claim this old belongs to a worker that died
LOST_AFTER = timedelta(minutes=10)  # a due notice this late has lost its task: the sweep re-enqueues it

PLANS = {
    ChannelChoice.AUTO: ("zalo", "sms", "email"),
    ChannelChoice.ZALO: ("zalo",),
    ChannelChoice.SMS: ("sms",),
    ChannelChoice.EMAIL: ("email",),
    ChannelChoice.APP: (),
}
PHONE_CHANNELS = ("zalo", "sms")
DONE_OUTCOMES = (AttemptOutcome.FALLBACK, AttemptOutcome.STOP_CHANNEL, AttemptOutcome.CONFIG,
                 AttemptOutcome.UNKNOWN)


# Choices and availability ---------------------------------------------------------------------
def current_choice(phone: str) -> str:
    national = normalize_phone(phone) if phone else None
    if national is None:
        return ChannelChoice.AUTO
    latest = NoticePreference.objects.filter(phone=national).order_by("-recorded_at", "-id").first()
    return latest.choice if latest else ChannelChoice.AUTO


def channel_stopped(state: ChannelState | None, now: datetime) -> bool:
    if state is None or state.stopped_at is None:
        return False
    return state.resume_at is None or state.resume_at > now


def _has_address(notification: Notification, name: str) -> bool:
    if name == "email":
        return bool(notification.email)
    return normalize_phone(notification.phone) is not None


def next_channel(notification: Notification, now: datetime) -> Channel | None:
    """The first channel of the person's plan not yet used up for this notice and able to carry it."""
    by_name = {channel.name: channel for channel in channels()}
    states = {state.channel: state for state in ChannelState.objects.all()}
    attempts = list(notification.delivery_attempts.all())
    for name in PLANS[current_choice(notification.phone)]:
        tried = [attempt for attempt in attempts if attempt.channel == name]
        if any(attempt.outcome in DONE_OUTCOMES for attempt in tried):
            continue
        if sum(attempt.outcome == AttemptOutcome.RETRY for attempt in tried) >= TRIES_PER_CHANNEL:
            continue
        channel = by_name[name]
        if not _has_address(notification, name) or channel_stopped(states.get(name), now):
            continue
        if not channel.template_for(notification.kind) or not channel.configured():
            continue
        return channel
    return None


# Quiet hours ---------------------------------------------------------------------------------
def quiet_until(now: datetime) -> datetime | None:
    """When a Zalo or SMS made at `now` may go out: None during the day, else the next morning."""
    local = timezone.localtime(now)
    start, end = settings.NOTICE_QUIET_FROM, settings.NOTICE_QUIET_UNTIL
    if end <= local.hour < start:
        return None
    morning = local.date() if local.hour < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(morning, time(end)), local.tzinfo)


# The three steps -------------------------------------------------------------------------------
def enqueue(notification_id: int, at: datetime | None = None) -> None:
    from .tasks import deliver_notice

    task = deliver_notice.using(run_after=at) if at is not None else deliver_notice
    task.enqueue(notification_id)


def deliver(notification_id: int, *, now: datetime | None = None) -> str:
    """Carry one notice as far as it can go now; returns what happened (for logs and tests).
    `now` fixes the clock for every step (tests); by default each step reads it."""
    fixed, now = now, now or timezone.now()
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status != DeliveryStatus.QUEUED:
        return "not_queued"
    if notification.next_attempt_at and notification.next_attempt_at > now:
        return "not_due"
    channel = next_channel(notification, now)
    if channel is None:
        return _finish_without_channel(notification)
    if channel.name in PHONE_CHANNELS and (morning := quiet_until(now)) is not None:
        with transaction.atomic():
            if Notification.objects.filter(pk=notification.pk, status=DeliveryStatus.QUEUED).update(
                    next_attempt_at=morning):
                enqueue(notification.pk, morning)
        return "quiet_hours"
    attempt = _claim(notification, channel, now)
    if attempt is None:
        return "claimed_elsewhere"
    text = notification.body if channel.name == "email" else notification.short_text or notification.subject
    try:
        result = channel.send(to_phone=notification.phone, to_email=notification.email, text=text,
                              subject=notification.subject, template_id=channel.template_for(notification.kind),
                              params=zalo_data(notification.kind, notification.params),
                              request_id=attempt.request_id)
    except Exception as exc:  # a bug or an unexpected library error: keep the notice, try later
        log.exception("channel %s raised for notice %s", channel.name, notification.pk)
        result = SendResult(Outcome.RETRY, code=type(exc).__name__, message=str(exc)[:300])
    return mark(attempt.pk, result, now=fixed)


def request_id_for(notification: Notification, channel: str) -> str:
    # The same for every call of this notice on this channel, so a gateway that remembers request
    # ids drops a repeat (a timeout after the message went out, a worker killed after sending).
    # A new round when the admin sends it again on purpose (else the gateway would drop that too).
    again = notification.delivery_attempts.filter(channel=channel, outcome=AttemptOutcome.RETIRED).values(
        "request_id").distinct().count()
    return f"tocns-{notification.pk}-{channel}" + (f"-{again + 1}" if again else "")


def _claim(notification: Notification, channel: Channel, now: datetime) -> DeliveryAttempt | None:
    with transaction.atomic():
        won = Notification.objects.filter(pk=notification.pk, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING, channel=channel.name, claimed_at=now, attempts=F("attempts") + 1)
        if not won:
            return None
        return DeliveryAttempt.objects.create(notification=notification, channel=channel.name, started_at=now,
                                              request_id=request_id_for(notification, channel.name))


def mark(attempt_id: int, result: SendResult, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    with transaction.atomic():
        attempt = DeliveryAttempt.objects.select_for_update().get(pk=attempt_id)
        notification = Notification.objects.select_for_update().get(pk=attempt.notification_id)
        if attempt.outcome or notification.status != DeliveryStatus.SENDING:
            return "marked_before"  # the sweep decided while this worker was stuck
        attempt.outcome, attempt.code, attempt.message = result.outcome.value, result.code[:40], result.message[:300]
        attempt.provider_id, attempt.finished_at = result.provider_id[:100], now
        attempt.save()
        if result.sent:
            notification.status, notification.sent_at, notification.last_error = DeliveryStatus.SENT, now, ""
            notification.provider_id = result.provider_id[:100]
            notification.save()
            _note_quota(attempt.channel, result, now)
            return "sent"
        notification.last_error = f"{attempt.channel}: {result.code} {result.message}".strip()[:300]
        if result.outcome is Outcome.STOP_CHANNEL:
            _stop_channel(attempt.channel, result, now)
        elif result.outcome is Outcome.CONFIG:
            ChannelState.objects.update_or_create(channel=attempt.channel, defaults={
                "config_error_at": now, "config_error": f"{result.code} {result.message}".strip()[:300]})
        wait = None
        if result.outcome is Outcome.RETRY:
            tries = notification.delivery_attempts.filter(channel=attempt.channel, outcome=AttemptOutcome.RETRY).count()
            if tries < TRIES_PER_CHANNEL:
                wait = BACKOFF[min(tries, len(BACKOFF)) - 1]
        _requeue(notification, now + timedelta(seconds=wait) if wait else now)
        return result.outcome.value


def _requeue(notification: Notification, at: datetime) -> None:
    notification.status, notification.next_attempt_at, notification.claimed_at = DeliveryStatus.QUEUED, at, None
    notification.save()
    enqueue(notification.pk, at)


def _finish_without_channel(notification: Notification) -> str:
    """No channel is left to try: the notice stays in the app, saying why."""
    last = notification.delivery_attempts.order_by("-started_at", "-id").first()
    if last is None:
        status = DeliveryStatus.IN_APP
    elif last.outcome == AttemptOutcome.RETRY:
        status = DeliveryStatus.FAILED
    else:
        status = DeliveryStatus.FELL_BACK
    Notification.objects.filter(pk=notification.pk, status=DeliveryStatus.QUEUED).update(
        status=status, next_attempt_at=None)
    return status


def _note_quota(channel: str, result: SendResult, now: datetime) -> None:
    quota = result.extra.get("quota") or {}
    remaining = quota.get("remainingQuota")
    if remaining not in (None, ""):
        try:
            value = int(remaining)
        except (TypeError, ValueError):
            return
        ChannelState.objects.update_or_create(channel=channel, defaults={"quota_remaining": value, "quota_at": now})


def _stop_channel(channel: str, result: SendResult, now: datetime) -> None:
    state, _created = ChannelState.objects.select_for_update().get_or_create(channel=channel)
    if channel_stopped(state, now):
        return
    resume_at = None
    if result.extra.get("daily"):  # a daily quota comes back at midnight, Vietnam time
        tomorrow = timezone.localtime(now).date() + timedelta(days=1)
        resume_at = timezone.make_aware(datetime.combine(tomorrow, time(0)))
    state.stopped_at, state.resume_at = now, resume_at
    state.stopped_code, state.stopped_reason = result.code[:40], result.message[:300]
    state.save()
    _alert_admins(channel, state, now)


def _alert_admins(channel: str, state: ChannelState, now: datetime) -> None:
    from tocns.accounts.models import Assignment, Role

    from .services import notify

    label = dict(ChannelState._meta.get_field("channel").choices).get(channel, channel)
    reason = state.stopped_reason or state.stopped_code
    at = timezone.localtime(now).strftime("%H:%M %d/%m/%Y")
    admins = {a.user for a in Assignment.objects.active().filter(role=Role.PROVINCE_ADMIN, user__is_active=True)
              .select_related("user")}
    for user in admins:
        notify(kind=NoticeKind.CHANNEL_ALERT, recipient=user,
               params={"channel": str(label), "reason": reason or _("hết hạn mức"), "at": at},
               key=f"channel_alert:{channel}:{now.timestamp():.0f}:{user.pk}")


# Recovery -------------------------------------------------------------------------------------
def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Settle claims of dead workers, wake notices whose task was lost, end elapsed channel stops."""
    now = now or timezone.now()
    counts = {"resent": 0, "unknown": 0, "woken": 0, "resumed": 0}
    for attempt in DeliveryAttempt.objects.filter(
            outcome="", notification__status=DeliveryStatus.SENDING,
            notification__claimed_at__lt=now - STALE_AFTER).select_related("notification"):
        counts[_settle_interrupted(attempt, now)] += 1
    overdue = Notification.objects.filter(status=DeliveryStatus.QUEUED).exclude(
        next_attempt_at__gt=now - LOST_AFTER).filter(created_at__lt=now - LOST_AFTER)
    waiting = _waiting_task_ids()  # a long backlog is late, not lost: its tasks are still there
    for pk in overdue.values_list("pk", flat=True)[:5000]:
        if pk not in waiting:
            enqueue(pk)
            counts["woken"] += 1
    counts["resumed"] = ChannelState.objects.filter(stopped_at__isnull=False, resume_at__lte=now).update(
        stopped_at=None, resume_at=None, stopped_code="", stopped_reason="")
    return counts


def _waiting_task_ids() -> set[int]:
    """Notices that have a delivery task ready to run. A task left "running" by a killed worker
    does not count: its notice is woken again."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import deliver_notice

    ids = set()
    for args_kwargs in DBTaskResult.objects.filter(status="READY", task_path=deliver_notice.module_path).values_list(
            "args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args:
            ids.add(args[0])
    return ids


def _settle_interrupted(attempt: DeliveryAttempt, now: datetime) -> str:
    by_name = {channel.name: channel for channel in channels()}
    same_day = timezone.localtime(attempt.started_at).date() == timezone.localtime(now).date()
    with transaction.atomic():
        attempt = DeliveryAttempt.objects.select_for_update().get(pk=attempt.pk)
        notification = Notification.objects.select_for_update().get(pk=attempt.notification_id)
        if attempt.outcome or notification.status != DeliveryStatus.SENDING:
            return "unknown"
        attempt.finished_at = now
        if by_name[attempt.channel].drops_duplicates and same_day:
            attempt.outcome = AttemptOutcome.INTERRUPTED
            attempt.save()
            # The retry reuses this attempt's request id: the gateway drops it if the first went out.
            _requeue(notification, now)
            return "resent"
        attempt.outcome = AttemptOutcome.UNKNOWN
        attempt.save()
        notification.status, notification.sent_at = DeliveryStatus.SENT, attempt.started_at
        notification.last_error = _("Máy gửi dừng giữa chừng; %(channel)s không chặn tin trùng nên không gửi "
                                    "lại. Người nhận vẫn đọc được trong ứng dụng.") % {"channel": attempt.channel}
        notification.save()
        return "unknown"
