"""The invoice lines (BG-25) of the Factur-X XML.

A line's discount is a line allowance (BG-27, BT-136) of the whole discount, not a price discount
(BT-147): the discount is rounded once on the line's public amount (SPEC §2), so spread over the
quantity it would not always give a unit price in cents, and BT-131 = quantity × net price −
allowances would no longer hold exactly."""

from __future__ import annotations

from datetime import timedelta

from lxml import etree

from partnerbilling.documents import facturx_text as text
from partnerbilling.documents.domain import Document, Line
from partnerbilling.documents.facturx_cii import (
    UDT,
    VatCategory,
    amount,
    percent,
    positive,
    ram,
    ram_date,
    vat_category,
)

# UNTDID 5189 "Discount": the reason code of a line allowance (BT-140).
_DISCOUNT_CODE = "95"
# UN/ECE Rec. 20 "one": a subscription of a product is counted in units.
_UNIT = "C62"


def add_lines(transaction: etree._Element, doc: Document) -> None:
    """Append one ``IncludedSupplyChainTradeLineItem`` per line, numbered from 1."""
    category = vat_category(doc)
    for number, line in enumerate(doc.lines, start=1):
        item = ram(transaction, "IncludedSupplyChainTradeLineItem")
        _add_line_document(item, doc, line, number)
        product = ram(item, "SpecifiedTradeProduct")
        ram(product, "SellerAssignedID", line.sku)
        ram(product, "Name", line.description)
        agreement = ram(item, "SpecifiedLineTradeAgreement")
        net_price = ram(agreement, "NetPriceProductTradePrice")
        # The unit price is stored positive on a credit note too (only amounts are negated).
        ram(net_price, "ChargeAmount", amount(abs(line.unit_price)))
        delivery = ram(item, "SpecifiedLineTradeDelivery")
        ram(delivery, "BilledQuantity", str(abs(line.quantity)), unitCode=_UNIT)
        _add_line_settlement(ram(item, "SpecifiedLineTradeSettlement"), doc, line, category)


def _add_line_document(item: etree._Element, doc: Document, line: Line, number: int) -> None:
    """BT-126 line id, and BT-127 the customer the line is for when a partner pays for it."""
    document = ram(item, "AssociatedDocumentLineDocument")
    ram(document, "LineID", str(number))
    if doc.names_customers:
        note = ram(document, "IncludedNote")
        ram(note, "Content", text.customer_note(doc.language, line.customer_name, line.customer_id))


def _add_line_settlement(
    settlement: etree._Element, doc: Document, line: Line, category: VatCategory
) -> None:
    """VAT of the line (BG-30), its period (BG-26), its discount (BG-27) and net amount (BT-131)."""
    tax = ram(settlement, "ApplicableTradeTax")
    ram(tax, "TypeCode", "VAT")
    ram(tax, "CategoryCode", category)
    ram(tax, "RateApplicablePercent", percent(doc.tax_rate))
    period = ram(settlement, "BillingSpecifiedPeriod")
    ram_date(period, "StartDateTime", line.period_start)
    # The stored period_end is exclusive (the next period's start); BT-135 is the last day billed.
    # A period that ends where it starts bills its first day only (BR-30: end ≥ start).
    ram_date(period, "EndDateTime", max(line.period_start, line.period_end - timedelta(days=1)))
    discount = positive(doc, line.discount)
    if discount != 0:
        allowance = ram(settlement, "SpecifiedTradeAllowanceCharge")
        indicator = ram(allowance, "ChargeIndicator")
        etree.SubElement(indicator, f"{{{UDT}}}Indicator").text = "false"
        ram(allowance, "ActualAmount", amount(discount))
        ram(allowance, "ReasonCode", _DISCOUNT_CODE)
        ram(allowance, "Reason", text.discount_reason(doc.language))
    summation = ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
    ram(summation, "LineTotalAmount", amount(positive(doc, line.net_amount)))
