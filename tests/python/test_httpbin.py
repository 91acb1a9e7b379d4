"""examples/httpbin endpoint by endpoint, called the way the Lambda
runtime calls it, in the response shapes of REST APIs, HTTP APIs,
Function URLs and load balancers: what each answers, with go-httpbin's
JSON keys, and how it refuses what it cannot serve.
"""

import base64
import email.utils
import gzip
import json
import re
import unittest
import uuid
import xml.etree.ElementTree as ET

import events
import gateway_support as gs

httpbin = gs.load("libhttpbin")

# The shapes most endpoints are checked in; the Lattice shapes behave as
# ALB single mode does.
KINDS = ("v1", "v2", "url", "alb", "alb-multi")
# Shapes that can carry several Set-Cookie headers.
COOKIE_KINDS = ("v1", "v2", "url", "alb-multi")

GET_KEYS = {"args", "headers", "method", "origin", "url"}
BODY_KEYS = GET_KEYS | {"data", "files", "form", "json"}

ORIGIN = {"v1": "198.51.100.7", "v2": "203.0.113.9", "url": "203.0.113.9",
          "alb": "192.0.2.44", "alb-multi": "192.0.2.44"}

MASK64 = (1 << 64) - 1


def call(test, kind, path, method="GET", context=None, **kw):
    """Invoke httpbin with KIND's event for METHOD PATH; check the
    result's shape and return the Answer."""
    result = gs.invoke(httpbin, gs.build_event(kind, path, method, **kw),
                       context)
    gs.check_shape(test, result, kind)
    return gs.Answer(result)


def raw_call(test, kind, path, method="GET", **kw):
    """As call(), returning the result dict itself."""
    result = gs.invoke(httpbin, gs.build_event(kind, path, method, **kw),
                       None)
    gs.check_shape(test, result, kind)
    return result


def splitmix64_bytes(seed, n):
    """The bytes /bytes/N?seed=SEED promises (examples/httpbin)."""
    state, out = seed, bytearray()
    while len(out) < n:
        state = (state + 0x9e3779b97f4a7c15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK64
        z ^= z >> 31
        out += z.to_bytes(8, "little")
    return bytes(out[:n])


def allow_set(answer):
    return {m.strip() for m in answer.header("allow").split(",")}


class GetTest(unittest.TestCase):

    def test_get_echoes_args_headers_origin_and_url_in_every_shape(self):
        for kind in KINDS:
            with self.subTest(kind):
                answer = call(self, kind, "/get",
                              query=[("a", "1"), ("a", "2"), ("b", "x y")],
                              headers={"User-Agent": "probe/1.0"})
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.header("content-type"),
                                 "application/json")
                echo = answer.json()
                self.assertEqual(set(echo), GET_KEYS)
                self.assertEqual(echo["method"], "GET")
                # ALB single mode carries the last value of each name.
                a = ["2"] if kind == "alb" else ["1", "2"]
                self.assertEqual(echo["args"], {"a": a, "b": ["x y"]})
                self.assertEqual(echo["headers"]["user-agent"],
                                 ["probe/1.0"])
                self.assertEqual(echo["origin"], ORIGIN[kind])
                self.assertRegex(echo["url"], r"^https?://[^/]+/get\?a=")

    def test_head_is_served_by_get_without_a_body(self):
        answer = call(self, "v2", "/get", "HEAD")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.body, b"")

    def test_get_refuses_other_methods_with_405_and_allow(self):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            with self.subTest(method):
                answer = call(self, "v1", "/get", method)
                self.assertEqual(answer.status, 405)
                self.assertEqual(allow_set(answer),
                                 {"GET", "HEAD", "OPTIONS"})
                self.assertEqual(answer.json()["error"]["code"],
                                 "method_not_allowed")


