"""Roles of a place mention that never place an incident (issue 11, mechanism 1).

A place name in a report is often no event place: an allegiance ("pro-Iran factions", "the
Tehran-backed group"), the town an outlet is named after ("Dubai 24 - AFP:", "Kurdistan 24
reported"), where a speaker was ("the governor, speaking in Kyiv", "said on Thursday in
Brussels"), a person's name ("Bello said", "Mayor Yoro told"), a capital standing for its
government ("Kyiv said", "Moscow denied"), a community ("the Kokang people", "Fulani
herders") or an armed group named after it ("the Grand Ravine gang"). :func:`mention_role`
reads the lower-cased words right around a mention and names
the role, or returns None when nothing marks it as anything but a possible event place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from bot.extract.bearings import far_reference

__all__ = [
    "ACTOR_NOUN_AFTER",
    "HOME_FORCE_AFTER",
    "NOT_EVENT_AFTER",
    "country_inside_a_name",
    "inside_longer_name",
    "mention_role",
    "names_a_sea",
    "names_the_scene",
    "not_an_event_place",
    "opens_as_dateline",
    "part_of_longer_name",
    "sets_the_scene",
    "starts_longer_name",
]

# After a nationality: a force or weapon, so the nationality names who acted, not where
# ("Ukrainian troops attacked the village", "a Turkish drone strike"), or a border, which is a
# neighbour's ("near the Ugandan border").
ACTOR_NOUN_AFTER = re.compile(
    r"^\s+(?:[a-z-]+\s+)?(?:troops|forces|army|military|soldiers|drones?|missiles?|"
    r"warplanes|jets|aircraft|artillery|shelling|strikes?|airstrikes?|navy|police|militias?|"
    r"fighters|rebels|separatists|border|frontier)\b"
)
# "Malian forces", "Kenyan police": a state's own forces, which mostly act at home. Their
# nationality places nothing, but tells an article that names no country where it is.
HOME_FORCE_AFTER = re.compile(
    r"^\s+(?:security\s+|armed\s+|government\s+)?(?:forces|troops|soldiers|army|military|"
    r"police|policemen|gendarmes|gendarmerie)\b"
)

# "pro-Iran", "anti-Kyiv", "Iran-backed", "Tehran-aligned", "Moscow-installed".
_ALLEGIANCE_BEFORE = re.compile(r"\b(?:pro|anti)[-\s]?$")
_ALLEGIANCE_AFTER = re.compile(
    r"^[-\s](?:backed|aligned|allied|affiliated|sponsored|funded|supported|installed|"
    r"appointed|friendly|leaning|linked|loyal|trained|armed|allied)\b"
)
# An outlet named after a place: "Dubai 24 - AFP:", "Kurdistan 24 reported", "Kabul Times".
_OUTLET_AFTER = re.compile(
    r"^\s+(?:\d{1,3}(?=\s*(?:[-\u2013\u2014:|(]|reported|said|tv|news|quoted|cited))|"
    r"(?:times|post|tribune|herald|daily|gazette|chronicle|observer|monitor|journal|"
    r"television|radio|tv|broadcasting)\b)"
)
# Where someone spoke: "speaking in Kyiv", "said on Thursday in Brussels", "told
# reporters in Geneva", "a news conference in Cairo", "told AFP by phone from Goma".
_SPEAKER_BEFORE = re.compile(
    r"\b(?:speaking|spoke|speaks|said|says|told(?:\s+\w+){0,2}|announced|declared|stated|"
    r"(?:press|news)\s+conference|statement|briefing|interview|summit|meeting|talks)"
    r"(?:\s+(?:on|late|early)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"today|yesterday|tonight))?(?:\s+(?:held|issued|given))?"
    # "speaking to local media in the capital Mogadishu", "told reporters in Geneva"
    r"(?:\s+(?:to|with)\s+(?:[\w'-]+\s+){0,2}?(?:media|reporters|journalists|press|"
    r"television|radio|agency|news\s+agency|afp|reuters|ap|bbc|dpa|xinhua))?"
    # "told Reuters by phone from Afgoye", "speaking by telephone from the capital"
    r"(?:\s+(?:by|over\s+the|on\s+the)\s+(?:tele)?phone)?"
    # "a statement from its headquarters in Abuja"
    r"(?:\s+(?:from|at)\s+(?:its|their|the)\s+(?:[\w-]+\s+)?(?:headquarters|hq|offices?))?"
    r"\s+(?:in|from|at)\s+(?:the\s+)?(?:capital\s+|city\s+of\s+)?$"
)
# Who speaks from a place, not at the scene: "officials in Kampala say", "diplomats in Geneva
# said" (the police or residents of a town speak where it happened).
_SPEAKERS_IN = re.compile(
    r"\b(?:officials|authorities|diplomats|ministers?|ministry|government|spokes(?:man|woman|"
    r"person)|analysts|observers|negotiators|mediators)\s+(?:based\s+)?in\s+(?:the\s+)?"
    r"(?:capital,?\s+)?$"
)
# Politics seated in a city, not the scene: "as political blocs in Baghdad remained deadlocked".
_POLITICS_IN = re.compile(
    r"\b(?:politicians|lawmakers|legislators|parliamentarians|political\s+(?:blocs?|parties|"
    r"leaders|elites?|factions))\s+(?:based\s+)?in\s+(?:the\s+capital,?\s+)?$"
)
# Where a speaker's office is: "the spokesman of the army's operations in Beni told ...",
# "the governor of the state in Maiduguri said ..." (the name ends the title, a verb of
# speech follows it).
_OFFICE_IN = re.compile(
    r"\b(?:spokes(?:man|woman|person)|commander|governor|administrator|head|chief|director)\s+"
    r"(?:of|for)\s+[^,.;:\"]{0,60}?\bin\s+(?:the\s+)?$"
)
# "According to the Federal Ministry of Health in Port Sudan, 11 people were killed": the
# source's seat, not the scene (a national body's; "a police captain in Muqdadiya" may be
# the scene's own police).
_ACCORDING_IN = re.compile(
    r"\baccording\s+to\s+(?:the\s+)?[^,.;:\"]{0,50}?\b(?:ministry|government|agency|office|"
    r"embassy|mission|observatory|headquarters|command|council)\b[^,.;:\"]{0,40}?\bin\s+"
    r"(?:the\s+)?$"
)
_TOLD_AFTER = re.compile(
    r"^,?\s+(?:has\s+|had\s+)?(?:told|said|says|announced|confirmed|stated|blamed|accused|"
    r"condemned|denied)\b"
)
# "in a statement signed by its spokesman Alabo Alfred in Jos": where the statement was issued
_STATEMENT_SIGNED_IN = re.compile(
    r"\b(?:statement|communiqu[eé]|release)\s+(?:signed|issued|released|sent|posted|dated)"
    r"(?:\s+by\s+[^.;:]{1,50}?)?\s+in\s+$"
)
_SPEECH_AFTER = re.compile(
    r"^,?\s+(?:say|said|says|told|claim(?:ed|s)?|insist(?:ed|s)?|believe[ds]?|estimate[ds]?|"
    r"den(?:y|ied|ies)|accuse[ds]?|condemned|warned|announced)\b"
)
# A person or a government speaking: "Bello said", "Kyiv denied", "Moscow has accused".
_SPEAKS_AFTER = re.compile(
    r"^(?:\s*,\s*(?:who|which)\b|(?:\s+(?:on|late\s+on|early\s+on)\s+(?:mon|tues|wednes|thurs|fri|"
    r"satur|sun)day)?\s+(?:has\s+|had\s+|have\s+)?(?:said|says|told|added|stated|"
    r"claimed|denied|accused|insisted|warned|vowed|condemned|announced|tweeted|wrote|called|"
    r"described|blamed|urged|pledged|promised|demanded|praised|critici[sz]ed)\b)"
)
# Cheap substring checks before the regexes (most mentions have none of these words).
_SPEAKER_CUES = ("said", "says", "told", "tell", "spe", "spoke", "announ", "declar", "stated",
                 "conference", "statement", "briefing", "interview", "summit", "meeting",
                 "talks")  # fmt: skip
_TITLE_CUES = ("gen", "col", "maj", "capt", "sgt", "president", "minister", "governor",
               "mayor", "commander", "spokes", "chief", "sheikh", "imam", "senator", "judge",
               "pastor", "father", "bishop", "mr", "ms", "dr", "lt")  # fmt: skip
_TITLE_BEFORE = re.compile(
    r"\b(?:mr|mrs|ms|dr|gen|general|col|colonel|maj|major|capt|captain|lt|sgt|president|"
    r"minister|governor|mayor|commander|spokes(?:man|woman|person)|chief|sheikh|imam|"
    r"senator|judge|pastor|father|bishop)\.?\s+$"
)
# A community or people: "the Kokang people", "Fulani herders", "the Hazara community".
_COMMUNITY_AFTER = re.compile(
    r"^\s+(?:community|communities|people|peoples|tribe|tribes|tribesmen|clan|clans|"
    r"herders|herdsmen|farmers|diaspora|ethnic\s+group|minority)\b"
)
# Where fire came from, not where it fell: "shells fired from Houthi positions in the Hawban
# area", "rockets launched from Gaza", "from their positions near Horlivka".
_ORIGIN_BEFORE = re.compile(
    r"\b(?:(?:fired|launched|lobbed)\s+from\s+(?:(?:[\w'-]+\s+){0,2}(?:positions?|areas?|bases?|"
    r"territory|direction\s+of|side\s+of)\s+)?|from\s+(?:[\w'-]+\s+){0,2}(?:positions?|bases?)\s+)"
    r"(?:(?:in|at|near|around|inside)\s+)?(?:the\s+)?(?:(?:al|el|ad|ar|as|ash|an|at|az)-)?$"
)
# An armed group named after a place: "the Grand Ravine gang", "the Sinaloa cartel".
_GROUP_AFTER = re.compile(r"^\s+(?:gangs?|cartels?|militias?|brigades?|battalions?)\b")
_EVENT_NOUN = (
    r"(?:attacks?|incident|blast|explosion|bombing|raid|ambush|assault|shooting|clash(?:es)?|"
    r"fighting|strike|massacre|killings?|violence|battle|siege|kidnapping|abduction|operation|"
    r"encounter|gunfight|firefight)"
)
_HAPPENED = r"(?:took\s+place|happened|occurred|unfolded|was\s+carried\s+out|was\s+staged)"
# Where the event was: "It took place in Lower Shabelle", "the operation was carried out in".
_SETTING = re.compile(
    rf"\b(?:it|this|the\s+(?:[\w'-]+\s+){{0,2}}{_EVENT_NOUN})\s+{_HAPPENED}\b|"
    # "The attack targeted a unit deployed near the town of Banibangou"
    rf"^(?:the|this)\s+(?:[\w'-]+\s+){{0,2}}{_EVENT_NOUN}\s+(?:targeted|hit|struck)\b|"
    rf"\bwhere\s+the\s+(?:[\w'-]+\s+){{0,2}}{_EVENT_NOUN}\s+{_HAPPENED}\b"
)
# Right after a name: an apposition that makes it the scene even when the words before gave
# it another role ("a shopkeeper from Rafah, the border town where the raid happened").
_SCENE_AFTER = re.compile(
    rf"^,?\s+(?:the|a)\s+(?:[\w'-]+\s+){{0,4}}(?:town|city|village|area|district|region|"
    rf"province|neighbou?rhood|camp|site|market)\s+where\s+the\s+(?:[\w'-]+\s+){{0,2}}"
    rf"{_EVENT_NOUN}\s+{_HAPPENED}\b"
)
# A locative word right before a name makes "X said" an unlikely person ("in Bello said" is
# not English); these keep the event reading.
_LOCATIVE_JUST_BEFORE = re.compile(r"\b(?:in|at|near|of|from|into|on|outside|inside)\s+$")


# A capital told of as its government: "accused Pyongyang of", "urged Kabul to", "warned Moscow".
_ADDRESSED_BEFORE = re.compile(
    r"\b(?:accus(?:ed|es|ing|e)|blam(?:ed|es|ing)|urg(?:ed|es|ing)|warn(?:ed|s|ing)|sanction(?:ed|s"
    r"|ing)|call(?:ed|s|ing)\s+on|press(?:ed|es|ing)|critici[sz](?:ed|es|ing))\s+$"
)
# "the central Mexico city of Salamanca", "the Gaza city of Khan Younis": a name and a kind of
# place before the place's own name.
_KIND_OF_AFTER = re.compile(r"\s+(?:city|town|village)\s+of\s+(?:the\s+)?[a-z]")
_THE_BEFORE = re.compile(r"\bthe\s+(?:[a-z-]+\s+)?$")


@lru_cache(maxsize=8192)
def mention_role(before: str, after: str) -> str | None:
    """The role of a place mention from the lower-cased text right ``before`` it (about 60
    characters) and right ``after`` it (about 40): "allegiance", "outlet", "speaker",
    "person", "community", "group" (an armed group named after it), "origin" (where fire came
    from), or None when nothing
    rules it out as the event place."""
    if _ALLEGIANCE_BEFORE.search(before) or _ALLEGIANCE_AFTER.match(after):
        return "allegiance"
    if _OUTLET_AFTER.match(after):
        return "outlet"
    if any(cue in before for cue in _SPEAKER_CUES) and _SPEAKER_BEFORE.search(before):
        return "speaker"
    if before.endswith(" in ") and (
        _STATEMENT_SIGNED_IN.search(before)
        or _POLITICS_IN.search(before)
        or (_SPEAKERS_IN.search(before) and _SPEECH_AFTER.match(after))
        or (_OFFICE_IN.search(before) and _TOLD_AFTER.match(after))
        or (after.startswith(",") and _ACCORDING_IN.search(before))
    ):
        return "speaker"  # "Ugandan officials in Kampala say the operation ..."
    last = before[-16:]
    titled = "." in last or any(title in last for title in _TITLE_CUES)
    if titled and _TITLE_BEFORE.search(before):
        return "person"
    if _SPEAKS_AFTER.match(after) and not _LOCATIVE_JUST_BEFORE.search(before):
        return "person"
    if _ADDRESSED_BEFORE.search(before):
        return "person"  # "governments have accused Pyongyang of supplying shells": a government
    if _COMMUNITY_AFTER.match(after):
        return "community"
    if _GROUP_AFTER.match(after):
        return "group"
    if "from" in before and _ORIGIN_BEFORE.search(before):
        return "origin"
    if _KIND_OF_AFTER.match(after) and _THE_BEFORE.search(before):
        return "descriptor"  # "the Gaza city of Khan Younis": the town named next
    return None


def sets_the_scene(clause: str) -> bool:
    """True when a (lower-cased) clause says where the event took place rather than telling
    an event of its own ("It took place in the Lower Shabelle province")."""
    return _SETTING.search(clause) is not None


def names_the_scene(after: str) -> bool:
    """True when the (lower-cased) words after a place name make it the event's scene ("...,
    the north Sinai town where the attack took place"); give about 100 characters."""
    return _SCENE_AFTER.match(after) is not None


