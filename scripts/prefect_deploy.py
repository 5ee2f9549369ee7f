"""``prefect --no-prompt deploy --all`` with one compatibility fix, for scripts/topology.

Prefect 3.8.8's client sends ``"limit": null`` when it reads a work pool's workers (after
each deployment it creates, to say whether a worker is listening); the server declares that
body field ``int`` and, with the FastAPI Löfte pins (0.139-0.154), answers 422, so ``prefect
deploy --all`` stops after its first deployment. Here the client asks with explicit numbers
instead; everything else is Prefect's own ``deploy`` command, reading ``prefect.yaml``.
Usage: python scripts/prefect_deploy.py [prefect deploy arguments] (default: --all).
"""

from __future__ import annotations

import sys
from typing import Any

from prefect.client.orchestration._work_pools.client import WorkPoolAsyncClient

_read_workers = WorkPoolAsyncClient.read_workers_for_work_pool


async def _read_workers_with_limit(
    self: Any,
    work_pool_name: str,
    worker_filter: Any = None,
    offset: int | None = None,
    limit: int | None = None,
) -> Any:
    return await _read_workers(self, work_pool_name, worker_filter, offset or 0, limit or 200)


def main(argv: list[str]) -> int:
    """Run Prefect's deploy command with the patched client."""
    from prefect.cli import app

    WorkPoolAsyncClient.read_workers_for_work_pool = _read_workers_with_limit  # type: ignore[method-assign]
    sys.argv = ["prefect", "--no-prompt", "deploy", *(argv or ["--all"])]
    app()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
