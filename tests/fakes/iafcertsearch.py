#!/usr/bin/python3
"""The IAF CertSearch double: a small HTTP server that speaks the registry's v1 contract
(DOMAIN.md "IAF CertSearch") for the tests and the benchmark, keeps the records it was sent so
that they can be compared with ours, and fails on request (tests/fakes/README.md).

    /usr/bin/python3 tests/fakes/iafcertsearch.py --host 127.0.0.2 --port 0 --api-key KEY \
        [--faults '{"mode": "500", "fraction": 0.2}'] [--seed N]

Prints "listening HOST:PORT" as its first line on stdout once it accepts connections. Standard
library only; HTTP/1.1 with keep-alive, one thread per connection, no per-request logging.
"""

import argparse
import datetime
import json
import math
import random
import re
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BASE = "/api/client/v1"
MAX_BULK = 100
MAX_LIMIT = 100
DEFAULT_LIMIT = 20

STATUSES = ("active", "suspended", "withdrawn", "expired", "cancelled", "inactive", "hidden")
ACCREDITATION = ("Accredited", "Unaccredited")
CERTIFICATION_TYPES = ("Management System",)
FAULT_MODES = ("none", "500", "429", "401", "403", "hang", "drop", "reject")

# The record's fields: name -> (mandatory, kind, max length). kind: text, date, bool, schemes, sites.
# Mandatory fields per DOMAIN.md; certificate_identity_number is required here too (assumed: the double
# keys its state by it, and certcycle always sends it).
FIELDS = {
    "certificate_number": (True, "text", 60),
    "certificate_identity_number": (True, "text", 60),
    "certification_status": (True, "text", None),
    "certificate_accreditation_status": (True, "text", None),
    "certification_type": (True, "text", None),
    "certification_scope": (False, "text", None),
    "certification_original_issue_date": (False, "date", None),
    "certification_issue_date": (True, "date", None),
    "certification_expiry_date": (True, "date", None),
    "certified_entity_name": (True, "text", None),
    "certified_entity_trading_name": (False, "text", None),
    "certified_entity_unique_id": (True, "text", 45),
    "certified_entity_street_address": (True, "text", None),
    "certified_entity_street_city": (True, "text", None),
    "certified_entity_state": (False, "text", None),
    "certified_entity_post_code": (False, "text", None),
    "certified_entity_country": (True, "text", None),
    "confidential_certified_entity": (False, "bool", None),
    "accreditation_body_name": (True, "text", None),
    "accreditation_body_acronym_name": (True, "text", None),
    "schemes": (True, "schemes", None),
    "sites": (False, "sites", None),
}
ENUMS = {
    "certification_status": STATUSES,
    "certificate_accreditation_status": ACCREDITATION,
    "certification_type": CERTIFICATION_TYPES,
}
SITE_FIELDS = ("street", "city", "state", "country", "postcode", "scope_description")
DATE_RE = re.compile(r"^[0-9]{8}$")


def err(code, message, field):
    return {"code": code, "message": message, "meta": {"field_name": field}}


def check_text(name, value, mandatory, max_len):
    if value is None:
        return [err("required", "%s is required" % name, name)] if mandatory else []
    if not isinstance(value, str):
        return [err("invalid_type", "%s must be a string" % name, name)]
    if mandatory and value.strip() == "":
        return [err("required", "%s is required" % name, name)]
    if max_len is not None and len(value) > max_len:
        return [err("too_long", "%s must be at most %d characters" % (name, max_len), name)]
    if name in ENUMS and value not in ENUMS[name]:
        return [err("invalid_value", "%s must be one of %s" % (name, ", ".join(ENUMS[name])), name)]
    return []


def check_date(name, value, mandatory):
    if value is None:
        return [err("required", "%s is required" % name, name)] if mandatory else []
    if not isinstance(value, str) or not DATE_RE.match(value):
        return [err("invalid_date", "%s must be a date as YYYYMMDD" % name, name)]
    try:
        datetime.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return [err("invalid_date", "%s is not a real date" % name, name)]
    return []


