"""What the web forms of each artefact kind ask for, read off the same input models the CLI
and the API validate with (``models/kinds.py``): one field per model field, in Swedish (the
English of each label is in the catalogue). Only the web pages use it.

The pages draw the form from ``form_fields``, turn what the browser sent back into the
model's fields with ``fields_from_form``, and show ``field_errors`` at each field.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from enum import Enum
from typing import Any

from pydantic import ValidationError

from application.kinds import KINDS, MULTI_LINE
from config.clock import local_today
from lifecycle.errors import field_message
from lifecycle.fields import FIELD_LABELS as LABELS
from lifecycle.vocabulary import ActivityStatus, label

# Kinds with a form of their own (an evaluation round lists every activity and goal).
NOT_GENERIC = frozenset({"evaluation"})

# Fields that point at another artefact of the promise: which list of it to choose from.
REFERENCES = {
    "problem_id": "problems",
    "goal_id": "goals",
    "cause_analysis_id": "cause_analyses",
}
# Fields skipped by the generic form (given in a file or through the CLI instead). A person
# signing on the page signs for their own organisation, so the sign-off needs no choice.
SKIPPED = frozenset({"frame_areas", "organisation"})
# Widgets answered by choosing (a list, radio buttons or boxes to tick), not by writing: when
# one is left empty, the error says "Välj {label}." rather than "Fyll i {label}.".
CHOICE_WIDGETS = frozenset({"select", "reference", "catalogue", "catalogue_many", "checkbox"})
# Lists of places, one per line: "Vällingby centrum; 59.3632; 17.8721" (name, and optional
# WGS84 coordinates) or "Hässelby torg; kvällar" (where, and when people feel unsafe).
PLACE_FIELDS = {"places": ("name", "lat", "lon"), "unsafe_places": ("place", "when")}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type, whether None is allowed) of ``X | None``."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        inner = [a for a in args if a is not type(None)]
        return inner[0], True
    return annotation, False


def form_fields(kind: str) -> list[dict[str, Any]]:
    """The fields of ``kind``'s form: name, Swedish label, widget, choices, required."""
    if kind not in KINDS or kind in NOT_GENERIC:
        raise KeyError(kind)
    fields = []
    for name, info in KINDS[kind].input.model_fields.items():
        if name in SKIPPED:
            continue
        base, optional = _unwrap(info.annotation)
        spec: dict[str, Any] = {
            "name": name,
            "label": LABELS.get(name, name.replace("_", " ")),
            "required": info.is_required(),
            "choices": [],
        }
        if name in PLACE_FIELDS:
            spec["widget"] = "places"
        elif name == "backing":
            spec["widget"] = "backing"
        elif name in REFERENCES:
            spec["widget"], spec["ref"] = "reference", REFERENCES[name]
        elif name in ("priority_area", "catalogue_goal"):
            spec["widget"] = "catalogue"
        elif name == "also_priority_areas":
            spec["widget"] = "catalogue_many"
        elif isinstance(base, type) and issubclass(base, Enum):
            spec["widget"] = "select"
            spec["choices"] = [(m.value, label(m.value)) for m in base]
        elif typing.get_origin(base) is typing.Literal:  # a fixed few values: chosen too
            spec["widget"] = "select"
            spec["choices"] = [(v, label(v)) for v in typing.get_args(base)]
        elif base is bool:
            spec["widget"] = "checkbox"
        elif base is date:
            spec["widget"] = "date"
        elif base in (int, float):
            spec["widget"] = "number"
        elif typing.get_origin(base) is list:
            spec["widget"] = "list"
        elif name in MULTI_LINE:
            spec["widget"] = "textarea"
        else:
            spec["widget"] = "text"
        spec["optional"] = optional or not spec["required"]
        fields.append(spec)
    return fields


def fields_from_form(kind: str, form: dict[str, Any]) -> dict[str, Any]:
    """What the browser sent, as the model's fields: lists split on commas, empty left out."""
    fields: dict[str, Any] = {}
    for spec in form_fields(kind):
        name, widget = spec["name"], spec["widget"]
        raw = form.get(name)
        if widget == "checkbox":
            fields[name] = raw is not None
            continue
        if widget == "catalogue_many":
            values = raw if isinstance(raw, list) else ([raw] if raw else [])
            fields[name] = [v for v in values if v]
            continue
        text = str(raw or "").strip()
        if not text:
            continue
        if widget == "places":
            fields[name] = _places_from_text(name, text)
        elif widget == "backing":
            fields[name] = _backing_from_text(text)
        elif widget == "list":
            fields[name] = [t.strip() for t in text.split(",") if t.strip()]
        elif widget == "number":
            fields[name] = text.replace(",", ".").replace(" ", "")
        else:
            fields[name] = text
    if kind == "situation_picture" and (frame := frame_from_form(form)) is not None:
        fields["frame_areas"] = frame
    return fields


