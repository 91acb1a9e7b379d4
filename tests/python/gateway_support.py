"""Helpers shared by the gateway's tests.

- load(name): import a lando module the way the Lambda runtime does: by
  name, with the modules folder (LANDO_MODULE_DIR, default build/modules)
  on sys.path.
- LambdaContext: a stand-in for the runtime's context object, with the
  attributes and method lando reads.
- invoke(): call handler(event, context) and push the result through the
  JSON round trip the runtime performs, failing on anything JSON cannot
  carry (lone surrogates included).
- Answer: a result dict read back as status, headers and body bytes,
  whatever the source's shape, base64 and Content-Encoding undone.
- SHAPES / check_shape(): the keys each source's response must have.
- corpus(): the real events of tests/events/fixtures, BOM stripped.
- Model functions (expected_*): what httpbin's echo must say about an
  event, computed from the event by the rules the gateway documents.

The modules log one JSON line per invocation on standard output; the
suite sends file descriptor 1 to a temporary file (set LANDO_TEST_LOGS=1
to see the lines) and log_lines() reads back what was written.
"""

import base64
import binascii
import contextlib
import copy
import gzip
import importlib
import json
import os
import re
import sys
import tempfile
import urllib.parse
import uuid
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EVENTS = os.path.join(ROOT, "tests", "events", "fixtures")
# A checkout next to the shared corpus may also test that copy.
SHARED_EVENTS = os.path.join(os.path.dirname(ROOT), "shared", "fixtures",
                             "events")

# ---- the modules' log lines -------------------------------------------------

_log_file = None


def _redirect_stdout():
    global _log_file
    if _log_file is not None or os.environ.get("LANDO_TEST_LOGS") == "1":
        return
    sys.stdout.flush()
    _log_file = tempfile.TemporaryFile(mode="w+b")
    os.dup2(_log_file.fileno(), 1)


_redirect_stdout()


@contextlib.contextmanager
def captured_logs():
    """Yield a list that receives the log lines written inside the block.

    Without the redirection (LANDO_TEST_LOGS=1) the list stays empty.
    """
    lines = []
    sys.stdout.flush()
    start = os.lseek(1, 0, os.SEEK_END) if _log_file else 0
    try:
        yield lines
    finally:
        sys.stdout.flush()
        if _log_file:
            _log_file.seek(start)
            data = _log_file.read()
            lines.extend(data.decode("utf-8", "replace").splitlines())


# ---- loading and invoking -------------------------------------------------

def module_dir():
    return os.environ.get("LANDO_MODULE_DIR") or os.path.join(
        ROOT, "build", "modules")


def load(name):
    folder = module_dir()
    if not os.path.isdir(folder):
        raise RuntimeError("no modules folder %r: build first or set "
                           "LANDO_MODULE_DIR" % folder)
    if sys.path[0] != folder:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


class LambdaContext:
    """The attributes of the Python runtime's context object.

    memory_limit_in_mb is a str in the runtime; tests also pass an int.
    """

    def __init__(self, request_id=None, memory="128", remaining=29876):
        self.function_name = "httpbin"
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            "arn:aws:lambda:us-east-1:123456789012:function:httpbin")
        self.memory_limit_in_mb = memory
        self.aws_request_id = request_id or str(uuid.uuid4())
        self.log_group_name = "/aws/lambda/httpbin"
        self.log_stream_name = "2024/06/01/[$LATEST]0123456789abcdef"
        self.remaining = remaining

    def get_remaining_time_in_millis(self):
        return self.remaining


_DEFAULT = object()


def assert_plain(value, where="result"):
    """Only dict (str keys), list, str, int and bool: what JSON carries."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AssertionError("%s has a non-str key %r" % (where, key))
            assert_plain(item, "%s[%r]" % (where, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert_plain(item, "%s[%d]" % (where, i))
    elif not isinstance(value, (str, int, bool)):
        raise AssertionError("%s is a %s" % (where, type(value).__name__))


def invoke(module, event, context=_DEFAULT):
    """handler(event, context) after the runtime's JSON round trip."""
    if context is _DEFAULT:
        context = LambdaContext()
    result = module.handler(event, context)
    if not isinstance(result, dict):
        raise AssertionError("handler returned a %s" % type(result).__name__)
    assert_plain(result)
    text = json.dumps(result, ensure_ascii=False)
    text.encode("utf-8")  # fails on lone surrogates
    again = json.loads(text)
    if again != result:
        raise AssertionError("the result changes in a JSON round trip")
    return again


# ---- reading answers -----------------------------------------------------

