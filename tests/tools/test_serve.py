"""`lando serve`: real HTTP through each event format to real modules.

examples/httpbin echoes what lando decoded; the test module probe
(tests/tools/probe.c) sets several cookies, echoes bytes and has a
GET-only route. Every check runs once per event format.
"""

import base64
import json
import os
import signal
import tempfile
import threading
import unittest

from support import Server, fetch, main, module

BINARY = bytes(range(256)) * 4


class ServeChecks:
    """Mixed into one TestCase per event format (FORMAT)."""

    FORMAT = None
    EXTRA = ()

    @classmethod
    def setUpClass(cls):
        cls.httpbin = Server(module("httpbin"), cls.FORMAT, cls.EXTRA)
        cls.httpbin.__enter__()
        try:
            cls.probe = Server(module("probe"), cls.FORMAT, cls.EXTRA)
            cls.probe.__enter__()
        except BaseException:
            cls.httpbin.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.probe.__exit__(None, None, None)
        cls.httpbin.__exit__(None, None, None)

    def echo(self, path, **kwargs):
        r = fetch(self.httpbin.url + path, **kwargs)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def test_a_repeated_query_key_keeps_every_value(self):
        got = self.echo("/anything?a=1&a=2&b=x%20y&c=")
        self.assertEqual(got["args"], {"a": ["1", "2"], "b": ["x y"],
                                       "c": [""]})

    def test_a_binary_body_goes_through_unchanged(self):
        r = fetch(self.probe.url + "/echo", method="POST", body=BINARY,
                  headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("Content-Type"), "application/octet-stream")
        self.assertEqual(r.body, BINARY)

    def test_httpbin_sees_the_binary_body_decoded(self):
        got = self.echo("/anything", method="PUT", body=BINARY,
                        headers={"Content-Type": "image/png"})
        prefix, _, data = got["data"].partition("base64,")
        self.assertTrue(prefix.startswith("data:"), got["data"][:40])
        self.assertEqual(base64.b64decode(data), BINARY)

    def test_a_utf8_json_body_arrives_as_text(self):
        doc = {"k": "h\u00e9llo \u2603", "n": [1, 2]}
        got = self.echo("/anything", method="POST",
                        body=json.dumps(doc).encode("utf-8"),
                        headers={"Content-Type": "application/json"})
        self.assertEqual(got["json"], doc)

    def test_every_set_cookie_header_reaches_the_client(self):
        r = fetch(self.probe.url + "/cookies")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.all("Set-Cookie"), [
            "a=1; Path=/",
            "b=2; Path=/; HttpOnly; SameSite=Lax",
            "c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/",
        ])

    def test_request_cookies_reach_the_module(self):
        got = self.echo("/anything", headers={"Cookie": "s=1; t=two"})
        cookie = ",".join(got["headers"].get("cookie", []))
        self.assertIn("s=1", cookie)
        self.assertIn("t=two", cookie)

    def test_a_cors_preflight_is_answered(self):
        r = fetch(self.httpbin.url + "/anything/x", method="OPTIONS",
                  headers={"Origin": "http://app.example",
                           "Access-Control-Request-Method": "PUT",
                           "Access-Control-Request-Headers":
                               "x-requested-with"})
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.header("Access-Control-Allow-Origin"),
                         "http://app.example")
        self.assertEqual(r.header("Access-Control-Allow-Credentials"),
                         "true")
        self.assertIn("PUT", r.header("Access-Control-Allow-Methods"))
        self.assertIn("x-requested-with",
                      r.header("Access-Control-Allow-Headers").lower())

    def test_an_unknown_path_answers_404(self):
        r = fetch(self.httpbin.url + "/no/such/thing")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["error"]["code"], "not_found")

    def test_a_known_path_with_another_method_answers_405_with_allow(self):
        r = fetch(self.probe.url + "/get-only", method="DELETE")
        self.assertEqual(r.status, 405)
        self.assertIn("GET", r.header("Allow"))
        self.assertEqual(r.json()["error"]["code"], "method_not_allowed")

    def test_head_gets_headers_and_no_body(self):
        r = fetch(self.probe.url + "/get-only", method="HEAD")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")

    def test_the_log_has_one_line_per_request(self):
        fetch(self.probe.url + "/get-only?x=1")
        self.probe.wait_log(r"^GET /get-only\?x=1 200 \d+\.\dms$")

    def test_the_source_is_the_chosen_format(self):
        got = self.echo("/anything")
        self.assertEqual(got["lando"]["source"],
                         {"rest": "rest", "http": "http",
                          "alb": "alb"}[self.FORMAT])


class Rest(ServeChecks, unittest.TestCase):
    FORMAT = "rest"

    def test_the_stage_is_prod_by_default(self):
        got = self.echo("/anything")
        self.assertEqual(got["lando"]["stage"], "Prod")
        self.assertEqual(got["path"], "/anything")


class Http(ServeChecks, unittest.TestCase):
    FORMAT = "http"

    def test_the_stage_is_default(self):
        self.assertEqual(self.echo("/anything")["lando"]["stage"],
                         "$default")


class HttpStage(ServeChecks, unittest.TestCase):
    """A named stage puts /stage in front of rawPath; lando removes it."""

    FORMAT = "http"
    EXTRA = ("--stage", "v2")

    def test_the_stage_is_removed_before_routing(self):
        got = self.echo("/anything/deep")
        self.assertEqual(got["lando"]["stage"], "v2")
        self.assertEqual(got["path"], "/anything/deep")


class Alb(ServeChecks, unittest.TestCase):
    FORMAT = "alb"


