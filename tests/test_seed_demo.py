"""The demo network in seed/ reproduces what the report says, counted independently on the raw JSON.

These checks use plain Python over ``seed/demo.json`` on purpose: they do not go through
graphsvc's own analytics, so a bug there cannot hide a bug in the data (and vice versa).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"
PILOT_TAG = "biblioteket-som-samskaper"
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
KINDS = {"library", "municipal_unit", "association", "citizen_group", "business", "other_public"}
SECTORS = {"bibliotek", "kultur", "skole", "oppvekst", "helse", "omsorg", "innbyggertorg", "teknisk", "næring"}
ROLES = {"lead", "co_creator", "facilitator", "participant"}
LOCATIONS = {"library", "outside", "digital"}
SERVICE_MODELS = {"total", "hybrid", "en_dor_inn", "pacman"}


@pytest.fixture(scope="module")
def doc():
    return json.loads((SEED_DIR / "demo.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def actors(doc):
    return {a["id"]: a for a in doc["actors"]}


@pytest.fixture(scope="module")
def pilots(actors):
    return {i for i, a in actors.items() if a["kind"] == "library" and PILOT_TAG in a.get("tags", [])}


def partners_of(initiative) -> set[str]:
    return {p["actor"] for p in initiative["partners"]}


# -- the document is well formed graphsvc/1 and labelled illustrative --------------------------------

def test_document_is_labelled_illustrative(doc):
    assert doc["format"] == "graphsvc/1"
    assert set(doc) == {"format", "description", "actors", "initiatives"}
    assert "ILLUSTRATIVE" in doc["description"] and "NOT REAL" in doc["description"]
    assert "illustrative" in (SEED_DIR / "README.md").read_text(encoding="utf-8").lower()


def test_size_is_a_demo_not_a_toy(doc):
    assert 100 <= len(doc["actors"]) <= 200
    assert 300 <= len(doc["initiatives"]) <= 600


def test_actors_follow_the_contract(doc):
    ids = [a["id"] for a in doc["actors"]]
    assert len(ids) == len(set(ids))
    for a in doc["actors"]:
        assert ID.match(a["id"]), a["id"]
        assert a["kind"] in KINDS
        assert a["name"].strip() and a["municipality"].strip()
        if a["kind"] in ("library", "municipal_unit"):
            assert a["sector"] in SECTORS, a
        if "sector" in a:
            assert a["sector"] in SECTORS
        if "service_model" in a:
            assert a["service_model"] in SERVICE_MODELS
        if "municipality_number" in a:
            assert re.fullmatch(r"\d{4}", a["municipality_number"])
        assert "org_number" not in a  # invented actors get no (possibly real) organisation numbers
        date.fromisoformat(a["registered"])
        assert "illustrativ" in a["tags"]


def test_initiatives_follow_the_contract(doc, actors):
    ids = [i["id"] for i in doc["initiatives"]]
    assert len(ids) == len(set(ids))
    for i in doc["initiatives"]:
        assert ID.match(i["id"]), i["id"]
        started = date.fromisoformat(i["started"])
        assert date(2016, 1, 1) <= started <= date(2026, 12, 31)
        if i["ended"] is not None:
            assert date.fromisoformat(i["ended"]) >= started
        assert i["location"] in LOCATIONS
        members = [p["actor"] for p in i["partners"]]
        assert len(members) >= 2 and len(members) == len(set(members)), i["id"]
        assert all(p["role"] in ROLES for p in i["partners"])
        assert all(m in actors for m in members)
        assert i["initiator"] in members
        # Registered no later than the first thing the actor did.
        assert all(date.fromisoformat(actors[m]["registered"]) <= started for m in members), i["id"]


def test_drammen_and_indre_ostfold_carry_their_service_models(actors):
    models = {a["municipality"]: a.get("service_model") for a in actors.values()
              if a["kind"] == "library" and a["municipality"] in ("Drammen", "Indre Østfold")}
    assert models == {"Drammen": "hybrid", "Indre Østfold": "total"}
    torg = {a["municipality"] for a in actors.values() if a.get("sector") == "innbyggertorg"}
    assert {"Drammen", "Indre Østfold"} <= torg


def test_report_activities_are_there(doc):
    titles = " | ".join(i["title"] for i in doc["initiatives"]).casefold()
    for words in ("språkkafé", "lesesirkel", "konsert med lokale artister", "pop-up bibliotek",
                  "fuglekasseverksted", "plantebytte", "bøker rundt bålet"):
        assert words in titles, words


def test_the_lead_validator_accepts_the_document(doc):
    validation = pytest.importorskip("graphsvc.model.validation")
    actors, initiatives = validation.parse_document(doc)
    assert len(actors) == len(doc["actors"]) and len(initiatives) == len(doc["initiatives"])


def test_generator_is_reproducible():
    result = subprocess.run([sys.executable, str(SEED_DIR / "generate.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# -- calibration: figures 16 and 17 ----------------------------------------------------------------

def test_ten_pilot_libraries(pilots):
    assert len(pilots) == 10


def test_three_of_ten_were_invited_by_other_municipal_units(doc, actors, pilots):
    """Figure 16: an initiative whose initiator is a municipal unit, with the library as partner."""
    invited = set()
    for i in doc["initiatives"]:
        if actors[i["initiator"]]["kind"] == "municipal_unit":
            invited |= partners_of(i) & pilots
    assert len(invited) == 3


def test_three_of_ten_initiated_with_other_municipal_units(doc, actors, pilots):
    """Figure 17: the library is the initiator and a municipal unit is a partner."""
    initiated = {i["initiator"] for i in doc["initiatives"]
                 if i["initiator"] in pilots
                 and any(actors[m]["kind"] == "municipal_unit" for m in partners_of(i))}
    assert len(initiated) == 3


def test_invitations_are_co_creation_with_an_external_partner(doc, actors, pilots):
    """The report counts only co-creation: at least one partner outside the public sector."""
    public = {"library", "municipal_unit", "other_public"}
    for i in doc["initiatives"]:
        members = partners_of(i)
        kinds = {actors[m]["kind"] for m in members}
        crosses = (actors[i["initiator"]]["kind"] == "municipal_unit" and members & pilots) or (
            i["initiator"] in pilots and "municipal_unit" in kinds)
        if crosses:
            assert kinds - public, i["id"]


# -- calibration: skole and helse are the most closed sectors ---------------------------------------

def projected_ties(doc) -> dict[tuple[str, str], int]:
    ties: dict[tuple[str, str], int] = defaultdict(int)
    for i in doc["initiatives"]:
        for u, v in combinations(sorted(partners_of(i)), 2):
            ties[u, v] += 1
    return ties


def ei_index_by_sector(doc, actors, *, sectorless: str, weighted: bool) -> dict[str, float]:
    """(E − I) / (E + I) per sector; actors without a sector grouped by kind, as one group, or left out."""
    def group(actor_id):
        a = actors[actor_id]
        if a.get("sector"):
            return a["sector"]
        return {"kind": a["kind"], "one": "(no sector)", "drop": None}[sectorless]

    e, i = defaultdict(int), defaultdict(int)
    for (u, v), n in projected_ties(doc).items():
        gu, gv = group(u), group(v)
        if gu is None or gv is None:
            continue
        amount = n if weighted else 1
        if gu == gv:
            i[gu] += amount
        else:
            e[gu] += amount
            e[gv] += amount
    sectors = {a["sector"] for a in actors.values() if a.get("sector")}
    return {s: (e[s] - i[s]) / (e[s] + i[s]) for s in sectors if e[s] + i[s]}


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sectorless", ["kind", "one", "drop"])
def test_skole_and_helse_are_the_most_closed_sectors(doc, actors, sectorless, weighted):
    ei = ei_index_by_sector(doc, actors, sectorless=sectorless, weighted=weighted)
    ranked = sorted(ei, key=ei.get)
    assert set(ranked[:2]) == {"skole", "helse"}, ei
    assert max(ei["skole"], ei["helse"]) < 0 < ei["bibliotek"] or sectorless == "drop"


# -- calibration: the libraries' networks grow after 2018 -------------------------------------------

def library_degree(doc, library: str, at: date, *, local: bool, actors) -> int:
    """Distinct partners of ``library`` in initiatives started by ``at`` (local: leave other libraries out)."""
    partners = set()
    for i in doc["initiatives"]:
        if date.fromisoformat(i["started"]) <= at and library in partners_of(i):
            partners |= partners_of(i) - {library}
    if local:
        partners = {p for p in partners if actors[p]["kind"] != "library"}
    return len(partners)


@pytest.mark.parametrize("local", [False, True])
def test_library_networks_grow_after_2018(doc, actors, pilots, local):
    def mean_degree(year):
        return sum(library_degree(doc, lib, date(year, 12, 31), local=local, actors=actors)
                   for lib in pilots) / len(pilots)

    series = [mean_degree(year) for year in (2018, 2020, 2022, 2024)]
    assert series == sorted(series) and series[0] < series[-1], series
    if local:  # the local network (without the project's other libraries) at least doubles
        assert series[-1] >= 2 * series[0], series


def test_co_creation_activity_grows_after_2018(doc):
    per_year = defaultdict(int)
    for i in doc["initiatives"]:
        per_year[int(i["started"][:4])] += 1
    before = sum(per_year[y] for y in (2016, 2017, 2018)) / 3
    after = sum(per_year[y] for y in (2019, 2020, 2021, 2022, 2023, 2024, 2025)) / 7
    assert after > 1.5 * before, dict(per_year)


# -- calibration: the silos are strong, not absolute ------------------------------------------------

@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sectorless", ["kind", "one", "drop"])
def test_skole_and_helse_are_not_closed_at_the_end(doc, actors, sectorless, weighted):
    """"Veldig sterke siloer", not walls: at the end of the period both have some ties outside."""
    ei = ei_index_by_sector(doc, actors, sectorless=sectorless, weighted=weighted)
    assert -1 < ei["skole"] < 0 and -1 < ei["helse"] < 0, ei


def test_municipal_units_of_different_sectors_sometimes_co_create(doc, actors):
    public = {"library", "municipal_unit", "other_public"}
    cross = {(u, v) for u, v in projected_ties(doc)
             if actors[u]["kind"] == actors[v]["kind"] == "municipal_unit"
             and actors[u]["sector"] != actors[v]["sector"]}
    assert len(cross) >= 6, cross
    pairs = {frozenset((actors[u]["sector"], actors[v]["sector"])) for u, v in cross}
    assert {frozenset(("kultur", "oppvekst")), frozenset(("omsorg", "helse")),
            frozenset(("innbyggertorg", "kultur"))} <= pairs, pairs
    # Still co-creation: every such initiative has a partner from outside the public sector.
    for i in doc["initiatives"]:
        units = [m for m in partners_of(i) if actors[m]["kind"] == "municipal_unit"]
        if len({actors[m]["sector"] for m in units}) > 1:
            assert {actors[m]["kind"] for m in partners_of(i)} - public, i["id"]


def test_some_libraries_co_create_with_schools(doc, actors, pilots):
    with_schools = {lib for i in doc["initiatives"] for lib in partners_of(i)
                    if actors[lib]["kind"] == "library"
                    and any(actors[m].get("sector") == "skole" for m in partners_of(i))}
    assert 3 <= len(with_schools) <= 6, with_schools  # rare: a few libraries, not most
    assert with_schools & pilots


def network_ei(doc, actors, group_by: str, *, weighted: bool) -> float:
    def group(actor_id):
        a = actors[actor_id]
        return (a.get("sector") or a["kind"]) if group_by == "sector" else a["kind"]

    e = i = 0
    for (u, v), n in projected_ties(doc).items():
        if group(u) == group(v):
            i += n if weighted else 1
        else:
            e += n if weighted else 1
    return (e - i) / (e + i)


@pytest.mark.parametrize("weighted", [False, True])
def test_network_ei_differs_by_sector_and_by_kind(doc, actors, weighted):
    """Ties between municipal units of different sectors are outward by sector, inward by kind."""
    by_sector = network_ei(doc, actors, "sector", weighted=weighted)
    by_kind = network_ei(doc, actors, "kind", weighted=weighted)
    assert by_sector > by_kind, (by_sector, by_kind)
