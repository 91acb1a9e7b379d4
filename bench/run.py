#!/usr/bin/env python3
"""lando's benchmark: figures, not a test.

Lambda's Python runtime calls a lando module as handler(event, context),
so the benchmark calls it the same way, from Python. In one run it
measures, against a hand-written floor module built with the same flags:

  * microseconds per call on four API Gateway REST events (a GET with two
    path parameters, a query and 16 headers; a POST with a base64 JSON
    body of about 1 kB that the handler parses; a CORS preflight; an
    unknown path), and the ratio to the floor on the same event;
  * import + setup + first call in a fresh interpreter (median of runs);
  * peak RSS of a fresh interpreter after many calls, and how much of
    it importing and calling the module added;
  * the GET with 10, 100 and 1000 routes (LANDO_BENCH_ROUTES).

It prints a table with each figure's target and whether it was met, and
with --json FILE writes the same figures as JSON. Build first:

    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
    cmake --build build --target bench     # builds, then runs this

or run it by hand: python3 bench/run.py --build-dir build

By default lando's log lines are discarded before they are formatted;
--log devnull formats and writes them to /dev/null, as a deployed
function writes them to its log stream.

To profile one event without the rest of the run, --profile EVENT calls
only that handler, --calls times (default 200000); --floor profiles the
floor instead. Give valgrind the interpreter itself, not a wrapper script
(python3 -c "import sys; print(sys.executable)"), and count only the
handler calls:

    perf record -g python3 bench/run.py --build-dir build --profile get
    valgrind --tool=callgrind --toggle-collect=handler PYTHON \
        bench/run.py --build-dir build --profile get --calls 20000

Only the standard library is used.
"""

import argparse
import base64
import gc
import importlib
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

APP = "libbenchapp"
FLOOR = "libfloor"

# Targets of the issue: ratio to the floor per event, cold start, scaling.
TARGET_RATIO = {"get": 3.0, "post": 10.0, "preflight": 3.0, "notfound": 3.0}
TARGET_COLD_US = 2000.0
TARGET_SCALING = 1.10

EVENT_ORDER = ("get", "post", "preflight", "notfound")
EVENT_TITLE = {
    "get": "GET 2 params, query, 16 headers",
    "post": "POST base64 JSON body, 1 kB",
    "preflight": "OPTIONS CORS preflight",
    "notfound": "GET unknown path (404)",
}
EXPECTED_STATUS = {
    "get": (200,),
    "post": (201,),
    "preflight": (200, 204),
    "notfound": (404,),
}

# ---------------------------------------------------------------------------
# Events and the Lambda context, shaped as API Gateway REST sends them.


def _headers(extra):
    """The 16 headers a browser request through CloudFront carries."""
    h = {
        "Accept": "application/json, text/plain, */*",
        "Accept-Encoding": "gzip, deflate, br",
        "Accept-Language": "en-GB,en;q=0.9,de;q=0.8",
        "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9."
        "eyJzdWIiOiI0MiIsImV4cCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJl",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Is-Desktop-Viewer": "true",
        "CloudFront-Is-Mobile-Viewer": "false",
        "CloudFront-Viewer-Country": "DE",
        "Host": "abc123.execute-api.eu-west-1.amazonaws.com",
        "Referer": "https://app.example.com/orders",
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Via": "2.0 4f6c0e8b1a2d3c4e.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": "kS3pQ1aN0vB8xZ7yW6uT5rE4dC3fG2hJ1kL0mN9oP8qR7sT6==",
        "X-Amzn-Trace-Id": "Root=1-65f1c2d3-4a5b6c7d8e9f0a1b2c3d4e5f",
        "X-Forwarded-For": "203.0.113.7, 130.176.0.1",
        "X-Forwarded-Port": "443",
    }
    h.update(extra)
    return h


def _rest_event(method, path, resource_, params, query, headers, body=None,
                is_b64=False):
    return {
        "resource": resource_,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters":
            {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "a1b2c3",
            "resourcePath": resource_,
            "httpMethod": method,
            "extendedRequestId": "Ab1CdEfGhIjKlMn=",
            "requestTime": "03/Dec/2024:16:50:00 +0000",
            "path": "/prod" + path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abc123",
            "requestTimeEpoch": 1733244600000,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.7",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": headers.get("User-Agent"),
                "user": None,
            },
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "apiId": "abc123",
        },
        "body": body,
        "isBase64Encoded": is_b64,
    }


