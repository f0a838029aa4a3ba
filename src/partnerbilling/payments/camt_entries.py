"""The entries (``Ntry``) of a camt.053/054 report made into credit transactions: one per credit
entry, or one per transaction (``TxDtls``) of a batch entry, each with its own amount. Read by
local names in the document's own namespace, so that ``.04`` and ``.08`` (which agree on all of
this but the debtor's name and the transaction's own amount) go through the same code."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from lxml import etree

from partnerbilling.payments.camt_types import CreditEntry, Skipped, UnreadableNotification

_AMOUNT = re.compile(r"[0-9]{1,18}(\.[0-9]{1,2})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
# Where a transaction's amount is, newest structure first (.08 has TxDtls/Amt; .04 only AmtDtls).
_TX_AMOUNTS = ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
# The debtor's name: .08 (Dbtr/Pty/Nm), .04 (Dbtr/Nm).
_DEBTOR_NAMES = ("RltdPties/Dbtr/Pty/Nm", "RltdPties/Dbtr/Nm")
_BOOKED = "BOOK"


class Tags:
    """Finds elements by a ``/``-separated path of local names in the document's namespace, each
    path compiled once to an XPath (twice as fast as ElementPath on a file of 10,000 entries)."""

    __slots__ = ("_namespace", "_paths")

    def __init__(self, namespace: str) -> None:
        self._namespace = {"c": namespace}
        self._paths: dict[str, etree.XPath] = {}

    def iterfind(self, element: etree._Element, path: str) -> list[etree._Element]:
        """Every element at ``path`` under ``element``, in document order."""
        compiled = self._paths.get(path)
        if compiled is None:
            steps = "/".join(f"c:{name}" for name in path.split("/"))
            compiled = self._paths[path] = etree.XPath(steps, namespaces=self._namespace)
        return cast(list[etree._Element], compiled(element))

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        """The first element at ``path`` under ``element``, or None."""
        found = self.iterfind(element, path)
        return found[0] if found else None


def _text(element: etree._Element, path: str, ns: Tags) -> str | None:
    found = ns.find(element, path)
    value = found.text if found is not None else None
    return value.strip() if value is not None and value.strip() else None


def _amount(element: etree._Element, where: str) -> tuple[Decimal, str]:
    text = (element.text or "").strip()
    if not _AMOUNT.fullmatch(text):
        raise UnreadableNotification(f"{where}: the amount {text!r} is not a decimal with at most 2 places")
    currency = (element.get("Ccy") or "").strip()
    if not _CURRENCY.fullmatch(currency):
        raise UnreadableNotification(f"{where}: the amount has no currency (Ccy)")
    return Decimal(text), currency


def _booked_at(entry: etree._Element, ns: Tags, where: str) -> date | datetime:
    for kind in ("BookgDt", "ValDt"):
        on_day, at_time = _text(entry, f"{kind}/Dt", ns), _text(entry, f"{kind}/DtTm", ns)
        try:
            if at_time is not None:
                return datetime.fromisoformat(at_time)
            if on_day is not None:
                return date.fromisoformat(on_day[:10])  # xs:date may carry a zone: the day is what counts
        except ValueError:
            raise UnreadableNotification(
                f"{where}: the booking date {on_day or at_time!r} is not a date"
            ) from None
    raise UnreadableNotification(f"{where}: no booking date (BookgDt)")


def _status(entry: etree._Element, ns: Tags) -> str | None:
    """The entry's status: a code of its own in .02–.04 (``<Sts>BOOK</Sts>``), ``Sts/Cd`` since."""
    return _text(entry, "Sts/Cd", ns) or _text(entry, "Sts", ns)


def _reference(transaction: etree._Element, ns: Tags) -> str | None:
    """The first structured creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``): a QRR, an
    ISO 11649 ``RF…`` (SCOR) or another scheme's, as the bank passed it on; whether it is one of
    ours is for the matching to decide. Unstructured remittance text is not read."""
    for ref in ns.iterfind(transaction, "RmtInf/Strd/CdtrRefInf/Ref"):
        if ref.text and ref.text.strip():
            return "".join(ref.text.split())
    return None


def _fallback_reference(message_id: str, entry_index: int) -> str:
    digest = hashlib.sha256(f"{message_id}\x00{entry_index}".encode()).hexdigest()
    return f"H{digest[:32]}"


