"""Every event type once: what it announces, its payload (the object's read model, as the
recipient's own ``GET`` shows it) and who receives it. The event documents (``GET /v1/events``,
the OpenAPI ``webhooks``), ``EVENT_TYPES`` and the webhook endpoints' ``event_types`` follow it.

Adding an event type: a member of ``EventType``, an entry here, and the call that emits it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from partnerbilling.accounts.schemas import AccountEntryRead
from partnerbilling.cashback.schemas import CashbackEntryRead
from partnerbilling.events.schemas import EventType
from partnerbilling.invoices.schemas import InvoiceRead
from partnerbilling.issuer.schemas import IssuerRead
from partnerbilling.jobs.schemas import JobRead
from partnerbilling.journal.schemas import JournalSeal
from partnerbilling.orders.schemas import OrderRead
from partnerbilling.organizations.schemas import OrganizationRead
from partnerbilling.partnerships.schemas import PartnershipRead
from partnerbilling.payments.schemas import PaymentRead, ReceiptRead
from partnerbilling.payouts.schemas import PayoutBatchRead, PayoutRead
from partnerbilling.subscriptions.schemas import SubscriptionRead
from partnerbilling.webhooks.schemas import EndpointRead


class Recipients(StrEnum):
    """Who receives an event: one record per recipient, each with its own view of the object."""

    PARTIES = "the customer and the partner of the partnership"
    CUSTOMER_AND_PARTNER = "the customer and its partner (if any), each with its own view"
    PAYER = "the payer of the invoice"
    CUSTOMER = "the customer only"
    PARTNER = "the partner that earns the cashback"
    OWNER = "the organisation that owns the webhook endpoint"
    ACCOUNT_HOLDER = "the organisation whose account it is"
    PLATFORM = "the platform only: its own log (GET /v1/admin/events), never an organisation or a webhook"


@dataclass(frozen=True, slots=True)
class EventSpec:
    payload: type[BaseModel]
    recipients: Recipients
    description: str


EVENTS: dict[EventType, EventSpec] = {
    EventType.PARTNERSHIP_CREATED: EventSpec(
        PartnershipRead, Recipients.PARTIES, "A customer invited a partner; sent to both."
    ),
    EventType.PARTNERSHIP_ACCEPTED: EventSpec(
        PartnershipRead, Recipients.PARTIES, "The partner accepted: the partnership is active; sent to both."
    ),
    EventType.PARTNERSHIP_UPDATED: EventSpec(
        PartnershipRead, Recipients.PARTIES, "The customer changed `access` or `billing_mode`; sent to both."
    ),
    EventType.PARTNERSHIP_BILLING_MODE_CHANGED: EventSpec(
        PartnershipRead,
        Recipients.PARTIES,
        "The billing mode changed (besides `partnership.updated`): later charges go to the new "
        "payer; sent to both.",
    ),
    EventType.PARTNERSHIP_ENDED: EventSpec(
        PartnershipRead,
        Recipients.PARTIES,
        "Either side ended the partnership (or the partner declined it); sent to both.",
    ),
    EventType.ORDER_CREATED: EventSpec(
        OrderRead,
        Recipients.CUSTOMER_AND_PARTNER,
        "An order or a renewal was charged; sent to the customer and to the partner, each with its "
        "own view (the price fields for the payer only, the cashback for the partner only).",
    ),
    EventType.SUBSCRIPTION_RENEWED: EventSpec(
        SubscriptionRead,
        Recipients.CUSTOMER_AND_PARTNER,
        "A subscription moved on by one period (its `order.created` comes with it); sent to the "
        "customer and its active partner.",
    ),
    EventType.SUBSCRIPTION_CANCELLED: EventSpec(
        SubscriptionRead,
        Recipients.CUSTOMER_AND_PARTNER,
        "A subscription stopped renewing (cancelled, or its invoice credited); sent to the customer "
        "and its active partner.",
    ),
    EventType.SUBSCRIPTION_SUSPENDED: EventSpec(
        SubscriptionRead,
        Recipients.CUSTOMER_AND_PARTNER,
        "The invoice that charged it went unpaid to the last dunning step: it is suspended and not "
        "renewed until that invoice is paid; sent to the customer and its active partner.",
    ),
    EventType.SUBSCRIPTION_REACTIVATED: EventSpec(
        SubscriptionRead,
        Recipients.CUSTOMER_AND_PARTNER,
        "The invoice it was suspended for was paid: it is active again; sent to the customer and "
        "its active partner.",
    ),
    EventType.SUBSCRIPTION_AT_RISK: EventSpec(
        SubscriptionRead,
        Recipients.CUSTOMER,
        "Its partner's invoice for it is overdue (the final notice, then the suspension): "
        "`at_risk_since` and `suspends_at` say since when and until when; never an amount or the "
        "invoice. Sent to the customer only, when its partner pays.",
    ),
    EventType.INVOICE_ISSUED: EventSpec(
        InvoiceRead, Recipients.PAYER, "An invoice or a credit note was issued; sent to its payer only."
    ),
    EventType.INVOICE_PAID: EventSpec(
        InvoiceRead, Recipients.PAYER, "An invoice was paid; sent to its payer only."
    ),
    EventType.INVOICE_OVERDUE: EventSpec(
        InvoiceRead,
        Recipients.PAYER,
        "An unpaid invoice took a dunning step (`dunning_level`: 1, 2 reminders, 3 final notice, "
        "4 suspension); sent to its payer only.",
    ),
    EventType.INVOICE_CREDITED: EventSpec(
        InvoiceRead,
        Recipients.PAYER,
        "An invoice was credited by a credit note (an `invoice.issued` of its own); sent to its payer only.",
    ),
    EventType.CASHBACK_CREDITED: EventSpec(
        CashbackEntryRead,
        Recipients.PARTNER,
        "A charge earned the partner cashback (`pending`); sent to the partner only.",
    ),
    EventType.CASHBACK_AVAILABLE: EventSpec(
        CashbackEntryRead,
        Recipients.PARTNER,
        "The invoice was paid: the cashback is `available`; sent to the partner only.",
    ),
    EventType.CASHBACK_REVERSED: EventSpec(
        CashbackEntryRead,
        Recipients.PARTNER,
        "The invoice was credited: the cashback is `reversed`; sent to the partner only.",
    ),
    EventType.WEBHOOK_ENDPOINT_DISABLED: EventSpec(
        EndpointRead,
        Recipients.OWNER,
        "One of your webhook endpoints was disabled (it answered 410 Gone, or failed for days).",
    ),
    EventType.PAYMENT_RECEIVED: EventSpec(
        PaymentRead,
        Recipients.PAYER,
        "Money was received for one of your invoices (from the bank, a card, your balance, or "
        "recorded by the platform); the payment, sent to the payer only.",
    ),
    EventType.ACCOUNT_CREDITED: EventSpec(
        AccountEntryRead,
        Recipients.ACCOUNT_HOLDER,
        "Money came onto your account (cashback, a refund, an overpayment, a returned payout, "
        "the platform's adjustment); the entry.",
    ),
    EventType.ACCOUNT_DEBITED: EventSpec(
        AccountEntryRead,
        Recipients.ACCOUNT_HOLDER,
        "Money left your account (an invoice paid from the balance, a payout, a reversed "
        "cashback, the platform's adjustment); the entry.",
    ),
    EventType.PAYOUT_REQUESTED: EventSpec(
        PayoutRead,
        Recipients.ACCOUNT_HOLDER,
        "You asked for a payout: its amount left your balance (an `account.debited` comes with it).",
    ),
    EventType.PAYOUT_COMPLETED: EventSpec(
        PayoutRead, Recipients.ACCOUNT_HOLDER, "The bank paid your payout out to its IBAN."
    ),
    EventType.PAYOUT_FAILED: EventSpec(
        PayoutRead,
        Recipients.ACCOUNT_HOLDER,
        "Your payout could not be paid: its amount is back on your balance (an `account.credited` "
        "comes with it).",
    ),
    EventType.PAYOUT_IN_TRANSIT: EventSpec(
        PayoutRead, Recipients.ACCOUNT_HOLDER, "Your payout is on its way: the platform sent it to its bank."
    ),
    EventType.PAYOUT_CANCELLED: EventSpec(
        PayoutRead,
        Recipients.ACCOUNT_HOLDER,
        "You cancelled your payout before it was sent: its amount is back on your balance (an "
        "`account.credited` comes with it).",
    ),
    EventType.ORGANIZATION_UPDATED: EventSpec(
        OrganizationRead,
        Recipients.PLATFORM,
        "An organisation or its billing profile changed (by the platform or by the organisation "
        "itself); in the platform's log only.",
    ),
    EventType.ISSUER_UPDATED: EventSpec(
        IssuerRead,
        Recipients.PLATFORM,
        "The issuer changed: documents issued from now on name it as their seller; in the "
        "platform's log only.",
    ),
    EventType.JOB_COMPLETED: EventSpec(
        JobRead,
        Recipients.PLATFORM,
        "A job (a renewal or dunning run) completed; the job with its report. In the platform's log only.",
    ),
    EventType.JOB_FAILED: EventSpec(
        JobRead,
        Recipients.PLATFORM,
        "A job (a renewal or dunning run) failed; the job with its error and what it did before. "
        "In the platform's log only.",
    ),
    EventType.JOURNAL_SEALED: EventSpec(
        JournalSeal,
        Recipients.PLATFORM,
        "The journal's head of the day (its last record's seq, hash and time), published daily so "
        "that a later rewrite of the chain shows. In the platform's log only.",
    ),
    EventType.PAYOUT_BATCH_CREATED: EventSpec(
        PayoutBatchRead,
        Recipients.PLATFORM,
        "A payout batch took the requested payouts of a currency into one credit-transfer file "
        "(each payout's `payout.in_transit` goes to its organisation). In the platform's log only.",
    ),
    EventType.RECEIPT_RECEIVED: EventSpec(
        ReceiptRead,
        Recipients.PLATFORM,
        "A bank credit paid none of our invoices and is kept as an open receipt; in the platform's log only.",
    ),
    EventType.RECEIPT_APPLIED: EventSpec(
        ReceiptRead,
        Recipients.PLATFORM,
        "The platform applied a receipt to an invoice (a payment) or to an account; in the "
        "platform's log only.",
    ),
    EventType.RECEIPT_RETURNED: EventSpec(
        ReceiptRead,
        Recipients.PLATFORM,
        "The platform returned a receipt to its sender; in the platform's log only.",
    ),
}
"""Each event type's payload model, recipients and description, in the order of ``EventType``."""
