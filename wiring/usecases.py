"""The composition root: every use case wired to its name, HTTP method and path, request and
result, in one table.

The HTTP API (``web/api.py``) builds one route per row, and the CLI (``cli/transport.py``)
calls a row by name: through a running ``lofte serve`` (its plain-data copy of the names,
methods and paths, ``cli/routes.py``, lets a command skip loading this module; a test keeps
the two equal) or, with no service, in its own process through ``UseCase.run``. The web pages
import the functions they use directly.

Each function is a use case of ``application/`` or, for the four that run as a Prefect flow
(``promise.advance``, ``promise.next_cycle``, ``compilation.approve``, ``renewal.run``), the
flow's front door in ``flows/``, which runs the flow and the flow runs the application's use
case. Nothing else is registered anywhere: a use case not in ``USE_CASES`` has no route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

from application import (
    agreements,
    artefact_changes,
    artefacts,
    catalogue,
    compilation,
    deadlines,
    documents,
    identity,
    maintenance,
    next_cycle,
    organisations,
    outbox,
    places,
    promise_results,
    promises,
    publicity,
    regional,
    reminders,
    signatures,
    surveys,
    transitions,
)
from application.usecase import FileResult, NoInput, explain_database_error, parse_request
from flows import compilation as approval_flow
from flows import renewal as renewal_flow
from flows import transition as transition_flows
from lifecycle.errors import Forbidden
from lifecycle.permissions import Principal
from models import inputs

Req = TypeVar("Req", bound=BaseModel)
Res = TypeVar("Res")
GET: Literal["GET"] = "GET"
POST: Literal["POST"] = "POST"
# All a person signed in with an admin's one-time password may do: choose their own.
ONE_TIME_PASSWORD_ALLOWS = frozenset({"user.password", "me.show"})


@dataclass(frozen=True)
class UseCase(Generic[Req, Res]):
    """One use case: its name, HTTP method and path, function, request and result.

    ``result`` is the function's declared return type (a pydantic model, a list of them, a
    union of models, a ``FileResult``, or ``Any`` for the three whose answer is a document or,
    with ``format=json``, the report's data); a test checks it against the function's
    annotation, and another that no result is a bare ``dict`` or list of them.
    """

    name: str
    method: Literal["GET", "POST"]
    path: str
    func: Callable[[Principal | None, Req], Res]
    request: type[Req]
    result: Any = field(default=None)

    @property
    def runs_flow(self) -> bool:
        """Whether calling it runs a Prefect flow (the CLI warms Prefect only for those)."""
        return self.func.__module__.startswith("flows.")

    def run(self, principal: Principal | None, params: dict[str, Any]) -> Res:
        """Validate ``params`` into the request model and run the use case as ``principal``.

        A person signed in with a one-time password may only choose their own; a database
        that is not initialised or not reachable is one sentence, not a traceback.
        """
        if (
            principal is not None
            and principal.must_change_password
            and self.name not in ONE_TIME_PASSWORD_ALLOWS
        ):
            raise Forbidden.said(
                "Du måste byta det tillfälliga lösenordet innan du kan göra något annat."
            )
        request = parse_request(self.request, params, self.name)
        try:
            return self.func(principal, request)
        except Exception as exc:
            explained = explain_database_error(exc)
            if explained is None:
                raise
            raise explained from None


def to_json(result: Any) -> Any:
    """A use case's result as JSON-ready data (models dumped, lists of them too)."""
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [to_json(item) for item in result]
    return result


