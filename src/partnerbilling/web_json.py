"""The web layer's JSON response: rendered with orjson from a ready dict, not from a model."""

import orjson
from fastapi.responses import Response


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: object) -> bytes:
        return orjson.dumps(content)
