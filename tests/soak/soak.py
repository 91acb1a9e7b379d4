"""Soak test: a million warm invocations of a lando module, checking that
nothing grows.

    python3 tests/soak/soak.py [--module build/modules/libhttpbin.so]
        [--events tests/events/fixtures] [--invocations 1000000]

The invocations cycle through every real HTTP event of the fixture
corpus (all sources: REST, HTTP API, Function URL, ALB in both modes,
VPC Lattice v1 and v2), each aimed at several routes: plain requests,
CORS preflights and actual CORS requests, binary (base64) bodies that
come back as data: URLs, gzip-compressed answers, HEAD, JSON and form
bodies (well formed or not), failures (invalid base64, a malformed event
field), paths no route serves (404), and events that are not HTTP at all
(EventError).

Every SAMPLE invocations (default: a tenth of the run, at most 100 000)
it records:

- the resident set size (RSS) of the process;
- the number of objects the garbage collector tracks (gc.get_objects);
- the number of memory blocks Python's allocator has handed out
  (sys.getallocatedblocks), which also counts strings and numbers that
  the collector does not track;
- sys.gettotalrefcount() on a debug build of Python;
- the reference counts of the event objects the module borrows.

After the first sample (the warm-up), RSS may grow by at most 1 MB in
total, and the object count and borrowed reference counts (and the
total reference count on a debug build) may not grow beyond a small
allowance for the interpreter's own caches; the allocator's block count,
whose caches settle more slowly, may not grow over the second half.
Each event must get the same status on every round. Prints the figures
and "N passed, N failed"; exits 1 on failure.
"""

import argparse
import array
import base64
import copy
import gc
import importlib.machinery
import importlib.util
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# examples/httpbin serves any method on /anything and /anything/{path+},
# echoing the request as JSON; every other path is a 404.
ECHO = "/anything"
MISSING_ROUTE = "/no/such/route"
ORIGIN = "https://app.example.com"

HTTP_KINDS = ("v1", "v2", "url", "alb", "alb-multi", "lattice-v1",
              "lattice-v2")
MB = 1024 * 1024
# Growth the interpreter's own caches may cause over the run (method and
# type caches, free lists; up to about 40 blocks have been seen over the
# second half of a short run). A leak of one object in a thousand
# invocations adds hundreds over the million of a full run; a short run
# catches only leaks that are more frequent.
OBJECT_SLACK = 16
BLOCK_SLACK = 128
REFCOUNT_SLACK = 64


class LambdaContext:
    function_name = "httpbin"
    function_version = "$LATEST"
    invoked_function_arn = (
        "arn:aws:lambda:us-east-1:123456789012:function:httpbin")
    memory_limit_in_mb = "128"
    aws_request_id = "0f2a4a68-soak-0000-0000-000000000000"
    log_group_name = "/aws/lambda/httpbin"
    log_stream_name = "2024/01/01/[$LATEST]soak"

    def get_remaining_time_in_millis(self):
        return 30000


def load_module(path):
    name = os.path.basename(path).split(".")[0]
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def load_events(events_dir):
    index = os.path.join(events_dir, "index.json")
    with open(index, encoding="utf-8") as f:
        entries = json.load(f)
    out = []
    for entry in sorted(entries, key=lambda e: e["file"]):
        path = os.path.join(events_dir, entry["file"])
        with open(path, encoding="utf-8-sig") as f:
            out.append((entry["file"], entry["kind"], json.load(f)))
    return out


# Where method, path, headers and body live in each kind of event.
FIELDS = {
    "v1": ("httpMethod", "path", "headers", "body", "isBase64Encoded"),
    "v2": ("requestContext.http.method", "rawPath", "headers", "body",
           "isBase64Encoded"),
    "alb": ("httpMethod", "path", "headers", "body", "isBase64Encoded"),
    "alb-multi": ("httpMethod", "path", "multiValueHeaders", "body",
                  "isBase64Encoded"),
    "lattice-v1": ("method", "raw_path", "headers", "body",
                   "is_base64_encoded"),
    "lattice-v2": ("method", "path", "headers", "body", "isBase64Encoded"),
}
FIELDS["url"] = FIELDS["v2"]