def _order_body():
    """A JSON order of about 1 KB, as a client would post it."""
    items = [
        {"sku": "SKU-%05d" % (1000 + i), "quantity": i % 3 + 1,
         "unitPrice": {"amount": 1999 + 250 * i, "currency": "EUR"},
         "note": "gift wrap" if i % 4 == 0 else None}
        for i in range(8)
    ]
    order = {
        "items": items,
        "shippingAddress": {"name": "Ada Example", "line1": "1 Main St",
                            "city": "Berlin", "postcode": "10115",
                            "country": "DE"},
        "coupon": "WINTER24",
        "express": False,
    }
    return json.dumps(order).encode()


def make_events():
    get = _rest_event(
        "GET", "/users/42/orders/1001", "/users/{id}/orders/{orderId}",
        {"id": "42", "orderId": "1001"}, {"expand": "items", "limit": "10"},
        _headers({}))
    raw = _order_body()
    post = _rest_event(
        "POST", "/users/42/orders", "/users/{id}/orders", {"id": "42"}, {},
        _headers({"Content-Type": "application/json",
                  "Origin": "https://app.example.com"}),
        base64.b64encode(raw).decode(), True)
    preflight_headers = _headers({
        "Origin": "https://app.example.com",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, content-type",
    })
    for name in ("Authorization", "Referer"):
        preflight_headers.pop(name)
    preflight = _rest_event(
        "OPTIONS", "/users/42", "/users/{id}", {"id": "42"}, {},
        preflight_headers)
    notfound = _rest_event(
        "GET", "/no/such/thing", "/{proxy+}", {"proxy": "no/such/thing"}, {},
        _headers({}))
    return {"get": get, "post": post, "preflight": preflight,
            "notfound": notfound, "_post_body_bytes": len(raw)}


class LambdaContext:
    """The attributes and method of the runtime's context object."""

    function_name = "lando-bench"
    function_version = "$LATEST"
    invoked_function_arn = \
        "arn:aws:lambda:eu-west-1:123456789012:function:lando-bench"
    memory_limit_in_mb = "1024"
    aws_request_id = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    log_group_name = "/aws/lambda/lando-bench"
    log_stream_name = "2024/12/03/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self):
        return 29000


# ---------------------------------------------------------------------------
# Measuring.


def load(modules_dir, name):
    if modules_dir not in sys.path:
        sys.path.insert(0, modules_dir)
    return importlib.import_module(name)


def timed_calls(fn, event, ctx, n):
    """Nanoseconds for N calls of fn(event, ctx)."""
    t0 = time.perf_counter_ns()
    for _ in itertools.repeat(None, n):
        fn(event, ctx)
    return time.perf_counter_ns() - t0


def best_per_call_us(fns, event, ctx, reps, rep_ms, warmup=2000):
    """Best of REPS repetitions of N calls for each of FNS (a dict), the
    repetitions interleaved so that drift in the machine hits all alike.
    N is chosen so that one repetition of the slowest takes about REP_MS.
    Returns {name: microseconds per call}."""
    gc_was = gc.isenabled()
    gc.disable()
    try:
        slowest = 0.0
        for fn in fns.values():
            timed_calls(fn, event, ctx, warmup)
            slowest = max(slowest, timed_calls(fn, event, ctx, 1000) / 1000)
        n = max(1000, int(rep_ms * 1e6 / max(slowest, 1.0)))
        best = {name: float("inf") for name in fns}
        for _ in range(reps):
            for name, fn in fns.items():
                best[name] = min(best[name],
                                 timed_calls(fn, event, ctx, n) / n)
        return {name: ns / 1000.0 for name, ns in best.items()}
    finally:
        if gc_was:
            gc.enable()


