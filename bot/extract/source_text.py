"""The report's text as the finisher checks it: quoted evidence and figures must really be in it,
and its headline and lead are what an incident's confidence is compared with."""

from __future__ import annotations

from collections.abc import Iterable

from bot.extract.confidence import ReportView
from bot.extract.normalize import split_sentences

__all__ = ["SourceText", "figure_in_evidence"]


class SourceText:
    """The report's text (and title), for checking that quoted evidence is really in it."""

    def __init__(self, text: str, title: str | None = None, known: Iterable[str] = ()) -> None:
        """``known``: the text's sentences in reading order, when already split (checked in
        O(1), and the first of them are the lead)."""
        self._text, self._title = text, title
        self._haystack = " ".join(f"{title or ''}\n{text}".split())
        self._sentences = [" ".join(s.split()) for s in known]
        self._known = set(self._sentences)
        self._answers: dict[str, bool] = {}  # drafts quote the same sentence many times
        self._view: ReportView | None = None

    @property
    def view(self) -> ReportView:
        """The headline and lead an incident's confidence is compared with."""
        if self._view is None:
            sentences = self._sentences or [
                self._text[start:end] for start, end in split_sentences(self._text)[:3]
            ]
            self._view = ReportView.of(self._title, sentences)
        return self._view

    def contains(self, snippet: str) -> bool:
        """Whether ``snippet`` occurs in the text (whitespace runs compare as one space)."""
        answer = self._answers.get(snippet)
        if answer is None:
            folded = " ".join(snippet.split())
            answer = bool(folded) and (folded in self._known or folded in self._haystack)
            self._answers[snippet] = answer
        return answer


def figure_in_evidence(surface: str, offset: int | None, evidence: str) -> bool:
    """Whether a figure's words are in its sentence (at ``offset`` when it is given)."""
    if not surface.strip():
        return False
    if offset is not None:
        found = evidence[offset : offset + len(surface)] == surface
    else:
        found = " ".join(surface.split()) in " ".join(evidence.split())
    return found
