"""The health and OpenAPI plugins and plugin loading, through a module.

libplugtest (plugtest.c) mounts health at /ops and OpenAPI at /meta and
documents a few routes. The suite calls its handler with API Gateway
HTTP API events, validates the OpenAPI document with
openapi-spec-validator when that tool is installed, loads the health
plugin from its shared object through LANDO_PLUGINS in a child
interpreter, and renders the /docs page in headless Chromium when
/usr/bin/chromium (or chromium on PATH) exists, checking that every route
is listed and that no request went anywhere but the local test server.

LANDO_MODULE_DIR names the folder of the modules and LANDO_PLUGIN_DIR the
folder of the plugin shared objects (both set by CTest).
"""

import http.server
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODULE_DIR = os.environ.get("LANDO_MODULE_DIR") or os.path.join(
    ROOT, "build", "modules")
PLUGIN_DIR = os.environ.get("LANDO_PLUGIN_DIR") or os.path.join(
    ROOT, "build", "plugins")

# The module logs one line per invocation; only errors matter here.
os.environ.setdefault("AWS_LAMBDA_LOG_LEVEL", "ERROR")


def load_module():
    if MODULE_DIR not in sys.path:
        sys.path.insert(0, MODULE_DIR)
    return importlib.import_module("libplugtest")