def check_schemes(value):
    if not isinstance(value, list) or not value:
        return [err("required" if value is None else "invalid_type",
                    "schemes must be a non-empty array", "schemes")]
    out = []
    for i, scheme in enumerate(value):
        at = "schemes[%d]" % i
        if not isinstance(scheme, dict):
            out.append(err("invalid_type", "%s must be an object" % at, at))
            continue
        for key in scheme:
            if key not in ("scheme_name", "standard_list"):
                out.append(err("unknown_field", "%s.%s is not a field" % (at, key), "%s.%s" % (at, key)))
        out += check_text(at + ".scheme_name", scheme.get("scheme_name"), True, None)
        standards = scheme.get("standard_list")
        if not isinstance(standards, list) or not standards:
            out.append(err("invalid_type", "%s.standard_list must be a non-empty array" % at,
                           at + ".standard_list"))
            continue
        for j, std in enumerate(standards):
            sat = "%s.standard_list[%d]" % (at, j)
            if not isinstance(std, dict):
                out.append(err("invalid_type", "%s must be an object" % sat, sat))
                continue
            for key in std:
                if key != "standards_name":
                    out.append(err("unknown_field", "%s.%s is not a field" % (sat, key), "%s.%s" % (sat, key)))
            out += check_text(sat + ".standards_name", std.get("standards_name"), True, None)
    return out


def check_sites(value):
    if value is None:
        return []
    if not isinstance(value, list):
        return [err("invalid_type", "sites must be an array", "sites")]
    out = []
    for i, site in enumerate(value):
        at = "sites[%d]" % i
        if not isinstance(site, dict):
            out.append(err("invalid_type", "%s must be an object" % at, at))
            continue
        for key, v in site.items():
            if key not in SITE_FIELDS:
                out.append(err("unknown_field", "%s.%s is not a field" % (at, key), "%s.%s" % (at, key)))
            elif v is not None and not isinstance(v, str):
                out.append(err("invalid_type", "%s.%s must be a string" % (at, key), "%s.%s" % (at, key)))
    return out


def validate(record):
    """The record's errors, [] when it is acceptable."""
    if not isinstance(record, dict):
        return [err("invalid_type", "a record must be an object", "record")]
    out = [err("unknown_field", "%s is not a field" % k, k) for k in record if k not in FIELDS]
    for name, (mandatory, kind, max_len) in FIELDS.items():
        value = record.get(name)
        if kind == "text":
            out += check_text(name, value, mandatory, max_len)
        elif kind == "date":
            out += check_date(name, value, mandatory)
        elif kind == "bool":
            if value is not None and not isinstance(value, bool):
                out.append(err("invalid_type", "%s must be a boolean" % name, name))
        elif kind == "schemes":
            out += check_schemes(value)
        elif kind == "sites":
            out += check_sites(value)
    return out


class Plan:
    """A fault plan (README.md): which failure, on how many calls, on what share of them."""

    def __init__(self, spec, rng):
        if not isinstance(spec, dict):
            raise ValueError("a fault plan is a JSON object")
        known = ("mode", "count", "fraction", "retry_after", "hang_ms", "numbers", "paths", "record_errors",
                 "page_cap", "omit_total")
        for key in spec:
            if key not in known:
                raise ValueError("unknown fault plan field: %s" % key)
        self.spec = dict(spec)
        self.mode = str(spec.get("mode", "none"))
        if self.mode not in FAULT_MODES:
            raise ValueError("unknown fault mode: %s" % self.mode)
        self.count = spec.get("count")
        if self.count is not None and (not isinstance(self.count, int) or self.count < 0):
            raise ValueError("count must be a non-negative integer")
        self.fraction = float(spec.get("fraction", 1.0))
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        self.retry_after = spec.get("retry_after", 1)
        self.hang_ms = int(spec.get("hang_ms", 10000))
        self.numbers = spec.get("numbers")
        if self.numbers is not None and not isinstance(self.numbers, list):
            raise ValueError("numbers must be an array of certificate numbers")
        self.paths = spec.get("paths")
        if self.paths is not None and not isinstance(self.paths, list):
            raise ValueError("paths must be an array of path fragments")
        self.record_errors = spec.get("record_errors", "list")
        if self.record_errors not in ("list", "object"):
            raise ValueError("record_errors must be list or object")
        # Listing quirks (not faults: every list call while the plan is in force, nothing counted).
        self.page_cap = spec.get("page_cap")
        if self.page_cap is not None and (not isinstance(self.page_cap, int) or self.page_cap < 1):
            raise ValueError("page_cap must be a positive integer")
        self.omit_total = bool(spec.get("omit_total", False))
        self.applied = 0
        self.rng = rng

    def describe(self):
        d = dict(self.spec)
        d["mode"] = self.mode
        d["applied"] = self.applied
        d["remaining"] = None if self.count is None else max(self.count - self.applied, 0)
        return d

    def rejected(self, records):
        """The indices of the records the reject mode names."""
        out = []
        for i, r in enumerate(records):
            if isinstance(r, dict) and (self.numbers is None or r.get("certificate_number") in self.numbers):
                out.append(i)
        return out

    def draw(self, path, records):
        """The mode to apply to this call (consuming one of count), or None. Called under the lock."""
        if self.mode == "none":
            return None
        if self.count is not None and self.applied >= self.count:
            return None
        if self.paths is not None and not any(p in path for p in self.paths):
            return None
        if self.mode == "reject" and (records is None or not self.rejected(records)):
            return None
        if self.fraction < 1.0 and self.rng.random() >= self.fraction:
            return None
        self.applied += 1
        return self.mode


