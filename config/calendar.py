"""The deadline calendar as data: ``config/calendar.yaml``, per-region overrides, per-promise ones.

``config/calendar.yaml`` holds the defaults (shared/domain.md); ``config/calendars/<region>.yaml``
overrides parts of it for one region; a promise may carry its own override (stored in the
database, see ``effects.deadlines.set_calendar_override``). An override replaces what it names:
one stage's rule, the whole evaluation rhythm, one reminder or escalation setting; the rest
comes from below. Whatever is broken raises ConfigError naming the file (or
the promise), the key and the problem.

Also here: the clock the reminder scan uses (``current_time``): the real time, or the time
frozen with ``--now`` / ``LOFTE_NOW`` to see what would be sent on a given day.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from config.clock import current_time, local_day  # noqa: F401 - their home is config.clock
from config.documents import Source, parse_mapping
from config.errors import problems
from config.files import read_yaml_mapping
from config.settings import ConfigError
from lifecycle.deadlines import CalendarRules, DueRule
from lifecycle.errors import field_path
from lifecycle.i18n import InvalidValue
from lifecycle.reminders import ReminderLadder
from lifecycle.rounds import EXPLICIT, RHYTHMS, EvaluationRule, parse_month_day
from lifecycle.stages import CYCLE, Stage

CONFIG_DIR = Path(__file__).parent
DEFAULT_FILE = CONFIG_DIR / "calendar.yaml"
REGION_DIR = CONFIG_DIR / "calendars"

_ROLES = ("coordinator", "steering_group", "regional_coordinator")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DueRuleModel(_Strict):
    """When a stage is due: ``anchor`` plus an offset in days, weeks and months."""

    anchor: Literal["term_start", "term_end", "year_start", "year_end"]
    days: int = Field(default=0, ge=-3660, le=3660)
    weeks: int = Field(default=0, ge=-520, le=520)
    months: int = Field(default=0, ge=-120, le=120)

    def to_rule(self) -> DueRule:
        """The pure lifecycle rule."""
        return DueRule(self.anchor, self.days, self.weeks, self.months)


class EvaluationModel(_Strict):
    """The evaluation rhythm: a named rhythm, or ``explicit`` with ``dates`` (MM-DD)."""

    rhythm: str
    dates: list[str] = Field(default_factory=list)
    # Each round due this many working days after its period's cut-off (0: on the cut-off).
    due_after_working_days: int = Field(default=0, ge=0, le=60)

    @field_validator("rhythm")
    @classmethod
    def _known_rhythm(cls, value: str) -> str:
        if value not in RHYTHMS:
            raise InvalidValue(
                "okänd rytm {value!r}; använd en av {known}", value=value, known=", ".join(RHYTHMS)
            )
        return value

    @field_validator("dates")
    @classmethod
    def _month_days(cls, value: list[str]) -> list[str]:
        for text in value:
            parse_month_day(text)
        return value

    @model_validator(mode="after")
    def _dates_match_rhythm(self) -> EvaluationModel:
        if self.rhythm == EXPLICIT and not self.dates:
            raise InvalidValue(
                'rytmen \'explicit\' behöver datum, till exempel ["04-30", "08-31", "12-15"]'
            )
        if self.rhythm != EXPLICIT and self.dates:
            raise InvalidValue(
                "datum används bara med rytmen 'explicit', inte {rhythm!r}", rhythm=self.rhythm
            )
        return self


def _positive_unique(value: list[int]) -> list[int]:
    if any(n <= 0 for n in value):
        raise InvalidValue("arbetsdagar ska vara positiva heltal")
    if len(set(value)) != len(value):
        raise InvalidValue("en arbetsdag står två gånger")
    return value


class RemindersModel(_Strict):
    """The reminder ladder in working days before and after a deadline."""

    before: list[int]
    after: list[int]

    _check_before = field_validator("before")(_positive_unique)
    _check_after = field_validator("after")(_positive_unique)


class EscalationModel(_Strict):
    """Overdue by ``after_working_days``: the roles in ``to`` hear about it as well."""

    after_working_days: int | None = Field(ge=1, le=250)
    to: list[str]

    @field_validator("to")
    @classmethod
    def _known_roles(cls, value: list[str]) -> list[str]:
        for role in value:
            if role not in _ROLES:
                raise InvalidValue(
                    "okänd roll {role!r}; använd en av {known}", role=role, known=", ".join(_ROLES)
                )
        return value


class CalendarModel(_Strict):
    """A whole calendar: stage rules, later-year rules, rhythm, reminders, escalation."""

    stages: dict[Stage, DueRuleModel]
    next_years: dict[Stage, DueRuleModel]
    # No defaults here: config/calendar.yaml is the one home of every default (an override
    # is merged over it before it is validated, so every section is always there).
    evaluation: EvaluationModel
    reminders: RemindersModel
    escalation: EscalationModel
    renewal: str = Field(description="Month-day of the last cycle year the next cycle opens on")

    @field_validator("renewal")
    @classmethod
    def _renewal_month_day(cls, value: str) -> str:
        parse_month_day(value)
        return value

    @field_validator("stages", "next_years")
    @classmethod
    def _cycle_stages_only(cls, value: dict[Stage, DueRuleModel]) -> dict[Stage, DueRuleModel]:
        for stage in value:
            if stage not in CYCLE:
                raise InvalidValue(
                    "{stage!r} har ingen tidsfrist (det är inte ett steg i cykeln)",
                    stage=stage.value,
                )
        return value

    @field_validator("next_years")
    @classmethod
    def _later_year_stages(cls, value: dict[Stage, DueRuleModel]) -> dict[Stage, DueRuleModel]:
        allowed = (Stage.ACTION_PLAN, Stage.CONTINUOUS_EVALUATION, Stage.YEAR_END_COMPILATION)
        for stage in value:
            if stage not in allowed:
                raise InvalidValue(
                    "{stage!r}: ett senare år börjar om vid åtgärdsplanen; bara {allowed} har "
                    "tidsfrister för senare år",
                    stage=stage.value,
                    allowed=", ".join(s.value for s in allowed),
                )
        return value

    def to_rules(self) -> CalendarRules:
        """The pure lifecycle rules the deadline and reminder code works with."""
        return CalendarRules(
            stages={s: r.to_rule() for s, r in self.stages.items()},
            next_years={s: r.to_rule() for s, r in self.next_years.items()},
            evaluation=EvaluationRule(
                self.evaluation.rhythm,
                tuple(self.evaluation.dates),
                self.evaluation.due_after_working_days,
            ),
            ladder=ReminderLadder(
                before=tuple(sorted(self.reminders.before, reverse=True)),
                after=tuple(sorted(self.reminders.after)),
                escalate_after=self.escalation.after_working_days,
                escalate_to=tuple(self.escalation.to),
            ),
            renewal=parse_month_day(self.renewal),
        )


def _read_yaml(path: Path) -> dict[str, Any]:
    return read_yaml_mapping(path)


# How an override merges: in these sections each entry is replaced whole (a stage's rule is
# one thing: overriding its weeks must not keep the default's days); "evaluation" is replaced
# whole (a rhythm and its dates belong together); in the others each key is replaced.
_ENTRY_SECTIONS = ("stages", "next_years")
_WHOLE_SECTIONS = ("evaluation",)


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` merged over ``base``, section by section (see the rules above)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if (
            key in _WHOLE_SECTIONS
            or not isinstance(value, dict)
            or not isinstance(merged.get(key), dict)
        ):
            merged[key] = copy.deepcopy(value)
        else:
            merged[key] = {**merged[key], **copy.deepcopy(value)}
    return merged


def _validate(data: dict[str, Any], source: Source) -> CalendarModel:
    try:
        return CalendarModel.model_validate(data)
    except ValidationError as exc:
        said = problems(exc, field_path, lambda _: "")
        raise ConfigError.said("{source}: {problems}", source=source, problems=said) from exc


class CalendarSet:
    """The default calendar and every region's override, validated, with merging helpers."""

    def __init__(self, default: dict[str, Any], regions: dict[str, dict[str, Any]]):
        self.default = default
        self.regions = regions
        self._cache: dict[tuple[str, str], tuple[CalendarModel, CalendarRules, str]] = {}

    def raw(self, region_id: str, override: dict[str, Any] | None = None) -> dict[str, Any]:
        """The merged data for a region (and a promise's override), before validation."""
        data = merge(self.default, self.regions.get(region_id, {}))
        return merge(data, override) if override else data

    def resolve(
        self, region_id: str, override: dict[str, Any] | None = None, source: Source = "override"
    ) -> tuple[CalendarModel, CalendarRules, str]:
        """(model, rules, fingerprint) of the effective calendar; ConfigError names ``source``.

        The fingerprint changes exactly when the effective calendar does, so stored deadlines
        can tell that they need recomputing.
        """
        override_json = json.dumps(override or {}, sort_keys=True, default=str)
        key = (region_id, override_json)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        data = self.raw(region_id, override)
        model = _validate(data, source)
        dumped = model.model_dump(mode="json")
        if not dumped["evaluation"].get("due_after_working_days"):
            # unset: the fingerprints of calendars stored before the setting existed stay
            dumped["evaluation"].pop("due_after_working_days", None)
        canonical = json.dumps(dumped, sort_keys=True)
        fingerprint = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        result = (model, model.to_rules(), fingerprint)
        if len(self._cache) > 4096:  # per-promise overrides could otherwise grow it forever
            self._cache.clear()
        self._cache[key] = result
        return result

    def rules(self, region_id: str, override: dict[str, Any] | None = None) -> CalendarRules:
        """The effective pure rules for a region (and a promise's override)."""
        return self.resolve(region_id, override)[1]