# A capitalised word and a Romance particle right before a name: the name ends a longer one
# ("Horizontes del Sur", "Cartel de Sinaloa", "Villa de Leyva").
_LONGER_NAME_BEFORE = re.compile(
    r"(?<![.!?]\s)\b[A-Z][\w'\u00c0-\u024f-]+\s+(?:del|de\s+la|de\s+los|de\s+las|de|do|da|dos|das)"
    r"\s+$"
)


# The particles _LONGER_NAME_BEFORE ends with: text ending otherwise is not searched.
_PARTICLE_ENDINGS = ("del", "la", "los", "las", "de", "do", "da", "dos", "das")


def inside_longer_name(before: str) -> bool:
    """True when the original-case text right ``before`` a place name makes the name the end
    of a longer proper name, not a place of its own."""
    words = before.rstrip()
    if len(words) == len(before):
        return False  # no space right before the name
    if words.endswith(_SETTLEMENT_PREFIXES) and _PREFIX_BEFORE.search(before):
        return True  # "Puerto Miranda", "Ain Zara": a place the gazetteer does not know
    if not words.endswith(_PARTICLE_ENDINGS):
        return False  # no particle right before the name
    return _LONGER_NAME_BEFORE.search(before) is not None


# The first word of many settlements' names: "Puerto Miranda", "San Onofre", "Kafr Nabl".
_SETTLEMENT_PREFIXES = ("Puerto", "Port", "San", "Santa", "Santo", "São", "Nueva", "Nuevo",
                        "Villa", "Ciudad", "Fort", "Bandar", "Kafr", "Kfar", "Beit", "Bir",
                        "Ain", "Tell", "Ras", "Deir", "Khirbet", "Datu")  # fmt: skip
