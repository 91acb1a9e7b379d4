"""Security behaviour of lando modules as Lambda calls them.

    python3 test_gateway_security.py --httpbin .../libhttpbin.so \\
        --todo .../libtodo.so [unittest options]

Through examples/httpbin (CORS for any origin, with credentials) and
examples/todo (CORS for one origin, an API key), with real event shapes:

- CORS never grants an origin that is not allowed and never sends "*"
  with credentials;
- the module's log lines (standard output) and its EventError messages
  never carry the values of Authorization, Proxy-Authorization, Cookie,
  Set-Cookie or X-Api-Key, nor a cookies array;
- error bodies carry no internal detail;
- no response header ever holds CR or LF, whatever the request carried.
"""

import argparse
import base64
import copy
import importlib.machinery
import importlib.util
import json
import os
import sys
import tempfile
import unittest

TODO_KEY = "security-test-key"
TODO_ORIGIN = "https://todo.example.com"

MODULES = {}
LOG_PATH = None

V2 = {
    "version": "2.0", "routeKey": "$default", "rawPath": "/anything",
    "rawQueryString": "", "headers": {"host": "api.example.com"},
    "requestContext": {
        "accountId": "123456789012", "apiId": "api", "stage": "$default",
        "requestId": "req-1", "domainName": "api.example.com",
        "http": {"method": "GET", "path": "/anything",
                 "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7",
                 "userAgent": "agent"}},
    "isBase64Encoded": False,
}
V1 = {
    "resource": "/{proxy+}", "path": "/anything", "httpMethod": "GET",
    "headers": {"Host": "api.example.com"},
    "multiValueHeaders": {"Host": ["api.example.com"]},
    "queryStringParameters": None, "body": None, "isBase64Encoded": False,
    "requestContext": {"requestId": "req-2", "stage": "prod",
                       "identity": {"sourceIp": "203.0.113.8"}},
}
ALB = {
    "requestContext": {"elb": {"targetGroupArn": "arn:tg"}},
    "httpMethod": "GET", "path": "/anything",
    "headers": {"host": "alb.example.com"}, "body": "",
    "isBase64Encoded": False,
}
LATTICE = {
    "version": "2.0", "path": "/anything", "method": "GET",
    "headers": {"host": ["svc.example.com"]}, "body": "",
    "isBase64Encoded": False, "requestContext": {"region": "us-east-1"},
}


class Context:
    function_name = "sec"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:1:function:sec"
    memory_limit_in_mb = "128"
    aws_request_id = "sec-0000"
    log_group_name = "/aws/lambda/sec"
    log_stream_name = "sec"

    def get_remaining_time_in_millis(self):
        return 30000


def load_module(path):
    name = os.path.basename(path).split(".")[0]
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def event(shape, method="GET", path="/anything", headers=(), body=None,
          b64=False):
    e = copy.deepcopy(shape)
    if "rawPath" in e:
        e["rawPath"] = path
        e["requestContext"]["http"]["method"] = method
        e["requestContext"]["http"]["path"] = path
    elif "httpMethod" in e:
        e["httpMethod"] = method
        e["path"] = path
    else:
        e["method"] = method
        e["path"] = path
    multi = any(isinstance(v, list) for v in e["headers"].values())
    for name, value in headers:
        e["headers"][name] = [value] if multi else value
        if isinstance(e.get("multiValueHeaders"), dict):
            e["multiValueHeaders"][name] = [value]
    e["body"] = body
    e["isBase64Encoded"] = b64
    return e


def call(app, ev):
    return MODULES[app].handler(ev, Context())


def response_headers(res):
    """{lower-case name: [values]} from every header field."""
    out = {}
    for k, v in (res.get("headers") or {}).items():
        out.setdefault(k.lower(), []).append(v)
    for k, vs in (res.get("multiValueHeaders") or {}).items():
        for v in vs:
            out.setdefault(k.lower(), []).append(v)
    for c in res.get("cookies") or ():
        out.setdefault("set-cookie", []).append(c)
    return out


def acao(res):
    values = response_headers(res).get("access-control-allow-origin", [])
    assert len(set(values)) <= 1, values
    return values[0] if values else None


SHAPES = (("v2", V2), ("v1", V1), ("alb", ALB), ("lattice", LATTICE))

