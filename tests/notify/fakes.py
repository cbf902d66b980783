"""Fake Zalo and SMS gateway servers on loopback, for the channel tests.

One threaded http.server on 127.0.0.1 and an ephemeral port answers Zalo's token and ZNS send
endpoints and an SMS gateway's send endpoint, the way those providers answer (errors in the JSON
body with HTTP 200), and counts what it was asked to send."""

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

APP_ID, SECRET_KEY, SMS_KEY = "app-1", "secret-1", "sms-key-1"


class FakeProviders:
    def __init__(self):
        self.lock = threading.Lock()
        # Zalo
        self.access_tokens: set[str] = set()
        self.refresh_token = "rt-0"
        self.spent_refresh_tokens: set[str] = set()
        self.refreshes = 0
        self.refused_refreshes = 0
        self.refresh_delay = 0.0  # seconds, to let a second worker arrive while one refreshes
        self.expire_after_sends: int | None = None  # the access token dies after this many sends
        self.zns_sent: Counter = Counter()  # tracking_id -> sends
        self.not_on_zalo: set[str] = set()
        self.quota_left: int | None = None
        # SMS
        self.sms_sent: Counter = Counter()  # request_id -> messages actually sent
        self.sms_bodies: list[dict] = []
        self.sms_status = 200
        # When set, a message is counted as sent and then the answer waits for this event: the
        # moment a worker can be killed after the provider sent and before it heard back.
        self.hold: threading.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    # Zalo ---------------------------------------------------------------------------------
    def refresh(self, form: dict, headers) -> dict:
        time.sleep(self.refresh_delay)
        with self.lock:
            if headers.get("secret_key") != SECRET_KEY or form.get("app_id") != APP_ID:
                return {"error": -14002, "error_name": "Invalid app", "error_description": "app id or secret"}
            given = form.get("refresh_token")
            if given != self.refresh_token or form.get("grant_type") != "refresh_token":
                if given in self.spent_refresh_tokens:
                    self.refused_refreshes += 1
                return {"error": -14014, "error_name": "Invalid refresh token",
                        "error_description": "refresh token is invalid or already used"}
            self.refreshes += 1
            self.spent_refresh_tokens.add(given)
            self.refresh_token = f"rt-{self.refreshes}"
            access = f"at-{self.refreshes}"
            self.access_tokens = {access}
            return {"access_token": access, "refresh_token": self.refresh_token, "expires_in": "90000"}

    def zns(self, body: dict, headers) -> dict:
        with self.lock:
            if headers.get("access_token") not in self.access_tokens:
                return {"error": -124, "message": "Access token is invalid"}
            if body.get("template_id") != "tpl-1":
                return {"error": -109, "message": "Template ID is invalid"}
            if body.get("phone") in self.not_on_zalo:
                return {"error": -118, "message": "Zalo account not existed or inactive"}
            if self.quota_left is not None and self.quota_left <= 0:
                return {"error": -144, "message": "OA has exceeded the daily quota"}
            if self.quota_left is not None:
                self.quota_left -= 1
            self.zns_sent[body["tracking_id"]] += 1
            total = sum(self.zns_sent.values())
            if self.expire_after_sends is not None and total == self.expire_after_sends:
                self.access_tokens = set()  # expires in the middle of a batch
            return {"error": 0, "message": "Success",
                    "data": {"msg_id": f"zmsg-{total}", "sent_time": str(int(time.time() * 1000)),
                             "quota": {"remainingQuota": str(self.quota_left or 0)}}}

    # SMS ----------------------------------------------------------------------------------
    def sms(self, body: dict) -> tuple[int, dict]:
        with self.lock:
            self.sms_bodies.append(body)
            if self.sms_status != 200:
                return self.sms_status, {"code": "99", "message": "gateway error"}
            if body.get("api_key") != SMS_KEY:
                return 200, {"code": "30", "message": "API key invalid"}
            request_id = body["request_id"]
            if request_id in self.sms_sent:  # the gateway drops a request id it has seen today
                return 200, {"code": "01", "message": "Duplicate request id",
                             "message_id": f"sms-{request_id}"}
            self.sms_sent[request_id] += 1
            return 200, {"code": "00", "message": "Accepted", "message_id": f"sms-{request_id}"}

    # Server -------------------------------------------------------------------------------
    def start(self) -> "FakeProviders":
        providers = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5  # a stuck client does not hold a thread past the test

            def do_POST(self):  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = 200
                if self.path == "/v4/oa/access_token":
                    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                    answer = providers.refresh(form, self.headers)
                elif self.path == "/message/template":
                    answer = providers.zns(json.loads(raw), self.headers)
                elif self.path == "/sms/send":
                    status, answer = providers.sms(json.loads(raw))
                else:
                    status, answer = 404, {"error": 404}
                if providers.hold is not None and self.path in ("/message/template", "/sms/send"):
                    providers.hold.wait(15)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller was killed while waiting (the worker-killed test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=2)


# Zalo's webhook calls, signed as Zalo signs them (tests/notify/test_webhooks.py) -------------
OA_SECRET_KEY = "oa-secret-1"  # the OA secret key, not SECRET_KEY (the app's)


def zalo_signed(event: dict, *, secret: str = OA_SECRET_KEY) -> tuple[bytes, str]:
    """The body Zalo posts and its X-ZEvent-Signature: "mac=" + hex SHA-256 of app_id, the body as
    sent, the body's timestamp and the OA secret key."""
    import hashlib

    raw = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    signed = f"{event['app_id']}".encode() + raw + f"{event['timestamp']}".encode() + secret.encode()
    return raw, "mac=" + hashlib.sha256(signed).hexdigest()