class BodyMethodsTest(unittest.TestCase):

    ROUTES = {"/post": "POST", "/put": "PUT", "/patch": "PATCH",
              "/delete": "DELETE"}

    def test_each_route_echoes_the_body_for_its_own_method(self):
        for path, method in self.ROUTES.items():
            for kind in KINDS:
                with self.subTest(path=path, kind=kind):
                    answer = call(self, kind, path, method,
                                  query=[("q", "1")],
                                  headers={"Content-Type":
                                           "application/json"},
                                  body='{"k": [1, "two"]}')
                    self.assertEqual(answer.status, 200)
                    echo = answer.json()
                    self.assertEqual(set(echo), BODY_KEYS)
                    self.assertEqual(echo["method"], method)
                    self.assertEqual(echo["data"], '{"k": [1, "two"]}')
                    self.assertEqual(echo["json"], {"k": [1, "two"]})
                    self.assertEqual(echo["files"], {})
                    self.assertEqual(echo["form"], {})
                    self.assertEqual(echo["args"], {"q": ["1"]})
                    self.assertEqual(echo["origin"], ORIGIN[kind])

    def test_each_route_refuses_every_other_method(self):
        for path, method in self.ROUTES.items():
            for other in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                if other == method:
                    continue
                with self.subTest(path=path, method=other):
                    answer = call(self, "v2", path, other)
                    self.assertEqual(answer.status, 405)
                    self.assertEqual(allow_set(answer), {method, "OPTIONS"})

    def test_urlencoded_bodies_fill_form(self):
        answer = call(self, "v2", "/post", "POST",
                      headers={"Content-Type":
                               "application/x-www-form-urlencoded"},
                      body="a=1&a=2&b=x+y%21")
        echo = answer.json()
        self.assertEqual(echo["form"], {"a": ["1", "2"], "b": ["x y!"]})
        self.assertIsNone(echo["json"])

    def test_a_body_that_is_not_json_gives_null_json(self):
        echo = call(self, "v1", "/put", "PUT", body="not json").json()
        self.assertEqual(echo["data"], "not json")
        self.assertIsNone(echo["json"])

    def test_an_empty_body_gives_empty_data(self):
        echo = call(self, "v1", "/delete", "DELETE").json()
        self.assertEqual(echo["data"], "")
        self.assertIsNone(echo["json"])


class SmallEchoesTest(unittest.TestCase):

    def test_headers_lists_every_request_header(self):
        for kind in KINDS:
            with self.subTest(kind):
                echo = call(self, kind, "/headers",
                            headers={"X-Probe": "p", "Accept": "*/*"}).json()
                self.assertEqual(list(echo), ["headers"])
                self.assertEqual(echo["headers"]["x-probe"], ["p"])
                self.assertEqual(echo["headers"]["accept"], ["*/*"])

    def test_ip_is_the_client_address(self):
        for kind in KINDS:
            with self.subTest(kind):
                self.assertEqual(call(self, kind, "/ip").json(),
                                 {"origin": ORIGIN[kind]})

    def test_ip_is_null_when_the_event_has_none(self):
        event = events.lattice_v2("/ip")
        answer = gs.Answer(gs.invoke(httpbin, event))
        self.assertEqual(answer.json(), {"origin": None})

    def test_user_agent_under_its_hyphenated_key(self):
        echo = call(self, "v2", "/user-agent",
                    headers={"User-Agent": "curl/8.5.0"}).json()
        self.assertEqual(echo, {"user-agent": "curl/8.5.0"})
        self.assertEqual(call(self, "v2", "/user-agent").json(),
                         {"user-agent": None})


class StatusTest(unittest.TestCase):

    def test_a_single_code_is_answered_in_every_shape(self):
        for kind in KINDS:
            for code in (200, 201, 204, 404, 500, 503, 599):
                with self.subTest(kind=kind, code=code):
                    answer = call(self, kind, "/status/%d" % code)
                    self.assertEqual(answer.status, code)

    def test_any_method_may_ask_for_a_status(self):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            with self.subTest(method):
                self.assertEqual(call(self, "v2", "/status/202",
                                      method).status, 202)

    def test_some_codes_come_with_their_headers(self):
        answer = call(self, "v1", "/status/401")
        self.assertIn("Basic", answer.header("www-authenticate"))
        answer = call(self, "v1", "/status/407")
        self.assertIn("Basic", answer.header("proxy-authenticate"))
        answer = call(self, "v1", "/status/302")
        self.assertEqual(answer.header("location"), "/get")
        answer = call(self, "v2", "/status/418")
        self.assertIn(b"teapot", answer.body)

    def test_zero_weights_are_never_picked(self):
        for _ in range(30):
            self.assertEqual(call(self, "v2", "/status/200:0,503:1").status,
                             503)
            self.assertEqual(call(self, "v2",
                                  "/status/201:0.5,500:0").status, 201)

    def test_a_list_picks_each_of_its_codes(self):
        seen = {call(self, "v2", "/status/201,202,203").status
                for _ in range(200)}
        self.assertEqual(seen, {201, 202, 203})
        seen = {call(self, "v2", "/status/200:1.5,404:.5").status
                for _ in range(200)}
        self.assertEqual(seen, {200, 404})

    def test_invalid_codes_are_400(self):
        for codes in ("abc", "99", "100", "199", "600", "1000", "-1",
                      "2OO", "200:x", "200,", ",200", "200,,201",
                      "200:0", "200:0,500:0", "200:-1", "200:1:2",
                      "20 0", "200:1e3", "%20200", "200%00", "200%00,500"):
            with self.subTest(codes):
                answer = call(self, "v2", "/status/" + codes)
                self.assertEqual(answer.status, 400)
                self.assertEqual(answer.json()["error"]["code"],
                                 "bad_request")


