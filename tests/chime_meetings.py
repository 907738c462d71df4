"""The Chime SDK Meetings REST API in miniature, for the server's tests and the browser's: no
emulator of it exists (moto has none). boto3 reaches it through its own
``AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS``, which :func:`chime_endpoint` sets. The meetings it
makes carry Chime's MediaPlacement shape, on chime.aws hosts that no test can reach."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support import free_port

CODE = "ABCD2345"


def meeting(meeting_id: str = "m-1") -> dict[str, Any]:
    media = "m1.ue1.app.chime.aws"
    return {
        "MeetingId": meeting_id,
        "ExternalMeetingId": CODE,
        "MediaRegion": "us-east-1",
        "MediaPlacement": {
            "AudioHostUrl": f"0a1b2c3d.k.{media}:3478",
            "AudioFallbackUrl": f"wss://haxrp.{media}:443/calls/{meeting_id}",
            "SignalingUrl": f"wss://signal.{media}/control/{meeting_id}",
            "TurnControlUrl": "https://2713.cell.us-east-1.meetings.chime.aws/v2/turn_sessions",
            "ScreenDataUrl": f"wss://bitpw.{media}:443/v2/screen/{meeting_id}",
            "ScreenSharingUrl": f"wss://bitpw.{media}:443/v2/screen/{meeting_id}",
            "ScreenViewingUrl": f"wss://bitpw.{media}:443/ws/connect?passcode=null&viewer_uuid=null&X-BitHub-Call-Id={meeting_id}",
            "EventIngestionUrl": "https://data.svc.ue1.ingest.chime.aws/v1/client-events",
        },
    }


def attendee(user_id: str, attendee_id: str | None = None) -> dict[str, Any]:
    return {"ExternalUserId": user_id, "AttendeeId": attendee_id or f"a-{user_id}", "JoinToken": f"t-{user_id}"}


class MeetingsStandIn:
    """Meetings and attendees in memory; ``fail_with`` makes every call answer that error."""

    def __init__(self) -> None:
        self.meetings: dict[str, dict[str, Any]] = {}
        self.attendees: dict[str, dict[str, dict[str, Any]]] = {}
        self.deleted: list[str] = []
        self.fail_with: str | None = None
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict[str, Any] | None = None, error: str | None = None) -> None:
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("content-length") or 0)
                parsed: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                return parsed

            def do_POST(self) -> None:
                body = self._body()
                if stand_in.fail_with:
                    return self._answer(403, {"Message": "no"}, stand_in.fail_with)
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts == ["meetings"]:
                    meeting_id = str(uuid.uuid5(uuid.NAMESPACE_URL, body["ClientRequestToken"]))
                    found = stand_in.meetings.setdefault(
                        meeting_id, {**meeting(meeting_id), "ExternalMeetingId": body["ExternalMeetingId"]}
                    )
                    stand_in.attendees.setdefault(meeting_id, {})
                    return self._answer(200, {"Meeting": found})
                if len(parts) == 3 and parts[2] == "attendees":
                    if parts[1] not in stand_in.meetings:
                        return self._answer(404, {"Message": "gone"}, "NotFoundException")
                    user = body["ExternalUserId"]
                    made = stand_in.attendees[parts[1]].setdefault(user, attendee(user, uuid.uuid4().hex))
                    return self._answer(200, {"Attendee": made})
                return self._answer(404, {"Message": "?"}, "NotFoundException")

            def do_GET(self) -> None:
                parts = self.path.split("?")[0].strip("/").split("/")
                for found in stand_in.attendees.get(parts[1], {}).values():
                    if found["AttendeeId"] == parts[-1]:
                        return self._answer(200, {"Attendee": found})
                return self._answer(404, {"Message": "gone"}, "NotFoundException")

            def do_DELETE(self) -> None:
                meeting_id = self.path.strip("/").split("/")[1]
                stand_in.deleted.append(meeting_id)
                if stand_in.meetings.pop(meeting_id, None) is None:
                    return self._answer(404, {"Message": "gone"}, "NotFoundException")
                return self._answer(204)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


@contextlib.contextmanager
def chime_endpoint() -> Iterator[MeetingsStandIn]:
    """A stand-in, and the environment that points this process's boto3 at it (servers the
    test starts inside it make their Chime client there)."""
    stand_in = MeetingsStandIn()
    keys = ("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(
        AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS=stand_in.url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing"
    )
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
