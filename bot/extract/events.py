"""ACLED event and sub-event types from the actions a text describes.

Trigger words are data (the table below); the rules are small: each clause scores the sub-event
types its triggers point to, an incident adds its clauses' scores (its lead clause counts double)
and the best sub-event type wins, with ACLED's precedence where triggers overlap (explosive
weapons used inside an ongoing battle stay a battle; a suicide bombing is a suicide bomb).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.enums import EventType, SubEventType
from bot.extract.text import lower_same_length
from bot.extract.word_hits import Words

__all__ = ["Trigger", "choose_event_type", "find_triggers", "irrealis_before"]

S = SubEventType

# Patterns run on lower-cased text (see ``lower_same_length``): faster than IGNORECASE.
_ON_LOWERED = 0

# (sub-event type, weight, pattern). Weights: how sure the words are about the event type.
_TRIGGERS: list[tuple[SubEventType, float, str]] = [
    (S.SUICIDE_BOMB, 4.0, r"suicide\s+(?:car\s+)?(?:bomb(?:er|ers|ing|ings)?|attack(?:er|ers)?|"
                          r"vest|belt|truck\s+bomb|blast)|blew\s+(?:him|her|them)sel(?:f|ves)\s+up|"
                          r"explosives?\s+belt|detonated\s+(?:his|her|their)\s+explosive"),
    (S.AIR_DRONE_STRIKE, 3.0, r"drone\s+(?:strike|attack|hit|struck|bomb)|air\s*strikes?|"
                              r"(?:israeli|russian|american|u\.?s\.?|turkish|coalition|saudi-led|"
                              r"military|army|aerial|precision)\s+strikes?\b|"
                              r"air\s+raids?|air\s+attacks?|warplanes?|fighter\s+jets?|"
                              r"aerial\s+(?:bombardment|attack|strike)|helicopter\s+gunships?|"
                              r"unmanned\s+aerial|(?:drones?|aircraft)\s+(?:(?:also|again|then)\s+)?(?:targeted|struck|hit|"
                              r"bombed|attacked|attack|strike|slammed|crashed\s+into)|"
                              r"drone\s+(?:assault|raid)s?|kamikaze\s+drones?|bombed\s+from\s+the\s+air|"
                              r"(?:glide|guided|aerial|barrel|cluster)\s+(?:aerial\s+)?bombs?|"
                              r"dropped\s+(?:\w+\s+)?(?:bombs?|explosives?|munitions?)|"
                              r"bombs?\s+(?:were\s+)?dropped|drones?\s+dropped|"
                              r"(?:hit|struck|targeted)\s+by\s+(?:an?\s+)?(?:[\w-]+\s+)?"
                              r"(?:drones?|warplanes?|aircraft)|"
                              r"(?:air\s+force|helicopters?)\s+(?:(?:ha[sd]|have|also|again|later|"
                              r"then)\s+){0,2}(?:struck|bombed|hit|targeted|pounded|attacked)|"
                              r"bombing\s+raids?|airstrikes?"),
    (S.SHELLING, 2.5, r"shell(?:ing|ed|s)\b|artillery|mortars?|rockets?(?![-\s]propelled)|"
                      r"katyushas?|missiles?|projectiles?|howitzers?"),
    (S.REMOTE_EXPLOSIVE, 2.5, r"\bieds?\b|improvised\s+explosive|roadside\s+bombs?|car\s+bombs?|"
                              r"explosive\s+devices?|landmines?|land\s+mines?|sticky\s+bombs?|"
                              r"booby[-\s]trap|vbieds?|bomb[-\s]laden|bomb\s+(?:exploded|"
                              r"went\s+off|blast)|explosions?|blasts?\b|bombings?\b|"
                              r"(?:planted|detonated)\s+(?:a\s+)?bomb|"
                              r"bombs?\s+(?:ripped|tore|hit|struck|killed|detonated)|"
                              # "a bomb planted on a motorcycle exploded", "a bomb hidden in a
                              # cart went off"
                              r"bombs?\s+(?:planted|hidden|placed|attached|strapped|concealed|"
                              r"fixed|fitted|left)\s+(?:[\w-]+\s+){1,6}?(?:exploded|went\s+off|"
                              r"detonated|blew\s+up)"),
    # "a bomb in Kabul on Tuesday killed 12": a bomb named as the killer, weaker than the words
    # that say how it went off; not a threat, a scare or a disposal squad
    (S.REMOTE_EXPLOSIVE, 1.5, r"(?:an?|the)\s+bomb\b(?!\s*(?:threats?|scares?|"
                              r"disposal|squads?|hoax(?:es)?|makers?|making|factory|factories|"
                              r"experts?|sniffing|shelters?|-))|bomb\s+attacks?"),
    (S.GRENADE, 3.0, r"(?<!propelled\s)(?<!propelled-)grenades?"),
    (S.ARMED_CLASH, 3.0, r"clash(?:es|ed)?\b|fighting|fought|gunfights?\b|firefights?\b|"
                         r"shoot-?outs?\b|"
                         # South Asian usage: "killed in an encounter with security forces"
                         r"(?:in|during)\s+an?\s+(?:\w+\s+)?encounter\b|encounters?\s+with\b|"
                         r"(?:exchanged|traded|exchanging|trading)\s+(?:\S+\s+)?fire|gunfire|"
                         r"exchange\s+of\s+fire|exchanged\s+fire|gun\s+battles?|battles?\b|"
                         r"confrontations?|skirmish(?:es)?|engaged\s+(?:in\s+)?(?:a\s+)?"
                         r"(?:conflict|fight|battle)|heavy\s+gunfire|armed\s+conflict|"
                         r"tribal\s+(?:conflict|dispute|feud)|overran|ambush(?:ed)?|"
                         # security operations: "an intelligence based operation", "a combing
                         # operation"
                         r"(?:military|counter-?terrorism|intelligence[-\s]based|combing|clearance|"
                         r"cordon[-\s]and[-\s]search|search[-\s]and[-\s]cordon)\s+operations?|"

                         r"rocket[-\s]propelled\s+grenades?|rpgs?\b|"
                         # an attack on armed men's positions is a battle ("attacked positions
                         # of the SDF", "stormed an army checkpoint")
                         r"(?:attack(?:ed|ing)?|raided|stormed|assaulted|struck)\s+(?:the\s+|an?\s+)?"
                         r"(?:[\w'’-]+\s+){0,3}?(?:positions|outposts?|barracks|checkpoints?|"
                         r"detachments?|garrisons?|(?:army|military)\s+(?:bases?|posts?))\b"),
    # an army's word for killing fighters, weaker than the weapon it names: "troops neutralised
    # 12 terrorists" (a battle), "neutralised 20 terrorists in an air strike" (a strike)
    (S.ARMED_CLASH, 1.5, r"neutrali[sz](?:ed|ing)\s+(?:[\w-]+\s+){0,3}?(?:terrorists|"
                         r"insurgents|militants|fighters|assailants|attackers|bandits|jihadists|"
                         r"gunmen)"),
    (S.ATTACK, 1.5, r"assassinat\w*|massacre[ds]?|"
                    r"(?:gunmen|armed\s+men|hitmen|masked\s+men|assailants)\s+(?:killed|shot|"
                    r"opened\s+fire|fired\s+(?:on|at))|"
                    r"shot\s+dead|stabb(?:ed|ing)|executed|lynch\w*|opened\s+fire\s+on\s+"
                    r"(?:civilians|worshippers|villagers|residents|a\s+crowd)|beheaded|"
                    r"killed\s+by\s+(?:unknown\s+|unidentified\s+)?(?:gunmen|assailants)|"
                    # "slaughtered 12 villagers", "hacked five farmers to death"
                    r"slaughter(?:ed|ing)|butcher(?:ed|ing)|hacked\s+(?:[\w-]+\s+){0,5}?to\s+death|"
                    r"(?:mowed|mown)\s+down"),
    # Fire turned on unarmed people is one-sided: an attack, not a clash ("sprayed gunfire on
    # panicked worshippers", "opened fire on villagers"); crowds of protesters are left to the
    # protest rules.
    (S.ATTACK, 3.5, r"(?:spray(?:ed|ing)|open(?:ed|ing)|fir(?:ed|ing)|pour(?:ed|ing))\s+"
                    r"(?:\w+\s+)?(?:gunfire|fire|bullets|shots)?\s*(?:on|at|into)\s+"
                    r"(?:the\s+)?(?:\w+\s+)?(?:civilians|worshipp?ers|villagers|residents|"
                    r"shoppers|passengers|mourners|students|pilgrims|guests|customers|patrons|"
                    r"diners|drinkers|commuters|bystanders|churchgoers|congregants|farmers|"
                    r"families|partygoers|revell?ers|people)\b"),
    (S.ABDUCTION, 2.5, r"kidnap\w*|abduct\w*|taken\s+hostage|hostages?\s+(?:were\s+)?taken|"
                       r"forcibly\s+disappeared"),
    (S.SEXUAL_VIOLENCE, 3.0, r"\brap(?:e|ed|ing)\b|sexual\s+(?:violence|assault)"),
    (S.PEACEFUL_PROTEST, 2.0, r"protest(?:s|ers|ed|ing)?\b|demonstrat(?:ion|ions|ors|ed|ing)|"
                              r"rall(?:y|ies)\b|sit-ins?|marched|protesters"),
    (S.VIOLENT_DEMONSTRATION, 1.5, r"riot(?:s|ers|ing)?|torch(?:ed|ing)|set\s+fire|"
                                   r"set\s+ablaze|threw\s+(?:rocks|stones|petrol\s+bombs|"
                                   r"molotov)|burn(?:ed|t)\s+(?:tyres|tires|the\s+office)|looted"),
    (S.MOB_VIOLENCE, 2.0, r"\bmob\b|lynch\w*|vigilantes?"),
    (S.ARRESTS, 1.2, r"arrest(?:ed|s|ing)?(?!\s+(?:record|warrants?)\b)|detain(?:ed|s|ing)?|"
                     r"apprehend(?:ed)?|taken\s+into\s+custody|rounded\s+up"),
    (S.DISRUPTED_WEAPONS_USE, 2.5, r"defus(?:ed|ing)|dismantl(?:ed|ing)|intercept(?:ed|ion|s)|"
                                   r"shot\s+down|foil(?:ed|s)|thwart(?:ed|s)|"
                                   r"bomb\s+disposal|seized\s+(?:weapons|explosives)"),
    (S.GOVERNMENT_REGAINS_TERRITORY, 2.0, r"recaptur(?:ed|es)|retook|regain(?:ed|s)\s+control|"
                                          r"liberat(?:ed|es)\s+(?:the\s+)?(?:town|city|village)"),
    (S.NON_STATE_OVERTAKES_TERRITORY, 1.5, r"seized\s+control\s+of|took\s+control\s+of|"
                                           r"(?:captured|seized|overran)\s+the\s+(?:(?:border|"
                                           r"strategic|key)\s+)?(?:town|city|village)"),
]  # fmt: skip

# One alternation with a named group per row: a single pass over each clause. The word
# boundary (and a letter: every trigger starts with one) is tested once per position, before
# the alternation, instead of once per row.
_COMBINED = re.compile(
    r"\b(?=[a-z])(?:"
    + "|".join(rf"(?P<t{i}>{pattern})" for i, (_, _, pattern) in enumerate(_TRIGGERS))
    + ")",
    _ON_LOWERED,
)
_BY_GROUP = {f"t{i}": (sub, weight) for i, (sub, weight, _) in enumerate(_TRIGGERS)}
# Per row of _TRIGGERS, words its pattern cannot match without (TestNeededWords reads them off
# the patterns): a clause with none of them is not searched. Keep the rows in step.
TRIGGER_WORDS: tuple[tuple[str, ...], ...] = (
    ("suicide", "blew", "explosive"),
    ("drone", "air", "strike", "warplane", "fighter", "aerial", "helicopter", "unmanned",
     "aircraft", "kamikaze", "bomb", "dropped"),
    ("shell", "artillery", "mortar", "rocket", "katyusha", "missile", "projectile", "howitzer"),
    ("ied", "improvised", "bomb", "explosi", "mine", "booby", "blast"),
    ("bomb",),
    ("grenade",),
    ("clash", "fight", "fought", "shoot", "fire", "battle", "confrontation", "skirmish",
     "engaged", "conflict", "tribal", "overran", "ambush", "operation", "grenade", "rpg",
     "encounter", "attack", "raided", "stormed", "assaulted", "struck"),
    ("neutrali",),
    ("assassinat", "massacre", "gunmen", "shot", "stabb", "executed", "lynch", "fire",
     "beheaded", "killed", "slaughter", "butcher", "hacked", "mow"),
    ("spray", "open", "fir", "pour"),
    ("kidnap", "abduct", "hostage", "disappeared"),
    ("rap", "sexual"),
    ("protest", "demonstrat", "rall", "sit-in", "marched"),
    ("riot", "torch", "fire", "ablaze", "threw", "burn", "looted"),
    ("mob", "lynch", "vigilante"),
    ("arrest", "detain", "apprehend", "custody", "rounded"),
    ("defus", "dismantl", "intercept", "shot", "foil", "thwart", "bomb", "seized"),
    ("recaptur", "retook", "regain", "liberat"),
    ("seized", "took", "captured", "overran"),
)  # fmt: skip
_TRIGGER_WORDS = Words(word for row in TRIGGER_WORDS for word in row)

# A generic "attack" is a battle when armed people or posts were hit, else an attack on civilians.
_ATTACK_RE = re.compile(
    r"\b(?:attack(?:ed|s|ing)?|assault(?:ed|s)?|stormed|raid(?:ed|s)?|invaded|ambush(?:ed)?|"
    r"open(?:ed|ing)?\s+fire|"
    r"fired\s+(?:on|at|upon)|gunned\s+down|"
    # "the attackers struck the hamlet of X": an armed subject's blow
    r"(?:attackers|gunmen|assailants|militants|insurgents|raiders|jihadists|rebels|bandits)"
    r"(?:,[^,.;]{1,60},)?\s+(?:also\s+|then\s+|first\s+)?struck)\b",
    _ON_LOWERED,
)
_SUB_EVENT_ORDER = {sub: index for index, sub in enumerate(SubEventType)}  # ties: the first
_ATTACK_WORDS = (
    "struck",
    "attack",
    "assault",
    "stormed",
    "raid",
    "invaded",
    "ambush",
    "fire",
    "gunned",
)  # one in each
_ARMED_TARGET_RE = re.compile(
    r"\b(?:soldiers?|troops?|army|military|police(?:men)?|officers?|checkpoints?|gendarm\w*|"
    r"police\s+station|headquarters|base|position|outposts?|patrol|convoy|fighters|forces|"
    r"militants|militiamen|guards?|barracks|peshmerga|hashd|pmf|personnel|security\s+forces)\b",
    _ON_LOWERED,
)
_CIVILIAN_TARGET_RE = re.compile(
    r"\b(?:civilians?|villagers?|residents?|communit(?:y|ies)|villages?|market|worshippers|"
    r"mosque|church|farmers|women|children|family|families|passengers|shoppers|school|"
    r"students|pilgrims|homes?|house|wedding|funeral|displaced|camp\s+for)\b",
    re.IGNORECASE,
)
_LETHAL_FORCE_RE = re.compile(
    r"\b(?:live\s+(?:ammunition|fire|rounds)|fired\s+(?:at|on|into)|shot\s+dead|opened\s+fire|"
    r"killed|killing)\b",
    re.IGNORECASE,
)
_INTERVENTION_RE = re.compile(
    r"\b(?:tear\s*gas|rubber\s+bullets|water\s+cannons?|dispers(?:e|ed|ing)|batons?|"
    r"beat(?:en)?|arrested|detained)\b",
    re.IGNORECASE,
)
_CROWD_RE = re.compile(
    r"\b(?:riot\w*|mobs?|crowds?|protest(?!ant)\w*|demonstrat\w*|youths)\b", re.I
)
# "protest" used about a statement ("in protest at the decision") is not a demonstration.
_NOT_PROTEST_RE = re.compile(
    r"\bin\s+protest\s+(?:at|against|over)\b|"
    # "a protest activist", "the protest movement": who someone is, not a demonstration
    r"\bprotest\s+(?:activists?|leaders?|movements?|organi[sz]ers?|figures?|camps?|"
    r"songs?|slogans?)\b",
    _ON_LOWERED,
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """A word or phrase that points to a sub-event type."""

    sub_event_type: SubEventType
    weight: float
    start: int
    end: int
    surface: str
    generic: bool = False  # a bare "attack(ed)": says little about what happened


def find_triggers(text: str) -> list[Trigger]:
    """Event triggers in a clause, with their weights, in order of appearance."""
    found: list[Trigger] = []
    original, text = text, lower_same_length(text)
    maybe = _TRIGGER_WORDS.in_text(text)
    for match in _COMBINED.finditer(text) if maybe else ():
        sub, weight = _BY_GROUP[match.lastgroup or ""]
        if _NEGATED_BEFORE.search(text, max(0, match.start() - 24), match.start()):
            continue  # "arrested them without clashes", "no shelling was reported"
        if _IRREALIS_BEFORE.search(text, max(0, match.start() - 70), match.start()):
            continue  # "suspected of planning attacks", "talks aimed at ending the fighting"
        if sub is S.PEACEFUL_PROTEST and _NOT_PROTEST_RE.search(
            text[max(0, match.start() - 3) : match.end() + 14]
        ):
            continue
        found.append(
            Trigger(sub, weight, match.start(), match.end(), original[match.start() : match.end()])
        )
    attacks = _ATTACK_RE.finditer(text) if any(map(text.__contains__, _ATTACK_WORDS)) else ()
    for match in attacks:
        if _IRREALIS_BEFORE.search(text, max(0, match.start() - 70), match.start()):
            continue
        # What was attacked: the words after the verb, or before a passive "was attacked".
        # What follows up to the end of the phrase: "opened fire, a police officer said" names
        # no target.
        target = _PHRASE_END.split(text[match.end() : match.end() + 50], maxsplit=1)[0]
        if re.match(r"\s*(?:by|from)\b", target):
            target = ""  # "the attack by members of the ADF": the attacker, not the target
        before = text[max(0, match.start() - 50) : match.start()]
        if re.search(r"\b(?:was|were|came\s+under|been)\s+$", before):
            target = before + " " + target
        if _ARMED_TARGET_RE.search(target) and not _CIVILIAN_TARGET_RE.search(target[:40]):
            sub, weight = S.ARMED_CLASH, 1.0
        else:
            sub, weight = S.ATTACK, 1.0
        found.append(
            Trigger(
                sub,
                weight,
                match.start(),
                match.end(),
                original[match.start() : match.end()],
                generic=True,
            )
        )
    if any(t.sub_event_type is S.ARRESTS for t in found):
        # "police raided a house and arrested four": a raid that ends in arrests is the arrest
        found = [t for t in found if not (t.generic and t.surface.lower().startswith("raid"))]
    if any(t.sub_event_type in _SEIZABLE for t in found) and _SEIZED_RE.search(text):
        # "explosive belts and two IEDs were seized": weapons found, nothing went off
        found = [
            Trigger(S.DISRUPTED_WEAPONS_USE, 1.5, t.start, t.end, t.surface, t.generic)
            if t.sub_event_type in _SEIZABLE
            else t
            for t in found
        ]
    found.sort(key=lambda t: t.start)
    return found


_PHRASE_END = re.compile(r"[,.;:!?\"“”]")
_NEGATED_BEFORE = re.compile(
    r"\b(?:without|no|never|not|nor|free\s+of)\s+(?:any\s+)?(?:\w+\s+)?$", _ON_LOWERED
)
# Before a trigger in its clause: the act is planned, threatened, feared or negotiated away,
# not done ("arrested on suspicion of planning attacks", "vowed to attack", "truce talks
# aimed at ending the fighting", "fears of renewed clashes").
_IRREALIS_BEFORE = re.compile(
    r"\b(?:plan(?:s|ned|ning)?|plot(?:s|ted|ting)?|conspir(?:acy|ing|ed)|"
    r"prepar(?:ing|ed)\s+(?:to|for)|intend(?:s|ed|ing)?\s+to|suspicion\s+of|"
    r"(?:suspected|accused)\s+of|charged\s+with|convicted\s+of|threat(?:s|en(?:s|ed|ing)?)?"
    r"\s+(?:to|of|with)|vow(?:s|ed|ing)?\s+to|warn(?:s|ed|ing)?\s+(?:of|against)|"
    r"fears?\s+of|risk\s+of|(?:aimed\s+at|in\s+order\s+to|bid\s+to|efforts?\s+to|"
    r"seeking\s+to|push\s+to|to)\s+(?:end(?:ing)?|halt(?:ing)?|stop(?:ping)?|"
    r"prevent(?:ing)?|curb(?:ing)?)|(?:talks|negotiations|summit|mediation)\s+(?:on|about|"
    r"over|to)|could|would|might)(?:\s+[\w'-]+){0,3}\s+$",
    _ON_LOWERED,
)


def irrealis_before(low: str, start: int) -> bool:
    """True when the lower-cased words right before ``start`` make what follows planned,
    threatened, feared or negotiated rather than done ("vowed to", "would", "plotting to")."""
    return _IRREALIS_BEFORE.search(low, max(0, start - 70), start) is not None


_SEIZABLE = frozenset({S.SUICIDE_BOMB, S.REMOTE_EXPLOSIVE, S.GRENADE})
_SEIZED_RE = re.compile(
    r"\b(?:(?:were|was|been)\s+(?:also\s+)?(?:seized|confiscated|found|recovered|"
    r"discovered|defused|dismantled)|seiz(?:ed|ing)|confiscat(?:ed|ing)|cache\s+of|"
    r"weapons\s+depot)\b",
    _ON_LOWERED,
)


_EXPLOSIVE = (S.SUICIDE_BOMB, S.AIR_DRONE_STRIKE, S.SHELLING, S.REMOTE_EXPLOSIVE, S.GRENADE)


def choose_event_type(
    scores: Mapping[SubEventType, float],
    *,
    text: str = "",
    civilian_victims: bool = False,
    armed_victims: bool = False,
) -> tuple[EventType, SubEventType] | None:
    """The ACLED (event type, sub-event type) for an incident's summed trigger scores.

    ``text`` (the incident's clauses) refines protests (intervention, excessive force) and
    riots; ``civilian_victims`` turns an armed attack without a battle into an attack on
    civilians; ``armed_victims`` (soldiers, fighters killed) makes an attack a battle.
    """
    if not scores:
        return None
    score = defaultdict(float, scores)
    # A suicide bombing is a suicide bomb even when "explosion" and "attack" are also said,
    # unless it opened hours of fighting the report tells more of (ACLED: a battle).
    if score[S.SUICIDE_BOMB] > 0:
        if score[S.ARMED_CLASH] >= 1.5 * score[S.SUICIDE_BOMB]:
            return EventType.BATTLES, S.ARMED_CLASH
        return EventType.EXPLOSIONS, S.SUICIDE_BOMB
    demonstration = _demonstration(score, text)
    if demonstration is not None:
        return demonstration.event_type, demonstration
    best = max(score, key=lambda s: (score[s], -_SUB_EVENT_ORDER[s]))
    if score[best] <= 0:
        return None
    best = _refine(
        best, score, text, civilian_victims=civilian_victims, armed_victims=armed_victims
    )
    return best.event_type, best


def _demonstration(score: defaultdict[SubEventType, float], text: str) -> SubEventType | None:
    """A protest or riot when crowds outweigh fighting (None otherwise)."""
    protest = score[S.PEACEFUL_PROTEST]
    riot = score[S.VIOLENT_DEMONSTRATION] + score[S.MOB_VIOLENCE]
    explosive_score = max(score[s] for s in _EXPLOSIVE)
    clash = score[S.ARMED_CLASH]
    # Demonstrators who clash with police riot; they do not fight a battle.
    clashing_crowd = protest > 0 and explosive_score == 0 and protest >= 0.5 * clash
    # A targeted killing (an activist shot dead) stays an attack when protests are only its
    # background ("one of the organisers of the 2019 protests").
    attack = score[S.ATTACK]
    if protest > 0 and (
        protest + riot >= max(clash, explosive_score, attack)
        or (clashing_crowd and attack < protest)
    ):
        if _LETHAL_FORCE_RE.search(text) and re.search(r"security|police|forces|troops",
                                                        text, re.I):  # fmt: skip
            return S.EXCESSIVE_FORCE
        if (riot >= protest * 0.75 and riot > 0) or (clash > 0 and clash >= protest):
            return S.VIOLENT_DEMONSTRATION
        if _INTERVENTION_RE.search(text):
            return S.PROTEST_WITH_INTERVENTION
        return S.PEACEFUL_PROTEST
    return None


def _refine(
    best: SubEventType,
    score: defaultdict[SubEventType, float],
    text: str,
    *,
    civilian_victims: bool,
    armed_victims: bool,
) -> SubEventType:
    """The top-scoring sub-event type corrected by the others' scores and the victims."""
    protest = score[S.PEACEFUL_PROTEST]
    if best is S.VIOLENT_DEMONSTRATION and protest == 0 and not _CROWD_RE.search(text):
        # Houses torched by armed men with no crowd in sight: an attack, not a riot.
        best = S.ATTACK
    # A bomb defused or a missile intercepted is a disrupted weapon, not an explosion.
    disrupted = score[S.DISRUPTED_WEAPONS_USE]
    if best in _EXPLOSIVE and disrupted >= 0.8 * score[best]:
        best = S.DISRUPTED_WEAPONS_USE
    # Explosive weapons used in an ongoing battle stay part of the battle (ACLED).
    if best in _EXPLOSIVE and score[S.ARMED_CLASH] >= score[best] * 0.9:
        best = S.ARMED_CLASH
    if best is S.ARRESTS and any(
        score[s] >= score[S.ARRESTS] * 0.8 for s in (*_EXPLOSIVE, S.ARMED_CLASH, S.ATTACK)
    ):
        best = max((*_EXPLOSIVE, S.ARMED_CLASH, S.ATTACK), key=lambda s: score[s])
    violent = (*_EXPLOSIVE, S.ARMED_CLASH, S.ATTACK)
    if best is S.DISRUPTED_WEAPONS_USE and (armed_victims or civilian_victims):
        # "attacked the positions, killed 60 soldiers and seized weapons": the weapons taken
        # are loot of an attack that had victims, which is the event
        strongest = max(violent, key=lambda s: score[s])
        best = strongest if score[strongest] > 0 else best
    explosive = max(_EXPLOSIVE, key=lambda s: score[s])
    if (
        best in (S.ATTACK, S.ARMED_CLASH)
        and score[explosive] >= 2.5
        and (score[best] < score[explosive] * 2 and score[S.ARMED_CLASH] < 3.0)
    ):
        best = explosive  # an attack carried out with explosives is remote violence
    if best is S.ATTACK and armed_victims:
        best = S.ARMED_CLASH  # an attack that killed soldiers or fighters is a battle
    if best is S.ATTACK and score[S.ARMED_CLASH] > 0 and not civilian_victims:
        best = S.ARMED_CLASH
    if (
        best is S.ARMED_CLASH
        and civilian_victims
        and not armed_victims  # "twenty soldiers and a civilian were killed": a battle
        and score[S.ATTACK] >= score[best]
    ):
        best = S.ATTACK
    if best is S.MOB_VIOLENCE and score[S.VIOLENT_DEMONSTRATION] > score[S.MOB_VIOLENCE]:
        best = S.VIOLENT_DEMONSTRATION
    return best


def score_triggers(triggers: Iterable[Trigger], factor: float = 1.0) -> dict[SubEventType, float]:
    """One clause's score per sub-event type: its strongest trigger of that type (times
    ``factor``); "warplanes carried out air strikes" is one air strike, not two."""
    scores: dict[SubEventType, float] = defaultdict(float)
    for trigger in triggers:
        value = trigger.weight * factor
        scores[trigger.sub_event_type] = max(scores[trigger.sub_event_type], value)
    return dict(scores)
