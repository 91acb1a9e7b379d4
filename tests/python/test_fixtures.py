"""Every event of the conformance corpus (tests/events/fixtures) through
httpbin, the example app that echoes the request lando decoded.

Each request event is served twice: as published, where its path matches
no route and the answer is lando's JSON 404 in the source's shape; and
moved below /anything, where the echo must report the method, path,
query, headers (repeated values included), cookies, body and source the
event describes. WebSocket events and the response samples are not HTTP
requests and raise EventError.

The corpus copy beside the shared one (../shared/fixtures/events from
the repository root) is checked too when it exists.
"""

import os
import unittest
import urllib.parse

import gateway_support as gs

httpbin = gs.load("libhttpbin")


class CorpusTest(unittest.TestCase):
    folder = gs.EVENTS

    @classmethod
    def setUpClass(cls):
        if not os.path.isfile(os.path.join(cls.folder, "index.json")):
            raise unittest.SkipTest("no corpus at " + cls.folder)
        cls.entries = gs.corpus(cls.folder)

    def requests(self):
        return [(entry, event) for entry, event in self.entries
                if entry["kind"] in gs.REQUEST_KINDS]

    def test_corpus_has_every_kind_of_event(self):
        kinds = {entry["kind"] for entry, _ in self.entries}
        self.assertEqual(len(self.entries), 54)
        self.assertTrue(set(gs.REQUEST_KINDS) <= kinds)

    def test_unrouted_events_answer_404_in_the_shape_of_their_source(self):
        for entry, event in self.requests():
            with self.subTest(entry["file"]):
                result = gs.invoke(httpbin, event)
                gs.check_shape(self, result, entry["kind"])
                answer = gs.Answer(result)
                if gs.expected_body(event, entry["kind"]) is None:
                    # Bad base64 is refused before routing, so a handler
                    # never sees a body that lost its bytes.
                    self.assertEqual(answer.status, 400)
                    self.assertEqual(answer.json()["error"]["code"],
                                     "bad_base64")
                    continue
                self.assertEqual(answer.status, 404)
                self.assertEqual(answer.json()["error"]["code"],
                                 "not_found")

    def test_non_http_events_raise_event_error(self):
        for entry, event in self.entries:
            if entry["kind"] in gs.REQUEST_KINDS:
                continue
            with self.subTest(entry["file"]):
                with self.assertRaises(httpbin.EventError) as caught:
                    httpbin.handler(event, gs.LambdaContext())
                self.assertIsInstance(caught.exception, ValueError)
                if entry["kind"] == "websocket":
                    self.assertIn("API Gateway WebSocket event",
                                  str(caught.exception))
                else:
                    self.assertIn("statusCode", str(caught.exception))

    def test_index_states_what_the_events_say(self):
        for entry, event in self.requests():
            with self.subTest(entry["file"]):
                kind = entry["kind"]
                self.assertEqual(gs.expected_method(event, kind),
                                 entry["method"])
                self.assertEqual(event[gs.PATH_KEY[kind]], entry["path"])

    def test_echo_reports_each_event_faithfully(self):
        for entry, event in self.requests():
            with self.subTest(entry["file"]):
                self.check_echo(entry, event)

    def check_echo(self, entry, event):
        kind = entry["kind"]
        moved = gs.under_anything(event, kind)
        context = gs.LambdaContext()
        result = gs.invoke(httpbin, moved, context)
        gs.check_shape(self, result, kind)
        answer = gs.Answer(result)

        body = gs.expected_body(moved, kind)
        if body is None:
            # isBase64Encoded with text that is not base64.
            self.assertEqual(answer.status, 400)
            self.assertEqual(answer.json()["error"]["code"], "bad_base64")
            return
        self.assertEqual(answer.status, 200, answer.body[:300])
        echo = answer.json()

        raw_path, _query = gs.split_path(moved, kind)
        prefix = gs.stage_prefix(moved, kind)
        routed = raw_path[len(prefix):] or "/"
        headers = gs.expected_headers(moved, kind)

        self.assertEqual(echo["method"], entry["method"])
        self.assertEqual(echo["path"], routed)
        self.assertEqual(echo["args"],
                         gs.grouped(gs.expected_query(moved, kind)))
        self.assertEqual(echo["headers"], gs.grouped(headers, lower=True))
        self.assertEqual(echo["data"], gs.expected_data(body))
        self.assertEqual(echo["json"], gs.expected_json(body))
        self.assertEqual(echo["form"], gs.expected_form(headers, body))
        self.assertEqual(echo["origin"], gs.expected_origin(moved, headers))

        lando = echo["lando"]
        route, params = gs.expected_route_and_params(routed)
        stage = gs.context_of(moved).get("stage")
        self.assertEqual(lando["source"], gs.SOURCE_OF_KIND[kind])
        self.assertEqual(lando["stage"], stage)
        self.assertEqual(lando["route"], route)
        self.assertEqual(lando["pathParameters"], params)
        self.assertEqual(lando["requestId"], context.aws_request_id)

        # The URL: the event's raw path, and a query that parses back to
        # the same arguments.
        url = urllib.parse.urlsplit(echo["url"])
        self.assertEqual(urllib.parse.unquote(url.path),
                         urllib.parse.unquote(raw_path))
        self.assertEqual(gs.parse_query(url.query),
                         gs.expected_query(moved, kind))
        host = dict((n.lower(), v) for n, v in headers).get("host") or \
            gs.context_of(moved).get("domainName")
        if host:
            self.assertEqual(url.netloc, host)

        # Cookies arrive as one Cookie header, never twice.
        cookie_headers = [v for n, v in headers if n.lower() == "cookie"]
        self.assertEqual(echo["headers"].get("cookie", []), cookie_headers)