def assign(event, dotted, value):
    parts = dotted.split(".")
    node = event
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def variant(kind, event, method, path, headers=(), body=None, b64=False):
    """A copy of EVENT aimed at METHOD PATH with extra HEADERS and BODY."""
    e = copy.deepcopy(event)
    fm, fp, fh, fb, f64 = FIELDS[kind]
    assign(e, fm, method)
    assign(e, fp, path)
    if kind in ("v2", "url"):
        assign(e, "requestContext.http.path", path)
    h = e.get(fh)
    if not isinstance(h, dict):
        h = {}
    for name, value in headers:
        h = {k: v for k, v in h.items() if k.lower() != name.lower()}
        multi = kind == "alb-multi" or (
            kind == "lattice-v2" and any(isinstance(v, list)
                                         for v in h.values()))
        h[name] = [value] if multi else value
    e[fh] = h
    if kind in ("v1", "alb") and isinstance(e.get("multiValueHeaders"),
                                            dict):
        mv = e["multiValueHeaders"]
        for name, value in headers:
            mv = {k: v for k, v in mv.items() if k.lower() != name.lower()}
            mv[name] = [value]
        e["multiValueHeaders"] = mv
    assign(e, fb, body)
    assign(e, f64, b64)
    return e


def build_round(events):
    """The events of one round: every fixture aimed at every route."""
    blob = base64.b64encode(bytes(range(256)) * 4).decode()
    out = []
    for ident, kind, event in events:
        if kind not in HTTP_KINDS:
            out.append(("%s:not-http" % ident, event))
            continue
        v = lambda *a, **k: variant(kind, event, *a, **k)  # noqa: E731
        out += [
            ("%s:as-is" % ident, event),
            ("%s:echo" % ident, v("GET", ECHO + "/x?a=1&b=%20")),
            ("%s:preflight" % ident,
             v("OPTIONS", ECHO, [("Origin", ORIGIN),
                                 ("Access-Control-Request-Method", "PUT"),
                                 ("Access-Control-Request-Headers",
                                  "content-type")])),
            ("%s:cors-get" % ident, v("GET", ECHO, [("Origin", ORIGIN)])),
            ("%s:cors-refused" % ident,
             v("GET", ECHO, [("Origin", "https://evil.example")])),
            ("%s:binary-in" % ident,
             v("POST", ECHO, [("Content-Type", "application/octet-stream")],
               blob, True)),
            ("%s:binary-not-utf8" % ident,
             v("PUT", ECHO + "/bin", [("Content-Type", "image/png")],
               base64.b64encode(b"\x89PNG\r\n\x1a\n\xff\xfe").decode(),
               True)),
            ("%s:gzip" % ident,
             v("POST", ECHO, [("Accept-Encoding", "gzip, deflate"),
                              ("Content-Type", "text/plain")],
               "compressible " * 400)),
            ("%s:head" % ident, v("HEAD", ECHO)),
            ("%s:json" % ident,
             v("POST", ECHO, [("Content-Type", "application/json")],
               '{"a": [1, 2, {"b": null}], "c": "\u00e9"}')),
            ("%s:bad-json" % ident,
             v("POST", ECHO, [("Content-Type", "application/json")],
               '{"a": [1, 2')),
            ("%s:form" % ident,
             v("POST", ECHO, [("Content-Type",
                               "application/x-www-form-urlencoded")],
               "a=1&b=%41&c=%zz")),
            ("%s:bad-base64" % ident,
             v("POST", ECHO, (), "*not base64*", True)),
            ("%s:bad-event" % ident, v(5, ECHO)),
            ("%s:404" % ident, v("GET", MISSING_ROUTE)),
            ("%s:cookies" % ident,
             v("GET", ECHO, [("Cookie", "a=1; b=%41; c"),
                             ("Authorization", "Bearer soak-secret")])),
        ]
    out.append(("not-http:none", None))
    out.append(("not-http:list", [1, 2]))
    return out


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def borrowed_objects(round_events):
    """The objects of the events that the module borrows (the events, their
    maps and lists, the strings in them), leaving out those shared with
    the rest of the interpreter (interned or small, with high counts):
    a reference the module forgets to drop shows in their counts."""
    out = []
    seen = set()
    stack = [e for _n, e in round_events]
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if sys.getrefcount(o) < 64:
            out.append(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)
    return out


FIGURES = ("rss", "objects", "blocks", "refs", "totalrefs")


def sample(tracked, into, row):
    """Write the figures of this moment into row ROW of the preallocated
    array INTO, so that keeping them allocates nothing."""
    gc.collect()
    base = row * len(FIGURES)
    into[base + 2] = sys.getallocatedblocks()
    into[base] = rss_bytes()
    into[base + 1] = len(gc.get_objects())
    refs = 0
    for o in tracked:
        refs += sys.getrefcount(o)
    into[base + 3] = refs
    into[base + 4] = sys.gettotalrefcount() \
        if hasattr(sys, "gettotalrefcount") else -1


