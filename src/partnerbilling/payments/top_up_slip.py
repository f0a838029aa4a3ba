"""The payment slip of an account top-up (SPEC §13, ``GET /v1/account/top-up.pdf``): the issuer's
account in the currency as the creditor, the organisation as the debtor, the amount, and the
organisation's top-up reference, drawn as an invoice's payment part is."""

from __future__ import annotations

from decimal import Decimal

from partnerbilling.billing.domain import buyer_snapshot
from partnerbilling.billing.references import is_qr_iban
from partnerbilling.db import utcnow
from partnerbilling.documents.domain import Address, BankAccount, Buyer, Document, Language, Seller
from partnerbilling.documents.slip import render_slip
from partnerbilling.errors import IssuerNotConfigured, NotFound
from partnerbilling.issuer import repository as issuers
from partnerbilling.organizations import repository as organizations
from partnerbilling.payments.top_ups import top_up_references
from partnerbilling.sql import Connection


async def top_up_slip(conn: Connection, org_id: str, currency: str, amount: Decimal) -> bytes:
    """The PDF slip for topping up the organisation's account with ``amount`` in ``currency``;
    409 ``issuer_not_configured`` without an issuer account in that currency to pay to."""
    issuer = await issuers.get(conn)
    account = (issuer.bank_accounts or {}).get(currency) if issuer is not None else None
    if issuer is None or account is None:
        raise IssuerNotConfigured(f"The issuer has no {currency} bank account to pay a top-up to.")
    org = await organizations.get(conn, org_id)
    if org is None:
        raise NotFound("No such organization.")
    buyer = buyer_snapshot(
        org.name, org.legal_name, org.address, org.vat_id, org.language, org.reverse_charge
    )
    reference = (await top_up_references(conn, org_id))[currency]
    now = utcnow()
    today = now.astimezone(issuer.zone).date()
    seller = Seller(
        issuer.legal_name, Address.of(issuer.address), issuer.vat_id, issuer.email,
        BankAccount(account["iban"], account.get("bic"), is_qr_iban(account["iban"])),
    )  # fmt: skip
    document = Document(
        id=f"top-up-{org_id}", number=(org.legal_name or org.name)[:140], is_credit_note=False,
        currency=currency, issued_at=now, due_at=now, issue_date=today, due_date=today, seller=seller,
        buyer=Buyer(buyer["legal_name"], Address.of(buyer["address"]) if buyer["address"] else None,
                    buyer["vat_id"], Language(buyer["language"]), False),
        payer_id=org_id, customer_id=org_id, lines=(), subtotal=amount, tax_rate=Decimal(0),
        tax=Decimal("0.00"), total=amount, amount_due=amount, payment_reference=reference,
        credited=None, reason=None,
    )  # fmt: skip
    return render_slip(document)