_PREFIX_BEFORE = re.compile(rf"\b(?:{'|'.join(_SETTLEMENT_PREFIXES)})\s+$")


# A Romance particle and a capitalised word right after a name: the name begins a longer one
# the gazetteer does not know ("Lanao del Norte", "Norte de Santander"), not a town of its own.
_LONGER_NAME_AFTER = re.compile(
    r"^\s+(?:del|de\s+la|de\s+los|de\s+las|de|do|da|dos|das)\s+[A-Z\u00c0-\u00de]"
    # "Slavyansk-na-Kubani", "Rostov-on-Don", "Boulogne-sur-Mer": a town's name goes on
    r"|^-(?:na|on|upon|sur|de|am|an|en|le|la|les|di|del|im)-[A-Z\u00c0-\u00de]"
)


def starts_longer_name(after: str) -> bool:
    """True when the original-case text right ``after`` a place name makes the name the start
    of a longer proper name, not a place of its own."""
    return _LONGER_NAME_AFTER.match(after) is not None


# A governorate named after a sea ("Red Sea" in Sudan and Egypt): in running text, the sea,
# unless the words after it say it is the governorate ("Red Sea state").
_SEA_NAME_RE = re.compile(r"\s(?:sea|gulf)$", re.IGNORECASE)
_GOVERNORATE_AFTER = re.compile(r"^\s*(?:state|governorate|province|region)\b", re.IGNORECASE)


