"""The module as the Lambda runtime sees it: its attributes, the handler's
calling convention, import-time setup and its failures, and the events
that are refused with EventError or answered 400.
"""

import json
import os
import subprocess
import sys
import unittest

import events
import gateway_support as gs

httpbin = gs.load("libhttpbin")


def answer_of(event, module=httpbin):
    result = gs.invoke(module, event)
    return result, gs.Answer(result)


class AttributesTest(unittest.TestCase):

    def test_module_exposes_handler_errors_and_version(self):
        self.assertTrue(callable(httpbin.handler))
        self.assertTrue(issubclass(httpbin.EventError, ValueError))
        self.assertTrue(issubclass(httpbin.SetupError, RuntimeError))
        self.assertEqual(httpbin.EventError.__module__, "libhttpbin")
        self.assertRegex(httpbin.__version__, r"^\d+\.\d+\.\d+$")
        self.assertIn("Serve one Lambda invocation", httpbin.handler.__doc__)
        self.assertEqual(httpbin.handler.__text_signature__,
                         "($module, event, context, /)")

    def test_handler_takes_event_and_context_positionally(self):
        event = events.http("/anything")
        self.assertEqual(httpbin.handler(event)["statusCode"], 200)
        self.assertEqual(httpbin.handler(event, None)["statusCode"], 200)
        with self.assertRaises(TypeError):
            httpbin.handler()
        with self.assertRaises(TypeError):
            httpbin.handler(event, None, None)
        with self.assertRaises(TypeError):
            httpbin.handler(event=event, context=None)

    def test_module_is_imported_by_name_from_its_folder(self):
        self.assertEqual(os.path.dirname(httpbin.__file__),
                         os.path.abspath(gs.module_dir()))


class EventErrorTest(unittest.TestCase):

    def assert_refused(self, event, *fragments):
        with self.assertRaises(httpbin.EventError) as caught:
            httpbin.handler(event, gs.LambdaContext())
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_non_dict_events_name_their_type(self):
        self.assert_refused([], "expected a dict, got list")
        self.assert_refused(b"{}", "expected a dict, got bytes")
        self.assert_refused("{}", "expected a dict, got str")
        self.assert_refused(None, "expected a dict, got NoneType")
        self.assert_refused(42, "expected a dict, got int")

    def test_websocket_events_name_their_route(self):
        self.assert_refused(
            {"headers": {"Host": "x"},
             "requestContext": {"routeKey": "$connect",
                                "eventType": "CONNECT",
                                "connectionId": "abc="}},
            "API Gateway WebSocket event (routeKey $connect)")
        self.assert_refused({"requestContext": {"eventType": "MESSAGE"}},
                            "API Gateway WebSocket event (eventType MESSAGE)")
        self.assert_refused({"requestContext": {"connectionId": "abc="}},
                            "API Gateway WebSocket event")

    def test_records_events_name_their_service(self):
        for source, name in (("aws:sqs", "SQS event (Records)"),
                             ("aws:s3", "S3 event (Records)"),
                             ("aws:dynamodb", "DynamoDB Streams event")):
            with self.subTest(source):
                self.assert_refused({"Records": [{"eventSource": source}]},
                                    name)
        self.assert_refused({"Records": [{"EventSource": "aws:sns"}]},
                            "SNS event (Records)")
        self.assert_refused({"Records": []}, "event (Records)")

    def test_other_events_list_their_keys(self):
        self.assert_refused({"detail-type": "Scheduled Event",
                             "source": "aws.events"},
                            "EventBridge event (detail-type Scheduled Event)")
        self.assert_refused({}, "an empty dict")
        self.assert_refused({"foo": 1, "bar": 2}, "keys foo, bar")
        many = {"k%02d" % i: i for i in range(30)}
        self.assert_refused(many, "k00", "k11", "...")

    def test_refused_events_leave_the_module_usable(self):
        with self.assertRaises(httpbin.EventError):
            httpbin.handler([], None)
        self.assertEqual(httpbin.handler(events.http("/anything"),
                                         None)["statusCode"], 200)