class Base64Test(unittest.TestCase):

    def test_standard_base64_decodes_to_text(self):
        for value in ("aGVsbG8gd29ybGQ=", "aGVsbG8gd29ybGQ"):
            with self.subTest(value):
                answer = call(self, "v1", "/base64/" + value)
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.body, b"hello world")
                self.assertEqual(answer.header("content-type"),
                                 "text/plain; charset=utf-8")
                self.assertEqual(answer.header("x-content-type-options"),
                                 "nosniff")

    def test_url_safe_and_standard_alphabets_both_decode(self):
        # "??>" is "Pz8+" in the standard alphabet, "Pz8-" URL-safe.
        for value in ("Pz8-", "Pz8+", "Pz8%2B"):
            with self.subTest(value):
                self.assertEqual(call(self, "v2", "/base64/" + value).body,
                                 b"??>")

    def test_bytes_that_are_not_text_come_back_binary(self):
        data = b"\xfb\xff\xbf\x00\x01"
        value = base64.urlsafe_b64encode(data).decode().rstrip("=")
        self.assertIn("_", value)
        for kind in KINDS:
            with self.subTest(kind):
                result = raw_call(self, kind, "/base64/" + value)
                self.assertIs(result["isBase64Encoded"], True)
                answer = gs.Answer(result)
                self.assertEqual(answer.body, data)
                self.assertEqual(answer.header("content-type"),
                                 "application/octet-stream")

    def test_text_that_is_not_base64_is_400(self):
        for value in ("!!!!", "a", "aGVsbG8=x", "aGV sbG8", "%00AAA",
                      "QUJD%0A=A"):
            with self.subTest(value):
                answer = call(self, "v2", "/base64/" + value)
                self.assertEqual(answer.status, 400)
                self.assertEqual(answer.json()["error"]["code"],
                                 "bad_base64")


class BytesTest(unittest.TestCase):

    def test_a_seed_gives_the_documented_bytes_in_every_shape(self):
        expected = splitmix64_bytes(42, 64)
        for kind in KINDS:
            with self.subTest(kind):
                result = raw_call(self, kind, "/bytes/64",
                                  query=[("seed", "42")])
                self.assertIs(result["isBase64Encoded"], True)
                answer = gs.Answer(result)
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.header("content-type"),
                                 "application/octet-stream")
                self.assertEqual(answer.body, expected)

    def test_the_same_seed_gives_the_same_bytes(self):
        first = call(self, "v2", "/bytes/1000", query=[("seed", "7")]).body
        again = call(self, "v2", "/bytes/1000", query=[("seed", "7")]).body
        other = call(self, "v2", "/bytes/1000", query=[("seed", "8")]).body
        self.assertEqual(first, again)
        self.assertNotEqual(first, other)
        self.assertEqual(len(first), 1000)
        self.assertIn(0, first)  # NUL bytes travel too

    def test_lengths_that_are_not_a_multiple_of_eight(self):
        for n in (1, 7, 9, 13):
            with self.subTest(n):
                body = call(self, "v1", "/bytes/%d" % n,
                            query=[("seed", "5")]).body
                self.assertEqual(body, splitmix64_bytes(5, n))

    def test_extreme_seeds(self):
        for seed in (0, MASK64):
            with self.subTest(seed):
                body = call(self, "v2", "/bytes/24",
                            query=[("seed", str(seed))]).body
                self.assertEqual(body, splitmix64_bytes(seed, 24))

    def test_without_a_seed_the_bytes_differ(self):
        a = call(self, "v2", "/bytes/64").body
        b = call(self, "v2", "/bytes/64").body
        self.assertEqual((len(a), len(b)), (64, 64))
        self.assertNotEqual(a, b)

    def test_zero_and_the_maximum_are_served(self):
        self.assertEqual(call(self, "v2", "/bytes/0").body, b"")
        self.assertEqual(len(call(self, "v2", "/bytes/102400").body),
                         102400)

    def test_bad_counts_and_seeds_are_400(self):
        for path, query in (("/bytes/102401", []), ("/bytes/-1", []),
                            ("/bytes/5%00", []),
                            ("/bytes/8", [("seed", "5\x00")]),
                            ("/bytes/abc", []), ("/bytes/1e3", []),
                            ("/bytes/99999999999999999999", []),
                            ("/bytes/8", [("seed", "abc")]),
                            ("/bytes/8", [("seed", "-1")]),
                            ("/bytes/8", [("seed", "")]),
                            ("/bytes/8", [("seed", str(MASK64 + 1))])):
            with self.subTest(path=path, query=query):
                answer = call(self, "v2", path, query=query)
                self.assertEqual(answer.status, 400)
                self.assertEqual(answer.json()["error"]["code"],
                                 "bad_request")


