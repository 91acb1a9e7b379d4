"""Event -> request: hand-made events of every source, read back through
libgwtest's /raw route, which shows the request exactly as the gateway
built it (no middleware runs there), and through httpbin's echo.
"""

import copy
import sys
import unittest

import events
import gateway_support as gs

gwtest = gs.load("libgwtest")
httpbin = gs.load("libhttpbin")


def raw(event, context=None, module=gwtest):
    """The request as built, or the Answer when the status is not 200."""
    answer = gs.Answer(gs.invoke(module, event, context))
    if answer.status != 200:
        raise AssertionError("status %d: %r" % (answer.status, answer.body))
    return answer.json()


class SourceDetectionTest(unittest.TestCase):

    def test_each_shape_is_told_apart_without_version(self):
        expected = {"v1": "rest", "v2": "http", "url": "url", "alb": "alb",
                    "alb-multi": "alb", "lattice-v1": "lattice-v1",
                    "lattice-v2": "lattice-v2"}
        for kind, build in events.ALL:
            with self.subTest(kind):
                event = build()
                event.pop("version", None)
                result = gs.invoke(gwtest, event)
                gs.check_shape(self, result, kind)
                self.assertEqual(gs.Answer(result).json()["source"],
                                 expected[kind])

    def test_version_field_is_ignored(self):
        # An HTTP API 1.0 payload says version 2 (a number) sometimes.
        event = events.rest(version=2)
        self.assertEqual(raw(event)["source"], "rest")
        event = events.rest(version="2.0")
        self.assertEqual(raw(event)["source"], "rest")
        event = events.lattice_v2(version="1.0")
        self.assertEqual(raw(event)["source"], "lattice-v2")

    def test_alb_without_multi_value_maps_is_single_mode(self):
        result = gs.invoke(gwtest, events.alb())
        gs.check_shape(self, result, "alb")
        event = events.alb(multiValueHeaders=None)
        gs.check_shape(self, gs.invoke(gwtest, event), "alb")

    def test_function_url_is_told_by_its_domain(self):
        self.assertEqual(raw(events.url())["source"], "url")
        self.assertEqual(raw(events.http())["source"], "http")


class MethodAndPathTest(unittest.TestCase):

    def test_method_comes_from_the_field_of_each_source(self):
        for kind, build in events.ALL:
            with self.subTest(kind):
                self.assertEqual(raw(build(method="PATCH"))["method"],
                                 "PATCH")

    def test_rest_ignores_the_method_in_the_request_context(self):
        event = events.rest(method="POST")
        event["requestContext"]["httpMethod"] = "PUT"
        self.assertEqual(raw(event)["method"], "POST")

    def test_lower_case_method_is_upper_cased(self):
        self.assertEqual(raw(events.lattice_v2(method="get"))["method"],
                         "GET")

    def test_path_is_kept_percent_encoded(self):
        for kind, build in events.ALL:
            with self.subTest(kind):
                got = raw(build("/raw/a%2Fb%20c"))
                self.assertEqual(got["path"], "/raw/a%2Fb%20c")
                self.assertEqual(got["rawPath"], "/raw/a%2Fb%20c")

    def test_http_api_stage_is_removed_from_the_routed_path_only(self):
        got = raw(events.http("/beta/raw/x", stage="beta"))
        self.assertEqual(got["path"], "/raw/x")
        self.assertEqual(got["rawPath"], "/beta/raw/x")
        self.assertEqual(got["stage"], "beta")

    def test_stage_is_removed_only_as_a_whole_segment(self):
        answer = gs.Answer(gs.invoke(gwtest,
                                     events.http("/betamax/raw", stage="beta")))
        self.assertEqual(answer.status, 404)
        answer = gs.Answer(gs.invoke(gwtest, events.http("/beta",
                                                         stage="beta")))
        self.assertEqual(answer.status, 404)  # routed as "/"

    def test_default_stage_and_rest_paths_are_not_stripped(self):
        got = raw(events.http("/raw/$default"))
        self.assertEqual(got["path"], "/raw/$default")
        got = raw(events.rest("/raw/prod"))
        self.assertEqual(got["path"], "/raw/prod")
        self.assertEqual(got["stage"], "prod")

    def test_lattice_paths_may_carry_the_query_string(self):
        for build in (events.lattice_v1, events.lattice_v2):
            with self.subTest(build.__name__):
                got = raw(build("/raw/x?a=1&b=two+words&a=%2B"))
                self.assertEqual(got["path"], "/raw/x")
                self.assertEqual(got["query"], [["a", "1"],
                                                ["b", "two words"],
                                                ["a", "+"]])
                self.assertEqual(got["rawQuery"], "a=1&b=two+words&a=%2B")


