"""What a language model may answer: the reply models and the strict JSON schema sent to it.

The model proposes; it never decides. Each field it fills is a quote (the place as written,
the date expression, the actor names, the words stating a figure, the sentence they are in),
so the shared finisher can check every one against the text and resolve it the same way it
resolves the rules' drafts. Pure: no I/O.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.domain.enums import SubEventType

__all__ = [
    "MAX_INCIDENTS",
    "ModelFigure",
    "ModelIncident",
    "ModelReply",
    "ReplyError",
    "parse_reply",
    "reply_schema",
]

MAX_INCIDENTS = 12
MAX_QUOTE = 600

# The sub-event types by their ACLED names; the event type follows from the sub-event type,
# so the model cannot send an inconsistent pair.
SubEventName = Literal[
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Chemical weapon",
    "Air/drone strike",
    "Suicide bomb",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Grenade",
    "Sexual violence",
    "Attack",
    "Abduction/forced disappearance",
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    "Violent demonstration",
    "Mob violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
]


class _Reply(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelFigure(_Reply):
    """One casualty figure, with the words stating it and the sentence they are in."""

    kind: Literal["killed", "injured", "arrested", "abducted"]
    count: int | None = Field(ge=0, le=1_000_000)  # None: stated but not counted ("several")
    qualifier: Literal["exact", "at_least", "approximate"]
    quote: str = Field(min_length=1, max_length=MAX_QUOTE)  # "at least 12 people were killed"
    sentence: str = Field(min_length=1, max_length=2 * MAX_QUOTE)  # the whole sentence, verbatim


class ModelIncident(_Reply):
    """One incident as the model read it; every string is a verbatim quote from the article."""

    sub_event_type: SubEventName
    event_quote: str = Field(min_length=1, max_length=2 * MAX_QUOTE)  # the sentence reporting it
    place: str | None = Field(max_length=200)  # the place as written, None when none is named
    place_role: Literal["at", "near", "country"]
    country: str | None = Field(pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2, when clear
    date_expression: str | None = Field(max_length=200)  # "on Tuesday", "3 May"; None if none
    actors: list[str] = Field(max_length=8)  # the parties' names as written
    figures: list[ModelFigure] = Field(max_length=12)
    main_event: bool  # the report's main news
    earlier_event: bool  # a reference to an earlier event, not the news

    @property
    def sub_event(self) -> SubEventType:
        """The sub-event type as the domain enum."""
        return SubEventType(self.sub_event_type)


class ModelReply(_Reply):
    """The whole answer: the incidents the article reports (possibly none)."""

    incidents: list[ModelIncident] = Field(max_length=MAX_INCIDENTS)


class ReplyError(ValueError):
    """A reply that is not JSON (``malformed``) or breaks the schema (``schema``)."""

    def __init__(self, kind: Literal["malformed", "schema"], detail: str) -> None:
        """``kind`` says which; ``detail`` is short and never echoes the whole reply."""
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def parse_reply(content: str) -> ModelReply:
    """Validate a model's text as a ``ModelReply``; raise ``ReplyError`` saying what is wrong.

    Servers without structured output sometimes wrap JSON in a Markdown fence or add a
    sentence before it; the outermost ``{...}`` is taken, and nothing else is repaired.
    """
    text = content.strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ReplyError("malformed", "no JSON object in the reply")
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ReplyError("malformed", f"invalid JSON at character {exc.pos}") from None
    try:
        return ModelReply.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'reply'}: {err['msg']}"
            for err in exc.errors()[:5]
        )
        raise ReplyError("schema", f"{exc.error_count()} error(s): {problems}") from None


@functools.cache
def reply_schema() -> dict[str, Any]:
    """The JSON schema of ``ModelReply`` in the form strict structured output accepts.

    OpenAI's strict mode (and the llama.cpp / vLLM grammars built from it) wants every
    property listed in ``required``, ``additionalProperties: false`` and no defaults;
    pydantic leaves fields with defaults out of ``required``, so the schema is fixed here.
    Built once; callers must not change it.
    """
    schema = copy.deepcopy(ModelReply.model_json_schema())
    _strict(schema)
    return schema


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        # Defaults and titles mean nothing to a grammar; OpenAI's strict mode rejects string
        # lengths (the reply is validated against them here anyway).
        for keyword in ("default", "title", "minLength", "maxLength"):
            if not isinstance(node.get(keyword), dict):
                node.pop(keyword, None)
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        for value in node.values():
            _strict(value)
    elif isinstance(node, list):
        for item in node:
            _strict(item)
    return node
