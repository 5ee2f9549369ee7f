"""The documents of issue 23 on the demo region, each made N times through its use case:
the signed promise (PDF/A, .docx), the committee paper (HTML, PDF/A, .docx) and the action
plan (.xlsx, .docx). The first run of each is left out (imports, font loading).

    python bench/documents.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="lofte-bench-documents-"))
    os.environ.update(
        LOFTE_DATA_DIR=str(data), LOFTE_USE_SERVICE="false", LOFTE_NOW="2027-01-25T10:00:00+01:00"
    )
    from datetime import date

    from application.demo import load_demo
    from application.identity import operator_principal
    from application.setup import initialise
    from wiring.usecases import BY_NAME

    initialise()
    load_demo(date(2027, 1, 25))
    ops = BY_NAME
    actor = operator_principal("brottsforebyggande@polisen.example.se")
    cases = [
        ("promise.document", 10, "pdf"),
        ("promise.document", 10, "docx"),
        ("compilation.show", 9, "html"),
        ("compilation.show", 9, "pdf"),
        ("compilation.show", 9, "docx"),
        ("promise.action_plan", 10, "xlsx"),
        ("promise.action_plan", 10, "docx"),
    ]
    for name, pid, fmt in cases:
        params = {"promise_id": pid, "format": fmt}
        first = ops[name].run(actor, params)
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            ops[name].run(actor, params)
            samples.append(time.perf_counter() - start)
        print(
            f"{name:20} {fmt:5} {len(first.content) / 1024:7.0f} kB  "
            f"median {statistics.median(samples):.2f} s, max {max(samples):.2f} s"
        )


if __name__ == "__main__":
    main()