def _proc_status_kb(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def maxrss_kb():
    """Peak resident set of this process in kB. Linux's VmHWM, which
    starts afresh at exec; ru_maxrss would carry over the peak of the
    parent that forked this child. ru_maxrss elsewhere."""
    hwm = _proc_status_kb("VmHWM")
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def current_rss_kb():
    """Current resident set in kB, or None where /proc is missing."""
    return _proc_status_kb("VmRSS")


def status_of(fn, event, ctx):
    res = fn(event, ctx)
    if not isinstance(res, dict):
        return None, "returned %s, not a dict" % type(res).__name__
    return res.get("statusCode"), res


# ---------------------------------------------------------------------------
# Children: each figure that needs a fresh interpreter runs this file again
# with --child and reads one JSON line from its output.


def child_main(args):
    modules_dir = os.path.join(os.path.abspath(args.build_dir), "modules")
    events = make_events()
    ctx = LambdaContext()
    out = {}
    if args.child == "cold":
        event = events["get"]
        sys.path.insert(0, modules_dir)
        gc.collect()
        t0 = time.perf_counter_ns()
        mod = importlib.import_module(args.module)
        t1 = time.perf_counter_ns()
        res = mod.handler(event, ctx)
        t2 = time.perf_counter_ns()
        out = {"import_us": (t1 - t0) / 1000.0,
               "first_call_us": (t2 - t1) / 1000.0,
               "status": res.get("statusCode")}
    elif args.child == "rss":
        cycle = [events[k] for k in EVENT_ORDER]
        before = maxrss_kb()
        mod = load(modules_dir, args.module)
        for i in range(1000):
            mod.handler(cycle[i % 4], ctx)
        early = maxrss_kb()
        for i in range(args.rss_calls):
            mod.handler(cycle[i % 4], ctx)
        out = {"maxrss_kb_before_import": before,
               "maxrss_kb_after_1000": early, "maxrss_kb": maxrss_kb(),
               "rss_kb": current_rss_kb()}
    elif args.child == "get":
        mod = load(modules_dir, args.module)
        code, _ = status_of(mod.handler, events["get"], ctx)
        us = best_per_call_us({"lando": mod.handler}, events["get"], ctx,
                              args.reps, args.rep_ms)
        out = {"us": us["lando"], "status": code}
    print(json.dumps(out))
    return 0


def profile_main(args):
    modules_dir = os.path.join(os.path.abspath(args.build_dir), "modules")
    mod = load(modules_dir, FLOOR if args.floor else APP)
    event = make_events()[args.profile]
    ctx = LambdaContext()
    code, res = status_of(mod.handler, event, ctx)
    t = timed_calls(mod.handler, event, ctx, args.calls)
    sys.stderr.write("run.py: %d calls of %s (status %s): %.3f us each\n"
                     % (args.calls, args.profile, code,
                        t / 1000.0 / args.calls))
    return 0


def run_child(args, kind, module, env_extra=None):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", kind,
           "--module", module, "--build-dir", args.build_dir,
           "--reps", str(args.reps), "--rep-ms", str(args.rep_ms),
           "--rss-calls", str(args.rss_calls)]
    env = dict(os.environ)
    env.update(env_extra or {})
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s child for %s failed (exit %d):\n%s"
                           % (kind, module, proc.returncode, proc.stderr))
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# The run.


def measure_events(args, modules_dir, events, ctx, log):
    app = load(modules_dir, APP)
    floor = load(modules_dir, FLOOR)
    results = {}
    for key in EVENT_ORDER:
        event = events[key]
        code, res = status_of(app.handler, event, ctx)
        fcode, _ = status_of(floor.handler, event, ctx)
        ok = code in EXPECTED_STATUS[key]
        if not ok:
            log("  ! %s: lando answered %r, expected %s: %s"
                % (key, code, EXPECTED_STATUS[key], res))
        us = best_per_call_us({"lando": app.handler, "floor": floor.handler},
                              event, ctx, args.reps, args.rep_ms)
        ratio = us["lando"] / us["floor"]
        results[key] = {
            "title": EVENT_TITLE[key],
            "lando_us": us["lando"],
            "floor_us": us["floor"],
            "overhead_us": us["lando"] - us["floor"],
            "ratio": ratio,
            "target_ratio": TARGET_RATIO[key],
            "pass": ratio <= TARGET_RATIO[key],
            "status": code,
            "floor_status": fcode,
            "status_ok": ok,
        }
    # For scale: what parsing the same body costs a Python handler.
    event = events["post"]
    ref = best_per_call_us({"py": python_json_handler}, event, ctx,
                           args.reps, args.rep_ms)
    results["post"]["python_json_us"] = ref["py"]
    return results


def python_json_handler(event, context):
    """base64-decode and json.loads the body, as a Python handler would."""
    return json.loads(base64.b64decode(event["body"]))


