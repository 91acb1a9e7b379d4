"""Response -> result dict: libgwtest's /respond route builds responses
from its query string, so each source's shape can be checked for
repeated headers, Set-Cookie, status descriptions and bodies.
"""

import json
import os
import resource
import subprocess
import sys
import unittest
import urllib.parse

import events
import gateway_support as gs

gwtest = gs.load("libgwtest")

COOKIE_A = "a=1; Path=/"
COOKIE_B = "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly"


def request(build, path, pairs=(), method="GET"):
    """An event of BUILD's source for PATH with the query PAIRS."""
    query = urllib.parse.urlencode(list(pairs))
    if build in (events.http, events.url):
        return build(path, method, query=query)
    if build in (events.lattice_v1, events.lattice_v2):
        return build(path + ("?" + query if query else ""), method)
    event = build(path, method)
    multi = {}
    for name, value in pairs:
        multi.setdefault(name, []).append(value)
    if build is events.rest:
        event["multiValueQueryStringParameters"] = multi
    elif "multiValueHeaders" in event:
        event["multiValueQueryStringParameters"] = {
            urllib.parse.quote(k): [urllib.parse.quote(v) for v in vs]
            for k, vs in multi.items()}
    else:
        event["queryStringParameters"] = {
            urllib.parse.quote(k): urllib.parse.quote(vs[-1])
            for k, vs in multi.items()}
    return event


def respond(kind, build, pairs, test, method="GET"):
    result = gs.invoke(gwtest, request(build, "/respond", pairs, method))
    gs.check_shape(test, result, kind)
    return result


class HeaderShapeTest(unittest.TestCase):

    PAIRS = [("status", "201"), ("body", "hi"), ("type", "text/plain"),
             ("h", "Set-Cookie:" + COOKIE_A), ("h", "X-Multi:1"),
             ("h", "x-multi:2"), ("h", "X-One:only"),
             ("h", "set-cookie:" + COOKIE_B)]

    def shaped(self, kind):
        build = dict(events.ALL)[kind]
        if kind == "alb":
            # ALB single mode carries one value per query name.
            return respond(kind, build, [("status", "201"), ("body", "hi"),
                                         ("type", "text/plain")], self)
        return respond(kind, build, self.PAIRS, self)

    def test_rest_puts_only_repeated_names_in_multi_value_headers(self):
        result = self.shaped("v1")
        self.assertEqual(result["statusCode"], 201)
        self.assertEqual(result["headers"], {"Content-Type": "text/plain",
                                             "X-One": "only"})
        self.assertEqual(result["multiValueHeaders"], {
            "Set-Cookie": [COOKIE_A, COOKIE_B], "X-Multi": ["1", "2"]})
        self.assertEqual(result["body"], "hi")
        self.assertIs(result["isBase64Encoded"], False)

    def test_http_api_joins_repeats_and_moves_cookies(self):
        for kind in ("v2", "url"):
            with self.subTest(kind):
                result = self.shaped(kind)
                self.assertEqual(result["headers"], {
                    "Content-Type": "text/plain", "X-Multi": "1, 2",
                    "X-One": "only"})
                self.assertEqual(result["cookies"], [COOKIE_A, COOKIE_B])

    def test_http_api_without_cookies_sends_an_empty_list(self):
        result = respond("v2", events.http, [("body", "x")], self)
        self.assertEqual(result["cookies"], [])

    def test_alb_multi_value_mode_sends_every_value(self):
        result = self.shaped("alb-multi")
        self.assertEqual(result["statusDescription"], "201 Created")
        self.assertEqual(result["multiValueHeaders"], {
            "Set-Cookie": [COOKIE_A, COOKIE_B], "X-Multi": ["1", "2"],
            "X-One": ["only"], "Content-Type": ["text/plain"]})

    def test_single_value_shapes_join_repeats_and_keep_the_last_cookie(self):
        for kind in ("lattice-v1", "lattice-v2"):
            with self.subTest(kind), gs.captured_logs() as lines:
                result = self.shaped(kind)
                self.assertEqual(result["statusDescription"], "201 Created")
                self.assertEqual(result["headers"], {
                    "Content-Type": "text/plain", "X-Multi": "1, 2",
                    "X-One": "only", "Set-Cookie": COOKIE_B})
            warnings = [json.loads(l) for l in lines if '"WARN"' in l]
            if lines:
                self.assertEqual(len(warnings), 1, lines)
                self.assertIn("Set-Cookie", warnings[0]["message"])

    def test_alb_single_mode_has_a_status_description(self):
        result = self.shaped("alb")
        self.assertEqual(result["statusDescription"], "201 Created")
        self.assertEqual(result["headers"], {"Content-Type": "text/plain"})

    def test_status_descriptions_follow_the_status(self):
        for status, text in ((200, "200 OK"), (404, "404 Not Found"),
                             (418, "418 I'm a teapot"),
                             (299, "299 Success"),
                             (599, "599 Server Error")):
            with self.subTest(status):
                result = respond("lattice-v2", events.lattice_v2,
                                 [("status", str(status))], self)
                self.assertEqual(result["statusCode"], status)
                self.assertEqual(result["statusDescription"], text)

    def test_non_ascii_header_values_arrive_as_text(self):
        result = respond("v1", events.rest,
                         [("h", "X-Name:caf\u00e9 \u2603")], self)
        self.assertEqual(result["headers"]["X-Name"], "caf\u00e9 \u2603")


