"""KetaCare settings: one file, driven by the environment.

KETACARE_MODE=production turns on the production posture (secure cookies, HSTS, a required
secret key); anything else is the embedded demo/development posture. DATABASE_URL switches
from the embedded SQLite file to PostgreSQL.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

django_stubs_ext.monkeypatch()  # lets typed generics such as ModelForm[Patient] run

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KETACARE_VAR_DIR", BASE_DIR / "var"))
PRODUCTION = os.environ.get("KETACARE_MODE", "development") == "production"
DEBUG = os.environ.get("KETACARE_DEBUG", "0") == "1" and not PRODUCTION


def _secret_key() -> str:
    # Production must be given its key; the demo keeps a generated one in var/ so sessions
    # survive restarts without anybody having to invent a secret.
    key = os.environ.get("KETACARE_SECRET_KEY", "")
    if key or PRODUCTION:
        if not key:
            raise RuntimeError("KETACARE_SECRET_KEY is required when KETACARE_MODE=production")
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _at_least_one(name: str, default: str) -> int:
    # A lifetime of 0 or less would issue tokens that are dead on arrival: refuse to start.
    value = os.environ.get(name, default)
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise RuntimeError(f"{name} must be a whole number of at least 1; it is {value!r}.")
    return number


ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KETACARE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("KETACARE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ketacare.core",
    "ketacare.accounts",
    "ketacare.clinics",
    "ketacare.patients",
    "ketacare.assessments",
    "ketacare.screening",
    "ketacare.treatment",
    "ketacare.inventory",
    "ketacare.dosing",
    "ketacare.rems",
    "ketacare.measurement",
    "ketacare.watch",
    "ketacare.therapy",
    "ketacare.directory",
    "ketacare.reports",
    "ketacare.api",
    "ketacare.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ketacare.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ketacare.core.middleware.RequestContextMiddleware",
    "ketacare.patients.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ketacare" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ketacare.clinics.context_processors.active_clinic",
                "ketacare.inventory.context_processors.stock_discrepancies",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        db = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        # CI names its own test database so it never collides with a developer's test run.
        if os.environ.get("KETACARE_TEST_DATABASE"):
            db["TEST"] = {"NAME": os.environ["KETACARE_TEST_DATABASE"]}
        return {"default": db}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("KETACARE_SQLITE_PATH", str(VAR_DIR / "ketacare.sqlite3")),
            "OPTIONS": {
                # WAL lets readers proceed during a write; FULL sync so a committed dose or
                # audit row survives a power cut; IMMEDIATE takes the write lock up front so
                # concurrent writers queue instead of failing mid-transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session expires after this many minutes without a request.
IDLE_TIMEOUT_MINUTES = int(os.environ.get("KETACARE_IDLE_TIMEOUT_MINUTES", "15"))
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# API tokens expire this many days after they are issued; a token's last use is written at most
# once per KETACARE_API_TOKEN_TOUCH_MINUTES, so a busy client does not write on every call.
API_TOKEN_DAYS = _at_least_one("KETACARE_API_TOKEN_DAYS", "90")
API_TOKEN_TOUCH_MINUTES = int(os.environ.get("KETACARE_API_TOKEN_TOUCH_MINUTES", "5"))

AXES_FAILURE_LIMIT = int(os.environ.get("KETACARE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked account opens again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form posts the email as "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "ketacare" / "static"]
# Production serves collected, hashed files; the demo serves straight from the apps.
STATIC_ROOT = VAR_DIR / "static" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded documents (credentials on file) are kept under var/documents/ and served only
# through access-checked views: no MEDIA_URL, so nothing there is reachable by its path.
MEDIA_ROOT = Path(os.environ.get("KETACARE_DOCUMENTS_DIR", VAR_DIR / "documents"))

# Background work: the queue lives in the database (django-tasks' database backend), so the
# default install needs no broker; `ketacare worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Email goes through Django's backends: SMTP in production, the demo's outbox (one file per
# message under var/outbox/) otherwise. Links in messages start with KETACARE_SITE_URL.
EMAIL_BACKEND = os.environ.get(
    "KETACARE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "ketacare.core.outbox.OutboxBackend",
)
EMAIL_HOST = os.environ.get("KETACARE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KETACARE_EMAIL_PORT", "25"))
EMAIL_USE_TLS = os.environ.get("KETACARE_EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("KETACARE_EMAIL_USE_SSL", "0") == "1"
EMAIL_HOST_USER = os.environ.get("KETACARE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KETACARE_EMAIL_PASSWORD", "")
EMAIL_TIMEOUT = int(os.environ.get("KETACARE_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "KETACARE_EMAIL_FROM", os.environ.get("KETACARE_FROM_EMAIL", "KetaCare <no-reply@localhost>")
)
EMAIL_OUTBOX_DIR = VAR_DIR / "outbox"
SITE_URL = os.environ.get("KETACARE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A password-reset link works for an hour, and only once.
PASSWORD_RESET_TIMEOUT = 3600
# How long a patient's portal invitation link works (it works once).
KETACARE_PORTAL_INVITE_HOURS = _at_least_one("KETACARE_PORTAL_INVITE_HOURS", "72")
# How long a kiosk code waits to be typed on the clinic's tablet (it works once).
KETACARE_KIOSK_CODE_HOURS = _at_least_one("KETACARE_KIOSK_CODE_HOURS", "2")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The CSRF cookie lives as long as the browser session, like the login, rather than a year.
CSRF_COOKIE_AGE = None
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("KETACARE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs carry request method, path and status, never bodies: no patient data leaves in logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KETACARE_LOG_LEVEL", "WARNING")},
}
