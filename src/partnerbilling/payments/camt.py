"""Reading the bank's own notifications of money received: ISO 20022 camt.054 (debit/credit
notification) and camt.053 (account statement), versions ``.02``–``.09`` (Swiss banks send
``.04`` under SPS 2019- and ``.08`` since the 2019 release), read by local names where the
structures agree. Pure: bytes in, a :class:`Notification` out.

The bytes come from outside, so the parser is hardened before it reads anything: no DTD (a
document that declares one is refused, never loaded), no entities, no network, no processing
instructions, lxml's limits on huge nodes kept, and a size limit checked before parsing. An XXE
or "billion laughs" file is refused without a single entity being expanded."""

from __future__ import annotations

import re

from lxml import etree

from partnerbilling.payments.camt_entries import Tags, read_entries
from partnerbilling.payments.camt_types import (
    CreditEntry,
    Notification,
    Skipped,
    TooLarge,
    UnreadableNotification,
)

__all__ = [
    "CreditEntry",
    "Notification",
    "Skipped",
    "TooLarge",
    "UnreadableNotification",
    "parse_safely",
    "read_notification",
]

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.05[34]\.001\.0[2-9])")
# The message element under Document, by message: a notification or a statement.
_BODY = {"camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"), "camt.053": ("BkToCstmrStmt", "Stmt")}
# Declarations that have no place in a bank file, in each encoding an XML file may come in.
_FORBIDDEN = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _parser() -> etree.XMLParser:
    # A parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
    )


def parse_safely(data: bytes, *, max_bytes: int) -> etree._Element:
    """The root element of ``data``, refused (:class:`TooLarge`, :class:`UnreadableNotification`)
    if it is too large, declares a DTD or entities, or is not well-formed XML."""
    if len(data) > max_bytes:
        raise TooLarge(len(data), max_bytes)
    if any(marker in data for marker in _FORBIDDEN):
        raise UnreadableNotification("the file declares a DTD or entities, which are not accepted")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnreadableNotification(f"not well-formed XML: {exc.msg}") from None
    except ValueError as exc:  # lxml's refusal of some inputs, e.g. an unknown encoding
        raise UnreadableNotification(f"not readable as XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnreadableNotification("the file declares a DTD, which is not accepted")
    return root


def read_notification(data: bytes, *, max_bytes: int) -> Notification:
    """The credit entries of a camt.054 or camt.053 file, and the entries skipped with why."""
    root = parse_safely(data, max_bytes=max_bytes)
    qname = etree.QName(root)
    match = _NAMESPACE.fullmatch(qname.namespace or "")
    if qname.localname != "Document" or match is None:
        raise UnreadableNotification(
            f"not a camt.053 or camt.054 document (root {qname.localname!r} in {qname.namespace!r})"
        )
    message = match.group(1)
    body_name, report_name = _BODY[message[:8]]
    ns = Tags(qname.namespace or "")
    body = ns.find(root, body_name)
    if body is None:
        raise UnreadableNotification(f"a {message} document without {body_name}")
    header_id = ns.find(body, "GrpHdr/MsgId")
    message_id = header_id.text if header_id is not None else None
    if not message_id or not message_id.strip():
        raise UnreadableNotification("the group header has no message id (GrpHdr/MsgId)")
    entries, skipped = read_entries(ns.iterfind(body, report_name), ns, message_id.strip())
    return Notification(message, message_id.strip(), tuple(entries), tuple(skipped))
