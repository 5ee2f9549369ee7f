"""How the parties are named to the people who read about them (pure).

Residents and officials read "Hässelby-Vällingby stadsdelsnämnd och lokalpolisområde
Vällingby", not the register's short names "Hässelby-Vällingby och LPO Vällingby"; a promise
text is opened by the party that makes it: "Stadsdelsnämnden lovar att …" for a city district,
not "Kommunen lovar att …". One home for those names, used by the public pages, the mails to
residents and the documents. English from the catalogue (``lifecycle/i18n.py``).
"""

from __future__ import annotations

import re

from lifecycle.i18n import translate
from lifecycle.vocabulary import OrganisationKind

_LPO = re.compile(r"^LPO\s+")
_ALREADY_TITLED = re.compile(r"\b(kommun|stad)$")


def organisation_title(
    name: str,
    kind: OrganisationKind | None,
    language: str,
    *,
    region_name: str | None = None,
    in_sentence: bool = False,
) -> str:
    """An organisation by its full name: "Skärholmen stadsdelsnämnd", "Nacka kommun",
    "Lokalpolisområde Skärholmen" (with ``region_name``: ", Polisregion Stockholm").

    ``in_sentence``: as it reads inside a sentence, where Swedish writes the common noun in
    lower case ("… och lokalpolisområde Vällingby").
    """
    if kind is OrganisationKind.CITY_DISTRICT:
        return translate("{name} stadsdelsnämnd", language, name=name)
    if kind is OrganisationKind.MUNICIPALITY:
        if _ALREADY_TITLED.search(name) or name.startswith("Region "):
            return name
        return translate("{name} kommun", language, name=name)
    if kind is OrganisationKind.LOCAL_POLICE_AREA:
        bare = _LPO.sub("", name)
        title = translate("Lokalpolisområde {name}", language, name=bare)
        if in_sentence:
            title = title[0].lower() + title[1:]
        if region_name:
            title += ", " + region_name
        return title
    return name


def joined(names: list[str], language: str) -> str:
    """ "A", "A och B", "A, B och C" (English: "and")."""
    if len(names) <= 1:
        return "".join(names)
    return translate("{first} och {last}", language, first=", ".join(names[:-1]), last=names[-1])


def municipal_party(kind: OrganisationKind | None, name: str, language: str) -> str:
    """The municipal party as the subject of a promise: "Stadsdelsnämnden" for a city
    district, "Regionen" for Region Gotland, else "Kommunen"."""
    if kind is OrganisationKind.CITY_DISTRICT:
        return translate("Stadsdelsnämnden", language)
    if name.startswith("Region "):
        return translate("Regionen", language)
    return translate("Kommunen", language)
