"""Real peers: a local HTTP receiver and an SMTP server."""

from tests.webhooks.peers import receiver, smtp

__all__ = ["receiver", "smtp"]
