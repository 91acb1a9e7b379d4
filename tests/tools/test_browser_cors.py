"""CORS as a browser enforces it, in headless Chromium.

A page served from one origin (a small http.server here) sends a
credentialed PUT with a custom header, so the browser preflights it, to
`lando serve` on another origin. examples/httpbin allows any origin with
credentials, so the PUT goes through; examples/todo allows one origin,
so a page from any other is blocked and only the preflight reaches the
server. The page writes the outcome into its DOM, which Chromium prints
(--dump-dom) once the page and its requests have settled.
"""

import html
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unittest

from support import Server, fetch, main, module

CHROMIUM = os.environ.get("LANDO_CHROMIUM") or shutil.which("chromium") \
    or "/usr/bin/chromium"
HAVE_CHROMIUM = os.access(CHROMIUM, os.X_OK)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>cors</title></head>
<body><div id="out">pending</div>
<script>
const out = document.getElementById("out");
fetch(%(url)s, {
  method: "PUT",
  credentials: "include",
  headers: %(headers)s,
  body: %(body)s,
}).then(r => r.text().then(t => { out.textContent = "ok " + r.status +
                                                    " " + t; }))
  .catch(e => { out.textContent = "blocked " + e.name; });
</script></body></html>
"""


class PageServer:
    """Serves one page at / from http://127.0.0.1:PORT, in a thread. The
    page is set after start, once the origins of both sides are known."""

    def __init__(self):
        owner = self
        self.page = b""

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(owner.page)))
                self.end_headers()
                self.wfile.write(owner.page)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.origin = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    def put_page(self, url, headers, body):
        """The page's script PUTs BODY (a string) with HEADERS to URL."""
        self.page = (PAGE % {"url": json.dumps(url),
                             "headers": json.dumps(headers),
                             "body": json.dumps(body)}).encode("utf-8")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def browse(url):
    """Load URL in headless Chromium; returns the text of #out."""
    with tempfile.TemporaryDirectory(prefix="lando-chromium-") as profile:
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions",
             "--user-data-dir=" + profile,
             "--virtual-time-budget=10000", "--dump-dom", url],
            capture_output=True, text=True, timeout=90)
    match = re.search(r'<div id="out">(.*?)</div>', proc.stdout, re.S)
    if match is None:
        raise AssertionError("chromium printed no page (exit %d):\n%s"
                             % (proc.returncode, proc.stderr[-2000:]))
    return html.unescape(match.group(1))


@unittest.skipUnless(HAVE_CHROMIUM, "chromium is not installed (Debian "
                     "package chromium); CORS was not checked in a browser")
class BrowserCors(unittest.TestCase):
    def test_httpbin_lets_a_page_from_any_origin_put_with_credentials(self):
        with PageServer() as pages, \
                Server(module("httpbin"), "http") as api:
            pages.put_page(api.url + "/anything/from-page",
                           {"Content-Type": "application/json",
                            "X-Requested-With": "lando-test"},
                           json.dumps({"from": "page"}))
            out = browse(pages.origin + "/")
            log = api.wait_log(r"^PUT ")
        self.assertTrue(out.startswith("ok 200 "), out)
        echo = json.loads(out[len("ok 200 "):])
        self.assertEqual(echo["method"], "PUT")
        self.assertEqual(echo["json"], {"from": "page"})
        self.assertRegex(log, r"(?m)^OPTIONS /anything/from-page 204 ")
        self.assertRegex(log, r"(?m)^PUT /anything/from-page 200 ")

    def todo_put(self, allowed_origin, wait):
        """PUT /v1/todos/1 from a page, with todo allowing ALLOWED_ORIGIN
        (None: the page's own). Returns the outcome and the server's log
        once WAIT (a regex) matches in it."""
        key = "test-key-0123456789"
        with PageServer() as pages:
            env = {"TODO_API_KEY": key,
                   "TODO_ALLOWED_ORIGIN": allowed_origin or pages.origin}
            with Server(module("todo"), "http", env=env) as api:
                created = fetch(api.url + "/v1/todos", method="POST",
                                headers={"Content-Type": "application/json",
                                         "X-Api-Key": key},
                                body=b'{"title": "write the test"}')
                self.assertEqual(created.status, 201, created.body)
                pages.put_page(api.url + "/v1/todos/1",
                               {"Content-Type": "application/json",
                                "X-Api-Key": key},
                               json.dumps({"title": "from the page",
                                           "done": True}))
                return browse(pages.origin + "/"), api.wait_log(wait)

    def test_todo_blocks_a_page_from_an_origin_it_does_not_allow(self):
        out, log = self.todo_put("http://localhost:8000",
                                 r"^OPTIONS /v1/todos/1 ")
        self.assertEqual(out, "blocked TypeError")
        # The browser asked, was refused, and never sent the PUT.
        self.assertRegex(log, r"(?m)^OPTIONS /v1/todos/1 \d+ ")
        self.assertNotRegex(log, r"(?m)^PUT ")

    def test_todo_lets_its_one_allowed_origin_put(self):
        out, log = self.todo_put(None, r"^PUT /v1/todos/1 ")
        self.assertTrue(out.startswith("ok 200 "), out)
        self.assertEqual(json.loads(out[len("ok 200 "):]),
                         {"id": 1, "title": "from the page", "done": True})
        self.assertRegex(log, r"(?m)^PUT /v1/todos/1 200 ")


if __name__ == "__main__":
    main()
