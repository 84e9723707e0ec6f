"""The DingTalk OpenAPI calls GridSafe makes, over httpx, all against ``DINGTALK_API_URL``
(so tests point every call at a loopback stand-in).

Invariants: the client secret and the access token never appear in a log line or an
exception message (errors carry the path and the status only); a download is refused
beyond ``MAX_DOWNLOAD`` bytes; the access token is cached until five minutes before it
expires and fetched again after a 401.

The SDK's own calls are not used: they are synchronous (``requests``) inside the event
loop, read their endpoint once at import, and its picture upload is hard-coded to
oapi.dingtalk.com (see /work/shared/dingtalk-notes.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

MAX_DOWNLOAD = 20 * 1024 * 1024  # bytes; pictures and files beyond this are refused
TOKEN_MARGIN = 300  # seconds before expiry when the token is fetched again
TIMEOUT = httpx.Timeout(20.0, connect=10.0)


class DingTalkError(Exception):
    """An OpenAPI call failed. ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, what: str, status: int = 0, code: str = "") -> None:
        super().__init__(f"{what}: HTTP {status} {code}".strip())
        self.status = status
        self.code = code


class TooLarge(DingTalkError):
    pass


@dataclass
class SendResult:
    invalid: list[str] = field(default_factory=list)  # staff ids the robot cannot reach
    flow_controlled: list[str] = field(default_factory=list)  # to be sent again later


def _loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