HOSTILE_ORIGINS = (
    "null", "", "*", "https://", "not an origin", "https://a.com/path",
    "https://a.com, https://b.com", " https://a.com",
    "https://a.com\r\nSet-Cookie: x=1", "javascript:alert(1)",
    "https://user@a.com", "file://", "https://a.com:99999x",
)


class CorsTest(unittest.TestCase):

    def test_httpbin_echoes_well_formed_origins_and_never_a_star(self):
        for shape_name, shape in SHAPES:
            for origin in ("https://app.example.com",
                           "http://localhost:8000", "https://A.example"):
                for method, extra in (("GET", ()), ("OPTIONS", (
                        ("Access-Control-Request-Method", "PUT"),))):
                    with self.subTest(shape=shape_name, origin=origin,
                                      method=method):
                        res = call("httpbin", event(
                            shape, method, headers=(("Origin", origin),)
                            + extra))
                        self.assertEqual(acao(res), origin)
                        self.assertEqual(response_headers(res).get(
                            "access-control-allow-credentials"), ["true"])

    def test_httpbin_grants_nothing_to_malformed_origins(self):
        for shape_name, shape in SHAPES:
            for origin in HOSTILE_ORIGINS:
                for method, extra in (("GET", ()), ("OPTIONS", (
                        ("Access-Control-Request-Method", "GET"),))):
                    with self.subTest(shape=shape_name, origin=origin,
                                      method=method):
                        res = call("httpbin", event(
                            shape, method, headers=(("Origin", origin),)
                            + extra))
                        self.assertIsNone(acao(res))
                        self.assertNotIn("access-control-allow-credentials",
                                         response_headers(res))

    def test_todo_grants_only_its_origin(self):
        others = ("https://evil.example.com", "https://todo.example.com.evil",
                  "http://todo.example.com", "https://todo.example.com:444",
                  "https://xtodo.example.com") + HOSTILE_ORIGINS
        for shape_name, shape in SHAPES:
            res = call("todo", event(shape, "GET", "/health",
                                     (("Origin", TODO_ORIGIN),)))
            self.assertEqual(acao(res), TODO_ORIGIN)
            for origin in others:
                for method, path, extra in (
                        ("GET", "/health", ()),
                        ("OPTIONS", "/v1/todos", (
                            ("Access-Control-Request-Method", "POST"),
                            ("Access-Control-Request-Headers",
                             "x-api-key")))):
                    with self.subTest(shape=shape_name, origin=origin,
                                      method=method):
                        res = call("todo", event(
                            shape, method, path,
                            (("Origin", origin),) + extra))
                        self.assertIsNone(acao(res))
                        hs = response_headers(res)
                        self.assertNotIn("access-control-allow-methods", hs)
                        self.assertNotIn("access-control-allow-headers", hs)


SECRETS = {
    "Authorization": "Bearer s3cret-auth-1f2e",
    "Proxy-Authorization": "Basic s3cret-proxy-3d4c",
    "Cookie": "session=s3cret-cookie-5b6a",
    "Set-Cookie": "sid=s3cret-setcookie-7980",
    "X-Api-Key": "s3cret-apikey-a1b2",
}