@unittest.skipUnless(os.path.isfile(os.path.join(gs.SHARED_EVENTS,
                                                 "index.json")),
                     "no shared corpus beside the repository")
class SharedCorpusTest(CorpusTest):
    folder = gs.SHARED_EVENTS


class CorpusQuirksTest(unittest.TestCase):
    """The quirks the corpus README lists, one assertion each."""

    @classmethod
    def setUpClass(cls):
        cls.events = {entry["file"]: (entry["kind"], event)
                      for entry, event in gs.corpus()}

    def echo(self, name, context=None):
        kind, event = self.events[name]
        answer = gs.Answer(gs.invoke(httpbin, gs.under_anything(event, kind),
                                     context or gs.LambdaContext()))
        self.assertEqual(answer.status, 200, answer.body[:300])
        return answer.json()

    def test_multi_value_headers_win_over_the_single_map(self):
        echo = self.echo("powertools-python/apiGatewayProxyEvent.json")
        self.assertEqual(echo["headers"]["header2"], ["value1", "value2"])
        self.assertEqual(echo["args"]["parameter1"], ["value1", "value2"])

    def test_rest_multi_value_query_keeps_every_value(self):
        echo = self.echo(
            "aws-lambda-rust-runtime/apigw_multi_value_proxy_request.json")
        self.assertEqual(echo["args"]["multiValueName"], ["you", "me"])

    def test_raw_query_string_is_trusted_over_the_map(self):
        echo = self.echo("aws-lambda-dotnet/"
                         "values-get-querystring-httpapi-v2-encoding-"
                         "request.json")
        self.assertEqual(echo["args"]["testDateTimeOffset"],
                         ["2019-03-12T16:06:06.549817+00:00"])

    def test_raw_query_string_is_the_only_source_when_the_map_is_absent(self):
        echo = self.echo("aws-lambda-dotnet/"
                         "rawtarget-escaped-reserved-in-query-httpapi-v2.json")
        self.assertEqual(echo["args"], {"foo": ["b@r"]})
        echo = self.echo("bref/ag-v2-query-string-multivalue.json")
        self.assertTrue(any(len(v) > 1 for v in echo["args"].values()))

    def test_alb_query_values_are_percent_decoded(self):
        echo = self.echo(
            "aws-lambda-rust-runtime/alb_request_encoded_query_parameters"
            ".json")
        self.assertEqual(echo["args"]["myKey"], ["?showAll=true"])
        echo = self.echo(
            "aws-lambda-rust-runtime/"
            "alb_multi_value_request_encoded_query_parameters.json")
        self.assertEqual(echo["args"]["myKey"],
                         ["?showAll=true", "?showAll=false"])

    def test_alb_multi_value_cookie_header_keeps_both_values(self):
        echo = self.echo(
            "aws-lambda-rust-runtime/"
            "alb_multi_value_request_encoded_query_parameters.json")
        self.assertEqual(echo["headers"]["cookie"],
                         ["name1=value1", "name2=value2"])

    def test_http_api_stage_is_stripped_from_the_routed_path(self):
        echo = self.echo(
            "aws-lambda-dotnet/values-get-all-httpapi-v2-with-stage.json")
        self.assertEqual(echo["path"], "/anything/api/values")
        self.assertIn("/beta/anything/api/values", echo["url"])
        self.assertEqual(echo["lando"]["stage"], "beta")

    def test_cookies_array_becomes_one_cookie_header(self):
        echo = self.echo(
            "aws-lambda-dotnet/cookies-get-multiple-httpapi-v2-request.json")
        self.assertEqual(len(echo["headers"]["cookie"]), 1)
        self.assertEqual(echo["headers"]["cookie"][0].count("; "), 2)
        echo = self.echo("aws-lambda-go/"
                         "function-url-request-with-headers-and-cookies-and-"
                         "text-body.json")
        self.assertEqual(len(echo["headers"]["cookie"]), 1)

    def test_top_level_method_wins_over_the_request_context(self):
        echo = self.echo("bref/ag-v1-body-base64.json")
        self.assertEqual(echo["method"], "POST")

    def test_base64_bodies_are_decoded(self):
        echo = self.echo("bref/ag-v1-body-base64.json")
        self.assertEqual(echo["data"], "foo=bar")
        echo = self.echo("aws-lambda-go/"
                         "function-url-domain-only-request-with-base64-"
                         "encoded-body.json")
        self.assertEqual(echo["data"], "<idk/>")
        echo = self.echo("powertools-python/vpcLatticeEvent.json")
        self.assertEqual(echo["json"], {"test": "event"})
        echo = self.echo(
            "aws-lambda-dotnet/values-put-binary-alb-request.json")
        self.assertEqual(echo["data"], "Greetings, programs!")

    def test_base64_flag_with_a_null_body_gives_an_empty_body(self):
        echo = self.echo(
            "aws-lambda-dotnet/values-get-all-httpapi-request.json")
        self.assertEqual(echo["data"], "")
        self.assertEqual(echo["lando"]["source"], "rest")

    def test_surrogate_pair_escape_becomes_one_code_point(self):
        echo = self.echo("bref/ag-v1-body-utf8.json")
        self.assertIn("\U0001F30D", echo["data"])

    def test_percent_encoded_path_keeps_the_slash_inside_the_parameter(self):
        for name in ("aws-lambda-dotnet/"
                     "rawtarget-escaped-percent-slash-in-path.json",
                     "aws-lambda-dotnet/"
                     "rawtarget-escaped-percent-slash-in-path-httpapi-v2"
                     ".json",
                     "aws-lambda-dotnet/"
                     "rawtarget-escaped-percent-slash-in-path-alb.json"):
            with self.subTest(name):
                echo = self.echo(name)
                self.assertEqual(echo["path"], "/anything/foo%25%2Fbar")
                self.assertEqual(echo["lando"]["pathParameters"],
                                 {"path": "foo%/bar"})

    def test_literal_space_in_raw_path_is_served(self):
        echo = self.echo(
            "aws-lambda-rust-runtime/apigw_request_path_with_space.json")
        self.assertEqual(echo["path"], "/anything/my/path-with space")

    def test_function_url_is_told_from_its_domain(self):
        echo = self.echo("aws-lambda-go/lambda-urls-request.json")
        self.assertEqual(echo["lando"]["source"], "url")
        self.assertIsNone(echo["lando"]["stage"])
        echo = self.echo("aws-lambda-go/apigw-v2-request-iam.json")
        self.assertEqual(echo["lando"]["source"], "http")

    def test_lattice_v2_array_values_are_kept_apart(self):
        echo = self.echo("powertools-python/vpcLatticeV2EventWithHeaders.json")
        self.assertEqual(echo["headers"]["header2"], ["value1", "value2"])
        self.assertEqual(echo["args"]["parameter1"], ["value1", "value2"])

    def test_missing_request_context_and_null_headers_are_served(self):
        echo = self.echo("aws-lambda-dotnet/missing-resource-request.json")
        self.assertEqual(echo["method"], "GET")
        echo = self.echo("powertools-typescript/apigw-rest/"
                         "console-test-ui.json")
        self.assertEqual(echo["headers"], {})

    def test_request_id_comes_from_the_event_without_a_lambda_context(self):
        kind, event = self.events["aws-lambda-go/apigw-request.json"]
        result = gs.invoke(httpbin, gs.under_anything(event, kind), None)
        echo = gs.Answer(result).json()
        self.assertEqual(echo["lando"]["requestId"],
                         event["requestContext"]["requestId"])


if __name__ == "__main__":
    unittest.main()