def invoke(module, event, context):
    try:
        res = module.handler(event, context)
    except module.EventError:
        return "EventError"
    return res["statusCode"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--module",
                   default=os.path.join(ROOT, "build", "modules",
                                        "libhttpbin.so"))
    p.add_argument("--events",
                   default=os.path.join(ROOT, "tests", "events", "fixtures"))
    p.add_argument("--invocations", type=int, default=1000000)
    p.add_argument("--sample", type=int, default=0,
                   help="invocations between samples (default: a tenth "
                   "of the run, at most 100000)")
    p.add_argument("--rss-limit", type=int, default=MB,
                   help="bytes RSS may grow after the first sample")
    args = p.parse_args()
    every = args.sample or min(100000, max(1, args.invocations // 10))

    # The module logs one line per invocation to standard output; a
    # million of them would only cost time here.
    os.environ.setdefault("AWS_LAMBDA_LOG_LEVEL", "ERROR")
    sys.stdout.flush()
    saved_stdout = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)

    def say(text):
        os.write(saved_stdout, (text + "\n").encode())

    module = load_module(args.module)
    context = LambdaContext()
    round_events = build_round(load_events(args.events))
    n_round = len(round_events)

    # Warm up: one round, whose statuses every later round must repeat.
    expected = [invoke(module, e, context) for _n, e in round_events]
    kinds = {}
    for status in expected:
        kinds[status] = kinds.get(status, 0) + 1
    say("soak: Python %s, %d events a round, statuses %s"
        % (sys.version.split()[0], n_round,
           ", ".join("%s x%d" % (k, v) for k, v in
                     sorted(kinds.items(), key=str))))

    tracked = borrowed_objects(round_events)
    n_samples = (args.invocations + every - 1) // every
    figures = array.array("q", [0] * (n_samples * len(FIGURES)))
    rows = 0
    mismatches = 0
    t0 = time.monotonic()
    handler = module.handler
    event_error = module.EventError
    i = 0
    while i < args.invocations:
        j = i % n_round
        event = round_events[j][1]
        try:
            status = handler(event, context)["statusCode"]
        except event_error:
            status = "EventError"
        if status != expected[j]:
            mismatches += 1
            if mismatches <= 5:
                say("soak: FAIL %s gave %s, first round %s"
                    % (round_events[j][0], status, expected[j]))
        i += 1
        if i % every == 0 or i == args.invocations:
            sample(tracked, figures, rows)
            rows += 1
            f = figures[(rows - 1) * len(FIGURES):rows * len(FIGURES)]
            say("soak: %9d invocations %7.1f s  rss %7.2f MB  objects %7d"
                "  blocks %8d  borrowed refs %8d%s"
                % (i, time.monotonic() - t0, f[0] / MB, f[1], f[2], f[3],
                   "  totalrefs %d" % f[4] if f[4] >= 0 else ""))
    seconds = time.monotonic() - t0

    def fig(row, name):
        return figures[row * len(FIGURES) + FIGURES.index(name)]

    failed = []
    if mismatches:
        failed.append("%d invocations changed status" % mismatches)
    last = rows - 1
    growth = fig(last, "rss") - fig(0, "rss")
    say("soak: %d invocations in %.1f s (%.1f us each); after the first "
        "sample: RSS %+d bytes, objects %+d, blocks %+d (%+d over the "
        "second half), borrowed refs %+d"
        % (args.invocations, seconds, seconds * 1e6 / args.invocations,
           growth, fig(last, "objects") - fig(0, "objects"),
           fig(last, "blocks") - fig(0, "blocks"),
           fig(last, "blocks") - fig(last // 2, "blocks"),
           fig(last, "refs") - fig(0, "refs")))
    if rows < 2:
        failed.append("too few samples to compare (use more invocations)")
    if growth > args.rss_limit:
        failed.append("RSS grew by %d bytes (limit %d)"
                      % (growth, args.rss_limit))
    # Python's own caches settle during the first half of a run (the
    # allocator's block count the slowest); a leak grows in both halves.
    mid = last // 2
    for name, start, slack in (("objects", 0, OBJECT_SLACK),
                               ("refs", 0, 0),
                               ("totalrefs", 0, REFCOUNT_SLACK),
                               ("blocks", mid, BLOCK_SLACK)):
        if fig(0, name) < 0:
            continue
        if fig(last, name) - fig(start, name) > slack:
            failed.append("%s grew from %d to %d between samples %d and %d"
                          % (name, fig(start, name), fig(last, name),
                             start + 1, last + 1))
    for f in failed:
        say("soak: FAIL %s" % f)
    checks = 2 + 4
    say("%d passed, %d failed" % (checks - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
