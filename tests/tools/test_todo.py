"""examples/todo over real HTTP (`lando serve`): CRUD, validation, the
API key, 404/405/409 and CORS for its one allowed origin."""

import json
import unittest

from support import Server, fetch, main, module

KEY = "test-key-0123456789"
ORIGIN = "http://localhost:8000"


class Todo(unittest.TestCase):
    FORMAT = "http"

    def setUp(self):
        # A fresh process per test: the store lives as long as the process.
        self.server = Server(module("todo"), self.FORMAT,
                             env={"TODO_API_KEY": KEY,
                                  "TODO_ALLOWED_ORIGIN": ORIGIN})
        self.server.__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)

    def call(self, method, path, doc=None, key=KEY, headers=None):
        h = {"Content-Type": "application/json"}
        if key:
            h["X-Api-Key"] = key
        h.update(headers or {})
        body = json.dumps(doc).encode() if doc is not None else None
        return fetch(self.server.url + path, method=method, headers=h,
                     body=body)

    def create(self, title, **extra):
        r = self.call("POST", "/v1/todos", dict(title=title, **extra))
        self.assertEqual(r.status, 201, r.body)
        return r.json()

    def test_a_todo_goes_through_its_whole_life(self):
        t = self.create("buy milk")
        self.assertEqual(t, {"id": 1, "title": "buy milk", "done": False})
        self.assertEqual(self.call("GET", "/v1/todos/1").json(), t)

        r = self.call("PATCH", "/v1/todos/1", {"done": True})
        self.assertEqual(r.json(), dict(t, done=True))
        r = self.call("PUT", "/v1/todos/1", {"title": "buy oat milk",
                                              "done": False})
        self.assertEqual(r.json(), {"id": 1, "title": "buy oat milk",
                                    "done": False})

        r = self.call("DELETE", "/v1/todos/1")
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertEqual(self.call("GET", "/v1/todos/1").status, 404)

    def test_create_answers_201_with_a_location(self):
        r = self.call("POST", "/v1/todos", {"title": "a", "done": True})
        self.assertEqual(r.status, 201)
        self.assertEqual(r.header("Location"), "/v1/todos/1")

    def test_the_list_keeps_order_and_filters_on_done(self):
        self.create("one")
        self.create("two", done=True)
        self.create("three")
        titles = [t["title"] for t in
                  self.call("GET", "/v1/todos").json()["todos"]]
        self.assertEqual(titles, ["one", "two", "three"])
        done = self.call("GET", "/v1/todos?done=true").json()["todos"]
        self.assertEqual([t["title"] for t in done], ["two"])
        self.assertEqual(self.call("GET", "/v1/todos?done=maybe").status,
                         400)

    def test_invalid_fields_are_listed_one_by_one(self):
        r = self.call("POST", "/v1/todos",
                      {"title": 7, "done": "yes", "colour": "red"})
        self.assertEqual(r.status, 400)
        error = r.json()["error"]
        self.assertEqual(error["code"], "validation_failed")
        self.assertEqual(error["fields"], [
            {"path": "title", "message": "must be a string"},
            {"path": "done", "message": "must be true or false"},
            {"path": "colour", "message": "is not a field"},
        ])

    def test_required_fields_and_their_limits_are_checked(self):
        cases = [
            ("POST", {}, "title", "is required"),
            ("POST", {"title": ""}, "title", "must not be empty"),
            ("POST", {"title": "x" * 201}, "title",
             "must be at most 200 characters long"),
            ("POST", {"title": "a\nb"}, "title",
             "must not contain control characters"),
        ]
        for method, doc, path, message in cases:
            with self.subTest(doc=doc):
                r = self.call(method, "/v1/todos", doc)
                self.assertEqual(r.status, 400)
                self.assertIn({"path": path, "message": message},
                              r.json()["error"]["fields"])
        self.create("\u00e9" * 200)  # 200 characters, 400 bytes: fine
        r = self.call("PUT", "/v1/todos/1", {"title": "only a title"})
        self.assertEqual(r.json()["error"]["fields"],
                         [{"path": "done", "message": "is required"}])

    def test_a_body_that_is_not_a_json_object_is_refused(self):
        r = fetch(self.server.url + "/v1/todos", method="POST",
                  headers={"Content-Type": "application/json",
                           "X-Api-Key": KEY}, body=b"{not json")
        self.assertEqual((r.status, r.json()["error"]["code"]),
                         (400, "bad_json"))
        r = self.call("POST", "/v1/todos", [1, 2])
        self.assertEqual(r.status, 400)
        r = fetch(self.server.url + "/v1/todos", method="POST",
                  headers={"Content-Type": "text/plain", "X-Api-Key": KEY},
                  body=b"title")
        self.assertEqual(r.status, 415)

    def test_a_duplicate_title_is_a_conflict(self):
        self.create("same")
        self.create("other")
        r = self.call("POST", "/v1/todos", {"title": "same"})
        self.assertEqual((r.status, r.json()["error"]["code"]),
                         (409, "conflict"))
        r = self.call("PATCH", "/v1/todos/2", {"title": "same"})
        self.assertEqual(r.status, 409)
        r = self.call("PATCH", "/v1/todos/1", {"title": "same"})
        self.assertEqual(r.status, 200)

    def test_unknown_ids_answer_404(self):
        for path in ("/v1/todos/9", "/v1/todos/abc", "/v1/todos/-1",
                     "/v1/todos/99999999999999999999999"):
            with self.subTest(path=path):
                r = self.call("GET", path)
                self.assertEqual((r.status, r.json()["error"]["code"]),
                                 (404, "not_found"))

    def test_writes_need_the_api_key_and_reads_do_not(self):
        self.create("guarded")
        for method, path in (("POST", "/v1/todos"),
                             ("PUT", "/v1/todos/1"),
                             ("PATCH", "/v1/todos/1"),
                             ("DELETE", "/v1/todos/1")):
            for key in (None, "wrong", KEY + "x"):
                with self.subTest(method=method, key=key):
                    r = self.call(method, path, {"title": "x"}, key=key)
                    self.assertEqual(r.status, 401)
        self.assertEqual(self.call("GET", "/v1/todos", key=None).status, 200)
        self.assertEqual(self.call("GET", "/v1/todos/1").json()["title"],
                         "guarded")

    def test_a_method_the_path_lacks_answers_405(self):
        r = self.call("DELETE", "/v1/todos")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "GET, HEAD, POST, OPTIONS")
        self.assertEqual(self.call("GET", "/todos").status, 404)

    def test_cors_allows_exactly_one_origin(self):
        ask = {"Access-Control-Request-Method": "PUT",
               "Access-Control-Request-Headers": "content-type,x-api-key"}
        r = fetch(self.server.url + "/v1/todos/1", method="OPTIONS",
                  headers=dict(ask, Origin=ORIGIN))
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), ORIGIN)
        self.assertEqual(r.header("Access-Control-Allow-Credentials"),
                         "true")
        for other in ("http://localhost:8001", "https://localhost:8000",
                      "http://evil.example", "null"):
            with self.subTest(origin=other):
                r = fetch(self.server.url + "/v1/todos/1", method="OPTIONS",
                          headers=dict(ask, Origin=other))
                self.assertIsNone(r.header("Access-Control-Allow-Origin"))
        r = self.call("GET", "/v1/todos", headers={"Origin": ORIGIN})
        self.assertEqual(r.header("Access-Control-Allow-Origin"), ORIGIN)
        r = self.call("POST", "/v1/todos", {"title": "x"},
                      headers={"Origin": ORIGIN})
        self.assertEqual(r.header("Access-Control-Expose-Headers"),
                         "Location")

    def test_health_answers_outside_the_group(self):
        r = self.call("GET", "/health", key=None)
        self.assertEqual((r.status, r.json()), (200, {"status": "ok"}))


class TodoRest(Todo):
    """The same API behind a REST API's event shape (stage Prod)."""

    FORMAT = "rest"


if __name__ == "__main__":
    main()