class GzipTest(unittest.TestCase):

    def test_gzip_is_compressed_json_whatever_the_client_accepts(self):
        for kind in KINDS:
            with self.subTest(kind):
                result = raw_call(self, kind, "/gzip",
                                  query=[("x", "1")],
                                  headers={"Accept-Encoding": "identity"})
                self.assertIs(result["isBase64Encoded"], True)
                packed = base64.b64decode(result["body"])
                self.assertEqual(packed[:2], b"\x1f\x8b")
                echo = json.loads(gzip.decompress(packed))
                self.assertIs(echo["gzipped"], True)
                self.assertEqual(echo["args"], {"x": ["1"]})
                self.assertEqual(echo["method"], "GET")
                self.assertEqual(echo["origin"], ORIGIN[kind])
                answer = gs.Answer(result)
                self.assertEqual(answer.header("content-encoding"), "gzip")
                self.assertEqual(answer.header("content-type"),
                                 "application/json")

    def test_gzip_is_get_only(self):
        answer = call(self, "v2", "/gzip", "POST")
        self.assertEqual(answer.status, 405)
        self.assertEqual(allow_set(answer), {"GET", "HEAD", "OPTIONS"})


class DocumentsTest(unittest.TestCase):

    def test_json_is_a_json_document(self):
        result = raw_call(self, "v2", "/json")
        self.assertIs(result["isBase64Encoded"], False)
        answer = gs.Answer(result)
        self.assertEqual(answer.header("content-type"), "application/json")
        self.assertIsInstance(answer.json(), dict)

    def test_html_is_an_html_page(self):
        answer = call(self, "v1", "/html")
        self.assertEqual(answer.header("content-type"),
                         "text/html; charset=utf-8")
        self.assertTrue(answer.body.startswith(b"<!DOCTYPE html>"))
        self.assertIn(b"</html>", answer.body)

    def test_xml_is_well_formed_xml(self):
        answer = call(self, "alb", "/xml")
        self.assertEqual(answer.header("content-type"), "application/xml")
        root = ET.fromstring(answer.body)
        self.assertTrue(root.tag)

    def test_utf8_page_is_utf8_text(self):
        for kind in KINDS:
            with self.subTest(kind):
                result = raw_call(self, kind, "/encoding/utf8")
                self.assertIs(result["isBase64Encoded"], False)
                answer = gs.Answer(result)
                self.assertEqual(answer.header("content-type"),
                                 "text/html; charset=utf-8")
                text = answer.body.decode("utf-8")
                for sample in ("\u043f\u0440\u0438\u0432\u0435\u0442",
                               "\u3053\u3093\u306b\u3061\u306f",
                               "\U0001F600", "Cr\u00e8me"):
                    self.assertIn(sample, text)

    def test_head_serves_headers_only(self):
        answer = call(self, "v2", "/html", "HEAD")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.body, b"")