class Answer:
    """A result dict read back: status, headers (lower-case name -> list
    of values, as the client would see them), and the body bytes."""

    def __init__(self, result):
        self.result = result
        self.status = result["statusCode"]
        self.headers = {}
        for name, value in (result.get("headers") or {}).items():
            self.headers.setdefault(name.lower(), []).append(value)
        for name, values in (result.get("multiValueHeaders") or {}).items():
            self.headers.setdefault(name.lower(), []).extend(values)
        for cookie in result.get("cookies") or []:
            self.headers.setdefault("set-cookie", []).append(cookie)
        body = result.get("body") or ""
        if result.get("isBase64Encoded"):
            data = base64.b64decode(body, validate=True)
        else:
            data = body.encode("utf-8")
        coding = self.header("content-encoding")
        if coding == "gzip":
            data = gzip.decompress(data)
        elif coding == "deflate":
            data = zlib.decompress(data)
        self.body = data

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def json(self):
        return json.loads(self.body.decode("utf-8"))


SHAPES = {
    # kind: (required keys, allowed keys)
    "v1": ({"statusCode", "headers", "body", "isBase64Encoded"},
           {"statusCode", "headers", "multiValueHeaders", "body",
            "isBase64Encoded"}),
    "v2": ({"statusCode", "headers", "cookies", "body", "isBase64Encoded"},
           {"statusCode", "headers", "cookies", "body", "isBase64Encoded"}),
    "alb": ({"statusCode", "statusDescription", "headers", "body",
             "isBase64Encoded"},
            {"statusCode", "statusDescription", "headers", "body",
             "isBase64Encoded"}),
    "alb-multi": ({"statusCode", "statusDescription", "multiValueHeaders",
                   "body", "isBase64Encoded"},
                  {"statusCode", "statusDescription", "multiValueHeaders",
                   "body", "isBase64Encoded"}),
}
SHAPES["url"] = SHAPES["v2"]
SHAPES["lattice-v1"] = SHAPES["alb"]
SHAPES["lattice-v2"] = SHAPES["alb"]

SOURCE_OF_KIND = {
    "v1": "rest", "v2": "http", "url": "url", "alb": "alb",
    "alb-multi": "alb", "lattice-v1": "lattice-v1",
    "lattice-v2": "lattice-v2",
}


def check_shape(test, result, kind):
    """Assert that RESULT has exactly the shape KIND's service expects."""
    required, allowed = SHAPES[kind]
    keys = set(result)
    test.assertTrue(required <= keys, "missing %s" % (required - keys))
    test.assertTrue(keys <= allowed, "unexpected %s" % (keys - allowed))
    test.assertIsInstance(result["statusCode"], int)
    test.assertNotIsInstance(result["statusCode"], bool)
    test.assertIsInstance(result["body"], str)
    test.assertIsInstance(result["isBase64Encoded"], bool)
    if "statusDescription" in result:
        test.assertRegex(result["statusDescription"],
                         r"^%d \S" % result["statusCode"])
    single = result.get("headers", {})
    multi = result.get("multiValueHeaders", {})
    for name, value in single.items():
        test.assertIsInstance(value, str, name)
    for name, values in multi.items():
        test.assertIsInstance(values, list, name)
        for value in values:
            test.assertIsInstance(value, str, name)
    if kind == "v1":
        # Only repeated names go to multiValueHeaders, never also to
        # headers (API Gateway would merge them twice).
        lower = {n.lower() for n in single}
        for name, values in multi.items():
            test.assertNotIn(name.lower(), lower)
            test.assertGreater(len(values), 1, name)
    if kind in ("v2", "url"):
        test.assertIsInstance(result["cookies"], list)
        test.assertNotIn("set-cookie", {n.lower() for n in single})
    for mapping in (single, multi):
        names = [n.lower() for n in mapping]
        test.assertEqual(len(names), len(set(names)), "repeated names")


# ---- the corpus ----------------------------------------------------------

def read_event(path):
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