def _credit(
    transaction: etree._Element | None, ns: Tags, common: _Common, entry_reference: str, where: str
) -> CreditEntry:
    """A credit of the entry's amount, or of the transaction's own: a transaction of a batch
    without one cannot be told apart from its siblings (the entry's total is not its amount)."""
    amount, currency = common.amount, common.currency
    reference = debtor = None
    if transaction is not None:
        # (not filter(None, …): an element without children is false)
        found = (ns.find(transaction, path) for path in _TX_AMOUNTS)
        element = next((candidate for candidate in found if candidate is not None), None)
        if element is not None:
            amount, currency = _amount(element, where)
        elif common.batch:
            raise UnreadableNotification(f"{where}: a transaction of a batch without its own amount")
        reference = _reference(transaction, ns)
        debtor = next(filter(None, (_text(transaction, p, ns) for p in _DEBTOR_NAMES)), None)
    return CreditEntry(entry_reference, reference, amount, currency, common.booked_at, debtor)


class _Common:
    """What the transactions of one entry share."""

    __slots__ = ("amount", "batch", "booked_at", "currency")

    def __init__(self, entry: etree._Element, ns: Tags, where: str) -> None:
        amount = ns.find(entry, "Amt")
        if amount is None:
            raise UnreadableNotification(f"{where}: no amount (Amt)")
        self.amount, self.currency = _amount(amount, where)
        self.booked_at = _booked_at(entry, ns, where)
        self.batch = False


def _skip_reason(entry: etree._Element, ns: Tags) -> str | None:
    indicator = _text(entry, "CdtDbtInd", ns)
    if indicator == "DBIT":
        return "a debit"
    if indicator != "CRDT":
        return f"neither credit nor debit (CdtDbtInd {indicator!r})"
    if (_text(entry, "RvslInd", ns) or "").lower() in ("true", "1"):
        return "a reversal"
    status = _status(entry, ns)
    if status is not None and status != _BOOKED:
        return f"not booked (status {status})"
    return None


def read_entry(
    entry: etree._Element, ns: Tags, message_id: str, index: int
) -> tuple[list[CreditEntry], list[Skipped]]:
    """The credit transactions of one entry (the ``index``-th of the file, from 1), or why none."""
    where = f"entry {index}"
    entry_ref = _text(entry, "AcctSvcrRef", ns) or _fallback_reference(message_id, index)
    reason = _skip_reason(entry, ns)
    if reason is not None:
        return [], [Skipped(index, entry_ref, reason)]
    common = _Common(entry, ns, where)
    transactions = list(ns.iterfind(entry, "NtryDtls/TxDtls"))
    if not transactions:
        return _kept([_credit(None, ns, common, entry_ref, where)], index)
    common.batch = len(transactions) > 1
    credits: list[CreditEntry | Skipped] = []
    for number, transaction in enumerate(transactions, start=1):
        own = _text(transaction, "Refs/AcctSvcrRef", ns)
        reference = own or (entry_ref if len(transactions) == 1 else f"{entry_ref}/{number}")
        if _text(transaction, "CdtDbtInd", ns) == "DBIT":
            credits.append(Skipped(index, reference, "a debit"))
        else:
            credits.append(_credit(transaction, ns, common, reference, f"{where}, transaction {number}"))
    return _kept(credits, index)


def _kept(found: Sequence[CreditEntry | Skipped], index: int) -> tuple[list[CreditEntry], list[Skipped]]:
    """The credits of an entry, less those of no amount (skipped, as the debits already are)."""
    credits, skipped = [], []
    for item in found:
        if isinstance(item, Skipped):
            skipped.append(item)
        elif item.amount <= 0:
            skipped.append(Skipped(index, item.entry_reference, "no amount"))
        else:
            credits.append(item)
    return credits, skipped


def read_entries(
    entries: Iterable[etree._Element], ns: Tags, message_id: str
) -> tuple[list[CreditEntry], list[Skipped]]:
    """The credit transactions of the file's entries, in document order, and those skipped."""
    credits: list[CreditEntry] = []
    skipped: list[Skipped] = []
    for index, entry in enumerate(entries, start=1):
        found, passed = read_entry(entry, ns, message_id, index)
        credits.extend(found)
        skipped.extend(passed)
    return credits, skipped
