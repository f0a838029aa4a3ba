"""The few human-readable phrases of the Factur-X XML (line notes, payment terms, the discount's
reason), in the buyer's language.

"Reverse charge" (BT-120) stays in English whatever the language: it is the wording SPEC §8 and
the EN 16931 code list (VATEX-EU-AE) use, and its code says the same to any reader."""

from __future__ import annotations

from datetime import date

from partnerbilling.documents.domain import Language
from partnerbilling.language import formats

REVERSE_CHARGE = "Reverse charge"

_CUSTOMER = {
    Language.DE: "Kunde",
    Language.FR: "Client",
    Language.IT: "Cliente",
    Language.EN: "Customer",
}
_PAYABLE_BY = {
    Language.DE: "Zahlbar bis {date}",
    Language.FR: "Payable jusqu'au {date}",
    Language.IT: "Pagabile entro il {date}",
    Language.EN: "Payable by {date}",
}
_SETTLED = {
    Language.DE: "Gutschrift zur Rechnung {number}, mit ihr verrechnet",
    Language.FR: "Note de crédit de la facture {number}, compensée avec elle",
    Language.IT: "Nota di credito della fattura {number}, compensata con essa",
    Language.EN: "Credit note of invoice {number}, set off against it",
}
_DISCOUNT = {
    Language.DE: "Partnerrabatt",
    Language.FR: "Remise partenaire",
    Language.IT: "Sconto partner",
    Language.EN: "Partner discount",
}


def customer_note(language: Language, name: str, customer_id: str) -> str:
    """BT-127: the customer a line is for, so that a partner who pays can re-bill it."""
    return f"{_CUSTOMER[language]}: {name} ({customer_id})"


def payable_by(language: Language, due: date) -> str:
    """BT-20: the payment terms, which name the due date."""
    return _PAYABLE_BY[language].format(date=formats.date_text(due, language))


def settled_against(language: Language, invoice_number: str) -> str:
    """BT-20 of a credit note: nothing is paid out, the credit is set off against its invoice."""
    return _SETTLED[language].format(number=invoice_number)


def discount_reason(language: Language) -> str:
    """BT-139: why a line has an allowance (the partner's rebate, SPEC §2)."""
    return _DISCOUNT[language]