def load_calendars(
    default_file: Path = DEFAULT_FILE,
    region_dir: Path = REGION_DIR,
    known_regions: set[str] | None = None,
) -> CalendarSet:
    """Read and validate the default calendar and every region file.

    ``known_regions`` (default: the region catalogue's ids) guards against a file named after
    a region that does not exist (a typo would otherwise be ignored silently).
    """
    default = _read_yaml(default_file)
    _validate(default, str(default_file))
    if known_regions is None:
        from config.catalogue import get_catalogue

        known_regions = set(get_catalogue().regions)
    regions: dict[str, dict[str, Any]] = {}
    if region_dir.is_dir():
        for path in sorted(region_dir.glob("*.yaml")):
            region_id = path.stem
            if region_id not in known_regions:
                raise ConfigError.said(
                    "{path}: (filnamn): {region!r} är inte en känd region (kända: {known})",
                    path=str(path),
                    region=region_id,
                    known=", ".join(sorted(known_regions)),
                )
            data = _read_yaml(path)
            _validate(merge(default, data), str(path))
            regions[region_id] = data
    return CalendarSet(default, regions)


@lru_cache(maxsize=1)
def get_calendars() -> CalendarSet:
    """The shipped calendars, loaded once per process."""
    return load_calendars()


def parse_override(text: str, source: str) -> dict[str, Any]:
    """A promise's override from YAML (or JSON) text, read with the bounded loader
    (config/documents.py); DocumentError (an InputError) naming ``source`` if it is not one
    mapping. Whether its fields are right is ``CalendarSet.resolve``'s to say."""
    return parse_mapping(text, source, max_bytes=100_000)
