"""Legato settings: everything comes from environment variables (see docs/configuration.md)."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

from config.env import (
    database_config,
    envbool,
    envchoice,
    envdays_by_name,
    envint,
    envlist,
    envmapping,
    envname,
    envurl,
    envwindow,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Embedded default: one random key per checkout, kept out of git, so sessions survive restarts.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_htmx",
    "channels",
    "identity",
    "engine",
    "batches",
    "cockpit",
    "tasklist",
]

MIDDLEWARE = [
    # A 204 names no content type, as Camunda's (Django's responses all say text/html).
    "config.no_content.NoContentWithoutType",
    # /engine-rest/engine/default/... answers as /engine-rest/... (Camunda's named engine).
    "config.named_engine.NamedEngineRoutes",
    "django.middleware.security.SecurityMiddleware",
    # PostgreSQL stores no NUL character: a request holding one is a 400, not a failed query.
    "config.nul_characters.RefuseNulCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Camunda's Application ACCESS: who may open the cockpit, tasklist and admin pages.
    "identity.applications.ApplicationAccessMiddleware",
    # Camunda's tenant check: a user reads the engine data of their tenants only.
    "identity.tenancy.TenantScopeMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "identity.applications.applications",
            ],
        },
    },
]

DATABASES = {"default": database_config(os.environ.get("DATABASE_URL"), BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the first application the user may open
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from npm (package.json) and are served from node_modules.
    ("vendor/bpmn-js", BASE_DIR / "node_modules" / "bpmn-js" / "dist"),
    ("vendor/form-js", BASE_DIR / "node_modules" / "@bpmn-io" / "form-js" / "dist"),
    ("vendor/dmn-js", BASE_DIR / "node_modules" / "dmn-js" / "dist"),
]
# Static files are served by the ASGI app itself, from the finders (config/asgi.py): no
# collectstatic step for `make run`, and no synchronous middleware in the request chain (one
# would pin a thread to every long-polling worker).

# Redis is optional: without REDIS_URL the channel layer lives in memory and jobs run in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYER_PREFIX = os.environ.get("LEGATO_CHANNEL_PREFIX", "legato")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, exactly the 5 s that
                # channels_redis blocks in BZPOPMIN: idle consumers would die every few
                # seconds ("Timeout reading from ..."). Reads must outlast the blocking pop.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "prefix": CHANNEL_LAYER_PREFIX,
                # channels_redis drops group messages past capacity (default 100) silently.
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Basic first, so a 401 carries `WWW-Authenticate: Basic` as Camunda's auth filter does.
        "engine.rest.basic_auth.CachedBasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "config.nul_characters.JSONWithoutNulParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "engine.rest.errors.camunda_exception_handler",
    "UNAUTHENTICATED_USER": None,
}

PORT = envint("PORT", 8000)
LEGATO_DEMO = envbool("LEGATO_DEMO", True)
# Built-in demo workers and a few instances a minute, in the embedded default only.
LEGATO_DEMO_TRAFFIC = envbool("LEGATO_DEMO_TRAFFIC", True)
LEGATO_HISTORY_LEVEL = envchoice(
    "LEGATO_HISTORY_LEVEL", "full", ("none", "activity", "audit", "full")
)
# Java class names (`camunda:class`) and bean names (`${bean}`, delegateExpression) mapped to
# dotted paths of Python callables, as JSON objects: a migrated model runs by configuration.
LEGATO_DELEGATES: dict[str, str] = envmapping("LEGATO_DELEGATES")
LEGATO_BEANS: dict[str, str] = envmapping("LEGATO_BEANS")
# scriptFormat="python" runs only when switched on (DESIGN: safety).
LEGATO_PYTHON_SCRIPTS = envbool("LEGATO_PYTHON_SCRIPTS", False)
# scriptFormat="javascript" runs in a V8 isolate with no host access (engine/runtime/
# javascript.py), bounded in time and heap per script; off: such models are refused.
LEGATO_JAVASCRIPT = envbool("LEGATO_JAVASCRIPT", True)
LEGATO_JAVASCRIPT_TIMEOUT_MS = envint("LEGATO_JAVASCRIPT_TIMEOUT_MS", 5000)
LEGATO_JAVASCRIPT_MEMORY_MB = envint("LEGATO_JAVASCRIPT_MEMORY_MB", 64)
# scriptFormat="groovy" runs in Legato's interpreter of the Groovy that models use
# (engine/groovy), bounded in steps per script; Camunda's autoStoreScriptVariables: a Groovy
# script's assignment to an undeclared name also sets the process variable.
LEGATO_GROOVY_MAX_STEPS = envint("LEGATO_GROOVY_MAX_STEPS", 1_000_000)
LEGATO_AUTO_STORE_SCRIPT_VARIABLES = envbool("LEGATO_AUTO_STORE_SCRIPT_VARIABLES", False)
# Camunda's skipOutputMappingOnCanceledActivities: a cancelled activity (interrupted, deleted,
# cancelled by modification) runs no output mapping; off, as in Camunda: it runs them.
LEGATO_SKIP_OUTPUT_MAPPING_ON_CANCELED_ACTIVITIES = envbool(
    "LEGATO_SKIP_OUTPUT_MAPPING_ON_CANCELED_ACTIVITIES", False
)
# Camunda's enableExceptionsAfterUnhandledBpmnError: a BPMN error nobody catches fails the
# command; off, as in Camunda, it ends the activity that threw it (docs/runtime.md).
LEGATO_EXCEPTIONS_AFTER_UNHANDLED_BPMN_ERROR = envbool(
    "LEGATO_EXCEPTIONS_AFTER_UNHANDLED_BPMN_ERROR", False
)
# camunda:connector service tasks (http-connector, soap-http-connector) call out over HTTP
# from inside the command; off: such a task fails saying so.
LEGATO_HTTP_CONNECTOR = envbool("LEGATO_HTTP_CONNECTOR", True)
LEGATO_HTTP_CONNECTOR_TIMEOUT_SECONDS = envint("LEGATO_HTTP_CONNECTOR_TIMEOUT_SECONDS", 30)
# Camunda's process application context path, which `app:` form keys are relative to: the
# tasklist links external forms there (Legato has no process applications of its own).
LEGATO_FORMS_APP_BASE_URL = envurl("LEGATO_FORMS_APP_BASE_URL")
# Without Redis the web process runs the job executor itself (embedded default); with Redis,
# Celery workers and `manage.py run_job_acquisition` do.
LEGATO_JOB_EXECUTOR_IN_PROCESS = envbool("LEGATO_JOB_EXECUTOR_IN_PROCESS", not REDIS_URL)
# Seconds a job claimed by an executor stays locked to it; a worker that dies holding a job
# delays it by this much, never loses it (Camunda's lockTimeInMillis, 5 minutes).
LEGATO_JOB_LOCK_SECONDS = envint("LEGATO_JOB_LOCK_SECONDS", 300)
# The Celery queue that carries job ids to workers (`celery -A config worker -Q <queue>`).
LEGATO_JOB_QUEUE = os.environ.get("LEGATO_JOB_QUEUE", "celery")
# Seconds a verified Basic username:password stays verified for /engine-rest (external-task
# workers call it many times a second; a password check costs ~PBKDF2).
LEGATO_REST_AUTH_CACHE_SECONDS = envint("LEGATO_REST_AUTH_CACHE_SECONDS", 60)
# A request body (a JSON body, a form's fields; not uploaded files) larger than this is refused
# with a 413: variables travel inside JSON bodies, so Django's 2.5 MB is too small for them.
LEGATO_MAX_REQUEST_BODY_MB = envint("LEGATO_MAX_REQUEST_BODY_MB", 16)
DATA_UPLOAD_MAX_MEMORY_SIZE = LEGATO_MAX_REQUEST_BODY_MB * 1024 * 1024
# Failed logins (Camunda's loginDelayBase/Factor/MaxTime and loginMaxAttempts): after the n-th
# failure in a row a user waits min(base * factor^(n-1), max) seconds; after the last
# attempt only an administrator unlocks the account (identity/lockout.py).
LEGATO_LOGIN_DELAY_BASE_SECONDS = envint("LEGATO_LOGIN_DELAY_BASE_SECONDS", 3)
LEGATO_LOGIN_DELAY_FACTOR = envint("LEGATO_LOGIN_DELAY_FACTOR", 2)
LEGATO_LOGIN_DELAY_MAX_SECONDS = envint("LEGATO_LOGIN_DELAY_MAX_SECONDS", 60)
LEGATO_LOGIN_MAX_ATTEMPTS = envint("LEGATO_LOGIN_MAX_ATTEMPTS", 10)
AUTHENTICATION_BACKENDS = ["identity.lockout.LockoutBackend"]
# The group whose members may do everything (Camunda's `camunda-admin`).
LEGATO_ADMIN_GROUP = "camunda-admin"
# Task permission Camunda grants assignees and candidates besides READ: UPDATE or TASK_WORK.
LEGATO_DEFAULT_TASK_PERMISSION = envname(
    "LEGATO_DEFAULT_TASK_PERMISSION", "UPDATE", ("UPDATE", "TASK_WORK")
)
# History cleanup: local-time window ("22:00-06:00"; empty = any time) and instances per batch.
LEGATO_HISTORY_CLEANUP_WINDOW = envwindow("LEGATO_HISTORY_CLEANUP_WINDOW", "22:00-06:00")
LEGATO_HISTORY_CLEANUP_BATCH_SIZE = envint("LEGATO_HISTORY_CLEANUP_BATCH_SIZE", 500)
# Whether job executors schedule the cleanup in the window by themselves (Camunda's history
# cleanup job); off, it runs only when asked (`POST /history/cleanup`, `manage.py history_cleanup`).
LEGATO_HISTORY_CLEANUP_AUTO = envbool("LEGATO_HISTORY_CLEANUP_AUTO", True)
# Execution metrics (docs/configuration.md, "Execution metrics"): counted in memory per
# process and written to the meter log every LEGATO_METRICS_FLUSH_SECONDS (Camunda: 15 min).
LEGATO_METRICS_ENABLED = envbool("LEGATO_METRICS_ENABLED", True)
LEGATO_METRICS_FLUSH_SECONDS = envint("LEGATO_METRICS_FLUSH_SECONDS", 300)
LEGATO_METRICS_REPORTER = (
    os.environ.get("LEGATO_METRICS_REPORTER", "") or f"{socket.gethostname()}$default"
)
# Meter-log and task-meter rows older than this many days go with the history cleanup (0: kept).
LEGATO_METRICS_TIME_TO_LIVE_DAYS = envint("LEGATO_METRICS_TIME_TO_LIVE_DAYS", 540)
# Days a finished batch stays in history (0: for ever), and per-type overrides
# ("instance-deletion=1,set-job-retries=7"): Camunda's batchOperationHistoryTimeToLive and
# batchOperationsForHistoryCleanup.
LEGATO_BATCH_HISTORY_TIME_TO_LIVE_DAYS = envint("LEGATO_BATCH_HISTORY_TIME_TO_LIVE_DAYS", 0)
LEGATO_BATCH_HISTORY_TIME_TO_LIVE_BY_TYPE = envdays_by_name(
    "LEGATO_BATCH_HISTORY_TIME_TO_LIVE_BY_TYPE"
)
# Rows fetched and encoded per chunk by the auditor export.
LEGATO_EXPORT_CHUNK_SIZE = envint("LEGATO_EXPORT_CHUNK_SIZE", 2000)
# How often a live socket tells its browser how far each of its event groups has been
# numbered, so that a page sees a lost last message (docs/configuration.md).
LEGATO_LIVE_HEARTBEAT_SECONDS = envint("LEGATO_LIVE_HEARTBEAT_SECONDS", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)-8s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # One handler, on the root: loggers propagate to it, so a line is printed once (a handler
    # on a logger as well as on the root, which ASGI servers configure, printed it twice).
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # With DEBUG off a live server hides tracebacks; log them.
        "django.request": {"level": "ERROR"},
        "legato": {"level": os.environ.get("LEGATO_LOG_LEVEL", "INFO")},
        "daphne": {"level": "INFO"},  # where it listens, when it starts
    },
}
