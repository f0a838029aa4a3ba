"""One language per document and message (SPEC §14): every word of the invoice PDF and of each
e-mail kind in the recipient's language, dates as that language writes them, numbers as the
buyer's country does, references grouped, and the same period and reference in the document and
in the e-mail that sends it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.billing.domain import InvoiceDocument
from partnerbilling.documents.labels import vat_number
from partnerbilling.dunning.messages import customer_at_risk_mail, payer_mail
from partnerbilling.language import TABLES, Language
from partnerbilling.language.formats import amount_text, date_text, reference_text
from partnerbilling.mail.messages import billing_mode_changed_mail, invoice_mail
from partnerbilling.states import InvoiceKind, InvoiceStatus
from tests.documents.reading import text
from tests.profiles.helpers import put_issuer
from tests.support import Api, rows

ENGLISH = re.compile(
    r"\b(Invoice|invoice|Due|Amount|amount|Payment|payment|Supply|period|order|renewal|Customer|"
    r"customer|Qty|Net total|paid|Paid|the|and|your|Your|Scan|Receipt|Reference|Credit|credit)\b"
)
FOREIGN = re.compile(
    r"\b(Rechnung|Facture|Fattura|Betrag|Montant|Importo|Zahlbar|Bestellung|commande|ordine|"
    r"Leistungszeitraum|Période|Periodo|Fällig|Échéance|Scadenza|MWST|TVA|IVA|Gutschrift)\b"
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ZURICH = ZoneInfo("Europe/Zurich")
NAMES = {"de": "Webhosting Pro", "fr": "Hébergement Web Pro", "it": "Hosting Web Pro"}


def _no_word_of_another_language(content: str, language: Language) -> None:
    found = (FOREIGN if language is Language.EN else ENGLISH).findall(content)
    assert not found, (language, found)


def test_every_language_has_every_word() -> None:
    keys = set(TABLES[Language.EN])
    for language, words in TABLES.items():
        assert set(words) == keys, (language, keys ^ set(words))
        assert all(words[key].strip() for key in keys), language


@pytest.mark.parametrize(
    ("country", "language", "written"),
    [
        ("CH", Language.FR, "1'234.50"),
        ("LI", Language.DE, "1'234.50"),
        ("DE", Language.EN, "1.234,50"),
        ("AT", Language.DE, "1.234,50"),
        ("FR", Language.DE, "1\u00a0234,50"),
        ("BE", Language.FR, "1\u00a0234,50"),
        ("LU", Language.FR, "1\u00a0234,50"),
        ("IT", Language.EN, "1.234,50"),
        ("US", Language.EN, "1,234.50"),
        ("ES", Language.FR, "1\u00a0234,50"),
        (None, Language.IT, "1.234,50"),
    ],
)
def test_amounts_are_written_as_the_buyers_country_writes_them(
    country: str | None, language: Language, written: str
) -> None:
    assert amount_text(Decimal("1234.5"), language, country) == written
    assert amount_text(Decimal("-1234.5"), language, country) == f"-{written}"


def test_dates_references_and_vat_numbers_are_written_as_people_read_them() -> None:
    day = date(2026, 12, 31)
    assert [date_text(day, language) for language in Language] == ["31.12.2026"] * 3 + ["31 Dec 2026"]
    assert reference_text("210000000003139471430009017") == "21 00000 00003 13947 14300 09017"
    assert reference_text("RF18539007547034") == "RF18 5390 0754 7034"
    swiss = "CHE-116.281.710 MWST"
    assert [vat_number(swiss, language) for language in Language] == [
        ("MWST-Nr.", "CHE-116.281.710 MWST"),
        ("N° TVA", "CHE-116.281.710 TVA"),
        ("N. IVA", "CHE-116.281.710 IVA"),
        ("VAT no.", "CHE-116.281.710 VAT"),
    ]
    assert [vat_number("DE136695976", language)[0] for language in Language] == [
        "USt-IdNr.",
        "N° TVA intracom.",
        "P. IVA",
        "VAT ID",
    ]


def _issued(language: Language, kind: str = InvoiceKind.INVOICE) -> InvoiceDocument:
    line = {"description": f"Webhosting, {TABLES[language]['order']}, 07.12.2026 – 06.12.2027"}
    at = datetime(2026, 12, 7, 10, tzinfo=UTC)
    buyer = {"language": language.value, "address": {"country": "CH"}, "legal_name": "Acme"}
    return InvoiceDocument(
        "inv_1", kind, None, "org_p", "org_c", "ord_1", "CHF", [line], Decimal("1200.00"),
        Decimal("0.081"), Decimal("97.20"), Decimal("1297.20"), InvoiceStatus.ISSUED, None, at, buyer,
        "2026-000042", None, {"legal_name": "Alpine Hosting AG"}, at + timedelta(days=30),
        "RF18539007547034", date(2026, 12, 7), date(2027, 1, 6),
    )  # fmt: skip


DUE = (Decimal("1297.20"), "CHF", date(2027, 1, 6))
SUSPENDS = date(2027, 2, 17)
REFERENCE = "RF18539007547034"


@pytest.mark.parametrize("language", list(Language))
def test_every_kind_of_e_mail_is_in_the_recipients_language(language: Language) -> None:
    at = datetime(2026, 11, 26, 21, 5, tzinfo=UTC)
    messages = [
        billing_mode_changed_mail(language, "Acme AG", "customer", "partner", at, ZURICH),
        invoice_mail(_issued(language), None),
        invoice_mail(_issued(language, InvoiceKind.CREDIT_NOTE), "2026-000041"),
        *(
            payer_mail(language, "CH", level, "2026-000042", DUE, "RF18539007547034", SUSPENDS)
            for level in (1, 2, 3, 4)
        ),
        *(customer_at_risk_mail(language, level, "Webhosting", "WebAgency", SUSPENDS) for level in (3, 4)),
    ]
    for subject, body in messages:
        content = f"{subject}\n{body}"
        _no_word_of_another_language(content.replace("'customer'", "").replace("'partner'", ""), language)
        assert not ISO_DATE.search(content), content
    dates = "\n".join(body for _, body in messages)
    expected = ("26 Nov 2026", "17 Feb 2027") if language is Language.EN else ("26.11.2026", "17.02.2027")
    assert all(day in dates for day in expected)
    assert "RF18 5390 0754 7034" in dates and "1'297.20" in dates


BUYERS = [
    (Language.DE, {"street": "Unter den Linden", "building_number": "5", "postal_code": "10117",
                   "city": "Berlin", "country": "DE"}, "1.297,20"),
    (Language.DE, {"street": "Marktgasse", "building_number": "5", "postal_code": "3011", "city": "Bern",
                   "country": "CH"}, "1'297.20"),
    (Language.FR, {"street": "Rue de Rivoli", "building_number": "25", "postal_code": "75004",
                   "city": "Paris", "country": "FR"}, "1 297,20"),
    (Language.IT, {"street": "Via Dante", "building_number": "7", "postal_code": "20121", "city": "Milano",
                   "country": "IT"}, "1.297,20"),
    (Language.EN, {"street": "Baker Street", "building_number": "221B", "postal_code": "NW1 6XE",
                   "city": "London", "country": "GB"}, "1,297.20"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "address", "total"), BUYERS)
async def test_the_invoice_and_its_e_mail_read_in_one_language(
    api: Api, db: AsyncEngine, language: Language, address: dict[str, Any], total: str
) -> None:
    await put_issuer(api, bank_accounts={"CHF": {"iban": "CH4431999123000889012"}})
    product = {
        "name": "Web Hosting Pro",
        "category": "hosting",
        "period_months": 12,
        "prices": {"CHF": "120.00"},
    }
    put = await api.ok(None, "PUT", "/v1/admin/products/web-hosting-pro", json={**product, "names": NAMES})
    assert put["names"] == {**NAMES, "en": None}
    [listed] = (await api.ok(None, "GET", "/v1/products"))["data"]
    assert listed["names"] == put["names"]
    buyer = await api.org("Acme")
    profile = {"legal_name": "Acme Handels AG", "address": address, "language": language.value}
    await api.ok(None, "PATCH", f"/v1/admin/organizations/{buyer.id}", json=profile)
    placed = await api.order(buyer, buyer, "web-hosting-pro", quantity=10)
    invoice = await api.ok(buyer, "GET", f"/v1/invoices/{placed['invoice_id']}")
    assert invoice["total"] == "1297.20"
    pdf = text((await api.call(buyer, "GET", f"/v1/invoices/{invoice['id']}/pdf")).content)
    [(subject, body)] = [
        (row.subject, row.body)
        for row in await rows(db, "SELECT subject, body, attach_invoice_id FROM outbox_mails")
        if row.attach_invoice_id == invoice["id"]
    ]
    [line] = invoice["lines"]
    first, end = date.fromisoformat(line["period_start"]), date.fromisoformat(line["period_end"])
    period = f"{date_text(first, language)} – {date_text(end - timedelta(days=1), language)}"
    reference = reference_text(invoice["payment_reference"])
    name = NAMES.get(language.value, "Web Hosting Pro")
    kind = TABLES[language]["order"]
    assert line["description"] == f"{name}, {kind}, {period}"
    assert line["product_name"] == name and line["kind"] == "order"
    for content in (pdf, body.replace("\u00a0", " ")):
        assert period in content and reference in content and total in content, content
        assert date_text(date.fromisoformat(invoice["issue_date"]), language) in content
        assert date_text(date.fromisoformat(invoice["due_date"]), language) in content
        _no_word_of_another_language(content, language)
    assert f"{name}, {kind}" in pdf and invoice["number"] in subject
    assert not ISO_DATE.search(subject + body)
