"""Model replies cached on disk, so re-ingesting or re-evaluating an article never pays twice.

The key is the sha256 of (prompt version, model, title, text): a new prompt or model reads
again, the same article does not. Only replies that passed validation are stored; a corrupt
or unreadable entry counts as a miss. Writes are atomic (a temporary file, then a rename).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.llm.client import Usage
from bot.llm.schema import ModelReply, ReplyError, parse_reply

__all__ = ["CachedReply", "ReplyCache", "cache_key"]

logger = logging.getLogger(__name__)


def cache_key(text: str, title: str | None, model: str, prompt_version: str) -> str:
    """The hex sha256 naming one article's reply for one model and prompt."""
    payload = json.dumps([prompt_version, model, title or "", text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class CachedReply:
    """A stored reply and what it cost when it was first made."""

    reply: ModelReply
    usage: Usage


class ReplyCache:
    """A directory of ``<key[:2]>/<key>.json`` files; counts its hits and misses."""

    def __init__(self, directory: Path) -> None:
        """Use ``directory`` (created on first write)."""
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedReply | None:
        """The reply stored under ``key``, or None (also for an entry that no longer parses)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            reply = parse_reply(data["content"])
            usage = Usage(
                int(data.get("requests", 1)),
                data.get("prompt_tokens"),
                data.get("completion_tokens"),
            )
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError, ReplyError) as exc:
            logger.warning("ignoring a broken cache entry %s: %s", key[:12], exc)
            self.misses += 1
            return None
        self.hits += 1
        return CachedReply(reply, usage)

    def put(self, key: str, content: str, usage: Usage) -> None:
        """Store a validated reply's JSON text; a full disk is logged, never raised."""
        path = self._path(key)
        record = {
            "content": content,
            "requests": usage.requests,
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(record, handle, ensure_ascii=False)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            logger.warning("could not cache a model reply: %s", exc)