def measure_cold(args):
    out = {}
    for name, module in (("lando", APP), ("floor", FLOOR)):
        runs = [run_child(args, "cold", module)
                for _ in range(args.cold_runs)]
        imp = statistics.median(r["import_us"] for r in runs)
        first = statistics.median(r["first_call_us"] for r in runs)
        total = statistics.median(r["import_us"] + r["first_call_us"]
                                  for r in runs)
        out[name] = {"import_us": imp, "first_call_us": first,
                     "total_us": total, "runs": len(runs),
                     "status": runs[0]["status"]}
    out["target_us"] = TARGET_COLD_US
    out["pass"] = out["lando"]["total_us"] < TARGET_COLD_US
    return out


def measure_rss(args):
    out = {}
    for name, module in (("lando", APP), ("floor", FLOOR)):
        r = run_child(args, "rss", module)
        out[name] = {
            "maxrss_kb": r["maxrss_kb"],
            "rss_kb": r["rss_kb"],
            "module_kb": r["maxrss_kb"] - r["maxrss_kb_before_import"],
            "growth_kb": r["maxrss_kb"] - r["maxrss_kb_after_1000"],
        }
    out["calls"] = args.rss_calls + 1000
    out["lando_minus_floor_kb"] = (out["lando"]["module_kb"]
                                   - out["floor"]["module_kb"])
    return out


def measure_scaling(args):
    counts = [int(c) for c in args.route_counts.split(",")]
    best = {n: float("inf") for n in counts}
    status = {}
    for _ in range(args.scale_rounds):
        for n in counts:
            r = run_child(args, "get", APP, {"LANDO_BENCH_ROUTES": str(n)})
            best[n] = min(best[n], r["us"])
            status[n] = r["status"]
    lo, hi = counts[0], counts[-1]
    ratio = best[hi] / best[lo]
    return {"routes": {str(n): {"get_us": best[n], "status": status[n]}
                       for n in counts},
            "ratio": ratio, "ratio_of": [hi, lo],
            "target_ratio": TARGET_SCALING, "pass": ratio <= TARGET_SCALING}


def verdict(ok):
    return "pass" if ok else "MISS"


