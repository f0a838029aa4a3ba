"""A real webhook receiver, to show that the platform's own events are never delivered."""

from tests.webhooks.peers import receiver

__all__ = ["receiver"]
