"""Every registered use case, loaded: the application's modules and the flows that wrap some."""

from __future__ import annotations

import importlib

from application.operations import REGISTRY, Operation
from application.routes import ROUTES

# The modules that register operations (importing them fills the registry).
MODULES = (
    "application.promises",
    "application.artefacts",
    "application.artefact_changes",
    "application.identity",
    "application.deadlines",
    "application.compilation",
    "application.documents",
    "application.regional",
    "application.outbox",
    "application.organisations",
    "application.publicity",
    "application.reminders",
    "application.catalogue",
    "application.agreements",
    "application.places",
    "application.surveys",
    "flows.transition",
    "flows.compilation",
    "flows.renewal",
)


def all_operations() -> dict[str, Operation]:
    """The registry with every module loaded (modules not built yet are skipped)."""
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return REGISTRY


def missing_operations() -> list[str]:
    """Routes with no registered use case (a test keeps this empty)."""
    return sorted(set(ROUTES) - set(all_operations()))
