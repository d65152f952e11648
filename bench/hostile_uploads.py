"""Hostile upload files of issue 11, built at any size: the benchmark uses the full sizes, tests small ones.

Each builder returns ``(file name, bytes)``. The defaults are the sizes of the security review
(issue 11's table): a 1.9 KB xlsx that declares 16,384 × 1,048,576 cells, a 100 KB zip that
unpacks to 100 MiB, a 20 MiB CSV of one-letter rows, a 57 MB JSON of 2.5 M actors with only
unknown fields, and a 229 KB xlsx with 5.5 M shared strings. Nothing here is specific to graphsvc
but the sheet and column names.
"""

from __future__ import annotations

import io
import zipfile

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _xlsx(sheet_xml: bytes, shared_strings: bytes | None = None, sheet_name: str = "aktorer") -> bytes:
    """A minimal workbook by hand (no styles), so every part is exactly what the attack needs."""
    overrides = (f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                 f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>')
    relations = (f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>')
    if shared_strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        relations += f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>' + overrides + "</Types>").encode(),
        "_rels/.rels": (f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                            f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}">{relations}</Relationships>'.encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def xlsx_declared_dimension(last_row: int = 1_048_576, dimension: str = "A1:XFD1048576") -> tuple[str, bytes]:
    """Sheet ``aktorer`` declaring ``<dimension ref="A1:XFD1048576"/>`` with rows 1, 2 and ``last_row``.

    A reader that trusts the dimension pads every row up to 16,384 cells and every missing row in
    between: gigabytes from under 2 KB.
    """
    rows = (_inline_row(1, ["navn", "type", "kommune"]) + _inline_row(2, ["Lag", "lag", "Alta"])
            + _inline_row(last_row, ["Siste", "lag", "Alta"]))
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
             f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>').encode()
    return "dimension.xlsx", _xlsx(sheet)


def xlsx_shared_strings(count: int = 5_500_000) -> tuple[str, bytes]:
    """A workbook whose shared-string table holds ``count`` strings (only three are used)."""
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(3))
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
             f'<sheetData><row r="1">{header}</row></sheetData></worksheet>').encode()
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{_MAIN}" count="{count}" '
            f'uniqueCount="{count}"><si><t>navn</t></si><si><t>type</t></si><si><t>kommune</t></si>').encode()
    strings = head + b"<si><t>a</t></si>" * max(0, count - 3) + b"</sst>"
    return "strings.xlsx", _xlsx(sheet, strings)


def zip_of_repeated_rows(unpacked_bytes: int = 100 * 1024 * 1024) -> tuple[str, bytes]:
    """A zip whose one member, ``aktorer.csv``, is ``a\\n`` repeated: about 1,000 : 1."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo("aktorer.csv", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            chunk = b"a\n" * (512 * 1024)
            left = unpacked_bytes
            while left > 0:
                member.write(chunk[:left])
                left -= len(chunk)
    return "bomb.zip", buffer.getvalue()


def csv_of_repeated_rows(size: int = 20 * 1024 * 1024) -> tuple[str, bytes]:
    """A CSV of ``a\\n`` lines: millions of one-cell rows within the size limit."""
    return "aktorer.csv", b"a\n" * (size // 2)


def json_many_actors(count: int = 2_500_000) -> tuple[str, bytes]:
    """A graphsvc/1 document of ``count`` actors that each carry three unknown fields and nothing else."""
    item = b'{"zz":1,"yy":2,"xx":3}'
    body = b",".join([item] * count)
    return "actors.json", b'{"format":"graphsvc/1","actors":[' + body + b'],"initiatives":[]}'


def zip_bad_crc() -> tuple[str, bytes]:
    """A zip whose member's data no longer matches its CRC-32 (one byte flipped, stored uncompressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("aktorer.csv", b"navn;type;kommune\r\nLaget;lag;Alta\r\n")
    data = bytearray(buffer.getvalue())
    data[data.index(b"Laget")] ^= 0x20
    return "crc.zip", bytes(data)


ALL = {
    "xlsx-dimension": xlsx_declared_dimension,
    "zip-100MiB": zip_of_repeated_rows,
    "csv-20MiB": csv_of_repeated_rows,
    "json-2.5M-actors": json_many_actors,
    "xlsx-5.5M-strings": xlsx_shared_strings,
}


def csv_of_short_rows(size: int = 20 * 1024 * 1024) -> tuple[str, bytes]:
    """A CSV with a valid header and millions of three-letter rows (the row limit, not the header, stops it)."""
    header = b"navn;type;kommune\n"
    return "aktorer.csv", header + b"a;b;c\n" * ((size - len(header)) // 6)


#: Variants that reach the limits the five files above stop short of (their own limits trip first).
VARIANTS = {
    "csv-20MiB-valid-header": csv_of_short_rows,
    "xlsx-3M-strings": lambda: xlsx_shared_strings(3_000_000),
}