class BodyShapeTest(unittest.TestCase):

    def test_binary_bodies_are_base64_in_every_shape(self):
        for kind, build in events.ALL:
            with self.subTest(kind):
                result = gs.invoke(gwtest, build("/binary"))
                gs.check_shape(self, result, kind)
                self.assertIs(result["isBase64Encoded"], True)
                self.assertEqual(gs.Answer(result).body, bytes(range(256)))

    def test_text_that_is_not_utf8_goes_out_as_base64(self):
        result = gs.invoke(gwtest, events.http("/badtext"))
        self.assertIs(result["isBase64Encoded"], True)
        self.assertEqual(gs.Answer(result).body, b"caf\xe9 \xff\xfe")

    def test_forced_binary_mode_encodes_text(self):
        result = respond("v1", events.rest, [("body", "plain"),
                                             ("type", "text/plain"),
                                             ("mode", "binary")], self)
        self.assertIs(result["isBase64Encoded"], True)
        self.assertEqual(gs.Answer(result).body, b"plain")

    def test_json_and_text_bodies_stay_text(self):
        result = gs.invoke(gwtest, events.http("/raw"))
        self.assertIs(result["isBase64Encoded"], False)
        self.assertEqual(json.loads(result["body"])["path"], "/raw")

    def test_empty_bodies_are_empty_text(self):
        result = respond("v2", events.http, [("status", "204")], self)
        self.assertEqual((result["statusCode"], result["body"],
                          result["isBase64Encoded"]), (204, "", False))

    def test_head_requests_lose_the_body(self):
        result = gs.invoke(gwtest, events.rest(
            "/big", "HEAD", queryStringParameters={"n": "10"}))
        self.assertEqual(result["statusCode"], 200)
        self.assertEqual(result["body"], "")

    def test_large_bodies_are_carried_whole(self):
        n = 3 * 1024 * 1024
        result = gs.invoke(gwtest, events.http("/big", query="n=%d" % n))
        self.assertEqual(len(result["body"]), n)


