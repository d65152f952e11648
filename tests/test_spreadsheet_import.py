"""A librarian imports the spreadsheet they have: CSV from Norwegian Excel, a zip, an .xlsx workbook.

Every malformed file gets a clear report and leaves the store as it was.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from graphsvc.interchange.plan import PROGRESS_FROM_ROWS, parse_day
from graphsvc.interchange.readers import read_tables
from graphsvc.interchange.templates import template_csv_zip, template_xlsx
from graphsvc.model.errors import Invalid
from graphsvc.model.serialize import to_document
from graphsvc.services import graph as services
from graphsvc.services.imports import import_files
from graphsvc.storage import open_store
from helpers import example_document

TODAY = date(2024, 6, 1)

ACTORS_NB = (
    "id;navn;type;sektor;kommune;kommunenummer;registrert\r\n"
    "gjovik-bibliotek;Gjøvik bibliotek;bibliotek;bibliotek;Gjøvik;3407;01.02.2018\r\n"
    ";Åsgard skole;kommunal enhet;skole;Gjøvik;3407;15.08.2019\r\n"
    ";Løten frivilligsentral;lag/forening;;Løten;;2019-04-01\r\n"
)
INITIATIVES_NB = (
    "tittel;kategori;startet;avsluttet;initiativtaker;sted;partnere\r\n"
    'Språkkafé på Gjøvik;språkkafé;03.03.2021;;gjovik-bibliotek;bibliotek;'
    '"gjovik-bibliotek:leder;Løten frivilligsentral:medskaper"\r\n'
    'Bøker rundt bålet;arrangement;1.9.2022;30.09.2022;Åsgard skole;ute;'
    '"Åsgard skole:lead;gjovik-bibliotek:facilitator"\r\n'
)


@pytest.fixture
def db(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'import.db'}")
    store.ensure_schema()
    services.import_document(store, example_document(), today=TODAY)
    yield store
    store.close()


def state(store) -> dict:
    return to_document(*store.snapshot())


def run(store, files, **options):
    options.setdefault("today", TODAY)
    return import_files(store, files, **options)


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("_", "."), content)
    return buffer.getvalue()


def workbook(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- what works -----------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [template_xlsx, template_csv_zip], ids=["xlsx", "csv-zip"])
def test_the_templates_import_as_the_domain_example_and_again_change_nothing(tmp_path, make):
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    store.ensure_schema()
    name = "mal.xlsx" if make is template_xlsx else "mal.zip"
    report = run(store, [(name, make())])
    assert report.ok and report.applied
    got = state(store)
    assert [a["id"] for a in got["actors"]] == ["eksempel-bibliotek", "eksempel-frivilligsentral"]
    assert {a["municipality"] for a in got["actors"]} == {"Eksempelby"}
    assert [i["id"] for i in got["initiatives"]] == ["eksempel-sprakkafe"]
    assert got["initiatives"][0]["partners"] == [{"actor": "eksempel-bibliotek", "role": "lead"},
                                                 {"actor": "eksempel-frivilligsentral", "role": "co_creator"}]
    assert got["actors"][0]["registered"] == "2019-03-01"  # 01.03.2019 in the template
    again = run(store, [(name, make())])
    assert not again.applied and again.changes == 0
    assert again.counts() == {"actors": {"added": 0, "changed": 0, "unchanged": 2},
                              "initiatives": {"added": 0, "changed": 0, "unchanged": 1}}
    store.close()


def test_windows_1252_semicolons_and_norwegian_dates_from_excel(db):
    report = run(db, [("aktorer.csv", ACTORS_NB.encode("cp1252")), ("initiativ.csv", INITIATIVES_NB.encode("cp1252"))])
    assert report.ok and report.applied, report.rejected
    assert "aktorer.csv: 3 rows (Windows-1252, separator ';')" in report.details
    names = {a.name for a in db.snapshot()[0]}
    assert {"Gjøvik bibliotek", "Åsgard skole", "Løten frivilligsentral"} <= names
    school = db.get_actor("asgard-skole")
    assert (school.kind, school.sector, school.registered) == ("municipal_unit", "skole", date(2019, 8, 15))
    bonfire = db.get_initiative("boker-rundt-balet-2022")
    assert (bonfire.started, bonfire.ended, bonfire.location) == (date(2022, 9, 1), date(2022, 9, 30), "outside")
    assert [(p.actor, p.role) for p in bonfire.partners] == [("asgard-skole", "lead"),
                                                             ("gjovik-bibliotek", "facilitator")]
    assert bonfire.initiator == "asgard-skole"


@pytest.mark.parametrize("encoding,separator", [("utf-8-sig", ","), ("utf-8", "\t"), ("utf-16", "\t")])
def test_english_headers_any_separator_and_unicode_encoding(db, encoding, separator):
    text = ("name,kind,municipality,org_number,tags\n"
            "Hamar husflidslag,association,Hamar,974760673,håndverk;frivillighet\n").replace(",", separator)
    report = run(db, [("actors.csv", text.encode(encoding))])
    assert report.applied, report.rejected
    actor = db.get_actor("hamar-husflidslag")
    assert actor.org_number == "974760673" and actor.tags == ("håndverk", "frivillighet")


def test_excel_date_cells_numbers_and_sheet_names(db):
    data = workbook({
        "Aktører": [["Navn", "Type", "Kommune", "Kommunenummer", "Registrert"],
                    ["Oslo-biblioteket Grünerløkka", "library", "Oslo", 301, datetime(2020, 5, 17)]],
        "Initiativ": [["Tittel", "Startet", "Initiativtaker", "Sted", "Partnere"],
                      ["Lesesirkel", datetime(2021, 1, 10), "Røde Kors Drammen", "digitalt",
                       "Røde Kors Drammen:lead;Drammen bibliotek:deltaker"]],
    })
    report = run(db, [("data.xlsx", data)])
    # The library has no sector: that row is rejected with the column as the file names it.
    assert [str(r) for r in report.rejected] == ["sheet 'Aktører' row 2, column sektor/sector: is required"]
    fixed = workbook({
        "Aktører": [["Navn", "Type", "Sektor", "Kommune", "Kommunenummer", "Registrert"],
                    ["Oslo-biblioteket Grünerløkka", "library", "Bibliotek", "Oslo", 301, datetime(2020, 5, 17)]],
        "Initiativ": [["Tittel", "Startet", "Initiativtaker", "Sted", "Partnere"],
                      ["Lesesirkel", datetime(2021, 1, 10), "Røde Kors Drammen", "digitalt",
                       "Røde Kors Drammen:lead;Drammen bibliotek:deltaker"]],
    })
    report = run(db, [("data.xlsx", fixed)])
    assert report.applied, report.rejected
    library = db.get_actor("oslo-biblioteket-grunerlokka")
    assert (library.municipality_number, library.registered, library.sector) == ("0301", date(2020, 5, 17), "bibliotek")
    circle = db.get_initiative("lesesirkel-2021")
    assert circle.started == date(2021, 1, 10) and circle.location == "digital"
    assert circle.initiator == "rode-kors-drammen"


def test_parse_day_reads_norwegian_iso_and_excel_serial_dates():
    assert parse_day("17.05.2021") == parse_day("2021-05-17") == parse_day(44333) == date(2021, 5, 17)
    for bad in ("31.02.2021", "17.05.21", "mai 2021"):
        with pytest.raises(ValueError):
            parse_day(bad)


# -- idempotence -----------------------------------------------------------------------------------
def test_rows_without_ids_reuse_actors_with_the_same_name_so_reimport_changes_nothing(db):
    text = "navn;type;kommune\nRØDE  KORS drammen;association;Drammen\nNy forening;lag;Drammen\n"
    first = run(db, [("a.csv", text.encode())])
    assert first.actors["added"] == ["ny-forening"]
    assert first.actors["changed"] == ["rode-kors-drammen"]  # the same actor (the name's case changed)
    before = state(db)
    second = run(db, [("a.csv", text.encode())])
    assert second.changes == 0 and not second.applied and state(db) == before


# -- what is refused --------------------------------------------------------------------------------
def actors_file(*rows: str, header: str = "id;navn;type;sektor;kommune;registrert") -> bytes:
    return ("\r\n".join((header, *rows)) + "\r\n").encode("utf-8")


GOOD_ROW = "ny;Ny forening;association;;Drammen;01.01.2022"

FILE_LEVEL = {
    "wrong encoding": ([("a.csv", b"navn;type;kommune\r\nBj\x81rn;lag;Hamar\xc3\r\n")],
                       "neither UTF-8 nor Windows-1252"),
    "utf-16 without BOM": ([("a.csv", "navn;type;kommune\r\n".encode("utf-16-le"))], "not a text file"),
    "missing columns": ([("a.csv", actors_file("x;Y;lag;;", header="id;navn;sektor;kommune"))],
                        "missing required column(s): type/kind. Accepted columns: id, navn/name (required)"),
    "empty file": ([("a.csv", b"")], "the file is empty"),
    "only blank lines": ([("a.csv", b"\r\n \r\n")], "the file is empty"),
    "header only": ([("a.csv", actors_file())], "no data rows"),
    "old xls": ([("a.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)], "old Excel file (.xls)"),
    "not a zip": ([("a.zip", b"PK\x03\x04garbage")], "not a readable zip file"),
    "not a workbook": ([("a.xlsx", b"PK\x03\x04garbage")], "not a readable zip file"),
    "unknown header": ([("a.csv", b"foo;bar\r\n1;2\r\n")], "names neither actors"),
}


@pytest.mark.parametrize("case", list(FILE_LEVEL))
def test_unusable_files_are_refused_with_one_clear_reason_and_nothing_changes(db, case):
    files, expected = FILE_LEVEL[case]
    before = state(db)
    with pytest.raises(Invalid) as info:
        run(db, files)
    assert expected in str(info.value), str(info.value)
    assert state(db) == before


ROW_LEVEL = {
    "unknown kind": (actors_file(GOOD_ROW, "t;Trollmenn;wizard;;Hamar;"), None,
                     ["a.csv row 3, column type: must be one of: library, municipal_unit, association, "
                      "citizen_group, business, other_public (got 'wizard')"]),
    "bad date": (actors_file(GOOD_ROW, "s;Åsgard skole;kommunal enhet;skole;Gjøvik;31.02.2019"), None,
                 ["a.csv row 3, column registrert: is not a real date (got '31.02.2019')"]),
    "duplicate ids": (actors_file(GOOD_ROW, "ny;Ny forening to;association;;Hamar;"), None,
                      ["a.csv row 3, column id: duplicate id 'ny' (also row 2)"]),
    "missing required value": (actors_file(GOOD_ROW, "b;Bibliotek uten sektor;bibliotek;;Hamar;"), None,
                               ["a.csv row 3, column sektor: is required"]),
    "partner that does not exist": (
        actors_file(GOOD_ROW),
        b"tittel,startet,initiativtaker,sted,partnere\r\nKafe,01.01.2022,ny,library,ny:lead;nobody:co_creator\r\n",
        ["i.csv row 2, column partnere: partner 2: unknown actor 'nobody': neither an id nor a name in a.csv "
         "or already stored"]),
    "role that does not exist": (
        actors_file(GOOD_ROW),
        b"tittel,startet,initiativtaker,sted,partnere\r\nKafe,01.01.2022,ny,library,ny:boss;drammen-bibliotek:lead\r\n",
        ["i.csv row 2, column partnere: partner 1: must be one of: lead, co_creator, facilitator, participant "
         "(got 'boss')"]),
    "unquoted separator in a cell": (
        actors_file(GOOD_ROW),
        b"tittel;startet;initiativtaker;sted;partnere\r\nKafe;01.01.2022;ny;library;ny:lead;drammen-bibliotek:lead\r\n",
        None),
}


@pytest.mark.parametrize("case", list(ROW_LEVEL))
def test_rejected_rows_are_reported_by_row_and_column_and_nothing_changes(db, case):
    actors, initiatives, expected = ROW_LEVEL[case]
    files = [("a.csv", actors)] + ([("i.csv", initiatives)] if initiatives else [])
    before, version = state(db), db.graph_version()
    report = run(db, files, kinds=["actors", "initiatives"][:len(files)])
    assert report.rejected and not report.applied
    if expected:
        assert [str(r) for r in report.rejected] == expected
    else:
        assert "separator inside a cell" in str(report.rejected[0])
    assert "Nothing was changed" in report.outcome
    assert state(db) == before and db.graph_version() == version


def test_a_50_mb_file_is_refused_by_its_size_before_it_is_read(cli, tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: costs no time or disk
    before = cli("export").output
    result = cli("import", huge)
    assert result.exit_code == 1
    assert "huge.csv: the file is 50.0 MB; the largest spreadsheet accepted is 20.0 MB" in result.output
    assert cli("export").output == before


def test_a_zip_bomb_is_refused_by_its_unpacked_size(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("actors.csv", b"navn;type;kommune\r\n" + b" " * (120 * 1024 * 1024))
    with pytest.raises(Invalid, match="unpacks to"):
        run(db, [("bomb.zip", buffer.getvalue())])


# -- dry run and valid rows only --------------------------------------------------------------------
MIXED_ACTORS = actors_file(GOOD_ROW, "t;Trollmenn;wizard;;Hamar;", "h;Hamar bibliotek;bibliotek;bibliotek;Hamar;")
MIXED_INITIATIVES = (
    "id,tittel,startet,initiativtaker,sted,partnere\r\n"
    "ok,Kafé,01.01.2022,ny,library,ny:lead;h:co_creator\r\n"
    "via-rejected,Trolldom,01.01.2022,t,outside,t:lead;ny:co_creator\r\n"
    "bad-date,Konsert,2022-02-30,ny,library,ny:lead;drammen-bibliotek:co_creator\r\n"
).encode()


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(db):
    before, version = state(db), db.graph_version()
    report = run(db, [("a.csv", MIXED_ACTORS), ("i.csv", MIXED_INITIATIVES)], dry_run=True)
    assert report.dry_run and not report.applied
    assert report.actors["added"] == ["ny", "h"] and report.initiatives["added"] == ["ok"]
    assert report.rejected_rows == {"actors": 1, "initiatives": 2}
    assert "i.csv row 3, column partnere: partner 1: actor 't' is on a rejected row (a.csv row 3)" in map(
        str, report.rejected)
    assert state(db) == before and db.graph_version() == version
    clean = run(db, [("a.csv", actors_file(GOOD_ROW))], dry_run=True)
    assert clean.ok and clean.actors["added"] == ["ny"] and state(db) == before


def test_valid_only_imports_the_valid_rows_and_drops_initiatives_of_rejected_actors(db):
    report = run(db, [("a.csv", MIXED_ACTORS), ("i.csv", MIXED_INITIATIVES)], valid_only=True)
    assert report.applied
    ids = {a.id for a in db.snapshot()[0]}
    assert {"ny", "h"} <= ids and "t" not in ids
    assert {i.id for i in db.snapshot()[1]} == {"sprakkafe-2021", "ok"}
    again = run(db, [("a.csv", MIXED_ACTORS), ("i.csv", MIXED_INITIATIVES)], valid_only=True)
    assert again.changes == 0 and not again.applied


def test_large_files_report_progress(db):
    rows = [f"Forening {n};lag;Hamar" for n in range(PROGRESS_FROM_ROWS + 10)]
    data = ("navn;type;kommune\n" + "\n".join(rows)).encode()
    seen = []
    report = run(db, [("many.csv", data)], dry_run=True, progress=lambda label, done, total: seen.append((done, total)))
    assert report.ok and len(report.actors["added"]) == PROGRESS_FROM_ROWS + 10
    assert seen[-1] == (PROGRESS_FROM_ROWS + 10, PROGRESS_FROM_ROWS + 10) and len(seen) > 5


def test_json_documents_keep_their_all_or_nothing_rule_with_paths(db):
    doc = example_document()
    doc["actors"][1]["kind"] = "wizard"
    report = run(db, [("x.json", json.dumps(doc).encode())], valid_only=True)
    assert not report.applied and [str(r) for r in report.rejected][0].startswith("x.json, column actors[1].kind")


def test_tables_are_found_in_a_zip_by_name_and_other_members_ignored():
    data = zipped(README_txt=b"hello", initiativer_csv=INITIATIVES_NB.encode(), aktorer_csv=ACTORS_NB.encode())
    tables = read_tables([("x.zip", data)])
    assert sorted(t.kind for t in tables) == ["actors", "initiatives"]


# -- the command line --------------------------------------------------------------------------------
def test_cli_imports_two_csv_files_with_dry_run_then_for_real(cli, tmp_path):
    (tmp_path / "a.csv").write_bytes(ACTORS_NB.encode("cp1252"))
    (tmp_path / "i.csv").write_bytes(INITIATIVES_NB.encode("cp1252"))
    empty = cli("export").output
    dry = cli("import", tmp_path / "a.csv", "--initiatives", tmp_path / "i.csv", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "actors: 3 new, 0 changed, 0 unchanged" in dry.output and "Dry run: nothing was changed." in dry.output
    assert cli("export").output == empty
    real = cli("import", tmp_path / "a.csv", "--initiatives", tmp_path / "i.csv")
    assert real.exit_code == 0 and "Imported." in real.output
    again = cli("import", tmp_path / "a.csv", "--initiatives", tmp_path / "i.csv")
    assert "actors: 0 new, 0 changed, 3 unchanged" in again.output


def test_cli_refuses_a_file_with_errors_unless_valid_only(cli, tmp_path):
    (tmp_path / "a.csv").write_bytes(MIXED_ACTORS)
    empty = cli("export").output
    refused = cli("import", tmp_path / "a.csv")
    assert refused.exit_code == 1
    assert "a.csv row 3, column type: must be one of" in refused.output
    assert "Nothing was changed" in refused.output and cli("export").output == empty
    accepted = cli("import", tmp_path / "a.csv", "--valid-only")
    assert accepted.exit_code == 0 and "Imported the valid rows" in accepted.output
    assert {a["id"] for a in json.loads(cli("export").output)["actors"]} == {"ny", "h"}


@pytest.mark.parametrize("make", [template_xlsx, template_csv_zip], ids=["xlsx", "csv-zip"])
def test_the_unedited_template_against_the_demo_data_only_adds_its_fictional_rows(tmp_path, make):
    """The example rows must not touch real (demo) actors: a dry run reports only new rows."""
    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    store.ensure_schema()
    demo = json.loads((Path(__file__).resolve().parents[1] / "seed" / "demo.json").read_text(encoding="utf-8"))
    services.import_document(store, demo, today=TODAY)
    before = state(store)
    name = "mal.xlsx" if make is template_xlsx else "mal.zip"
    report = run(store, [(name, make())], dry_run=True)
    assert report.ok and not report.rejected and not report.applied
    assert report.counts() == {"actors": {"added": 2, "changed": 0, "unchanged": 0},
                               "initiatives": {"added": 1, "changed": 0, "unchanged": 0}}
    assert state(store) == before
    store.close()


def test_cli_template_csv_is_a_zip_and_gets_a_zip_name(cli, tmp_path):
    result = cli("template", "--format", "csv", "-o", tmp_path / "mal.csv")
    assert result.exit_code == 0 and "mal.zip" in result.output
    assert not (tmp_path / "mal.csv").exists() and zipfile.is_zipfile(tmp_path / "mal.zip")
    assert cli("import", tmp_path / "mal.zip", "--dry-run").exit_code == 0


def test_cli_writes_templates(cli, tmp_path):
    for fmt, name in (("xlsx", "mal.xlsx"), ("csv", "mal.zip")):
        assert cli("template", "--format", fmt, "-o", tmp_path / name).exit_code == 0
        assert cli("import", tmp_path / name, "--dry-run").exit_code == 0
    with zipfile.ZipFile(tmp_path / "mal.zip") as archive:
        assert sorted(archive.namelist()) == ["LESMEG.txt", "aktorer.csv", "initiativ.csv"]
        assert archive.read("aktorer.csv").decode("utf-8-sig").startswith(
            "id;navn;type;sektor;kommune;kommunenummer;organisasjonsnummer;tjenestemodell;registrert;stikkord")
