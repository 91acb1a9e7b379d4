"""Malformed events for lando's gateway, generated from real events.

Every case starts from one of the real events of the fixture corpus and
changes one thing: a field gets the wrong type, goes missing or null,
becomes empty or huge, carries invalid UTF-8 (a lone surrogate), NUL
bytes, a deeply nested value, invalid base64, a '%' that is not an
escape, or a path with '..', '//' or no leading '/'. A few cases are not
HTTP events at all.

Each case says which outcomes are correct for it, as a set of tokens:

    "ok"          a 2xx or 3xx answer: the request is valid and served
    "404", "405"  a valid request for a path or method nobody serves
    "400", "413", "415"
                  a clean HTTP error in the standard error body
    "EventError"  the module's EventError: the input is not an HTTP event

VALID is {"ok", "404", "405"}: the mutation leaves a valid request, and
whatever the app's routes make of it is right. Most mutations start from
the event aimed at httpbin's echo route, where a valid request must be
served: for them VALID narrows to "ok". The choice is made per case and
the reasons are written beside each rule below.

Nothing is stored: the cases are rebuilt deterministically on every run
(the huge ones only when they run), so the corpus costs no disk space.
"""

import copy
import json
import os
import re

VALID = frozenset({"ok", "404", "405"})
OK = frozenset({"ok"})
E400 = frozenset({"400"})
E413 = frozenset({"413"})
EVENT_ERROR = frozenset({"EventError"})

# The gateway tells the source by the presence (not null, not absent) of
# one field: requestContext.elb (ALB), raw_path (Lattice v1), rawPath
# (HTTP API, Function URL), httpMethod (REST), method and path (Lattice
# v2); see the corpus README. Once an event has an HTTP shape, a field
# of the wrong type answers 400. Taking the identifying field away
# leaves no HTTP event: EventError.
IDENTIFIES = {
    ("v1", "method"), ("v2", "path"), ("url", "path"),
    ("lattice-v1", "path"), ("lattice-v2", "method"),
    ("lattice-v2", "path"),
}


def gone(kind, role):
    """The outcome when the ROLE field of a KIND event is null/absent."""
    return EVENT_ERROR if (kind, role) in IDENTIFIES else E400


MISSING = object()  # marker: delete the field

MB = 1024 * 1024

# The cases run against examples/httpbin unless they say otherwise. Its
# /anything and /anything/{path+} answer any method with what they
# received; they parse JSON and form bodies when they can and echo null
# or {} when they cannot, so a malformed body is no error there.
ECHO_PATH = "/anything"
# Cases about strict JSON bodies run against examples/todo, whose POST
# /v1/todos insists on a JSON object (400) of type application/json
# (415) and on its API key.
TODO_PATH = "/v1/todos"
TODO_KEY = "malformed-corpus-key"
HTTP_KINDS = ("v1", "v2", "url", "alb", "alb-multi", "lattice-v1",
              "lattice-v2")


class Case:
    """One malformed input: a name, a builder and the outcomes allowed.

    build() returns (event, context). KIND is the fixture's kind, used
    for the response shape when SHAPE_KEPT says the mutation left the
    event recognisably of that kind.
    """

    __slots__ = ("name", "build", "expect", "kind", "shape_kept", "huge",
                 "app", "known")

    def __init__(self, name, build, expect, kind=None, shape_kept=True,
                 huge=False, app="httpbin", known=None):
        self.app = app
        # (outcomes, reason): a deviation from EXPECT that is reported
        # and tolerated until it is fixed; the runner lists it.
        self.known = known
        self.name = name
        self.build = build
        self.expect = frozenset(expect)
        self.kind = kind
        self.shape_kept = shape_kept
        self.huge = huge


class LambdaContext:
    """What the Lambda Python runtime passes as the handler's context."""

    function_name = "httpbin"
    function_version = "$LATEST"
    invoked_function_arn = (
        "arn:aws:lambda:us-east-1:123456789012:function:httpbin")
    memory_limit_in_mb = "128"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name = "/aws/lambda/httpbin"
    log_stream_name = "2024/01/01/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self):
        return 30000


class OddContext:
    """A context whose every attribute has the wrong type."""

    function_name = 5
    function_version = None
    invoked_function_arn = ["arn"]
    memory_limit_in_mb = "a lot"
    aws_request_id = {"id": 1}
    log_group_name = b"bytes"
    log_stream_name = 1.5

    def get_remaining_time_in_millis(self):
        return "soon"


class MutatingContext(LambdaContext):
    """A context whose attribute reads and method calls run Python code
    that rewrites the event the module is serving: every map's values
    and every top-level value are replaced, so the old strings are freed
    while the invocation may still be reading them. Lambda's own context
    never does this; the cases using it are run with --hostile-context.
    """

    def __init__(self):
        self.event = None

    def _rewrite(self):
        ev = self.event
        if isinstance(ev, dict):
            for k in list(ev):
                v = ev[k]
                if isinstance(v, dict):
                    for k2 in list(v):
                        v[k2] = "Z" * 100
                ev[k] = "Y" * 100
        return "rewritten"

    @property
    def aws_request_id(self):
        return self._rewrite()

    def get_remaining_time_in_millis(self):
        self._rewrite()
        return 1000