def names_a_sea(name: str, after: str = "") -> bool:
    """True when a gazetteer name is a sea's ("Red Sea") and the (lower-cased) words
    ``after`` the mention do not make it the governorate of that name."""
    return _SEA_NAME_RE.search(name) is not None and not _GOVERNORATE_AFTER.match(after)


# Who gave the account, not where it happened: "a civil society leader in Masisi said".
_ROLE_IN_BEFORE = re.compile(
    r"\b(?:leader|official|spokes(?:man|woman|person)|administrator|correspondent|journalist|"
    r"lawmaker|mp|commander|chief|source|officer|activist|doctor|ministry|directorate|"
    r"department|command|cell|headquarters|group|organi[sz]ation|bod(?:y|ie)|forum|union|"
    r"association)s?\s+(?:based\s+)?in\s+(?:the\s+(?:provincial\s+|state\s+|regional\s+)?"
    r"capital,?\s+)?$",
)
_SAID_SOON_AFTER = re.compile(
    r"[^.;]{0,25}?\b(?:said|says|told|tells|reported|added|confirmed|put|puts|gave|gives|"
    r"(?:had|has|have)\s+said|"
    r"condemned|denounced|announced|stated|blamed|accused)\b",
)

# After a place name: it names something else ("Tikrit hospital", "Mrauk-U-based battalion").
NOT_EVENT_AFTER = re.compile(
    r"^(?:-based|-led|-backed|"
    # a sector or chiefdom named after two places: "the Beni-Mbau sector"
    r"-[a-z'’]+\s+(?:sector|chiefdom|groupement|collectivit(?:y|é))|"
    # "Baqubah General Hospital", "the Basra Operations Command", "Nineveh Health Directorate"
    r"\s+(?:(?!(?:where|and|as|when|after|while|the|a|an|in|at|on|to|from|said|says|by|"
    r"with|whose|its|their|his|her)\b)[a-z'’-]+\s+){0,2}"
    r"(?:hospital|morgue|medical\s+(?:centre|center|city|complex))|"
    r"\s+(?:operations|police|security|military)\s+command|"
    r"\s+(?:health|police)\s+(?:directorate|department|office|ministry)|"
    r"\s+(?:provincial|governorate|city|municipal)\s+council|"
    r"\s+(?:hospital|university|airport\s+road|governor|council|"
    r"police\s+chief|mp|representative|native)|['’]s\s+(?:governor|police|health|council|"
    r"provincial|government|mayor|(?:[a-z'’-]+\s+){0,2}(?:hospital|morgue|medical|clinic|"
    r"ministry|interior|security\s+council|authorities|officials|spokes(?:man|woman|person))))",
)
_NOT_EVENT_BEFORE = re.compile(
    r"\b(?:including|such\s+as|taken\s+to|transferred\s+to|moved\s+to|evacuated\s+to|"
    r"(?:residents?|natives?)\s+of(?:\s+(?:the\s+)?(?:district|tehsil|village|province))?|"
    r"born\s+in|from\s+the\s+province\s+of|governor\s+of|"
    # a speaker's institution: "the spokesman of the police command of Qandahar"
    r"(?:police|army|military|security|provincial)\s+(?:command|chief|department|"
    r"directorate|spokes(?:man|woman|person))\s+(?:of|in|for)|"
    # "a statement by the police headquarters in X" (an attack on it is the event's place)
    r"(?:of|by|from)\s+the\s+(?:[\w-]+\s+)?(?:police|army|military)\s+headquarters\s+(?:of|in)|"
    # an office's seat, a group's area: "the prosecutor's office, based in ...", "active in"
    r"(?:based|active|operat(?:es|ing))\s+in(?:\s+the\s+(?:[\w-]+\s+){0,2}?[\w-]+)?|"
    r"(?:brought|rushed|admitted|taken)\s+to\s+(?:\w+\s+)?hospitals?\s+in(?:\s+the\s+(?:nearby\s+|"
    r"neighbou?ring\s+)?(?:city|town)\s+of)?|hospitals?\s+(?:in|at)|"
    # "Combined Military Hospital Bannu", "DHQ Hospital Lakki Marwat": the hospital's town
    r"hospital(?:\s+(?:centre|center|complex))?(?:\s+\([a-z]{2,6}\))?(?:\s+of)?|cmh|"
    # "the Regional Institute of Medical Sciences (RIMS) in Imphal", "taken to a clinic in
    # Bunia" (a clinic or health centre may also be what was attacked)
    r"medical\s+sciences(?:\s+\([a-z]{2,8}\))?\s+(?:in|at)|(?:taken|brought|rushed|admitted|"
    r"evacuated|referred)\s+to\s+(?:an?\s+|the\s+)?(?:[\w'-]+\s+){0,3}?(?:clinic|infirmary|"
    r"dispensary|health\s+(?:centre|center|post))s?\s+(?:in|at)|"
    # the seat of a government that reacts: "the junta in Ouagadougou has not commented"
    r"(?:junta|government|regime|presidency|cabinet)\s+in|"
    # where a statement was read or given: "read on national television in Niamey", "told a
    # news conference in Kabul"
    r"(?:television|radio|tv|broadcaster|(?:news|press)\s+conference|briefing|statement|"
    r"communiqu[eé])\s+(?:(?:held|issued|released|read|broadcast|aired)\s+)?in|"
    r"(?:travell?ing|heading|going|bound|returning|on\s+(?:their|his|her)\s+way|travell?ed\s+"
    r"(?:north|south|east|west)\w*)\s+(?:to|for|towards?)"  # "a convoy heading for the town of"
    r"(?:\s+the\s+(?:[\w-]+\s+){0,3}?(?:town|city|village|capital)(?:\s+of)?)?|"
    r"(?:train|bus|flight|plane|ferry|boat|minibus|coach)e?s?\s+(?:to|for|bound\s+for)|"
    r"en\s+route\s+to|(?:hail(?:ed|ing|s)?|originally|coming)\s+from|belong(?:ed|ing)\s+to|"
    # a lawmaker's constituency: "a deputy elected from Beni", "the MP for Swat", "representing"
    r"elected\s+(?:from|for|in)|(?:deput(?:y|ies)|lawmakers?|mps?|senators?|legislators?|"
    r"parliamentarians?)\s+(?:from|for)|representing|"
    r"(?:medical|security|military|local|hospital|police|tribal|government)\s+sources?\s+in|"
    # where a witness was reached: "residents contacted by AFP from Ouagadougou"
    r"(?:contacted|reached|interviewed)\s+(?:by\s+[\w.]+\s+)?(?:by\s+(?:tele)?phone\s+)?"
    r"(?:from|in)|"
    # where the wounded were treated: "22 injured receiving treatment in Maiduguri"
    r"(?:receiving|being|under|undergoing)\s+treatment\s+(?:in|at)|treated\s+(?:in|at)|"
    r"(?:flown|airlifted|referred)\s+(?:by\s+[\w-]+\s+)?to(?:\s+the\s+(?:[\w-]+\s+)?(?:capital|city),)?|"
    # "the wounded were transported by donkey cart and car to El Obeid"
    r"(?:transported|carried|driven|ferried|trucked)\s+(?:[\w-]+\s+){0,6}?to|"
    # where a toll was given: "a medical source at Baqubah General Hospital"
    r"(?:medical|hospital|health|morgue)\s+(?:sources?|officials?|workers?|staff|"
    r"director|officers?)\s+at|"
    # where the attackers or the help came from, or went: "sent from Basra", "rockets fired
    # from Lebanon", "the attackers withdrew towards the hills of"
    r"(?:sent|dispatched|launched|fired|flew\s+in)\s+from|"
    r"(?:fled|fleeing|withdrew|withdrawing|retreated|retreating|escaped|escaping|pulled\s+back|"
    r"pulling\s+back)\s+(?:[\w-]+\s+){0,3}?(?:towards?|toward|back\s+to)|"
    # origins, not event places: "labourers from Punjab", "pilgrims from Iran"
    r"(?!(?:kilomet(?:er|re)|met(?:er|re)|mile|hour|minute|day|week|yard|km)s?\b)[a-z]+s\s+from|"
    r"(?:people|men|women|children)\s+from|"
    # one person's home town: "a 22-year-old corporal from Diwaniyah", "a farmer from Jos"
    r"\b(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:corporal|soldier|policeman|policewoman|officer|"
    r"sergeant|private|conscript|man|woman|boy|girl|student|teacher|farmer|trader|native|"
    r"father|mother|son|daughter|journalist|doctor|nurse|driver|shepherd|labou?rer)\s+from|"
    r"borders?\s+(?:with|of)|bordering|(?:frontier|border)\s+(?:between|with)\s+(?:\w+\s+)?"
    r"(?:and\s+)?|fled\s+(?:to|into)|(?:alliance|agreement|talks|relations)\s+with|"
    # the division a town just named heads: "Oicha, chief town of the Beni territory"
    r",\s+(?:the\s+)?(?:[\w-]+\s+)?(?:capital|chief[-\s]town|seat|headquarters|cent(?:re|er))\s+of(?:\s+the)?|"
    # where an official went afterwards: "the minister travelled to Arauca on Sunday"
    r"(?:travell?ed|flew)\s+(?:on\s+\w+\s+)?to|"
    r"(?:with|between)\s+(?:[\w'’-]+\s+){0,3}?and)\s+$",
)

