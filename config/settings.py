"""Settings for 智慧党建云平台: one file, driven by the environment (see "Configuration" in README.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from config import secrets as _secrets

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
DEMO_MODE = env_bool("DEMO_MODE")
PRODUCTION = env_bool("PRODUCTION")
_keys = _secrets.load(VAR_DIR, allow_generate=not PRODUCTION)
SECRET_KEY = _keys["SECRET_KEY"]
FIELD_ENCRYPTION_KEYS = _secrets.parse_field_keys(_keys["FIELD_KEYS"])
BLIND_INDEX_KEY = bytes.fromhex(_keys["BLIND_INDEX_KEY"])
AUDIT_HMAC_KEY = bytes.fromhex(_keys["AUDIT_HMAC_KEY"])
# Optional separate keys (hex); when unset each is derived from the keys above (docs/backup.md).
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")
INTEGRITY_KEY = os.environ.get("INTEGRITY_KEY", "")

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "huey.contrib.djhuey",
    "dangjian.core",
    "dangjian.audit",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.access",
    "dangjian.members",
    "dangjian.points",
    "dangjian.studytime",
    "dangjian.study",
    "dangjian.school",
    "dangjian.news",
    "dangjian.meetings",
    "dangjian.appraisal",
    "dangjian.exams",
    "dangjian.dues",
    "dangjian.transfers",
    "dangjian.development",
    "dangjian.mailbox",
    "dangjian.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dangjian.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangjian.core.middleware.RequestContextMiddleware",
    # A token's well-formed study heartbeat is answered here (dangjian/studytime/middleware.py); everything
    # else, including a refused one, goes on down the stack.
    "dangjian.studytime.middleware.HeartbeatMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dangjian.accounts.middleware.SessionSecurityMiddleware",
    "dangjian.access.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
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
                "dangjian.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web workers read while the job worker writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }
# PostgreSQL: the few fixed statements of the study heartbeat (dangjian/core/db.py ``prepared_cursor``) are
# prepared once per connection; every other statement is bound on the client and never prepared, as Django
# does by default. Turn off (0) behind a connection pooler that drops prepared statements (pgbouncer in
# transaction mode before 1.21, or without ``max_prepared_statements``).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"].endswith("postgresql") and DATABASE_PREPARED_STATEMENTS:
    # Django turns psycopg's preparing off (``None``); Django's own cursors never prepare whatever this says.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Uploads (dangjian.core.uploads, docs/uploads.md): kept outside every served path, under random names, and
# served only by the authorised download view. Any Django storage fits (e.g. S3 through django-storages);
# a FileSystemStorage without a location uses PRIVATE_MEDIA_ROOT with files 0600 and folders 0700.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
UPLOAD_STORAGE = {
    "BACKEND": os.environ.get("UPLOAD_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
    "OPTIONS": {},
}
UPLOAD_ANONYMOUS_RATE = (300, 600)  # anonymous uploads share one bucket: no address is ever counted

SESSION_COOKIE_HTTPONLY = True
# The security policy (accounts.SecurityPolicy) enforces idle and absolute limits; the cookie outlives them.
SESSION_COOKIE_AGE = 24 * 3600
# A process keeps the security policy this many seconds (every request reads it); a change made by the
# 安全管理员 reaches the other processes within it.
SECURITY_POLICY_CACHE_SECONDS = int(os.environ.get("SECURITY_POLICY_CACHE_SECONDS", "5"))
# 积分排行 (the boards, not a member's own points or rank) may be answered from a copy this many seconds old,
# kept per process and in the cache (dangjian/points/selectors.py board_cached); 0 computes every board.
POINTS_BOARD_CACHE_SECONDS = int(os.environ.get("POINTS_BOARD_CACHE_SECONDS", "15"))
# Study time (DOMAIN.md §7 [C]): seconds between a study page's heartbeats, and seconds on an article that
# count as reading it (阅读文章).
STUDY_HEARTBEAT_INTERVAL = int(os.environ.get("STUDY_HEARTBEAT_INTERVAL", "15"))
STUDY_READ_SECONDS = int(os.environ.get("STUDY_READ_SECONDS", "30"))
# [C] 学时 a year for a branch secretary (DOMAIN.md §2; members: 32, national, not configurable).
STUDY_HOURS_REQUIRED_SECRETARY = int(os.environ.get("STUDY_HOURS_REQUIRED_SECRETARY", "56"))
# 组织生活 reminders: days before a planned meeting; e-mail when EMAIL_HOST is set (else in the platform).
MEETINGS_REMIND_DAYS = int(os.environ.get("MEETINGS_REMIND_DAYS", "3"))
SITE_URL = os.environ.get("SITE_URL", "")  # the platform's address, for links in e-mails and calendar events
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "智慧党建云平台 <noreply@localhost>")
# 民主评议党员 (DOMAIN.md §8, [C]): the share of 优秀 above which a reason is required, the fewest ballots for
# per-member counts to be shown, and whether every 支委 must talk with every member ("all") or one ("any").
APPRAISAL_EXCELLENT_SHARE = (1, 3)
APPRAISAL_MIN_BALLOTS = int(os.environ.get("APPRAISAL_MIN_BALLOTS", "3"))
APPRAISAL_TALK_COVERAGE = os.environ.get("APPRAISAL_TALK_COVERAGE", "any")
# 党建新鲜事: limits of one feed download (the feeds point at an intranet mirror).
NEWS_FEED_TIMEOUT = int(os.environ.get("NEWS_FEED_TIMEOUT", "20"))  # seconds for a whole download
NEWS_FEED_MAX_BYTES = int(os.environ.get("NEWS_FEED_MAX_BYTES", str(5 * 1024 * 1024)))
HTTPS = env_bool("HTTPS", PRODUCTION)  # production is served over HTTPS (等保: encrypted transport)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dangjian.access.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["dangjian.core.api.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "dangjian.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dangjian.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "智慧党建云平台 API",
    "DESCRIPTION": "组织、党员、职务与导入的 REST 接口。认证：`Authorization: Token <key>`。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "dangjian.members.choices.MemberStatus",
        "TransferReasonEnum": "dangjian.transfers.models.TransferReason",
        "MobileReasonEnum": "dangjian.transfers.models.MobileReason",
        "OrgKindEnum": "dangjian.orgs.models.OrgKind",
        "StatusChangeKindEnum": "dangjian.members.models.ChangeKind",
        "JobStatusEnum": "dangjian.core.models.JobStatus",
        "MeetingKindEnum": "dangjian.meetings.models.MeetingKind",
        "MeetingStatusEnum": "dangjian.meetings.models.MeetingStatus",
        "CourseKindEnum": "dangjian.school.models.CourseKind",
        "CourseStatusEnum": "dangjian.school.models.CourseStatus",
        "LessonKindEnum": "dangjian.school.models.LessonKind",
        "StudyItemKindEnum": "dangjian.study.models.ItemKind",
        "StudyTopicStatusEnum": "dangjian.study.models.TopicStatus",
        # A dict of (value, label): its bound ``items`` gives the pairs the override needs.
        "MeetingExclusionReasonEnum": "dangjian.meetings.rules.EXCLUSION_REASONS.items",
        "AppraisalExclusionReasonEnum": "dangjian.appraisal.models.ExclusionReason",
        "AppraisalGradeEnum": "dangjian.appraisal.models.Grade",
        "FollowUpKindEnum": "dangjian.appraisal.models.FollowUpKind",
        "DevelopmentStatusEnum": "dangjian.development.models.Status",
        "DevelopmentRecordKindEnum": "dangjian.development.models.RecordKind",
        "DuesCategoryEnum": "dangjian.dues.models.DuesCategory",
        "MemberCategoryEnum": "dangjian.members.choices.Category",
        "DuesBillStatusEnum": "dangjian.dues.models.BillStatus",
        "DuesPaymentKindEnum": "dangjian.dues.models.PaymentKind",
        "DuesPayerKindEnum": "dangjian.dues.models.PayerKind",
        "DuesPaymentStatusEnum": "dangjian.dues.models.PaymentStatus",
        "DuesReductionKindEnum": "dangjian.dues.models.ReductionKind",
        "DuesReductionStatusEnum": "dangjian.dues.models.ReductionStatus",
        "ExamStatusEnum": "dangjian.exams.models.ExamStatus",
        "AttemptStatusEnum": "dangjian.exams.models.AttemptStatus",
        "MailboxLetterStatusEnum": "dangjian.mailbox.models.LetterStatus",
        "MailboxCaseStatusEnum": "dangjian.mailbox.models.CaseStatus",
        "MailboxKindEnum": "dangjian.mailbox.models.Kind",
        "MailboxSourceEnum": "dangjian.mailbox.models.Source",
        "SupervisionRectStatusEnum": "dangjian.supervision.models.RectStatus",
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "")
# A cache every process shares (no process memory): Redis when configured, else a database table
# (`createcachetable`, run by `make migrate`).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "dangjian_cache"}
    )
}
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "dangjian", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "dangjian",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Local practice [C] defaults from DOMAIN.md that the foundation needs (later: editable configuration).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "184"))  # ≥ 184 (6 months) enforced
ELECTION_REMINDER_MONTHS = 3  # 换届 reminder ahead of the term's end [C]
IMPORT_BACKGROUND_THRESHOLD = int(os.environ.get("IMPORT_BACKGROUND_THRESHOLD", "500"))
DEMO_PASSWORD = "Dangjian@2026" if DEMO_MODE else ""
