"""The EN 16931 XML of an invoice document: UN/CEFACT CII D16B as the Factur-X 1.0.7 "EN 16931"
profile requires (guideline ``urn:cen.eu:en16931:2017``), UTF-8, the same bytes for the same
document (nothing depends on "now"). Pure: a :class:`Document` in, bytes out.

Choices the standard leaves to us, or that our data makes for us:

- **Credit notes** (type 381) carry positive amounts, as EN 16931 requires; the service stores
  them negative, so they are negated here. A credit note names the invoice it credits (BT-25,
  BT-26) and its reason (BT-22).
- **Amount due** (BT-115) is the document's ``amount_due``; whatever of the grand total is not
  due any more (paid, or on a credit note set off against its invoice) is the paid amount
  (BT-113), so that BR-CO-16 (BT-115 = BT-112 − BT-113) holds on every document.
- **Seller VAT identifier** (BT-31): a Swiss UID with MWST is the Swiss VAT number, written as
  stored with ``schemeID="VA"``; its "CH" prefix is the country code BR-CO-09 asks for. A seller
  without one cannot meet BR-S-02 (category S needs it); the XML then has no tax registration
  rather than an invented one.
- **Buyer address**: documents issued before billing profiles have none, and BR-10/BR-11 require
  the buyer's postal address with its country. The seller's country would be a guess; the prefix
  of the buyer's VAT number is a fact (the country that issued it), so such a buyer gets an
  address of its country alone (all the XSD requires of ``PostalTradeAddress``). With neither an
  address nor a VAT number the address is left out, and that document fails BR-10: the XML does
  not invent a country.
- **Delivery date** (BT-72) is the first day supplied (the earliest line period's start), which
  also keeps ``ApplicableHeaderTradeDelivery``, required by the XSD, from being empty
  (PEPPOL-EN16931-R008).
- **Dates** are the calendar dates in the issuer's time zone (issue BT-2, due BT-9, credited
  invoice BT-26): the JSON invoice's ``issue_date`` and ``due_date``.
- **Payment means** (BG-16): SEPA credit transfer (58) for EUR, credit transfer (30) for CHF, with
  the issuer's IBAN (BT-84; a QR-IBAN is an IBAN) and BIC (BT-86). Left out on a credit note and
  when the issuer has no account in the currency: BR-61 needs an account for both codes. The
  payment reference (BT-83) is written whenever the document has one.
- **VAT**: one rate per document: category S at the rate, AE at 0 under reverse charge (with the
  exemption reason "Reverse charge" and code VATEX-EU-AE, BR-AE-10), Z at 0 otherwise (see
  :class:`~partnerbilling.documents.facturx_cii.VatCategory`).
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from partnerbilling.documents import facturx_text as text
from partnerbilling.documents.domain import Address, Buyer, Document, Seller
from partnerbilling.documents.facturx_cii import (
    NSMAP,
    RSM,
    VatCategory,
    amount,
    day,
    percent,
    positive,
    ram,
    ram_date,
    vat_category,
)
from partnerbilling.documents.facturx_lines import add_lines

GUIDELINE = "urn:cen.eu:en16931:2017"
INVOICE = "380"
CREDIT_NOTE = "381"
_SEPA_CREDIT_TRANSFER = "58"
_CREDIT_TRANSFER = "30"
_VATEX_REVERSE_CHARGE = "VATEX-EU-AE"


def facturx_xml(doc: Document) -> bytes:
    """The document as Factur-X EN 16931 CII XML (UTF-8, with its XML declaration)."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    ram(ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE)
    _add_header(etree.SubElement(root, f"{{{RSM}}}ExchangedDocument"), doc)
    transaction = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    add_lines(transaction, doc)
    agreement = ram(transaction, "ApplicableHeaderTradeAgreement")
    _add_seller(ram(agreement, "SellerTradeParty"), doc.seller)
    _add_buyer(ram(agreement, "BuyerTradeParty"), doc.buyer, doc.payer_id)
    _add_delivery(ram(transaction, "ApplicableHeaderTradeDelivery"), doc)
    _add_settlement(ram(transaction, "ApplicableHeaderTradeSettlement"), doc)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_header(header: etree._Element, doc: Document) -> None:
    """BT-1 number, BT-3 type, BT-2 issue date, BT-22 the credit note's reason."""
    ram(header, "ID", doc.number)
    ram(header, "TypeCode", CREDIT_NOTE if doc.is_credit_note else INVOICE)
    ram_date(header, "IssueDateTime", doc.issue_date)
    if doc.reason:
        ram(ram(header, "IncludedNote"), "Content", doc.reason)


def _add_delivery(delivery: etree._Element, doc: Document) -> None:
    """BT-72: the supply starts on the first day of the earliest line's period (a subscription is
    supplied from then on); the lines carry each period in full (BG-26)."""
    if doc.lines:
        event = ram(delivery, "ActualDeliverySupplyChainEvent")
        ram_date(event, "OccurrenceDateTime", min(line.period_start for line in doc.lines))


def _add_address(party: etree._Element, address: Address) -> None:
    """BG-5 / BG-8: line 1 is the street and building number, line 2 the extra line."""
    postal = ram(party, "PostalTradeAddress")
    ram(postal, "PostcodeCode", address.postal_code)
    street = f"{address.street} {address.building_number}" if address.building_number else address.street
    ram(postal, "LineOne", street)
    if address.extra_line:
        ram(postal, "LineTwo", address.extra_line)
    ram(postal, "CityName", address.city)
    ram(postal, "CountryID", address.country)


