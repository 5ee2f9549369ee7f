"""What a change does inside its own transaction: audit records, deadlines, notices."""

# The stored status of each promise is rewritten before every commit that touched it: the
# session events are registered when this package is first imported (every writer imports it).
from effects import promise_status as _promise_status  # noqa: F401
