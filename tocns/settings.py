"""Settings for the whole project, read only from the environment.

Every value has a safe default for a developer's machine (SQLite under var/, Vietnamese,
Vietnam time). Production sets DATABASE_URL, SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and HTTPS=1;
see docs/deployment.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# seed_demo writes every demo login here (role, unit, name, phone, username); tests turn it off.
DEMO_LOGINS_CSV = VAR_DIR / "demo-logins.csv"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key is refused by `check --deploy` (security.W009); production must set one.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-only-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "tocns.geo",
    "tocns.accounts",
    "tocns.audit",
    "tocns.notify",
    "tocns.teams",
    "tocns.reports",
    "tocns.fieldwork",
    "tocns.training",
    "tocns.regulations",
    "tocns.coordination",
    "tocns.sectors",
    "tocns.support",
    "tocns.teamtasks",
    "tocns.portal",
    "tocns.dashboard",
    "tocns.api",
    "tocns.privacy",
    "tocns.national",
    "tocns.ops",
    "tocns.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Size, NUL bytes and broken UTF-8 refused before the session and CSRF middleware read the body.
    "tocns.lib.security.RequestLimitsMiddleware",
    # GZip before anything that writes the body; Django adds random bytes against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # after a user's POST his pages read the primary for a while, not the replica (a cookie)
    "tocns.lib.dbrouter.RecentWriteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tocns.accounts.middleware.IdleTimeoutMiddleware",
    "tocns.accounts.middleware.SecondFactorMiddleware",
    "tocns.accounts.middleware.PasswordChangeRequiredMiddleware",
    "tocns.accounts.middleware.PrivatePagesMiddleware",
    "tocns.lib.security.SecurityHeadersMiddleware",
    # Axes last, as its documentation asks, so it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tocns.urls"
WSGI_APPLICATION = "tocns.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tocns" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tocns.accounts.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tocns.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web process share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# A streaming replica (docs/deployment.md): the overview and roll-up pages read from it, a user's own
# writes excepted (tocns/lib/dbrouter.py). Tests mirror it onto the default test database.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(env_str("DATABASE_REPLICA_URL"), conn_health_checks=True,
                                                 conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    # a replica that does not answer costs a page this long once, then is left alone for a while
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2)}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tocns.lib.dbrouter.ReplicaRouter"]
REPLICA_READ_YOUR_WRITES_SECONDS = env_int("REPLICA_READ_YOUR_WRITES_SECONDS", 30)
REPLICA_DOWN_SECONDS = env_int("REPLICA_DOWN_SECONDS", 30)
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 60)  # 0: no lag check
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "tocns.accounts.backends.LockoutBackend",
    "tocns.accounts.backends.PhoneOrUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in lockout (django-axes): five failures for one account, from any address and whatever
# identifier was typed (its phone in any format or its username), lock it for 15 minutes; an
# identifier naming no account counts as typed. Apart from that, LOGIN_ADDRESS_FAILURE_LIMIT
# failures from one address over any accounts lock that address (our LockoutBackend reads it).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "tocns.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "tocns.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Sessions end after a working week of no use and on sign-out; for the province admin, commune
# chairmen and officers after SESSION_IDLE_MINUTES without a request (accounts.middleware).
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 72) * 3600
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 15)

# Second factor (django-otp: an authenticator app's 6-digit codes, and recovery codes): these roles
# must set it up at their first sign-in; everyone else may, on "Tài khoản của tôi". Demo accounts
# (is_demo) are let off when SECOND_FACTOR_DEMO_EXEMPT (default: with DEBUG, as `make run` serves the demo).
SECOND_FACTOR_REQUIRED_ROLES = ["province_admin", "commune_chairman", "commune_officer", "national"]
SECOND_FACTOR_DEMO_EXEMPT = env_bool("SECOND_FACTOR_DEMO_EXEMPT", DEBUG)
OTP_TOTP_ISSUER = "Tổ công nghệ số"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a monitor on plain HTTP reaches the health check
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_int("PROXY_COUNT", 0) > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Vietnamese for everyone, whatever language the phone is set to (many cheap phones default to
# English). An English option, when its catalogue exists, will be a user's choice, not a header.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tocns" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # the manifest from collectstatic; without it, plain names and a warning (tocns/lib/static.py)
            else "tocns.lib.static.ManifestOrPlainStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000
# Without collectstatic (runserver without DEBUG=1), WhiteNoise serves the files from the apps' folders.
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "staticfiles.json").exists()
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"
# Request limits (tocns.lib.security.RequestLimitsMiddleware answers 413 from Content-Length, before
# the body is read; nginx's client_max_body_size stops larger bodies sooner, see docs/deployment.md).
MB = 1024 * 1024
# Ordinary pages: forms without files. The largest (a report, an attendance list) is a few KB.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 1 * MB)
# Pages that take files: a decision scan up to 10 MB (the largest), guide files up to 5 MB, a phone's
# saved queue, a photo sent without the page's script, imports; 1 MB over for the form around it.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 11 * MB)
# The public group join list, sent without signing in: 50 rows of Excel are a few KB.
PUBLIC_UPLOAD_MAX_BYTES = env_int("PUBLIC_UPLOAD_MAX_BYTES", 2 * MB)
# Form fields and JSON bodies held in memory: the API's batches (the phone sends at most 1.5 MB;
# one photo of 300 KB is 400 KB in base64). Django's default, written down because the API needs it.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * MB)
# Files under 1 MB (photos, member lists) stay in memory; larger ones (scans) go to a temporary
# file while the request is read, so a few uploads at once do not fill a worker's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1 * MB
# Fields in one form: room for the largest (a commune's village targets, a long report, an
# attendance list), and still a bound on the parsing work of one request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tocns@localhost")

# Notice channels (tocns.notify.channels). A channel without its credentials is off.
# Zalo ZNS: the OA's app id and secret key; the first refresh token seeds the token store once
# (Zalo rotates it on every refresh, so the current one lives in the database, not here).
ZALO_APP_ID = env_str("ZALO_APP_ID")
ZALO_SECRET_KEY = env_str("ZALO_SECRET_KEY")
ZALO_REFRESH_TOKEN = env_str("ZALO_REFRESH_TOKEN")
ZALO_OAUTH_URL = env_str("ZALO_OAUTH_URL", "https://oauth.zaloapp.com")
ZALO_ZNS_URL = env_str("ZALO_ZNS_URL", "https://business.openapi.zalo.me")
# Brandname SMS gateway (JSON POST); the callback receives its delivery receipts.
SMS_API_URL = env_str("SMS_API_URL")
SMS_API_KEY = env_str("SMS_API_KEY")
SMS_BRANDNAME = env_str("SMS_BRANDNAME")
SMS_CALLBACK_URL = env_str("SMS_CALLBACK_URL")
CHANNEL_TIMEOUT = env_int("CHANNEL_TIMEOUT", 10)  # seconds for one call to Zalo or the SMS gateway
# The OA secret key signs Zalo's webhook calls (X-ZEvent-Signature); without it receipts are refused.
ZALO_OA_SECRET_KEY = env_str("ZALO_OA_SECRET_KEY")
# ZNS template id of each kind of notice, as approved for the OA: "report_due_5=251234,report_due_1=251235".
# A kind without one goes by SMS.
ZALO_TEMPLATES = dict(
    item.split("=", 1) for item in env_str("ZALO_TEMPLATES").replace(" ", "").split(",") if "=" in item)
# The gateway's delivery receipts are unsigned GETs: the callback URL carries this token, and a
# receipt without it is refused.
SMS_CALLBACK_TOKEN = env_str("SMS_CALLBACK_TOKEN")
# No Zalo or SMS from this hour to that one, Vietnam time: a notice made at night waits.
NOTICE_QUIET_FROM = env_int("NOTICE_QUIET_FROM", 21)
NOTICE_QUIET_UNTIL = env_int("NOTICE_QUIET_UNTIL", 7)
# The address people open the app at, for links in SMS and Zalo ("" leaves the link out).
SITE_URL = env_str("SITE_URL").rstrip("/")

# The worker (`manage.py outbox_worker`, django-tasks with its database backend) sends notices.
# A task is written in the same transaction as the notice it carries.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                              "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler"},
                 "server": {"class": "logging.StreamHandler", "formatter": "server"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # "django" keeps no handler of its own (Django's default adds a console one under DEBUG, and the
    # root's prints the same line again): its lines reach the root's console once. runserver's request
    # lines keep their own handler and time stamp.
    "loggers": {"axes": {"level": "WARNING"}, "django": {"handlers": [], "level": "INFO", "propagate": True},
                "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False}},
}

# The province the commands work on by default and the public pages show first when the install
# holds several. What differs between provinces (the plan cited, portal links, "tỉnh" or "thành
# phố") is data: geo.ProvinceProfile, edited on the province's settings page.
DEFAULT_PROVINCE_CODE = env_str("PROVINCE_CODE", "08")
# Join applications one address may send from the public page per hour (flood limit).
PUBLIC_APPLICATIONS_PER_HOUR = env_int("PUBLIC_APPLICATIONS_PER_HOUR", 5)
# Public reads one address may make per hour (tocns.portal.throttle; 429 after that): tracking-code
# lookups (applications and feedback together), teams' public pages, the visitor's searches. Many
# phones may share one address behind a carrier's NAT, hence limits well above one person's need.
PUBLIC_LOOKUPS_PER_HOUR = env_int("PUBLIC_LOOKUPS_PER_HOUR", 30)
PUBLIC_TEAM_PAGES_PER_HOUR = env_int("PUBLIC_TEAM_PAGES_PER_HOUR", 60)
PUBLIC_SEARCHES_PER_HOUR = env_int("PUBLIC_SEARCHES_PER_HOUR", 120)
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", 12)  # audit log kept this long, then prune_audit
FORMAT_MODULE_PATH = ["tocns.formats"]

# The monthly tallies' indexes cover their sums on PostgreSQL (production); SQLite, for development,
# builds the same indexes without the covered columns, which is all it needs.
# axes.W006 asks for the address in AXES_LOCKOUT_PARAMETERS: the lockout is per account on purpose,
# and the address has its own, higher limit (AXES_ADDRESS_FAILURE_LIMIT, accounts.backends).
SILENCED_SYSTEM_CHECKS = ["models.W040", "axes.W006"]
