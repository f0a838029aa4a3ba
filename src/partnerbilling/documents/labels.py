"""Every word a document prints, in the buyer's language (de, fr, it, en), and the one way each
kind of value is printed: amounts Swiss style (``1'234.50``; ``1,234.50`` in English), dates
``31.01.2026`` (``2026-01-31`` in English), rates ``8.1 %``. The QR-bill's headings are those of
the SIX implementation guidelines, annex D."""

from __future__ import annotations

import gettext
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import pycountry

from partnerbilling.billing.money import format_money
from partnerbilling.documents.domain import Address, Language

# key: (de, fr, it, en)
_WORDS: dict[str, tuple[str, str, str, str]] = {
    "invoice": ("Rechnung", "Facture", "Fattura", "Invoice"),
    "credit_note": ("Gutschrift", "Note de crédit", "Nota di credito", "Credit note"),
    "top_up": ("Guthaben aufladen", "Recharger le compte", "Ricaricare il conto", "Top up your account"),
    "number": ("Nummer", "Numéro", "Numero", "Number"),
    "issue_date": ("Datum", "Date", "Data", "Date"),
    "due_date": ("Fällig am", "Échéance", "Scadenza", "Due date"),
    "vat_id": ("MWST/USt-IdNr.", "N° TVA", "N. IVA", "VAT no."),
    "buyer_vat_id": ("Ihre MWST/USt-IdNr.", "Votre N° TVA", "Vostro N. IVA", "Your VAT no."),
    "payment_reference": ("Zahlungsreferenz", "Référence", "Riferimento", "Payment reference"),
    "page": ("Seite", "Page", "Pagina", "Page"),
    "description": ("Beschreibung", "Description", "Descrizione", "Description"),
    "period": ("Leistungszeitraum", "Période", "Periodo", "Supply period"),
    "quantity": ("Menge", "Qté", "Qtà", "Qty"),
    "unit_price": ("Einzelpreis", "Prix unit.", "Prezzo unit.", "Unit price"),
    "discount": ("Rabatt", "Remise", "Sconto", "Discount"),
    "net": ("Netto", "Net", "Netto", "Net"),
    "vat": ("MWST", "TVA", "IVA", "VAT"),
    "customer": ("Kunde", "Client", "Cliente", "Customer"),
    "subtotal": ("Total netto", "Total net", "Totale netto", "Net total"),
    "vat_on": (
        "MWST {rate} auf {base}",
        "TVA {rate} sur {base}",
        "IVA {rate} su {base}",
        "VAT {rate} on {base}",
    ),
    "total": ("Total", "Total", "Totale", "Total"),
    "amount_due": ("Offener Betrag", "Montant dû", "Importo dovuto", "Amount due"),
    "reverse_charge": (
        "Reverse charge – Steuerschuldnerschaft des Leistungsempfängers",
        "Reverse charge – Autoliquidation",
        "Reverse charge – Inversione contabile",
        "Reverse charge",
    ),
    "reverse_charge_note": (
        "Die Steuer schuldet der Leistungsempfänger. Leistender: {seller}, Empfänger: {buyer}",
        "La TVA est due par le preneur. Prestataire : {seller}, preneur : {buyer}",
        "L'IVA è dovuta dal committente. Prestatore: {seller}, committente: {buyer}",
        "VAT is accounted for by the recipient. Supplier: {seller}, recipient: {buyer}",
    ),
    "credits": (
        "Gutschrift zur Rechnung {number} vom {date}",
        "Note de crédit relative à la facture {number} du {date}",
        "Nota di credito relativa alla fattura {number} del {date}",
        "Credit note for invoice {number} of {date}",
    ),
    "reason": ("Grund", "Motif", "Motivo", "Reason"),
    "payment_details": ("Zahlungsangaben", "Coordonnées de paiement", "Dati di pagamento", "Payment details"),
    "beneficiary": ("Empfänger", "Bénéficiaire", "Beneficiario", "Beneficiary"),
    "reference": ("Referenz", "Référence", "Riferimento", "Reference"),
    "amount": ("Betrag", "Montant", "Importo", "Amount"),
    "scan_to_pay": (
        "Mit der Banking-App scannen und bezahlen",
        "Scanner avec l'app bancaire pour payer",
        "Scansionare con l'app bancaria per pagare",
        "Scan with your banking app to pay",
    ),
    # The Swiss QR-bill (SIX implementation guidelines 2.3, annex D)
    "payment_part": ("Zahlteil", "Section paiement", "Sezione pagamento", "Payment part"),
    "receipt": ("Empfangsschein", "Récépissé", "Ricevuta", "Receipt"),
    "account_payable_to": (
        "Konto / Zahlbar an",
        "Compte / Payable à",
        "Conto / Pagabile a",
        "Account / Payable to",
    ),
    "additional_information": (
        "Zusätzliche Informationen",
        "Informations supplémentaires",
        "Informazioni supplementari",
        "Additional information",
    ),
    "payable_by": ("Zahlbar durch", "Payable par", "Pagabile da", "Payable by"),
    "payable_by_blank": (
        "Zahlbar durch (Name/Adresse)",
        "Payable par (nom/adresse)",
        "Pagabile da (nome/indirizzo)",
        "Payable by (name/address)",
    ),
    "currency": ("Währung", "Monnaie", "Valuta", "Currency"),
    "acceptance_point": ("Annahmestelle", "Point de dépôt", "Punto di accettazione", "Acceptance point"),
    "separate": (
        "Vor der Einzahlung abzutrennen",
        "A détacher avant le versement",
        "Da staccare prima del versamento",
        "Separate before paying in",
    ),
}
_INDEX = {Language.DE: 0, Language.FR: 1, Language.IT: 2, Language.EN: 3}


