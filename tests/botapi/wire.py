"""The wire format: decoding PTB's requests and the shapes of calls and error answers.

What PTB sends (python-telegram-bot 22, ``HTTPXRequest``):

* ``POST {base_url}{token}/{method}``; ``base_url`` is ``http://127.0.0.1:PORT/bot``.
* Without files the body is ``application/x-www-form-urlencoded``. Every value is a *string*:
  ``str`` parameters are sent as they are, everything else (ints, bools, lists, dicts such as
  ``reply_markup``) as JSON. So ``text="123"`` and ``chat_id=123`` both arrive as ``"123"``;
  the stand-in decodes by parameter name (see :func:`decode_param`).
* With files the body is ``multipart/form-data``: the same string fields plus one part per
  file, named after the parameter (``photo``, ``document``) or, for media groups, after a
  random ``attach://`` name. Filenames are raw UTF-8 with ``"`` sent as ``%22``.
* ``reply_to_message_id=...`` is sent as ``reply_parameters={"message_id": ...}``.
* Downloads are ``GET {base_file_url}{token}/{file_path}``: ``Bot.get_file`` prefixes the
  ``file_path`` from ``getFile`` with ``base_file_url + token + "/"`` -- unless ``file_path``
  names an existing local file, in which case PTB copies that file instead.
* The HTTP status code, not the JSON ``error_code``, decides the exception: 400 BadRequest,
  403 Forbidden, 404/401 InvalidToken (!), 409 Conflict; any response whose
  ``parameters.retry_after`` is set raises RetryAfter. PTB drops a leading "Bad Request: " and
  then ``str.capitalize()``s the rest, so match BadRequest messages case-insensitively.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

JSONDict = dict[str, Any]


class APIError(Exception):
    """An error answer of the Bot API; ``code`` is also the HTTP status."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        out: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad(description: str) -> APIError:
    """A 400 "Bad Request: ..." answer."""
    return APIError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as PTB uploaded it."""

    name: str  # the multipart part name: the parameter, or an attach:// name
    filename: str
    content: bytes = field(repr=False)
    mime_type: str = "application/octet-stream"

    @property
    def size(self) -> int:
        return len(self.content)


class _CallBase(NamedTuple):
    method: str
    params: JSONDict


class Call(_CallBase):
    """One API call: a ``(method, params)`` tuple with more details as attributes.

    ``params`` holds the decoded values (see :func:`decode_param`); uploaded files appear
    under their part name as :class:`UploadedFile`. Extra attributes: ``raw`` (the strings as
    received), ``files``, ``status`` (HTTP status, 0 for a dropped connection), ``response``
    (the JSON answer), ``at`` (``time.monotonic()`` when answered).
    """

    raw: dict[str, str]
    files: dict[str, UploadedFile]
    status: int
    response: JSONDict
    at: float

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


@dataclass(frozen=True)
class Failure:
    """An injected answer: an error, or (``disconnect``) hanging up without one."""

    error_code: int
    description: str
    retry_after: float | None
    disconnect: bool = False


# Parameters whose values are strings: PTB sends them unencoded, so "123" or "true" must
# not be JSON-decoded. Keys ending in "_id" are strings too unless listed in _INT_ID_FIELDS.
# fmt: off
_STRING_FIELDS = frozenset([
    "text", "caption", "parse_mode", "action", "url", "query", "data", "next_offset",
    "switch_pm_text", "switch_pm_parameter", "secret_token", "ip_address", "language_code",
    "emoji", "title", "description", "short_description", "name", "photo", "document", "video",
    "audio", "voice", "animation", "sticker", "thumbnail", "video_note", "certificate",
    "question", "explanation", "explanation_parse_mode", "question_parse_mode",
    "text_parse_mode", "message_text", "performer", "address", "foursquare_type",
    "google_place_type", "vcard", "phone_number", "first_name", "last_name", "payload",
    "currency", "provider_token", "start_parameter", "prefix", "error_message", "format",
    "cover",
])
_INT_ID_FIELDS = frozenset([
    "chat_id", "user_id", "message_id", "from_chat_id", "message_thread_id",
    "reply_to_message_id", "sender_chat_id", "direct_messages_topic_id",
])
# fmt: on


def decode_param(key: str, raw: str) -> Any:
    """Decode one form value the way PTB encoded it (JSON for non-strings)."""
    if key in _STRING_FIELDS or (key.endswith("_id") and key not in _INT_ID_FIELDS):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


_FORM_PARAM_RE = re.compile(r';\s*([\w*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')
_FORM_UNESCAPE_RE = re.compile(r"%(22|[01][0-9A-Fa-f])|\\\\")


def _form_unescape(value: str) -> str:
    # httpx writes '"' as %22, '\' as '\\' and control characters as %XX.
    def repl(m: re.Match[str]) -> str:
        return chr(int(m.group(1), 16)) if m.group(1) else "\\"

    return _FORM_UNESCAPE_RE.sub(repl, value)


def _header_params(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _FORM_PARAM_RE.finditer(value):
        out[m.group(1).lower()] = (
            _form_unescape(m.group(2)) if m.group(2) is not None else m.group(3) or ""
        )
    return out


def _parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    boundary = _header_params(content_type).get("boundary")
    if not boundary:
        raise bad("multipart boundary is missing")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in (b"\r\n" + body).split(b"\r\n--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            continue
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", ""))
        part = disposition.get("name")
        if part is None:
            continue
        if "filename" in disposition:
            mime = headers.get("content-type", "application/octet-stream")
            files[part] = UploadedFile(part, disposition["filename"], content, mime)
        else:
            fields[part] = content.decode("utf-8")
    return fields, files


def read_request(
    query: str, content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, UploadedFile], JSONDict]:
    """The parameters of a request: (raw strings, uploaded files, decoded values)."""
    raw: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    decoded: JSONDict = {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        fields, files = _parse_multipart(body, content_type)
        raw.update(fields)
    elif kind == "application/json" and body:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise bad("can't parse JSON object") from exc
        for key, value in data.items():
            raw[key] = value if isinstance(value, str) else json.dumps(value)
            decoded[key] = value
    elif body:
        raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    params: JSONDict = {key: decode_param(key, value) for key, value in raw.items()}
    params.update(decoded)
    params.update(files)
    return raw, files, params


def json_answer(status: int, payload: JSONDict) -> tuple[int, str, bytes]:
    """An HTTP answer (status, content type, body) carrying ``payload`` as JSON."""
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode()
