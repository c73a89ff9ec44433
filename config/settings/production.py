"""Production settings: no defaults for secrets, DEBUG refused, HTTPS everywhere.

Each refusal names its reason in one line, so a misconfigured deploy fails at start-up rather
than running unsafely."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env


class RefusedConfiguration(ImproperlyConfigured):
    """Production settings refused to load; the message says why in one line."""


if env.bool("DEBUG", default=False):
    raise RefusedConfiguration("DEBUG is on: production must not show stack traces or settings. Unset DEBUG.")
DEBUG = False
if not env.str("SECRET_KEY", default=""):
    raise RefusedConfiguration("SECRET_KEY is not set: sessions and tokens would be forgeable. Set SECRET_KEY.")
SECRET_KEY = env.str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise RefusedConfiguration("SECRET_KEY is too short or is the development key: use 50+ random characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.bool("ALLOW_SQLITE", default=False):
    raise RefusedConfiguration(
        "DATABASE_URL points to SQLite: use PostgreSQL, or set ALLOW_SQLITE=1 for a single-machine install."
    )
if not env.list("VAULT_KEYS", default=[]):
    raise RefusedConfiguration("VAULT_KEYS is not set: documents would not be encrypted. See docs/security.md.")
if env.bool("DEMO_MODE", default=False):
    raise RefusedConfiguration("DEMO_MODE is on: demo accounts have a published password. Unset DEMO_MODE.")
DEMO_MODE = False
IS_PRODUCTION = True

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False  # run `manage.py collectstatic` at deploy time
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
