"""Settings for the health-news site.

Every deploy-specific value comes from the environment. The defaults suit a developer's machine:
an SQLite file in the project, local-memory cache, mail printed to the console. Production sets
``DJANGO_DEBUG=0`` and must then provide ``DJANGO_SECRET_KEY`` (start-up fails without it); its
cache is one every process shares (Redis, or else the database), never per-process memory.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from . import live_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-key-not-for-production"  # noqa: S105

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", LOCAL_HOSTS)
# Production settings tried on this machine over plain http (`make serve-local`): no https
# redirect, no HSTS, cookies without Secure, mail printed to the console. Only for local hosts;
# `check --deploy` warns while it is on.
LOCAL_HTTP = not DEBUG and env_bool("DJANGO_LOCAL_HTTP", False)
if LOCAL_HTTP and not set(ALLOWED_HOSTS) <= set(LOCAL_HOSTS):
    raise ImproperlyConfigured(
        "DJANGO_LOCAL_HTTP=1 is for trying the site on this machine only: "
        "DJANGO_ALLOWED_HOSTS may then name only 127.0.0.1, localhost and [::1]."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.apps.SiteConfig",
    "config.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "axes",
    "config.apps.SiteSettingsConfig",  # django-constance: the admin's settings page
    "articles",
    "comments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Plain readers' article pages from the shared cache, before the rest of the stack.
    "articles.fast_path.SharedPageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "config.context_processors.site",
            ],
        },
    },
    # The hottest loops only: a thread's comments and the queue's rows (config/jinja2.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja_templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL's parallel workers per query for the site's connections (config/database.py):
# 0, as a page's queries are small and starting workers costs more than they save.
DATABASE_PARALLEL_WORKERS = env_int("DATABASE_PARALLEL_WORKERS", 0)
# PostgreSQL's JIT compilation for them: off, as compiling cost more than a page's queries.
DATABASE_JIT = env_bool("DATABASE_JIT", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing with "database is locked": a posting
    # transaction reads before it writes, and SQLite cannot upgrade a read lock under load.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the data-link hand-off to the task worker and the shared article pages (the
# rate-limit counts are rows of the database), so every app process (and the worker) must see
# the same one:
# DJANGO_CACHE=redis (needs REDIS_URL), database (`manage.py createcachetable`; `make serve` runs
# it) or locmem (per process: only for DEBUG; `check --deploy` fails on it, config/checks.py).
# Default: redis with REDIS_URL, else locmem with DEBUG, else database.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_BACKEND_NAME = os.environ.get("DJANGO_CACHE", "").strip() or (
    "redis" if REDIS_URL else "locmem" if DEBUG else "database"
)
if CACHE_BACKEND_NAME == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("DJANGO_CACHE=redis needs REDIS_URL.")
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "healthnews"),
        }
    }
elif CACHE_BACKEND_NAME == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            # Django's default (300) would cull live pages and data-link hand-offs on any busy
            # site. Only real pages are cached (a few per article each minute); every write
            # counts the table, so the room stays moderate.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
elif CACHE_BACKEND_NAME == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("DJANGO_CACHE must be 'redis', 'database' or 'locmem'.")

# Login throttling on /accounts/login/ and /admin/login/ (django-axes): after
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair waits
# AXES_COOLOFF_TIME hours. The address is read as every other limit reads it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DJANGO_LOGIN_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "comments.identity.login_limit_identity"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Permissions-Policy (django-permissions-policy): the site uses no powerful browser feature.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from npm (package-lock.json), served as our own static files.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "moderation:queue"

# Email (Django 6.1's MAILERS): SMTP when EMAIL_HOST is set, else the console locally. The variable
# names are Django's classic ones, so hosting platforms' usual settings work unchanged.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
elif DEBUG or LOCAL_HTTP:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # Production without EMAIL_HOST: the local mail server, as Django has always defaulted
    # (Django 6.1's SMTP mailer has no default host: without one every send raises).
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25, "timeout": env_int("EMAIL_TIMEOUT", 10)},
        }
    }
del EMAIL_HOST
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Django's built-in tasks (mail to moderators and subscribers). Locally they run at once, in
# the request; production sets DJANGO_TASKS_BACKEND=database and runs `manage.py db_worker`
# (django-tasks-db: the queue lives in the same PostgreSQL, nothing else to run).
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND_NAME = os.environ.get("DJANGO_TASKS_BACKEND", "immediate")
if TASKS_BACKEND_NAME not in TASK_BACKENDS:
    raise ImproperlyConfigured("DJANGO_TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND_NAME]}}

# Security. A strict CSP: no inline script or style anywhere, including the admin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = not LOCAL_HTTP and env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = (
        0 if LOCAL_HTTP else env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = not LOCAL_HTTP
    CSRF_COOKIE_SECURE = not LOCAL_HTTP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own "django" logger has a console handler of its own (with DEBUG on) and also
    # passes its lines up to the root: every task and request warning printed twice. Through
    # the root only, once. (django.server keeps its own handler and does not propagate.)
    "loggers": {
        "django": {
            "handlers": [],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
            "propagate": True,
        }
    },
}

# The site, as readers see it.
SITE_NAME = os.environ.get("SITE_NAME", "Multiple Sclerosis News Today")
# The site's public address, for links in mail (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_DISCLAIMER = os.environ.get(
    "SITE_DISCLAIMER",
    f"{SITE_NAME} is strictly a news and information website about the disease. It does not "
    "provide medical advice, diagnosis or treatment. This content is not intended to be a "
    "substitute for professional medical advice, diagnosis, or treatment. Always seek the "
    "advice of your physician or another qualified health provider with any questions you may "
    "have regarding a medical condition. Never disregard professional medical advice or delay "
    "seeking it because of something you have read on this website.",
)
ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", 10)

# The comment policy. Every value can be set from the environment.
COMMENTS_MODERATION = os.environ.get("COMMENTS_MODERATION", "auto")
if COMMENTS_MODERATION not in {"auto", "pre", "post"}:
    raise ImproperlyConfigured("COMMENTS_MODERATION must be one of auto, pre, post.")
COMMENTS_MAX_LENGTH = env_int("COMMENTS_MAX_LENGTH", 5000)
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 5)
# Long threads are paged by top-level comment (0: one page), in COMMENTS_SORT_DEFAULT's order.
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)
# The older switch: on, the default order (COMMENTS_SORT_DEFAULT unset) is newest first.
COMMENTS_NEWEST_FIRST = env_bool("COMMENTS_NEWEST_FIRST", False)
# Minutes a commenter may edit or delete their own comment from the browser that posted it.
COMMENTS_EDIT_MINUTES = env_int("COMMENTS_EDIT_MINUTES", 15)
# The thread's order when the reader picks none: oldest, newest or helpful.
COMMENTS_SORT_DEFAULT = os.environ.get(
    "COMMENTS_SORT_DEFAULT", "newest" if COMMENTS_NEWEST_FIRST else "oldest"
)
if COMMENTS_SORT_DEFAULT not in {"oldest", "newest", "helpful"}:
    raise ImproperlyConfigured("COMMENTS_SORT_DEFAULT must be one of oldest, newest, helpful.")
# "Helpful" votes one network (IPv4 /24, IPv6 /48) may cast in an hour, on all comments.
COMMENTS_RATE_VOTES_PER_HOUR = env_int("COMMENTS_RATE_VOTES_PER_HOUR", 60)
COMMENTS_NAME_MAX_LENGTH = 100
COMMENTS_AUTHOR_COOKIE = "comment_author"
COMMENTS_AUTHOR_COOKIE_MAX_AGE = env_int("COMMENTS_AUTHOR_COOKIE_DAYS", 365) * 24 * 60 * 60
# Proof that this browser posted as an address before (signed, HttpOnly; same lifetime).
COMMENTS_COMMENTER_COOKIE = "commenter_key"
# Proof that this browser posted these comments: their ids, each until its held time
# (SESSION_COOKIE_AGE) or edit window ends (signed, HttpOnly; comments/models/readers.py).
COMMENTS_OWN_COOKIE = "comments_own"
# "Helpful" votes: a random id that tells one browser's votes apart (comments/posting/votes.py).
COMMENTS_VOTER_COOKIE = "comment_voter"
# Hold a comment with this many links or more (0: never).
COMMENTS_HOLD_LINKS = env_int("COMMENTS_HOLD_LINKS", 2)
# Reader reports that hide an approved comment until a moderator decides.
COMMENTS_REPORT_THRESHOLD = env_int("COMMENTS_REPORT_THRESHOLD", 3)
# Close an article's comments this many days after publication (0: never).
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)
# Who hears of held comments, besides the members of the Moderators group.
COMMENTS_MODERATOR_EMAILS = env_list("COMMENTS_MODERATOR_EMAILS", [])
# The settings page of the admin (django-constance): the policy above, changed while the site
# runs. The environment gives the defaults; comments/site_settings.py is where they are read
# (and cached: constance's own cache refuses a local-memory cache and queries for every
# unchanged value, so it is not configured). Superusers, and staff with the
# constance.change_config permission, may change them; every change is logged.
CONSTANCE_BACKEND = "constance.backends.database.DatabaseBackend"
CONSTANCE_SUPERUSER_ONLY = False
CONSTANCE_ADDITIONAL_FIELDS = live_settings.FIELDS
CONSTANCE_CONFIG_FIELDSETS = live_settings.FIELDSETS
CONSTANCE_CONFIG = live_settings.config(
    COMMENTS_MODERATION=COMMENTS_MODERATION,
    COMMENTS_HOLD_LINKS=COMMENTS_HOLD_LINKS,
    COMMENTS_REPORT_THRESHOLD=COMMENTS_REPORT_THRESHOLD,
    COMMENTS_CLOSE_AFTER_DAYS=COMMENTS_CLOSE_AFTER_DAYS,
    COMMENTS_EDIT_MINUTES=COMMENTS_EDIT_MINUTES,
    COMMENTS_SORT_DEFAULT=COMMENTS_SORT_DEFAULT,
    COMMENTS_MODERATOR_EMAILS=", ".join(COMMENTS_MODERATOR_EMAILS),
)
# Days before a comment's IP address and user agent are cleared (manage.py purge_ip_addresses).
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 30)
# Abuse defences (comments/checks.py). Each finding is recorded on the comment as a reason.
COMMENTS_MIN_SUBMIT_SECONDS = env_int("COMMENTS_MIN_SUBMIT_SECONDS", 3)
COMMENTS_FORM_MAX_AGE_HOURS = env_int("COMMENTS_FORM_MAX_AGE_HOURS", 48)
COMMENTS_DUPLICATE_WINDOW_HOURS = env_int("COMMENTS_DUPLICATE_WINDOW_HOURS", 24)
# Flood limits per IP address and per email, counted in the database (comments/ratelimit.py).
COMMENTS_RATE_GAP_SECONDS = env_int("COMMENTS_RATE_GAP_SECONDS", 15)
COMMENTS_RATE_PER_HOUR = env_int("COMMENTS_RATE_PER_HOUR", 20)
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR).
COMMENTS_TRUSTED_PROXIES = env_int("COMMENTS_TRUSTED_PROXIES", 0)
# Optional Akismet check; off unless a key is set. The commenter's email is never sent.
AKISMET_API_KEY = os.environ.get("AKISMET_API_KEY", "")
AKISMET_URL = os.environ.get("AKISMET_URL", "https://rest.akismet.com/1.1/comment-check")
AKISMET_TIMEOUT = float(os.environ.get("AKISMET_TIMEOUT", "3"))
# Request bodies: a comment is at most a few tens of kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