# The far end of a road ("the road between Sidakan and the village of Sharan", "the
# Kabul-Mazar highway"): the road starts at the first town (a weak place, near it); the far
# end is no scene.
_ROAD_PAIR_END_BEFORE = re.compile(
    r"(?:\w-|\b(?:road|highway|route|motorway)\s+(?:between|linking|connecting|from)\s+"
    r"[\w'’ -]{2,40}?\s+(?:and|to|with)\s+(?:the\s+)?(?:(?:village|town|city)\s+of\s+)?)$",
)
_ROAD_WORD_AFTER = re.compile(r"^\s+(?:highway|road|motorway|expressway)\b")
# Where attackers or people went afterwards: "the attackers withdrew towards the orchards
# that link the area to the Hamrin basin".
_MOVED_AWAY_BEFORE = re.compile(
    r"\b(?:(?:fled|fleeing|withdrew|withdrawing|retreated|retreating|escaped|escaping|"
    r"pulled\s+back|pulling\s+back|disappeared)\s+(?:towards?|toward|"
    r"to|into|in\s+the\s+direction\s+of)|stretch(?:es|ing)?\s+(?:towards?|to))"
    r"\s+(?:the\s+)?(?:(?!(?:after|before|when|as|while|"
    r"in|on|at|and|but|where)\b)[a-z'’-]+\s+){0,4}?"
    r"(?:(?:of|to|around|near|adjoining|beyond)\s+(?:the\s+)?)?$|"
    r"\b(?:launched|fired|sent|dispatched)\s+from\s+(?:the\s+)?(?:[a-z'’-]+\s+){0,3}?"
    r"(?:(?:of|adjoining|around|near|beyond)\s+(?:the\s+)?)?$|"
    # "... fled again after the attack, most towards Damasak and some into Niger"
    r"(?:,|\band)\s+(?:most|many|some|others|thousands|hundreds)(?:\s+of\s+them)?"
    r"(?:\s+across\s+the\s+border)?\s+(?:towards?|to|into)\s+(?:the\s+)?$",
)


