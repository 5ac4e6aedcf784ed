#!/usr/bin/python3
"""A webhook receiver double: the CB's own system at the other end of a certcycle webhook
(README.md "Webhooks"), for the e2e tests (tests/support/cc_test_fake_webhook.c).

    /usr/bin/python3 tests/fakes/webhook_receiver.py --host 127.0.0.2 --port 0

Prints "listening HOST:PORT" as its first line on stdout once it accepts connections. Standard
library only; one thread per connection.

Every request outside /_fake/ is a delivery: the receiver records it (method, path, lowercase
headers, the body as text and parsed, the time) and, once it has been given the webhook's secret,
VERIFIES its Certcycle-Signature itself with Python's hmac, independently of certcycle's C code:

    t, v1 from "t=<unix seconds>,v1=<hex>"
    v1 == hmac.new(secret.encode(), (t + "." + body).encode(), hashlib.sha256).hexdigest()

Each recorded delivery carries "verified": true | false (null while no secret is known) and
"signature_error" saying why it failed. It then answers per its fault plan (default: 200 {}).

Control API (JSON in and out):
    POST /_fake/secret  {"secret": "whsec_..."}  the secret deliveries are verified with
    POST /_fake/faults  {"mode": "none" | "500" | "hang" | "drop", "count": N, "hang_ms": ms,
                         "status": code}
                        the plan for the next deliveries: "500" answers `status` (default 500),
                        "hang" answers nothing for hang_ms (default 5000) and then 200, "drop"
                        closes the connection in the middle of its answer; "count": how many
                        deliveries it applies to (default: all until changed), then "none".
    POST /_fake/faults  {"sequence": [plan, ...]}  one plan per delivery in turn, then "none"
    GET  /_fake/faults  the plan
    GET  /_fake/deliveries  every delivery received, oldest first: [{"n", "method", "path",
                        "headers", "body", "json", "verified", "signature_error", "fault",
                        "received_at"}]
    POST /_fake/reset   forgets the deliveries, the plan and the secret
"""

import argparse
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("none", "500", "hang", "drop")


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.deliveries = []
        self.secret = None
        self.plan = {"mode": "none"}

    def take_fault(self):
        """The fault the next delivery gets (and the plan's count used up)."""
        with self.lock:
            if "sequence" in self.plan:
                steps = self.plan["sequence"]
                plan = steps.pop(0) if steps else {"mode": "none"}
                if not steps:
                    self.plan = {"mode": "none"}
                return plan
            plan = dict(self.plan)
            if plan["mode"] == "none":
                return plan
            if "count" in self.plan:
                self.plan["count"] -= 1
                if self.plan["count"] <= 0:
                    self.plan = {"mode": "none"}
            return plan


def verify(secret, header, body):
    """(verified, why not) for a Certcycle-Signature header over body (bytes)."""
    if secret is None:
        return None, "no secret given to the receiver"
    if header is None:
        return False, "no Certcycle-Signature header"
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t, v1 = parts.get("t"), parts.get("v1")
    if t is None or v1 is None or not t.isdigit():
        return False, "malformed header"
    expected = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, v1):
        return False, "signature mismatch"
    if abs(time.time() - int(t)) > 300:
        return False, "timestamp more than 5 minutes away"
    return True, None


def check_plan(plan):
    if isinstance(plan, dict) and isinstance(plan.get("sequence"), list):
        return {"sequence": [check_plan(p) for p in plan["sequence"]]}
    if not isinstance(plan, dict) or plan.get("mode") not in MODES:
        raise ValueError("mode must be one of %s" % ", ".join(MODES))
    for key in ("count", "hang_ms", "status"):
        if key in plan and (not isinstance(plan[key], int) or plan[key] < 0):
            raise ValueError("%s must be a non-negative integer" % key)
    return plan


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def route(self, method):
        state = self.server.state
        body = self.read_body()
        if not self.path.startswith("/_fake/"):
            return self.delivery(method, body)
        if method == "GET" and self.path == "/_fake/deliveries":
            with state.lock:
                return self.send_json(200, list(state.deliveries))
        if method == "GET" and self.path == "/_fake/faults":
            with state.lock:
                return self.send_json(200, state.plan)
        if method == "POST" and self.path == "/_fake/reset":
            with state.lock:
                state.reset()
            return self.send_json(200, {})
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            return self.send_json(400, {"error": "the body is not JSON"})
        if method == "POST" and self.path == "/_fake/secret" and isinstance(doc.get("secret"), str):
            with state.lock:
                state.secret = doc["secret"]
            return self.send_json(200, {})
        if method == "POST" and self.path == "/_fake/faults":
            try:
                plan = check_plan(doc)
            except ValueError as e:
                return self.send_json(400, {"error": str(e)})
            with state.lock:
                state.plan = plan
            return self.send_json(200, plan)
        return self.send_json(404, {"error": "no such control call"})

    def delivery(self, method, body):
        state = self.server.state
        fault = state.take_fault()
        with state.lock:
            verified, why = verify(state.secret, self.headers.get("Certcycle-Signature"), body)
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            state.deliveries.append({
                "n": len(state.deliveries) + 1, "method": method, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"), "json": parsed, "verified": verified,
                "signature_error": why, "fault": fault["mode"], "received_at": time.time(),
            })
        mode = fault["mode"]
        if mode == "500":
            return self.send_json(fault.get("status", 500), {"error": "the receiver failed (fault plan)"})
        if mode == "hang":
            time.sleep(fault.get("hang_ms", 5000) / 1000.0)
        if mode == "drop":
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 64\r\n\r\n{\"rec")
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.close_connection = True
            return None
        try:
            return self.send_json(200, {"received": True})
        except OSError:  # the sender gave up (a hang past its timeout)
            self.close_connection = True
            return None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="webhook receiver double")
    ap.add_argument("--host", default="127.0.0.2")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = ap.parse_args()
    server = Server((args.host, args.port), Handler)
    server.state = State()
    host, port = server.server_address[:2]
    print("listening %s:%d" % (host, port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
