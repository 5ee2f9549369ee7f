"""``lofte agreement list|show|change``: the collaboration agreements above the promises."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cli import transport
from cli.output import EXIT_BAD_INPUT, fail, print_json
from lifecycle.errors import InputError

ActorOpt = Annotated[
    str | None, typer.Option(help="On the server: act as this registered person (e-mail)")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
STATUS = {
    "upcoming": "kommande / upcoming",
    "active": "gäller / in force",
    "expiring": "löper snart ut / expiring",
    "expired": "har löpt ut / expired",
}


def _line(a: dict[str, Any]) -> str:
    parties = ", ".join(a["municipalities"])
    return (
        f"{a['id']:>4}  {a['term_start']} – {a['term_end']}  {STATUS[a['status']]:<28} "
        f"{a['police_area']} med / with {parties}"
    )


def list_command(
    region: Annotated[str | None, typer.Option(help="Only this police region")] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Överenskommelserna du får se / the agreements you may see, with their status."""
    rows = transport.call("agreement.list", {"region": region}, actor=actor)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("Inga överenskommelser / no agreements.")
    for a in rows:
        typer.echo(_line(a))
        for warning in a["warnings"]:
            typer.echo(f"        ! {warning}")


def show_command(
    agreement_id: Annotated[int, typer.Argument(help="The agreement's id (lofte agreement list)")],
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """En överenskommelse / one agreement: content, decisions, organisation, promises."""
    a = transport.call("agreement.show", {"agreement_id": agreement_id}, actor=actor)
    if as_json:
        print_json(a)
        return
    typer.echo(f"Överenskommelse / agreement {a['id']}: {a['title'] or '–'}")
    typer.echo(f"  Period / term: {a['term_start']} – {a['term_end']} ({STATUS[a['status']]})")
    typer.echo(f"  Parter / parties: {', '.join(a['municipalities'])}; {a['police_area']}")
    typer.echo(f"  Inriktning / focus areas: {'; '.join(a['focus_areas']) or '–'}")
    typer.echo(f"  Mål / goals: {a['goals'] or '–'}")
    typer.echo(f"  Uppföljning / follow-up: {a['follow_up'] or '–'}")
    typer.echo(f"  Styrgrupp / steering group: {a['steering_group'] or '–'}")
    typer.echo(f"  Beredningsgrupp / preparation group: {a['preparation_group'] or '–'}")
    typer.echo(f"  Mötesrytm / meeting rhythm: {a['meeting_rhythm'] or '–'}")
    typer.echo("  Beslut / decisions:")
    for d in a["decisions"]:
        extra = ", ".join(x for x in (d.get("paragraph"), d.get("diarienummer")) if x)
        typer.echo(
            f"    {d['party']}: {d['body']} {d['decided_on']}" + (f" ({extra})" if extra else "")
        )
    if not a["decisions"]:
        typer.echo("    –")
    if a["previous_agreement_id"]:
        typer.echo(f"  Förnyar / renews: {a['previous_agreement_id']}")
    if a["next_agreement_id"]:
        typer.echo(f"  Förnyad av / renewed by: {a['next_agreement_id']}")
    typer.echo("  Löften / promises:")
    for p in a["promises"]:
        typer.echo(
            f"    {p['id']:>4}  {p['area']}  {p['term_start']} – {p['term_end']}  {p['stage']}"
        )
    if not a["promises"]:
        typer.echo("    –")
    for warning in a["warnings"]:
        typer.echo(f"  ! {warning}")


def change_command(
    agreement_id: Annotated[int, typer.Argument(help="The agreement's id (lofte agreement list)")],
    title: Annotated[str | None, typer.Option(help="Title")] = None,
    focus_area: Annotated[
        list[str] | None,
        typer.Option("--focus-area", help="Inriktning: the focus areas (repeat; replaces)"),
    ] = None,
    goals: Annotated[str | None, typer.Option(help="Mål")] = None,
    follow_up: Annotated[str | None, typer.Option("--follow-up", help="Uppföljning")] = None,
    steering_group: Annotated[
        str | None, typer.Option("--steering-group", help="Styrgrupp: who sits in it")
    ] = None,
    preparation_group: Annotated[
        str | None, typer.Option("--preparation-group", help="Beredningsgrupp")
    ] = None,
    meeting_rhythm: Annotated[
        str | None, typer.Option("--meeting-rhythm", help="Mötesrytm, e.g. 'tertialvis'")
    ] = None,
    decision: Annotated[
        list[str] | None,
        typer.Option(
            "--decision",
            help="A party's decision as JSON (repeat; replaces the recorded ones): "
            '\'{"party": "Sollentuna", "body": "Kommunstyrelsen", "decided_on": "2026-12-08", '
            '"paragraph": "§ 212", "diarienummer": "KS 2026/0412"}\'',
        ),
    ] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ändra en överenskommelse / change an agreement (only the fields given)."""
    fields: dict[str, Any] = {"agreement_id": agreement_id}
    for name, value in (
        ("title", title),
        ("goals", goals),
        ("follow_up", follow_up),
        ("steering_group", steering_group),
        ("preparation_group", preparation_group),
        ("meeting_rhythm", meeting_rhythm),
    ):
        if value is not None:
            fields[name] = value
    if focus_area:
        fields["focus_areas"] = focus_area
    if decision:
        parsed = []
        for raw in decision:
            try:
                parsed.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                fail(
                    InputError.said(
                        "--decision är inte JSON ({why} vid tecken {pos}): {raw!r}; skriv det "
                        'som \'{{"party": "...", "body": "...", "decided_on": "ÅÅÅÅ-MM-DD"}}\'',
                        why=exc.msg,
                        pos=exc.pos,
                        raw=raw,
                    ),
                    EXIT_BAD_INPUT,
                    as_json=as_json,
                )
        fields["decisions"] = parsed
    out = transport.call("agreement.change", fields, actor=actor)
    if as_json:
        print_json(out)
        return
    changed = ", ".join(out["changed"]) or "inget / nothing"
    typer.echo(f"Överenskommelse / agreement {out['id']}: ändrat / changed: {changed}")
