"""Persistence: SQLModel tables, the database engine, migrations and the unit-of-work helpers.

Importing this package registers every table on ``SQLModel.metadata`` (Alembic reads it).
"""

from models.artefacts import (
    Activity,
    ActivityGoal,
    ActivityStatusReport,
    AnalysisUpdate,
    CauseAnalysis,
    Dialogue,
    EvaluationRound,
    Goal,
    IndicatorValue,
    Problem,
    ProblemPriorityArea,
    PromiseText,
    PublicVersion,
    SignOff,
    SituationPicture,
    SurveyResult,
    YearEndCompilation,
)
from models.audit import AuditEvent
from models.identity import (
    AccessToken,
    LocalPassword,
    OidcIdentity,
    SignInThrottle,
    WebSession,
)
from models.operations import Deadline, DeliveryAttempt, OutboxMessage, StatusSnapshot
from models.organisation import Organisation, Person, PriorityArea, Region
from models.promise import Agreement, AgreementParty, PartyOrganisation, Promise
from models.reminders import PromiseCalendar, ReminderSent
from models.residents import ResidentSubscription, SubscriptionRequest
from models.status import PromiseStatus

__all__ = [
    "AccessToken",
    "Activity",
    "ActivityGoal",
    "ActivityStatusReport",
    "Agreement",
    "AgreementParty",
    "AnalysisUpdate",
    "AuditEvent",
    "CauseAnalysis",
    "Deadline",
    "DeliveryAttempt",
    "Dialogue",
    "EvaluationRound",
    "Goal",
    "IndicatorValue",
    "LocalPassword",
    "OidcIdentity",
    "Organisation",
    "OutboxMessage",
    "PartyOrganisation",
    "Person",
    "PriorityArea",
    "Problem",
    "ProblemPriorityArea",
    "Promise",
    "PromiseCalendar",
    "PromiseStatus",
    "PromiseText",
    "PublicVersion",
    "Region",
    "ReminderSent",
    "ResidentSubscription",
    "SignInThrottle",
    "SignOff",
    "SituationPicture",
    "StatusSnapshot",
    "SubscriptionRequest",
    "SurveyResult",
    "WebSession",
    "YearEndCompilation",
]
