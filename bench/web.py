"""Server time of the web pages for a police region of 1,000 promises.

    python bench/web.py [--promises 1000] [--repeat 30] [--shape stress|history]

Builds the region of ``bench/overview.py`` in a fresh SQLite file (with the catalogue, every
deadline and the submitted rounds), signs in a coordinator of one municipality and the region's
coordinator, and times, in process through the ASGI application (what a request costs the
server, without the network): the start page (Mina uppgifter), a promise page, a form post
that is refused for bad input (writes nothing, so it can be repeated), the regional overview of
all promises, and "Gå vidare" refused through the Prefect flow (warm). Median and p95 in ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "bänk-lösen-för-mätning"


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _people() -> tuple[str, str]:
    """A coordinator of the first municipality and the region's coordinator, with passwords."""
    from sqlmodel import select

    from application.identity import set_password
    from application.promises import add_person
    from lifecycle.vocabulary import Role
    from models import Organisation, Person
    from models.db import session_scope
    from models.inputs import PersonInput

    with session_scope() as s:
        first = s.exec(select(Organisation).where(Organisation.name == "Kommun 0")).one()
        for email, role, org in (
            ("samordnare@kommun0.example.se", Role.COORDINATOR, first.name),
            ("region@polisen.example.se", Role.REGIONAL_COORDINATOR, "Polisregion Stockholm"),
        ):
            add_person(
                s,
                PersonInput(
                    email=email, name=email, role=role, organisation=org, region="stockholm"
                ),
            )
            set_password(s, s.exec(select(Person).where(Person.email == email)).one(), PASSWORD)
    return "samordnare@kommun0.example.se", "region@polisen.example.se"


def _publish_signed() -> tuple[int, int]:
    """Give every promise past its action plan a published promise text (as signing does)."""
    from sqlmodel import col, select

    from lifecycle.stages import Stage
    from models import Promise, PromiseText
    from models.base import utcnow
    from models.db import session_scope

    signed = [Stage.CONTINUOUS_EVALUATION, Stage.YEAR_END_COMPILATION, Stage.CLOSED]
    with session_scope() as s:
        promises = s.exec(select(Promise).where(col(Promise.stage).in_(signed))).all()
        for p in promises:
            s.add(
                PromiseText(
                    promise_id=p.id,  # type: ignore[arg-type]
                    cycle_year=p.cycle_year,
                    police_promises="Polisen lovar närvaro vid stationen.",
                    municipality_promises="Kommunen lovar bättre belysning.",
                    published_at=utcnow(),
                )
            )
        running = [p for p in promises if p.stage is not Stage.CLOSED] or promises
        return len(promises), running[0].id  # type: ignore[return-value]


def _client(email: str) -> Any:
    from fastapi.testclient import TestClient

    from web.api import create_app

    client = TestClient(create_app(warm=False))
    token = _token(client.get("/logga-in").text)
    client.post(
        "/logga-in",
        data={"csrf_token": token, "email": email, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    return client


def _time(call: Any, repeat: int, expected: int) -> dict[str, float]:
    call()  # warm: templates, statements, caches
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        status = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert status == expected, (status, expected)
    return {"median_ms": round(statistics.median(samples), 1), "p95_ms": round(_p95(samples), 1)}


class _Poster:
    """Posts a form again and again, with the CSRF token of the page the last answer showed."""

    def __init__(self, client: Any, page: str) -> None:
        self.client, self.token = client, _token(client.get(page).text)

    def post(self, path: str, data: dict[str, str]) -> int:
        answer = self.client.post(path, data={**data, "csrf_token": self.token})
        self.token = _token(answer.text)
        return int(answer.status_code)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def main() -> None:
    """Build the region, then time each page."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--promises", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--shape",
        choices=("stress", "history"),
        default="stress",
        help="stress: every promise open; history: one in twenty open, the rest closed over ten years",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lofte-bench-web-"))
    os.environ["LOFTE_DATA_DIR"] = str(folder)
    os.environ["LOFTE_DATABASE_URL"] = f"sqlite:///{folder}/web.db"
    os.environ["LOFTE_USE_SERVICE"] = "false"
    from flows.runtime import configure_prefect_environment

    configure_prefect_environment()  # telemetry off, Prefect's home in the data folder

    from sqlmodel import select

    from bench.overview import build
    from lifecycle.stages import Stage
    from models import Organisation, Promise
    from models.db import get_engine, session_scope

    build(get_engine(), args.promises, args.shape)
    published, public_pid = _publish_signed()
    coordinator, regional = _people()
    with session_scope() as s:
        org = s.exec(select(Organisation).where(Organisation.name == "Kommun 0")).one()
        own = s.exec(
            select(Promise).where(Promise.municipality_id == org.id, Promise.stage != Stage.CLOSED)
        ).first()
        assert own is not None
        pid = own.id

    from flows.runtime import warm_up

    warm_up()  # the service warms Prefect once at start; so does this
    mine, region = _client(coordinator), _client(regional)
    form = _Poster(_client(coordinator), f"/loften/{pid}/ny/dialogue")
    advance = _Poster(_client(coordinator), f"/loften/{pid}")
    bad = {"method": "", "held_from": "15 september", "participants": "x"}
    results = {
        "start page (Mina uppgifter)": _time(lambda: mine.get("/").status_code, args.repeat, 200),
        "promise page": _time(lambda: mine.get(f"/loften/{pid}").status_code, args.repeat, 200),
        "form post, refused (bad input)": _time(
            lambda: form.post(f"/loften/{pid}/ny/dialogue", bad), args.repeat, 422
        ),
        f"overview of {args.promises} promises": _time(
            lambda: region.get("/oversikt/stockholm").status_code, args.repeat, 200
        ),
        "Gå vidare, refused through the flow": _time(
            lambda: advance.post(f"/loften/{pid}/vidare", {}), args.repeat, 409
        ),
        f"public region page ({published} published)": _time(
            lambda: region.get("/offentligt/stockholm").status_code, args.repeat, 200
        ),
        "public promise page": _time(
            lambda: region.get(f"/offentligt/loften/{public_pid}").status_code, args.repeat, 200
        ),
    }
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"SQLite, {args.promises} promises ({args.shape} shape), {args.repeat} repeats "
        f"after one warm-up, load {load}"
    )
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8}")
    for name, r in results.items():
        print(f"{name:<40} {r['median_ms']:>10} {r['p95_ms']:>8}")


if __name__ == "__main__":
    main()