class UuidTest(unittest.TestCase):

    def test_uuid_is_a_fresh_version_4_uuid(self):
        seen = set()
        for _ in range(50):
            echo = call(self, "v2", "/uuid").json()
            self.assertEqual(list(echo), ["uuid"])
            self.assertRegex(echo["uuid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4"
                             r"[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            value = uuid.UUID(echo["uuid"])
            self.assertEqual(value.version, 4)
            seen.add(value)
        self.assertEqual(len(seen), 50)


class CookiesTest(unittest.TestCase):

    # Bytes a cookie value may not hold are sent %XX-escaped.
    SET = ["a=1; Path=/", "b=two%20words; Path=/", "c=x%3By=Domain; Path=/"]

    def set_cookies(self, kind, **kw):
        return call(self, kind, "/cookies/set",
                    query=[("a", "1"), ("b", "two words"),
                           ("c", "x;y=Domain")], **kw)

    def test_cookies_lists_the_request_cookies(self):
        for kind in KINDS:
            with self.subTest(kind):
                echo = call(self, kind, "/cookies",
                            cookies=["a=1", "b=x%3By"]).json()
                self.assertEqual(echo, {"cookies": {"a": "1", "b": "x;y"}})

    def test_cookies_without_any_is_empty(self):
        self.assertEqual(call(self, "v1", "/cookies").json(),
                         {"cookies": {}})

    def test_set_sends_every_cookie_and_redirects_in_every_shape(self):
        for kind in COOKIE_KINDS:
            with self.subTest(kind):
                answer = self.set_cookies(kind)
                self.assertEqual(answer.status, 302)
                self.assertEqual(answer.header("location"), "/cookies")
                self.assertEqual(answer.headers["set-cookie"], self.SET)
                self.assertEqual(answer.body, b"")

    def test_set_cookies_travel_where_each_shape_wants_them(self):
        result = raw_call(self, "v1", "/cookies/set",
                          query=[("a", "1"), ("b", "2")])
        self.assertEqual(result["multiValueHeaders"]["Set-Cookie"],
                         ["a=1; Path=/", "b=2; Path=/"])
        for kind in ("v2", "url"):
            result = raw_call(self, kind, "/cookies/set",
                              query=[("a", "1"), ("b", "2")])
            self.assertEqual(result["cookies"],
                             ["a=1; Path=/", "b=2; Path=/"])
        result = raw_call(self, "alb-multi", "/cookies/set",
                          query=[("a", "1"), ("b", "2")])
        self.assertEqual(result["multiValueHeaders"]["Set-Cookie"],
                         ["a=1; Path=/", "b=2; Path=/"])

    def test_single_value_shapes_keep_only_the_last_cookie(self):
        # The gateway's documented limit: ALB single mode and VPC Lattice
        # carry one Set-Cookie; it keeps the last and logs a WARN.
        for kind in ("alb", "lattice-v1", "lattice-v2"):
            with self.subTest(kind), gs.fd1_output() as lines:
                result = raw_call(self, kind, "/cookies/set",
                                  query=[("a", "1"), ("b", "2")])
            self.assertEqual(result["headers"]["Set-Cookie"], "b=2; Path=/")
            warnings = [json.loads(l) for l in lines if '"WARN"' in l]
            self.assertEqual(len(warnings), 1, lines)
            self.assertIn("Set-Cookie", warnings[0]["message"])

    def test_what_set_sends_comes_back_from_cookies(self):
        answer = self.set_cookies("v2")
        sent = [c.split(";")[0] for c in answer.headers["set-cookie"]]
        echo = call(self, "v2", "/cookies", cookies=sent).json()
        self.assertEqual(echo, {"cookies": {"a": "1", "b": "two words",
                                            "c": "x;y=Domain"}})

    def test_delete_expires_each_named_cookie(self):
        for kind in COOKIE_KINDS:
            with self.subTest(kind):
                answer = call(self, kind, "/cookies/delete",
                              query=[("a", ""), ("b", "")])
                self.assertEqual(answer.status, 302)
                self.assertEqual(answer.headers["set-cookie"], [
                    "a=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 "
                    "00:00:00 GMT",
                    "b=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 "
                    "00:00:00 GMT"])

    def test_a_bad_cookie_name_is_400_without_any_cookie(self):
        for name in ("a b", "a;b", "a=b", "", "caf\u00e9"):
            with self.subTest(name):
                answer = call(self, "v1", "/cookies/set",
                              query=[("ok", "1"), (name, "v")])
                self.assertEqual(answer.status, 400)
                self.assertNotIn("set-cookie", answer.headers)

    def test_the_redirect_keeps_the_stage_of_the_public_path(self):
        event = gs.build_event("v1", "/cookies/set", query=[("a", "1")])
        event["requestContext"]["path"] = "/prod/cookies/set"
        answer = gs.Answer(gs.invoke(httpbin, event))
        self.assertEqual(answer.header("location"), "/prod/cookies")

        event = events.http("/dev/cookies/set", query="a=1", stage="dev")
        answer = gs.Answer(gs.invoke(httpbin, event))
        self.assertEqual(answer.status, 302)
        self.assertEqual(answer.header("location"), "/dev/cookies")

    def test_the_redirect_never_leads_to_another_host(self):
        event = gs.build_event("v1", "/cookies/set")
        event["requestContext"]["path"] = "//evil.example/cookies/set"
        answer = gs.Answer(gs.invoke(httpbin, event))
        self.assertEqual(answer.header("location"), "/cookies")


class ResponseHeadersTest(unittest.TestCase):

    def test_each_pair_becomes_a_header_and_the_body_echoes_them(self):
        for kind in COOKIE_KINDS:
            with self.subTest(kind):
                answer = call(self, kind, "/response-headers",
                              query=[("X-One", "1"), ("X-Multi", "a"),
                                     ("X-Multi", "b")])
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.headers["x-one"], ["1"])
                self.assertIn(answer.headers["x-multi"],
                              (["a", "b"], ["a, b"]))
                self.assertEqual(answer.json(), {
                    "X-One": ["1"], "X-Multi": ["a", "b"],
                    "Content-Type": ["application/json"]})

    def test_repeated_names_are_repeated_headers_in_rest(self):
        result = raw_call(self, "v1", "/response-headers",
                          query=[("X-Multi", "a"), ("X-Multi", "b")])
        self.assertEqual(result["multiValueHeaders"]["X-Multi"], ["a", "b"])

    def test_several_set_cookie_headers_survive_in_every_shape(self):
        for kind in COOKIE_KINDS:
            with self.subTest(kind):
                answer = call(self, kind, "/response-headers",
                              query=[("Set-Cookie", "a=1; Path=/"),
                                     ("Set-Cookie",
                                      "b=2; Expires=Wed, 21 Oct 2026 "
                                      "07:28:00 GMT")])
                self.assertEqual(answer.headers["set-cookie"], [
                    "a=1; Path=/",
                    "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT"])

    def test_post_is_served_too(self):
        answer = call(self, "v2", "/response-headers", "POST",
                      query=[("X-A", "1")])
        self.assertEqual(answer.headers["x-a"], ["1"])
        answer = call(self, "v2", "/response-headers", "PUT")
        self.assertEqual(answer.status, 405)
        self.assertEqual(allow_set(answer),
                         {"GET", "HEAD", "OPTIONS", "POST"})

    def test_line_breaks_nul_and_bad_names_are_400_and_add_nothing(self):
        for pair in (("X-Bad", "1\r\nX-Injected: 2"), ("X-Bad", "1\n2"),
                     ("X-Bad", "a\rb"), ("X-Bad", "a\x00b"),
                     ("X Bad", "1"), ("X:Bad", "1"), ("", "1"),
                     ("X-\u00e9", "1")):
            for kind in ("v1", "v2"):
                with self.subTest(pair=pair, kind=kind):
                    answer = call(self, kind, "/response-headers",
                                  query=[("X-Ok", "1"), pair])
                    self.assertEqual(answer.status, 400)
                    self.assertEqual(answer.json()["error"]["code"],
                                     "bad_request")
                    self.assertNotIn("x-ok", answer.headers)
                    self.assertNotIn("x-injected", answer.headers)

    def test_a_content_type_of_the_client_is_used_and_escaped(self):
        answer = call(self, "v2", "/response-headers",
                      query=[("Content-Type", "text/html"),
                             ("X-Script", "<script>alert('x')</script>")])
        self.assertEqual(answer.header("content-type"), "text/html")
        self.assertNotIn(b"<script>", answer.body)
        self.assertIn(b"&lt;script&gt;", answer.body)
        # The header itself goes out as asked.
        self.assertEqual(answer.header("x-script"),
                         "<script>alert('x')</script>")


class RedirectToTest(unittest.TestCase):

    def test_default_status_is_302(self):
        for kind in KINDS:
            with self.subTest(kind):
                answer = call(self, kind, "/redirect-to",
                              query=[("url", "https://example.com/a?b=c")])
                self.assertEqual(answer.status, 302)
                self.assertEqual(answer.header("location"),
                                 "https://example.com/a?b=c")

    def test_any_3xx_status_code_is_used(self):
        for code in (300, 301, 303, 307, 308, 399):
            with self.subTest(code):
                answer = call(self, "v2", "/redirect-to", "POST",
                              query=[("url", "/get"),
                                     ("status_code", str(code))])
                self.assertEqual(answer.status, code)
                self.assertEqual(answer.header("location"), "/get")

    def test_bad_requests_are_400(self):
        for query in ([], [("url", "")],
                      [("url", "/x"), ("status_code", "200")],
                      [("url", "/x"), ("status_code", "400")],
                      [("url", "/x"), ("status_code", "abc")],
                      [("url", "/x"), ("status_code", "3000")],
                      [("url", "/x"), ("status_code", "301\x00")],
                      [("url", "/x\r\nSet-Cookie: a=1")],
                      [("url", "/x\x00y")]):
            with self.subTest(query):
                answer = call(self, "v2", "/redirect-to", query=query)
                self.assertEqual(answer.status, 400)
                self.assertNotIn("location", answer.headers)
                self.assertNotIn("set-cookie", answer.headers)


class CacheTest(unittest.TestCase):

    def test_an_unconditional_request_gets_validators(self):
        answer = call(self, "v1", "/cache")
        self.assertEqual(answer.status, 200)
        modified = email.utils.parsedate_to_datetime(
            answer.header("last-modified"))
        self.assertIsNotNone(modified.tzinfo)
        self.assertRegex(answer.header("etag"), r'^"[0-9a-f]{16}"$')
        self.assertEqual(set(answer.json()), GET_KEYS)

    def test_a_conditional_request_is_304(self):
        for name, value in (("If-Modified-Since",
                             "Wed, 21 Oct 2015 07:28:00 GMT"),
                            ("If-None-Match", '"abc"')):
            for kind in KINDS:
                with self.subTest(name=name, kind=kind):
                    answer = call(self, kind, "/cache",
                                  headers={name: value})
                    self.assertEqual(answer.status, 304)
                    self.assertEqual(answer.body, b"")


class RoutingTest(unittest.TestCase):

    GET_ONLY = ("/headers", "/ip", "/user-agent", "/cache", "/gzip",
                "/cookies", "/cookies/set", "/cookies/delete",
                "/base64/YQ", "/bytes/1", "/uuid", "/json", "/html", "/xml",
                "/encoding/utf8")

    def test_get_routes_refuse_other_methods_with_allow(self):
        for path in self.GET_ONLY:
            for method in ("POST", "DELETE"):
                with self.subTest(path=path, method=method):
                    answer = call(self, "v2", path, method)
                    self.assertEqual(answer.status, 405)
                    self.assertEqual(allow_set(answer),
                                     {"GET", "HEAD", "OPTIONS"})
                    self.assertEqual(answer.json()["error"]["status"], 405)

    def test_unknown_paths_are_404_json(self):
        for path in ("/nope", "/status", "/bytes", "/base64",
                     "/get/more", "/status/200/x"):
            with self.subTest(path):
                answer = call(self, "v1", path)
                self.assertEqual(answer.status, 404)
                self.assertEqual(answer.json()["error"]["code"],
                                 "not_found")

    def test_anything_still_echoes_with_its_own_keys(self):
        echo = call(self, "v2", "/anything/a/b", "PATCH", body="x").json()
        self.assertEqual(set(echo), {"method", "url", "path", "args",
                                     "headers", "data", "json", "form",
                                     "origin", "lando"})
        self.assertEqual(echo["lando"]["route"], "/anything/{path+}")
        self.assertEqual(echo["lando"]["pathParameters"], {"path": "a/b"})


if __name__ == "__main__":
    unittest.main()
