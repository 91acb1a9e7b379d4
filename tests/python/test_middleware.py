"""lando's standard middleware end to end, through examples/httpbin and
the Lambda runtime's calling convention: CORS (any origin, with
credentials), the logging line on standard output, base64 bodies, the
JSON error bodies of error_map, and gzip compression.
"""

import base64
import gzip
import json
import os
import subprocess
import sys
import unittest
import zlib

import events
import gateway_support as gs

httpbin = gs.load("libhttpbin")

SITE = "https://app.example.com"

SECRETS = {
    "Authorization": "Bearer tok-SECRET-authorization-7f3a",
    "Cookie": "session=SECRET-cookie-91bd; theme=dark",
    "X-Api-Key": "SECRET-api-key-c0ffee",
    "Proxy-Authorization": "Basic SECRET-proxy-5e5e",
}
# Parts of the values that must never be seen, however they are quoted.
SECRET_MARKS = ("tok-SECRET-authorization-7f3a", "SECRET-cookie-91bd",
                "SECRET-api-key-c0ffee", "SECRET-proxy-5e5e")


def call(test, kind, path, method="GET", context=None, **kw):
    result = gs.invoke(httpbin, gs.build_event(kind, path, method, **kw),
                       context)
    gs.check_shape(test, result, kind)
    return gs.Answer(result)


def raw_call(test, kind, path, method="GET", **kw):
    result = gs.invoke(httpbin, gs.build_event(kind, path, method, **kw),
                       None)
    gs.check_shape(test, result, kind)
    return result


def items(value):
    """The items of a comma-separated header value, as a set."""
    return {v.strip() for v in (value or "").split(",") if v.strip()}


def preflight(test, path, method, origin=SITE, asked_headers=None,
              kind="v2"):
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if asked_headers:
        headers["Access-Control-Request-Headers"] = asked_headers
    return call(test, kind, path, "OPTIONS", headers=headers)


class CorsTest(unittest.TestCase):

    def test_simple_requests_echo_the_origin_with_credentials(self):
        for kind in ("v1", "v2", "url", "alb", "alb-multi"):
            with self.subTest(kind):
                answer = call(self, kind, "/get", headers={"Origin": SITE})
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.headers["access-control-allow-origin"],
                                 [SITE])
                self.assertEqual(
                    answer.header("access-control-allow-credentials"),
                    "true")
                self.assertIn("Origin", items(answer.header("vary")))

    def test_the_allowed_origin_is_never_a_star(self):
        for origin in ("http://localhost:3000", "https://a.b.example.org",
                       "https://[::1]:8443"):
            with self.subTest(origin):
                answer = call(self, "v1", "/ip", headers={"Origin": origin})
                self.assertEqual(
                    answer.header("access-control-allow-origin"), origin)

    def test_without_origin_only_vary_is_added(self):
        for kind in ("v1", "v2", "alb"):
            with self.subTest(kind):
                answer = call(self, kind, "/get")
                self.assertEqual(answer.status, 200)
                self.assertIn("Origin", items(answer.header("vary")))
                for name in answer.headers:
                    self.assertFalse(name.startswith("access-control-"),
                                     name)

    def test_malformed_origins_get_no_cors_headers_but_an_answer(self):
        for origin in ("null", "not a url", "https://a.example.com/path",
                       "https://a.example.com, https://b.example.com",
                       "*"):
            with self.subTest(origin):
                answer = call(self, "v2", "/get", headers={"Origin": origin})
                self.assertEqual(answer.status, 200)
                self.assertNotIn("access-control-allow-origin",
                                 answer.headers)
                self.assertIn("Origin", items(answer.header("vary")))

    def test_error_answers_carry_cors_headers_too(self):
        for path, method, status in (("/nope", "GET", 404),
                                     ("/get", "DELETE", 405),
                                     ("/status/abc", "GET", 400),
                                     ("/status/503", "GET", 503)):
            with self.subTest(path=path, method=method):
                answer = call(self, "v1", path, method,
                              headers={"Origin": SITE})
                self.assertEqual(answer.status, status)
                self.assertEqual(
                    answer.header("access-control-allow-origin"), SITE)
                self.assertEqual(
                    answer.header("access-control-allow-credentials"),
                    "true")

    def test_preflight_offers_the_methods_of_that_path_only(self):
        for path, method, offered in (
                ("/post", "POST", {"POST", "OPTIONS"}),
                ("/put", "PUT", {"PUT", "OPTIONS"}),
                ("/get", "GET", {"GET", "HEAD", "OPTIONS"}),
                ("/response-headers", "POST",
                 {"GET", "HEAD", "OPTIONS", "POST"})):
            for kind in ("v1", "v2", "alb"):
                with self.subTest(path=path, kind=kind):
                    answer = preflight(self, path, method,
                                       asked_headers="Content-Type",
                                       kind=kind)
                    self.assertEqual(answer.status, 204)
                    self.assertEqual(answer.body, b"")
                    self.assertEqual(
                        answer.header("access-control-allow-origin"), SITE)
                    self.assertEqual(
                        answer.header("access-control-allow-credentials"),
                        "true")
                    self.assertEqual(
                        items(answer.header("access-control-allow-methods")),
                        offered)
                    self.assertIn("content-type", {
                        h.lower() for h in items(answer.header(
                            "access-control-allow-headers"))})
                    self.assertEqual(answer.header("access-control-max-age"),
                                     "600")
                    self.assertIn("Origin", items(answer.header("vary")))

    def test_preflight_for_an_any_route_lists_every_method(self):
        answer = preflight(self, "/anything/x", "PUT")
        offered = items(answer.header("access-control-allow-methods"))
        self.assertTrue({"GET", "POST", "PUT", "DELETE"} <= offered, offered)

    def test_preflight_for_a_method_not_served_allows_nothing(self):
        answer = preflight(self, "/get", "DELETE")
        self.assertEqual(answer.status, 204)
        self.assertNotIn("access-control-allow-origin", answer.headers)
        self.assertNotIn("access-control-allow-methods", answer.headers)

    def test_preflight_for_a_header_not_allowed_allows_nothing(self):
        answer = preflight(self, "/post", "POST", asked_headers="X-Custom")
        self.assertEqual(answer.status, 204)
        self.assertNotIn("access-control-allow-origin", answer.headers)

    def test_preflight_for_an_unknown_path_is_404(self):
        answer = preflight(self, "/nope", "GET")
        self.assertEqual(answer.status, 404)
        self.assertEqual(answer.json()["error"]["code"], "not_found")
        # A failed preflight allows nothing: the browser stops there.
        self.assertNotIn("access-control-allow-methods", answer.headers)

    def test_options_without_origin_is_the_routers_answer(self):
        answer = call(self, "v2", "/post", "OPTIONS")
        self.assertEqual(answer.status, 204)
        self.assertEqual(items(answer.header("allow")), {"POST", "OPTIONS"})
        self.assertNotIn("access-control-allow-methods", answer.headers)