class QueryTest(unittest.TestCase):

    def test_raw_query_string_is_parsed_losslessly(self):
        got = raw(events.http(query="a=1&a=2&b=x+y&c=%2B%26&d&&e="))
        self.assertEqual(got["query"], [["a", "1"], ["a", "2"],
                                        ["b", "x y"], ["c", "+&"],
                                        ["d", ""], ["e", ""]])
        self.assertEqual(got["rawQuery"], "a=1&a=2&b=x+y&c=%2B%26&d&&e=")

    def test_query_map_serves_when_the_raw_query_is_absent(self):
        event = events.http(queryStringParameters={"a": "1,2", "b": "x y"})
        del event["rawQueryString"]
        got = raw(event)
        self.assertEqual(got["query"], [["a", "1,2"], ["b", "x y"]])
        self.assertEqual(gs.parse_query(got["rawQuery"]),
                         [("a", "1,2"), ("b", "x y")])

    def test_rest_multi_value_query_wins_and_raw_query_is_rebuilt(self):
        event = events.rest(
            queryStringParameters={"a": "2", "q": "a&b=c"},
            multiValueQueryStringParameters={"a": ["1", "2"],
                                             "q": ["a&b=c"]})
        got = raw(event)
        self.assertEqual(got["query"], [["a", "1"], ["a", "2"],
                                        ["q", "a&b=c"]])
        self.assertEqual(got["rawQuery"], "a=1&a=2&q=a%26b%3Dc")

    def test_empty_multi_value_query_falls_back_to_the_single_map(self):
        event = events.rest(queryStringParameters={"a": "1"},
                            multiValueQueryStringParameters={})
        self.assertEqual(raw(event)["query"], [["a", "1"]])

    def test_alb_query_is_percent_decoded_and_plus_is_a_space(self):
        # ALB hands the client's pieces over undecoded; '+' means a space
        # exactly as it does in an HTTP API's rawQueryString.
        for multi in (False, True):
            with self.subTest(multi=multi):
                if multi:
                    event = events.alb(multi=True)
                    event["multiValueQueryStringParameters"] = {
                        "my%20key": ["%3FshowAll%3Dtrue", "a+b"]}
                else:
                    event = events.alb(queryStringParameters={
                        "my%20key": "%3FshowAll%3Dtrue", "p": "a+b%2B"})
                got = raw(event)
                self.assertEqual(got["query"][0],
                                 ["my key", "?showAll=true"])
                self.assertEqual(got["query"][1][1],
                                 "a b" if multi else "a b+")
                self.assertTrue(got["rawQuery"].startswith(
                    "my%20key=%3FshowAll%3Dtrue&"))

    def test_alb_bad_escape_is_kept_literally(self):
        got = raw(events.alb(queryStringParameters={"a": "100%", "b": "%zz"}))
        self.assertEqual(got["query"], [["a", "100%"], ["b", "%zz"]])

    def test_decoded_bytes_that_are_not_utf8_survive(self):
        got = raw(events.http(query="a=%FF%00b"))
        self.assertEqual(got["query"], [["a", "b64:/wBi"]])

    def test_lattice_v2_query_values_may_be_lists(self):
        event = events.lattice_v2(queryStringParameters={
            "a": ["1", "2"], "b": "3", "c": None, "d": ["4", None]})
        self.assertEqual(raw(event)["query"], [["a", "1"], ["a", "2"],
                                               ["b", "3"], ["d", "4"]])


