"""Cultivate settings: one module, configured by environment variables.

Every variable has an embedded default (SQLite, console mail, in-process cache) so that
`cultivate run` works with nothing set. docs/configuration.md lists them all.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cultivate.core.email_url import parse_email_url
from cultivate.core.secret_key import MISSING_IN_PRODUCTION, OLD_DEFAULT_KEY, embedded_secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CULTIVATE_DATA_DIR", BASE_DIR.parent.parent / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Unset, `cultivate run` uses the address it serves on (core/site.py).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Cultivate").strip() or "Cultivate"
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Production (said outright, or implied by a public https:// address) must bring its own key;
# the embedded tier generates one into the data dir once and keeps it (core/secret_key.py).
CULTIVATE_ENV = os.environ.get(
    "CULTIVATE_ENV", "production" if SITE_URL.startswith("https://") else "embedded").lower()
if CULTIVATE_ENV not in ("production", "embedded"):
    raise ImproperlyConfigured("CULTIVATE_ENV must be 'production' or 'embedded'.")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if SECRET_KEY == OLD_DEFAULT_KEY and CULTIVATE_ENV == "production":
    SECRET_KEY = ""  # published in the source: as good as none
SECRET_KEY_GENERATED = not SECRET_KEY
if SECRET_KEY_GENERATED:
    if CULTIVATE_ENV == "production":
        raise ImproperlyConfigured(MISSING_IN_PRODUCTION)
    SECRET_KEY = embedded_secret_key(DATA_DIR)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",
    "cultivate.core",
    "cultivate.activity",
    "cultivate.people",
    "cultivate.communities",
    "cultivate.conversations",
    "cultivate.formats",
    "cultivate.practice",
    "cultivate.attachments",
    "cultivate.resources",
    "cultivate.events",
    "cultivate.live",
    "cultivate.insights",
    "cultivate.history",
    "cultivate.audit",
    "cultivate.evaluation",
    "cultivate.health",
    "cultivate.demo",
    "cultivate.imports",
    "cultivate.apps.ProjectConfig",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "cultivate.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cultivate.core.ratelimit.RetryAfterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cultivate.core.csp.CultivateCSPMiddleware",
    # After the HTTPS redirect and before sessions: cached pages still get the policy.
    "cultivate.core.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cultivate.core.middleware.RejectMalformedAddressMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cultivate.people.middleware.UserTimezoneMiddleware",
    "cultivate.people.middleware.UserLanguageMiddleware",
    "cultivate.core.ratelimit.WriteRateLimitMiddleware",
    "cultivate.core.uploads.UploadSizeMiddleware",
    "cultivate.core.middleware.NotAllowedMiddleware",
    "cultivate.core.api_guard.ApiBoundaryMiddleware",
]

ROOT_URLCONF = "cultivate.urls"
WSGI_APPLICATION = "cultivate.wsgi.application"
ASGI_APPLICATION = "cultivate.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} that remembers its answers (core/templatetags/cached_urls.py).
            "builtins": ["cultivate.core.templatetags.cached_urls",
                         "cultivate.core.templatetags.cultivate_i18n"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database: SQLite embedded, anything dj-database-url understands otherwise ---
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'cultivate.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work at the same time; IMMEDIATE avoids
    # "database is locked" when two requests upgrade read transactions to writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file (not :memory:) so live-server tests in other processes see the same data; the
    # process id keeps two test runs on one machine apart.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # The process id keeps two test runs against one server from dropping each other's database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
# Each process keeps at most DATABASE_POOL_SIZE PostgreSQL connections, however many threads
# serve requests (docs/configuration.md sizes it); 0 turns the pool off (an external pooler).
DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "4"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_SIZE:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": DATABASE_POOL_SIZE,
        "timeout": int(os.environ.get("DATABASE_POOL_TIMEOUT", "10"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory embedded, Redis when REDIS_URL is set ---
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # django-redis keeps one client per connection pool; Django's own backend builds a new
    # client object for every operation, which doubled a cached page's time.
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# --- Background tasks (django-tasks): run at once in the embedded tier; with
# TASKS_BACKEND=database they are queued in the database for `cultivate db_worker`.
if os.environ.get("TASKS_BACKEND", "immediate") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The interaction network (who replies to and answers whom) reads this many days of activity.
CULTIVATE_NETWORK_WINDOW_DAYS = int(os.environ.get("CULTIVATE_NETWORK_WINDOW_DAYS", "365"))

# --- Live backchannel ---
# Live updates fan out through cultivate.core.realtime: Redis pub/sub between worker processes
# when REDIS_URL is set, in-process otherwise. No Channels channel layer is used (docs/live.md).
# Per participant, across sockets and HTTP: posts (comments, questions) and votes.
CULTIVATE_LIVE_POST_RATE = os.environ.get("CULTIVATE_LIVE_POST_RATE", "6/m")
CULTIVATE_LIVE_VOTE_RATE = os.environ.get("CULTIVATE_LIVE_VOTE_RATE", "60/m")
# Per address: wrong join codes (then 429 until the window ends), and new guest passes per
# channel (a whole room may share one address on a venue's network: raise it for big rooms).
CULTIVATE_LIVE_CODE_GUESS_RATE = os.environ.get("CULTIVATE_LIVE_CODE_GUESS_RATE", "20/m")
CULTIVATE_LIVE_GUEST_JOIN_RATE = os.environ.get("CULTIVATE_LIVE_GUEST_JOIN_RATE", "60/10m")
# The largest websocket frame a client may send, in bytes.
CULTIVATE_LIVE_MAX_FRAME = int(os.environ.get("CULTIVATE_LIVE_MAX_FRAME", "8192"))
# Per-process copies of versioned (never-changing) cached pages and fragments.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "cultivate-local",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# --- Accounts (django-allauth) ---
AUTH_USER_MODEL = "people.User"
# One backend for e-mail and username sign-in, one password hash per attempt (people/accounts.py).
AUTHENTICATION_BACKENDS = ["cultivate.people.accounts.AuthenticationBackend"]
ACCOUNT_ADAPTER = "cultivate.people.accounts.AccountAdapter"
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "communities:directory"
ACCOUNT_LOGOUT_REDIRECT_URL = "communities:directory"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"

# Single sign-on: one OpenID Connect provider, switched on by environment variables alone.
SOCIALACCOUNT_PROVIDERS: dict = {}
if os.environ.get("OIDC_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("OIDC_PROVIDER_ID", "sso"),
                "name": os.environ.get("OIDC_PROVIDER_NAME", "Single sign-on"),
                "client_id": os.environ["OIDC_CLIENT_ID"],
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": os.environ.get("OIDC_SERVER_URL", "")},
            }
        ],
    }
SOCIALACCOUNT_EMAIL_AUTHENTICATION = env_bool("OIDC_TRUST_EMAIL", False)
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = SOCIALACCOUNT_EMAIL_AUTHENTICATION

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Mail: printed to the console embedded, SMTP with EMAIL_URL (core/email_url.py) ---
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _email = parse_email_url(EMAIL_URL)
    EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT = (_email[k] for k in ("EMAIL_BACKEND", "EMAIL_HOST",
                                                                   "EMAIL_PORT"))
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_USER"], _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cultivate <cultivate@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Mail in: replies and new topics by email (docs/email-in.md) ---
# The domain of reply addresses (reply+TOKEN@domain, COMMUNITY@domain); default: SITE_URL's host.
MAIL_IN_DOMAIN = os.environ.get("CULTIVATE_MAIL_IN_DOMAIN", "").strip().lower()
MAIL_IN_TOKEN_DAYS = int(os.environ.get("CULTIVATE_MAIL_IN_TOKEN_DAYS", "90"))
MAIL_IN_MAX_BYTES = int(os.environ.get("CULTIVATE_MAIL_IN_MAX_BYTES", str(10 * 1024 * 1024)))
# A listener `cultivate run` starts: "smtp://127.0.0.1:2525" or "lmtp://127.0.0.1:2424".
MAIL_IN_LISTEN = os.environ.get("CULTIVATE_MAIL_IN_LISTEN", "").strip()
# Or poll a mailbox: "imaps://user:password@host/INBOX"; empty: no polling.
MAIL_IN_IMAP_URL = os.environ.get("CULTIVATE_MAIL_IN_IMAP_URL", "").strip()
MAIL_IN_IMAP_SECONDS = int(os.environ.get("CULTIVATE_MAIL_IN_IMAP_SECONDS", "60"))
# Answer mails that explain a refusal, per sender address and hour (no mail loops).
MAIL_IN_REFUSALS_PER_HOUR = int(os.environ.get("CULTIVATE_MAIL_IN_REFUSALS_PER_HOUR", "3"))
# Bounces in a row after which an address gets no more mail until its owner turns it back on.
MAIL_BOUNCE_LIMIT = int(os.environ.get("CULTIVATE_MAIL_BOUNCE_LIMIT", "3"))
# The folder imports started from the admin read from (docs/imports.md); empty: DATA_DIR/imports.
CULTIVATE_IMPORT_DIR = os.environ.get("CULTIVATE_IMPORT_DIR", "").strip()

# --- Internationalisation ---
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
# The six official languages of the United Nations (docs/translation.md). Each is named in its
# own language in the chooser; the catalogues live in LOCALE_PATHS and CI keeps them complete.
LANGUAGES = [
    ("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic")),
    ("zh-hans", _("Simplified Chinese")), ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["cultivate.core.locale_formats"]  # English dates; others Django's

# --- Static and media files ---
STATIC_URL = "/static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly's browser bundle from the installed wheel, as static/plotly/plotly.min.js
    "cultivate.insights.staticfiles.PlotlyFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# Uploads (attachments) live in the default storage: local disk under MEDIA_ROOT when embedded.
# There is deliberately no MEDIA_URL route: files are served by /files/<id>/<name>, which checks
# who may read them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security: safe defaults that `check --deploy` accepts once HTTPS is on ---
SECURE_HTTPS = env_bool("SECURE_HTTPS", SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp; core/csp.py adds the page's own ws/wss origin to
# connect-src and a nonce on every page). No inline script or style anywhere: templates load
# static files only. External images may load over https, but only once a reader clicks them
# (core/markdown.py makes them click-to-load), or with the page in a community whose conveners
# chose to show them (Community.external_images).
_sso_origin = "/".join(os.environ.get("OIDC_SERVER_URL", "").split("/")[:3])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # Signing in with SSO posts to us, then redirects the form to the provider.
        "form-action": [SELF, *([_sso_origin] if _sso_origin.startswith("http") else [])],
    }
}
# Non-file request data (JSON, form fields) up to 2 MB; files above 2.5 MB stream to a temporary
# file instead of memory; a multipart body larger than the attachment limit is refused with 413
# before it is read (core/uploads.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Cultivate itself ---
# Anonymous reads of public pages are cached this long at most (0 turns the cache off).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
# Largest attached image or document, in megabytes (core/uploads.py checks content and size).
CULTIVATE_ATTACHMENT_MAX_MB = float(os.environ.get("CULTIVATE_ATTACHMENT_MAX_MB", "10"))
# Largest file added to a community's resource library, in megabytes (same checks as above).
CULTIVATE_RESOURCE_MAX_MB = float(os.environ.get("CULTIVATE_RESOURCE_MAX_MB", "25"))
CULTIVATE_INVITATION_DAYS = int(os.environ.get("CULTIVATE_INVITATION_DAYS", "14"))
# Invitation mail goes to strangers: only accounts with a verified address older than this (or
# platform admins) send it, at most CULTIVATE_INVITATIONS_PER_DAY a day each.
CULTIVATE_INVITE_MIN_ACCOUNT_AGE_HOURS = float(
    os.environ.get("CULTIVATE_INVITE_MIN_ACCOUNT_AGE_HOURS", "24"))
CULTIVATE_INVITATIONS_PER_DAY = int(os.environ.get("CULTIVATE_INVITATIONS_PER_DAY", "50"))
# Who may start a community: anyone (signed in), verified (a verified address), admins.
CULTIVATE_COMMUNITY_CREATION = os.environ.get("CULTIVATE_COMMUNITY_CREATION", "verified")


# Deleted posts and resources can be restored this many days; then `purge-deleted` (daily from
# the clock of `cultivate run`) removes them for good (cultivate.core.retention).
CULTIVATE_DELETED_RETENTION_DAYS = int(os.environ.get("CULTIVATE_DELETED_RETENTION_DAYS", "30"))
# How often `cultivate run` sends due digests; 0 when cron runs `cultivate send-digests`.
CULTIVATE_DIGEST_CLOCK_MINUTES = int(os.environ.get("CULTIVATE_DIGEST_CLOCK_MINUTES", "60"))
# Members' own data (cultivate.people.mydata): one archive download per person per this many
# minutes; an erasure is carried out this many days after it was asked for, unless cancelled.
CULTIVATE_EXPORT_INTERVAL_MINUTES = int(os.environ.get("CULTIVATE_EXPORT_INTERVAL_MINUTES", "5"))
CULTIVATE_ERASURE_GRACE_DAYS = int(os.environ.get("CULTIVATE_ERASURE_GRACE_DAYS", "14"))
# How long before an event its reminder mail leaves (cultivate.events.reminders).
CULTIVATE_EVENT_REMINDER_HOURS = float(os.environ.get("CULTIVATE_EVENT_REMINDER_HOURS", "24"))
# Weeks after "I applied this" that the member is asked whether it made a difference.
CULTIVATE_FOLLOW_UP_WEEKS = float(os.environ.get("CULTIVATE_FOLLOW_UP_WEEKS", "6"))
# PDF reports take a second or more of CPU each: a person makes at most this many.
CULTIVATE_PDF_RATE = os.environ.get("CULTIVATE_PDF_RATE", "10/m")
# Writes per user (or per address when anonymous) per minute, for the HTML views and the API.
CULTIVATE_WRITE_RATE = os.environ.get("CULTIVATE_WRITE_RATE", "60/m")
CULTIVATE_PREVIEW_RATE = os.environ.get("CULTIVATE_PREVIEW_RATE", "300/m")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# Account forms have their own buckets, per action (allauth syntax: count/period/per, per "ip"
# is the client address, "key" the e-mail address or, for failed sign-ins, the account and
# address together: people/accounts.py). docs/configuration.md lists them.
ACCOUNT_RATE_LIMITS = {
    "login": os.environ.get("CULTIVATE_LOGIN_RATE", "30/m/ip"),
    "login_failed": os.environ.get("CULTIVATE_LOGIN_FAILED_RATE", "10/m/ip,5/5m/key"),
    "signup": os.environ.get("CULTIVATE_SIGNUP_RATE", "20/m/ip"),
    "reset_password": os.environ.get("CULTIVATE_PASSWORD_RESET_RATE", "20/m/ip,5/m/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Behind N reverse proxies, the client address is the Nth from the right in X-Forwarded-For;
# with 0 it is the connection's address (then every client of a proxy shares one bucket).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# `Server-Timing: app;dur=<ms>` on every response, for bench/ (always on with DEBUG).
CULTIVATE_SERVER_TIMING = env_bool("CULTIVATE_SERVER_TIMING", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # A refused or missing page (4xx) is an ordinary answer, not an incident: log server
    # errors only, so the terminal that shows mail in the embedded tier stays readable.
    "loggers": {"django.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "ERROR")}},
}
