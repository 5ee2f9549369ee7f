"""Run the dispatcher once in its own process (the kill-mid-batch test starts and kills this)."""

from __future__ import annotations

import json

from models.db import get_engine
from notifications.dispatcher import dispatch_pending

if __name__ == "__main__":
    report = dispatch_pending(get_engine())
    print(json.dumps(report.as_dict()), flush=True)
