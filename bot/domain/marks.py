"""A marker for interface text that is translated later, where the chat's language is known."""

from __future__ import annotations


def N_(text: str) -> str:  # gettext's conventional name, found by `make messages`
    """Mark ``text`` for the catalogue without translating it here (identity).

    The core knows no chat language; ``handlers.i18n.t`` translates the marked text when it
    is shown.
    """
    return text
