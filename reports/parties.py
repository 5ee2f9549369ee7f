"""The parties of a promise as documents name them, and the year both of them signed.

Shared by the signed promise, the action plan and the year-end compilation (its own module, so
the documents do not import one another in a circle).
"""

from __future__ import annotations

from sqlmodel import Session, select

from lifecycle.names import organisation_title
from lifecycle.vocabulary import Party
from models import Organisation, Promise, PromiseText, Region
from views.lookup import signatures


def full_name(org: Organisation | None, region: Region | None, language: str) -> str:
    """An organisation as a document names it: "Skärholmen stadsdelsnämnd", "Nacka kommun",
    "Lokalpolisområde Skärholmen, Polisregion Stockholm" (``lifecycle/names.py``)."""
    if org is None:
        return "?"
    region_name = None
    if region is not None:
        region_name = region.name_sv if language == "sv" else region.name_en
    return organisation_title(org.name, org.kind, language, region_name=region_name)


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
