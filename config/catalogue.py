"""Region catalogues: the police regions and their priority areas, loaded from YAML data files.

The files live in ``config/catalogues/``: ``regions.yaml`` lists the regions, and a region may
have ``<region id>.yaml`` with its priority sets. A broken file stops start-up with a
ConfigError naming the file, the key and the problem, said in Swedish with its English from
the catalogue (``ConfigError.said``, validators' ``InvalidValue``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from config.errors import ConfigError, problems
from config.files import read_yaml_document
from lifecycle.errors import field_path
from lifecycle.i18n import InvalidValue

CATALOGUE_DIR = Path(__file__).parent / "catalogues"

_SLUG = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CatalogueGoal(_Strict):
    """A measurable goal laid down for a priority area (e.g. in a city-wide agreement)."""

    id: str = Field(pattern=_SLUG)
    text_sv: str = Field(min_length=1)
    text_en: str = Field(min_length=1)


class PriorityAreaEntry(_Strict):
    """A priority area; ``mandatory`` areas must be covered by every promise the set applies to.

    ``only_where_vulnerable_areas``: mandatory only for a municipality or city district that
    has vulnerable areas ("Minskat antal utsatta områden där sådana finns").
    """

    id: str = Field(pattern=_SLUG)
    name_sv: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    mandatory: bool = False
    only_where_vulnerable_areas: bool = False
    goals: list[CatalogueGoal] = Field(default_factory=list)

    def mandatory_for(self, has_vulnerable_areas: bool) -> bool:
        """Whether a promise of a party with (or without) vulnerable areas must cover it."""
        return self.mandatory and (has_vulnerable_areas or not self.only_where_vulnerable_areas)


# Whom a priority set applies to: every promise of the region (the police region's list), the
# promises of city districts (the city's list), or regional collaboration only (Region
# Stockholm's list, which no local promise is measured against).
AppliesTo = Literal["region", "city_districts", "regional"]


class PrioritySet(_Strict):
    """Priority areas laid down together by one decision (valid over a span of years)."""

    id: str = Field(pattern=_SLUG)
    name_sv: str
    name_en: str
    source: str = ""
    applies_to: AppliesTo = "region"
    valid_from: int | None = None
    valid_until: int | None = None
    # The latest list its decision-maker has given stays in force after its years until a
    # newer one replaces it (the police region's list, laid down "inför 2022 och 2023").
    stays_in_force: bool = False
    # Sets that replace this one as the mandatory frame for whom they apply to, from their
    # first year (the city's five areas for the city districts from 2024). Its areas may still
    # be chosen; they are no longer mandatory there.
    replaced_by: list[str] = Field(default_factory=list)
    # The frame the local level "ska beröra": its situation pictures say something about each
    # area, or record that it is not relevant there ("ej aktuellt här") with a reason.
    frame: bool = False
    areas: list[PriorityAreaEntry]

    @model_validator(mode="after")
    def _years_in_order(self) -> PrioritySet:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise InvalidValue(  # the keys as the file names them
                "{last} {until} är före {first} {since}",
                last="valid_until",
                until=self.valid_until,
                first="valid_from",
                since=self.valid_from,
            )
        return self

    def in_force(self, first_year: int, last_year: int) -> bool:
        """Whether the set applies to a term covering ``first_year``..``last_year``."""
        starts_ok = (
            self.valid_until is None or self.stays_in_force or first_year <= self.valid_until
        )
        ends_ok = self.valid_from is None or last_year >= self.valid_from
        return starts_ok and ends_ok

    def applies(self, city_district: bool) -> bool:
        """Whether a local promise (of a city district or a municipality) is measured by it."""
        if self.applies_to == "region":
            return True
        return self.applies_to == "city_districts" and city_district


class RegionEntry(_Strict):
    """One police region with its (optional) priority sets."""

    id: str = Field(pattern=_SLUG)
    name_sv: str
    name_en: str
    priority_sets: list[PrioritySet] = Field(default_factory=list)

    @model_validator(mode="after")
    def _replacements_known(self) -> RegionEntry:
        known = {pset.id for pset in self.priority_sets}
        for pset in self.priority_sets:
            unknown = sorted(set(pset.replaced_by) - known)
            if unknown:
                raise InvalidValue(
                    "prioriteringsuppsättningen {set!r}: {key} nämner okända uppsättningar "
                    "{unknown}; kända: {known}",
                    set=pset.id,
                    key="replaced_by",
                    unknown=unknown,
                    known=", ".join(sorted(known)),
                )
        return self

    def areas_for(
        self, first_year: int, last_year: int, *, city_district: bool
    ) -> list[tuple[PrioritySet, PriorityAreaEntry]]:
        """The areas a local promise with this term and party may be tied to."""
        return [
            (pset, area)
            for pset in self.priority_sets
            if pset.in_force(first_year, last_year) and pset.applies(city_district)
            for area in pset.areas
        ]

    def replaced(self, pset: PrioritySet, first_year: int, *, city_district: bool) -> bool:
        """Whether a newer set that applies to this party has replaced ``pset`` for a term
        starting in ``first_year`` (the city's frame for a city district from 2024)."""
        return any(
            newer.id in pset.replaced_by
            and newer.applies(city_district)
            and newer.valid_from is not None
            and first_year >= newer.valid_from
            and (newer.valid_until is None or first_year <= newer.valid_until)
            for newer in self.priority_sets
        )

    def mandatory_area_ids(
        self,
        first_year: int,
        last_year: int,
        *,
        city_district: bool = False,
        has_vulnerable_areas: bool = True,
    ) -> set[str]:
        """Ids of the areas a promise with this term and party must cover."""
        return {
            area.id
            for pset, area in self.areas_for(first_year, last_year, city_district=city_district)
            if area.mandatory_for(has_vulnerable_areas)
            and not self.replaced(pset, first_year, city_district=city_district)
        }

    def frame_area_ids(self, first_year: int, last_year: int, *, city_district: bool) -> list[str]:
        """Ids of the areas the situation pictures must speak to (or call not relevant here)."""
        return [
            area.id
            for pset, area in self.areas_for(first_year, last_year, city_district=city_district)
            if pset.frame
        ]

    def all_areas(self) -> list[tuple[PrioritySet, PriorityAreaEntry]]:
        """Every area of the region with the set it belongs to."""
        return [(pset, area) for pset in self.priority_sets for area in pset.areas]


class Catalogue(_Strict):
    """All regions, keyed by id."""

    regions: dict[str, RegionEntry]

    def region(self, region_id: str) -> RegionEntry:
        """The region with this id, or a KeyError listing the known ids (for the code, not a
        person: its callers take it for a region without priority areas)."""
        try:
            return self.regions[region_id]
        except KeyError:
            known = ", ".join(sorted(self.regions))
            raise KeyError(f"unknown region {region_id!r}; known regions: {known}") from None


def _read_yaml(path: Path) -> Any:
    return read_yaml_document(path)


def _errors(path: Path, exc: ValidationError, prefix: str = "") -> ConfigError:
    def key_of(loc: tuple[Any, ...]) -> str:
        return ".".join(part for part in (prefix.rstrip("."), field_path(loc)) if part)

    said = problems(exc, key_of, lambda _: "")
    return ConfigError.said("{source}: {problems}", source=str(path), problems=said)


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Read and validate every catalogue file in ``directory``."""
    regions_file = directory / "regions.yaml"
    raw = _read_yaml(regions_file)
    if not isinstance(raw, dict) or not isinstance(raw.get("regions"), list):
        raise ConfigError.said(
            "{path}: regions: en lista av regioner väntades", path=str(regions_file)
        )
    regions: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(raw["regions"]):
        if not isinstance(entry, dict) or "id" not in entry:
            raise ConfigError.said(
                "{path}: regions.{index}: en mappning med ett id väntades",
                path=str(regions_file),
                index=index,
            )
        if entry["id"] in regions:
            raise ConfigError.said(
                "{path}: regions.{index}.id: id {id!r} står två gånger",
                path=str(regions_file),
                index=index,
                id=entry["id"],
            )
        regions[entry["id"]] = dict(entry)
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "regions.yaml":
            continue
        data = _read_yaml(path)
        if not isinstance(data, dict) or "region" not in data:
            raise ConfigError.said(
                "{path}: region: saknas (id för regionen som filen hör till)", path=str(path)
            )
        if data["region"] not in regions:
            raise ConfigError.said(
                "{path}: region: {region!r} finns inte i {file} (kända: {known})",
                path=str(path),
                region=data["region"],
                file=regions_file.name,
                known=", ".join(sorted(regions)),
            )
        sets = []
        for index, raw_set in enumerate(data.get("priority_sets") or []):
            try:
                sets.append(PrioritySet.model_validate(raw_set))
            except ValidationError as exc:
                raise _errors(path, exc, prefix=f"priority_sets.{index}.") from exc
        regions[data["region"]]["priority_sets"] = sets
    try:
        catalogue = Catalogue(
            regions={k: RegionEntry.model_validate(v) for k, v in regions.items()}
        )
    except ValidationError as exc:
        raise _errors(regions_file, exc) from exc
    seen: dict[str, str] = {}
    for region in catalogue.regions.values():
        for _, area in region.all_areas():
            if area.id in seen:
                raise ConfigError.said(
                    "{path}: prioriteringsområdets id {id!r} används två gånger ({first} och "
                    "{second}); id ska vara unika",
                    path=str(directory),
                    id=area.id,
                    first=seen[area.id],
                    second=region.id,
                )
            seen[area.id] = region.id
    return catalogue


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return load_catalogue()