USE_CASES: tuple[UseCase[Any, Any], ...] = (
    # promises
    UseCase("promise.list", GET, "/api/promises",
            promises.list_visible_promises, promises.PromiseListRequest,
            list[promise_results.PromiseRow]),
    UseCase("promise.create", POST, "/api/promises",
            promises.create_promise_as, inputs.PromiseCreate, promise_results.PromiseView),
    UseCase("promise.show", GET, "/api/promises/{promise_id}",
            promises.show_promise, promises.PromiseRequest, promise_results.PromiseView),
    UseCase("promise.history", GET, "/api/promises/{promise_id}/history",
            promises.promise_history, promises.PromiseRequest, list[promise_results.AuditEntry]),
    UseCase("artefact.add", POST, "/api/promises/{promise_id}/artefacts/{kind}",
            artefacts.record_artefact, artefacts.ArtefactRequest, artefacts.Recorded),
    UseCase("artefact.show", GET, "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}",
            artefact_changes.show_artefact, artefact_changes.ArtefactRef,
            artefact_changes.ArtefactShown),
    UseCase("artefact.change", POST, "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}",
            artefact_changes.change_artefact, artefact_changes.ArtefactChange, artefact_changes.Changed),
    UseCase("artefact.remove", POST,
            "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}/remove",
            artefact_changes.remove_artefact, artefact_changes.ArtefactRef, artefact_changes.Removed),
    UseCase("artefact.publicity", POST,
            "/api/promises/{promise_id}/artefacts/{kind}/{artefact_id}/publicity",
            publicity.set_publicity, publicity.PublicityInput, publicity.Publicity),
    UseCase("promise.ask_to_sign", POST, "/api/promises/{promise_id}/signature-requests",
            signatures.request_signature, signatures.SignatureRequest, signatures.AskedToSign),
    UseCase("promise.advance", POST, "/api/promises/{promise_id}/advance",
            transition_flows.advance, transitions.AdvanceRequest, transitions.TransitionResult),
    UseCase("promise.next_cycle", POST, "/api/promises/{promise_id}/next-cycle",
            transition_flows.next_cycle, next_cycle.NextCycleRequest, next_cycle.NextCycleResult),
    UseCase("agreement.create", POST, "/api/agreements",
            promises.create_agreement_as, inputs.AgreementCreate,
            promise_results.AgreementRecord),
    UseCase("agreement.list", GET, "/api/agreements",
            agreements.list_agreements, agreements.AgreementList,
            list[promise_results.AgreementDetail]),
    UseCase("agreement.show", GET, "/api/agreements/{agreement_id}",
            agreements.show_agreement, agreements.AgreementRef, promise_results.AgreementDetail),
    UseCase("agreement.change", POST, "/api/agreements/{agreement_id}",
            agreements.change_agreement, inputs.AgreementChange, promise_results.AgreementChanged),
    # deadlines and calendars
    UseCase("deadlines.show", GET, "/api/promises/{promise_id}/deadlines",
            deadlines.show_deadlines, deadlines.DeadlinesRequest, list[deadlines.DeadlineRow]),
    UseCase("deadlines.mine", GET, "/api/me/deadlines",
            deadlines.my_deadlines, deadlines.MyDeadlinesRequest, list[deadlines.MyDeadlineRow]),
    UseCase("calendar.show", GET, "/api/promises/{promise_id}/calendar",
            deadlines.show_calendar, promises.PromiseRequest, deadlines.CalendarView),
    UseCase("calendar.set", POST, "/api/promises/{promise_id}/calendar",
            deadlines.set_calendar, deadlines.CalendarOverrideRequest, deadlines.CalendarSynced),
    UseCase("calendar.clear", POST, "/api/promises/{promise_id}/calendar/clear",
            deadlines.clear_calendar, promises.PromiseRequest, deadlines.CalendarSynced),
    UseCase("calendar.resync", POST, "/api/calendars/resync",
            deadlines.resync, deadlines.RegionFilter, deadlines.Resynced),
    UseCase("ical.promise", GET, "/ical/promise/{promise_id}.ics",
            deadlines.promise_calendar_feed, promises.PromiseRequest, FileResult),
    UseCase("ical.region", GET, "/ical/region/{region}.ics",
            deadlines.region_calendar_feed, deadlines.RegionRequest, FileResult),
    UseCase("reminders.run", POST, "/api/reminders/run",
            reminders.run_reminders_now, reminders.RemindersRequest,
            reminders.RemindersRun | reminders.RemindersPreview),
    UseCase("renewal.run", POST, "/api/renewal/run",
            renewal_flow.renewal_now, next_cycle.RenewalRequest, next_cycle.RenewalResult),
    UseCase("catalogue.show", GET, "/api/catalogue",
            catalogue.show_catalogue, catalogue.CatalogueRequest, list[catalogue.CatalogueRegion]),
    UseCase("places.geojson", GET, "/api/regions/{region}/places.geojson",
            places.region_places, places.PlacesRequest, FileResult),
    UseCase("survey.import", POST, "/api/regions/{region}/surveys",
            surveys.import_survey, surveys.SurveyImport, surveys.SurveyImported),
    UseCase("survey.list", GET, "/api/regions/{region}/surveys",
            surveys.list_surveys, surveys.SurveyList, list[surveys.SurveySeries]),
    # year-end compilation
    UseCase("compilation.show", GET, "/api/promises/{promise_id}/compilation",
            compilation.show_compilation, compilation.CompilationRequest, Any),
    UseCase("compilation.approve", POST, "/api/promises/{promise_id}/compilation/approve",
            approval_flow.approve, compilation.ApprovalRequest, transitions.TransitionResult),
    UseCase("compilation.region", GET, "/api/regions/{region}/compilations",
            compilation.region_roll_up_as, compilation.RollUpRequest, Any),
    # the documents: the signed promise and the action plan
    UseCase("promise.document", GET, "/api/promises/{promise_id}/document",
            documents.signed_promise_document, documents.PromiseDocumentRequest, FileResult),
    UseCase("promise.action_plan", GET, "/api/promises/{promise_id}/action-plan",
            documents.action_plan_document, documents.ActionPlanRequest, FileResult),
    # the regional level
    UseCase("overview.show", GET, "/api/regions/{region}/overview",
            regional.show_overview, regional.OverviewRequest, Any),
    UseCase("status.report", POST, "/api/status-reports",
            regional.send_status_report, regional.StatusReportRequest, regional.StatusReportSent),
    UseCase("status.history", GET, "/api/regions/{region}/status-history",
            regional.status_history_of, regional.StatusHistoryRequest,
            list[regional.StatusHistoryRow]),
    # organisations, people, accounts, tokens
    UseCase("organisation.add", POST, "/api/organisations",
            organisations.add_organisation, organisations.OrganisationInput,
            organisations.OrganisationRow),
    UseCase("organisation.list", GET, "/api/organisations",
            organisations.list_organisations, organisations.OrganisationFilter,
            list[organisations.OrganisationRow]),
    UseCase("organisation.contact", POST, "/api/organisations/{id}/contact",
            organisations.set_contact, organisations.OrganisationContactInput,
            organisations.OrganisationRow),
    UseCase("person.add", POST, "/api/people",
            promises.add_person_as, inputs.PersonInput, promises.PersonRow),
    UseCase("person.list", GET, "/api/people", promises.list_people, NoInput, list[promises.PersonRow]),
    UseCase("user.password", POST, "/api/people/{email}/password",
            identity.change_password, identity.PasswordRequest, identity.PasswordChanged),
    UseCase("token.create", POST, "/api/tokens",
            identity.create_token, identity.TokenRequest, identity.NewToken),
    UseCase("token.list", GET, "/api/tokens", identity.list_tokens, NoInput, list[identity.TokenInfo]),
    UseCase("token.revoke", POST, "/api/tokens/{token_id}/revoke",
            identity.revoke_token, identity.TokenRef, identity.TokenRevoked),
    UseCase("me.show", GET, "/api/me", identity.who_am_i, NoInput, identity.Me),
    # the outbox
    UseCase("outbox.list", GET, "/api/outbox",
            outbox.list_outbox, outbox.OutboxListRequest, list[outbox.OutboxMessageRow]),
    UseCase("outbox.retry", POST, "/api/outbox/retry",
            outbox.retry_outbox, outbox.OutboxRetryRequest, outbox.Requeued),
    # upkeep after a release
    UseCase("status.recompute", POST, "/api/promise-status/recompute",
            maintenance.recompute_statuses, NoInput, maintenance.StatusRecomputed),
)  # fmt: skip
BY_NAME: dict[str, UseCase[Any, Any]] = {use_case.name: use_case for use_case in USE_CASES}
