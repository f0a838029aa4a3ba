"""Fuzz the whole API from its own OpenAPI document with schemathesis, in process, with every
check schemathesis has: no input yields a 5xx, every answer has a documented status code, content type
and schema, every error is problem+json, schema-valid input is accepted and invalid input refused.

Schemathesis cannot guess ids, so a world of real objects is built first and positive cases get
real ids in their path parameters and id fields: most calls reach existing objects and drive their
state transitions (accept, end, pay, credit, renew, cancel, redeliver, ...). The org API is fuzzed
with the keys of a customer and of its partner, the admin API with the platform token, and each
side also with the other's credentials (everything must then be refused cleanly).

``PARTNERBILLING_FUZZ_EXAMPLES`` (default 10, a quick pass on fixed seeds) sets the examples per
operation; ``make fuzz`` raises it and also lets Hypothesis pick new random seeds instead of the
fixed ones CI uses.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias, cast

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks
from schemathesis.core.failures import Failure
from schemathesis.openapi.checks import RejectedPositiveData
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.app import create_app
from partnerbilling.db import make_engine, transaction
from partnerbilling.jobs.worker import run_job_worker
from partnerbilling.settings import Settings
from tests.support import ADMIN_TOKEN, Api, build_world

# A case of any operation of the schema (schemathesis parametrises Case by the operation's type).
FuzzCase: TypeAlias = schemathesis.Case[Any]

EXAMPLES = int(os.environ.get("PARTNERBILLING_FUZZ_EXAMPLES", "10"))
EXPLORE = "PARTNERBILLING_FUZZ_EXAMPLES" in os.environ
# With the other side's credentials every call is refused; a few examples show that.
CROSS_EXAMPLES = max(5, EXAMPLES // 5)


def _fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not EXPLORE,
        suppress_health_check=list(HealthCheck),
        database=None,
    )


class _Target:
    """The ASGI application schemathesis calls, on an event loop of its own: the engine is made
    there when schemathesis starts the lifespan, and the app under test is plugged in then."""

    settings: Settings | None = None
    app: Any = None
    engine: AsyncEngine | None = None
    # The job worker that runs the renewal and dunning runs, as beside the test app.
    jobs: asyncio.Task[None] | None = None
    stop_jobs: asyncio.Event | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                assert self.settings is not None, "the fuzz_app fixture provides the settings"
                assert self.settings.database_url
                self.engine = make_engine(self.settings.database_url, self.settings)
                # Fuzzing commits thousands of small transactions; waiting for each one to reach
                # the disk would only slow it down.
                event.listen(self.engine.sync_engine, "connect", _commit_without_waiting_for_disk)
                self.app = create_app(self.settings, engine=self.engine)
                self.stop_jobs = asyncio.Event()
                self.jobs = asyncio.create_task(run_job_worker(self.engine, self.settings, self.stop_jobs))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.jobs is not None and self.stop_jobs is not None:
                    self.stop_jobs.set()
                    await self.jobs
                    self.jobs = self.stop_jobs = None
                if self.engine is not None:
                    await self.engine.dispose()
                self.app = self.engine = None
                await send({"type": "lifespan.shutdown.complete"})
                return


def _commit_without_waiting_for_disk(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()


TARGET = _Target()
# Built without a database; the world fixture checks that the app serves this very document.
DOCUMENT = create_app(Settings(database_url="postgresql+asyncpg://unused/unused")).openapi()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
SCHEMA.app = TARGET
SCHEMA.location = "/openapi.json"

# Schema-valid values that the server may still refuse with `validation_error`, because the rule
# is one JSON Schema cannot state: a cursor is opaque, and one no earlier page returned is
# unknown; an e-mail address must be deliverable in form (email-validator: a dot in the domain,
# no special-use domain), which `format: email` does not require; a time lies between 1970 and
# 9999, a payment between the invoice's issue and now, which `format: date-time` cannot say; a
# webhook URL names a valid host name or address and port, which `format: uri` does not check.
STRICTER_THAN_THE_SCHEMA = {
    ("query", "cursor"),
    ("body", "billing_email"),
    ("body", "email"),
    ("body", "paid_at"),
    ("body", "received_at"),
    # A payment is in its invoice's currency, which the schema of the payment cannot know.
    ("body", "currency"),
    ("body", "as_of"),
    ("body", "url"),
    # An export's period: `from` after `to` is refused, which a schema of each alone cannot say.
    ("query", "from"),
    # Checked by checksum (SPEC §7), which no schema can say: VAT numbers, IBANs, BICs.
    ("body", "vat_id"),
    ("body", "payout_iban"),
    ("body", "bank_accounts"),
    ("body", "payout_accounts"),
    # An IANA time zone is one that the time zone database knows, which no schema says.
    ("body", "time_zone"),
}


@SCHEMA.hook
def filter_failure(context: Any, failure: Failure, case: FuzzCase, response: Any) -> bool:
    """Keep every failure but the refusals of schema-valid input that the contract allows."""
    return not (isinstance(failure, RejectedPositiveData) and _contractual_refusal(case, response))


def _contractual_refusal(case: FuzzCase, response: Any) -> bool:
    """A 422 for schema-valid input is right when a business rule refuses it (SPEC §4: its own
    `code`, such as `price_not_available`), or when each value it names is one the schema cannot
    judge (:data:`STRICTER_THAN_THE_SCHEMA`) or an integer written as a fraction."""
    if response.status_code != 422:
        return False
    body = response.json()
    if body.get("code") != "validation_error":
        return True
    places = [error["loc"] for error in body.get("errors") or []]
    return bool(places) and all(
        tuple(loc[:2]) in STRICTER_THAN_THE_SCHEMA or _integer_written_as_a_fraction(case, loc)
        for loc in places
    )


def _integer_written_as_a_fraction(case: FuzzCase, loc: list[str]) -> bool:
    """JSON Schema counts `364.0` (and `1e2`) as an integer; the service takes an integer only
    written as one (README, "Strict validation"), so refusing such a number is right."""
    return loc[:1] == ["body"] and _whole_float(case.body, loc[1:])


def _whole_float(body: Any, path: list[str]) -> bool:
    """Whether the body holds a float with a whole value at ``path``."""
    for key in path:
        if isinstance(body, dict) and key in body:
            body = body[key]
        elif isinstance(body, list) and key.isdigit() and int(key) < len(body):
            body = body[int(key)]
        else:
            return False
    return isinstance(body, float) and body.is_integer()


load_all_checks()
# Every check schemathesis has, not only its defaults: "schema-violating request accepted"
# (negative_data_rejection) included.
# (check classes included: schemathesis runs them, though its signature names functions only).
ALL_CHECKS = cast("list[CheckFunction]", CHECKS.get_all())

ORG_API = SCHEMA.exclude(path_regex="^/v1/admin/")
ADMIN_API = SCHEMA.include(path_regex="^/v1/admin/")


@dataclass
class World:
    """Real ids by the name of the parameter or field that takes them, and the org keys."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    org_keys: list[str] = field(default_factory=list)
    # Set when an operation may have changed the world, so that the next test gets a fresh one.
    dirty: bool = True


