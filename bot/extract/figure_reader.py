"""Reading one clause's casualty figures, pattern family by pattern family.

``FigureReader`` runs each family of ``figure_words`` patterns over a lower-cased clause with
parentheses and running totals blanked (the same length as the clause, so offsets hold); a span
read by one family is not read again by the next. ``casualties.find_figures`` decides whether a
clause is worth reading at all, and drops figures of plans and threats afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial
from itertools import chain

from bot.domain.enums import CountStatus
from bot.extract.figure_words import (
    BETWEEN,
    BODIES,
    BODIES_TAKEN_IN,
    GROUP_NOUN,
    MOD,
    MONTH_AFTER,
    MONTH_BEFORE,
    NAMED_KILLED,
    NAMED_SUBJECT,
    NOT_A_NAME,
    NOUN_FORM,
    OF_THEM,
    ONE_PERSON,
    PERSON_AFTER,
    RELATIVE,
    SINGLE_PERSON,
    SUBJECT_FIRST,
    SUBSET_BEFORE,
    VERB_FIRST,
    Figure,
    FigureKind,
    active_voice,
    additive,
    combine_status,
    coordinated,
    find_none,
    is_generic,
    is_year,
    kind_of,
    last_group_noun,
    modifier_status,
    parse_number,
    search_all,
    subject_of,
)
from bot.extract.spans import SpanSet
from bot.extract.toll_words import toll_matches, toll_number, toll_phrases
from bot.extract.victim_lists import (
    SINGLE_PEOPLE,
    kin_after,
    one_without_its_verb,
    person_subjects,
)
from bot.extract.word_hits import Words

# Words a figure_words pattern cannot match without (every alternative holds one; kept in step).
BODIES_WORDS = ("bodies",)
NOUN_FORM_WORDS = ("death", "killing", "martyr", "injur", "wounding", "arrest", "detention",
                   "abduction", "kidnapping", "fatalities", "dead")  # fmt: skip
TOLL_WORDS = ("toll", "number", "count", "of the", "of those", "among", "los", "between", "died",
              "succumb", "passed")  # fmt: skip
RELATIVE_WORDS = ("his", "her", "their")
SINGLE_PERSON_WORDS = ("was",)
NAMED_WORDS = ("was", "has")  # NAMED_KILLED, on the clause as written
# SUBJECT_FIRST's verbs (looked up by automaton: a long list, and most clauses pass HINT).
SUBJECT_FIRST_WORDS = ("shot", "gunned", "killed", "dead", "died", "slain", "massacred",
                       "slaughtered", "butchered", "executed", "beheaded", "murdered", "perished",
                       "lost", "burned", "martyred", "found", "wounded", "injured", "hurt",
                       "hospitali", "sustain", "with", "suffer", "arrested", "detained",
                       "captured", "apprehended", "taken", "rounded", "kidnapped", "abducted",
                       "seized", "sent", "embraced", "laid", "treated")  # fmt: skip
_SUBJECT_FIRST_VERBS = Words(SUBJECT_FIRST_WORDS)

# "killing him", "wounding her": the one person just named.
_PRONOUN_OBJECT = re.compile(
    r"\b(?P<verb>killing|wounding|injuring|shooting)\s+(?:him|her)\b(?P<dead>\s+dead\b)?"
)
# "the bodies of eight of them": part of a toll already counted, not more dead.
_OF_THEM = re.compile(r"\s+of\s+(?:them|those|whom|the\s+(?:dead|victims))\b", re.I)


def has_any(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` contains one of ``words`` (a cheap test before a costly pattern)."""
    return any(map(text.__contains__, words))