def corpus(folder=EVENTS):
    """[(entry of index.json, event)] for every file of the corpus."""
    with open(os.path.join(folder, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    return [(entry, read_event(os.path.join(folder, entry["file"])))
            for entry in index]


REQUEST_KINDS = ("v1", "v2", "url", "alb", "alb-multi", "lattice-v1",
                 "lattice-v2")

PATH_KEY = {
    "v1": "path", "alb": "path", "alb-multi": "path", "v2": "rawPath",
    "url": "rawPath", "lattice-v1": "raw_path", "lattice-v2": "path",
}


def context_of(event):
    rc = event.get("requestContext")
    return rc if isinstance(rc, dict) else {}


def stage_prefix(event, kind):
    """The "/stage" an HTTP API puts in front of rawPath, or ""."""
    stage = context_of(event).get("stage")
    path = event.get(PATH_KEY[kind]) or ""
    if kind not in ("v2", "url") or not isinstance(stage, str):
        return ""
    if stage in ("", "$default"):
        return ""
    prefix = "/" + stage
    if path == prefix or path.startswith(prefix + "/"):
        return prefix
    return ""


def under_anything(event, kind):
    """A copy of EVENT whose path is moved below /anything (after the
    stage of an HTTP API), so that httpbin's routes serve it."""
    event = copy.deepcopy(event)
    key = PATH_KEY[kind]
    prefix = stage_prefix(event, kind)
    event[key] = prefix + "/anything" + event[key][len(prefix):]
    return event


def split_path(event, kind):
    """(raw path, query string or None) as the event states them."""
    path = event[PATH_KEY[kind]]
    if kind.startswith("lattice") and "?" in path:
        path, query = path.split("?", 1)
        return path, query
    return path, None


# ---- the model of the echo ------------------------------------------------

def parse_query(text):
    """The gateway's query string rule: '&'-separated, empty pieces
    skipped, '+' is a space, %XX decoded, a bad escape kept literally."""
    pairs = []
    for piece in text.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        pairs.append((urllib.parse.unquote_plus(name, errors="replace"),
                      urllib.parse.unquote_plus(value, errors="replace")))
    return pairs


def _map_pairs(mapping, decode=False):
    pairs = []
    for name, value in (mapping or {}).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            if decode:
                pairs.append((urllib.parse.unquote_plus(name),
                              urllib.parse.unquote_plus(item)))
            else:
                pairs.append((name, item))
    return pairs


def _multi_first(event, multi_key, single_key):
    multi = event.get(multi_key)
    if isinstance(multi, dict) and multi:
        return multi
    return event.get(single_key)


def expected_query(event, kind):
    """[(name, value)] of the decoded query parameters, in order."""
    if kind in ("v2", "url"):
        raw = event.get("rawQueryString")
        if isinstance(raw, str):
            return parse_query(raw)
        return _map_pairs(event.get("queryStringParameters"))
    if kind.startswith("lattice"):
        _path, query = split_path(event, kind)
        if query is not None:
            return parse_query(query)
        key = ("query_string_parameters" if kind == "lattice-v1"
               else "queryStringParameters")
        return _map_pairs(event.get(key))
    mapping = _multi_first(event, "multiValueQueryStringParameters",
                           "queryStringParameters")
    return _map_pairs(mapping, decode=kind.startswith("alb"))


def expected_headers(event, kind):
    """[(name, value)] of the request headers, in order."""
    if kind in ("v1", "alb", "alb-multi"):
        mapping = _multi_first(event, "multiValueHeaders", "headers")
    else:
        mapping = event.get("headers")
    pairs = _map_pairs(mapping)
    cookies = [c for c in (event.get("cookies") or []) if c is not None]
    if kind in ("v2", "url") and cookies:
        pairs = [(n, v) for n, v in pairs if n.lower() != "cookie"]
        pairs.append(("Cookie", "; ".join(cookies)))
    return pairs


def grouped(pairs, lower=False):
    out = {}
    for name, value in pairs:
        out.setdefault(name.lower() if lower else name, []).append(value)
    return out


def lenient_b64decode(text):
    """The codec's rule: CR and LF (wrapped lines) skipped, '=' padding
    optional. None for text that is not base64 even so, spaces included."""
    compact = re.sub(r"[\r\n]", "", text)
    compact = compact.rstrip("=") if compact.endswith("=") else compact
    if len(compact) % 4 == 1 or not re.fullmatch(r"[A-Za-z0-9+/]*",
                                                  compact):
        return None
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4))
    except binascii.Error:
        return None


def expected_body(event, kind):
    """The body bytes a handler sees, or None for invalid base64."""
    body = event.get("body")
    flag_key = "is_base64_encoded" if kind == "lattice-v1" \
        else "isBase64Encoded"
    flag = bool(event.get(flag_key))
    if body is None:
        return b""
    if flag:
        return lenient_b64decode(body)
    return body.encode("utf-8")


def expected_data(body):
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return ("data:application/octet-stream;base64,"
                + base64.b64encode(body).decode("ascii"))


def expected_json(body):
    try:
        return json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        return None


def expected_origin(event, headers):
    rc = context_of(event)
    for holder in (rc.get("identity"), rc.get("http")):
        if isinstance(holder, dict) and holder.get("sourceIp"):
            return holder["sourceIp"]
    forwarded = [v for n, v in headers if n.lower() == "x-forwarded-for"]
    if forwarded:
        return forwarded[-1].split(",")[-1].strip() or None
    return None