# Fields where a person names other artefacts of the promise by their numbers in it ("Mål 2",
# "Aktivitet 3"; views/promise.py numbers them) while the model takes their ids: which kind.
NUMBERED = {"also_goals": "goals", "backing": "activities"}
# What a number that names nothing says, by field.
NO_SUCH_NUMBER = {
    "also_goals": "Det finns inget mål {n} i löftet.",
    "backing": "Det finns ingen aktivitet {n} i löftet.",
}


def _renumbered(values: list[Any], table: dict[Any, Any]) -> tuple[list[Any], list[str]]:
    """``values`` through ``table`` (by their text), and those it does not know."""
    by_text = {str(k): v for k, v in table.items()}
    known = [by_text[str(v).strip()] for v in values if str(v).strip() in by_text]
    unknown = [str(v) for v in values if str(v).strip() not in by_text]
    return known, unknown


def _through(
    fields: dict[str, Any], ordinals: dict[str, dict[int, int]], to_ids: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    changed = dict(fields)
    unknown: dict[str, list[str]] = {}
    for name, kind in NUMBERED.items():
        if not fields.get(name):
            continue
        numbers = ordinals.get(kind, {})
        table = {n: i for i, n in numbers.items()} if to_ids else numbers
        if name == "backing":
            lines = []
            for line in fields[name]:
                known, missing = _renumbered(list(line.get("activities") or []), table)
                unknown.setdefault(name, []).extend(missing)
                lines.append({**line, "activities": known})
            changed[name] = lines
        else:
            changed[name], missing = _renumbered(list(fields[name]), table)
            unknown.setdefault(name, []).extend(missing)
    return changed, {k: v for k, v in unknown.items() if v}


def with_numbers(fields: dict[str, Any], ordinals: dict[str, dict[int, int]]) -> dict[str, Any]:
    """An artefact's fields with the artefacts they name by id named by their numbers in the
    promise instead, as its form shows them (an id no longer there is left out)."""
    return _through(fields, ordinals, to_ids=False)[0]


def with_ids(
    fields: dict[str, Any], ordinals: dict[str, dict[int, int]], language: str = "sv"
) -> tuple[dict[str, Any], dict[str, str]]:
    """What a form sent with the numbers it names turned into the artefacts' ids, and an
    error at each field that names a number the promise does not have."""
    from lifecycle.i18n import translate

    changed, unknown = _through(fields, ordinals, to_ids=True)
    errors = {
        name: translate(NO_SUCH_NUMBER[name], language, n=", ".join(numbers))
        for name, numbers in unknown.items()
    }
    return changed, errors


# The city's frame on a situation picture's form: for each area, what the picture shows about
# it, or "ej aktuellt här" and why (a Stockholm district; the form has these only there).
FRAME_SHOWN = "frame-shown"
FRAME_NOTE, FRAME_NOT_RELEVANT, FRAME_REASON = "frame-note-", "frame-not-relevant-", "frame-reason-"
# No frame has more areas than this; a form sending more is cut there.
MOST_FRAME_AREAS = 40


def frame_from_form(form: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The frame notes a situation picture's form sent (None: the form had no frame part).
    An area left wholly empty is left out: it is then not spoken to yet."""
    if FRAME_SHOWN not in form:
        return None
    areas: list[str] = []
    for key in form:
        for prefix in (FRAME_NOTE, FRAME_NOT_RELEVANT, FRAME_REASON):
            area = key.removeprefix(prefix) if key.startswith(prefix) else ""
            if area and area not in areas and len(areas) < MOST_FRAME_AREAS:
                areas.append(area)
    notes = []
    for area in areas:
        note = str(form.get(FRAME_NOTE + area) or "").strip()
        not_relevant = form.get(FRAME_NOT_RELEVANT + area) is not None
        reason = str(form.get(FRAME_REASON + area) or "").strip()
        if note or not_relevant or reason:
            notes.append(
                {"area": area, "note": note, "not_relevant": not_relevant, "reason": reason}
            )
    return notes


def frame_values(notes: list[dict[str, Any]]) -> dict[str, str]:
    """Recorded frame notes as the form shows them (the inverse of ``frame_from_form``)."""
    values: dict[str, str] = {}
    for n in notes:
        area = str(n.get("area"))
        values[FRAME_NOTE + area] = str(n.get("note") or "")
        values[FRAME_NOT_RELEVANT + area] = "1" if n.get("not_relevant") else ""
        values[FRAME_REASON + area] = str(n.get("reason") or "")
    return values


def frame_errors(
    notes: list[dict[str, Any]], names: dict[str, str], language: str = "sv"
) -> dict[str, str]:
    """Each frame area the form gets wrong, at its field, in ``language``: "ej aktuellt här"
    needs a reason, and an area spoken to needs what the picture shows."""
    from lifecycle.i18n import translate

    errors: dict[str, str] = {}
    for n in notes:
        area = str(n["area"])
        name = names.get(area, area)
        if n["not_relevant"] and not n["reason"]:
            errors[FRAME_REASON + area] = translate(
                "Skriv varför {area} inte är aktuellt här.", language, area=name
            )
        elif not n["not_relevant"] and not n["note"]:
            errors[FRAME_NOTE + area] = translate(
                "Skriv vad lägesbilden visar om {area}, eller kryssa i ”Ej aktuellt här” och "
                "skriv varför.",
                language,
                area=name,
            )
    return errors


def _places_from_text(name: str, text: str) -> list[dict[str, Any]]:
    """One place per line, its parts separated by semicolons (decimal commas allowed in
    coordinates); an empty part is left out, so a place may have a name only."""
    keys = PLACE_FIELDS[name]
    places = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not any(parts):
            continue
        place: dict[str, Any] = {}
        for key, part in zip(keys, parts, strict=False):
            if part:
                place[key] = part.replace(",", ".") if key in ("lat", "lon") else part
        if len(parts) > len(keys):  # more parts than the place has: kept, so it is refused
            place["extra"] = "; ".join(parts[len(keys) :])
        places.append(place)
    return places


# Whose text a line of the backing names, in the words a coordinator would write.
BACKING_PARTIES = {
    "polisen": "police",
    "police": "police",
    "kommunen": "municipality",
    "stadsdelsnämnden": "municipality",
    "region": "municipality",
    "municipality": "municipality",
    "tillsammans": "joint",
    "gemensamt": "joint",
    "parterna": "joint",
    "joint": "joint",
}
BACKING_WORDS = {"police": "polisen", "municipality": "kommunen", "joint": "tillsammans"}


def _backing_from_text(text: str) -> list[dict[str, Any]]:
    """One statement per line: whose text, the statement's number, a colon and the ids of the
    activities that back it ("polisen 1: 4, 5"). A line that does not read so is passed on as
    it is, so the check refuses it at its field."""
    backing: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        head, _, tail = line.partition(":")
        words = head.split()
        party = BACKING_PARTIES.get(words[0].casefold(), words[0]) if words else ""
        backing.append(
            {
                "party": party,
                "statement": words[-1] if len(words) > 1 else "",
                "activities": [a for a in tail.replace(",", " ").split() if a],
            }
        )
    return backing


def _backing_as_text(backing: list[dict[str, Any]]) -> str:
    """The inverse of ``_backing_from_text``: one statement per line."""
    return "\n".join(
        f"{BACKING_WORDS.get(str(b.get('party')), b.get('party'))} {b.get('statement')}: "
        + ", ".join(str(a) for a in b.get("activities") or [])
        for b in backing
    )


def _places_as_text(name: str, places: list[dict[str, Any]]) -> str:
    """The inverse of ``_places_from_text``: one place per line."""
    keys = PLACE_FIELDS[name]
    lines = []
    for place in places:
        parts = ["" if place.get(k) is None else str(place.get(k)) for k in keys]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        lines.append("; ".join(parts))
    return "\n".join(lines)


def change_from_form(kind: str, form: dict[str, Any]) -> dict[str, Any]:
    """What a change form sent, as the model's fields: as ``fields_from_form``, and an optional
    field left empty goes back to its default (a required one left empty stays out, so the
    check says it is missing)."""
    fields = fields_from_form(kind, form)
    model = KINDS[kind].input
    for spec in form_fields(kind):
        name = spec["name"]
        if name not in fields and not spec["required"]:
            fields[name] = model.model_fields[name].get_default(call_default_factory=True)
    return fields


def form_values(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """An artefact's fields as its form shows them (the inverse of ``fields_from_form``)."""
    values: dict[str, Any] = {}
    for spec in form_fields(kind):
        name, widget = spec["name"], spec["widget"]
        value = fields.get(name)
        if widget == "checkbox":
            values[name] = "1" if value else ""
        elif widget == "catalogue_many":
            values[name] = list(value or [])
        elif widget == "places":
            values[name] = _places_as_text(name, value or [])
        elif widget == "backing":
            values[name] = _backing_as_text(value or [])
        elif widget == "list":
            values[name] = ", ".join(str(v) for v in value or [])
        elif value is None:
            values[name] = ""
        elif widget == "number" and isinstance(value, float) and value.is_integer():
            values[name] = str(int(value))
        else:
            values[name] = str(value)
    if kind == "situation_picture":
        values.update(frame_values(fields.get("frame_areas") or []))
    return values


# Date fields that are most often today when the form is filled in.
TODAY_BY_DEFAULT = frozenset({"signed_on"})


def form_defaults(kind: str, today: date) -> dict[str, Any]:
    """A new form's values: each choice's default from the input model (a problem's trend
    "unknown") and today where that is the usual answer (the day of a signature)."""
    values: dict[str, Any] = {}
    model = KINDS[kind].input
    for spec in form_fields(kind):
        name = spec["name"]
        default = model.model_fields[name].default
        if spec["widget"] == "select" and isinstance(default, Enum):
            values[name] = default.value
        elif name in TODAY_BY_DEFAULT:
            values[name] = today.isoformat()
    return values


def field_labels(kind: str) -> dict[str, str]:
    """Field name → Swedish label for ``kind`` (what ``field_errors`` words its errors with)."""
    return {spec["name"]: spec["label"] for spec in form_fields(kind)}


# Kinds that belong to the later years of a multi-year term only.
LATER_YEARS_ONLY = frozenset({"analysis_update"})


def forms_for_stage(stage: str, cycle_year: int = 1) -> list[dict[str, str]]:
    """The forms a promise in ``stage`` can use now (each kind's stage window, and the
    analysis update only in a later year of the term), in order."""
    from lifecycle.stages import Stage

    try:
        position = Stage(stage).position
    except ValueError:
        return []
    return [
        {"kind": k.name, "title": k.title}
        for k in KINDS.values()
        if k.name not in NOT_GENERIC and k.first_stage.position <= position <= k.last_stage.position
    ]


STATUSES = [(s.value, label(s.value)) for s in ActivityStatus]


def evaluation_from_form(number: int, form: dict[str, str]) -> dict[str, Any]:
    """An evaluation round as the form sent it: ``status-ID``/``reason-ID`` per activity and
    ``value-ID``/``measured-ID`` per goal (the day today when left out), into the fields
    `lofte add ID evaluation` takes."""
    activities = [
        {
            "activity_id": key.removeprefix("status-"),
            "status": value,
            "reason": form.get(f"reason-{key.removeprefix('status-')}", "").strip(),
        }
        for key, value in form.items()
        if key.startswith("status-")
    ]
    indicators = [
        {
            "goal_id": key.removeprefix("value-"),
            "value": value.strip().replace(",", ".").replace(" ", ""),
            # a value written without its day was measured today
            "measured_on": form.get(f"measured-{key.removeprefix('value-')}", "").strip()
            or local_today().isoformat(),
        }
        for key, value in form.items()
        if key.startswith("value-") and value.strip()
    ]
    return {
        "round": number,
        "submitted_by": form.get("submitted_by", "").strip(),
        "activities": activities,
        "indicators": indicators,
        "feedback_to_residents": form.get("feedback_to_residents", "").strip(),
        "feedback_channel": form.get("feedback_channel", "").strip(),
        "deviations": form.get("deviations", "").strip(),
        "decisions": form.get("decisions", "").strip(),
    }


def field_errors(
    kind: str, raw: dict[str, Any], labels: dict[str, str], language: str = "sv"
) -> dict[str, str]:
    """Each field of ``kind`` that ``raw`` gets wrong, with a sentence in ``language`` (the
    ``labels`` in that language too; empty: valid).

    The same input model as the CLI and the API decides; the forms only word it for people.
    Errors of the whole input (dates in the wrong order) are keyed by their first field.
    """
    model = KINDS[kind].input
    try:
        model.model_validate(raw)
    except ValidationError as exc:
        # what the form shows decides how an empty field is asked for, not the model's type:
        # a list of problems to choose from is answered by choosing, though it holds an id
        widgets = {spec["name"]: spec["widget"] for spec in form_fields(kind)}
        found: dict[str, str] = {}
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            name = loc[0] if loc else ""
            if name == "frame_areas":
                continue  # worded at each area by frame_errors
            if name not in labels:
                name = next((f for f in labels if f in err["msg"]), next(iter(labels)))
            label = labels[name]
            kind_of = err["type"]
            if kind_of == "missing" and widgets.get(name) in CHOICE_WIDGETS:
                kind_of = "enum"  # a choice left empty: "Välj ...", not "Fyll i ..."
            limit = (err.get("ctx") or {}).get("ge", "")
            message = field_message(kind_of, label, language, limit) or (
                f"{label}: {err['msg'].removeprefix('Value error, ')}"
            )
            found.setdefault(name, message[0].upper() + message[1:])
        return found
    return {}
