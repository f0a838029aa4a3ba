"""``partnerbilling verify-archive FILE``: an archive checked offline, with nothing but the file.

Every file listed in ``SHA256SUMS`` must be there with that SHA-256, and every file but the sums
must be listed; each journal line's ``hash`` must be its fields' (journal.domain's layout), and
its ``content_hash`` the SHA-256 of its document's XML (or JSON) file as the index names it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import orjson

from partnerbilling.journal.archive import INDEX, JOURNAL, SUMS
from partnerbilling.journal.domain import record_hash


def verify_archive(path: Path) -> list[str]:
    """What differs in the archive at ``path``; empty when it verifies."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _problems(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{path}: not a readable ZIP archive ({exc})"]


def _read(archive: zipfile.ZipFile, name: str) -> bytes | str:
    """The file's bytes, or what is wrong with it."""
    try:
        return archive.read(name)
    except KeyError:
        return f"{name}: missing"
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        return f"{name}: unreadable ({exc})"


def _problems(archive: zipfile.ZipFile) -> list[str]:
    sums = _read(archive, SUMS)
    if isinstance(sums, str):
        return [sums]
    problems: list[str] = []
    listed: dict[str, str] = {}
    for line in sums.decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name in archive.namelist():
        if name != SUMS and name not in listed:
            problems.append(f"{name}: not listed in {SUMS}")
    files: dict[str, bytes] = {}
    for name, digest in listed.items():
        data = _read(archive, name)
        if isinstance(data, str):
            problems.append(data)
        elif hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"{name}: its SHA-256 differs from {SUMS}")
        elif name in (JOURNAL, INDEX):
            files[name] = data
    if not problems:
        problems.extend(_check_journal(archive, files.get(JOURNAL, b""), files.get(INDEX, b"")))
    return problems


def _check_journal(archive: zipfile.ZipFile, journal: bytes, index: bytes) -> list[str]:
    """Each record's hash recomputed, and its content hash against its document's file."""
    file_of = {row["id"]: row["file"] for row in csv.DictReader(io.StringIO(index.decode()))}
    problems = []
    for line in journal.splitlines():
        record = orjson.loads(line)
        at = datetime.fromisoformat(record["at"])
        fields = (
            record["prev_hash"],
            record["seq"],
            at,
            record["kind"],
            record["object_id"],
            record["content_hash"],
        )
        if record_hash(*fields) != record["hash"]:
            problems.append(f"{JOURNAL}: record seq {record['seq']}: its hash is not the hash of its fields")
        name = file_of.get(record["object_id"])
        if name is None:
            problems.append(f"{INDEX}: no document {record['object_id']} (journal seq {record['seq']})")
        elif hashlib.sha256(archive.read(name)).hexdigest() != record["content_hash"]:
            problems.append(f"{name}: differs from its journal record (seq {record['seq']})")
    return problems