class FigureReader:
    """One clause's figures, pattern family by pattern family; a span is read only once."""

    def __init__(self, clause: str, text: str) -> None:
        self.clause = clause  # the original words
        self.text = text  # lower-cased, parentheses and cumulative parts blanked (same length)
        self.figures: list[Figure] = []
        # O(log n) overlap tests: hostile text repeats figures thousands of times
        self.taken = SpanSet()

    def _take(
        self,
        match: re.Match[str],
        kind: FigureKind,
        low: int | None,
        high: int | None,
        status: CountStatus,
        *,
        subject: str,
        generic: bool,
        additive: bool,
    ) -> None:
        """Record the figure ``match`` states (in the clause's own words); its span is read."""
        start, end = match.start(), match.end()
        surface = self.clause[start:end]
        self.figures.append(
            Figure(kind, low, high, status, start, end, surface, subject, generic, additive)
        )
        self.taken.add(start, end)

    def subset(self, start: int) -> bool:
        """True when the number follows "including" / "among them" (a part of a total)."""
        return bool(SUBSET_BEFORE.search(self.text[max(0, start - 20) : start]))

    def bodies(self) -> None:
        """Bodies found ("the bodies of 12 people"), and "no casualties" statements."""
        text = self.text
        figures = self.figures
        taken = self.taken
        if has_any(text, BODIES_WORDS):
            for match in chain(BODIES.finditer(text), BODIES_TAKEN_IN.finditer(text)):
                num = match["num"] or match["num2"]
                value = parse_number(num)
                part = _OF_THEM.match(text, match.end("num" if match["num"] else "num2"))
                if value is not None and num not in {"a", "an", "the"} and not part:
                    self._take(
                        match,
                        "killed",
                        value[0],
                        value[0],
                        value[1],
                        subject="bodies",
                        generic=True,
                        additive=False,
                    )

        for none in find_none(text):
            figures.append(none)
            taken.add(none.start, none.end)

    def tolls(self) -> None:
        """Tolls: "the death toll rose to 12", "put the toll at 12"."""
        text = self.text
        figures = self.figures
        taken = self.taken
        free = self.taken.free
        if not has_any(text, TOLL_WORDS):
            return
        for match in toll_matches(text):
            value = toll_number(match["num"])
            if value is None or not free(match.start(), match.end()):
                continue
            what = (match.groupdict().get("what") or "").lower()
            kind: FigureKind = "injured" if ("injur" in what or "wound" in what) else "killed"
            status = (
                CountStatus.AT_LEAST
                if re.search(r"at\s+least|more\s+than", match.group(0), re.I)
                else value[1]
            )
            high = value[0]
            extra = match.groupdict().get("num2")
            if match.groupdict().get("between") and extra:
                upper = parse_number(extra)
                if upper is not None and upper[0] > value[0]:
                    high, status = upper[0], CountStatus.APPROXIMATE
            figures.append(
                Figure(kind, value[0], high, status, match.start(), match.end(), match.group(0),
                       "", True, False,
                       update=bool(re.search(r"ris|rose|climb|jump|increas|went up|rais|revis|"
                                             r"died|bring|brought|tak|took|push|now\s+st(?:and|ood)|"
                                             r"reach",
                                             match.group(0), re.I)))
            )  # fmt: skip
            taken.add(match.start(), match.end())
        for phrase, match in toll_phrases(text):
            value = parse_number(match["num"])
            if value is not None and free(match.start(), match.end()):
                status = modifier_status(match.groupdict().get("mod"), value[1])
                high = phrase.upper(match, value[0])
                status = CountStatus.APPROXIMATE if high > value[0] else status
                self._take(match, phrase.kind_of(match), value[0], high, status,
                           subject=phrase.subject_of(match), generic=phrase.generic,
                           additive=phrase.additive)  # fmt: skip

    def _active(self, match: re.Match[str]) -> bool:
        """A subject-first match whose verb is active with an object of its own: "five gunmen
        first shot dead two soldiers" counts the attackers, not victims."""
        return active_voice(
            match.group(0), match["verb"], self.text[match.end() : match.end() + 30]
        )

    def subject_first(self) -> None:
        """Subject first: "six civilians and four soldiers were killed"."""
        text, free, subset = self.text, self.taken.free, self.subset
        if not _SUBJECT_FIRST_VERBS.in_text(text):
            return
        for match in search_all(SUBJECT_FIRST, text):
            if not free(match.start(), match.end()) or subset(match.start()):
                continue
            kind_or_none = None if self._active(match) else kind_of(match["verb"])
            if kind_or_none is None:
                continue
            after = text[match.end("num") : match.end("num") + 20]
            if is_year(
                match["num"], after, text[max(0, match.start("num") - 8) : match.start("num")]
            ):
                continue
            if MONTH_BEFORE.search(
                text, max(0, match.start("num") - 12), match.start("num")
            ) or MONTH_AFTER.match(after):
                continue  # "On March 20, three soldiers were killed": 20 is a day of the month
            if re.match(r"\s+of\s+(?:the|those)\s*$", match["np"] or "") and re.match(
                r"(?:dead|killed|wounded|injured|victims)\b", match["verb"]
            ):
                continue  # "relatives of one of the dead said": one of the counted, no toll
            if re.match(r"\s+of\s+(?:the|those)\s+(?:victims|dead|deceased)\b", match["np"] or ""):
                continue  # "three of the victims died at the scene": part of a toll given
            groups = coordinated(match["subj"])
            if not groups:
                continue
            if len(groups) > 1 and OF_THEM.search(match["subj"]):
                # "(three killed,) two of them fighters and one a passer-by, and nine were
                # wounded": a breakdown of the figure before, then the verb's own number
                groups = groups[-1:]
            num_word = match["num"].lower()
            # "a" counts with a singular verb; "a trader who sustained leg wounds" is a witness
            if one_without_its_verb(match) or (num_word in {"a", "an"} and " who " in match[0]):
                continue
            subject = subject_of(match["np"] or "")
            if num_word in {"a", "an"} and subject.startswith(("number", "lot", "few", "series")):
                continue
            total = sum(g[0] for g in groups) + _more_people(match["plus"])
            status = combine_status([g[1] for g in groups])
            high = total
            if len(groups) == 2 and BETWEEN.search(
                text, max(0, match.start() - 10), match.start()
            ):
                # "between 25 and 30 dead": a range; "between two armed groups left nine dead"
                total, high, status = groups[0][0], groups[1][0], CountStatus.APPROXIMATE
                if not re.search(r"\s(?:and|to|or)\s", match.group(0)):
                    total, status = high, groups[1][1]
            self._take(
                match,
                kind_or_none,
                total,
                high,
                status,
                subject=subject,
                generic=is_generic(subject) and len(groups) == 1,
                additive=additive(text, match.start(), subject, match["num"]),
            )

    def one_person(self) -> None:
        """One person: "shot dead a village chief and wounded his son"."""
        text, free, subset = self.text, self.taken.free, self.subset
        # One person: "shot dead a village chief and wounded his son" (a relative or companion),
        # "A man walking with him was wounded" (described at some length).
        for matches, words, after_total in (
            (RELATIVE.finditer, RELATIVE_WORDS, False),
            (partial(person_subjects, SINGLE_PERSON), SINGLE_PERSON_WORDS, True),
        ):
            for match in matches(text) if has_any(text, words) else ():
                if not free(match.start(), match.end()) or (after_total and subset(match.start())):
                    continue
                kind_or_none = kind_of(match["verb"])
                if kind_or_none is None:
                    continue
                self._take(
                    match,
                    kind_or_none,
                    1,
                    1,
                    CountStatus.EXACT,
                    subject=ONE_PERSON,
                    generic=False,
                    additive=False,
                )

    def verb_first(self) -> None:
        """Verb first: "gunmen killed 12 people", "left three dead"."""
        kind_or_none: FigureKind | None
        text, free = self.text, self.taken.free
        group_nouns: list[re.Match[str]] | None = None
        for match in search_all(VERB_FIRST, text):
            if not free(match.start(), match.end()):
                continue
            if group_nouns is None:
                group_nouns = list(GROUP_NOUN.finditer(text))  # once per clause, not per figure
            num_word = match["num"].lower()
            subject = subject_of(match["np"] or "")
            if subject in {"of them", "of whom"}:
                # "pursued the attackers and killed four of them": the group named before
                subject = last_group_noun(group_nouns, match.start()) or subject
            if num_word in {"a", "an"} and (
                subject.startswith(("number", "lot", "few", "series", "total")) or not subject
            ):
                continue
            after = text[match.end("num") : match.end("num") + 20]
            if is_year(match["num"], after) or re.match(r"\s*(?:of\s+thousands|thousand|million)",
                                                         after, re.I):  # fmt: skip
                continue
            verb = match["verb"].lower()
            post = (match["post"] or "").lower()
            if verb.startswith(("left", "leav")):
                if not post or "and" in post:
                    continue
                kind_or_none = "killed" if post in {"dead", "killed"} else "injured"
            else:
                kind_or_none = kind_of(verb)
            if kind_or_none is None:
                continue
            value = (1, CountStatus.EXACT) if match["one"] else parse_number(match["num"])
            if value is None:
                continue
            num3 = (match["num3"] or "").lower()
            person_after = num3 in {"a", "an"} and PERSON_AFTER.match(text, match.end("num3"))
            if num3 and (num3 not in {"a", "an", "the"} or person_after) and not post:
                extra = parse_number(num3)  # "killed a farmer and his two sons", "... a civilian"
                if extra is not None:
                    value = (value[0] + extra[0], value[1])
            elif not post and value[0] == 1 and (kin := kin_after(text, match.end())):
                value = (value[0] + kin, value[1])  # "killed a man and his wife"
            mod = re.match(rf"\s*({MOD})\s", text[match.end("verb") : match.start("num") + 1])
            status = modifier_status(mod.group(1) if mod else None, value[1])
            self._take(
                match,
                kind_or_none,
                value[0],
                value[0],
                status,
                subject=subject,
                generic=is_generic(subject),
                additive=additive(text, match.start(), subject, match["num"]),
            )

    def noun_form(self) -> None:
        """Noun forms: "the deaths of 12 people", "12 injuries"."""
        text, free, subset = self.text, self.taken.free, self.subset
        if not has_any(text, NOUN_FORM_WORDS):
            return
        for match in NOUN_FORM.finditer(text):
            if not free(match.start(), match.end()) or subset(match.start()):
                continue
            num = match["num"] or match["num2"]
            noun = (match["noun"] or match["noun2"] or "").lower()
            after = text[match.end() : match.end() + 20]
            if is_year(num, after):
                continue
            if num.lower() in {"a", "an"} and not (
                noun.startswith(("death", "injur", "wound"))
                and PERSON_AFTER.match(text, match.end())
            ):
                continue  # "the killing of a member": an earlier death, not this toll
            value, more = parse_number(num), parse_number(match["more"] or "")
            if value is None:
                continue
            value = (value[0] + more[0], value[1]) if more else value
            if noun.startswith(("death", "killing", "martyr", "fatalit", "dead")):
                kind: FigureKind = "killed"
            elif noun.startswith(("injur", "wound")):
                kind = "injured"
            elif noun.startswith(("arrest", "detention")):
                kind = "arrested"
            else:
                kind = "abducted"
            mod = re.search(
                rf"({MOD})\s+$",
                text[match.start() : match.start("num" if match["num"] else "num2")],
                re.I,
            )
            status = modifier_status(mod.group(1) if mod else None, value[1])
            self._take(
                match,
                kind,
                value[0],
                value[0],
                status,
                subject="",
                generic=True,
                additive=additive(text, match.start(), "", num),
            )

    def pronoun_object(self) -> None:
        """ "opened fire on a police officer, killing him": one person, told by a pronoun, when
        the clause counts no one else that way."""
        if " him" not in self.text and " her" not in self.text:
            return
        for match in _PRONOUN_OBJECT.finditer(self.text):
            shot = match["verb"] == "shooting"
            kind = ("killed" if match["dead"] else None) if shot else kind_of(match["verb"])
            if kind is None or any(f.kind == kind for f in self.figures):
                continue
            if self.taken.free(match.start(), match.end()):
                count = 1 + kin_after(self.text, match.end())  # "killing him and his driver"
                self._take(match, kind, count, count, CountStatus.EXACT, subject=ONE_PERSON,
                           generic=False, additive=False)  # fmt: skip

    def named_person(self) -> None:
        """One named person ("Sheikh ... was killed") when no other death is counted."""
        clause = self.clause
        figures = self.figures
        free = self.taken.free
        if not any(f.kind == "killed" for f in figures):
            # "Sheikh Muhammad al-Faisali ... was killed": one named person.
            named = NAMED_KILLED.finditer(clause) if has_any(clause, NAMED_WORDS) else ()
            for match in named:
                words = {w.lower() for w in match["name"].split()}
                if free(match.start(), match.end()) and not words & NOT_A_NAME:
                    figures.append(
                        Figure("killed", 1, 1, CountStatus.EXACT, match.start(), match.end(),
                               match.group(0), NAMED_SUBJECT, False, False)
                    )  # fmt: skip
                    break


def _more_people(phrase: str | None) -> int:
    """How many people "... and their driver" (1) or "... and her two children" (2) adds to a
    count; 0 for "and their families" or "and the others" (no number)."""
    if not phrase:
        return 0
    words = phrase.lower().split()
    for word in words[2:]:  # after "and her"
        value = parse_number(word)
        if value is not None and value[1] is CountStatus.EXACT:
            return value[0]
    return int(words[-1] in SINGLE_PEOPLE)
