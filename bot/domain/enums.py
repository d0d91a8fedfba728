"""Enumerations shared by every layer: ACLED's taxonomy, precision codes, statuses."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class DatePrecision(StrEnum):
    """How exactly an incident's date is known (ACLED time_precision 1-3)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def days(self) -> int:
        """Half-width of the window, in days, within which two dates may be the same event."""
        return {DatePrecision.DAY: 1, DatePrecision.WEEK: 7, DatePrecision.MONTH: 31}[self]


class GeoPrecision(StrEnum):
    """How exactly an incident's place is known (ACLED geo_precision, UCDP where_prec)."""

    POINT = "point"  # the town or neighbourhood itself
    NEAR = "near"  # near / outskirts of a named place
    ADMIN2 = "admin2"  # only the district is known
    ADMIN1 = "admin1"  # only the governorate / province is known
    COUNTRY = "country"  # only the country is known

    @property
    def rank(self) -> int:
        """0 for the most precise, 4 for the coarsest."""
        return list(GeoPrecision).index(self)


class ActorType(StrEnum):
    """ACLED actor types (``inter`` codes 1-8)."""

    STATE_FORCES = "state_forces"
    REBEL_GROUP = "rebel_group"
    POLITICAL_MILITIA = "political_militia"
    IDENTITY_MILITIA = "identity_militia"
    RIOTERS = "rioters"
    PROTESTERS = "protesters"
    CIVILIANS = "civilians"
    EXTERNAL_FORCES = "external_forces"

    @property
    def inter_code(self) -> int:
        """ACLED's numeric inter code."""
        return list(ActorType).index(self) + 1

    @property
    def label(self) -> str:
        """ACLED's text label, e.g. "State forces"."""
        return _ACTOR_TYPE_LABELS[self]


_ACTOR_TYPE_LABELS = {
    ActorType.STATE_FORCES: "State forces",
    ActorType.REBEL_GROUP: "Rebel groups",
    ActorType.POLITICAL_MILITIA: "Political militias",
    ActorType.IDENTITY_MILITIA: "Identity militias",
    ActorType.RIOTERS: "Rioters",
    ActorType.PROTESTERS: "Protesters",
    ActorType.CIVILIANS: "Civilians",
    ActorType.EXTERNAL_FORCES: "External/Other forces",
}


class EventType(StrEnum):
    """ACLED event types, with ACLED's exact names as values."""

    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


class SubEventType(StrEnum):
    """ACLED sub-event types, with ACLED's exact names as values."""

    ARMED_CLASH = "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "Government regains territory"
    NON_STATE_OVERTAKES_TERRITORY = "Non-state actor overtakes territory"
    CHEMICAL_WEAPON = "Chemical weapon"
    AIR_DRONE_STRIKE = "Air/drone strike"
    SUICIDE_BOMB = "Suicide bomb"
    SHELLING = "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED"
    GRENADE = "Grenade"
    SEXUAL_VIOLENCE = "Sexual violence"
    ATTACK = "Attack"
    ABDUCTION = "Abduction/forced disappearance"
    PEACEFUL_PROTEST = "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "Protest with intervention"
    EXCESSIVE_FORCE = "Excessive force against protesters"
    VIOLENT_DEMONSTRATION = "Violent demonstration"
    MOB_VIOLENCE = "Mob violence"
    AGREEMENT = "Agreement"
    ARRESTS = "Arrests"
    CHANGE_TO_GROUP = "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "Disrupted weapons use"
    HEADQUARTERS_ESTABLISHED = "Headquarters or base established"
    LOOTING = "Looting/property destruction"
    NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"
    OTHER = "Other"

    @property
    def event_type(self) -> EventType:
        """The ACLED event type this sub-event type belongs to."""
        return SUB_EVENT_PARENT[self]


SUB_EVENT_PARENT: dict[SubEventType, EventType] = {
    SubEventType.ARMED_CLASH: EventType.BATTLES,
    SubEventType.GOVERNMENT_REGAINS_TERRITORY: EventType.BATTLES,
    SubEventType.NON_STATE_OVERTAKES_TERRITORY: EventType.BATTLES,
    SubEventType.CHEMICAL_WEAPON: EventType.EXPLOSIONS,
    SubEventType.AIR_DRONE_STRIKE: EventType.EXPLOSIONS,
    SubEventType.SUICIDE_BOMB: EventType.EXPLOSIONS,
    SubEventType.SHELLING: EventType.EXPLOSIONS,
    SubEventType.REMOTE_EXPLOSIVE: EventType.EXPLOSIONS,
    SubEventType.GRENADE: EventType.EXPLOSIONS,
    SubEventType.SEXUAL_VIOLENCE: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.ATTACK: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.ABDUCTION: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.PEACEFUL_PROTEST: EventType.PROTESTS,
    SubEventType.PROTEST_WITH_INTERVENTION: EventType.PROTESTS,
    SubEventType.EXCESSIVE_FORCE: EventType.PROTESTS,
    SubEventType.VIOLENT_DEMONSTRATION: EventType.RIOTS,
    SubEventType.MOB_VIOLENCE: EventType.RIOTS,
    SubEventType.AGREEMENT: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.ARRESTS: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.CHANGE_TO_GROUP: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.DISRUPTED_WEAPONS_USE: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.HEADQUARTERS_ESTABLISHED: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.LOOTING: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.NON_VIOLENT_TRANSFER: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.OTHER: EventType.STRATEGIC_DEVELOPMENTS,
}


class CountStatus(StrEnum):
    """How a casualty figure was stated."""

    EXACT = "exact"  # "two people were killed"
    AT_LEAST = "at_least"  # "at least 30", "more than 20"
    APPROXIMATE = "approximate"  # "about 12", "dozens"
    UNKNOWN = "unknown"  # casualties mentioned but not counted
    NONE_REPORTED = "none_reported"  # "no injuries were reported" or nothing said


class SubscriptionKind(StrEnum):
    """What a chat can subscribe to."""

    PLACE = "place"  # a city / town / neighbourhood (GeoNames id or gazetteer key)
    ADMIN1 = "admin1"  # a governorate / province ("IQ-BA")
    ACTOR = "actor"  # a faction from the actor registry


class ChatType(StrEnum):
    """Telegram chat kinds."""

    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"
    CONSOLE = "console"  # the offline console chat (`sitrep chat`)


class OutboxKind(StrEnum):
    """What an outgoing message is."""

    ALERT = "alert"
    UPDATE = "update"
    DIGEST = "digest"
    NOTICE = "notice"


class IncidentStatus(StrEnum):
    """Whether an incident is shown: reviewers hide false alarms and merged duplicates."""

    ACTIVE = "active"
    RETRACTED = "retracted"  # "Not an incident": hidden from answers and digests
    MERGED = "merged"  # "Same as #N": shown through the incident it was merged into


class OutboxStatus(StrEnum):
    """Where an outgoing message is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after retries, or the chat is unreachable


class Severity(IntEnum):
    """A coarse severity for ordering and alert wording."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4
