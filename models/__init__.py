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
from models.promise import Agreement, AgreementParty, Promise
from models.reminders import PromiseCalendar, ReminderSent
from models.residents import ResidentSubscription, SubscriptionRequest

__all__ = [
    "ResidentSubscription",
    "SubscriptionRequest",
    "AgreementParty",
    "ProblemPriorityArea",
    "AccessToken",
    "LocalPassword",
    "OidcIdentity",
    "SignInThrottle",
    "WebSession",
    "Activity",
    "ActivityGoal",
    "ActivityStatusReport",
    "AnalysisUpdate",
    "Agreement",
    "AuditEvent",
    "CauseAnalysis",
    "Deadline",
    "DeliveryAttempt",
    "Dialogue",
    "EvaluationRound",
    "Goal",
    "IndicatorValue",
    "Organisation",
    "OutboxMessage",
    "Person",
    "PriorityArea",
    "Problem",
    "Promise",
    "PromiseCalendar",
    "PromiseText",
    "PublicVersion",
    "Region",
    "ReminderSent",
    "SignOff",
    "SituationPicture",
    "SurveyResult",
    "StatusSnapshot",
    "YearEndCompilation",
]
