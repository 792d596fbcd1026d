"""Reader's settings.

Development is the default. `READER_PRODUCTION=1` switches to production: DEBUG off, the
secret key and allowed hosts from the environment (refusing to start without either),
secure cookies, HTTPS redirect and HSTS, and WhiteNoise serving the collected, hashed and
compressed static files. `DATABASE_URL` selects the database (PostgreSQL 15 in production
with several app servers); without it, the SQLite file.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from reader import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = os.environ.get("READER_PRODUCTION", "") == "1"

if PRODUCTION:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    if reason := secret_key.problem(SECRET_KEY, BASE_DIR):
        raise ImproperlyConfigured(f"READER_PRODUCTION=1 needs DJANGO_SECRET_KEY: {reason}.")
    DEBUG = False
    ALLOWED_HOSTS = [
        host.strip()
        for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
        if host.strip()
    ]
    if not ALLOWED_HOSTS:
        # Django would answer every request with 400; say why at start instead.
        raise ImproperlyConfigured(
            "READER_PRODUCTION=1 needs DJANGO_ALLOWED_HOSTS: the comma-separated host names "
            "Reader is served under."
        )
else:
    # Development only: a fixed key is fine because nothing it signs leaves this machine.
    SECRET_KEY = "django-insecure-development-key-never-used-in-production"
    DEBUG = os.environ.get("READER_DEBUG", "1") == "1"
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "reader.apps.ReaderConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reader.middleware.ContentSecurityPolicyMiddleware",
    "reader.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the views' errors: a database that cannot be reached is a 503.
    "reader.dbfailure.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "reader.urls"
WSGI_APPLICATION = "reader.wsgi.application"

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
                "reader.context_processors.kinds",
            ],
        },
    },
]

# SQLite in WAL mode so readers never wait for a writer; IMMEDIATE transactions and a
# busy timeout so concurrent writers queue instead of failing with "database is locked".
# synchronous=NORMAL: with WAL, a commit is durable against a crash of the process and
# survives a power cut except for the last transactions (no fsync per commit);
# mmap_size=256 MB: pages are read from the OS page cache in place (shared by all workers,
# so no copy per process), which is what a long source's 1.2 MB text costs to read;
# cache_size=-8000: 8 MB of private page cache per connection (the default, 2 MB, is less
# than one long text); temp_store=MEMORY: sorts and temporary indexes off the disk.
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456; "
        "PRAGMA cache_size=-8000; PRAGMA temp_store=MEMORY;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# DATABASE_URL (e.g. postgres://user:password@host:5432/reader) selects another database;
# without it, the embedded SQLite file. On PostgreSQL each worker keeps its connection for
# up to READER_CONN_MAX_AGE seconds (a new one per request costs a few milliseconds) and
# checks it before reuse, so a restarted database costs one reconnect, not an error.
# A worker keeps its SQLite connection too: opening one per request (five PRAGMAs, and the
# schema read again on the first statement) cost about 1 ms of every answer. The file is
# local, so there is nothing to health-check.
SQLITE_CONN_MAX_AGE = None  # for the worker's life
# Django's SQLite backend with write transactions queued on a file lock (the module says
# why).
SQLITE_ENGINE = "reader.dbbackends.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("READER_CONN_MAX_AGE", "600")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
        DATABASES["default"]["CONN_MAX_AGE"] = SQLITE_CONN_MAX_AGE
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
        DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": os.environ.get("READER_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": SQLITE_OPTIONS,
            "CONN_MAX_AGE": SQLITE_CONN_MAX_AGE,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Scheme and host for IRIs in exports made outside a request (management commands).
READER_BASE_URL = os.environ.get("READER_BASE_URL", "http://127.0.0.1:8000")

# Anyone may create an account unless this is off (READER_SIGNUP_OPEN=0).
READER_SIGNUP_OPEN = os.environ.get("READER_SIGNUP_OPEN", "1") == "1"

# How often a reader asks whether teammates changed the document (seconds).
READER_POLL_SECONDS = int(os.environ.get("READER_POLL_SECONDS", "5"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reader:project_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves the collected, hashed files; development serves straight from the
# finders, so nothing needs collecting first.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
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

# Uploads up to 5 MB stay in memory; Django streams larger ones to an anonymous temporary
# file (never under a name the user chose) before the form refuses them. A request body
# without files (pasted text) is refused past 6 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
READER_MAX_SOURCE_BYTES = 5 * 1024 * 1024
# Adding a source from a URL makes the server fetch it (reader/fetch.py guards what it
# reaches): off unless READER_FETCH_URLS=1. A fetch takes at most READER_FETCH_SECONDS.
# Tests alone set READER_FETCH_ALLOW_LOOPBACK_FOR_TESTS, to reach their server on 127.0.0.1.
READER_FETCH_URLS = os.environ.get("READER_FETCH_URLS", "") == "1"
READER_FETCH_SECONDS = 10

# The web origins whose browser clients may call the API with a token (CORS), separated by
# commas: "https://annotator.example,https://other.example". None unless set.
READER_API_CORS_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("READER_API_CORS_ORIGINS", "").split(",")
    if origin.strip()
]
# Above the largest import (20 MB) with room for the form around it.
READER_MAX_REQUEST_BYTES = 25 * 1024 * 1024

# Never framed (the CSP says frame-ancestors 'none' too). Django's defaults already send
# nosniff and a same-origin referrer policy, and keep the session cookie HTTP-only; tests
# hold them.
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    # Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and passes Host on).
    # Only the proxy may reach the app servers, or a client could claim HTTPS itself.
    SECURE_SSL_REDIRECT = os.environ.get("READER_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # A year, subdomains included (they are the subdomains of Reader's own host name, not
    # its siblings) and preload-ready: the header alone does not put the host on browsers'
    # preload list, which takes a separate submission by whoever owns the domain.
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

    # Sign-in limits are counted in a cache every worker and app server shares: a table in
    # the database (made by `manage.py createcachetable`), so no new service is needed.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "logins": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "reader_login_limits",
        },
    }
    READER_LOGIN_CACHE = "logins"

# The reader page's rendered panel items and panes, shared by every worker of a server
# (reader/shared_cache.py): a SQLite file, "off" for none. Production only by default: a
# development server is one process.
_render_cache = os.environ.get(
    "READER_RENDER_CACHE", str(BASE_DIR / "render-cache.sqlite3") if PRODUCTION else "off"
)
READER_RENDER_CACHE = None if _render_cache == "off" else _render_cache
READER_RENDER_CACHE_BYTES = 64 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
