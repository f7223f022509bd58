"""Settings for Compostela.  Everything that differs between machines comes from the environment
(django-environ); ``.env.example`` documents each variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
import jinja2
import pghistory
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = Path(env.str("COMPOSTELA_ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)  # real environment variables win over the file

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Database: PostgreSQL only --------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    EMBEDDED_DATABASE = False
else:
    from compostela.embedded_db import embedded_database_url

    PGDATA = Path(env.str("COMPOSTELA_PGDATA", default=str(BASE_DIR / ".pgdata")))
    DATABASES = {"default": environ.Env.db_url_config(embedded_database_url(PGDATA))}
    EMBEDDED_DATABASE = True

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"Compostela runs on PostgreSQL only; DATABASE_URL names {DATABASES['default']['ENGINE']}."
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# With persistent connections (CONN_MAX_AGE > 0), check a reused connection before the request uses it.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# The planner's cost of reading a page at random, for SSD or cached storage (PostgreSQL's default 4 is for
# spinning disks): with it, an office's rows are joined by their indexes rather than by hashing every office's
# table (README "Benchmark").  Sent as a connection option; PG_RANDOM_PAGE_COST="" leaves the server's setting
# (e.g. behind PgBouncer in transaction mode, where it is set on the database instead).
PG_RANDOM_PAGE_COST = env.str("PG_RANDOM_PAGE_COST", default="1.1")
if PG_RANDOM_PAGE_COST:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c random_page_cost={float(PG_RANDOM_PAGE_COST)}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "procrastinate.contrib.django",
    "pgtrigger",
    "pghistory",
    "compostela",
    "regulations",
    "clients",
    "attendance",
    "placements",
    "billing",
    "review",
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # static files straight after SecurityMiddleware (HTTPS redirect and HSTS still apply), before sessions
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "compostela.security.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "compostela.scoping.UserLanguageMiddleware",
    "compostela.scoping.OfficeScopeMiddleware",
    "compostela.audit.AuditMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # last, as django-axes requires: turns a lockout into the "too many attempts" page
    "axes.middleware.AxesMiddleware",
]

# The audit trail (django-pghistory, see compostela/audit.py): every tracked model records its creates,
# changes and deletes through database triggers installed by the migrations; the context (who, which
# request or command) is copied into each event row as JSON, so an event keeps the actor of its own write.
PGHISTORY_DEFAULT_TRACKERS = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
# copied columns are nullable in the event tables: a column added to a model later is simply empty in the
# events recorded before it, and the events carried over from the old trail keep what they had
PGHISTORY_FIELD = pghistory.Field(null=True, blank=True)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(related_name="+", related_query_name="+")
PGHISTORY_APPEND_ONLY = True  # the event tables refuse UPDATE and DELETE (and the app role may not either)

ROOT_URLCONF = "compostela.urls"
WSGI_APPLICATION = "compostela.wsgi.application"
ASGI_APPLICATION = "compostela.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "compostela.context_processors.office_scope",
            ],
        },
    },
    {
        # The hot fragments (the case-review board's rows, 300 of them in a large office): Jinja2 compiles a
        # template to Python and renders these rows ~5× faster than the Django engine (README, case review).
        # Autoescaped; included in the Django templates with {% fragment %} (compostela/templatetags/fragments.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"undefined": jinja2.StrictUndefined, "trim_blocks": True, "lstrip_blocks": True,
                    "environment": "compostela.jinja_env.environment"},  # with the filters yen and units
    },
]

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "compostela.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {"NAME": "compostela.security.NotLikeUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request: idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The read log (compostela/reads.py): reads older than this many days are deleted by
# ``manage.py purge_sensitive_reads`` (run as the owner role); default two years.
SENSITIVE_READ_RETENTION_DAYS = env.int("SENSITIVE_READ_RETENTION_DAYS", default=730)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins in a row for one username from one
# address, further logins of that username from that address are refused for the cool-off time (a colleague
# behind the same office NAT is not locked out); after LOGIN_ADDRESS_FAILURE_LIMIT failures from one address
# over all usernames, that address is refused (compostela.security.LoginThrottleHandler).
# A successful login resets the count.  Behind a reverse proxy set TRUSTED_PROXY_COUNT so that the
# client's address (not the proxy's) is counted.  The first backend only checks the lock; ModelBackend
# checks the password.
AUTHENTICATION_BACKENDS = [
    "compostela.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "compostela.security.LoginThrottleHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_CLIENT_IP_CALLABLE = "compostela.security.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "compostela.security.lockout_response"
AXES_VERBOSE = False

# --- Background tasks (Procrastinate, PostgreSQL): billing documents are made off the request ------------
# Workers: `python manage.py procrastinate worker` (README "Production serving"); `make run` starts one beside
# the dev server.  A worker beats every 10 s; a job of a worker silent for 30 s is stalled and the periodic
# billing.recover_stalled_documents task makes it again (billing/documents/services.py).
PROCRASTINATE_IMPORT_PATHS = ["billing.documents.tasks"]
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful", "update_heartbeat_interval": 10,
                                 "stalled_worker_timeout": 30}

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"

# --- Static files (all vendored; no page loads anything from the internet) -----------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Production serving: WhiteNoise serves the files collectstatic wrote, with content-hashed names (cached for
# a year by browsers) and pre-compressed .gz/.br variants.  With DEBUG on, runserver serves from the app
# directories as before (the manifest is only needed once collectstatic has run).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_MANIFEST_STRICT = False  # a file missing from the manifest falls back to its plain name, not a 500

# --- Content-Security-Policy (django-csp 4): no inline script or style, nothing from another origin ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Production hardening (active whenever DEBUG is off) ------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
