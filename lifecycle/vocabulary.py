"""The closed vocabularies of the domain (see shared/domain.md), as string enums.

Values are the English identifiers stored in the database; ``label()`` gives Swedish or English
text for people.
"""

from __future__ import annotations

from enum import StrEnum


class Party(StrEnum):
    """The two parties behind every promise."""

    POLICE = "police"
    MUNICIPALITY = "municipality"


class PictureBy(StrEnum):
    """Whose situation picture it is: one party's own, or the joint one merged from both
    ("initialt tas fram av respektive part och sedan föras samman till en gemensam", 001)."""

    POLICE = "police"
    MUNICIPALITY = "municipality"
    JOINT = "joint"


class ActivityOwner(StrEnum):
    """Who carries an activity: one party, both together, or another actor named beside it."""

    POLICE = "police"
    MUNICIPALITY = "municipality"
    JOINT = "joint"
    OTHER = "other"


class OtherActor(StrEnum):
    """The kinds of other actors that carry activities (shared/domain.md, Organisation)."""

    REGION = "region"
    SCHOOL = "school"
    SOCIAL_SERVICES = "social_services"
    HOUSING_COMPANY = "housing_company"
    PROPERTY_OWNER = "property_owner"
    TRANSPORT_ADMINISTRATION = "transport_administration"
    COUNTY_BOARD = "county_board"
    BUSINESS = "business"
    ASSOCIATION = "association"
    OTHER = "other"


class OrganisationKind(StrEnum):
    """Kinds of organisation a person can belong to."""

    MUNICIPALITY = "municipality"
    CITY_DISTRICT = "city_district"
    LOCAL_POLICE_AREA = "local_police_area"
    POLICE_REGION = "police_region"
    COUNTY_BOARD = "county_board"


class Role(StrEnum):
    """What a person does in the cycle."""

    COORDINATOR = "coordinator"
    STEERING_GROUP = "steering_group"
    REGIONAL_COORDINATOR = "regional_coordinator"
    ADMIN = "admin"


class DialogueMethod(StrEnum):
    """How a dialogue was held; ``staff_dialogue`` is with staff, not residents."""

    SURVEY = "survey"
    SAFETY_WALK = "safety_walk"
    FOCUS_GROUP = "focus_group"
    DIGITAL_DIALOGUE = "digital_dialogue"
    MEETING = "meeting"
    STAFF_DIALOGUE = "staff_dialogue"


class GoalKind(StrEnum):
    """Outcome (effektmål), process (processmål) or output (produktionsmål) goal."""

    OUTCOME = "outcome"
    PROCESS = "process"
    OUTPUT = "output"


class PreventionLevel(StrEnum):
    """Universal (for all), selective (for groups) or indicated (for individuals) prevention."""

    UNIVERSAL = "universal"
    SELECTIVE = "selective"
    INDICATED = "indicated"


class Approach(StrEnum):
    """Situational (place and opportunity) or social (people and circumstances) prevention."""

    SITUATIONAL = "situational"
    SOCIAL = "social"


class ActivityStatus(StrEnum):
    """Status of an activity as reported in an evaluation round."""

    NOT_STARTED = "not_started"
    ONGOING = "ongoing"
    DONE = "done"
    NOT_DONE = "not_done"


class Trend(StrEnum):
    """How a problem is developing."""

    RISING = "rising"
    STABLE = "stable"
    FALLING = "falling"
    UNKNOWN = "unknown"


LABELS: dict[str, tuple[str, str]] = {
    Party.POLICE: ("Polisen", "The police"),
    Party.MUNICIPALITY: ("Kommunen", "The municipality"),
    ActivityStatus.NOT_STARTED: ("Ej påbörjad", "Not started"),
    ActivityStatus.ONGOING: ("Pågår", "Ongoing"),
    ActivityStatus.DONE: ("Genomförd", "Done"),
    ActivityStatus.NOT_DONE: ("Ej genomförd", "Not done"),
    DialogueMethod.SURVEY: ("Enkät", "Survey"),
    DialogueMethod.SAFETY_WALK: ("Trygghetsvandring", "Safety walk"),
    DialogueMethod.FOCUS_GROUP: ("Fokusgrupp", "Focus group"),
    DialogueMethod.DIGITAL_DIALOGUE: ("Digital dialog", "Digital dialogue"),
    DialogueMethod.MEETING: ("Möte", "Meeting"),
    DialogueMethod.STAFF_DIALOGUE: ("Medarbetardialog", "Staff dialogue"),
    ActivityOwner.JOINT: (
        "Polisen och kommunen gemensamt",
        "The police and the municipality jointly",
    ),
    ActivityOwner.OTHER: ("Annan aktör", "Another actor"),
    OtherActor.REGION: ("Region Stockholm", "Region Stockholm"),
    OtherActor.SCHOOL: ("Skola", "School"),
    OtherActor.SOCIAL_SERVICES: ("Socialtjänsten", "Social services"),
    OtherActor.HOUSING_COMPANY: ("Bostadsbolag", "Housing company"),
    OtherActor.PROPERTY_OWNER: ("Fastighetsägare", "Property owner"),
    OtherActor.TRANSPORT_ADMINISTRATION: (
        "Trafikförvaltningen (Region Stockholm)",
        "The regional transport administration",
    ),
    OtherActor.COUNTY_BOARD: ("Länsstyrelsen", "The county administrative board"),
    OtherActor.BUSINESS: ("Näringsliv", "Business"),
    OtherActor.ASSOCIATION: ("Förening", "Association"),
    GoalKind.OUTCOME: ("Effektmål", "Outcome goal"),
    GoalKind.PROCESS: ("Processmål", "Process goal"),
    GoalKind.OUTPUT: ("Produktionsmål", "Output goal"),
    PreventionLevel.UNIVERSAL: ("Universell", "Universal"),
    PreventionLevel.SELECTIVE: ("Selektiv", "Selective"),
    PreventionLevel.INDICATED: ("Indikerad", "Indicated"),
    Approach.SITUATIONAL: ("Situationell", "Situational"),
    Approach.SOCIAL: ("Social", "Social"),
    Trend.RISING: ("Ökar", "Rising"),
    Trend.STABLE: ("Oförändrad", "Stable"),
    Trend.FALLING: ("Minskar", "Falling"),
    Trend.UNKNOWN: ("Okänd", "Unknown"),
    Role.COORDINATOR: ("Samordnare", "Coordinator"),
    Role.STEERING_GROUP: ("Styrgrupp", "Steering group"),
    Role.REGIONAL_COORDINATOR: ("Regional samordnare", "Regional coordinator"),
    Role.ADMIN: ("Administratör", "Administrator"),
    # (OrganisationKind.MUNICIPALITY shares its value, and label, with Party.MUNICIPALITY.)
    OrganisationKind.CITY_DISTRICT: ("Stadsdelsförvaltning", "City district"),
    OrganisationKind.LOCAL_POLICE_AREA: ("Lokalpolisområde", "Local police area"),
    OrganisationKind.POLICE_REGION: ("Polisregion", "Police region"),
    OrganisationKind.COUNTY_BOARD: ("Länsstyrelse", "County administrative board"),
}


def label(value: str, language: str = "sv") -> str:
    """Swedish (default) or English label of a vocabulary value; the value itself if unknown."""
    pair = LABELS.get(value)
    if pair is None:
        return str(value)
    return pair[0] if language == "sv" else pair[1]
