"""Real peers for delivery tests: an HTTP receiver and an SMTP server, both on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from standardwebhooks import Webhook


@dataclass(frozen=True)
class Receipt:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def verify(self, secret: str) -> Any:
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    """A minimal HTTP/1.1 server (keep-alive) that records every request. It answers with the
    next status of ``statuses`` (then ``default``) and ``ok``, or with what ``answers`` holds for
    the request's path (a status and a body), and holds each request while ``hold`` is cleared."""

    statuses: list[int] = field(default_factory=list)
    default: int = 200
    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    receipts: list[Receipt] = field(default_factory=list)
    hold: asyncio.Event | None = None
    port: int = 0
    _server: asyncio.Server | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self) -> Receiver:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    def ids(self) -> Counter[str]:
        return Counter(r.webhook_id for r in self.receipts)

    async def wait_for(self, count: int, within: float = 10.0) -> None:
        """Until ``count`` requests have arrived."""
        async with asyncio.timeout(within), self._arrived:
            await self._arrived.wait_for(lambda: len(self.receipts) >= count)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request := await self._read(reader):
                async with self._arrived:
                    self.receipts.append(request)
                    self._arrived.notify_all()
                if self.hold is not None:
                    await self.hold.wait()
                status, body = self.answers.get(request.path) or (self._next_status(), b"ok")
                head = f"HTTP/1.1 {status} Status\r\ncontent-length: {len(body)}\r\n\r\n"
                writer.write(head.encode() + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else self.default

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> Receipt | None:
        line = await reader.readline()
        if not line:
            return None
        _, path, _ = line.decode().split(" ", 2)
        headers: dict[str, str] = {}
        while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return Receipt(path, headers, body)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def text_of(message: Message) -> str:
    """The decoded body of a plain-text message, with the wire's CRLF line ends undone."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode().replace("\r\n", "\n")


class SmtpSink:
    """aiosmtpd on 127.0.0.1, collecting what it receives."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = _Inbox()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        return self.inbox.messages

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- fixtures (imported by the conftest of each test folder that needs them) ---------------------


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    peer = await Receiver().start()
    yield peer
    if peer.hold is not None:
        peer.hold.set()
    await peer.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()
