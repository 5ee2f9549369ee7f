"""Every route of the service needs credentials, except the few that are public by design."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from web.api import create_app

# Public by design: the health check, and the sign-in endpoints themselves.
PUBLIC = {
    ("GET", "/health"),
    # A command's challenge to the service, answered without credentials (cli/transport.py).
    ("GET", "/api/operator/proof"),
    ("POST", "/api/session"),
    ("DELETE", "/api/session"),
    ("GET", "/logga-in/oidc/{provider}"),
    ("GET", "/logga-in/oidc/{provider}/callback"),
}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_but_the_public_ones_answers_401_without_credentials(db) -> None:
    app = create_app(warm=False)
    client = TestClient(app)
    walked = 0
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        for method in route.methods:
            response = client.request(method, _concrete(route.path))
            if (method, route.path) in PUBLIC:
                continue
            walked += 1
            assert response.status_code == 401, (method, route.path, response.status_code)
            assert response.headers.get("www-authenticate") == "Bearer"
    assert walked >= 25
    with_bad_token = client.get("/api/promises", headers={"Authorization": "Bearer nonsense"})
    assert with_bad_token.status_code == 401
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 404


def test_the_cli_knows_every_use_case_at_the_address_the_root_gives_it() -> None:
    """The CLI's plain-data copy (cli/routes.py, read without loading the application) is
    the composition root's names, methods and paths, no more, no fewer."""
    from cli.routes import ROUTES
    from wiring.usecases import USE_CASES

    wired = {u.name: (u.method, u.path) for u in USE_CASES}
    assert wired == ROUTES, "cli/routes.py differs from wiring/usecases.py: copy the root's rows"
    assert len(USE_CASES) == len(wired), "a use case name is wired twice"


def test_every_route_of_the_api_is_a_row_of_the_root() -> None:
    from wiring.usecases import USE_CASES

    app = create_app(warm=False)
    served = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert {(u.method, u.path) for u in USE_CASES} <= served


def test_every_use_case_lives_in_application_and_the_flows_only_run_them() -> None:
    """A row names an application use case, or the front door of a Prefect flow whose run
    calls one (the four flows of docs/architecture.md); its request and result are what the
    function declares."""
    import inspect
    from typing import get_type_hints

    from prefect import Flow

    import flows.compilation
    import flows.renewal
    import flows.transition
    from wiring.usecases import USE_CASES

    through_flows = set()
    for use_case in USE_CASES:
        module = use_case.func.__module__
        assert module.startswith(("application.", "flows.")), (use_case.name, module)
        hints = get_type_hints(use_case.func)
        second = list(inspect.signature(use_case.func).parameters)[1]
        assert hints[second] is use_case.request, use_case.name
        assert hints["return"] == use_case.result, (use_case.name, hints["return"])
        if module.startswith("flows."):
            through_flows.add(use_case.name)
            # The front door only runs its module's flow: no table, no session, no rule.
            source = inspect.getsource(use_case.func)
            flows_called = [
                name
                for name, value in vars(inspect.getmodule(use_case.func)).items()
                if isinstance(value, Flow) and f"{name}(" in source
            ]
            assert flows_called, f"{use_case.name}: {use_case.func.__name__} runs no flow"
    assert through_flows == {
        "promise.advance",
        "promise.next_cycle",
        "compilation.approve",
        "renewal.run",
    }
    assert flows.transition and flows.compilation and flows.renewal


# The answers that are a document or, with format=json, a report's data (reports/): typed as
# Any until those reports are models of their own.
DOCUMENT_OR_REPORT = {"overview.show", "compilation.show", "compilation.region"}


def test_every_use_case_answers_a_typed_result_never_a_bare_dict() -> None:
    """Issue 19: each use case returns a pydantic model, a list of them, a union of them or a
    document (``FileResult``); none answers a bare ``dict`` or a list of dicts, so the API's
    description (OpenAPI) names every field and callers read attributes, not keys."""
    import types
    import typing

    from pydantic import BaseModel

    from application.usecase import FileResult
    from wiring.usecases import USE_CASES

    def is_model(value: object) -> bool:
        return isinstance(value, type) and issubclass(value, BaseModel)

    untyped = []
    for use_case in USE_CASES:
        result = use_case.result
        origin = typing.get_origin(result)
        if use_case.name in DOCUMENT_OR_REPORT:
            typed = result is typing.Any
        elif origin is list:
            typed = all(is_model(item) for item in typing.get_args(result))
        elif origin in (typing.Union, types.UnionType):
            typed = all(is_model(member) for member in typing.get_args(result))
        else:
            typed = is_model(result) or result is FileResult
        if not typed:
            untyped.append(f"{use_case.name}: {result!r}")
    assert not untyped, "use cases answering untyped data:\n" + "\n".join(untyped)
