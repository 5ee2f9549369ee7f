"""``lofte promise ...``, ``lofte agreement create``, ``lofte advance``, ``next-cycle`` and ``history``: a promise's life from the command line."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli import transport
from cli.options import (
    ActorOpt,
    JsonOpt,
    LateReasonOpt,
    actor_of,
)
from cli.output import command, language, print_json, print_unmet

# --- promises --------------------------------------------------------------------------------


@command
def promise_create(
    region: Annotated[str, typer.Option(help="Region id, e.g. stockholm")],
    municipality: Annotated[str, typer.Option(help="Municipality or city district")],
    police_area: Annotated[str, typer.Option("--police-area", help="Local police area (LPO)")],
    start: Annotated[str, typer.Option(help="First day of the term, YYYY-MM-DD")],
    years: Annotated[int, typer.Option(help="Length of the term, 1-4 years")],
    area_name: Annotated[
        str | None, typer.Option("--area-name", help="Area covered (default: the municipality)")
    ] = None,
    city_district: Annotated[
        bool,
        typer.Option(
            "--city-district", help="The municipality side is a city district (stadsdelsnämnd)"
        ),
    ] = False,
    also_police_area: Annotated[
        list[str] | None,
        typer.Option(
            "--also-police-area",
            help="Ytterligare lokalpolisområde som området ligger i / a further local police "
            "area the area lies in (a city district split between two police areas; repeat)",
        ),
    ] = None,
    agreement: Annotated[
        int | None, typer.Option(help="Id of the collaboration agreement it belongs to")
    ] = None,
    late_reason: LateReasonOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a promise; it starts in resident_dialogue."""
    view = transport.call(
        "promise.create",
        {
            "region": region,
            "municipality": municipality,
            "police_area": police_area,
            "start": start,
            "years": years,
            "area_name": area_name,
            "municipality_is_city_district": city_district,
            "also_police_areas": also_police_area or [],
            "agreement_id": agreement,
            "late_start_reason": late_reason,
        },
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(view)
    else:
        _print_promise(view)


def _print_promise(view: dict[str, Any]) -> None:
    typer.echo(
        f"Löfte / promise {view['id']}: {view['area']} ({view['municipality']} / {view['police_area']})"
    )
    typer.echo(
        f"  Region: {view['region']}   Period / term: {view['term_start']} – {view['term_end']} ({view['term_years']} år), år / year {view['cycle_year']}"
    )
    typer.echo(
        f"  Steg / stage: {view['stage']} ({view['stage_name']})   version {view['version']}"
    )
    if view.get("late_start_reason"):
        typer.echo(f"  Sen start / late start: {view['late_start_reason']}")
    if view["unmet"]:
        typer.echo("  Kvar att göra innan nästa steg / still to do before the next stage:")
        print_unmet(view["unmet"], err=False)
    elif view["stage"] != "closed":
        typer.echo("  Klart för nästa steg / ready for the next stage (lofte advance).")
    for kind, rows in view.get("artefacts", {}).items():
        if rows:
            typer.echo(f"  {kind} ({len(rows)}):")
            for row in rows:
                typer.echo(f"    {row['id']:>5}  {row['label']}")
    for s in view.get("signatories") or []:
        signed = (
            f"{s['signed_by']} {s['signed_on']}"
            if s["signed_by"]
            else "inte undertecknat / not signed"
        )
        who = ", ".join(s["people"]) or "ingen i styrgruppen / no steering group member"
        typer.echo(
            f"  Underskrift / signature {s['organisation']} (organisation {s['organisation_id']}):"
            f" {signed}; skriver under / signs: {who}"
        )


@command
def publicity(
    promise_id: Annotated[int, typer.Argument(help="The promise")],
    kind: Annotated[str, typer.Argument(help="problem, goal or activity")],
    artefact_id: Annotated[int, typer.Argument(help="The item's id")],
    reason: Annotated[
        str,
        typer.Option(help="Publiceras inte: why residents must not see it (empty: publish it)"),
    ] = "",
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Hold a problem, goal or activity back from the public pages and open data, or publish it
    again; allowed in every stage (docs/public.md)."""
    out = transport.call(
        "artefact.publicity",
        {"promise_id": promise_id, "kind": kind, "artefact_id": artefact_id, "reason": reason},
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(out)
    elif out["not_public_reason"]:
        typer.echo(f"{kind} {artefact_id}: publiceras inte ({out['not_public_reason']})")
    else:
        typer.echo(f"{kind} {artefact_id}: publiceras")


@command
def promise_list(
    region: Annotated[str | None, typer.Option(help="Only this region")] = None,
    stage: Annotated[str | None, typer.Option(help="Only this stage")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the promises you may read, optionally of one region and/or stage."""
    rows = transport.call(
        "promise.list", {"region": region, "stage": stage}, actor=actor_of(actor, as_json)
    )
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Inga löften / no promises.")
        return
    typer.echo(f"{'id':>5}  {'steg / stage':<24} {'period / term':<25} område / area")
    for r in rows:
        term = f"{r['term_start']} – {r['term_end']}"
        typer.echo(f"{r['id']:>5}  {r['stage']:<24} {term:<25} {r['area']} ({r['police_area']})")


@command
def promise_show(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a promise: stage, what is still missing before the next stage, and its history."""
    view = transport.call(
        "promise.show",
        {"promise_id": promise_id, "language": language()},
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(view)
        return
    _print_promise(view)
    if view["history"]:
        typer.echo("  Historik / history:")
        for h in view["history"]:
            typer.echo(f"    {h['at'][:16]}  {h['from_stage']} -> {h['to_stage']}  ({h['actor']})")


# --- agreements ------------------------------------------------------------------------------


@command
def agreement_create(
    region: Annotated[str, typer.Option(help="Region id, e.g. stockholm")],
    municipality: Annotated[str, typer.Option(help="Municipality or city district")],
    police_area: Annotated[str, typer.Option("--police-area", help="Local police area (LPO)")],
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD")],
    years: Annotated[int, typer.Option(help="Length, 2-4 years")],
    title: Annotated[str, typer.Option(help="Title of the agreement")] = "",
    city_district: Annotated[bool, typer.Option("--city-district")] = False,
    also: Annotated[
        list[str] | None,
        typer.Option(
            "--also",
            help="Ytterligare stadsdel/kommun som skriver under / a further city district or "
            "municipality signing with the same LPO (repeat)",
        ),
    ] = None,
    focus_area: Annotated[
        list[str] | None,
        typer.Option("--focus-area", help="Inriktning / an agreed focus area (repeat)"),
    ] = None,
    goals: Annotated[str, typer.Option(help="Mål / what the parties want to achieve")] = "",
    follow_up: Annotated[
        str, typer.Option("--follow-up", help="Uppföljning / how it is followed up")
    ] = "",
    decided_by: Annotated[
        str, typer.Option("--decided-by", help="Beslutat av / who decided it")
    ] = "",
    decided_on: Annotated[
        str | None, typer.Option("--decided-on", help="Beslutsdatum / YYYY-MM-DD")
    ] = None,
    diarienummer: Annotated[
        str, typer.Option(help="Diarienummer / the decision's file number")
    ] = "",
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a collaboration agreement (samverkansöverenskommelse) that promises belong to.

    It records what the parties agreed on (focus areas, goals, follow-up) and the decision.
    """
    out = transport.call(
        "agreement.create",
        {
            "region": region,
            "municipality": municipality,
            "police_area": police_area,
            "start": start,
            "years": years,
            "title": title,
            "municipality_is_city_district": city_district,
            "other_municipalities": also or [],
            "focus_areas": focus_area or [],
            "goals": goals,
            "follow_up": follow_up,
            "decided_by": decided_by,
            "decided_on": decided_on,
            "diarienummer": diarienummer,
        },
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(out)
    else:
        typer.echo(
            f"Överenskommelse / agreement {out['id']}: {out['term_start']} – {out['term_end']}, "
            f"{out['police_area']} med / with {', '.join(out['municipalities'])}"
        )


# --- transitions -----------------------------------------------------------------------------


@command
def advance(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    to: Annotated[str | None, typer.Option(help="Target stage (default: the next one)")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required when going back)")] = None,
    expected_version: Annotated[
        int | None,
        typer.Option("--expected-version", help="Refuse if the promise changed since this version"),
    ] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a promise to its next stage (or --to an earlier one, with --reason)."""
    result = transport.call(
        "promise.advance",
        {
            "promise_id": promise_id,
            "to": to,
            "reason": reason,
            "expected_version": expected_version,
        },
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json({**result, "via": transport.last_route})
        return
    from lifecycle.stages import Stage

    names = [Stage(result[k]).name_in("sv") for k in ("from_stage", "to_stage")]
    typer.echo(
        f"Löfte / promise {result['promise_id']}: {names[0]} → {names[1]} "
        f"({result['from_stage']} -> {result['to_stage']}, version {result['version']})"
    )
    if result.get("next_promise_id"):
        typer.echo(f"Nästa cykel öppnad / next cycle opened: promise {result['next_promise_id']}")


@command
def ask_to_sign(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    organisation_id: Annotated[
        int,
        typer.Option(
            "--organisation",
            help="Id of the organisation whose steering group is asked (lofte promise show "
            "lists who signs)",
        ),
    ],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ask the steering group of one of the promise's organisations to sign it (a notice with
    a link to the promise's page, at most one a day each)."""
    result = transport.call(
        "promise.ask_to_sign",
        {"promise_id": promise_id, "organisation_id": organisation_id},
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(result)
        return
    typer.echo(
        f"{result['organisation']}: ombedda att skriva under / asked to sign: "
        f"{', '.join(result['asked'])} ({result['queued']} nya meddelanden / new notices)"
    )


@command
def next_cycle(
    promise_id: Annotated[int, typer.Argument(help="A promise in its last year")],
    late_reason: LateReasonOpt = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open the next cycle of a promise in its last year.

    The daily renewal run does it on the region's renewal day (default 1 September).
    """
    result = transport.call(
        "promise.next_cycle",
        {"promise_id": promise_id, "late_start_reason": late_reason},
        actor=actor_of(actor, as_json),
    )
    if as_json:
        print_json(result)
    else:
        typer.echo(f"Nästa cykel / next cycle: promise {result['next_promise_id']}")


@command
def history(
    promise_id: Annotated[int, typer.Argument(help="Promise id")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The full audit trail of a promise: every change and transition."""
    events = transport.call(
        "promise.history", {"promise_id": promise_id}, actor=actor_of(actor, as_json)
    )
    if as_json:
        print_json(events)
        return
    for e in events:
        move = f"{e['from_stage'] or ''} -> {e['to_stage']}" if e["to_stage"] else ""
        detail = e["details"].get("kind", "") if e["action"] != "transition" else ""
        reason = f'  "{e["reason"]}"' if e["reason"] else ""
        typer.echo(f"{e['at'][:19]}  {e['actor']:<28} {e['action']:<18} {move}{detail}{reason}")
