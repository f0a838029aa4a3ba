"""The Swiss QR-bill to the letter (SPEC §14): for any name, address and amount the API accepts,
the payment part's fields keep to SIX IG 2.3 (lengths, character set), its QR code is never
overprinted and decodes from a 150-dpi rendering into the expected payload, and the document
still prints the full legal names."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import reportlab
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.ttfonts import TTFontFile

from partnerbilling.documents.domain import Address, Document
from partnerbilling.documents.pdf import render_pdf
from partnerbilling.documents.swiss_qr import six_text, swiss_payload
from tests.documents import pdf_samples, reading

# What a name may hold and the document's font can draw: letters of the Latin scripts, digits,
# punctuation, and the characters a QR-bill must transliterate or drop.
_FONT = TTFontFile(str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"))
_CANDIDATES = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    "äöüÄÖÜéèêàçñßøåæœŒłŁšžčďťŠŽ&'\"-.,/()+@#%*!?:;<>«»ÿ€™•…–—‘’“”ΩΔμπ"
)
ALPHABET = "".join(c for c in _CANDIDATES if ord(c) in _FONT.charToGlyph)
words = st.text(alphabet=ALPHABET, min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)


def _line(limit: int) -> st.SearchStrategy[str]:
    return st.lists(words, min_size=1, max_size=8).map(lambda w: " ".join(w)[:limit].strip()).filter(bool)


@st.composite
def addresses(draw: st.DrawFn) -> Address:
    return Address(
        street=draw(_line(70)),
        building_number=draw(st.none() | _line(16)),
        postal_code=draw(_line(16)),
        city=draw(_line(35)),
        country=draw(st.sampled_from(["CH", "LI", "DE", "FR", "IT", "AT"])),
        extra_line=draw(st.none() | _line(70)),
    )


@st.composite
def hostile_invoices(draw: st.DrawFn) -> Document:
    doc = pdf_samples.invoice(qr_iban=draw(st.booleans()))
    seller = replace(doc.seller, legal_name=draw(_line(140)), address=draw(addresses()))
    buyer = replace(doc.buyer, legal_name=draw(_line(140)), address=draw(st.none() | addresses()))
    cents = draw(st.integers(1, 99_999_999_999))
    return replace(doc, seller=seller, buyer=buyer, amount_due=Decimal(cents).scaleb(-2))


def _squeezed(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_invoices())
def test_any_names_addresses_and_amount_give_a_qr_bill_that_scans_and_full_names(doc: Document) -> None:
    pdf = render_pdf(doc, pdf_samples.XML)
    [[code]] = reading.qr_codes_per_page(pdf, dpi=150)[-1:]
    payload = code.replace("\r\n", "\n").split("\n")
    assert payload == swiss_payload(doc).replace("\r\n", "\n").split("\n")
    assert payload[5] == six_text(doc.seller.legal_name, 70) and len(payload[5]) <= 70
    assert payload[18] == f"{doc.amount_due:.2f}"
    for field, limit in zip(payload[4:11], (1, 70, 70, 16, 16, 35, 2), strict=True):
        assert len(field) <= limit, (field, limit)
    text = _squeezed(reading.text(pdf))
    assert _squeezed(doc.seller.legal_name) in text and _squeezed(doc.buyer.legal_name) in text


def test_text_outside_the_qr_bills_character_set_is_normalised_transliterated_or_dropped() -> None:
    decomposed = unicodedata.normalize("NFD", "Müller Café")
    assert six_text(decomposed, 70) == "Müller Café"
    assert six_text("Жук ООО", 70) == "Zhuk OOO"
    assert six_text("Ştiinţa Ș€", 70) == "Ştiinţa Ș€"  # Latin Extended-A, Romanian and € are permitted
    assert six_text("Fish 🐟 Shop\u200b\x07", 70) == "Fish Shop"
    assert six_text("Ω" * 100, 70) == "O" * 70
    assert len(six_text("x" * 200, 70)) == 70