def event(method, path, body=None, headers=None):
    """An API Gateway HTTP API (payload 2.0) event."""
    path, _, query = path.partition("?")
    hdrs = {"host": "plugtest.example", "user-agent": "plugin-tests"}
    hdrs.update(headers or {})
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
        hdrs.setdefault("content-type", "application/json")
    ev = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": hdrs,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "plugtest",
            "domainName": "plugtest.example",
            "domainPrefix": "plugtest",
            "http": {"method": method, "path": path,
                     "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "plugin-tests"},
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2024:00:00:00 +0000",
            "timeEpoch": 1704067200000,
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        ev["body"] = body
    return ev


class Answer:
    def __init__(self, result):
        self.status = result["statusCode"]
        self.headers = {k.lower(): v
                        for k, v in (result.get("headers") or {}).items()}
        body = result.get("body") or ""
        if result.get("isBase64Encoded"):
            import base64
            self.body = base64.b64decode(body)
        else:
            self.body = body.encode("utf-8")

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def call(module, method, path, body=None, headers=None):
    return Answer(module.handler(event(method, path, body, headers), None))


class HealthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = load_module()

    def test_health_reports_ok_with_the_documented_members(self):
        first = call(self.m, "GET", "/ops/health")
        second = call(self.m, "GET", "/ops/health")
        self.assertEqual(second.status, 200)
        self.assertEqual(second.headers["content-type"], "application/json")
        self.assertEqual(second.headers["cache-control"], "no-store")
        doc = second.json()
        self.assertEqual(set(doc), {"status", "version", "coldStart",
                                    "uptimeMs", "invocations"})
        self.assertEqual(doc["status"], "ok")
        self.assertEqual(doc["version"], "9.9.9")
        self.assertIs(doc["coldStart"], False)
        self.assertIsInstance(doc["uptimeMs"], int)
        self.assertGreaterEqual(doc["uptimeMs"], 0)
        self.assertEqual(doc["invocations"],
                         first.json()["invocations"] + 1)

    def test_health_answers_only_under_its_prefix(self):
        self.assertEqual(call(self.m, "GET", "/health").status, 404)
        self.assertEqual(call(self.m, "POST", "/ops/health").status, 405)


class ValidationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = load_module()

    def test_valid_body_reaches_the_handler(self):
        a = call(self.m, "POST", "/todos",
                 {"title": "milk", "due": None, "priority": 2})
        self.assertEqual(a.status, 201)
        self.assertEqual(a.json()["title"], "milk")

    def test_invalid_body_gets_422_with_each_field_path(self):
        a = call(self.m, "POST", "/todos",
                 {"priority": 9, "due": 3, "extra": True,
                  "tags": [{"name": "a"}, {"name": "b"}, {"name": 7}]})
        self.assertEqual(a.status, 422)
        self.assertEqual(a.headers["content-type"], "application/json")
        err = a.json()["error"]
        self.assertEqual(err["status"], 422)
        self.assertEqual(err["code"], "validation_failed")
        self.assertIsInstance(err["message"], str)
        fields = {f["path"]: f["message"] for f in err["fields"]}
        self.assertEqual(fields["$.title"], "is required")
        self.assertEqual(fields["$.priority"], "must be <= 5")
        self.assertEqual(fields["$.due"], "must be a string or null")
        self.assertEqual(fields["$.tags[2].name"], "must be a string")
        self.assertEqual(fields["$.extra"], "is not allowed")
        self.assertEqual(len(fields), 5)

    def test_length_counts_characters_not_bytes(self):
        a = call(self.m, "POST", "/todos", {"title": "\u00e9" * 80})
        self.assertEqual(a.status, 201)
        a = call(self.m, "POST", "/todos", {"title": "\u00e9" * 81})
        self.assertEqual(a.status, 422)

    def test_malformed_json_is_400_not_422(self):
        a = call(self.m, "POST", "/todos", '{"title": ',
                 {"content-type": "application/json"})
        self.assertEqual(a.status, 400)
        self.assertEqual(a.json()["error"]["code"], "bad_json")


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = load_module()
        cls.answer = call(cls.m, "GET", "/meta/openapi.json")
        cls.doc = cls.answer.json()

    def test_document_is_served_as_json(self):
        self.assertEqual(self.answer.status, 200)
        self.assertEqual(self.answer.headers["content-type"],
                         "application/json")
        again = call(self.m, "GET", "/meta/openapi.json")
        self.assertEqual(again.body, self.answer.body)

    def test_document_describes_the_routes(self):
        doc = self.doc
        self.assertEqual(doc["openapi"], "3.1.0")
        self.assertEqual(doc["info"]["title"], "Plugin test")
        self.assertEqual(doc["servers"][0]["url"], "..")
        paths = doc["paths"]
        self.assertEqual(set(paths), {"/todos", "/todos/{id}",
                                      "/files/{path}", "/ops/health"})
        post = paths["/todos"]["post"]
        self.assertEqual(post["operationId"], "createTodo")
        self.assertEqual(post["requestBody"]["content"]["application/json"]
                         ["schema"]["required"], ["title"])
        self.assertIn("201", post["responses"])
        self.assertIn("422", post["responses"])
        get = paths["/todos/{id}"]["get"]
        self.assertEqual([p["name"] for p in get["parameters"]],
                         ["id", "fields"])
        files = paths["/files/{path}"]
        self.assertEqual(set(files), {"get", "put", "post", "delete",
                                      "patch", "head", "options"})
        self.assertTrue(files["get"]["parameters"][0]["x-lando-greedy"])
        self.assertEqual(paths["/ops/health"]["get"]["tags"], ["health"])
        self.assertEqual([p["name"] for p in doc["x-lando-plugins"]],
                         ["health", "openapi"])

    def test_document_passes_openapi_spec_validator(self):
        tool = shutil.which("openapi-spec-validator")
        if tool is None:
            self.skipTest("openapi-spec-validator is not installed")
        with tempfile.NamedTemporaryFile("wb", suffix=".json",
                                         delete=False) as f:
            f.write(self.answer.body)
        try:
            run = subprocess.run([tool, f.name], capture_output=True,
                                 text=True, timeout=120)
        finally:
            os.unlink(f.name)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertIn("OK", run.stdout)

    def test_docs_page_is_inline_html_held_to_its_origin(self):
        a = call(self.m, "GET", "/meta/docs")
        self.assertEqual(a.status, 200)
        self.assertEqual(a.headers["content-type"],
                         "text/html; charset=utf-8")
        csp = a.headers["content-security-policy"]
        self.assertIn("default-src 'none'", csp)
        self.assertIn("connect-src 'self'", csp)
        page = a.body.decode("utf-8")
        self.assertIn("openapi.json", page)
        self.assertNotIn("http://", page)
        self.assertNotIn("https://", page)


CHILD = r"""
import json, os, sys
sys.path.insert(0, os.environ["LANDO_MODULE_DIR"])
sys.path.insert(0, os.environ["LANDO_TEST_DIR"])
from test_plugins import call
try:
    import libplugtest as m
except Exception as e:
    print(json.dumps({"error": type(e).__name__, "message": str(e)}))
    sys.exit(0)
a = call(m, "GET", sys.argv[1])
print(json.dumps({"status": a.status, "body": a.body.decode()}))
"""


class LoaderTest(unittest.TestCase):
    """Each case imports the module in a child interpreter, since
    LANDO_PLUGINS is read when the module is imported."""

    def child(self, plugins, path):
        so = os.path.join(PLUGIN_DIR, "health.so")
        if not os.path.exists(so):
            self.skipTest("the health plugin's shared object is not built")
        env = dict(os.environ)
        env.update({"LANDO_PLUGINS": plugins.replace("HEALTH", so),
                    "LANDO_MODULE_DIR": MODULE_DIR,
                    "LANDO_TEST_DIR": HERE,
                    "AWS_LAMBDA_LOG_LEVEL": "ERROR"})
        run = subprocess.run([sys.executable, "-c", CHILD, path], env=env,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        return json.loads(run.stdout.strip().splitlines()[-1])

    def test_plugin_from_a_shared_object_is_mounted_at_its_prefix(self):
        out = self.child("HEALTH@/loaded", "/loaded/health")
        self.assertEqual(out.get("status"), 200, out)
        self.assertEqual(json.loads(out["body"])["status"], "ok")

    def test_loaded_plugin_appears_in_the_openapi_document(self):
        out = self.child("HEALTH@/loaded", "/meta/openapi.json")
        doc = json.loads(out["body"])
        self.assertIn("/loaded/health", doc["paths"])

    def test_missing_plugin_fails_the_import_with_its_path(self):
        out = self.child("/nonexistent/plugin.so@/x", "/ops/health")
        self.assertIn("error", out)
        self.assertIn("cannot load plugin /nonexistent/plugin.so",
                      out["message"])

    def test_conflicting_plugin_fails_the_import_naming_it(self):
        out = self.child("HEALTH@/ops", "/ops/health")
        self.assertIn("error", out)
        self.assertIn("plugin health", out["message"])
        self.assertIn("/ops/health", out["message"])


# ---- the docs page in a browser ----------------------------------------

def find_chromium():
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Bridge(http.server.BaseHTTPRequestHandler):
    """Serves HTTP requests from the module's handler, on loopback only,
    and records every path asked for."""

    module = None
    seen = []

    def do_GET(self):
        Bridge.seen.append(self.path)
        a = call(self.module, "GET", self.path)
        self.send_response(a.status)
        for name, value in a.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(a.body)))
        self.end_headers()
        self.wfile.write(a.body)

    def log_message(self, fmt, *args):
        pass


