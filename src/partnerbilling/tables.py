"""Every table, imported once so that the metadata (and Alembic) sees them all."""

from partnerbilling.accounts.models import AccountBalance, AccountEntry
from partnerbilling.cashback.models import CashbackEntry
from partnerbilling.catalog.models import Product, ResellerTier
from partnerbilling.db import Base
from partnerbilling.events.models import Event
from partnerbilling.idempotency.models import IdempotencyRecord
from partnerbilling.invoices.models import Invoice, InvoiceCounter
from partnerbilling.issuer.models import Issuer
from partnerbilling.jobs.models import Job
from partnerbilling.journal.models import JournalHead, JournalRecord
from partnerbilling.mail.models import OutboxMail
from partnerbilling.operators.models import AuditRecord, OperatorKey
from partnerbilling.orders.models import Order
from partnerbilling.organizations.models import ApiKey, Organization
from partnerbilling.partnerships.models import Partnership, PartnershipChange
from partnerbilling.payments.models import BankCredit, Payment, Receipt, TopUpReference
from partnerbilling.payouts.models import Payout, PayoutBatch
from partnerbilling.schedules.models import ScheduleRun
from partnerbilling.subscriptions.models import Subscription
from partnerbilling.webhooks.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint

metadata = Base.metadata

__all__ = [
    "AccountBalance",
    "AccountEntry",
    "ApiKey",
    "AuditRecord",
    "BankCredit",
    "CashbackEntry",
    "DeliveryAttempt",
    "Event",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceCounter",
    "Issuer",
    "Job",
    "JournalHead",
    "JournalRecord",
    "OperatorKey",
    "Order",
    "Organization",
    "OutboxMail",
    "Partnership",
    "PartnershipChange",
    "Payment",
    "Payout",
    "PayoutBatch",
    "Product",
    "Receipt",
    "ResellerTier",
    "ScheduleRun",
    "Subscription",
    "TopUpReference",
    "WebhookDelivery",
    "WebhookEndpoint",
    "metadata",
]