def print_report(fig, out):
    w = out.write
    w("\nlando benchmark: Python %s, %s, %s routes, logs %s, best of %d "
      "repetitions of ~%g ms\n\n" % (fig["python"], fig["machine"],
                                     fig["routes"], fig["log"], fig["reps"],
                                     fig["rep_ms"]))
    w("%-34s %9s %9s %7s %10s %8s\n" % ("per call", "lando us", "floor us",
                                        "ratio", "extra us", "target"))
    for key in EVENT_ORDER:
        e = fig["events"][key]
        flag = verdict(e["pass"])
        if not e["status_ok"]:
            flag += " (status %s!)" % e["status"]
        w("%-34s %9.2f %9.2f %6.1fx %10.2f  <=%2gx %s\n"
          % (e["title"], e["lando_us"], e["floor_us"], e["ratio"],
             e["overhead_us"], e["target_ratio"], flag))

    w("  (for scale: Python's own b64decode + json.loads of the POST body "
      "takes %.2f us)\n" % fig["events"]["post"]["python_json_us"])

    c = fig["cold"]
    w("\nimport + setup + first call (fresh interpreter, median of %d)\n"
      % c["lando"]["runs"])
    for name in ("lando", "floor"):
        x = c[name]
        w("  %-6s %8.0f us  (import %.0f + first call %.0f)\n"
          % (name, x["total_us"], x["import_us"], x["first_call_us"]))
    w("  target < %.0f us: %s\n" % (c["target_us"], verdict(c["pass"])))

    r = fig["rss"]
    w("\npeak RSS after %d calls of the four events (VmHWM)\n"
      % r["calls"])
    for name in ("lando", "floor"):
        x = r[name]
        w("  %-6s %8.1f MB  (import and calls added %d kB; %d kB after "
          "the first 1000 calls)\n"
          % (name, x["maxrss_kb"] / 1024.0, x["module_kb"],
             x["growth_kb"]))
    w("  lando - floor: %+d kB\n" % r["lando_minus_floor_kb"])

    s = fig["scaling"]
    w("\nGET by route count (LANDO_BENCH_ROUTES)\n")
    for n, x in s["routes"].items():
        w("  %6s routes %8.2f us\n" % (n, x["get_us"]))
    w("  %d / %d routes: %.3f  target <= %.2f: %s\n"
      % (s["ratio_of"][0], s["ratio_of"][1], s["ratio"], s["target_ratio"],
         verdict(s["pass"])))

    passed = sum(1 for t in fig["targets"].values() if t)
    w("\ntargets met: %d of %d\n" % (passed, len(fig["targets"])))


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Benchmark lando against a hand-written floor module.")
    p.add_argument("--build-dir", default="build",
                   help="CMake build dir holding modules/ (default: build)")
    p.add_argument("--json", metavar="FILE",
                   help="also write the figures as JSON to FILE")
    p.add_argument("--reps", type=int, default=7,
                   help="repetitions per figure; the best counts")
    p.add_argument("--rep-ms", type=float, default=40.0,
                   help="length of one repetition in milliseconds")
    p.add_argument("--cold-runs", type=int, default=15,
                   help="fresh interpreters for the cold-start median")
    p.add_argument("--rss-calls", type=int, default=50000,
                   help="calls before peak RSS is read")
    p.add_argument("--route-counts", default="10,100,1000",
                   help="route counts for the scaling figure")
    p.add_argument("--scale-rounds", type=int, default=5,
                   help="fresh interpreters per route count; best counts")
    p.add_argument("--log", choices=("discard", "devnull"),
                   default="discard",
                   help="discard lando's log lines before they are "
                   "formatted (default), or format and write them to "
                   "/dev/null as in production")
    p.add_argument("--quick", action="store_true",
                   help="fewer and shorter repetitions (rougher figures)")
    p.add_argument("--profile", choices=EVENT_ORDER, metavar="EVENT",
                   help="only call EVENT's handler --calls times (for "
                   "perf or callgrind): get, post, preflight or notfound")
    p.add_argument("--calls", type=int, default=200000,
                   help="calls made by --profile")
    p.add_argument("--floor", action="store_true",
                   help="with --profile: call the floor module instead")
    p.add_argument("--child", choices=("cold", "rss", "get"),
                   help=argparse.SUPPRESS)
    p.add_argument("--module", default=APP, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.reps = min(args.reps, 3)
        args.rep_ms = min(args.rep_ms, 15.0)
        args.cold_runs = min(args.cold_runs, 5)
        args.rss_calls = min(args.rss_calls, 10000)
        args.scale_rounds = 1
    return args


def main(argv):
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    if args.profile:
        return profile_main(args)

    modules_dir = os.path.join(os.path.abspath(args.build_dir), "modules")
    for name in (APP, FLOOR):
        if not os.path.exists(os.path.join(modules_dir, name + ".so")):
            sys.stderr.write("run.py: %s.so is not in %s; build it first "
                             "(cmake --build %s --target %s %s)\n"
                             % (name, modules_dir, args.build_dir, APP,
                                FLOOR))
            return 2
    if os.environ.get("LANDO_BENCH_ROUTES"):
        sys.stderr.write("run.py: unset LANDO_BENCH_ROUTES; the scaling "
                         "figure sets it itself\n")
        return 2

    def log(text):
        sys.stderr.write(text + "\n")

    # Read by the app at setup, here and in every child.
    if args.log == "devnull":
        os.environ["LANDO_BENCH_LOG"] = "null"
    else:
        os.environ.pop("LANDO_BENCH_LOG", None)

    events = make_events()
    ctx = LambdaContext()
    fig = {
        "python": platform.python_version(),
        "machine": "%s %s" % (platform.machine(), platform.system()),
        "routes": 50,
        "log": args.log,
        "reps": args.reps,
        "rep_ms": args.rep_ms,
        "post_body_bytes": events["_post_body_bytes"],
    }
    log("run.py: per-call figures...")
    fig["events"] = measure_events(args, modules_dir, events, ctx, log)
    log("run.py: cold start...")
    fig["cold"] = measure_cold(args)
    log("run.py: peak RSS...")
    fig["rss"] = measure_rss(args)
    log("run.py: route scaling...")
    fig["scaling"] = measure_scaling(args)
    fig["targets"] = {
        "get_within_3x": fig["events"]["get"]["pass"],
        "post_within_10x": fig["events"]["post"]["pass"],
        "preflight_within_3x": fig["events"]["preflight"]["pass"],
        "notfound_within_3x": fig["events"]["notfound"]["pass"],
        "cold_under_2ms": fig["cold"]["pass"],
        "routes_1000_within_10pct_of_10": fig["scaling"]["pass"],
    }

    print_report(fig, sys.stdout)
    sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(fig, f, indent=2, sort_keys=True)
            f.write("\n")
    statuses_ok = all(e["status_ok"] for e in fig["events"].values())
    return 0 if statuses_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
