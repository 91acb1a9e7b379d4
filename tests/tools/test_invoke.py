"""`lando invoke`: one event in, the response dict (or its body) out."""

import json
import os
import tempfile
import unittest

from support import HERE, SOURCE, lando, main, module

EVENTS = os.path.join(HERE, "events")


def event(name):
    return os.path.join(EVENTS, name)


def read(name):
    with open(event(name), "rb") as f:
        return f.read()


class Invoke(unittest.TestCase):
    def invoke(self, *args, stdin=None):
        proc = lando("invoke", *args, stdin=stdin)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        return proc

    def response(self, *args, stdin=None):
        return json.loads(self.invoke(*args, stdin=stdin).stdout)

    def test_an_http_api_event_from_a_file(self):
        r = self.response(module("hello"), event("hello_http.json"))
        self.assertEqual(r["statusCode"], 200)
        self.assertEqual(json.loads(r["body"]), {"message": "hello, world"})

    def test_a_rest_event_with_an_encoded_path(self):
        r = self.response(module("hello"), event("hello_rest.json"))
        self.assertEqual(r["statusCode"], 200)
        self.assertEqual(json.loads(r["body"]),
                         {"message": "hello, r\u00e9sum\u00e9"})

    def test_an_alb_event(self):
        r = self.response(module("hello"), event("hello_alb.json"))
        self.assertEqual(r["statusCode"], 200)
        self.assertEqual(json.loads(r["body"]), {"message": "hello, alb"})

    def test_the_event_may_come_from_standard_input(self):
        data = read("hello_http.json")
        for args in ((module("hello"), "-"), (module("hello"),)):
            r = self.response(*args, stdin=data)
            self.assertEqual(r["statusCode"], 200, args)

    def test_a_utf8_byte_order_mark_is_ignored(self):
        data = b"\xef\xbb\xbf" + read("hello_http.json")
        r = self.response(module("hello"), stdin=data)
        self.assertEqual(r["statusCode"], 200)
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            f.write(data)
            f.flush()
            r = self.response(module("hello"), f.name)
        self.assertEqual(r["statusCode"], 200)

    def test_body_prints_the_decoded_bytes_only(self):
        proc = self.invoke(module("probe"), event("echo_binary_rest.json"),
                           "--body")
        self.assertEqual(proc.stdout, b"\x00\x01\x02\xfd\xfe\xfflando\x00")

    def test_body_prints_text_bodies_as_they_are(self):
        proc = self.invoke(module("hello"), event("hello_http.json"),
                           "--body")
        self.assertEqual(json.loads(proc.stdout),
                         {"message": "hello, world"})

    def test_the_modules_log_lines_go_to_standard_error(self):
        # probe runs the default stack, whose logging writes one line.
        proc = self.invoke(module("probe"), event("echo_binary_rest.json"))
        json.loads(proc.stdout)
        lines = [json.loads(line) for line in
                 proc.stderr.decode().splitlines() if line.startswith("{")]
        self.assertTrue(any(line.get("path") == "/echo" for line in lines),
                        proc.stderr.decode())

    def test_request_builds_the_event(self):
        for fmt in ("rest", "http", "alb"):
            with self.subTest(format=fmt):
                r = self.response(module("httpbin"), "--format", fmt,
                                  "--request", "PUT /anything/x?a=1&a=2",
                                  "-H", "X-Thing: yes", "-d", '{"k": 1}')
                got = json.loads(r["body"])
                self.assertEqual(got["method"], "PUT")
                self.assertEqual(got["args"], {"a": ["1", "2"]})
                self.assertEqual(got["json"], {"k": 1})
                self.assertEqual(got["headers"]["x-thing"], ["yes"])
                self.assertEqual(got["lando"]["source"], fmt)

    def test_every_fixture_event_gets_an_answer_or_a_clear_refusal(self):
        index = os.path.join(SOURCE, "tests", "events", "fixtures",
                             "index.json")
        if not os.path.isfile(index):
            self.skipTest("tests/events/fixtures/index.json is absent")
        with open(index) as f:
            fixtures = json.load(f)
        httpbin = module("httpbin")
        for item in fixtures:
            if item["kind"].startswith("response"):
                continue
            path = os.path.join(os.path.dirname(index), item["file"])
            with self.subTest(event=item["file"]):
                proc = lando("invoke", httpbin, path)
                if item["kind"] == "websocket":
                    # Not an HTTP request: the handler raises EventError.
                    self.assertEqual(proc.returncode, 1)
                    self.assertIn(b"EventError", proc.stderr)
                    continue
                self.assertEqual(proc.returncode, 0, proc.stderr.decode())
                r = json.loads(proc.stdout)
                self.assertIsInstance(r["statusCode"], int)


class Failures(unittest.TestCase):
    def oddity(self, source):
        tmp = tempfile.TemporaryDirectory(prefix="lando-invoke-py-")
        self.addCleanup(tmp.cleanup)
        path = os.path.join(tmp.name, "liboddity.py")
        with open(path, "w") as f:
            f.write(source)
        return path

    def test_a_handler_exception_is_printed_and_fails(self):
        path = self.oddity("def handler(event, context):\n"
                           "    raise KeyError('no such thing')\n")
        proc = lando("invoke", path, stdin=b"{}")
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"KeyError: 'no such thing'", proc.stderr)
        self.assertEqual(proc.stdout, b"")

    def test_malformed_json_is_reported_with_its_position(self):
        proc = lando("invoke", module("hello"), stdin=b'{"a": }')
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"is not JSON", proc.stderr)
        self.assertIn(b"column 7", proc.stderr)

    def test_a_missing_event_file_is_reported(self):
        proc = lando("invoke", module("hello"), "/nonexistent/event.json")
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"event.json", proc.stderr)

    def test_a_module_without_handler_is_reported(self):
        path = self.oddity("x = 1\n")
        proc = lando("invoke", path, stdin=b"{}")
        self.assertEqual(proc.returncode, 1)
        self.assertIn(b"no callable `handler`", proc.stderr)

    def test_the_context_has_the_runtimes_fields(self):
        path = self.oddity(
            "def handler(event, context):\n"
            "    return {'memory': context.memory_limit_in_mb,\n"
            "            'left': context.get_remaining_time_in_millis(),\n"
            "            'event': event}\n")
        proc = lando("invoke", path, "--memory", "512", "--timeout", "3",
                     stdin=b'{"e": 1}')
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        r = json.loads(proc.stdout)
        self.assertEqual(r["memory"], "512")
        self.assertTrue(0 < r["left"] <= 3000)
        self.assertEqual(r["event"], {"e": 1})


if __name__ == "__main__":
    main()
