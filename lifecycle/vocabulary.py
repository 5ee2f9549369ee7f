"""The closed vocabularies of the domain (see shared/domain.md), as string enums.

Values are the English identifiers stored in the database; ``label()`` gives their text for
people, written here in Swedish, its English from the catalogue (``lifecycle/i18n.py``).
"""

from __future__ import annotations

from enum import StrEnum

from lifecycle.i18n import in_context

# The catalogue's context of the labels.
LABEL = "label"


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


# The labels in Swedish; their English is in the catalogue (lifecycle/translations/en.po,
# msgctxt "label" where a label's English differs from the same Swedish elsewhere).
LABELS: dict[str, str] = {
    Party.POLICE: "Polisen",
    Party.MUNICIPALITY: "Kommunen",
    ActivityStatus.NOT_STARTED: "Ej påbörjad",
    ActivityStatus.ONGOING: "Pågår",
    ActivityStatus.DONE: "Genomförd",
    ActivityStatus.NOT_DONE: "Ej genomförd",
    DialogueMethod.SURVEY: "Enkät",
    DialogueMethod.SAFETY_WALK: "Trygghetsvandring",
    DialogueMethod.FOCUS_GROUP: "Fokusgrupp",
    DialogueMethod.DIGITAL_DIALOGUE: "Digital dialog",
    DialogueMethod.MEETING: "Möte",
    DialogueMethod.STAFF_DIALOGUE: "Medarbetardialog",
    ActivityOwner.JOINT: "Polisen och kommunen gemensamt",
    ActivityOwner.OTHER: "Annan aktör",
    OtherActor.REGION: "Region Stockholm",
    OtherActor.SCHOOL: "Skola",
    OtherActor.SOCIAL_SERVICES: "Socialtjänsten",
    OtherActor.HOUSING_COMPANY: "Bostadsbolag",
    OtherActor.PROPERTY_OWNER: "Fastighetsägare",
    OtherActor.TRANSPORT_ADMINISTRATION: "Trafikförvaltningen (Region Stockholm)",
    OtherActor.COUNTY_BOARD: "Länsstyrelsen",
    OtherActor.BUSINESS: "Näringsliv",
    OtherActor.ASSOCIATION: "Förening",
    GoalKind.OUTCOME: "Effektmål",
    GoalKind.PROCESS: "Processmål",
    GoalKind.OUTPUT: "Produktionsmål",
    PreventionLevel.UNIVERSAL: "Universell",
    PreventionLevel.SELECTIVE: "Selektiv",
    PreventionLevel.INDICATED: "Indikerad",
    Approach.SITUATIONAL: "Situationell",
    Approach.SOCIAL: "Social",
    Trend.RISING: "Ökar",
    Trend.STABLE: "Oförändrad",
    Trend.FALLING: "Minskar",
    Trend.UNKNOWN: "Okänd",
    Role.COORDINATOR: "Samordnare",
    Role.STEERING_GROUP: "Styrgrupp",
    Role.REGIONAL_COORDINATOR: "Regional samordnare",
    Role.ADMIN: "Administratör",
    # (OrganisationKind.MUNICIPALITY shares its value, and label, with Party.MUNICIPALITY.)
    OrganisationKind.CITY_DISTRICT: "Stadsdelsförvaltning",
    OrganisationKind.LOCAL_POLICE_AREA: "Lokalpolisområde",
    OrganisationKind.POLICE_REGION: "Polisregion",
    OrganisationKind.COUNTY_BOARD: "Länsstyrelse",
}


def label(value: str, language: str = "sv") -> str:
    """Swedish (default) or English label of a vocabulary value; the value itself if unknown."""
    text = LABELS.get(value)
    if text is None:
        return str(value)
    return in_context(LABEL, text, language)
