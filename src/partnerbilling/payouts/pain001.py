"""The payout file: an ISO 20022 ``pain.001.001.09`` credit-transfer initiation of payouts from
the issuer's payout account in their currency, one transaction per payout, as the platform's
bank takes it (EUR: a SEPA credit transfer; CHF: the Swiss Payment Standards 2022, which use the
same message version with service level left out). Written by ``sepaxml``; pure, no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from lxml import etree
from sepaxml import SepaTransfer
from text_unidecode import unidecode

from partnerbilling.issuer.domain import Issuer
from partnerbilling.payouts.domain import Payout

SCHEMA = "pain.001.001.09"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
_NS = {"p": NAMESPACE}

# The characters every bank takes in a name or a remittance line (the SEPA Latin subset); the
# Swiss standards take more, but no bank refuses these.
_OUTSIDE_LATIN_SUBSET = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]+")


def _plain(text: str, limit: int) -> str:
    return " ".join(_OUTSIDE_LATIN_SUBSET.sub(" ", unidecode(text)).split())[:limit]


def _debtor_address(issuer: Issuer) -> dict[str, str]:
    address = issuer.address
    parts = {
        "street_name": address.get("street"),
        "building_number": address.get("building_number"),
        "postcode": address.get("postal_code"),
        "town": address.get("city"),
        "country": address.get("country"),
    }
    return {key: _plain(str(value), 70) for key, value in parts.items() if value}


def payout_file(
    issuer: Issuer, currency: str, payouts: Sequence[Payout], message_id: str, at: datetime
) -> bytes:
    """The file paying ``payouts`` (at least one, all in ``currency``) from the issuer's payout
    account in it (never the QR-IBAN payers pay to), created ``at`` and to be executed on that
    day in the issuer's time zone. It depends on its input only: the payment information is
    named after the message, and the times are ``at`` with its offset in that zone."""
    account = issuer.payout_accounts[currency]
    local = at.astimezone(issuer.zone).replace(microsecond=0)
    config = {
        "name": _plain(issuer.legal_name, 70) or "Issuer",
        "IBAN": account["iban"],
        "batch": True,
        "currency": currency,
        "domestic": currency != "EUR",  # the SEPA service level is for EUR only
        "address": _debtor_address(issuer),
    }
    transfer = SepaTransfer(config, schema=SCHEMA, clean=False)
    for payout in payouts:
        transfer.add_payment(
            {
                "name": _plain(payout.account_holder, 70) or payout.id,
                "IBAN": payout.iban,
                "amount": int(payout.amount * 100),
                "description": f"Payout {payout.id}",
                "execution_date": local.date(),
                "endtoend_id": payout.id,
            }
        )
    return _stamped(transfer.export(validate=False), message_id, local, account.get("bic"))


def _stamped(document: bytes, message_id: str, created: datetime, bic: str | None) -> bytes:
    """Replace what ``sepaxml`` makes up (a random message and payment-information id, the
    machine's local time without its offset) with the batch's message id and creation time,
    and name the debtor's bank: its BIC, or ``NOTPROVIDED`` (an empty ``FinInstnId`` is
    refused by banks)."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    for path, value in (
        ("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", message_id),
        ("p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm", created.isoformat()),
        ("p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId", message_id),
    ):
        for element in root.iterfind(path, _NS):
            element.text = value
    for agent in root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:DbtrAgt/p:FinInstnId", _NS):
        agent.clear()
        if bic:
            etree.SubElement(agent, f"{{{NAMESPACE}}}BICFI").text = bic
        else:
            other = etree.SubElement(agent, f"{{{NAMESPACE}}}Othr")
            etree.SubElement(other, f"{{{NAMESPACE}}}Id").text = "NOTPROVIDED"
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
