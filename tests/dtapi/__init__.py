"""A loopback DingTalk stand-in (OpenAPI over HTTP, the Stream gateway over a websocket)."""

from tests.dtapi.server import JPEG, DingTalkStandin, Sent

__all__ = ["JPEG", "DingTalkStandin", "Sent"]