class RaisingContext(LambdaContext):
    """A context whose methods and properties raise."""

    @property
    def aws_request_id(self):
        raise RuntimeError("no request id here")

    def get_remaining_time_in_millis(self):
        raise RuntimeError("no clock here")


# ---- loading the real events ---------------------------------------------

def load_events(events_dir):
    """Return [(id, kind, event)] for every fixture, sorted by file name.

    Kinds come from index.json when the folder has one; otherwise from
    the event's shape, by the presence tests the corpus documents.
    """
    index = os.path.join(events_dir, "index.json")
    kinds = {}
    if os.path.exists(index):
        with open(index, encoding="utf-8") as f:
            for entry in json.load(f):
                kinds[entry["file"]] = entry["kind"]
    out = []
    for root, _dirs, files in os.walk(events_dir):
        for name in files:
            if not name.endswith(".json") or name == "index.json":
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, events_dir).replace(os.sep, "/")
            with open(path, encoding="utf-8-sig") as f:
                try:
                    event = json.load(f)
                except ValueError:
                    continue
            if not isinstance(event, dict):
                continue
            kind = kinds.get(rel) or guess_kind(event)
            out.append((rel[:-5], kind, event))
    out.sort(key=lambda t: t[0])
    return out


def guess_kind(event):
    """The kind of a fixture without an index entry (presence tests)."""
    ctx = event.get("requestContext")
    if "statusCode" in event:
        return "response"
    if isinstance(ctx, dict) and "elb" in ctx:
        if "multiValueHeaders" in event:
            return "alb-multi"
        return "alb"
    if "rawPath" in event:
        domain = ctx.get("domainName", "") if isinstance(ctx, dict) else ""
        return "url" if ".lambda-url." in str(domain) else "v2"
    if "raw_path" in event:
        return "lattice-v1"
    if "method" in event and "path" in event:
        return "lattice-v2"
    if "httpMethod" in event:
        return "v1"
    return "websocket"


# ---- where things live in each kind of event ----------------------------

# Dotted paths of the fields that carry each part of the request.
LAYOUT = {
    "v1": {
        "method": "httpMethod", "path": "path",
        "headers": "headers", "mvheaders": "multiValueHeaders",
        "query": "queryStringParameters",
        "mvquery": "multiValueQueryStringParameters",
        "body": "body", "b64": "isBase64Encoded",
        "context": "requestContext", "stagevars": "stageVariables",
        "ignored": ("resource", "pathParameters", "version"),
    },
    "v2": {
        "method": "requestContext.http.method", "path": "rawPath",
        "headers": "headers", "rawquery": "rawQueryString",
        "query": "queryStringParameters", "cookies": "cookies",
        "body": "body", "b64": "isBase64Encoded",
        "context": "requestContext", "stagevars": "stageVariables",
        "ignored": ("routeKey", "pathParameters", "version"),
    },
    "alb": {
        "method": "httpMethod", "path": "path",
        "headers": "headers", "query": "queryStringParameters",
        "body": "body", "b64": "isBase64Encoded",
        "context": "requestContext",
        "ignored": (),
    },
    "alb-multi": {
        "method": "httpMethod", "path": "path",
        "mvheaders": "multiValueHeaders",
        "mvquery": "multiValueQueryStringParameters",
        "body": "body", "b64": "isBase64Encoded",
        "context": "requestContext",
        "ignored": (),
    },
    "lattice-v1": {
        "method": "method", "path": "raw_path",
        "headers": "headers", "query": "query_string_parameters",
        "body": "body", "b64": "is_base64_encoded",
        "ignored": (),
    },
    "lattice-v2": {
        "method": "method", "path": "path",
        "headers": "lheaders", "query": "lquery",
        "body": "body", "b64": "isBase64Encoded",
        "context": "requestContext",
        "ignored": ("version",),
    },
}
LAYOUT["url"] = LAYOUT["v2"]


def lookup(event, dotted):
    node = event
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def assign(event, dotted, value):
    """Set (or with MISSING delete) the field DOTTED, creating parents."""
    parts = dotted.split(".")
    node = event
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    if value is MISSING:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def field_of(kind, role):
    layout = LAYOUT[kind]
    name = layout.get(role)
    if role == "headers" and name is None:
        return None
    if name in ("lheaders", "lquery"):
        return "headers" if name == "lheaders" else "queryStringParameters"
    return name


def retarget(event, kind, method, path):
    """Point EVENT at METHOD PATH, keeping every other field."""
    assign(event, LAYOUT[kind]["method"], method)
    assign(event, LAYOUT[kind]["path"], path)
    if kind in ("v2", "url"):
        assign(event, "requestContext.http.path", path)


def set_header(event, kind, name, value):
    """Add header NAME: VALUE in the map(s) KIND uses, replacing others
    of the same name in any case."""
    layout = LAYOUT[kind]
    lower = name.lower()
    if "headers" in layout:
        key = field_of(kind, "headers")
        h = event.get(key)
        if not isinstance(h, dict):
            h = {}
        h = {k: v for k, v in h.items()
             if not (isinstance(k, str) and k.lower() == lower)}
        h[name] = [value] if layout["headers"] == "lheaders" else value
        event[key] = h
    if "mvheaders" in layout:
        key = layout["mvheaders"]
        h = event.get(key)
        if not isinstance(h, dict):
            h = {} if kind == "alb-multi" else None
        if h is not None:
            h = {k: v for k, v in h.items()
                 if not (isinstance(k, str) and k.lower() == lower)}
            h[name] = [value]
            event[key] = h