class MalformedEventTest(unittest.TestCase):
    """HTTP-shaped events with broken fields: a 400 in the source's shape,
    never an exception."""

    def assert_400(self, kind, event, fragment=None):
        result, answer = answer_of(event)
        gs.check_shape(self, result, kind)
        self.assertEqual(answer.status, 400, answer.body)
        error = answer.json()["error"]
        self.assertEqual(error["code"], "bad_request")
        if fragment:
            self.assertIn(fragment, error["message"])

    def test_missing_or_broken_paths_answer_400(self):
        for kind, build in events.ALL:
            for path in ("", "relative", "/nul\x00byte", "/lone\ud800", 7):
                with self.subTest(kind=kind, path=path):
                    event = build()
                    event[gs.PATH_KEY[kind]] = path
                    self.assert_400(kind, event)
            with self.subTest(kind=kind, path="absent"):
                event = build()
                if kind in ("v1", "alb", "alb-multi"):
                    del event["path"]
                    # Still told apart by httpMethod or requestContext.elb.
                    self.assert_400(kind, event, "'path' is missing")

    def test_missing_or_broken_methods_answer_400(self):
        for method in ("", "GE T", "G\x00T", "\ud800", None, 1, ["GET"]):
            with self.subTest(method=method):
                self.assert_400("alb", events.alb(method=method))
        event = events.http()
        del event["requestContext"]["http"]["method"]
        self.assert_400("v2", event, "requestContext.http.method")
        event = events.http()
        del event["requestContext"]
        self.assert_400("v2", event, "requestContext.http.method")

    def test_wrongly_typed_maps_answer_400(self):
        cases = [
            ("v1", events.rest(headers=["Host", "x"])),
            ("v1", events.rest(multiValueHeaders={"A": [1]})),
            ("v1", events.rest(headers={"A": 1})),
            ("v1", events.rest(headers={1: "a"})),
            ("v1", events.rest(multiValueHeaders="Host: x")),
            ("v1", events.rest(multiValueQueryStringParameters=[1])),
            ("v1", events.rest(queryStringParameters="a=1")),
            ("v1", events.rest(stageVariables=[1])),
            ("v2", events.http(cookies="a=1")),
            ("v2", events.http(cookies=[1])),
            ("v2", events.http(rawQueryString=5)),
            ("lattice-v2", events.lattice_v2(headers={"a": [{"b": 1}]})),
        ]
        for kind, event in cases:
            with self.subTest(kind=kind, event=event):
                self.assert_400(kind, event)

    def test_wrongly_typed_bodies_answer_400(self):
        for body in (1, {"a": 1}, ["x"], 1.5):
            with self.subTest(body=body):
                self.assert_400("v1", events.rest(body=body), "'body'")
        self.assert_400("v1", events.rest(isBase64Encoded="true"),
                        "isBase64Encoded")

    def test_lone_surrogates_answer_400(self):
        cases = [
            ("v1", events.rest(headers={"X": "a\udc80"})),
            ("v1", events.rest(headers={"X\ud800": "a"})),
            ("v1", events.rest(body="\udfff")),
            ("v2", events.http(query="a=\ud800")),
            ("v2", events.http(cookies=["a=\ud800"])),
            ("alb", events.alb(queryStringParameters={"\ud800": "1"})),
        ]
        for kind, event in cases:
            with self.subTest(kind=kind):
                self.assert_400(kind, event)

    def test_optional_fields_of_odd_types_are_ignored(self):
        event = events.rest("/anything", requestContext="not a dict")
        result, answer = answer_of(event)
        self.assertEqual(answer.status, 200)
        echo = answer.json()
        self.assertIsNone(echo["lando"]["stage"])
        event = events.http("/anything")
        event["requestContext"]["stage"] = 5
        result, answer = answer_of(event)
        self.assertEqual(answer.status, 200)
        self.assertIsNone(answer.json()["lando"]["stage"])

    def test_unknown_fields_are_ignored(self):
        event = events.lattice_v2("/anything", extra={"deep": [1, 2]},
                                  another=None)
        self.assertEqual(answer_of(event)[1].status, 200)

    def test_malformed_events_are_logged_as_client_mistakes(self):
        with gs.captured_logs() as lines:
            answer_of(events.rest(path=""))
        records = [json.loads(line) for line in lines]
        rejected = [r for r in records if "malformed" in r["message"]]
        if lines:  # without the redirection nothing is captured
            self.assertEqual(len(rejected), 1, records)
            self.assertEqual(rejected[0]["level"], "INFO")


class SetupTest(unittest.TestCase):
    """libsetupfail's setup fails; the import must fail with SetupError.
    Each case runs in a fresh interpreter, as Lambda's init phase does."""

    def run_python(self, code, **env):
        child_env = dict(os.environ, **env)
        child_env["LANDO_MODULE_DIR"] = os.path.abspath(gs.module_dir())
        return subprocess.run(
            [sys.executable, "-c", code], cwd=gs.HERE, env=child_env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    IMPORT = (
        "import gateway_support as gs\n"
        "try:\n"
        "    gs.load('libsetupfail')\n"
        "except RuntimeError as e:\n"
        "    import sys\n"
        "    sys.stderr.write('%s|%s' % (type(e).__name__, e))\n")

    def test_conflicting_routes_fail_the_import_with_setup_error(self):
        out = self.run_python(self.IMPORT)
        name, _, message = out.stderr.partition("|")
        self.assertEqual(name, "SetupError", out.stderr)
        self.assertIn("setup of libsetupfail failed: EEXIST", message)
        self.assertIn("/twice", message)

    def test_setup_error_without_a_recorded_reason_names_the_code(self):
        out = self.run_python(self.IMPORT, LANDO_TEST_SETUP="plain")
        name, _, message = out.stderr.partition("|")
        self.assertEqual(name, "SetupError", out.stderr)
        self.assertIn("EUNAVAILABLE: service unavailable", message)

    def test_cold_start_is_the_first_invocation_only(self):
        code = (
            "import json, sys, events, gateway_support as gs\n"
            "m = gs.load('libgwtest')\n"
            "seen = [gs.Answer(gs.invoke(m, events.http('/lambda')))"
            ".json()['coldStart'] for _ in range(3)]\n"
            "sys.stderr.write(json.dumps(seen))\n")
        out = self.run_python(code)
        self.assertEqual(json.loads(out.stderr.strip().splitlines()[-1]),
                         [True, False, False], out.stderr)


if __name__ == "__main__":
    unittest.main()