class DingTalkAPI:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        robot_code: str,
        oapi_url: str = "https://oapi.dingtalk.com",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.oapi_url = oapi_url.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.robot_code = robot_code
        # a loopback stand-in is reached directly, whatever proxy the environment names
        self.http = httpx.AsyncClient(timeout=TIMEOUT, trust_env=not _loopback(self.base_url))
        self._token: str | None = None
        self._expires = 0.0
        self._token_lock = asyncio.Lock()

    async def close(self) -> None:
        await self.http.aclose()

    # ---- plumbing ---------------------------------------------------------------------

    async def _post(self, path: str, body: dict[str, Any], token: bool = True) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        for attempt in range(2):
            if token:
                headers["x-acs-dingtalk-access-token"] = await self.access_token()
            try:
                response = await self.http.post(self.base_url + path, json=body, headers=headers)
            except httpx.HTTPError as error:
                raise DingTalkError(f"{path} {type(error).__name__}") from None
            if response.status_code == 401 and token and attempt == 0:
                self._token = None  # expired early or revoked: fetch a new one once
                continue
            if response.status_code >= 400:
                code = ""
                with contextlib.suppress(ValueError, AttributeError):
                    code = str(response.json().get("code", ""))
                raise DingTalkError(path, response.status_code, code)
            try:
                return response.json() if response.content else {}
            except ValueError:
                raise DingTalkError(f"{path} not JSON", response.status_code) from None
        raise DingTalkError(path, 401)

    async def access_token(self) -> str:
        async with self._token_lock:
            if self._token and time.monotonic() < self._expires:
                return self._token
            answer = await self._post(
                "/v1.0/oauth2/accessToken",
                {"appKey": self.client_id, "appSecret": self._secret},
                token=False,
            )
            token = answer.get("accessToken")
            if not token:
                raise DingTalkError("/v1.0/oauth2/accessToken without a token")
            self._token = str(token)
            self._expires = time.monotonic() + int(answer.get("expireIn", 7200)) - TOKEN_MARGIN
            return self._token

    # ---- the stream -------------------------------------------------------------------

    async def open_connection(self, subscriptions: list[dict[str, str]], ua: str) -> str:
        """The websocket URL of a new stream connection (endpoint?ticket=…)."""
        answer = await self._post(
            "/v1.0/gateway/connections/open",
            {
                "clientId": self.client_id,
                "clientSecret": self._secret,
                "subscriptions": subscriptions,
                "ua": ua,
                "localIp": "",
            },
            token=False,
        )
        endpoint, ticket = answer.get("endpoint"), answer.get("ticket")
        if not endpoint or not ticket:
            raise DingTalkError("/v1.0/gateway/connections/open without endpoint or ticket")
        return str(httpx.URL(str(endpoint), params={"ticket": str(ticket)}))

    # ---- receiving files --------------------------------------------------------------

    async def download(self, download_code: str, limit: int = MAX_DOWNLOAD) -> bytes:
        """The content of a picture or file a person sent (by its downloadCode)."""
        answer = await self._post(
            "/v1.0/robot/messageFiles/download",
            {"downloadCode": download_code, "robotCode": self.robot_code},
        )
        url = answer.get("downloadUrl")
        if not url:
            raise DingTalkError("/v1.0/robot/messageFiles/download without a URL")
        chunks: list[bytes] = []
        size = 0
        try:
            async with self.http.stream("GET", str(url)) as response:
                if response.status_code >= 400:
                    raise DingTalkError("file download", response.status_code)
                declared = int(response.headers.get("content-length") or 0)
                if declared > limit:
                    raise TooLarge("file download", response.status_code, "too large")
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge("file download", response.status_code, "too large")
                    chunks.append(chunk)
        except httpx.HTTPError as error:
            raise DingTalkError(f"file download {type(error).__name__}") from None
        return b"".join(chunks)

    # ---- sending ----------------------------------------------------------------------

    async def webhook(self, url: str, body: dict[str, Any]) -> None:
        """A reply in the conversation through its sessionWebhook."""
        try:
            response = await self.http.post(url, json=body)
        except httpx.HTTPError as error:
            raise DingTalkError(f"sessionWebhook {type(error).__name__}") from None
        if response.status_code >= 400:
            raise DingTalkError("sessionWebhook", response.status_code)
        try:
            answer = response.json() if response.content else {}
        except ValueError:
            answer = {}
        if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
            raise DingTalkError("sessionWebhook", response.status_code, str(answer["errcode"]))

    async def batch_send(self, user_ids: list[str], key: str, param: dict[str, Any]) -> SendResult:
        """A robot message to people one to one (at most 20 staff ids per call)."""
        answer = await self._post(
            "/v1.0/robot/oToMessages/batchSend",
            {
                "robotCode": self.robot_code,
                "userIds": user_ids,
                "msgKey": key,
                "msgParam": json.dumps(param, ensure_ascii=False),
            },
        )
        return SendResult(
            invalid=[str(i) for i in answer.get("invalidStaffIdList") or []],
            flow_controlled=[str(i) for i in answer.get("flowControlledStaffIdList") or []],
        )

    async def send_card(
        self, template: str, out_track_id: str, params: dict[str, str], staff_id: str
    ) -> None:
        """An interactive card to one person, one to one: create the card instance
        (``/v1.0/card/instances``, its button presses come back on the stream), then deliver
        it into the robot chat (``/deliver``) — the two calls of the SDK's card_replier."""
        await self._post(
            "/v1.0/card/instances",
            {
                "cardTemplateId": template,
                "outTrackId": out_track_id,
                "cardData": {"cardParamMap": params},
                "callbackType": "STREAM",
                "imRobotOpenSpaceModel": {"supportForward": False},  # records stay private
            },
        )
        await self._post(
            "/v1.0/card/instances/deliver",
            {
                "outTrackId": out_track_id,
                "userIdType": 1,  # staff ids
                "openSpaceId": f"dtv1.card//IM_ROBOT.{staff_id}",
                "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": self.robot_code},
            },
        )

    async def upload(self, name: str, content: bytes, kind: str) -> str:
        """A media id for a file or picture to send (``kind``: file | image). Media upload
        lives only on the older API host (``DINGTALK_OAPI_URL``), with the token in the
        query string: the httpx logger stays at WARNING so that URL is never logged."""
        path = "/media/upload"
        token = await self.access_token()
        try:
            response = await self.http.post(
                self.oapi_url + path,
                params={"access_token": token, "type": kind},
                files={"media": (name, content)},
            )
            answer = response.json() if response.status_code < 400 else {}
        except (httpx.HTTPError, ValueError) as error:
            raise DingTalkError(f"{path} {type(error).__name__}") from None
        if response.status_code >= 400 or answer.get("errcode") not in (None, 0):
            raise DingTalkError(path, response.status_code, str(answer.get("errcode", "")))
        media = answer.get("media_id")
        if not media:
            raise DingTalkError(f"{path} without a media id")
        return str(media)
