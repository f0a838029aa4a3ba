"""Reading the bank's answers to a payout file (SPEC §13). Pure: bytes in, payout ids out.

- A status report, ISO 20022 ``pain.002.001.10`` (or the older ``.03``), with ``RJCT``: for one
  transaction (``TxInfAndSts``, its ``OrgnlEndToEndId`` a payout id), or for the whole file
  (``OrgnlGrpInfAndSts/GrpSts``, naming the file's ``OrgnlMsgId``; or a payment information
  block, ``PmtInfSts``, naming its ``OrgnlPmtInfId``, which is the message id as well).
- A debit notification or statement (``camt.054``, also ``camt.053``): each booked debit
  transaction whose ``EndToEndId`` is the id of a payout sent in a batch paid that payout.

The bytes come from outside: they are read with the bank notifications' hardened parser (no
DTD, no entities, no network, a size limit), and by local names in the document's namespace."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from partnerbilling.payments.camt import UnreadableNotification, parse_safely

_STATUS_REPORT = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(pain\.002\.001\.(?:03|10))")
_NOTIFICATION = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.05([34])\.001\.0[2-9]")
# The report element under Document, by message: a notification or a statement.
_REPORTS = {"4": "BkToCstmrDbtCdtNtfctn/c:Ntfctn", "3": "BkToCstmrStmt/c:Stmt"}
_REJECTED = "RJCT"
_BOOKED = "BOOK"
_NO_ID = "NOTPROVIDED"


@dataclass(frozen=True, slots=True)
class Rejections:
    """What a status report refuses: payouts by id, and whole files by message id."""

    message: str  # e.g. "pain.002.001.10"
    payout_ids: tuple[str, ...]
    message_ids: tuple[str, ...]
    report_id: str = ""  # the report's own MsgId


def _text(element: etree._Element, path: str, ns: dict[str, str]) -> str | None:
    value = element.findtext(path, namespaces=ns)
    return value.strip() if value is not None and value.strip() else None


def might_be_status_report(data: bytes) -> bool:
    """Whether ``data`` names a status report's namespace at all (cheap: a camt file is not
    parsed twice for it); :func:`read_status_report` decides by the root element."""
    return b"pain.002.001." in data


def read_status_report(data: bytes, *, max_bytes: int) -> Rejections | None:
    """The rejections of a ``pain.002`` file; None when the document is no status report."""
    root = parse_safely(data, max_bytes=max_bytes)
    qname = etree.QName(root)
    match = _STATUS_REPORT.fullmatch(qname.namespace or "")
    if qname.localname != "Document" or match is None:
        return None
    ns = {"c": qname.namespace or ""}
    report = root.find("c:CstmrPmtStsRpt", ns)
    report_id = None if report is None else _text(report, "c:GrpHdr/c:MsgId", ns)
    if report is None or report_id is None:
        raise UnreadableNotification(f"a {match.group(1)} document without CstmrPmtStsRpt/GrpHdr/MsgId")
    message_ids: list[str] = []
    group = report.find("c:OrgnlGrpInfAndSts", ns)
    if group is not None and _text(group, "c:GrpSts", ns) == _REJECTED:
        message_ids.append(_text(group, "c:OrgnlMsgId", ns) or "")
    payout_ids: list[str] = []
    for block in report.iterfind("c:OrgnlPmtInfAndSts", ns):
        if _text(block, "c:PmtInfSts", ns) == _REJECTED:
            message_ids.append(_text(block, "c:OrgnlPmtInfId", ns) or "")
        for transaction in block.iterfind("c:TxInfAndSts", ns):
            end_to_end = _text(transaction, "c:OrgnlEndToEndId", ns)
            if _text(transaction, "c:TxSts", ns) == _REJECTED and end_to_end not in (None, _NO_ID):
                payout_ids.append(end_to_end or "")
    return Rejections(
        match.group(1),
        tuple(dict.fromkeys(payout_ids)),
        tuple(dict.fromkeys(filter(None, message_ids))),
        report_id,
    )


def read_debits(data: bytes, *, max_bytes: int) -> tuple[str, ...]:
    """The ``EndToEndId`` of each booked debit transaction of a camt.054/053 file (not
    reversed), in document order: the payouts the bank paid. A file without a debit is not
    read again."""
    if b"DBIT" not in data:
        return ()
    root = parse_safely(data, max_bytes=max_bytes)
    match = _NOTIFICATION.fullmatch(etree.QName(root).namespace or "")
    if match is None:
        return ()
    ns = {"c": etree.QName(root).namespace or ""}
    found: list[str] = []
    for entry in root.iterfind(f"c:{_REPORTS[match.group(1)]}/c:Ntry", ns):
        if not _booked_debit(entry, ns):
            continue
        for transaction in entry.iterfind("c:NtryDtls/c:TxDtls", ns):
            end_to_end = _text(transaction, "c:Refs/c:EndToEndId", ns)
            if _text(transaction, "c:CdtDbtInd", ns) != "CRDT" and end_to_end not in (None, _NO_ID):
                found.append(end_to_end or "")
    return tuple(dict.fromkeys(found))


def _booked_debit(entry: etree._Element, ns: dict[str, str]) -> bool:
    status = _text(entry, "c:Sts/c:Cd", ns) or _text(entry, "c:Sts", ns)
    reversal = (_text(entry, "c:RvslInd", ns) or "").lower() in ("true", "1")
    return _text(entry, "c:CdtDbtInd", ns) == "DBIT" and not reversal and status in (None, _BOOKED)
