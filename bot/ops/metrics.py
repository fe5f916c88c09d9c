"""Prometheus metrics, in base units, with no per-user or per-chat labels."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
)

REGISTRY = CollectorRegistry()
# process_* (resident memory, CPU, open files), python_gc_* and python_info.
ProcessCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

UPDATES = Counter(
    "hirebot_updates", "Telegram updates received, by type.", ["type"], registry=REGISTRY
)
LAST_UPDATE = Gauge(
    "hirebot_last_update_received_timestamp_seconds",
    "Unix time of the last Telegram update received (0 before the first).",
    registry=REGISTRY,
)
REPLIES = Counter(
    "hirebot_replies",
    "Replies to candidates' questions, by outcome and language.",
    ["outcome", "lang"],
    registry=REGISTRY,
)
REPLY_LATENCY = Histogram(
    "hirebot_reply_latency_seconds",
    "Time to decide a reply (matching and logging), before sending it.",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
    registry=REGISTRY,
)
SEND_LATENCY = Histogram(
    "hirebot_send_latency_seconds",
    "Time for a Bot API call to succeed, rate-limit waits and retries included, by method.",
    ["method"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
    registry=REGISTRY,
)
HANDLER_ERRORS = Counter(
    "hirebot_handler_errors", "Exceptions raised by update handlers.", registry=REGISTRY
)
TELEGRAM_ERRORS = Counter(
    "hirebot_telegram_errors",
    "Errors from the Telegram Bot API, by kind.",
    ["kind"],
    registry=REGISTRY,
)
STORE_QUEUE = Gauge(
    "hirebot_store_queue_depth", "Transcript rows waiting to be written.", registry=REGISTRY
)
STORE_WRITE = Histogram(
    "hirebot_store_write_seconds",
    "Time to write one batch of transcript rows.",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0),
    registry=REGISTRY,
)
STORE_FAILURES = Counter(
    "hirebot_store_write_failures", "Batches the database refused.", registry=REGISTRY
)
RELOADS = Counter(
    "hirebot_knowledge_reloads", "Knowledge reloads, by result.", ["result"], registry=REGISTRY
)
LOOP_LAG = Gauge(
    "hirebot_loop_lag_seconds",
    "How late the event loop's last heartbeat ran.",
    registry=REGISTRY,
)
BUILD = Info("hirebot_build", "The running version.", registry=REGISTRY)

try:
    BUILD.info({"version": version("hirebot")})
except PackageNotFoundError:  # run from a checkout without installing
    BUILD.info({"version": "unknown"})


def telegram_error_kind(error: BaseException) -> str:
    """A small fixed set of kinds, from the exception's type (never its message)."""
    from telegram.error import (
        BadRequest,
        Conflict,
        Forbidden,
        NetworkError,
        RetryAfter,
        TimedOut,
    )

    for kind, cls in (
        ("conflict", Conflict),
        ("retry_after", RetryAfter),
        ("timeout", TimedOut),
        ("forbidden", Forbidden),
        ("bad_request", BadRequest),
        ("network", NetworkError),
    ):
        if isinstance(error, cls):
            return kind
    return "other"
