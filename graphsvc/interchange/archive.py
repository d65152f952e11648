"""Zip files (a zip of CSV files, or an .xlsx workbook) read member by member within a byte budget.

``zipfile`` believes what an archive says about itself. Here the directory's entry count is read
from the end record before ``zipfile`` parses the directory (a 20 MB file can list 400,000
entries), and members are read only through :class:`Member`, which counts the bytes actually
unpacked against one :class:`Budget` for the whole upload and turns a corrupt member (bad CRC-32,
broken deflate data, encryption) into the same clear refusal as any other unreadable file.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from graphsvc.interchange.limits import ReadLimits, fail, mb
from graphsvc.model import messages as msg

#: An upload as the readers take it: its bytes, or the path of a file holding them.
Source = bytes | Path

_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_MAX_COMMENT = 0xFFFF


def open_source(source: Source) -> BinaryIO:
    """A fresh binary stream over the upload (no copy of the bytes)."""
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def source_size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else Path(source).stat().st_size


def source_head(source: Source, size: int) -> bytes:
    with open_source(source) as stream:
        return stream.read(size)


class Budget:
    """Bytes unpacked so far from one upload, against its limit."""

    def __init__(self, name: str, limit: int, what: str = "zip"):
        self.name, self.limit, self.what, self.used = name, limit, what, 0

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            unpacks_more = msg.WORKBOOK_UNPACKS_MORE if self.what == "workbook" else msg.ZIP_UNPACKS_MORE
            raise fail(self.name, unpacks_more(limit=mb(self.limit)))


def _entry_count(source: Source) -> int | None:
    """The number of entries the end-of-directory record announces (None: no such record)."""
    size = source_size(source)
    with open_source(source) as stream:
        start = max(0, size - _END_RECORD_SIZE - _MAX_COMMENT)
        stream.seek(start)
        tail = stream.read()
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < _END_RECORD_SIZE:
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def open_zip(source: Source, name: str, limits: ReadLimits, what: str = "zip") -> zipfile.ZipFile:
    """The archive, refused before it is unpacked when it lists too many members or declares too
    many bytes (declared sizes are checked again while reading: they may lie)."""
    too_many = msg.WORKBOOK_TOO_MANY_FILES if what == "workbook" else msg.ZIP_TOO_MANY_FILES
    entries = _entry_count(source)
    if entries is not None and (entries == 0xFFFF or entries > limits.zip_members):
        raise fail(name, too_many(limit=limits.zip_members))
    try:  # given a path, ZipFile opens (and closes) the file itself
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else Path(source))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise fail(name, msg.ZIP_UNREADABLE(reason=str(exc))) from None
    if len(infos) > limits.zip_members:
        archive.close()
        raise fail(name, too_many(limit=limits.zip_members))
    declared = sum(i.file_size for i in infos)
    if declared > limits.unpacked_bytes:
        archive.close()
        too_large = msg.WORKBOOK_TOO_LARGE if what == "workbook" else msg.ZIP_TOO_LARGE
        raise fail(name, too_large(size=mb(declared), limit=mb(limits.unpacked_bytes)))
    return archive


class Member(io.RawIOBase):
    """One member of an archive as a raw stream: bytes counted against ``budget``, corruption refused."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget | None, name: str):
        super().__init__()
        self._label = f"{name}: {info.filename}"
        try:
            self._stream = archive.open(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, ValueError, EOFError) as exc:
            raise fail(name, msg.ZIP_UNREADABLE(reason=f"{info.filename}: {exc}")) from None
        self._budget = budget
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise fail(self._name, msg.ZIP_UNREADABLE(reason=str(exc))) from None
        if self._budget is not None:
            self._budget.take(len(data))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
        super().close()


def member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, name: str
                  ) -> Callable[[bool], BinaryIO]:
    """``open(counted)``: a fresh buffered stream over the member; only a ``counted`` read spends budget
    (a reader that goes over a member twice counts it once)."""

    def open_member(counted: bool) -> BinaryIO:
        return io.BufferedReader(Member(archive, info, budget if counted else None, name), 64 * 1024)

    return open_member


def read_small(archive: zipfile.ZipFile, path: str, budget: Budget, name: str, limit: int = 8 * 1024 * 1024
               ) -> bytes | None:
    """A small member (workbook.xml, styles.xml, relationships) whole, or None when absent."""
    try:
        info = archive.getinfo(path)
    except KeyError:
        return None
    with io.BufferedReader(Member(archive, info, budget, name)) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise fail(name, msg.XLSX_UNREADABLE(reason=f"{path} is larger than {mb(limit)}"))
    return data


__all__ = ["Budget", "Member", "Source", "member_opener", "open_source", "open_zip", "read_small",
           "source_head", "source_size"]