class DocsPageTest(unittest.TestCase):
    def test_docs_page_lists_every_route_and_stays_local(self):
        chromium = find_chromium()
        if chromium is None:
            self.skipTest("no chromium: the browser check is skipped")
        Bridge.module = load_module()
        Bridge.seen = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bridge)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = "http://127.0.0.1:%d" % server.server_address[1]
        with tempfile.TemporaryDirectory() as profile:
            netlog = os.path.join(profile, "net.json")
            try:
                run = subprocess.run(
                    [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                     "--no-first-run", "--disable-extensions",
                     "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--no-pings", "--disable-domain-reliability",
                     "--disable-client-side-phishing-detection",
                     "--disable-default-apps",
                     "--host-resolver-rules=MAP * ~NOTFOUND, "
                     "EXCLUDE 127.0.0.1",
                     "--user-data-dir=" + profile,
                     "--log-net-log=" + netlog,
                     "--virtual-time-budget=10000", "--dump-dom",
                     base + "/meta/docs"],
                    capture_output=True, text=True, timeout=120)
            finally:
                server.shutdown()
                server.server_close()
            with open(netlog, encoding="utf-8", errors="replace") as f:
                net = f.read()
        dom = run.stdout
        self.assertIn('data-state="ready"', dom, run.stderr[-2000:])

        doc = call(Bridge.module, "GET", "/meta/openapi.json").json()
        for path, item in doc["paths"].items():
            for method in item:
                self.assertIn('data-method="%s" data-path="%s"'
                              % (method.upper(), path), dom)
        self.assertIn("Create a todo", dom)
        self.assertIn("Plugin test", dom)

        asked = {urllib.parse.urlsplit(p).path for p in Bridge.seen}
        self.assertTrue({"/meta/docs", "/meta/openapi.json"} <= asked)
        self.assertTrue(asked <= {"/meta/docs", "/meta/openapi.json",
                                  "/favicon.ico"}, asked)
        self.assert_only_loopback(net, base)

    def assert_only_loopback(self, net, origin):
        """Every request the page made (the network log ties it to the
        page's origin) went to the test server. The browser's own
        background requests are held on the machine by the resolver
        rules and are not the page's doing."""
        log = json.loads(net)
        kinds = {v: k for k, v in log["constants"]["logEventTypes"].items()}
        site = urllib.parse.urlsplit(origin)
        page_site = "%s://%s" % (site.scheme, site.hostname)
        page_requests = 0
        for ev in log["events"]:
            if kinds.get(ev["type"]) != "URL_REQUEST_START_JOB":
                continue
            params = ev.get("params", {})
            nik = params.get("network_isolation_key", "")
            if (params.get("initiator") != origin
                    and page_site not in nik.split()):
                continue
            page_requests += 1
            url = urllib.parse.urlsplit(params["url"])
            self.assertEqual(url.hostname, "127.0.0.1", params["url"])
        self.assertGreaterEqual(page_requests, 2)

if __name__ == "__main__":
    unittest.main()
