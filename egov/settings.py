"""Settings for egov: one module, every deployment-specific value from the environment.

See docs/operations.md for the full list of variables and production examples.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from egov.lib.env import env_bool, env_int, env_list, env_str, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EGOV_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute address of this installation, used in QR codes, e-mails and edXML endpoints.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "egov.infra",
    "egov.audit",
    "egov.org",
    "egov.accounts",
    "egov.workdays",
    "egov.notifications",
    "egov.payments",
    "egov.signatures",
    "egov.procedures",
    "egov.dossiers",
    "egov.exchange",  # before documents: its demo adds the peer the documents demo sends to
    "egov.documents",
    "egov.docstore",
    "egov.portal",
    "egov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.lib.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "egov.audit.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "egov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "egov.views.site_context",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'egov.sqlite3'}")
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        # Writers queue up instead of failing with "database is locked" in the middle of a
        # transaction; WAL lets readers go on while one writer works.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif _database["ENGINE"] == "django.db.backends.postgresql":
    _database["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")
_database["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory unless Redis is configured (rate limits use the database, not the cache).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "outbox", "periodic"],
    }
}

# Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["egov.accounts.backends.UsernameEmailOrPhoneBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", False):
    # Tests only: Argon2 is deliberately slow, and the suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins allowed per account and per client address in LOGIN_RATE_WINDOW seconds.
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 5)
LOGIN_RATE_WINDOW = env_int("LOGIN_RATE_WINDOW", 900)
# One-time codes (registration, contact changes, password reset): valid for OTP_TTL_SECONDS,
# locked after OTP_MAX_ATTEMPTS wrong tries; at most OTP_ADDRESS_LIMIT codes per address and
# OTP_IP_LIMIT per client address in OTP_RATE_WINDOW seconds.
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 600)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5)
OTP_ADDRESS_LIMIT = env_int("OTP_ADDRESS_LIMIT", 3)
OTP_IP_LIMIT = env_int("OTP_IP_LIMIT", 10)
OTP_RATE_WINDOW = env_int("OTP_RATE_WINDOW", 900)
# Number of proxies in front of us whose X-Forwarded-For we trust (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = False  # the few scripts we have read it for fetch() calls
SECURE = env_bool("SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "egov" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "egov_language"
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "egov" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "filesystem":
    _media_storage: dict[str, object] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
elif MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", required=True),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY", required=True),
            "secret_key": env_str("S3_SECRET_KEY", required=True),
            "region_name": env_str("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _media_storage,
    # Hashed names need `collectstatic` first; development and tests serve files as they are.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

# E-mail ---------------------------------------------------------------------------------
# Development keeps every message as a file under var/mail (read them there); production sends.
EMAIL_URL = env_str("EMAIL_URL", f"file://{VAR_DIR / 'mail'}" if DEBUG else "smtp://localhost:25")
globals().update(parse_email_url(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "egov <no-reply@egov.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # font subsetting for signature stamps logs every glyph at INFO
        "fontTools": {"level": "WARNING"},
    },
}

# egov -------------------------------------------------------------------------------------
# The organ code of the installation's own top agency (the provincial People's Committee).
EGOV_PROVINCE_ORGAN_CODE = env_str("EGOV_PROVINCE_ORGAN_CODE", "000.00.00.H58")
# Dossiers received after this local time count from the next working day (Decree 61/2018).
EGOV_RECEIPT_CUTOFF = env_str("EGOV_RECEIPT_CUTOFF", "15:00")
# Parallel audit chains: more chains, less waiting between unrelated actions (see audit/models).
AUDIT_CHAINS = env_int("AUDIT_CHAINS", 16)

# Notifications (egov/notifications, docs/apps/notifications.md) ------------------------------
# The SMS brandname gateway; `make run` starts a local stand-in on port 8791.
SMS_PROVIDER_URL = env_str("SMS_PROVIDER_URL", "http://127.0.0.1:8791" if DEBUG else "")
SMS_API_KEY = env_str("SMS_API_KEY", "dev-sms-key" if DEBUG else "")
SMS_BRANDNAME = env_str("SMS_BRANDNAME", "UBND TGIANG")
SMS_CALLBACK_SECRET = env_str("SMS_CALLBACK_SECRET", "dev-sms-callback-secret" if DEBUG else "")
# Brandname SMS go out without diacritics unless this is on (Unicode: 70 characters a part).
SMS_UNICODE = env_bool("SMS_UNICODE", False)
# Per recipient address: at most this many messages per NOTIFICATIONS_RATE_WINDOW seconds.
SMS_RATE_LIMIT = env_int("SMS_RATE_LIMIT", 5)
EMAIL_RATE_LIMIT = env_int("EMAIL_RATE_LIMIT", 20)
NOTIFICATIONS_RATE_WINDOW = env_int("NOTIFICATIONS_RATE_WINDOW", 3600)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 8)
# Webhooks to integrators: attempts before giving up (backoff 30 s doubling, at most 6 h),
# and the seconds one call may take.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 12)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)

# Payments (egov/payments, docs/apps/payments.md) ----------------------------------------------
# The VNPay merchant account; `make run` starts a local stand-in gateway on port 8790. Without
# these settings online payment is switched off.
VNPAY_TMN_CODE = env_str("VNPAY_TMN_CODE", "EGOVDEMO" if DEBUG else "")
VNPAY_HASH_SECRET = env_str("VNPAY_HASH_SECRET", "dev-vnpay-hash-secret" if DEBUG else "")
VNPAY_PAYMENT_URL = env_str(
    "VNPAY_PAYMENT_URL", "http://127.0.0.1:8790/paymentv2/vpcpay.html" if DEBUG else ""
)
VNPAY_API_URL = env_str(
    "VNPAY_API_URL", "http://127.0.0.1:8790/merchant_webapi/api/transaction" if DEBUG else ""
)
# Our server's address, sent with querydr and refund requests (vnp_IpAddr).
PAYMENT_SERVER_IP = env_str("PAYMENT_SERVER_IP", "127.0.0.1")
PAYMENT_TIMEOUT_MINUTES = env_int("PAYMENT_TIMEOUT_MINUTES", 15)
# The gateway's limits per transaction (VND); UNCONFIRMED for VNPay, hence settings.
PAYMENT_MIN_AMOUNT = env_int("PAYMENT_MIN_AMOUNT", 5000)
PAYMENT_MAX_AMOUNT = env_int("PAYMENT_MAX_AMOUNT", 999_999_999)
# Largest scan accepted with a dossier, in MB.
EGOV_DOSSIER_MAX_FILE_MB = env_int("EGOV_DOSSIER_MAX_FILE_MB", 10)
# Public status lookup (/lookup/, GET /api/v1/public/dossiers/{code}): lookups per client
# address per window (seconds).
DOSSIER_LOOKUP_RATE_LIMIT = env_int("DOSSIER_LOOKUP_RATE_LIMIT", 30)
DOSSIER_LOOKUP_RATE_WINDOW = env_int("DOSSIER_LOOKUP_RATE_WINDOW", 60)

# Digital signatures (egov.signatures, docs/apps/signatures.md) ------------------------------
# PKCS#11 module of the HSM or token holding the officials' and agencies' signing keys.
SIGNATURES_PKCS11_MODULE = env_str("SIGNATURES_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
# User PIN of the tokens (or SIGNATURES_TOKEN_PIN_FILE); never in the repository.
SIGNATURES_TOKEN_PIN = env_str("SIGNATURES_TOKEN_PIN")
# Where the CA's software keys (and the demo's key files) live; created with mode 0700.
SIGNATURES_KEY_DIR = Path(env_str("SIGNATURES_KEY_DIR", str(VAR_DIR / "signatures")))
# RSA size of new CA keys.
SIGNATURES_CA_KEY_BITS = env_int("SIGNATURES_CA_KEY_BITS", 3072)
# Optional passphrase that encrypts CA key files at rest.
SIGNATURES_CA_KEY_PASSPHRASE = env_str("SIGNATURES_CA_KEY_PASSPHRASE")
# Software key files for officials and agencies are for the demo only.
SIGNATURES_ALLOW_SOFTWARE_KEYS = env_bool("SIGNATURES_ALLOW_SOFTWARE_KEYS", DEBUG)
# RFC 3161 time-stamping service; signatures carry a timestamp when it is set.
SIGNATURES_TSA_URL = env_str("SIGNATURES_TSA_URL")
# Days a published CRL stays valid (nextUpdate); a periodic job republishes before then.
SIGNATURES_CRL_DAYS = env_int("SIGNATURES_CRL_DAYS", 7)
# Public verification: largest upload, and uploads per client address per window (seconds).
SIGNATURES_VERIFY_MAX_BYTES = env_int("SIGNATURES_VERIFY_MAX_BYTES", 10 * 1024 * 1024)
SIGNATURES_VERIFY_RATE_LIMIT = env_int("SIGNATURES_VERIFY_RATE_LIMIT", 20)
SIGNATURES_VERIFY_RATE_WINDOW = env_int("SIGNATURES_VERIFY_RATE_WINDOW", 60)
# Fetch CRLs/OCSP of foreign certificates from the network while verifying (ours are local).
SIGNATURES_VERIFY_FETCH_REVOCATION = env_bool("SIGNATURES_VERIFY_FETCH_REVOCATION", False)
# What other apps call to sign a PDF (dotted path; same signature as
# egov.signatures.services.sign_pdf). Point it elsewhere to plug in another signing service.
EGOV_PDF_SIGNER = env_str("EGOV_PDF_SIGNER", "egov.signatures.services.sign_pdf")
# Official documents (egov/documents, docs/apps/documents.md) -------------------------------
# The dotted path of the PDF signer (see egov/documents/seams.py; default: the signatures
# app through egov/signatures/adapters.py; `none` = record
# the signing decision without a cryptographic signature), the default handling time of an
# incoming document in working days (UNCONFIRMED: agencies set their own), and how many working
# days before a deadline the handler is reminded.
_document_signer = env_str("EGOV_DOCUMENT_SIGNER", "egov.signatures.adapters.document_signer")
EGOV_DOCUMENT_SIGNER = "" if _document_signer.lower() == "none" else _document_signer
EGOV_DOCUMENT_HANDLING_DAYS = env_int("EGOV_DOCUMENT_HANDLING_DAYS", 10)
EGOV_DOCUMENT_REMINDER_DAYS = env_int("EGOV_DOCUMENT_REMINDER_DAYS", 2)
# One-stop forms 01–05 (egov/dossiers/rendering.py): the signer that seals their PDFs with the
# receiving agency's organisation seal; `none` = render them unsigned.
_form_signer = env_str("EGOV_DOSSIER_FORM_SIGNER", "egov.signatures.adapters.dossier_form_signer")
EGOV_DOSSIER_FORM_SIGNER = "" if _form_signer.lower() == "none" else _form_signer

# edXML exchange (egov.exchange, docs/apps/exchange.md) -----------------------------------------
# Where the agency's signing key comes from: "auto" = each agency's organisation seal in the
# PKCS#11 token when the signatures app is installed, else the installation's key file
# (egov.exchange.signing.InstallationKeyProvider forces the file key).
EXCHANGE_KEY_PROVIDER = env_str("EXCHANGE_KEY_PROVIDER", "auto")
# How long a fetched certificate revocation list of a peer's CA is kept (seconds).
EXCHANGE_CRL_CACHE_SECONDS = env_int("EXCHANGE_CRL_CACHE_SECONDS", 300)
EXCHANGE_SIGNING_KEY_FILE = env_str("EXCHANGE_SIGNING_KEY_FILE")
EXCHANGE_SIGNING_CERT_FILE = env_str("EXCHANGE_SIGNING_CERT_FILE")
# What registers received documents and hears of statuses (egov/exchange/integration.py).
EXCHANGE_DOCUMENTS_HANDLER = env_str(
    "EXCHANGE_DOCUMENTS_HANDLER", "egov.exchange.documents.DocumentsHandler"
)
EXCHANGE_MAX_PACKAGE_BYTES = env_int("EXCHANGE_MAX_PACKAGE_BYTES", 10 * 1024 * 1024)
# Retries: base·2^(n−1) seconds, at most the cap, spread by jitter; give up after MAX_ATTEMPTS.
EXCHANGE_RETRY_BASE_SECONDS = float(env_str("EXCHANGE_RETRY_BASE_SECONDS", "10"))
EXCHANGE_RETRY_CAP_SECONDS = float(env_str("EXCHANGE_RETRY_CAP_SECONDS", "3600"))
EXCHANGE_MAX_ATTEMPTS = env_int("EXCHANGE_MAX_ATTEMPTS", 30)
EXCHANGE_HTTP_TIMEOUT = env_int("EXCHANGE_HTTP_TIMEOUT", 30)
EXCHANGE_DELIVERY_CONCURRENCY = env_int("EXCHANGE_DELIVERY_CONCURRENCY", 8)
EXCHANGE_SWEEP_SECONDS = env_int("EXCHANGE_SWEEP_SECONDS", 15)
