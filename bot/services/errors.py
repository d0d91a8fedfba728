"""Errors the user can fix: unknown places, malformed periods, times or timezones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.marks import N_
from bot.domain.views import Target

__all__ = ["N_", "UserError"]


class UserError(Exception):
    """A mistake the user can fix; ``message`` is plain text safe to show (handlers escape it).

    ``template`` is the English text with ``{placeholders}`` filled from ``values`` (so the
    handlers can translate it first); ``message`` is the English text filled in.
    ``suggestions`` are targets the user may have meant (did-you-mean buttons); ``usage`` is an
    example of the right form, e.g. "/digest_time 07:00 or /digest_time off".
    """

    def __init__(
        self,
        template: str,
        *,
        values: Mapping[str, object] | None = None,
        suggestions: Sequence[Target] = (),
        usage: str | None = None,
    ) -> None:
        self.template = template
        self.values: dict[str, object] = dict(values or {})
        message = template.format(**self.values) if self.values else template
        super().__init__(message)
        self.message = message
        self.suggestions: list[Target] = list(suggestions)
        self.usage = usage

    def __str__(self) -> str:
        """The message, followed by the usage hint when there is one."""
        if self.usage:
            return f"{self.message}\n{self.usage}"
        return self.message