def expected_method(event, kind):
    if kind in ("v2", "url"):
        return event["requestContext"]["http"]["method"].upper()
    if kind.startswith("lattice"):
        return event["method"].upper()
    return event["httpMethod"].upper()


def expected_route_and_params(routed_path):
    """httpbin's route for ROUTED_PATH (below /anything) and its
    path parameter, decoded segment by segment."""
    rest = routed_path[len("/anything"):]
    if rest.strip("/") == "":
        return "/anything", {}
    # The greedy parameter keeps everything after "/anything/", a
    # trailing slash included.
    segments = rest[1:].split("/")
    value = "/".join(urllib.parse.unquote(s) for s in segments)
    return "/anything/{path+}", {"path": value}


def expected_form(headers, body):
    """The urlencoded fields of BODY, when Content-Type says so."""
    types = [v for n, v in headers if n.lower() == "content-type"]
    if not types or not types[0].lower().startswith(
            "application/x-www-form-urlencoded"):
        return {}
    return grouped(parse_query(body.decode("utf-8", "replace")))


# ---- events for a route, in any shape --------------------------------------

def build_event(kind, path, method="GET", query=(), headers=None, body=None,
                is_base64=False, cookies=()):
    """An event of source KIND ("v1", "v2", "url", "alb", "alb-multi",
    "lattice-v1", "lattice-v2") asking METHOD PATH with QUERY (pairs),
    HEADERS (name -> value), BODY (str) and COOKIES ("name=value"), each
    placed where that source puts it."""
    import events  # the hand-made events beside this file

    query = list(query)
    headers = dict(headers or {})
    raw_query = urllib.parse.urlencode(query)
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    multi_query = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)

    if kind in ("v2", "url"):
        build = events.http if kind == "v2" else events.url
        event = build(path, method, query=raw_query)
        # An HTTP API moves the Cookie header into a list of its own.
        cookie_header = headers.pop("Cookie", None)
        event["headers"].update({n.lower(): v for n, v in headers.items()})
        if cookie_header:
            event["cookies"] = [c.strip() for c in cookie_header.split(";")
                                if c.strip()]
    elif kind.startswith("lattice"):
        build = events.lattice_v1 if kind == "lattice-v1" else \
            events.lattice_v2
        event = build(path + ("?" + raw_query if raw_query else ""), method)
        for name, value in headers.items():
            event["headers"][name.lower()] = (
                [value] if kind == "lattice-v2" else value)
    elif kind == "v1":
        event = events.rest(path, method)
        event["headers"].update(headers)
        event["multiValueHeaders"] = {n: [v] for n, v in
                                      event["headers"].items()}
        if query:
            event["queryStringParameters"] = {n: vs[-1] for n, vs in
                                              multi_query.items()}
            event["multiValueQueryStringParameters"] = multi_query
    else:
        multi = kind == "alb-multi"
        event = events.alb(path, method, multi=multi)
        # A load balancer passes the query as the client encoded it.
        quoted = {urllib.parse.quote(n, safe=""):
                  [urllib.parse.quote(v, safe="") for v in vs]
                  for n, vs in multi_query.items()}
        if multi:
            for name, value in headers.items():
                event["multiValueHeaders"][name.lower()] = [value]
            event["multiValueQueryStringParameters"] = quoted
        else:
            event["headers"].update({n.lower(): v for n, v in
                                     headers.items()})
            event["queryStringParameters"] = {n: vs[-1] for n, vs in
                                              quoted.items()}

    if body is not None:
        flag = "is_base64_encoded" if kind == "lattice-v1" \
            else "isBase64Encoded"
        event["body"] = body
        event[flag] = bool(is_base64)
    return event


# ---- standard output at the file descriptor level --------------------------

@contextlib.contextmanager
def fd1_output():
    """Yield a list that receives, as lines, everything written to file
    descriptor 1 inside the block, whatever fd 1 was before: lando's
    logger writes with write(2), below Python's sys.stdout."""
    lines = []
    sys.stdout.flush()
    saved = os.dup(1)
    sink = tempfile.TemporaryFile(mode="w+b")
    try:
        os.dup2(sink.fileno(), 1)
        try:
            yield lines
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
        sink.seek(0)
        # Split on LF only: str.splitlines() would also break a line at
        # U+2028, which JSON may carry unescaped.
        lines.extend(l.decode("utf-8", "replace")
                     for l in sink.read().split(b"\n") if l)
    finally:
        os.close(saved)
        sink.close()