def _road_end(before: str, after: str) -> bool:
    """Whether a mention is the far end of a road named after two places."""
    if not before.endswith("-") and " and " not in before[-50:] and " to " not in before[-50:]:
        return False
    match = _ROAD_PAIR_END_BEFORE.search(before)
    if match is None:
        return False
    return not match.group(0).endswith("-") or _ROAD_WORD_AFTER.match(after) is not None


def not_an_event_place(before: str, after40: str) -> bool:
    """True when the lower-cased words around a mention (about 60 before, 40 after) make it
    no event place: a hospital's or an office's name, where a toll or a statement was given,
    where someone came from or went, a road's far end, a town a distance is told from."""
    after = after40[:32]  # "Oicha general referral hospital"
    return bool(
        NOT_EVENT_AFTER.match(after)
        or _NOT_EVENT_BEFORE.search(before)
        or (_ROLE_IN_BEFORE.search(before) and _SAID_SOON_AFTER.match(after40))
        or _road_end(before, after)
        or _MOVED_AWAY_BEFORE.search(before)
        or far_reference(before)
        or (before.endswith("the ") and _SHRINE_AFTER.match(after) is not None)
    )


# "the Imam Sahib mosque", "the Sayyida Zeinab shrine": a house of worship named after a person
# or a saint more often than after the town it stands in ("a Kabul mosque" is placed).
_SHRINE_AFTER = re.compile(
    r"^\s+(?:grand\s+|great\s+|central\s+|old\s+)?(?:mosque|shrine|church|cathedral|temple|"
    r"madrass?a|seminary|husseiniya|mausoleum|monastery)\b"
)