class Registry:
    """The double's state: records by certificate_identity_number, the calls, the fault plan."""

    def __init__(self, api_key, seed):
        self.api_key = api_key
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.reset()

    def reset(self):
        self.records = {}  # identity -> record (with company_certifications_id); insertion order = list order
        self.by_id = {}  # company_certifications_id -> identity
        self.calls = []
        self.plan = Plan({"mode": "none"}, self.rng)

    def stats(self):
        """Counts only (the benchmark's view: /_fake/state of 100,000 records is 100 MB)."""
        statuses = {}
        for c in self.calls:
            statuses[str(c["status"])] = statuses.get(str(c["status"]), 0) + 1
        return {"records": len(self.records), "calls": len(self.calls),
                "faulted": sum(1 for c in self.calls if c["fault"] is not None),
                "records_received": sum(c["records"] for c in self.calls), "statuses": statuses}

    def store(self, record):
        """Inserts or updates (matched on certificate_identity_number); returns the company_certifications_id."""
        identity = record["certificate_identity_number"]
        old = self.records.get(identity)
        cid = old["company_certifications_id"] if old is not None else str(uuid.uuid4())
        stored = dict(record)
        stored["company_certifications_id"] = cid
        self.records[identity] = stored
        self.by_id[cid] = identity
        return cid


