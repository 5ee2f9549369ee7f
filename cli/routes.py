"""Every use case's HTTP method and path, by name: the CLI's copy of the API's address book.

The composition root (``wiring/usecases.py``) is where use cases are wired; this plain-data
copy, with no imports, lets a command call a running service without loading the
application, pydantic, SQLAlchemy or Prefect (which keeps a command through the service well
under half a second). ``tests/test_routes.py`` keeps it equal to the root.
"""

from __future__ import annotations

ROUTES: dict[str, tuple[str, str]] = {
    # promises
    "promise.list": ("GET", "/api/promises"),
    "promise.create": ("POST", "/api/promises"),
    "promise.show": ("GET", "/api/promises/{promise_id}"),
    "promise.history": ("GET", "/api/promises/{promise_id}/history"),
    "artefact.add": ("POST", "/api/promises/{promise_id}/artefacts/{kind}"),
    "artefact.show": ("GET", "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}"),
    "artefact.change": ("POST", "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}"),
    "artefact.remove": ("POST", "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}/remove"),
    "artefact.publicity": (
        "POST",
        "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}/publicity",
    ),
    "promise.ask_to_sign": ("POST", "/api/promises/{promise_id}/signature-requests"),
    "promise.advance": ("POST", "/api/promises/{promise_id}/advance"),
    "promise.next_cycle": ("POST", "/api/promises/{promise_id}/next-cycle"),
    "agreement.create": ("POST", "/api/agreements"),
    "agreement.list": ("GET", "/api/agreements"),
    "agreement.show": ("GET", "/api/agreements/{agreement_id}"),
    "agreement.change": ("POST", "/api/agreements/{agreement_id}"),
    # deadlines and calendars
    "deadlines.show": ("GET", "/api/promises/{promise_id}/deadlines"),
    "deadlines.mine": ("GET", "/api/me/deadlines"),
    "calendar.show": ("GET", "/api/promises/{promise_id}/calendar"),
    "calendar.set": ("POST", "/api/promises/{promise_id}/calendar"),
    "calendar.clear": ("POST", "/api/promises/{promise_id}/calendar/clear"),
    "calendar.resync": ("POST", "/api/calendars/resync"),
    "ical.promise": ("GET", "/ical/promise/{promise_id}.ics"),
    "ical.region": ("GET", "/ical/region/{region}.ics"),
    "reminders.run": ("POST", "/api/reminders/run"),
    "renewal.run": ("POST", "/api/renewal/run"),
    "catalogue.show": ("GET", "/api/catalogue"),
    "places.geojson": ("GET", "/api/regions/{region}/places.geojson"),
    "survey.import": ("POST", "/api/regions/{region}/surveys"),
    "survey.list": ("GET", "/api/regions/{region}/surveys"),
    # year-end compilation
    "compilation.show": ("GET", "/api/promises/{promise_id}/compilation"),
    "compilation.approve": ("POST", "/api/promises/{promise_id}/compilation/approve"),
    "compilation.region": ("GET", "/api/regions/{region}/compilations"),
    # the documents: the signed promise and the action plan
    "promise.document": ("GET", "/api/promises/{promise_id}/document"),
    "promise.action_plan": ("GET", "/api/promises/{promise_id}/action-plan"),
    # the regional level
    "overview.show": ("GET", "/api/regions/{region}/overview"),
    "status.report": ("POST", "/api/status-reports"),
    "status.history": ("GET", "/api/regions/{region}/status-history"),
    # organisations, people, accounts, tokens
    "organisation.add": ("POST", "/api/organisations"),
    "organisation.list": ("GET", "/api/organisations"),
    "organisation.contact": ("POST", "/api/organisations/{id}/contact"),
    "person.add": ("POST", "/api/people"),
    "person.list": ("GET", "/api/people"),
    "user.password": ("POST", "/api/people/{email}/password"),
    "token.create": ("POST", "/api/tokens"),
    "token.list": ("GET", "/api/tokens"),
    "token.revoke": ("POST", "/api/tokens/{token_id}/revoke"),
    "me.show": ("GET", "/api/me"),
    # the outbox
    "outbox.list": ("GET", "/api/outbox"),
    "outbox.retry": ("POST", "/api/outbox/retry"),
    # upkeep after a release
    "status.recompute": ("POST", "/api/promise-status/recompute"),
}
