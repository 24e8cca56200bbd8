"""Django settings for every runtime mode, driven by environment variables (see README)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

from cdplatform.keys import load_or_create_encryption_keys, load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Runtime data (SQLite database, generated keys) lives outside git in CDP_DATA_DIR.
DATA_DIR = Path(os.environ.get("CDP_DATA_DIR", BASE_DIR / "var")).resolve()

SECRET_KEY = os.environ.get("CDP_SECRET_KEY") or load_or_create_secret_key(DATA_DIR / "secret_key")
# Fernet keys for credentials at rest; the first encrypts, all decrypt (rotation).
CDP_ENCRYPTION_KEYS = env_list("CDP_ENCRYPTION_KEYS") or load_or_create_encryption_keys(
    DATA_DIR / "encryption_keys"
)

DEBUG = env_bool("CDP_DEBUG", default=False)
ALLOWED_HOSTS = env_list("CDP_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CDP_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_htmx",
    "channels",
    "apps.core",
    "apps.users",
    "apps.teams",
    "apps.applications",
    "apps.cloudaccounts",
    "apps.pipelines",
    "apps.executions",
    "apps.triggers",
    "apps.notifications",
    "apps.kubernetes",
    "apps.tencentcloud",
    "apps.console",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.core.middleware.PlatformErrorMiddleware",
]

ROOT_URLCONF = "cdplatform.urls"
ASGI_APPLICATION = "cdplatform.asgi.application"
WSGI_APPLICATION = "cdplatform.wsgi.application"

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
                "django.template.context_processors.i18n",
                "apps.console.context_processors.console",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode. Scale-out: DATABASE_URL (PostgreSQL via psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("CDP_SQLITE_PATH", str(DATA_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait on the
                # busy timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not :memory:, so the live tests' server and worker threads share it
            # with proper locking (shared-cache memory databases fail fast on contention).
            # One file per test process: parallel pytest runs must not share it.
            "TEST": {
                "NAME": os.environ.get("CDP_TEST_SQLITE_PATH")
                or str(Path(tempfile.gettempdir()) / f"cdp-test-{os.getpid()}.sqlite3")
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous requests get 401
GUARDIAN_MONKEY_PATCH_USER = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the apps in the embedded mode
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Request limits -------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("CDP_MAX_BODY_BYTES", str(2 * 1024 * 1024)))

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.users.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.users.permissions.TokenScopePermission",
    ],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "apps.core.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cdplatform API",
    "DESCRIPTION": "Teams, applications, Spinnaker-compatible pipelines, executions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "apps.core.schema.MethodAwareSchemaGenerator",
    "ENUM_NAME_OVERRIDES": {
        "TeamRoleEnum": "apps.teams.models.TeamRole",
        "ProjectRoleEnum": "apps.teams.models.ProjectRole",
    },
}

# --- Channels, Celery -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: a group message is published once and each server process hands
            # it to its own watchers (the list-based layer pushes and pops one copy per
            # watcher, which made a 50-watcher update wait on 50 round trips). Live updates
            # are at-most-once either way; a reconnecting page reloads the execution.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "prefix": os.environ.get("CDP_CHANNEL_PREFIX", "cdp"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "apps.core.channel_layers.ThreadSafeInMemoryChannelLayer"}
    }

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CDP_CELERY_QUEUE", "cdplatform")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "engine-recovery-sweep": {
        "task": "executions.sweep",
        "schedule": float(os.environ.get("CDP_SWEEP_INTERVAL_SECONDS", "15")),
    },
    # Cron ticks and pipeline triggers (a tick fires at most this late; each fires once).
    "triggers-run": {
        "task": "triggers.run",
        "schedule": float(os.environ.get("CDP_TRIGGER_INTERVAL_SECONDS", "5")),
    },
    # Notification retries and judgment reminders (new events are sent at once by a task).
    "notifications-run": {
        "task": "notifications.run",
        "schedule": float(os.environ.get("CDP_NOTIFICATION_INTERVAL_SECONDS", "5")),
    },
}

# --- Platform tunables (read through apps.core.conf.platform_settings) ----------------------
CDPLATFORM = {
    "ENGINE": os.environ.get("CDP_ENGINE", "local"),
    "PUBLIC_URL": os.environ.get("CDP_PUBLIC_URL", ""),
    "TOKEN_DEFAULT_EXPIRY_DAYS": int(os.environ.get("CDP_TOKEN_DEFAULT_EXPIRY_DAYS", "0")),
    "OUTBOUND_URL_ALLOW": env_list("CDP_OUTBOUND_URL_ALLOW"),
    "OUTBOUND_URL_DENY": env_list("CDP_OUTBOUND_URL_DENY"),
    "EXPRESSION_URL_FUNCTIONS": env_bool("CDP_EXPRESSION_URL_FUNCTIONS", default=False),
    "SWEEP_INTERVAL_SECONDS": float(os.environ.get("CDP_SWEEP_INTERVAL_SECONDS", "15")),
    # Sandboxes run elsewhere (scale-out demo): point the sandbox accounts at them.
    "SANDBOX_KUBERNETES_URL": os.environ.get("CDP_SANDBOX_KUBERNETES_URL", ""),
    "SANDBOX_KUBERNETES_TOKEN": os.environ.get("CDP_SANDBOX_KUBERNETES_TOKEN", ""),
    "SANDBOX_TENCENTCLOUD_ENDPOINT": os.environ.get("CDP_SANDBOX_TENCENTCLOUD_ENDPOINT", ""),
    "SANDBOX_TENCENTCLOUD_SECRET_ID": os.environ.get("CDP_SANDBOX_TENCENTCLOUD_SECRET_ID", ""),
    "SANDBOX_TENCENTCLOUD_SECRET_KEY": os.environ.get("CDP_SANDBOX_TENCENTCLOUD_SECRET_KEY", ""),
}

# --- Email (notifications) ---------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("CDP_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cdplatform@localhost")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CDP_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "daphne": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the console's htmx requests read it
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
