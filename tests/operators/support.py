"""Operator keys for the tests: one per role, made by the platform token."""

from __future__ import annotations

from typing import Any

import httpx

from partnerbilling.operators.domain import Role
from tests.support import Api


class Operator:
    """An operator key and how to call with it."""

    def __init__(self, api: Api, created: dict[str, Any]) -> None:
        self.api = api
        self.id: str = created["id"]
        self.name: str = created["name"]
        self.role: str = created["role"]
        self.key: str = created["key"]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        return await self.api.client.request(method, path, headers=headers, **kwargs)


async def operator(api: Api, role: Role | str, name: str | None = None) -> Operator:
    created = await api.ok(
        None, "POST", "/v1/admin/operator-keys", json={"name": name or f"{role} operator", "role": str(role)}
    )
    return Operator(api, created)


async def one_of_each_role(api: Api) -> dict[Role, Operator]:
    return {role: await operator(api, role) for role in Role}
