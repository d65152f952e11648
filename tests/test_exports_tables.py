"""CSV (zip) and xlsx exports read back by csv, pandas and openpyxl; the shared filter."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from graphsvc.interchange import filter_network, to_csv_zip, to_xlsx
from graphsvc.model.entities import Actor, Initiative, Partner
from graphsvc.model.validation import parse_document

SEED = Path(__file__).resolve().parents[1] / "seed" / "demo.json"
AWKWARD = '<img src=x onerror=alert(1)> & "quotes", semi;colon æøå'


@pytest.fixture
def network():
    actors = [
        Actor("lib", "Hå bibliotek", "library", "Hå", sector="bibliotek", municipality_number="1119",
              registered=date(2020, 1, 1), tags=("pilot", "æøå")),
        Actor("xss", AWKWARD, "association", "Hå", registered=date(2020, 2, 1)),
        Actor("formula", "=HYPERLINK(\"http://x\")", "citizen_group", "Hå", registered=date(2020, 2, 1)),
        Actor("skole", "Sentrum skole", "municipal_unit", "Sandnes", sector="skole", registered=date(2020, 2, 1)),
    ]
    initiatives = [
        Initiative("kafe", "Språkkafé", date(2021, 2, 1), "lib", "library",
                   (Partner("lib", "lead"), Partner("xss", "co_creator"), Partner("formula", "participant")),
                   category="språkkafé"),
        Initiative("les", "Lesestund", date(2022, 5, 1), "skole", "outside",
                   (Partner("skole", "lead"), Partner("lib", "co_creator")), ended=date(2022, 5, 2)),
    ]
    return actors, initiatives


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(content: bytes, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


# -- CSV ---------------------------------------------------------------------------------------------

def test_zip_holds_the_four_tables_and_a_readme(network):
    files = read_zip(to_csv_zip(*network))
    assert set(files) == {"nodes.csv", "edges.csv", "initiatives.csv", "partners.csv", "README.txt"}
    for name in ("nodes.csv", "edges.csv", "initiatives.csv", "partners.csv"):
        assert files[name].startswith(b"\xef\xbb\xbf"), name  # UTF-8 BOM for Excel
        assert b"\r\n" in files[name]


def test_csv_read_back_by_the_csv_module(network):
    files = read_zip(to_csv_zip(*network))
    nodes = {r["id"]: r for r in rows(files["nodes.csv"])}
    assert nodes["xss"]["label"] == AWKWARD
    assert nodes["formula"]["label"] == "=HYPERLINK(\"http://x\")"
    assert nodes["lib"]["tags"] == "pilot;æøå"
    assert nodes["lib"]["municipality_number"] == "1119" and nodes["lib"]["public"] == "true"
    assert nodes["xss"]["sector"] == "" and nodes["xss"]["public"] == "false"
    edges = rows(files["edges.csv"])
    assert {(e["source"], e["target"], e["weight"]) for e in edges} == {
        ("formula", "lib", "1"), ("lib", "xss", "1"), ("formula", "xss", "1"), ("lib", "skole", "1")}
    initiatives = {r["id"]: r for r in rows(files["initiatives.csv"])}
    assert initiatives["kafe"]["partners"] == "lib:lead;xss:co_creator;formula:participant"
    assert initiatives["kafe"]["ended"] == "" and initiatives["les"]["ended"] == "2022-05-02"
    partners = rows(files["partners.csv"])
    assert len(partners) == 5
    assert partners[0] == {"initiative": "kafe", "actor": "lib", "role": "lead", "role_label": "Leder"}
    # Codes for scripts, and beside them the words the pages show.
    assert (nodes["xss"]["kind"], nodes["xss"]["kind_label"]) == ("association", "Lag eller forening")
    assert initiatives["kafe"]["location_label"] == "I biblioteket"
    english = read_zip(to_csv_zip(*network, lang="en"))
    assert {r["id"]: r for r in rows(english["nodes.csv"])}["xss"]["kind_label"] == "Association or club"


def test_semicolon_variant_for_norwegian_excel(network):
    files = read_zip(to_csv_zip(*network, delimiter=";"))
    nodes = {r["id"]: r for r in rows(files["nodes.csv"], delimiter=";")}
    assert nodes["xss"]["label"] == AWKWARD
    assert '";"' in files["README.txt"].decode()
    with pytest.raises(ValueError):
        to_csv_zip(*network, delimiter="|")


def test_csv_read_by_pandas(network):
    pd = pytest.importorskip("pandas")
    files = read_zip(to_csv_zip(*network))
    nodes = pd.read_csv(io.BytesIO(files["nodes.csv"]), encoding="utf-8-sig", dtype={"municipality_number": str})
    assert list(nodes.columns)[0] == "id"
    assert nodes.set_index("id").loc["xss", "label"] == AWKWARD
    assert nodes.set_index("id").loc["lib", "municipality_number"] == "1119"
    assert nodes["public"].dtype == bool
    edges = pd.read_csv(io.BytesIO(files["edges.csv"]), encoding="utf-8-sig")
    assert edges["weight"].sum() == 4


def test_csv_of_the_demo_network_is_complete():
    actors, initiatives = parse_document(json.loads(SEED.read_text(encoding="utf-8")))
    files = read_zip(to_csv_zip(actors, initiatives))
    assert len(rows(files["nodes.csv"])) == len(actors)
    assert len(rows(files["initiatives.csv"])) == len(initiatives)
    assert len(rows(files["partners.csv"])) == sum(len(i.partners) for i in initiatives)
    assert to_csv_zip(actors, initiatives) == to_csv_zip(actors, initiatives)  # reproducible bytes


# -- xlsx --------------------------------------------------------------------------------------------

def test_xlsx_read_back_by_openpyxl(network):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(*network)))
    assert book.sheetnames == ["actors", "initiatives", "ties"]
    actors = list(book["actors"].iter_rows(values_only=True))
    header = actors[0]
    assert header[:3] == ("id", "name", "kind")
    by_id = {r[0]: dict(zip(header, r)) for r in actors[1:]}
    assert by_id["xss"]["name"] == AWKWARD
    assert by_id["xss"]["sector"] is None
    assert by_id["lib"]["registered"] == datetime(2020, 1, 1)
    assert by_id["lib"]["public"] is True
    initiatives = list(book["initiatives"].iter_rows(values_only=True))
    assert initiatives[0] == ("id", "title", "category", "started", "ended", "initiator", "location",
                              "location_label", "partners")
    assert by_id["xss"]["kind_label"] == "Lag eller forening"
    ties = list(book["ties"].iter_rows(values_only=True))
    assert len(ties) == 5 and ties[0][:3] == ("source", "target", "weight")


def test_xlsx_stores_formula_like_text_as_text(network):
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(*network)))["actors"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "formula")
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
    with zipfile.ZipFile(io.BytesIO(to_xlsx(*network))) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


# -- the shared filter ---------------------------------------------------------------------------

def test_filter_without_options_keeps_everything(network):
    assert filter_network(*network) == (network[0], network[1])


def test_filter_at_a_date(network):
    actors, initiatives = filter_network(*network, at=date(2021, 12, 31))
    assert [i.id for i in initiatives] == ["kafe"]
    assert {a.id for a in actors} == {"lib", "xss", "formula", "skole"}  # all registered by then
    actors, initiatives = filter_network(*network, at=date(2020, 1, 15))
    assert initiatives == [] and [a.id for a in actors] == ["lib"]
    _, active = filter_network(*network, at=date(2022, 6, 1), view="active")
    assert [i.id for i in active] == ["kafe"]  # "les" ended in May


def test_filter_by_municipality_keeps_partners_from_elsewhere(network):
    actors, initiatives = filter_network(*network, municipality="  SANDNES ")
    assert [i.id for i in initiatives] == ["les"]
    assert {a.id for a in actors} == {"skole", "lib"}


def test_filter_by_sector(network):
    actors, initiatives = filter_network(*network, sector="Bibliotek")
    assert {i.id for i in initiatives} == {"kafe", "les"}
    actors, initiatives = filter_network(*network, sector="helse")
    assert actors == [] and initiatives == []


def test_filters_apply_to_every_export(network):
    files = read_zip(to_csv_zip(*network, sector="skole"))
    assert {r["id"] for r in rows(files["nodes.csv"])} == {"skole", "lib"}
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(*network, at=date(2021, 12, 31))))
    assert [r[0] for r in book["initiatives"].iter_rows(min_row=2, values_only=True)] == ["kafe"]
