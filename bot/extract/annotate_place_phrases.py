"""Place phrases the gazetteer's name search reads wrongly, fixed once its mentions are found.

* A capital named by its country ("the Somali capital", "Sudan's capital") is a mention of
  that capital's town, in place of the country's name inside it; a bare "the capital" is the
  capital of the country the article is clearly about (``bot.extract.capitals``).
* A governorate named after a sea ("Red Sea" in Sudan and Egypt) is the sea in "a tanker hit
  in the Red Sea", and the governorate only when the text says so ("Red Sea state").

Runs right after ``annotate_countries``: the country votes are complete, and the places of
each clause are resolved later (``annotate_places``).
"""

from __future__ import annotations

from bot.extract.capitals import CapitalMention, CapitalReader, article_country
from bot.extract.document import Document, Resources, SentenceLayers
from bot.extract.place_roles import names_a_sea

__all__ = ["annotate_place_phrases"]


def annotate_place_phrases(doc: Document, resources: Resources) -> None:
    """Capital phrases become mentions of the capitals; sea names stop naming governorates."""
    capitals = CapitalReader.default(resources.gazetteer)
    bare: list[tuple[SentenceLayers, CapitalMention]] = []
    for sentence in doc.sentences:
        doc.checkpoint()
        _seas(sentence)
        bare.extend((sentence, c) for c in capitals.add_named(sentence))
    if bare:
        capitals.add_bare(bare, article_country(doc.context))


def _seas(sentence: SentenceLayers) -> None:
    """Drop the sea-named governorates of mentions not followed by "state" / "governorate"."""
    if not any(names_a_sea(c.name) for _, _, found in sentence.places for c in found):
        return
    places = []
    for start, end, candidates in sentence.places:
        after = sentence.low[end : end + 14]
        kept = tuple(c for c in candidates if not names_a_sea(c.name, after))
        if kept:
            places.append((start, end, kept))
    sentence.places = places