class FailureShapeTest(unittest.TestCase):

    def test_handler_failures_are_json_500_in_the_source_shape(self):
        for kind, build in events.ALL:
            with self.subTest(kind):
                result = gs.invoke(gwtest, build("/fail"))
                gs.check_shape(self, result, kind)
                answer = gs.Answer(result)
                self.assertEqual(answer.status, 500)
                self.assertEqual(answer.json()["error"]["code"],
                                 "internal_error")
                self.assertEqual(answer.header("content-type"),
                                 "application/json")

    def test_unrouted_paths_and_methods_are_404_and_405(self):
        answer = gs.Answer(gs.invoke(gwtest, events.rest("/nowhere")))
        self.assertEqual(answer.status, 404)
        answer = gs.Answer(gs.invoke(gwtest, events.rest("/binary",
                                                         "DELETE")))
        self.assertEqual(answer.status, 405)
        self.assertIn("GET", answer.header("allow"))


# Run in a child process whose address space is capped so that the
# handler's body fits in the arena but its Python copy does not: the
# gateway must then answer its minimal JSON 500 in each source's shape.
OUT_OF_MEMORY_CHILD = r"""
import json, resource, sys
import events, gateway_support as gs
module = gs.load("libgwtest")
n = 128 * 1024 * 1024
with open("/proc/self/status") as f:
    size = [int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:")][0]
out = []
for kind, build in events.ALL:
    if kind in ("v2", "url"):
        event = build("/big", query="n=%d" % n)
    elif kind.startswith("lattice"):
        event = build("/big?n=%d" % n)
    elif kind == "alb-multi":
        event = build("/big", multiValueQueryStringParameters={"n": [str(n)]})
    else:
        event = build("/big", queryStringParameters={"n": str(n)})
    # The body is made once by the handler and copied once into the
    # response (2n in the arena); the str would need n more.
    resource.setrlimit(resource.RLIMIT_AS, (size + n * 5 // 2,
                                            resource.RLIM_INFINITY))
    try:
        result = module.handler(event, None)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,
                                                resource.RLIM_INFINITY))
    out.append([kind, result])
sys.stderr.write("RESULT " + json.dumps(out) + "\n")
"""


class LastResortTest(unittest.TestCase):

    @unittest.skipUnless(os.path.exists("/proc/self/status"), "needs Linux")
    @unittest.skipIf("asan" in os.environ.get("LD_PRELOAD", ""),
                     "AddressSanitizer needs more address space")
    def test_a_result_that_cannot_be_built_becomes_a_minimal_500(self):
        env = dict(os.environ, LANDO_TEST_LOGS="1",
                   LANDO_MODULE_DIR=os.path.abspath(gs.module_dir()))
        child = subprocess.run([sys.executable, "-c", OUT_OF_MEMORY_CHILD],
                               cwd=gs.HERE, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        lines = [l for l in child.stderr.splitlines()
                 if l.startswith("RESULT ")]
        self.assertEqual(len(lines), 1, child.stderr[-2000:])
        for kind, result in json.loads(lines[0][len("RESULT "):]):
            with self.subTest(kind):
                gs.check_shape(self, result, kind)
                answer = gs.Answer(result)
                self.assertEqual(answer.status, 500)
                self.assertEqual(answer.json()["error"]["message"],
                                 "internal error")
        logged = [json.loads(l) for l in child.stdout.splitlines()
                  if "answering 500" in l]
        self.assertEqual(len(logged), len(events.ALL))
        self.assertEqual({r["level"] for r in logged}, {"ERROR"})


class SteadyStateTest(unittest.TestCase):

    @unittest.skipIf("asan" in os.environ.get("LD_PRELOAD", ""),
                     "AddressSanitizer keeps freed memory in quarantine")
    def test_many_invocations_do_not_grow_memory(self):
        event = events.http("/raw", query="a=1&b=2", body="x" * 2000,
                            cookies=["a=1", "b=2"])
        event["headers"].update({"h%d" % i: "v" * 50 for i in range(40)})

        def rss_kb():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        for _ in range(2000):
            gwtest.handler(event, None)
        before = rss_kb()
        for _ in range(20000):
            gwtest.handler(event, None)
        self.assertLess(rss_kb() - before, 8 * 1024)


if __name__ == "__main__":
    unittest.main()
