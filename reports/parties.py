"""The parties of a promise as documents name them, and the year both of them signed.

Shared by the signed promise, the action plan and the year-end compilation (its own module, so
the documents do not import one another in a circle).
"""

from __future__ import annotations

import re

from sqlmodel import Session, select

from lifecycle.i18n import REPORT, in_context
from lifecycle.vocabulary import OrganisationKind, Party
from models import Organisation, Promise, PromiseText, Region
from reports.i18n import in_language
from views.lookup import signatures


def full_name(org: Organisation | None, region: Region | None, language: str) -> str:
    """An organisation as a document names it: "Skärholmen stadsdelsnämnd", "Nacka kommun",
    "Lokalpolisområde Skärholmen, Polisregion Stockholm"."""
    if org is None:
        return "?"
    name = org.name
    if org.kind is OrganisationKind.CITY_DISTRICT:
        return in_context(REPORT, "{name} stadsdelsnämnd", language, name=name)
    if org.kind is OrganisationKind.MUNICIPALITY:
        if re.search(r"\b(kommun|stad)$", name) or name.startswith("Region "):
            return name
        return in_context(REPORT, "{name} kommun", language, name=name)
    if org.kind is OrganisationKind.LOCAL_POLICE_AREA:
        bare = re.sub(r"^LPO\s+", "", name)
        police = in_context(REPORT, "Lokalpolisområde {name}", language, name=bare)
        if region is not None:
            police += ", " + in_language((region.name_sv, region.name_en), language)
        return police
    return name


def signed_year(session: Session, promise: Promise, published_only: bool = False) -> int | None:
    """The latest cycle year whose promise text all parties have signed (not revoked);
    with ``published_only`` the latest whose text is also published (what residents see)."""
    for year in range(promise.cycle_year + 1, 0, -1):
        text = session.exec(
            select(PromiseText).where(
                PromiseText.promise_id == promise.id, PromiseText.cycle_year == year
            )
        ).first()
        if published_only and (text is None or text.published_at is None):
            continue
        # every party, and each organisation of a party of two, has signed
        if text is not None and signatures(session, promise, year)[0] == frozenset(Party):
            return year
    return None