def problem(status, title, code, detail):
    """The RFC 9457-like error shape."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code}


def flat_error(code, message):
    """The {"error": true, "errors": {code, message}} shape."""
    return {"error": True, "errors": {"code": code, "message": message}}


def list_error(code, message):
    """The {"errors": [{code, message}]} shape."""
    return {"errors": [{"code": code, "message": message}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "iafcertsearch-double/1"
    # Without TCP_NODELAY a keep-alive client waits ~40 ms per call (Nagle against delayed ACKs).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # no per-request logging: it would slow the benchmark
        pass

    # ---- plumbing ----

    def send_json(self, status, body, headers=None):
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        return status

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def dispatch(self, method):
        url = urlsplit(self.path)
        raw = self.read_body()
        if url.path.startswith("/_fake/"):
            self.control(method, url.path, raw)
        else:
            self.registry(method, url, raw)

    # ---- the control API (never faulted, no key) ----

    def control(self, method, path, raw):
        reg = self.server.registry
        routes = {"/_fake/state": ("GET",), "/_fake/calls": ("GET",), "/_fake/stats": ("GET",),
                  "/_fake/faults": ("GET", "POST"), "/_fake/reset": ("POST",)}
        if path not in routes:
            return self.send_json(404, problem(404, "Not Found", "not_found", "no such control path"))
        if method not in routes[path]:
            return self.send_json(405, problem(405, "Method Not Allowed", "method_not_allowed", path))
        with reg.lock:
            if path == "/_fake/state":
                body = json.dumps(reg.records, separators=(",", ":"))
            elif path == "/_fake/calls":
                body = json.dumps(reg.calls, separators=(",", ":"))
            elif path == "/_fake/stats":
                body = json.dumps(reg.stats())
            elif path == "/_fake/reset":
                reg.reset()
                body = "{}"
            elif method == "GET":
                body = json.dumps(reg.plan.describe())
            else:
                try:
                    reg.plan = Plan(json.loads(raw or b"{}"), reg.rng)
                except ValueError as e:  # json.JSONDecodeError is one
                    return self.send_json(400, {"error": str(e)})
                body = json.dumps(reg.plan.describe())
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # ---- the registry ----

    def registry(self, method, url, raw):
        reg = self.server.registry
        # Recorded as it arrives (status 0 until answered), so that a call still hanging, or one whose
        # client gave up, is already listed, in arrival order.
        call = {"method": method, "path": self.path, "status": 0, "records": 0, "fault": None}
        with reg.lock:
            reg.calls.append(call)
        status = 0
        try:
            status = self.serve(reg, method, url, raw, call)
        finally:
            with reg.lock:
                call["status"] = status

    def serve(self, reg, method, url, raw, call):
        if url.path != BASE and not url.path.startswith(BASE + "/"):
            return self.send_json(404, problem(404, "Not Found", "not_found", "no such path"))
        if self.headers.get("x-http-authorization") != reg.api_key:
            return self.send_json(401, flat_error("invalid_session_token", "missing or invalid API key"))
        route = url.path[len(BASE):]
        body, records = None, None
        if method == "POST" and route in ("/cb/upload-cert", "/cb/bulk-upload-cert"):
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return self.send_json(400, flat_error("validation_error", {"body": "is not valid JSON"}))
            if route == "/cb/upload-cert":
                records = [body]
            elif isinstance(body, dict) and isinstance(body.get("certifications"), list):
                records = body["certifications"]
            items = [[r.get("certificate_identity_number"), r.get("certification_status")]
                     for r in records or [] if isinstance(r, dict)]
            with reg.lock:
                call["records"] = len(records) if records is not None else 0
                call["items"] = items
        with reg.lock:
            fault = reg.plan.draw(url.path, records)
            plan = reg.plan
            call["fault"] = fault
        if fault is not None and fault != "reject":
            return self.fail(fault, plan, reg, method, route, body, records, url)
        return self.route(reg, method, route, body, records, url, plan if fault == "reject" else None)

    def fail(self, fault, plan, reg, method, route, body, records, url):
        if fault == "500":
            return self.send_json(500, problem(500, "Internal Server Error", "internal_error", "injected"))
        if fault == "429":
            return self.send_json(429, list_error("too_many_requests", "slow down"),
                                  {"Retry-After": str(plan.retry_after)})
        if fault == "401":
            return self.send_json(401, flat_error("invalid_session_token", "the API key was revoked"))
        if fault == "403":
            return self.send_json(403, flat_error("forbidden", "this key may not publish"))
        if fault == "hang":  # answer nothing, store nothing, then close
            time.sleep(plan.hang_ms / 1000.0)
            self.close_connection = True
            return 0
        # drop: the call is carried out, then the answer is cut off inside its body
        status = self.route(reg, method, route, body, records, url, None, dropped=True)
        return status

    def route(self, reg, method, route, body, records, url, reject, dropped=False):
        handlers = {
            "/cb/upload-cert": {"POST": self.upload},
            "/cb/bulk-upload-cert": {"POST": self.bulk},
            "/cb/cert": {"GET": self.listing},
        }
        m = re.match(r"^/cb/cert/([^/]+)$", route)
        if m:
            table = {"GET": self.get_one, "DELETE": self.delete}
            arg = m.group(1)
        elif route in handlers:
            table = handlers[route]
            arg = None
        else:
            return self.send_json(404, problem(404, "Not Found", "not_found", "no such path"))
        if method not in table:
            return self.send_json(405, problem(405, "Method Not Allowed", "method_not_allowed",
                                               "%s is not allowed here" % method))
        status, answer = table[method](reg, body=body, records=records, url=url, arg=arg, reject=reject)
        if dropped:
            return self.drop(status, answer)
        return self.send_json(status, answer)

    def drop(self, status, answer):
        data = json.dumps(answer).encode()
        head = ("HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                % (status, len(data) + 64)).encode()
        try:
            self.wfile.write(head + data[: max(len(data) // 2, 1)])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True
        return status

    # ---- the endpoints: each returns (status, body) ----

    def upload(self, reg, body, records, reject, **_):
        errors = validate(body)
        if reject is not None and reject.rejected(records):
            errors = errors + [err("rejected", "the registry refused this certificate", "certificate_number")]
        if errors:
            # A single upload answers the {"error": true, ...} shape with one text per field.
            message = {}
            for e in errors:
                message.setdefault(e["meta"]["field_name"], e["message"])
            return 400, flat_error("validation_error", message)
        with reg.lock:
            cid = reg.store(body)
        return 200, {"data": True, "company_certifications_id": cid}

    def bulk(self, reg, body, records, reject, **_):
        if records is None:
            return 400, flat_error("validation_error", {"certifications": "must be an array of records"})
        if isinstance(body, dict) and set(body) != {"certifications"}:
            return 400, flat_error("validation_error", {"body": "only certifications is allowed"})
        if not records:
            return 422, flat_error("validation_error", {"certifications": "must hold at least one record"})
        if len(records) > MAX_BULK:
            return 422, flat_error("validation_error",
                                   {"certifications": "at most %d records per call" % MAX_BULK})
        named = set(reject.rejected(records)) if reject is not None else set()
        failed = []
        with reg.lock:
            for i, r in enumerate(records):
                errors = validate(r)
                if i in named:
                    errors.append(err("rejected", "the registry refused this certificate", "certificate_number"))
                if errors:
                    failed.append({"record_index": i, "errors": errors})
                else:
                    reg.store(r)
        if not failed:
            return 200, {"data": {"success": True}}
        shape = reject.record_errors if reject is not None else self.server.record_errors
        if shape == "object" and len(failed) == 1:
            return 422, {"data": {"errors": failed[0]}}
        return 422, {"data": {"errors": failed}}

    def get_one(self, reg, arg, **_):
        with reg.lock:
            identity = reg.by_id.get(arg)
            record = reg.records.get(identity) if identity is not None else None
            record = dict(record) if record is not None else None
        if record is None:
            return 404, flat_error("not_found", "no certification %s" % arg)
        return 200, {"data": record}

    def listing(self, reg, url, **_):
        q = parse_qs(url.query)
        try:
            limit = int(q.get("limit", [DEFAULT_LIMIT])[0])
            offset = int(q.get("offset", [0])[0])
        except ValueError:
            return 400, flat_error("validation_error", {"limit": "limit and offset must be integers"})
        if limit < 1 or limit > MAX_LIMIT:
            return 400, flat_error("validation_error", {"limit": "must be between 1 and %d" % MAX_LIMIT})
        if offset < 0:
            return 400, flat_error("validation_error", {"offset": "must not be negative"})
        with reg.lock:
            total = len(reg.records)
            if reg.plan.page_cap is not None:
                limit = min(limit, reg.plan.page_cap)
            page = [dict(r) for r in list(reg.records.values())[offset:offset + limit]]
            omit_total = reg.plan.omit_total
        meta = {"total_rows": total, "total_pages": math.ceil(total / limit), "limit": limit, "offset": offset}
        if omit_total:
            del meta["total_rows"], meta["total_pages"]
        return 200, {"data": page, "meta": meta}

    def delete(self, reg, arg, **_):
        with reg.lock:
            identity = reg.by_id.pop(arg, None)
            if identity is not None:
                reg.records.pop(identity, None)
        if identity is None:
            return 404, list_error("not_found", "no certification %s" % arg)
        return 200, {"data": 1}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    ap = argparse.ArgumentParser(description="IAF CertSearch double (tests/fakes/README.md)")
    ap.add_argument("--host", default="127.0.0.2")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--api-key", required=True)
    ap.add_argument("--faults", default=None, help="an initial fault plan (JSON)")
    ap.add_argument("--record-errors", choices=("list", "object"), default="list",
                    help="a lone per-record error of a bulk upload as a list (default) or one object")
    ap.add_argument("--seed", type=int, default=None, help="seed of the fraction draws")
    args = ap.parse_args()
    registry = Registry(args.api_key, args.seed)
    if args.faults:
        try:
            registry.plan = Plan(json.loads(args.faults), registry.rng)
        except ValueError as e:
            sys.exit("iafcertsearch: --faults: %s" % e)
    server = Server((args.host, args.port), Handler)
    server.registry = registry
    server.record_errors = args.record_errors
    host, port = server.server_address[:2]
    print("listening %s:%d" % (host, port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
