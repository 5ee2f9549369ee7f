"""Seed the topology's database for the end-to-end test (run in a subprocess with its env).

A generated region: ``--promises`` promises spread over ten municipalities of Stockholm's
police region, two coordinators per municipality, each with a personal access token, and one
coordinator of an eleventh municipality who is a party to none of them. Prints JSON.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from application.identity import TokenRequest, create_token
from tests.helpers import new_promise, register

MUNICIPALITIES = 10


def main(promises: int, ready: bool = False) -> dict[str, object]:
    """Create the region, people and tokens; returns what the test needs (``ready``: each
    promise has its dialogue recorded, so it can advance at once: the benchmark)."""
    towns = [f"Testkommun {n:02d}" for n in range(1, MUNICIPALITIES + 1)]
    ids = [
        new_promise(start=date(2027, 1, 1), years=1, municipality=towns[i % MUNICIPALITIES])
        for i in range(promises)
    ]
    if ready:
        from lifecycle.stages import Stage
        from tests.helpers import complete_stage

        for pid in ids:
            complete_stage(pid, Stage.RESIDENT_DIALOGUE)
    clients = []
    for n, town in enumerate(towns):
        for k in (1, 2):
            email = f"samordnare{k}@testkommun{n + 1:02d}.se"
            principal = register(email, organisation=town)
            token = create_token(principal, TokenRequest(email=email, days=1, name="topology"))
            mine = [pid for i, pid in enumerate(ids) if i % MUNICIPALITIES == n][k - 1 :: 2]
            clients.append({"email": email, "token": token.token, "promises": mine})
    outsider = "samordnare@annankommun.se"
    register(outsider, organisation="Annan kommun")
    return {"promises": ids, "clients": clients, "outsider": outsider}


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    print(json.dumps(main(count, ready="--ready" in sys.argv[2:])))