def set_body(event, kind, body, is_base64=False):
    layout = LAYOUT[kind]
    assign(event, layout["body"], body)
    assign(event, layout["b64"], is_base64)


# ---- building blocks of values ------------------------------------------

def nested_list(depth):
    """[[[...]]] DEPTH deep, built without recursion."""
    value = []
    for _ in range(depth):
        value = [value]
    return value


def nested_dict(depth):
    value = {}
    for _ in range(depth):
        value = {"a": value}
    return value


# Values of the wrong type for a place where a string goes.
NOT_STRINGS = (
    ("int", 0), ("negative", -1), ("float", 1.5), ("true", True),
    ("false", False), ("list", ["x"]), ("empty_list", []),
    ("dict", {"k": "v"}), ("empty_dict", {}), ("bytes", b"GET"),
    ("huge_int", 10 ** 40),
)
# Values of the wrong type for a place where a map goes.
NOT_MAPS = (
    ("int", 5), ("float", 2.5), ("true", True), ("string", "a: b"),
    ("empty_string", ""), ("list", ["a", "b"]), ("list_of_pairs",
                                                 [["a", "b"]]),
    ("bytes", b"a"),
)
# Values of the wrong type for a place where a list of strings goes.
NOT_LISTS = (
    ("int", 5), ("true", True), ("string", "a=b"), ("dict", {"a": "b"}),
    ("bytes", b"a=b"),
)
LONE_SURROGATE = "x\ud800y"
LOW_SURROGATE = "\udfff"


# ---- the mutations --------------------------------------------------------