def label(key: str, language: Language) -> str:
    return _WORDS[key][_INDEX[language]]


def amount_text(amount: Decimal, language: Language) -> str:
    """An amount with two decimals and grouped thousands: ``1'234.50`` (``1,234.50`` in
    English), ``-120.00`` on a credit note."""
    text = format_money(amount)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, cents = digits.split(".")
    grouped = f"{int(whole):,}".replace(",", "," if language is Language.EN else "'")
    return f"{sign}{grouped}.{cents}"


def qr_amount_text(amount: Decimal) -> str:
    """An amount as the QR-bill prints it: thousands grouped by a space (SIX style guide)."""
    return amount_text(amount, Language.EN).replace(",", " ")


def reference_text(reference: str) -> str:
    """A payment reference as people type it: ``RF18 2026 0000 42`` in groups of four, a QR
    reference as ``00 00000 00000 00002 02600 00425``."""
    if reference.startswith("RF"):
        return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
    return " ".join([reference[:2], *(reference[i : i + 5] for i in range(2, len(reference), 5))])


def date_text(day: date, language: Language) -> str:
    return day.isoformat() if language is Language.EN else day.strftime("%d.%m.%Y")


def period_text(start: date, end: date, language: Language) -> str:
    """A supply period, ``end`` exclusive (as stored), printed with its last day."""
    return f"{date_text(start, language)} – {date_text(end - timedelta(days=1), language)}"


def rate_text(rate: Decimal) -> str:
    """A VAT rate as a percentage: ``0.081`` → ``8.1 %``."""
    percent = format(rate * 100, "f").rstrip("0").rstrip(".") if rate else "0"
    return f"{percent} %"


@cache
def _countries(language: Language) -> gettext.NullTranslations:
    if language is Language.EN:
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language.value])


def country_name(code: str, language: Language) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return code if country is None else _countries(language).gettext(country.name)


def address_lines(name: str, address: Address | None, language: Language, home: str) -> list[str]:
    """A postal address: name, extra line, street and number, postcode and city, and the country
    when it is not ``home`` (the sender's)."""
    if address is None:
        return [name]
    street = " ".join(part for part in (address.street, address.building_number) if part)
    lines = [name, *(line for line in (address.extra_line, street) if line)]
    lines.append(f"{address.postal_code} {address.city}")
    if address.country != home:
        lines.append(country_name(address.country, language))
    return lines
