"""The base of the service's named values (event types, states, kinds, access, billing mode)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema


class LiteralEnum(StrEnum):
    """A ``StrEnum`` that a schema validates, documents and serialises as the ``Literal`` of its
    values: an inline JSON Schema ``enum`` (no ``$ref`` of its own), the same error message
    ("Input should be 'a' or 'b'"), a plain string in JSON; the value it gives the code is the
    member. JSON and SQL see plain strings."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.literal_schema([member.value for member in cls]),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
        )
