"""The house a newcomer reads (issue 19): no import circles, and the way from a page's button
to the database write short enough to follow by "go to definition"."""

from __future__ import annotations

import inspect
import sys

PACKAGES = (
    "cli",
    "web",
    "wiring",
    "flows",
    "application",
    "jobs",
    "effects",
    "views",
    "reports",
    "notifications",
    "models",
    "config",
    "lifecycle",
)


def _circles() -> list[list[str]]:
    """Every set of modules that import one another in a circle (Tarjan's strongly connected
    components of the import graph, imports inside functions included)."""
    import grimp

    graph = grimp.build_graph(*PACKAGES)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_module_imports_itself_through_others() -> None:
    assert _circles() == []


def test_from_ga_vidare_to_the_database_write_is_three_files() -> None:
    """Page → flow → use case, each named in the one before (no registry, no name lookup)."""
    from application import transitions as use_case
    from flows import transition as flow
    from web.pages import promise as page

    assert page.transition is flow
    assert "run(transition.advance," in inspect.getsource(page.advance)
    assert "advance_promise_flow(" in inspect.getsource(flow.advance)
    assert flow.advance_use_case is use_case.advance
    assert "advance_use_case(" in inspect.getsource(flow.advance_promise_flow.fn)
    assert "advance_promise(" in inspect.getsource(use_case.advance)
    assert "update(Promise)" in inspect.getsource(use_case.advance_promise)
    trail = (
        page.advance,
        flow.advance,
        flow.advance_promise_flow.fn,
        use_case.advance,
        use_case.advance_promise,
    )
    assert len({inspect.getsourcefile(step) for step in trail}) == 3
