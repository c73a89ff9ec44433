"""Settings shared by every environment. Everything that differs between machines comes from
the environment (or an optional `.env` file), read with django-environ."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Development key only: production.py requires SECRET_KEY from the environment.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-4f0c9e1b2a7d")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo mode: demo accounts and the demo banner. `make run` turns it on; production forbids it.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
IS_PRODUCTION = False
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_countries",
    "phonenumber_field",
    "djmoney",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # MediJourney: the three shared apps first, then domains in dependency order.
    "medijourney.core",
    "medijourney.accounts",
    "medijourney.privacy",
    "medijourney.safety",  # emergency signs and numbers: shared, imports no domain app
    "medijourney.glossary",  # medical terms explained: shared, imports no domain app
    "medijourney.catalog",
    "medijourney.network",
    "medijourney.discovery",
    "medijourney.cases",
    "medijourney.quotes",
    "medijourney.exchange",
    "medijourney.journeys",  # the trip after an accepted plan; nothing earlier imports it
    "medijourney.aftercare",  # follow-up after returning home, reviews, outcome figures; nothing earlier imports it
    "medijourney.interop",  # discharge summary, IPS export; nothing earlier imports it
    "medijourney.insights",  # the network's figures: reads every domain app, nothing imports it
    "medijourney.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # 503 with Retry-After while the database is unreachable (instead of a 500).
    "medijourney.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "medijourney.core.middleware.RequestContextMiddleware",
    "medijourney.core.db_routing.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "medijourney.accounts.middleware.AccountLanguageMiddleware",
    "medijourney.core.middleware.UserContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "medijourney.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "medijourney.core.middleware.PrivateCacheMiddleware",
    "medijourney.core.middleware.RateLimitMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the final answer of the login view (lockouts after repeated failures).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "medijourney" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medijourney.accounts.context_processors.site",
            ],
            # One date format on every page: {{ value|day }} (medijourney/core/dates.py).
            "builtins": ["medijourney.core.templatetags.dates"],
        },
    }
]
FORM_RENDERER = "medijourney.core.forms.AccessibleFormRenderer"

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'medijourney.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN
        # so two writers queue on the busy timeout instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
# Persistent connections on both engines: a new SQLite connection per request (opening the file
# and running the PRAGMAs above) cost a search on the embedded default 4 ms of its 14 ms of CPU.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming read replica (optional): search, compare, catalogue and hospital pages read the
# reference data from it (medijourney/core/db_routing.py says exactly what goes there and why).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["medijourney.core.db_routing.ReplicaRouter"]
REPLICA_APPS = ["catalog", "network", "discovery"]
REPLICA_READ_PATHS = [
    r"^/search/",
    r"^/compare/",
    r"^/procedures/",
    r"^/hospitals/",
    r"^/countries/",
    r"^/api/v1/(search|compare|procedures|specialties|hospitals|visa)(/|$)",
]
# After a write, the browser reads from the primary for this long (longer than replica lag).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=5.0)
# While the database is unreachable, pages and the API answer 503 with this Retry-After.
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (Django tasks API, durable database backend) ---------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# A task left RUNNING this long was orphaned by a killed worker and is queued again by the
# scheduler tick (every SCHEDULER_TICK_SECONDS). Must exceed the longest task.
TASKS_ORPHAN_SECONDS = env.float("TASKS_ORPHAN_SECONDS", default=900)
SCHEDULER_TICK_SECONDS = env.float("SCHEDULER_TICK_SECONDS", default=60)

# --- Accounts and sessions ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while a lockout lasts
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "medijourney.accounts.validators.BreachedPasswordValidator"},
]
# Optional online check of passwords against Have I Been Pwned's k-anonymity range API (only the
# first 5 hex characters of the SHA-1 leave the server). Off unless a URL is set.
PWNED_PASSWORDS_URL = env.str("PWNED_PASSWORDS_URL", default="")
# Two-factor sign-in (TOTP with recovery codes) is required for every staff role.
OTP_TOTP_ISSUER = "MediJourney"
OTP_TOTP_THROTTLE_FACTOR = 1
# Login throttling (django-axes): 5 failures for one email from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Counted as sign-in matches it: one counter per account however the email is written, and the
# client address as the rate limits see it (medijourney/accounts/lockout.py).
AXES_USERNAME_CALLABLE = "medijourney.accounts.lockout.axes_username"
AXES_CLIENT_IP_CALLABLE = "medijourney.accounts.lockout.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "medijourney.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "token", "code"]
# Idle timeout: the session lives SESSION_IDLE_SECONDS after the last request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Email ----------------------------------------------------------------------------------
# Console backend by default; set EMAIL_URL (e.g. smtp+tls://user:pass@host:587) for SMTP.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MediJourney <care@medijourney.test>")
# Named on the About and Contact pages: who runs this installation and where to write.
SITE_OPERATOR = env("SITE_OPERATOR", default="")
CONTACT_EMAIL = env("CONTACT_EMAIL", default="care@medijourney.test")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each name in its own language (the switcher shows them so). How each catalogue was produced and
# whether a medical translator has reviewed it: medijourney/core/languages.py (and the About page).
LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("bn", "বাংলা"),
]
LANGUAGES_BIDI = ["ar"]
LANGUAGE_COOKIE_NAME = "mj_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "medijourney" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files and private media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "medijourney" / "static",
    # Front-end libraries installed by npm at set-up (nothing third-party is committed).
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
]
# Documents live outside the web root; only permission-checked views serve them.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    # One-laptop mode serves static files straight from their folders (no collectstatic step);
    # production.py switches to hashed, compressed files made by collectstatic.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = "/never-served/"  # no public media: documents go through views that check access

# --- Money and countries --------------------------------------------------------------------
CURRENCIES = None  # django-money: every ISO 4217 currency
DEFAULT_CURRENCY = "USD"
COUNTRIES_FIRST = []

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

# --- Security headers (production tightens further) ------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
# Rate limits: scope -> (requests, seconds), per signed-in user or per client address.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    "login": (30, 300),
    "password_reset": (10, 3600),  # per client address
    "password_reset_email": (3, 3600),  # per email address typed, known or not
    "intake": (10, 3600),
    "signup": (5, 3600),  # accepted sign-ups, per client address and per email typed
    "upload": (60, 3600),
    "message": (120, 3600),
    "export": (10, 3600),
    "partner_export": (30, 3600),  # the partner's CSV of quote requests, per person
    "opinion_request": (20, 3600),  # a patient's second-opinion request (free text)
    "presentation": (60, 3600),  # a spoke clinician's case presentation
    "letter_verify_miss": (20, 3600),  # wrong codes typed at /verify/, per client address
}
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Logging: JSON lines with a request id; never bodies, passwords, tokens or health data ----
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "medijourney.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own request logger would print the request; ours logs a safe summary instead.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # axes logs the email and address of every failed sign-in; our audit log records failures.
        "axes": {"level": "ERROR"},
        "pikepdf": {"level": "WARNING"},
    },
}

CSRF_FAILURE_VIEW = "medijourney.core.views.csrf_failure"

# --- uploads and document vault ---------------------------------------------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_FILES = env.int("UPLOAD_MAX_FILES", default=5)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# VAULT_KEYS: comma-separated "<id>:<urlsafe base64 of 32 bytes>", the first one active.
# Without it (development and demo only) a key is derived from SECRET_KEY.
VAULT_KEYS = env.list("VAULT_KEYS", default=[])
# clamd socket (a Unix socket path or host:port). Empty = no virus scanning.
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")

# --- cases ---
# The first-response promise: a human answer within this many hours, a warning before it runs out.
CASES_FIRST_RESPONSE_HOURS = env.int("CASES_FIRST_RESPONSE_HOURS", default=24)
CASES_CLOCK_WARNING_HOURS = env.int("CASES_CLOCK_WARNING_HOURS", default=4)
# Days the emailed link stays valid for the owner of an existing account to confirm an inquiry
# sent with their address (docs/security.md, "Inquiries and accounts").
INQUIRY_CONFIRM_DAYS = env.int("INQUIRY_CONFIRM_DAYS", default=7)
SIGNUP_CONFIRM_DAYS = env.int("SIGNUP_CONFIRM_DAYS", default=3)  # the link that finishes a sign-up

# --- discovery ---
# Bench only: let search and compare return the synthetic hospitals added by
# `manage.py make_synthetic_network` (ignored in demo mode and under production settings).
DISCOVERY_INCLUDE_SYNTHETIC = env.bool("DISCOVERY_INCLUDE_SYNTHETIC", default=False)
# Reuse a search's ranking and page when the rows it reads from the network are exactly those an
# earlier identical search read (results are a pure function of them); 0 recomputes every time.
DISCOVERY_RESULT_MEMO = env.bool("DISCOVERY_RESULT_MEMO", default=True)
# Keep the rows of the offers a page shows (and their hospitals' details) per search-index version,
# so a page whose offers were read before under the same version reads only the change log; any
# committed change gives the index a new version (discovery/search/pagerows.py). 0 reads them always.
DISCOVERY_PAGE_ROWS = env.bool("DISCOVERY_PAGE_ROWS", default=True)
# Each web process (config/wsgi.py) reads every procedure's search index in a background thread
# when it starts; /readyz answers 503 "warming" until then (discovery/search/warm.py).
DISCOVERY_WARM_INDEXES = env.bool("DISCOVERY_WARM_INDEXES", default=True)
# How often a web process checks whether reference data (catalogue imports, ECB rates) changed.
DISCOVERY_REFERENCE_CHECK_SECONDS = env.float("DISCOVERY_REFERENCE_CHECK_SECONDS", default=2.0)
# PostgreSQL: run search's two queries as server-side prepared statements (planned once per
# connection). Turn off behind a pooler that cannot keep prepared statements (PgBouncer < 1.21).
DISCOVERY_PG_PREPARED_STATEMENTS = env.bool("DISCOVERY_PG_PREPARED_STATEMENTS", default=True)

# --- quotes ---
# Hours a hospital has to answer a quote request, and how long before the deadline it is reminded.
QUOTES_RESPONSE_HOURS = env.int("QUOTES_RESPONSE_HOURS", default=48)
QUOTES_REMINDER_HOURS_BEFORE = env.int("QUOTES_REMINDER_HOURS_BEFORE", default=12)
# Second opinions (exchange): working days the specialist has, in their own time zone.
EXCHANGE_OPINION_WORKING_DAYS = env.int("EXCHANGE_OPINION_WORKING_DAYS", default=5)
