"""The payout file: an ISO 20022 ``pain.001.001.09`` credit-transfer initiation of payouts from
the issuer's account in their currency, one transaction per payout, as the platform's bank takes
it (EUR: a SEPA credit transfer; CHF: the Swiss Payment Standards 2022, which use the same
message version with service level left out). Written by ``sepaxml``; pure, no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

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
    """The file paying ``payouts`` (at least one, all in ``currency``) from the issuer's account in it, to be
    executed on ``at``'s date. Apart from ``message_id`` and ``at`` it depends on its input
    only: the payment information is named after the message."""
    account = issuer.bank_accounts[currency]
    config = {
        "name": _plain(issuer.legal_name, 70) or "Issuer",
        "IBAN": account["iban"],
        "batch": True,
        "currency": currency,
        "domestic": currency != "EUR",  # the SEPA service level is for EUR only
        "address": _debtor_address(issuer),
    }
    if account.get("bic"):
        config["BIC"] = account["bic"]
    transfer = SepaTransfer(config, schema=SCHEMA, clean=False)
    for payout in payouts:
        transfer.add_payment(
            {
                "name": _plain(payout.account_holder, 70) or payout.id,
                "IBAN": payout.iban,
                "amount": int(payout.amount * 100),
                "description": f"Payout {payout.id}",
                "execution_date": at.astimezone(UTC).date(),
                "endtoend_id": payout.id,
            }
        )
    return _stamped(transfer.export(validate=False), message_id, at)


def _stamped(document: bytes, message_id: str, at: datetime) -> bytes:
    """Replace what ``sepaxml`` makes up (a random message and payment-information id, the
    local time) with the message id and the time in UTC."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    created = at.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat()
    for path, value in (
        ("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", message_id),
        ("p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm", created),
        ("p:CstmrCdtTrfInitn/p:PmtInf/p:PmtInfId", message_id),
    ):
        for element in root.iterfind(path, _NS):
            element.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