class LoggingTest(unittest.TestCase):

    def logged(self, event, context=None):
        """The answer and the JSON lines written to fd 1 meanwhile."""
        with gs.fd1_output() as lines:
            result = gs.invoke(httpbin, event, context)
        return gs.Answer(result), lines

    def test_one_json_line_with_the_request_id_of_the_context(self):
        context = gs.LambdaContext(request_id="9f1c2e3d-4b5a-6978-8899-"
                                              "aabbccddeeff")
        event = gs.build_event("v1", "/get", query=[("q", "1")],
                               headers={"User-Agent": "probe/2"})
        answer, lines = self.logged(event, context)
        self.assertEqual(answer.status, 200)
        self.assertEqual(len(lines), 1, lines)
        line = json.loads(lines[0])
        self.assertEqual(line["requestId"], context.aws_request_id)
        self.assertEqual(line["level"], "INFO")
        self.assertEqual(line["method"], "GET")
        self.assertEqual(line["path"], "/get")
        self.assertEqual(line["route"], "/get")
        self.assertEqual(line["status"], 200)
        self.assertEqual(line["source"], "rest")
        self.assertEqual(line["userAgent"], "probe/2")
        self.assertEqual(line["sourceIp"], "198.51.100.7")
        self.assertIsInstance(line["durationMs"], (int, float))
        self.assertIsInstance(line["coldStart"], bool)
        self.assertRegex(line["timestamp"], r"^\d{4}-\d\d-\d\dT")
        self.assertNotIn("q=1", lines[0])  # no query string

    def test_without_a_context_the_event_request_id_is_used(self):
        for kind, expected in (("v1", "rest-request-id"),
                               ("v2", "http-request-id")):
            with self.subTest(kind):
                event = gs.build_event(kind, "/ip")
                _answer, lines = self.logged(event, None)
                self.assertEqual(json.loads(lines[0])["requestId"], expected)

    def test_secret_header_values_never_reach_the_log(self):
        for kind in ("v1", "v2", "alb-multi"):
            for path, method in (("/headers", "GET"), ("/nope", "GET"),
                                 ("/get", "DELETE"), ("/status/500", "GET"),
                                 ("/post", "POST")):
                with self.subTest(kind=kind, path=path, method=method):
                    event = gs.build_event(kind, path, method,
                                           headers=SECRETS, body="x")
                    answer, lines = self.logged(event)
                    self.assertEqual(len(lines), 1, lines)
                    json.loads(lines[0])
                    for mark in SECRET_MARKS:
                        self.assertNotIn(mark, lines[0])
                    # The secrets did reach the app: the test is real.
                    if path == "/headers":
                        for mark in SECRET_MARKS:
                            self.assertIn(mark.encode(), answer.body)

    def test_client_mistakes_log_info_and_server_faults_error(self):
        for path, status, level, error in (
                ("/nope", 404, "INFO", "ENOTFOUND"),
                ("/status/abc", 400, "INFO", "EBADREQUEST"),
                ("/status/503", 503, "ERROR", None)):
            with self.subTest(path):
                _answer, lines = self.logged(gs.build_event("v2", path))
                line = json.loads(lines[0])
                self.assertEqual(line["status"], status)
                self.assertEqual(line["level"], level)
                self.assertEqual(line.get("errorType"), error)

    def test_at_debug_the_header_line_redacts_secrets(self):
        child = r"""
import json, os, sys
sys.path.insert(0, os.environ["LANDO_MODULE_DIR"])
import libhttpbin
headers = json.loads(sys.argv[1])
event = {"version": "2.0", "rawPath": "/headers", "rawQueryString": "",
         "headers": headers,
         "requestContext": {"http": {"method": "GET", "path": "/headers",
                                     "sourceIp": "203.0.113.9"},
                            "requestId": "debug-request-id",
                            "stage": "$default"}}
result = libhttpbin.handler(event, None)
sys.stderr.write("STATUS %d\n" % result["statusCode"])
"""
        headers = {n.lower(): v for n, v in SECRETS.items()}
        headers["x-visible"] = "plain-value"
        env = dict(os.environ, AWS_LAMBDA_LOG_LEVEL="DEBUG",
                   LANDO_MODULE_DIR=os.path.abspath(gs.module_dir()))
        done = subprocess.run([sys.executable, "-c", child,
                               json.dumps(headers)],
                              env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
        self.assertIn(b"STATUS 200", done.stderr, done.stderr[-2000:])
        out = done.stdout.decode("utf-8")
        for mark in SECRET_MARKS:
            self.assertNotIn(mark, out)
        lines = [json.loads(l) for l in out.splitlines()]
        header_lines = [l for l in lines
                        if l["message"] == "request headers"]
        self.assertEqual(len(header_lines), 1, out)
        logged = header_lines[0]
        self.assertEqual(logged["level"], "DEBUG")
        self.assertEqual(logged["requestId"], "debug-request-id")
        for name in SECRETS:
            self.assertEqual(logged[name.lower()], "[redacted]")
        self.assertEqual(logged["x-visible"], "plain-value")


class BodyTest(unittest.TestCase):

    BINARY = b"\x00\x01\x02lando\x00\xff\xfe\x80binary\x00"

    def test_binary_bodies_round_trip_through_base64(self):
        encoded = base64.b64encode(self.BINARY).decode()
        for kind in ("v1", "v2", "url", "alb", "alb-multi", "lattice-v2"):
            for path, method in (("/post", "POST"), ("/anything/bin",
                                                     "PUT")):
                with self.subTest(kind=kind, path=path):
                    echo = call(self, kind, path, method, body=encoded,
                                is_base64=True,
                                headers={"Content-Type":
                                         "application/octet-stream"}).json()
                    prefix = "data:application/octet-stream;base64,"
                    self.assertTrue(echo["data"].startswith(prefix))
                    self.assertEqual(
                        base64.b64decode(echo["data"][len(prefix):]),
                        self.BINARY)

    def test_base64_text_bodies_arrive_as_text(self):
        text = "caf\u00e9 \u2603 {\"k\": 1}"
        encoded = base64.b64encode(text.encode()).decode()
        echo = call(self, "v2", "/post", "POST", body=encoded,
                    is_base64=True).json()
        self.assertEqual(echo["data"], text)

    def test_invalid_base64_is_400_before_the_handler(self):
        for kind in ("v1", "v2", "alb"):
            for body in ("!!!!", "aGVsbG8=x", "aGV sbG8=", "a"):
                with self.subTest(kind=kind, body=body):
                    with gs.fd1_output() as lines:
                        answer = call(self, kind, "/post", "POST",
                                      body=body, is_base64=True)
                    self.assertEqual(answer.status, 400)
                    error = answer.json()["error"]
                    self.assertEqual(error["code"], "bad_base64")
                    self.assertEqual(error["status"], 400)
                    line = json.loads(lines[0])
                    self.assertEqual(line["errorType"], "EBADBASE64")
                    self.assertEqual(line["route"], None)


class ErrorBodyTest(unittest.TestCase):

    def test_404_is_the_standard_json_error(self):
        for kind in ("v1", "v2", "alb"):
            with self.subTest(kind):
                answer = call(self, kind, "/no/such/path")
                self.assertEqual(answer.status, 404)
                self.assertEqual(answer.header("content-type"),
                                 "application/json")
                body = answer.json()
                self.assertEqual(list(body), ["error"])
                self.assertEqual(set(body["error"]),
                                 {"status", "code", "message"})
                self.assertEqual(body["error"]["status"], 404)
                self.assertEqual(body["error"]["code"], "not_found")
                self.assertIsInstance(body["error"]["message"], str)

    def test_405_is_the_standard_json_error_with_allow(self):
        for kind in ("v1", "v2", "alb"):
            with self.subTest(kind):
                answer = call(self, kind, "/post", "GET")
                self.assertEqual(answer.status, 405)
                self.assertEqual(items(answer.header("allow")),
                                 {"POST", "OPTIONS"})
                body = answer.json()
                self.assertEqual(set(body["error"]),
                                 {"status", "code", "message"})
                self.assertEqual(body["error"]["status"], 405)
                self.assertEqual(body["error"]["code"],
                                 "method_not_allowed")


class CompressTest(unittest.TestCase):

    def test_html_is_gzipped_when_asked_for(self):
        plain = call(self, "v2", "/html").body
        self.assertGreater(len(plain), 1024)
        for kind in ("v1", "v2", "url", "alb", "alb-multi"):
            with self.subTest(kind):
                result = raw_call(self, kind, "/html",
                                  headers={"Accept-Encoding":
                                           "gzip, deflate, br"})
                self.assertIs(result["isBase64Encoded"], True)
                packed = base64.b64decode(result["body"])
                self.assertEqual(gzip.decompress(packed), plain)
                self.assertLess(len(packed), len(plain))
                answer = gs.Answer(result)
                self.assertEqual(answer.header("content-encoding"), "gzip")
                self.assertIn("Accept-Encoding",
                              items(answer.header("vary")))

    def test_nothing_is_compressed_unless_asked_for(self):
        for headers in ({}, {"Accept-Encoding": "identity"},
                        {"Accept-Encoding": "gzip;q=0, deflate;q=0"},
                        {"Accept-Encoding": "br"}):
            with self.subTest(headers):
                result = raw_call(self, "v1", "/html", headers=headers)
                self.assertIs(result["isBase64Encoded"], False)
                self.assertTrue(result["body"].startswith("<!DOCTYPE"))
                answer = gs.Answer(result)
                self.assertIsNone(answer.header("content-encoding"))
                self.assertIn("Accept-Encoding",
                              items(answer.header("vary")))

    def test_deflate_when_only_deflate_is_accepted(self):
        result = raw_call(self, "v2", "/html",
                          headers={"Accept-Encoding": "deflate"})
        answer = gs.Answer(result)
        self.assertEqual(answer.header("content-encoding"), "deflate")
        self.assertEqual(zlib.decompress(base64.b64decode(result["body"])),
                         call(self, "v2", "/html").body)

    def test_a_large_echo_is_compressed_and_a_small_one_is_not(self):
        big = "lando " * 1000
        result = raw_call(self, "v2", "/anything", "POST", body=big,
                          headers={"Accept-Encoding": "gzip"})
        answer = gs.Answer(result)
        self.assertEqual(answer.header("content-encoding"), "gzip")
        self.assertEqual(answer.json()["data"], big)

        result = raw_call(self, "v2", "/ip",
                          headers={"Accept-Encoding": "gzip"})
        self.assertIs(result["isBase64Encoded"], False)
        self.assertNotIn("content-encoding",
                         {n.lower() for n in result["headers"]})

    def test_binary_and_already_encoded_bodies_are_left_alone(self):
        answer = call(self, "v2", "/bytes/4096", query=[("seed", "1")],
                      headers={"Accept-Encoding": "gzip"})
        self.assertIsNone(answer.header("content-encoding"))
        self.assertEqual(len(answer.body), 4096)
        result = raw_call(self, "v2", "/gzip",
                          headers={"Accept-Encoding": "gzip"})
        packed = base64.b64decode(result["body"])
        # Compressed once, not twice.
        self.assertIs(json.loads(gzip.decompress(packed))["gzipped"], True)


if __name__ == "__main__":
    unittest.main()