# "Kharkiv: ... a residential area of the city's Kyivskyi district": a part of the label's town
_WITHIN_IT = re.compile(r"\b(?:city|town|village|capital)'s\s+(?:[\w-]+\s+)?$", re.IGNORECASE)


class _Kinded(Protocol):
    @property
    def kind(self) -> str: ...


# "Bunia, Democratic Republic of Congo – MSF condemns ...", "Goma — Gunmen ...": a town, maybe
# its country, and a dash open the text.
_DASH_DATELINE_AFTER = re.compile(r"(?:,\s+(?:the\s+)?[A-Z][\w'’. -]{2,40}?)?\s+[–—-]\s")


def opens_as_dateline(
    text: str, end: int, found: Iterable[tuple[int, int, Iterable[_Kinded]]]
) -> bool:
    """ "Raipur: Four jawans were killed ... in Chhattisgarh's Bijapur district": a town that
    opens a sentence (ending at ``end``) with a colon or a dash is its dateline when it names
    another town (``found``: the sentence's mentions, with their candidate entries) that is
    not part of it. A live page's "Kharkiv: a missile hit a block of flats" names only its own."""
    if not text.startswith(":", end) and not _DASH_DATELINE_AFTER.match(text, end):
        return False
    return any(
        at > end
        and any(entry.kind != "country" for entry in entries)
        and not _WITHIN_IT.search(text, max(end, at - 24), at)
        for at, _, entries in found
    )


def country_inside_a_name(text: str, start: int, end: int, kind: str) -> bool:
    """ "Datu Saudi Ampatuan": a country's name (``kind``) inside a town's is no mention of
    the country."""
    return kind == "country" and part_of_longer_name(text, start, end)


def part_of_longer_name(text: str, start: int, end: int) -> bool:
    """True when the mention ends or begins a longer proper name ("a neighbourhood called
    Horizontes del Sur", "Lanao del Norte")."""
    return inside_longer_name(text[max(0, start - 40) : start]) or starts_longer_name(
        text[end : end + 12]
    )