class HeaderTest(unittest.TestCase):

    def test_multi_value_headers_win_and_keep_every_value(self):
        event = events.rest(
            headers={"Accept": "b", "X-One": "1"},
            multiValueHeaders={"Accept": ["a", "b"], "X-One": ["1"]})
        self.assertEqual(raw(event)["headers"], [["Accept", "a"],
                                                 ["Accept", "b"],
                                                 ["X-One", "1"]])

    def test_empty_multi_value_headers_fall_back_to_the_single_map(self):
        event = events.rest(headers={"X-One": "1"}, multiValueHeaders={})
        self.assertEqual(raw(event)["headers"], [["X-One", "1"]])

    def test_null_or_absent_headers_give_no_headers(self):
        for value in (None, {}, "absent"):
            with self.subTest(value=value):
                event = events.rest()
                if value == "absent":
                    del event["headers"]
                else:
                    event["headers"] = value
                self.assertEqual(raw(event)["headers"], [])

    def test_header_names_keep_their_case_and_odd_spelling(self):
        event = events.lattice_v1(headers={"user_agent": "curl",
                                           "Content-Type": "text/plain"})
        self.assertEqual(raw(event)["headers"], [["user_agent", "curl"],
                                                 ["Content-Type",
                                                  "text/plain"]])

    def test_lattice_v2_header_values_may_be_lists(self):
        event = events.lattice_v2(headers={"Header2": ["v1", "v2"],
                                           "h": "one"})
        self.assertEqual(raw(event)["headers"], [["Header2", "v1"],
                                                 ["Header2", "v2"],
                                                 ["h", "one"]])

    def test_cookies_array_becomes_one_cookie_header(self):
        event = events.http(cookies=["a=1", "b=x%2Fy", "bare"])
        self.assertEqual(raw(event)["headers"], [
            ["host", events.API_DOMAIN], ["Cookie", "a=1; b=x%2Fy; bare"]])

    def test_cookies_array_replaces_a_cookie_header(self):
        event = events.url(cookies=["a=1", "b=2"])
        event["headers"]["cookie"] = "a=1; b=2"
        headers = raw(event)["headers"]
        self.assertEqual([v for n, v in headers if n.lower() == "cookie"],
                         ["a=1; b=2"])

    def test_empty_cookies_array_leaves_the_cookie_header(self):
        event = events.http(cookies=[])
        event["headers"]["cookie"] = "a=1"
        self.assertIn(["cookie", "a=1"], raw(event)["headers"])

    def test_cookie_header_is_parsed_by_httpbin(self):
        event = events.http("/anything", cookies=["tz=Europe%2FParis"])
        echo = raw(event, module=httpbin)
        self.assertEqual(echo["headers"]["cookie"], ["tz=Europe%2FParis"])


class BodyTest(unittest.TestCase):

    def test_str_body_is_handed_over_as_utf8(self):
        got = raw(events.rest(body="h\u00e9llo \U0001F30D"))
        self.assertEqual(got["body"], "h\u00e9llo \U0001F30D")
        self.assertEqual(got["bodyLength"], len("h\u00e9llo \U0001F30D"
                                                .encode("utf-8")))

    def test_bytes_body_is_handed_over_as_is(self):
        got = raw(events.rest(body=b"\x00\xffbin"))
        self.assertEqual(got["body"], "b64:AP9iaW4=")
        self.assertEqual(got["bodyLength"], 5)

    def test_null_empty_or_absent_body_is_empty(self):
        for value in (None, "", "absent"):
            with self.subTest(value=value):
                event = events.http()
                if value != "absent":
                    event["body"] = value
                got = raw(event)
                self.assertEqual((got["body"], got["bodyLength"]), ("", 0))

    def test_base64_body_stays_encoded_for_the_middleware(self):
        got = raw(events.rest(body="Zm9vPWJhcg==", isBase64Encoded=True))
        self.assertEqual(got["body"], "Zm9vPWJhcg==")
        self.assertTrue(got["bodyIsBase64"])

    def test_missing_base64_flag_means_plain_text(self):
        event = events.rest(body="Zm9v")
        del event["isBase64Encoded"]
        self.assertFalse(raw(event)["bodyIsBase64"])

    def test_lattice_v1_uses_its_snake_case_flag(self):
        got = raw(events.lattice_v1(body="Zm9v", is_base64_encoded=True))
        self.assertTrue(got["bodyIsBase64"])

    def test_httpbin_decodes_base64_and_reports_binary_as_data_url(self):
        echo = raw(events.http("/anything", body="AP9i", isBase64Encoded=True),
                   module=httpbin)
        self.assertEqual(echo["data"],
                         "data:application/octet-stream;base64,AP9i")
        echo = raw(events.http("/anything", body="eyJhIjogMX0=",
                               isBase64Encoded=True), module=httpbin)
        self.assertEqual(echo["json"], {"a": 1})

    def test_httpbin_answers_invalid_base64_with_400(self):
        event = events.alb("/anything", body="@@@@", isBase64Encoded=True)
        answer = gs.Answer(gs.invoke(httpbin, event))
        self.assertEqual(answer.status, 400)
        self.assertEqual(answer.json()["error"]["code"], "bad_base64")