def _add_vat_id(party: etree._Element, vat_id: str | None) -> None:
    if vat_id:
        ram(ram(party, "SpecifiedTaxRegistration"), "ID", vat_id, schemeID="VA")


def _add_seller(party: etree._Element, seller: Seller) -> None:
    """BG-4: BT-27 name, BG-6 the e-mail contact, BG-5 address, BT-31 VAT identifier."""
    ram(party, "Name", seller.legal_name)
    contact = ram(party, "DefinedTradeContact")
    ram(ram(contact, "EmailURIUniversalCommunication"), "URIID", seller.email)
    _add_address(party, seller.address)
    _add_vat_id(party, seller.vat_id)


def _add_buyer(party: etree._Element, buyer: Buyer, payer_id: str) -> None:
    """BG-7: BT-46 the payer's id, BT-44 name, BG-8 address, BT-48 VAT identifier."""
    ram(party, "ID", payer_id)
    ram(party, "Name", buyer.legal_name)
    if buyer.address is not None:
        _add_address(party, buyer.address)
    elif country := _vat_country(buyer.vat_id):
        ram(ram(party, "PostalTradeAddress"), "CountryID", country)
    _add_vat_id(party, buyer.vat_id)


def _vat_country(vat_id: str | None) -> str | None:
    """The country that issued a VAT number: its prefix ("EL" is Greece's, "CHE" Switzerland's)."""
    if not vat_id or len(vat_id) < 2 or not vat_id[:2].isalpha():
        return None
    prefix = vat_id[:2].upper()
    return "GR" if prefix == "EL" else prefix


def _add_settlement(settlement: etree._Element, doc: Document) -> None:
    """BG-16 payment means, BG-23 VAT breakdown, BG-20 terms, BG-22 totals, BG-3 credited invoice."""
    if doc.payment_reference:
        ram(settlement, "PaymentReference", doc.payment_reference)
    ram(settlement, "InvoiceCurrencyCode", doc.currency)
    _add_payment_means(settlement, doc)
    _add_tax_breakdown(settlement, doc)
    _add_payment_terms(settlement, doc)
    _add_totals(settlement, doc)
    if doc.credited is not None:
        credited = ram(settlement, "InvoiceReferencedDocument")
        ram(credited, "IssuerAssignedID", doc.credited.number)
        issued = ram(credited, "FormattedIssueDateTime")
        qdt = etree.SubElement(issued, f"{{{NSMAP['qdt']}}}DateTimeString", format="102")
        qdt.text = day(doc.credited.issue_date)


def _add_payment_means(settlement: etree._Element, doc: Document) -> None:
    account = doc.seller.bank_account
    if doc.is_credit_note or account is None:
        return
    means = ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
    ram(means, "TypeCode", _SEPA_CREDIT_TRANSFER if doc.currency == "EUR" else _CREDIT_TRANSFER)
    ram(ram(means, "PayeePartyCreditorFinancialAccount"), "IBANID", account.iban)
    if account.bic:
        ram(ram(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", account.bic)


def _add_tax_breakdown(settlement: etree._Element, doc: Document) -> None:
    """BG-23, one per rate: the service charges one rate per document."""
    category = vat_category(doc)
    tax = ram(settlement, "ApplicableTradeTax")
    ram(tax, "CalculatedAmount", amount(positive(doc, doc.tax)))
    ram(tax, "TypeCode", "VAT")
    if category is VatCategory.REVERSE_CHARGE:
        ram(tax, "ExemptionReason", text.REVERSE_CHARGE)
    ram(tax, "BasisAmount", amount(positive(doc, doc.subtotal)))
    ram(tax, "CategoryCode", category)
    if category is VatCategory.REVERSE_CHARGE:
        ram(tax, "ExemptionReasonCode", _VATEX_REVERSE_CHARGE)
    ram(tax, "RateApplicablePercent", percent(doc.tax_rate))


def _add_payment_terms(settlement: etree._Element, doc: Document) -> None:
    """BT-20 and BT-9: an invoice is payable by its due date; a credit note is set off against
    the invoice it credits (nothing is due on it, so BR-CO-25 asks for no terms)."""
    if doc.is_credit_note:
        if doc.credited is not None:
            terms = ram(settlement, "SpecifiedTradePaymentTerms")
            ram(terms, "Description", text.settled_against(doc.language, doc.credited.number))
        return
    due = doc.due_date
    terms = ram(settlement, "SpecifiedTradePaymentTerms")
    ram(terms, "Description", text.payable_by(doc.language, due))
    ram_date(terms, "DueDateDateTime", due)


def _add_totals(settlement: etree._Element, doc: Document) -> None:
    """BG-22: BT-106 Σ line nets, BT-109 basis, BT-110 VAT, BT-112 total, BT-113 paid, BT-115 due."""
    grand_total = positive(doc, doc.total)
    due = abs(doc.amount_due)
    totals = ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    line_total = sum((positive(doc, line.net_amount) for line in doc.lines), Decimal(0))
    ram(totals, "LineTotalAmount", amount(line_total))
    ram(totals, "TaxBasisTotalAmount", amount(positive(doc, doc.subtotal)))
    ram(totals, "TaxTotalAmount", amount(positive(doc, doc.tax)), currencyID=doc.currency)
    ram(totals, "GrandTotalAmount", amount(grand_total))
    if grand_total != due:
        ram(totals, "TotalPrepaidAmount", amount(grand_total - due))
    ram(totals, "DuePayableAmount", amount(due))
