"""Property-based fuzzing of the whole API with Schemathesis: no answer is a 500, and every
answer is what the OpenAPI schema says (status, media type, the JSON error's shape, headers).

The schema is the application's own (``FastAPI.openapi()`` of ``create_app``: each route's
parameters and body from its use case's request model, web/openapi.py); the service does not
publish it. Requests go over HTTP to the application under uvicorn on 127.0.0.1, signed in
with a personal access token of a demo coordinator, with generated valid input and generated
invalid input (Schemathesis' positive and negative modes), bounded in examples per route.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

pytestmark = pytest.mark.timeout(300)

DEMO_DAY = date(2026, 11, 22)
COORDINATOR = "trygghetssamordnare@hasselby.vallingby.example.se"
# Destructive for the run itself, excluded by name: revoking tokens (the fuzzer's own among
# them, after which every answer is a 401 and nothing else is tested).
EXCLUDED = {"token.revoke"}
EXAMPLES = 5  # per route and mode: ~400 requests in all, under a minute


@pytest.fixture
def api(db: Any, prefect_harness: None) -> Iterator[tuple[str, dict[str, str], Any]]:
    """The demo region, a token for one of its coordinators, and the API on a free port."""
    import uvicorn

    from application.identity import named_principal
    from tests.demo_copy import demo_region
    from web.api import create_app
    from wiring.usecases import BY_NAME

    demo_region(DEMO_DAY)
    me = named_principal(COORDINATOR, "test")
    token = BY_NAME["token.create"].run(me, {"email": COORDINATOR, "name": "fuzz"})
    app = create_app(warm=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token.token}"}, app
    server.should_exit = True
    thread.join(10)


def _schema(app: Any) -> Any:
    import schemathesis

    from wiring.usecases import BY_NAME

    document = app.openapi()
    names = set(BY_NAME) - EXCLUDED
    # Only the use cases' routes: the pages and the sign-in endpoints are not this API.
    for path in list(document["paths"]):
        for method in list(document["paths"][path]):
            if document["paths"][path][method].get("operationId") not in names:
                del document["paths"][path][method]
        if not document["paths"][path]:
            del document["paths"][path]
    return schemathesis.openapi.from_dict(document)


def test_the_schema_describes_every_use_case_with_its_request_model(db: Any) -> None:
    from web.api import create_app
    from wiring.usecases import BY_NAME

    document = create_app(warm=False).openapi()
    seen = {
        op["operationId"]: op
        for methods in document["paths"].values()
        for op in methods.values()
        if "operationId" in op
    }
    assert set(BY_NAME) <= set(seen)
    body = seen["promise.create"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"region", "municipality", "start", "years"} <= set(body["required"])
    assert body["properties"]["years"]["maximum"] == 4
    path = {p["name"]: p for p in seen["promise.show"]["parameters"]}
    assert path["promise_id"]["in"] == "path" and path["promise_id"]["schema"]["type"] == "integer"
    query = {p["name"] for p in seen["overview.show"]["parameters"] if p["in"] == "query"}
    assert {"format", "as_of"} <= query
    assert "$ref" not in str(body)  # self-contained: nested models inlined


def test_fuzzing_the_api_finds_no_server_error_and_no_answer_outside_the_schema(
    api: tuple[str, dict[str, str], Any],
) -> None:
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from application.identity import named_principal
    from models.kinds import artefact_kinds
    from wiring.usecases import BY_NAME

    base_url, auth, app = api
    KINDS = artefact_kinds()
    mine = BY_NAME["promise.list"].run(named_principal(COORDINATOR, "test"), {})
    promise_id = next(p.id for p in mine if p.stage != "closed")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    failures: dict[str, str] = {}
    statuses: dict[int, int] = {}
    requests = 0
    operations = [result.ok() for result in _schema(app).get_all_operations()]
    assert len(operations) >= 35
    rounds: list[tuple[Any, Any, dict[str, Any], int]] = []
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            rounds.append((operation, mode, {}, EXAMPLES))
        # Random ids mostly find nothing: fuzz the rest of the input on a real promise of the
        # coordinator's too (and a new artefact of every kind on it).
        if "promise_id" in names and "artefact_id" not in names:
            for kind in KINDS if "kind" in names else [None]:
                fixed = {"promise_id": promise_id} | ({"kind": kind} if kind else {})
                rounds.append((operation, GenerationMode.POSITIVE, fixed, EXAMPLES // 2))

    def fuzz(operation: Any, mode: Any, fixed: dict[str, Any], examples: int) -> None:
        nonlocal requests

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def one(case: Any) -> None:
            nonlocal requests
            requests += 1
            try:
                response = case.call(base_url=base_url, headers=auth)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                case.validate_response(response, checks=checks)
            except (Exception, BaseExceptionGroup) as exc:  # reported below
                key = f"{operation.label} ({mode.value})"
                failures.setdefault(key, f"{case.method} {case.formatted_path}: {exc}"[:1500])

        try:
            one()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to make invalid (no input)

    started = time.perf_counter()
    for round_ in rounds:
        fuzz(*round_)
    elapsed = time.perf_counter() - started
    report = "\n\n".join(f"{k}: {v}" for k, v in sorted(failures.items()))
    assert not failures, f"{len(failures)} routes failed of {requests} requests:\n{report}"
    assert requests > 300
    # Signed in for real: most answers are not 401, and many are successes.
    assert statuses.get(401, 0) < requests / 10 and statuses.get(200, 0) > requests / 20, statuses
    print(f"{requests} requests in {elapsed:.0f} s, by status: {dict(sorted(statuses.items()))}")