WORLD = World()
PLACEHOLDER_KEY = "pb_placeholder"


async def _build(api: Api) -> World:
    world = await build_world(api)
    acme, agency, stranger = world.acme, world.agency, world.stranger
    orders = [
        await api.order(acme, acme, "web-hosting-pro"),
        await api.order(agency, acme, "web-hosting-pro", 2),
        await api.order(acme, acme, "domain-ch", 3),
        await api.order(agency, acme, "domain-ch"),
    ]
    await api.ok(None, "POST", f"/v1/admin/invoices/{orders[0]['invoice_id']}/pay", json={})
    await api.ok(
        None, "POST", f"/v1/admin/invoices/{orders[2]['invoice_id']}/credit-note", json={"reason": "fuzz"}
    )
    endpoints = []
    for who in (acme, agency):
        endpoint = await api.ok(
            who,
            "POST",
            "/v1/webhook-endpoints",
            json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]},
        )
        endpoints.append(endpoint["id"])
    spare_key = await api.ok(None, "POST", f"/v1/admin/organizations/{stranger.id}/api-keys")
    events = [e["id"] for who in (acme, agency) for e in (await api.ok(who, "GET", "/v1/events"))["data"]]
    invoices = [i["id"] for who in (acme, agency) for i in (await api.ok(who, "GET", "/v1/invoices"))["data"]]
    return World(
        ids={
            "org_id": [acme.id, agency.id, stranger.id],
            "customer_id": [acme.id, agency.id],
            "partner_id": [agency.id, stranger.id],
            "partnership_id": [world.partnership["id"]],
            "order_id": [o["id"] for o in orders],
            "subscription_id": [o["subscription_id"] for o in orders],
            "invoice_id": invoices,
            "event_id": events,
            "endpoint_id": endpoints,
            # Never the keys fuzzing uses: revoking one would turn the rest of a test into 401s.
            "key_id": [spare_key["id"]],
            "code": ["gold"],
            "sku": ["web-hosting-pro", "domain-ch"],
        },
        org_keys=[acme.key, agency.key],
    )