class LogTest(unittest.TestCase):

    def read_log(self):
        sys.stdout.flush()
        with open(LOG_PATH, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def test_secret_header_values_reach_no_log_line(self):
        before = len(self.read_log())
        cases = []
        for _name, shape in SHAPES:
            for name, value in SECRETS.items():
                for cased in (name, name.lower(), name.upper()):
                    hdrs = ((cased, value), ("User-Agent", "sec-agent"))
                    cases += [
                        ("httpbin", event(shape, headers=hdrs)),
                        ("httpbin", event(shape, path="/nowhere",
                                          headers=hdrs)),
                        ("httpbin", event(shape, "POST", headers=hdrs,
                                          body="*bad*", b64=True)),
                        ("todo", event(shape, "POST", "/v1/todos",
                                       hdrs + (("Content-Type",
                                                "application/json"),),
                                       body="{")),
                    ]
        v2 = event(V2, headers=(("User-Agent", "sec-agent"),))
        v2["cookies"] = ["session=s3cret-cookie-array-c3d4", "b=2"]
        cases.append(("httpbin", v2))
        # A malformed event is logged by the gateway itself.
        bad = event(V2, headers=tuple(SECRETS.items()))
        bad["cookies"] = 5
        cases.append(("httpbin", bad))
        for app, ev in cases:
            call(app, ev)
        log = self.read_log()[before:]
        self.assertIn("sec-agent", log)  # the lines are there
        for line in log.splitlines():
            self.assertNotIn("s3cret", line,
                             "a secret reached the log: %s" % line[:300])

    def test_event_errors_name_no_secret_values(self):
        for name, value in SECRETS.items():
            ev = {"headers": {name: value}, name: value,
                  "requestContext": {"connectionId": value,
                                     "eventType": "MESSAGE"}}
            with self.assertRaises(MODULES["httpbin"].EventError) as cm:
                call("httpbin", ev)
            self.assertNotIn(value, str(cm.exception))


class ErrorBodyTest(unittest.TestCase):

    def check_error(self, res, status):
        self.assertEqual(res["statusCode"], status)
        body = res["body"]
        if res.get("isBase64Encoded"):
            body = base64.b64decode(body).decode()
        doc = json.loads(body)
        err = doc["error"]
        self.assertEqual(err["status"], status)
        self.assertNotIn("detail", err)
        for word in (".c:", "errno", "Traceback", "0x7f", "jansson",
                     "PyObject"):
            self.assertNotIn(word, body)
        return err

    def test_client_errors_carry_no_internal_detail(self):
        for shape_name, shape in SHAPES:
            with self.subTest(shape=shape_name):
                self.check_error(call("httpbin", event(
                    shape, path="/nowhere")), 404)
                self.check_error(call("httpbin", event(
                    shape, "POST", body="*x*", b64=True)), 400)
                self.check_error(call("httpbin", event(
                    shape, "POST", body="x" * (7 * 1024 * 1024))), 413)
                self.check_error(call("todo", event(
                    shape, "POST", "/v1/todos",
                    (("X-Api-Key", TODO_KEY),
                     ("Content-Type", "application/json")), "{")), 400)
                self.check_error(call("todo", event(
                    shape, "POST", "/v1/todos",
                    (("X-Api-Key", TODO_KEY),
                     ("Content-Type", "text/plain")), "{}")), 415)
                bad = event(shape)
                bad["headers"] = {"x": 5}
                bad.pop("multiValueHeaders", None)
                err = self.check_error(call("httpbin", bad), 400)
                self.assertNotIn("5", err["message"].replace("400", ""))


class HeaderSplittingTest(unittest.TestCase):

    def test_no_response_header_holds_cr_or_lf(self):
        nasty = "a\r\nSet-Cookie: injected=1\r\n\r\n<html>"
        for shape_name, shape in SHAPES:
            evs = [
                ("httpbin", event(shape, headers=(("Origin", nasty),))),
                ("httpbin", event(shape, "OPTIONS", headers=(
                    ("Origin", "https://a.example"),
                    ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Headers", nasty)))),
                ("httpbin", event(shape, path="/anything/" + nasty)),
                ("httpbin", event(shape, headers=(("X-Echo", nasty),
                                                  ("Accept-Encoding",
                                                   nasty)))),
                ("todo", event(shape, "OPTIONS", "/v1/todos", (
                    ("Origin", TODO_ORIGIN),
                    ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", nasty)))),
            ]
            for app, ev in evs:
                with self.subTest(shape=shape_name, app=app):
                    res = call(app, ev)
                    for name, values in response_headers(res).items():
                        for v in values:
                            self.assertNotRegex(name + v, "[\r\n\0]")
                            self.assertNotIn("injected", v)


def main():
    global LOG_PATH
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--httpbin", required=True)
    p.add_argument("--todo", required=True)
    args, rest = p.parse_known_args()

    os.environ["AWS_LAMBDA_LOG_LEVEL"] = "DEBUG"
    os.environ["TODO_API_KEY"] = TODO_KEY
    os.environ["TODO_ALLOWED_ORIGIN"] = TODO_ORIGIN
    fd, LOG_PATH = tempfile.mkstemp(prefix="lando-security-", suffix=".log")
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(fd, 1)
    os.close(fd)
    try:
        MODULES["httpbin"] = load_module(args.httpbin)
        MODULES["todo"] = load_module(args.todo)
        prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False,
                             verbosity=1)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.unlink(LOG_PATH)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