class ServerBehaviour(unittest.TestCase):
    """Behaviour of the server itself, independent of the format."""

    def test_many_clients_at_once_are_all_answered(self):
        with Server(module("httpbin")) as s:
            results = []

            def client(n):
                for i in range(10):
                    r = fetch("%s/anything?c=%d&i=%d" % (s.url, n, i))
                    results.append((r.status, r.json()["args"]))

            threads = [threading.Thread(target=client, args=(n,))
                       for n in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(len(results), 80)
        for status, args in results:
            self.assertEqual(status, 200)
        self.assertEqual(len({(a["c"][0], a["i"][0]) for _, a in results}),
                         80)

    def test_a_body_over_lambdas_limit_answers_413(self):
        with Server(module("probe")) as s:
            r = fetch(s.url + "/echo", method="POST",
                      body=b"x" * (6 * 1024 * 1024 + 1))
            self.assertEqual(r.status, 413)
            self.assertEqual(fetch(s.url + "/get-only").status, 200)

    def test_the_limit_counts_a_binary_body_after_base64(self):
        with Server(module("probe")) as s:
            five_mb = 5 * 1024 * 1024
            r = fetch(s.url + "/echo", method="POST", body=b"a" * five_mb,
                      headers={"Content-Type": "text/plain"})
            self.assertEqual((r.status, len(r.body)), (200, five_mb))
            r = fetch(s.url + "/echo", method="POST", body=b"\0" * five_mb,
                      headers={"Content-Type": "application/octet-stream"})
            self.assertEqual(r.status, 413)

    def test_sigterm_stops_it_cleanly(self):
        with Server(module("probe")) as s:
            self.assertEqual(fetch(s.url + "/get-only").status, 200)
            self.assertEqual(s.stop(), 0)
            self.assertIn("stopped", s.log())

    def test_ctrl_c_stops_it_cleanly(self):
        with Server(module("probe")) as s:
            s.proc.send_signal(signal.SIGINT)
            self.assertEqual(s.proc.wait(timeout=10), 0)
            self.assertIn("stopped", s.log())

    def test_the_url_is_printed_on_startup(self):
        with Server(module("probe"), "rest") as s:
            self.assertRegex(s.output(),
                             r"libprobe \(rest format, stage Prod.*\) on "
                             r"http://127\.0\.0\.1:\d+/")


class PythonHandlers(unittest.TestCase):
    """The edge's answers to handlers that fail or answer oddly."""

    def serve(self, source, fmt):
        tmp = tempfile.TemporaryDirectory(prefix="lando-serve-py-")
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "liboddity.py")
        with open(path, "w") as f:
            f.write(source)
        server = Server(path, fmt)
        server.__enter__()
        self.addCleanup(server.__exit__, None, None, None)
        return server

    def test_a_handler_exception_answers_502_and_is_logged(self):
        s = self.serve("def handler(event, context):\n"
                       "    raise RuntimeError('kaput')\n", "http")
        r = fetch(s.url + "/x")
        self.assertEqual(r.status, 502)
        self.assertIn("RuntimeError: kaput", s.log())

    def test_a_bare_value_is_json_for_http_apis_and_502_otherwise(self):
        source = "def handler(event, context):\n    return {'k': [1]}\n"
        r = fetch(self.serve(source, "http").url + "/")
        self.assertEqual((r.status, r.json()), (200, {"k": [1]}))
        for fmt in ("rest", "alb"):
            r = fetch(self.serve(source, fmt).url + "/")
            self.assertEqual(r.status, 502, fmt)

    def test_the_context_looks_like_the_runtimes(self):
        s = self.serve(
            "import json\n"
            "def handler(event, context):\n"
            "    c = context\n"
            "    return {'statusCode': 200, 'body': json.dumps({\n"
            "        'name': c.function_name,\n"
            "        'version': c.function_version,\n"
            "        'arn': c.invoked_function_arn,\n"
            "        'memory': c.memory_limit_in_mb,\n"
            "        'id': c.aws_request_id,\n"
            "        'group': c.log_group_name,\n"
            "        'stream': c.log_stream_name,\n"
            "        'left': c.get_remaining_time_in_millis()})}\n", "rest")
        a = fetch(s.url + "/").json()
        b = fetch(s.url + "/").json()
        self.assertEqual(a["name"], "liboddity")
        self.assertEqual(a["version"], "$LATEST")
        self.assertTrue(a["arn"].endswith(":function:liboddity"))
        self.assertEqual(a["memory"], "128")
        self.assertNotEqual(a["id"], b["id"])
        self.assertEqual(a["group"], "/aws/lambda/liboddity")
        self.assertRegex(a["stream"], r"^\d{4}/\d\d/\d\d/\[\$LATEST\]\w+$")
        self.assertTrue(0 < a["left"] <= 30000)

    def test_multi_value_headers_and_v2_cookies_become_set_cookie(self):
        s = self.serve(
            "def handler(event, context):\n"
            "    if 'version' in event:\n"
            "        return {'statusCode': 201, 'cookies': ['x=1', 'y=2'],\n"
            "                'headers': {'X-One': 'a'}, 'body': 'v2'}\n"
            "    return {'statusCode': 201,\n"
            "            'multiValueHeaders': {'Set-Cookie': ['x=1', 'y=2']},\n"
            "            'headers': {'X-One': 'a'}, 'body': 'v1'}\n", "http")
        r = fetch(s.url + "/")
        self.assertEqual((r.status, r.body), (201, b"v2"))
        self.assertEqual(r.all("Set-Cookie"), ["x=1", "y=2"])
        self.assertEqual(r.header("X-One"), "a")

if __name__ == "__main__":
    main()