@pytest.fixture
async def world(engine: AsyncEngine, table_names: list[str], settings: Settings) -> World:
    """The world of real objects, rebuilt on an emptied database after any test that may have
    changed it (reads leave it as it was, which keeps the run short)."""
    if not WORLD.dirty:
        return WORLD
    async with transaction(engine) as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(table_names)} RESTART IDENTITY CASCADE"))
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        served = (await client.get("/openapi.json")).json()
        assert served == DOCUMENT, "the fuzzed document must be the one the app serves"
        built = await _build(Api(client))
    WORLD.ids, WORLD.org_keys, WORLD.dirty = built.ids, built.org_keys, False
    return WORLD


@pytest.fixture(scope="module")
def fuzz_app(settings: Settings) -> Iterator[_Target]:
    """The application under fuzzing, on the test database."""
    TARGET.settings = settings
    yield TARGET
    from schemathesis.python.asgi import shutdown_lifespans

    shutdown_lifespans()
    TARGET.settings = None
    WORLD.dirty = True


def _with_real_ids(case: FuzzCase) -> None:
    """Most positive cases get real ids; schemathesis revalidates what it sends afterwards. The
    choice is seeded by the case itself (Hypothesis resets `random` for every example), so a
    failing case replays the same way."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    rng = random.Random(repr((case.operation.label, case.path_parameters, case.query, case.body)))
    containers = [case.path_parameters or {}, case.body if isinstance(case.body, dict) else {}]
    for container in containers:
        for name in list(container):
            pool = WORLD.ids.get(name)
            if pool and rng.random() < 0.8:
                container[name] = rng.choice(pool)


def _fuzz(case: FuzzCase, changes_the_world: bool) -> None:
    if changes_the_world and case.method != "GET":
        WORLD.dirty = True
    headers = case.headers
    if headers.get("Authorization") == f"Bearer {PLACEHOLDER_KEY}":
        headers["Authorization"] = f"Bearer {WORLD.org_keys[len(repr(case.body)) % len(WORLD.org_keys)]}"
    _with_real_ids(case)
    case.call_and_validate(checks=ALL_CHECKS)


_ALTERNATE = itertools.count()


class _OrgKey:
    """The customer's or the partner's key, alternately. Cases of the coverage phase are built at
    collection, before the world exists: they get a placeholder that ``_fuzz`` replaces."""

    def get(self, case: FuzzCase, ctx: Any) -> str:
        if not WORLD.org_keys:
            return PLACEHOLDER_KEY
        return WORLD.org_keys[next(_ALTERNATE) % len(WORLD.org_keys)]

    def set(self, case: FuzzCase, data: str, ctx: Any) -> None:
        headers = CaseInsensitiveDict(case.headers)  # a new container: the case sees its headers changed
        headers["Authorization"] = f"Bearer {data}"
        case.headers = headers


class _PlatformToken(_OrgKey):
    def get(self, case: FuzzCase, ctx: Any) -> str:
        return ADMIN_TOKEN


@ORG_API.parametrize()
@SCHEMA.auth.apply(_OrgKey, refresh_interval=None)
@_fuzz_settings(EXAMPLES)
def test_fuzz_the_org_api_as_an_organisation(case: FuzzCase, world: World, fuzz_app: Any) -> None:
    _fuzz(case, changes_the_world=True)


@ADMIN_API.parametrize()
@SCHEMA.auth.apply(_PlatformToken, refresh_interval=None)
@_fuzz_settings(EXAMPLES)
def test_fuzz_the_admin_api_as_the_platform(case: FuzzCase, world: World, fuzz_app: Any) -> None:
    _fuzz(case, changes_the_world=True)


@ADMIN_API.parametrize()
@SCHEMA.auth.apply(_OrgKey, refresh_interval=None)
@_fuzz_settings(CROSS_EXAMPLES)
def test_fuzz_the_admin_api_as_an_organisation(case: FuzzCase, world: World, fuzz_app: Any) -> None:
    _fuzz(case, changes_the_world=False)


@ORG_API.parametrize()
@SCHEMA.auth.apply(_PlatformToken, refresh_interval=None)
@_fuzz_settings(CROSS_EXAMPLES)
def test_fuzz_the_org_api_as_the_platform(case: FuzzCase, world: World, fuzz_app: Any) -> None:
    _fuzz(case, changes_the_world=False)
