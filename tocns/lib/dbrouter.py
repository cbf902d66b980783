"""Reads of the heavy oversight pages from a streaming replica, when one is configured.

Nothing is routed by default: a view opts in with `@reads_from_replica` (the overview, the roll-up),
and only its GET reads go to the `replica` alias; every write, and every read anywhere else, stays
on the primary. Three rules keep the replica from ever showing a user less than the primary would:

- Read your writes: after any request of his that may change something (not GET/HEAD/OPTIONS),
  `RecentWriteMiddleware` gives his browser a cookie, and for REPLICA_READ_YOUR_WRITES_SECONDS his
  pages read the primary. A cookie costs no database write (a session field would, on every POST).
- Lag: a replica more than REPLICA_MAX_LAG_SECONDS behind (checked at most every few seconds per
  process) is skipped until it catches up. 0 turns the check off.
- Failure: a replica that cannot be reached, or breaks during a page, is marked down for
  REPLICA_DOWN_SECONDS (per process, so later pages do not wait on its connect timeout) and the
  page is built again from the primary, with no error shown. The pages are GETs that change
  nothing, so building one twice is safe.

Without DATABASE_REPLICA_URL there is no `replica` alias, no router, and `reads_from_replica` does
nothing.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import Error as DatabaseLibraryError

logger = logging.getLogger(__name__)

REPLICA = "replica"
WROTE_COOKIE = "tocns_wrote"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
LAG_CHECK_SECONDS = 5

_reading: ContextVar[bool] = ContextVar("tocns_replica_reading", default=False)
# Per process: a replica found down is left alone until this time.monotonic(); the last lag check.
_state = {"down_until": 0.0, "lag_checked_at": -LAG_CHECK_SECONDS, "lag_ok": True}

# How far behind the replica is: 0 when it has replayed all it received (an idle primary writes
# nothing, so the last replayed transaction's age alone would read as lag).
LAG_SQL = ("SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
           "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END")


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_is_down() -> bool:
    return time.monotonic() < _state["down_until"]


def mark_replica_down(reason: object) -> None:
    _state["down_until"] = time.monotonic() + settings.REPLICA_DOWN_SECONDS
    logger.warning("replica: reads go to the primary for %s s (%s)", settings.REPLICA_DOWN_SECONDS, reason)
    if not replica_configured():
        return
    connection = connections[REPLICA]
    try:
        connection.close()
    except DatabaseLibraryError:
        connection.connection = None  # the socket is already gone; forget it
    connection.errors_occurred = False


def reset_replica_state() -> None:
    """Forget a down mark and the last lag check (tests, and after the replica is repaired)."""
    _state.update(down_until=0.0, lag_checked_at=-LAG_CHECK_SECONDS, lag_ok=True)


def wrote_recently(request) -> bool:
    """True for a request that may write, and for a user who wrote a moment ago."""
    if request.method not in SAFE_METHODS:
        return True
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        return False
    return time.time() - wrote_at < settings.REPLICA_READ_YOUR_WRITES_SECONDS


def replica_lag_seconds(connection) -> float:
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0] or 0)


def _lag_ok(connection) -> bool:
    limit = settings.REPLICA_MAX_LAG_SECONDS
    if not limit:
        return True
    now = time.monotonic()
    if now - _state["lag_checked_at"] >= LAG_CHECK_SECONDS:
        lag = replica_lag_seconds(connection)
        _state.update(lag_checked_at=now, lag_ok=lag <= limit)
        if lag > limit:
            logger.warning("replica: %.1f s behind (limit %s s), reads go to the primary", lag, limit)
    return _state["lag_ok"]


def _replica_ready() -> bool:
    """Connects (once per request checks the open connection still works, as Django's health checks
    do) and reads the lag. A failure marks the replica down."""
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        connection.errors_occurred = False
        return _lag_ok(connection)
    except DatabaseLibraryError as exc:
        mark_replica_down(exc)
        return False


@contextmanager
def replica_reads(request=None):
    """Within it, reads go to the replica when one is configured, up, not too far behind, and the
    user (request) has not written lately. Yields whether they do."""
    use = (replica_configured() and not replica_is_down()
           # inside a transaction on the primary (and in tests), reads stay with the transaction
           and not connections[DEFAULT_DB_ALIAS].in_atomic_block
           and (request is None or not wrote_recently(request))
           and _replica_ready())
    token = _reading.set(use)
    try:
        yield use
    finally:
        _reading.reset(token)


def reads_from_replica(view):
    """A view's reads from the replica (see the module's rules); a replica that fails during the
    page is marked down and the page is built again from the primary."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads(request) as on_replica:
            if not on_replica:
                return view(request, *args, **kwargs)
            try:
                return view(request, *args, **kwargs)
            except Exception as exc:
                # Django's wrapper marks the connection that failed; the driver's own error may be
                # what escapes (closing a cursor on a dead connection), hence no narrower except.
                if not connections[REPLICA].errors_occurred:
                    raise  # not the replica's: not ours to hide
                mark_replica_down(exc)
        return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside `replica_reads` go to the replica; everything else to the primary, explicitly
    (an object read from the replica must not lead a later save or read there)."""

    def db_for_read(self, model, **hints):
        if _reading.get() and not replica_is_down() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The two aliases hold the same rows.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class RecentWriteMiddleware:
    """After a signed-in user's request that may write, his pages read the primary for a while (a
    cookie). Signing in is such a request (it writes last_login)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # signed-in users only: a visitor's public form reads nothing from the replica
        user = getattr(request, "user", None)
        if request.method not in SAFE_METHODS and replica_configured() and user and user.is_authenticated:
            response.set_cookie(WROTE_COOKIE, f"{time.time():.0f}", max_age=settings.REPLICA_READ_YOUR_WRITES_SECONDS,
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
