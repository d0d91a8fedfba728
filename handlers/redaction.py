"""Keep secrets out of every log line: a redaction filter and quiet HTTP loggers.

Secrets are the bot token (exactly, and anything shaped like one), the others given to
``install_redaction`` (the webhook secret, the language-model API key), and the user name and
password of any URL (``https://user:password@host/``, e.g. a Bot API server behind a proxy
given in ``TELEGRAM_API_BASE_URL``).
"""

from __future__ import annotations

import logging
import re

_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{3,15}:[A-Za-z0-9_-]{30,}")
_REPLACEMENT = "<redacted-token>"
# scheme://userinfo@ : userinfo runs up to the first "@" before any "/", "?", "#" or space.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]+@")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove known secrets and anything shaped like a bot token from a text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REPLACEMENT)
    text = _URL_USERINFO.sub(r"\1<redacted>@", text)
    return _TOKEN_SHAPE.sub(_REPLACEMENT, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites records so no secret reaches a handler."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        """Redact these exact strings plus anything shaped like a token."""
        super().__init__()
        self.secrets = tuple(secret for secret in secrets if secret)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message now, redact it, and drop the arguments."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback once, redacted, so handlers reuse the cleaned text.
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info), self.secrets)
            record.exc_info = None
        return True


def install_redaction(token: str | None, *others: str | None) -> RedactingFilter:
    """Attach the filter to every root handler and quiet httpx/httpcore (they log URLs).

    ``others`` are further secrets (the webhook secret token) kept out of the logs the same way.
    """
    log_filter = RedactingFilter(tuple(secret for secret in (token, *others) if secret))
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO)
    for handler in root.handlers:
        for existing in list(handler.filters):
            if isinstance(existing, RedactingFilter):
                handler.removeFilter(existing)
        handler.addFilter(log_filter)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return log_filter