class Gen:
    """Collects the cases of one fixture."""

    def __init__(self, out, ident, kind, event, hostile=False):
        self.hostile = hostile
        self.out = out
        self.ident = ident
        self.kind = kind
        self.orig = event
        # Mutations start from the event aimed at httpbin's echo route,
        # its own path kept below it, so that they reach the handler,
        # which reads every part of the request. A mutation that leaves
        # the request valid must then be answered 200.
        self.base = copy.deepcopy(event)
        path = lookup(event, LAYOUT[kind]["path"])
        if not isinstance(path, str) or not path.startswith("/"):
            path = "/"
        method = lookup(event, LAYOUT[kind]["method"])
        retarget(self.base, kind, method if isinstance(method, str)
                 else "GET", ECHO_PATH + path.rstrip("/"))
        # A body that claims base64 but is not would make every mutation
        # a 400; the mutations start from its honest encoding.
        body = lookup(event, LAYOUT[kind]["body"])
        if lookup(event, LAYOUT[kind]["b64"]) is True and \
                isinstance(body, str) and not b64_ok(body):
            assign(self.base, LAYOUT[kind]["body"], _b64(body))

    def add(self, what, mutate, expect, shape_kept=True, huge=False,
            context=None, app="httpbin", known=None, echo=True):
        base = self.base
        kind = self.kind
        # A valid request for the echo route must be served.
        if echo and expect == VALID:
            expect = OK

        def build():
            event = copy.deepcopy(base)
            result = mutate(event)
            if result is not None:
                event = result
            return event, context if context is not None \
                else LambdaContext()

        self.out.append(Case("%s:%s" % (self.ident, what), build, expect,
                             kind, shape_kept, huge, app, known))

    def set_field(self, what, dotted, value, expect, shape_kept=True,
                  huge=False, known=None):
        self.add(what, lambda e: assign(e, dotted, value), expect,
                 shape_kept, huge, known=known)

    # -- the method and the path: the request cannot be served without

    def method(self):
        f = LAYOUT[self.kind]["method"]
        for label, value in NOT_STRINGS:
            self.set_field("method=%s" % label, f, value, E400, False)
        self.set_field("method=null", f, None, gone(self.kind, "method"),
                       False)
        self.set_field("method=missing", f, MISSING,
                       gone(self.kind, "method"), False)
        # An empty method is no token: the request is malformed.
        self.set_field("method=empty", f, "", E400)
        # Methods are case sensitive tokens; lower case is simply another
        # method that no route serves, or the gateway's upper-casing of
        # it. Both are valid requests.
        self.set_field("method=lower", f, "get", VALID)
        self.set_field("method=unknown_token", f, "PROPFIND", VALID)
        # A 64 KB token is still a token: no route serves it.
        self.set_field("method=64k", f, "X" * 65536, OK)
        self.set_field("method=surrogate", f, "G" + LONE_SURROGATE, E400)
        # A NUL or a space is not allowed in a token.
        self.set_field("method=nul", f, "GE\x00T", E400)
        self.set_field("method=space", f, "GET /", E400)

    def path(self):
        kind = self.kind
        f = LAYOUT[kind]["path"]

        def both(value):
            def mutate(e):
                assign(e, f, value)
                if kind in ("v2", "url") and isinstance(
                        lookup(e, "requestContext.http"), dict):
                    assign(e, "requestContext.http.path", value)
            return mutate

        for label, value in NOT_STRINGS:
            self.add("path=%s" % label, both(value), E400, False)
        self.add("path=null", both(None), gone(kind, "path"), False)
        self.add("path=missing", both(MISSING), gone(kind, "path"), False)
        # An event path is absolute: "" or "anything/x" is malformed.
        self.add("path=empty", both(""), E400)
        self.add("path=relative", both("anything/x"), E400)
        # '..', '.', '//' are valid request paths. The router matches
        # segments literally (there is no file system to escape), so
        # under /anything/{path+} they are served, and elsewhere they
        # match no route. A '?' or '#' in a path is a literal character,
        # except in VPC Lattice, whose path carries the query string.
        for label, value in (
                ("dotdot", ECHO_PATH + "/../../etc/passwd"),
                ("encoded_dotdot", ECHO_PATH + "/%2e%2e/%2E%2E/x"),
                ("encoded_slash", ECHO_PATH + "/a%2Fb"),
                ("backslash", ECHO_PATH + "/..\\..\\x"),
                ("space", ECHO_PATH + "/a b"),
                ("utf8", ECHO_PATH + "/\u00e9\u4e2d\U0001F30D"),
                ("ctl", ECHO_PATH + "/\x01\x7f"),
                ("crlf", ECHO_PATH + "/a\r\nX-Injected: 1"),
                ("trailing_slash", ECHO_PATH + "/x/")):
            self.add("path=%s" % label, both(value), OK)
        # Outside the echo route, whether a path is served depends on
        # the app's routes; any normal answer is right.
        for label, value in (("dotdot_only", "/.."),
                             ("dot", "/./anything"),
                             ("double_slash", "//anything//x"),
                             ("slashes", "////"),
                             ("fragment_in_path", ECHO_PATH + "#frag")):
            self.add("path=%s" % label, both(value), VALID, echo=False)
        lattice = kind in ("lattice-v1", "lattice-v2")
        self.add("path=query_in_path", both(ECHO_PATH + "?a=1"),
                 OK if lattice else VALID, echo=False)
        # '%' not followed by two hex digits: kept literally by the
        # router (404 or served by a parameter), or refused.
        for label, value in (("pct_nonhex", ECHO_PATH + "/%zz"),
                             ("pct_trunc", ECHO_PATH + "/%4"),
                             ("pct_alone", ECHO_PATH + "/%"),
                             ("pct_nul", ECHO_PATH + "/%00"),
                             ("pct_bad_utf8", ECHO_PATH + "/%ff%fe")):
            self.add("path=%s" % label, both(value), OK)
        self.add("path=surrogate", both("/" + LONE_SURROGATE), E400)
        self.add("path=low_surrogate", both("/a" + LOW_SURROGATE), E400)
        # A NUL cannot be part of a path lando hands to C code.
        self.add("path=nul", both(ECHO_PATH + "/a\x00b"), E400)
        self.add("path=64k", both("/" + "a" * 65536), VALID, echo=False)
        self.add("path=64k_echo", both(ECHO_PATH + "/" + "a" * 65536), OK)
        self.add("path=10k_segments", both("/a" * 10000), VALID,
                 huge=True, echo=False)
        self.add("path=deep_greedy", both(ECHO_PATH + "/x" * 5000), OK,
                 huge=True)

    # -- header and query maps
    #
    # The gateway reads every map the same way: names are strings, a
    # value is a string or a list of strings, null values and null list
    # items are skipped. A multi-value map that holds something wins over
    # its single-value twin, which is then not read at all; in HTTP API
    # and Function URL events rawQueryString, when present, wins over
    # queryStringParameters in the same way.

    def shadowed(self, role):
        """Whether the map of ROLE is not read for this fixture."""
        kind, base = self.kind, self.base
        if kind in ("v1", "alb") and role in ("headers", "query"):
            twin = "multiValueHeaders" if role == "headers" \
                else "multiValueQueryStringParameters"
            m = base.get(twin)
            return isinstance(m, dict) and len(m) > 0
        if kind in ("v2", "url") and role == "query":
            return base.get("rawQueryString") is not None
        return False

    def map_field(self, role):
        kind = self.kind
        name = LAYOUT[kind].get(role)
        if name is None:
            return
        f = field_of(kind, role) if role in ("headers", "query") else name
        multi = role in ("mvheaders", "mvquery") or \
            name in ("lheaders", "lquery")
        is_query = role in ("query", "mvquery")
        tag = role
        unread = self.shadowed(role)

        def want(expect):
            # A map the gateway does not read cannot fail the request.
            return VALID if unread else expect

        self.set_field("%s=null" % tag, f, None, VALID)
        self.set_field("%s=missing" % tag, f, MISSING, VALID)
        self.set_field("%s=empty" % tag, f, {}, VALID)
        for label, value in NOT_MAPS:
            self.set_field("%s=%s" % (tag, label), f, value, want(E400))

        current = lookup(self.base, f)
        key = "q" if is_query else "x-probe"
        if isinstance(current, dict) and current:
            key = sorted(current)[0]

        def with_value(value, k=key):
            def mutate(e):
                m = lookup(e, f)
                if not isinstance(m, dict):
                    m = {}
                    assign(e, f, m)
                m[k] = value
            return mutate

        def wrap(v):
            return [v] if multi else v

        for label, value in (("int", 5), ("float", 1.5), ("true", True),
                             ("dict", {"a": "b"}), ("bytes", b"v")):
            self.add("%s.value=%s" % (tag, label), with_value(wrap(value)),
                     want(E400))
        # Either shape of value is read in either kind of map.
        self.add("%s.value=list" % tag, with_value(["a", "b"]), VALID)
        self.add("%s.value=bare_string" % tag, with_value("v"), VALID)
        self.add("%s.value=empty_list" % tag, with_value([]), VALID)
        self.add("%s.value=list_with_null" % tag,
                 with_value(["a", None, "b"]), VALID)
        self.add("%s.value=nested_list" % tag, with_value([["v"]]),
                 want(E400))
        self.add("%s.value=list_with_int" % tag, with_value(["a", 5]),
                 want(E400))
        self.add("%s.value=null" % tag, with_value(None), VALID)
        self.add("%s.value=empty" % tag, with_value(wrap("")), VALID)
        self.add("%s.value=64k" % tag, with_value(wrap("v" * 65536)),
                 VALID)
        self.add("%s.value=surrogate" % tag,
                 with_value(wrap(LONE_SURROGATE)), want(E400))
        self.add("%s.value=nul" % tag, with_value(wrap("a\x00b")), VALID)
        self.add("%s.value=crlf" % tag,
                 with_value(wrap("a\r\nSet-Cookie: injected=1")), VALID)
        self.add("%s.value=deep" % tag,
                 with_value(wrap(nested_list(100000))), want(E400))
        if is_query:
            # ALB hands values over still percent-encoded, so a bad
            # escape reaches the decoder, which keeps it as it is.
            self.add("%s.value=pct_nonhex" % tag,
                     with_value(wrap("%zz%4%")), VALID)

        def with_key(k, v="v"):
            def mutate(e):
                m = lookup(e, f)
                if not isinstance(m, dict):
                    m = {}
                    assign(e, f, m)
                m[k] = wrap(v)
            return mutate

        # Keys: JSON gives only strings, but a Python caller may not.
        for label, k in (("int", 1), ("none", None), ("tuple", ("a", "b")),
                         ("surrogate", LONE_SURROGATE)):
            self.add("%s.key=%s" % (tag, label), with_key(k), want(E400))
        for label, k in (("empty", ""), ("nul", "x-a\x00b"),
                         ("64k", "k" * 65536), ("pct_nonhex", "%g0")):
            self.add("%s.key=%s" % (tag, label), with_key(k), VALID)

        def many(count, size):
            def mutate(e):
                assign(e, f, {"x-h-%d" % i: wrap("v" * size)
                              for i in range(count)})
            return mutate

        if is_query:
            self.add("%s=10k_keys" % tag, many(10000, 1), VALID,
                     huge=True)
        else:
            # 100 000 headers and 64 KB values: far past what API Gateway
            # lets through, but a valid request if it arrives at all.
            self.add("%s=100k_headers" % tag, many(100000, 1), VALID,
                     huge=True)
            self.add("%s=1k_values_of_64k" % tag, many(1000, 65536),
                     VALID, huge=True)

    def raw_query(self):
        f = LAYOUT[self.kind].get("rawquery")
        if f is None:
            return
        for label, value in NOT_STRINGS:
            self.set_field("rawquery=%s" % label, f, value, E400)
        self.set_field("rawquery=null", f, None, VALID)
        self.set_field("rawquery=missing", f, MISSING, VALID)
        self.set_field("rawquery=empty", f, "", VALID)
        for label, value in (("separators", "&&&==&=&a==b=&"),
                             ("pct_nonhex", "a=%zz&%g0=1&b=%"),
                             ("pct_nul", "a=%00&b%00c=1"),
                             ("plus", "a=+%2B+&+=+"),
                             ("no_equals", "flag&other"),
                             ("utf8", "q=\u00e9\u4e2d"),
                             ("question", "?a=1?b=2"),
                             ("nul", "a=\x00")):
            self.set_field("rawquery=%s" % label, f, value, OK)
        self.set_field("rawquery=surrogate", f, "a=" + LONE_SURROGATE,
                       E400)
        # Lambda's payload limit bounds the event, not the query: a
        # valid request, served.
        self.set_field("rawquery=10k_keys", f,
                       "&".join("k%d=v" % i for i in range(10000)),
                       OK, huge=True)
        self.set_field("rawquery=1m", f, "a=" + "b" * MB, OK, huge=True)

    # -- cookies (v2 and URL)

    def cookies(self):
        f = LAYOUT[self.kind].get("cookies")
        if f is None:
            return
        self.set_field("cookies=null", f, None, VALID)
        self.set_field("cookies=missing", f, MISSING, VALID)
        self.set_field("cookies=empty", f, [], VALID)
        for label, value in NOT_LISTS:
            self.set_field("cookies=%s" % label, f, value, E400)
        for label, value in (("int", [5]), ("list", [["a=b"]]),
                             ("dict", [{"a": "b"}])):
            self.set_field("cookies.item=%s" % label, f, value, E400)
        self.set_field("cookies.item=null", f, [None], OK)
        self.set_field("cookies.item=surrogate", f,
                       ["a=" + LONE_SURROGATE], E400)
        for label, value in (("empty", [""]), ("bare", ["name"]),
                             ("pct_nonhex", ["a=%zz", "b=%"]),
                             ("semicolons", [";;; ; a=b;;"]),
                             ("nul", ["a=b\x00c"]),
                             ("64k", ["a=" + "c" * 65536])):
            self.set_field("cookies.item=%s" % label, f, value, VALID)
        self.set_field("cookies=10k", f,
                       ["c%d=v" % i for i in range(10000)], OK, huge=True)

    # -- the body and its base64 flag

    def body(self):
        kind = self.kind
        layout = LAYOUT[kind]
        fb, f64 = layout["body"], layout["b64"]
        for label, value in NOT_STRINGS:
            if label == "false":
                continue
            # bytes are the body's bytes, as documented by the gateway.
            self.set_field("body=%s" % label, fb, value,
                           VALID if label == "bytes" else E400)
        self.set_field("body=null", fb, None, VALID)
        self.set_field("body=missing", fb, MISSING, VALID)
        self.set_field("body=empty", fb, "", VALID)
        self.set_field("body=surrogate", fb, "{\"a\": \"" + LONE_SURROGATE
                       + "\"}", E400)

        def echo(body, b64=False, ctype=None, path=ECHO_PATH + "/body"):
            def mutate(e):
                retarget(e, kind, "POST", path)
                set_body(e, kind, body, b64)
                if ctype is not None:
                    set_header(e, kind, "Content-Type", ctype)
            return mutate

        self.add("body=nul_bytes", echo("a\x00b\x00"), VALID)
        self.add("body=binary_as_text", echo("\x00\x01\xff\ufffe"),
                 VALID)
        # Lambda's own limit is 6 MB, so 10 MB cannot arrive from API
        # Gateway; if it does, the body limit answers 413.
        self.add("body=10mb_text", echo("x" * (10 * MB)), E413, huge=True)
        self.add("body=10mb_base64", echo("QUJD" * (10 * MB // 4), True),
                 E413, huge=True)
        # Under the limit, a large body is served.
        self.add("body=1mb_base64", echo("AAEC" * (MB // 4), True,
                                         "application/octet-stream"),
                 VALID, huge=True)

        # isBase64Encoded: a bool, absent or null.
        self.set_field("b64=null", f64, None, VALID)
        self.set_field("b64=missing", f64, MISSING, VALID)
        # Only a bool (or an int, which bool is in Python) is a flag.
        for label, value in (("string_true", "true"), ("string_false",
                                                       "false"),
                             ("list", [True]), ("dict", {})):
            self.set_field("b64=%s" % label, f64, value, E400)
        # An int is read for its truth: the body must then be base64.
        body = lookup(self.base, fb)
        self.set_field("b64=int", f64, 1,
                       OK if not isinstance(body, str) or b64_ok(body)
                       else E400)
        # Only line breaks may sit inside the text: the corpus's "not
        # really base64" is not base64.
        for label, value in (("not_base64", "not*really*base64"),
                             ("letters_and_spaces", "not really base64"),
                             ("spaces", " Q U J D "),
                             ("tab", "QUJD\tREVG"),
                             ("dangling_char", "QUJDR"),
                             ("bad_padding", "QQ=A"),
                             ("too_much_padding", "QQ===="),
                             ("only_padding", "===="),
                             ("nul", "QUJD\x00"),
                             ("url_alphabet", "-_-_"),
                             ("non_ascii", "QUJD\u00e9"),
                             ("surrogate", "QUJD" + LONE_SURROGATE)):
            self.add("b64body=%s" % label, echo(value, True), E400)
        for label, value in (("wrapped", "QUJD\r\nREVG\n"),
                             ("unpadded", "QUI"), ("empty", "")):
            self.add("b64body=%s" % label, echo(value, True), VALID)
        self.add("b64body=null", echo(None, True), VALID)

        # JSON bodies where they must be JSON: examples/todo.
        def todo(body, ctype="application/json", b64=False):
            def mutate(e):
                retarget(e, kind, "POST", TODO_PATH)
                set_body(e, kind, body, b64)
                set_header(e, kind, "X-Api-Key", TODO_KEY)
                if ctype is not None:
                    set_header(e, kind, "Content-Type", ctype)
            return mutate

        deep = "[" * 100000 + "]" * 100000
        bad_json = (("deep_arrays", deep),
                    ("deep_objects", '{"a":' * 50000 + "1" + "}" * 50000),
                    ("truncated", '{"a": [1, 2'),
                    ("trailing", '{"a": 1} x'),
                    ("nul_escape", '{"title": "a\\u0000b"}'),
                    ("nul_byte", '{"title": "a\x00b"}'),
                    ("lone_surrogate_escape", '{"title": "\\ud800"}'),
                    ("empty", ""),
                    ("nan", '{"a": NaN}'),
                    ("not_utf8_via_base64", None))
        for label, value in bad_json:
            if value is None:
                mutate = todo(_b64(b'{"title": "\xff\xfe"}'), b64=True)
            else:
                mutate = todo(value)
            self.add("json=%s" % label, mutate, E400,
                     huge=label.startswith("deep"), app="todo")
        self.add("json=not_an_object", todo("[1, 2]"), E400, app="todo")
        self.add("json=wrong_fields", todo('{"title": 5, "x": []}'), E400,
                 app="todo")
        self.add("json=deep_in_base64", todo(_b64("[" * 5000 + "]" * 5000),
                                             b64=True), E400, app="todo")
        self.add("json=base64_invalid", todo("{{{", b64=True), E400,
                 app="todo")
        for label, ctype in (("text", "text/csv"),
                             ("form", "application/x-www-form-urlencoded"),
                             ("garbage", "\x01;;;=;"),
                             ("surrogate_type", "application/" +
                              LONE_SURROGATE)):
            self.add("json.content_type=%s" % label,
                     todo('{"title": "t"}', ctype),
                     E400 if "surrogate" in label else frozenset({"415"}),
                     app="todo")
        # httpbin parses what it can and echoes null or {} otherwise: a
        # malformed JSON or form body is a valid request there.
        for label, value, ctype in (
                ("json_deep", deep, "application/json"),
                ("json_truncated", '{"a": [1, 2', "application/json"),
                ("form_pct_nonhex", "a=%zz&%=1&b=%4",
                 "application/x-www-form-urlencoded"),
                ("form_separators", "&&=&a=&=b&",
                 "application/x-www-form-urlencoded"),
                ("form_10k", "&".join("k%d=v" % i for i in range(10000)),
                 "application/x-www-form-urlencoded"),
                ("form_nul", "a=%00&b=\x00", "application/x-www-form-"
                 "urlencoded"),
                ("form_as_json", "a=1", "application/json")):
            self.add("echo=%s" % label, echo(value, ctype=ctype), VALID,
                     huge=label == "json_deep")

    # -- the request context and the rest

    def context(self):
        kind = self.kind
        f = LAYOUT[kind].get("context")
        if f is None:
            return
        # v2 and URL keep the method in requestContext.http: without it
        # the event cannot be served. ALB is told apart by
        # requestContext.elb; without it the event still reads as a
        # REST event with the same fields.
        needs = kind in ("v2", "url")
        broken = E400 if needs else VALID
        self.set_field("context=null", f, None, broken, not needs and
                       kind not in ("alb", "alb-multi"))
        self.set_field("context=missing", f, MISSING, broken, not needs and
                       kind not in ("alb", "alb-multi"))
        for label, value in NOT_MAPS:
            self.set_field("context=%s" % label, f, value,
                           E400 if needs else VALID,
                           not needs and kind not in ("alb", "alb-multi"))
        if needs:
            for label, value in (("null", None), ("string", "GET /"),
                                 ("list", ["GET"]), ("empty", {})):
                self.set_field("context.http=%s" % label,
                               "requestContext.http", value, E400,
                               False)
        # The request context is read lazily by dotted key; values of
        # any type or depth must not upset it.
        for label, value in (("request_id_int", 5),
                             ("request_id_list", ["a"]),
                             ("request_id_surrogate", LONE_SURROGATE)):
            self.set_field("context.requestId=%s" % label,
                           "requestContext.requestId", value, VALID)
        self.set_field("context.authorizer=deep",
                       "requestContext.authorizer", nested_dict(100000),
                       VALID)
        self.set_field("context.identity=deep_list",
                       "requestContext.identity", nested_list(100000),
                       VALID)
        if kind in ("v1", "alb", "alb-multi", "v2", "url"):
            self.set_field("context.sourceIp=int",
                           "requestContext.identity.sourceIp" if kind ==
                           "v1" else "requestContext.http.sourceIp", 7,
                           VALID)

    def stage_vars(self):
        f = LAYOUT[self.kind].get("stagevars")
        if f is None:
            return
        self.set_field("stagevars=null", f, None, VALID)
        self.set_field("stagevars=empty", f, {}, VALID)
        for label, value in NOT_MAPS[:4]:
            self.set_field("stagevars=%s" % label, f, value, E400)
        self.set_field("stagevars.value=int", f, {"a": 5}, E400)
        self.set_field("stagevars.value=surrogate", f,
                       {"a": LONE_SURROGATE}, E400)

    def ignored(self):
        for name in LAYOUT[self.kind].get("ignored", ()):
            for label, value in (("null", None), ("missing", MISSING),
                                 ("int", 5), ("list", [1]),
                                 ("surrogate", LONE_SURROGATE)):
                self.set_field("%s=%s" % (name, label), name, value, VALID)

    def whole(self):
        # Unknown extra fields, keys that are not strings, a dict subclass.
        def extra(e):
            e["unexpected"] = {"deep": nested_list(1000)}
            e[5] = "a key that is not a string"
            e[None] = None
        self.add("event=extra_keys", extra, VALID)

        class EventDict(dict):
            pass

        self.add("event=dict_subclass", lambda e: EventDict(e), VALID)

    def contexts(self):
        for label, ctx in (("none", None), ("object", object()),
                           ("odd_types", OddContext()),
                           ("raising", RaisingContext())):
            if ctx is None:
                # Build separately: add() maps None to a real context.
                base, kind = self.base, self.kind

                def build(base=base):
                    return copy.deepcopy(base), None

                self.out.append(Case("%s:lambda_context=none" % self.ident,
                                     build, OK, kind))
                continue
            self.add("lambda_context=%s" % label, lambda e: None, VALID,
                     context=ctx)
        if self.hostile:
            base, kind = self.base, self.kind

            def build_mutating(base=base):
                ev = copy.deepcopy(base)
                set_body(ev, kind, "{\"k\": [1, 2, 3]}" * 50)
                ctx = MutatingContext()
                ctx.event = ev
                return ev, ctx

            self.out.append(Case("%s:lambda_context=mutating" % self.ident,
                                 build_mutating, OK, kind))


def _b64(data):
    import base64
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def non_http_cases(events):
    """Inputs that are not HTTP events: EventError, nothing else."""
    cases = []

    def plain(name, value):
        # Deep values are made afresh on each build: deepcopy would
        # recurse past Python's limit.
        make = value if callable(value) else \
            (lambda v=value: copy.deepcopy(v))
        cases.append(Case("not_http:%s" % name,
                          lambda: (make(), LambdaContext()),
                          EVENT_ERROR, None, False))

    for name, value in (("none", None), ("int", 5), ("string", "GET /"),
                        ("bytes", b"{}"), ("list", [{"httpMethod": "GET",
                                                     "path": "/"}]),
                        ("empty_dict", {}), ("true", True),
                        ("float", 1.5), ("unrelated_dict", {"foo": "bar"}),
                        ("only_body", {"body": "x"}),
                        ("only_context", {"requestContext": {}}),
                        ("only_headers", {"headers": {"Host": "x"}}),
                        ("scheduled", {"source": "aws.events",
                                       "detail-type": "Scheduled Event",
                                       "detail": {}}),
                        ("sqs", {"Records": [{"eventSource": "aws:sqs",
                                              "body": "x"}]}),
                        ("deep_list", lambda: nested_list(100000)),
                        ("deep_dict", lambda: nested_dict(100000))):
        plain(name, value)
    for ident, kind, event in events:
        if kind in HTTP_KINDS:
            continue
        # WebSocket events and the response fixtures: JSON objects, but
        # no HTTP request.
        plain("%s(%s)" % (ident, kind), event)
    return cases


def generate(events_dir, include_huge=True, include_hostile=False):
    """Every case, in a fixed order. INCLUDE_HOSTILE adds the cases whose
    Lambda context rewrites the event mid-invocation (MutatingContext)."""
    events = load_events(events_dir)
    cases = []
    # Field mutations: from one fixture of each kind, every field; from
    # every fixture, its baseline and the type mutations of the fields
    # it actually has, so that each real event is exercised.
    seen_kinds = set()
    for ident, kind, event in events:
        if kind not in HTTP_KINDS:
            continue
        g = Gen(cases, ident, kind, event, include_hostile)
        g.out.append(Case("%s:baseline" % ident,
                          lambda e=event: (copy.deepcopy(e),
                                           LambdaContext()),
                          baseline_expect(kind, event), kind))
        g.add("echo", lambda e: None, OK)
        if kind not in seen_kinds:
            seen_kinds.add(kind)
            g.method()
            g.path()
            for role in ("headers", "mvheaders", "query", "mvquery"):
                g.map_field(role)
            g.raw_query()
            g.cookies()
            g.body()
            g.context()
            g.stage_vars()
            g.ignored()
            g.whole()
            g.contexts()
        else:
            light(g)
    cases.extend(non_http_cases(events))
    if not include_huge:
        cases = [c for c in cases if not c.huge]
    names = set()
    for c in cases:
        if c.name in names:
            raise AssertionError("duplicate case name %s" % c.name)
        names.add(c.name)
    return cases


def b64_ok(text):
    """Whether TEXT is base64 by the rules lando documents (codec.h): the
    standard alphabet, optional padding, CR and LF skipped."""
    s = "".join(ch for ch in text if ch not in "\r\n")
    core = s.rstrip("=")
    pads = len(s) - len(core)
    if not re.fullmatch("[A-Za-z0-9+/]*", core):
        return False
    if len(core) % 4 == 1:
        return False
    if pads and (pads > 2 or (len(core) + pads) % 4):
        return False
    return True


def baseline_expect(kind, event):
    """The real event itself is valid, unless it is a base64 body that
    is not base64."""
    layout = LAYOUT[kind]
    body = lookup(event, layout["body"])
    if lookup(event, layout["b64"]) is True and isinstance(body, str) \
            and not b64_ok(body):
        return E400
    return VALID


def light(g):
    """The quick mutations, for every fixture past the first of a kind:
    each field the event really carries goes null, missing and wrong."""
    layout = LAYOUT[g.kind]
    for role in ("method", "path"):
        f = layout[role]
        g.set_field("%s=int" % role, f, 5, E400, False)
        g.set_field("%s=null" % role, f, None, gone(g.kind, role), False)
    for role in ("headers", "mvheaders", "query", "mvquery"):
        name = layout.get(role)
        if name is None:
            continue
        f = field_of(g.kind, role) if role in ("headers", "query") \
            else name
        if lookup(g.base, f) is MISSING:
            continue
        g.set_field("%s=null" % role, f, None, VALID)
        g.set_field("%s=list" % role, f, ["a"],
                    VALID if g.shadowed(role) else E400)
    if lookup(g.base, layout["body"]) not in (MISSING, None):
        g.set_field("body=int", layout["body"], 5, E400)
        g.set_field("body=surrogate", layout["body"], LONE_SURROGATE, E400)
    if lookup(g.base, layout["b64"]) is True:
        g.set_field("b64body=invalid", layout["body"], "*not base64*",
                    E400)