class ContextTest(unittest.TestCase):

    def lookup(self, event, key):
        event = copy.deepcopy(event)
        event["rawPath"] = event["requestContext"]["http"]["path"] = \
            "/context"
        event["rawQueryString"] = "key=" + key
        return raw(event)["value"]

    def test_request_context_values_are_read_by_dotted_key(self):
        event = events.http()
        event["requestContext"]["authorizer"] = {
            "lambda": {"clientId": 1, "ratio": 0.5, "admin": True,
                       "name": "n\u00e9", "none": None,
                       "groups": ["a", "b"], "nested": {"x": "y"}},
            "jwt": {"scopes": None}}
        self.assertEqual(self.lookup(event, "requestId"), "http-request-id")
        self.assertEqual(self.lookup(event, "http.sourceIp"), "203.0.113.9")
        self.assertEqual(self.lookup(event, "authorizer.lambda.clientId"),
                         "1")
        self.assertEqual(self.lookup(event, "authorizer.lambda.ratio"),
                         "0.5")
        self.assertEqual(self.lookup(event, "authorizer.lambda.admin"),
                         "true")
        self.assertEqual(self.lookup(event, "authorizer.lambda.name"),
                         "n\u00e9")
        self.assertEqual(self.lookup(event, "authorizer.lambda.groups.1"),
                         "b")
        for absent in ("authorizer.lambda.none", "authorizer.lambda.nested",
                       "authorizer.lambda.groups", "authorizer.jwt.scopes",
                       "authorizer.lambda.groups.7", "nope", "http..method",
                       "authorizer.lambda.clientId.x"):
            with self.subTest(absent):
                self.assertIsNone(self.lookup(event, absent))

    def test_source_ip_comes_from_the_context_or_the_forwarded_header(self):
        self.assertEqual(raw(events.rest())["sourceIp"], "198.51.100.7")
        self.assertEqual(raw(events.http())["sourceIp"], "203.0.113.9")
        self.assertEqual(raw(events.alb())["sourceIp"], "192.0.2.44")
        self.assertIsNone(raw(events.lattice_v1())["sourceIp"])

    def test_stage_variables_are_read(self):
        got = raw(events.rest(stageVariables={"env": "prod", "n": None}))
        self.assertEqual(got["stageVariables"], [["env", "prod"]])

    def lambda_fields(self, context):
        return raw(events.http("/lambda"), context)

    def test_lambda_context_fields_are_read_from_the_runtime_object(self):
        context = gs.LambdaContext(request_id="req-1", memory="256",
                                   remaining=1234)
        got = self.lambda_fields(context)
        self.assertEqual(got["functionName"], "httpbin")
        self.assertEqual(got["functionVersion"], "$LATEST")
        self.assertEqual(got["invokedFunctionArn"],
                         context.invoked_function_arn)
        self.assertEqual(got["memoryLimitInMB"], "256")
        self.assertEqual(got["awsRequestId"], "req-1")
        self.assertEqual(got["logGroupName"], context.log_group_name)
        self.assertEqual(got["logStreamName"], context.log_stream_name)
        self.assertEqual(got["remainingMs"], 1234)
        self.assertEqual(got["requestId"], "req-1")

    def test_memory_limit_may_be_an_int(self):
        got = self.lambda_fields(gs.LambdaContext(memory=512))
        self.assertEqual(got["memoryLimitInMB"], "512")

    def test_without_a_context_fields_are_absent(self):
        got = self.lambda_fields(None)
        self.assertIsNone(got["functionName"])
        self.assertEqual(got["remainingMs"], -1)
        self.assertEqual(got["requestId"], "http-request-id")

    def test_a_context_that_raises_reads_as_absent(self):
        class Broken:
            @property
            def function_name(self):
                raise RuntimeError("no")

            def get_remaining_time_in_millis(self):
                raise RuntimeError("no")

        got = self.lambda_fields(Broken())
        self.assertIsNone(got["functionName"])
        self.assertIsNone(got["awsRequestId"])
        self.assertEqual(got["remainingMs"], -1)


class IsolationTest(unittest.TestCase):

    def test_nothing_carries_over_to_the_next_invocation(self):
        first = events.rest(headers={"X-Secret": "1"},
                            queryStringParameters={"q": "1"},
                            body="payload")
        raw(first)
        got = raw(events.rest())
        self.assertNotIn("X-Secret", [n for n, v in got["headers"]])
        self.assertEqual(got["query"], [])
        self.assertEqual(got["body"], "")

    def test_the_event_is_neither_changed_nor_leaked(self):
        event = events.http(cookies=["a=1"], body="x")
        before = copy.deepcopy(event)
        refs = sys.getrefcount(event)
        raw(event)
        self.assertEqual(event, before)
        self.assertEqual(sys.getrefcount(event), refs)


if __name__ == "__main__":
    unittest.main()
