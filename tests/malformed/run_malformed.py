"""Run the malformed-event corpus (cases.py) against a lando module.

    python3 run_malformed.py --module build/modules/libhttpbin.so \\
        --events tests/events/fixtures [--only SUBSTRING] [--no-huge]

Each case must end in one of the outcomes it allows: an HTTP answer of
the right shape for its event source, or the module's EventError (a
ValueError) for input that is not an HTTP event. Never a crash, a hang,
a SystemError or any other exception.

The cases run in a child process so that a crash still names the case
that caused it: the child reports each case on a pipe before running
it. With --inline everything runs in this process (for valgrind, which
must see the interpreter that loads the module). The module's log lines
(standard output) go to a temporary file and are checked afterwards:
every line must be one JSON object.

Prints "N passed, N failed" at the end; exits 1 on any failure.
"""

import argparse
import base64
import faulthandler
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases as corpus  # noqa: E402

# What each kind of event must get back. REQUIRED keys must be there;
# nothing outside ALLOWED may be.
SHAPES = {
    "v1": ({"statusCode"},
           {"statusCode", "headers", "multiValueHeaders", "body",
            "isBase64Encoded"}),
    "v2": ({"statusCode"},
           {"statusCode", "headers", "cookies", "body", "isBase64Encoded"}),
    "alb": ({"statusCode", "statusDescription"},
            {"statusCode", "statusDescription", "headers", "body",
             "isBase64Encoded"}),
    "alb-multi": ({"statusCode", "statusDescription", "multiValueHeaders"},
                  {"statusCode", "statusDescription", "multiValueHeaders",
                   "body", "isBase64Encoded"}),
    "lattice-v1": ({"statusCode"},
                   {"statusCode", "statusDescription", "headers", "body",
                    "isBase64Encoded"}),
    "lattice-v2": ({"statusCode"},
                   {"statusCode", "statusDescription", "headers", "body",
                    "isBase64Encoded"}),
}
SHAPES["url"] = SHAPES["v2"]
ANY_SHAPE = set().union(*(allowed for _req, allowed in SHAPES.values()))
# Internal detail must never reach a client unless the app runs in
# debug mode, which no module under test here does.
FORBIDDEN_ERROR_KEYS = {"detail", "errorType", "stackTrace", "trace"}


def load_module(path):
    name = os.path.basename(path).split(".")[0]
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def header_items(res):
    """Every (name, value) of the response, from all header fields."""
    out = []
    h = res.get("headers")
    if isinstance(h, dict):
        out.extend(h.items())
    mv = res.get("multiValueHeaders")
    if isinstance(mv, dict):
        for k, vs in mv.items():
            if isinstance(vs, list):
                out.extend((k, v) for v in vs)
    for c in res.get("cookies") or ():
        out.append(("set-cookie", c))
    return out


def check_shape(res, kind):
    """Return a list of what is wrong with the response RES."""
    bad = []
    if not isinstance(res, dict):
        return ["response is %s, not a dict" % type(res).__name__]
    status = res.get("statusCode")
    if type(status) is not int or not 100 <= status <= 599:
        bad.append("statusCode %r" % (status,))
    if kind in SHAPES:
        required, allowed = SHAPES[kind]
    else:
        required, allowed = {"statusCode"}, ANY_SHAPE
    missing = required - set(res)
    extra = set(res) - allowed
    if missing:
        bad.append("missing %s for %s" % (sorted(missing), kind))
    if extra:
        bad.append("unexpected %s for %s" % (sorted(extra), kind))
    if "body" in res and not isinstance(res["body"], str):
        bad.append("body is %s" % type(res["body"]).__name__)
    if "isBase64Encoded" in res and type(res["isBase64Encoded"]) is not bool:
        bad.append("isBase64Encoded is %r" % (res["isBase64Encoded"],))
    if "statusDescription" in res:
        sd = res["statusDescription"]
        if not isinstance(sd, str) or not sd.startswith(str(status)):
            bad.append("statusDescription %r" % (sd,))
    h = res.get("headers")
    if h is not None and not (isinstance(h, dict) and all(
            isinstance(k, str) and isinstance(v, str)
            for k, v in h.items())):
        bad.append("headers are not a dict of strings")
    mv = res.get("multiValueHeaders")
    if mv is not None and not (isinstance(mv, dict) and all(
            isinstance(k, str) and isinstance(vs, list) and all(
                isinstance(v, str) for v in vs)
            for k, vs in mv.items())):
        bad.append("multiValueHeaders are not a dict of string lists")
    ck = res.get("cookies")
    if ck is not None and not (isinstance(ck, list) and all(
            isinstance(c, str) for c in ck)):
        bad.append("cookies are not a list of strings")
    if kind in ("v2", "url") and isinstance(h, dict) and any(
            k.lower() == "set-cookie" for k in h):
        bad.append("Set-Cookie in headers of a 2.0 response")
    if bad:
        return bad
    for k, v in header_items(res):
        if any(c in k + v for c in "\r\n\0"):
            bad.append("CR, LF or NUL in response header %r" % k)
    if res.get("isBase64Encoded"):
        try:
            base64.b64decode(res.get("body", ""), validate=True)
        except ValueError:
            bad.append("isBase64Encoded but the body is not base64")
    if status >= 400:
        bad.extend(check_error_body(res, status))
    if status == 405 and not any(k.lower() == "allow"
                                 for k, _v in header_items(res)):
        bad.append("405 without Allow")
    return bad


def check_error_body(res, status):
    """The standard error body: {"error": {status, code, message}}, with
    no internal detail unless the app runs in debug mode."""
    ctype = ""
    for k, v in header_items(res):
        if k.lower() == "content-type":
            ctype = v
    if "json" not in ctype:
        return []
    body = res.get("body", "")
    try:
        if res.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8")
        doc = json.loads(body)
    except ValueError as e:
        return ["error body is not JSON: %s" % e]
    err = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(err, dict):
        return []  # an application body, not the standard error
    bad = []
    if err.get("status") != status:
        bad.append("error.status %r for %d" % (err.get("status"), status))
    if not isinstance(err.get("code"), str) or not isinstance(
            err.get("message"), str):
        bad.append("error code or message is not a string")
    if set(err) & FORBIDDEN_ERROR_KEYS:
        bad.append("error body carries %s"
                   % sorted(set(err) & FORBIDDEN_ERROR_KEYS))
    return bad


def outcome_token(res):
    status = res["statusCode"]
    if status < 400:
        return "ok"
    return str(status)


def run_case(modules, case):
    """Run one case. Returns (token, problems)."""
    module = modules[case.app]
    event, context = case.build()
    try:
        res = module.handler(event, context)
    except module.EventError as e:
        if not isinstance(e, ValueError):
            return "EventError", ["EventError is not a ValueError"]
        if not isinstance(str(e), str) or not str(e):
            return "EventError", ["EventError without a message"]
        return "EventError", []
    except SystemError as e:
        return "SystemError", ["SystemError: %s" % e]
    except BaseException as e:  # anything else is a finding
        return type(e).__name__, ["%s: %s" % (type(e).__name__, e)]
    problems = check_shape(res, case.kind if case.shape_kept else None)
    if problems:
        return "badshape", problems
    return outcome_token(res), []


def canary_case(events):
    """A plain valid request, run after every case to prove that no
    state leaked from the malformed one into the next invocation."""
    for ident, kind, event in events:
        if kind == "v2":
            break
    else:
        raise SystemExit("no v2 fixture to build the canary from")

    def build():
        e = json.loads(json.dumps(event))
        corpus.retarget(e, "v2", "GET", corpus.ECHO_PATH)
        corpus.set_body(e, "v2", None)
        return e, corpus.LambdaContext()

    return corpus.Case("canary", build, corpus.VALID, "v2")


def child(args, progress):
    """Run the cases; report each on PROGRESS before running it."""
    faulthandler.enable()
    os.environ["TODO_API_KEY"] = corpus.TODO_KEY
    modules = {"httpbin": load_module(args.module)}
    if args.todo_module:
        modules["todo"] = load_module(args.todo_module)
    for module in modules.values():
        if not issubclass(module.EventError, ValueError):
            print("FAIL %s.EventError is not a ValueError subclass"
                  % module.__name__, file=sys.stderr)
            return 1, 0, 1
    events = corpus.load_events(args.events)
    all_cases = corpus.generate(args.events, include_huge=not args.no_huge,
                                include_hostile=args.hostile_context)
    selected = [c for c in all_cases
                if not args.only or any(o in c.name for o in args.only)]
    skipped = [c for c in selected if c.app not in modules]
    selected = [c for c in selected if c.app in modules]
    if skipped:
        print("malformed: %d cases skipped: no %s module given"
              % (len(skipped), ", ".join(sorted({c.app for c in skipped}))),
              file=sys.stderr)
    canary = canary_case(events)
    canary_token, problems = run_case(modules, canary)
    if problems or canary_token not in corpus.VALID:
        print("FAIL canary: %s %s" % (canary_token, problems),
              file=sys.stderr)
        return 1, 0, 1
    passed = failed = 0
    known = []
    outcomes = {}
    slow = []
    for i, case in enumerate(selected):
        progress.write("B %d %s\n" % (i, case.name))
        progress.flush()
        faulthandler.dump_traceback_later(args.timeout, exit=True)
        t0 = time.monotonic()
        token, problems = run_case(modules, case)
        dt = time.monotonic() - t0
        faulthandler.cancel_dump_traceback_later()
        if dt > 1.0:
            slow.append((dt, case.name))
        if not problems and token not in case.expect:
            if case.known and token in case.known[0]:
                known.append((case.name, token, case.known[1]))
            else:
                problems = ["got %s, expected one of %s"
                            % (token, sorted(case.expect))]
        if i % args.canary_every == 0:
            after, cproblems = run_case(modules, canary)
            if cproblems or after != canary_token:
                problems.append("the next valid request got %s %s"
                                % (after, cproblems))
        outcomes[token] = outcomes.get(token, 0) + 1
        if problems:
            failed += 1
            print("FAIL %s: %s" % (case.name, "; ".join(problems)),
                  file=sys.stderr)
        else:
            passed += 1
            if args.verbose:
                print("ok   %s -> %s" % (case.name, token),
                      file=sys.stderr)
    progress.write("D %d %d\n" % (passed, failed))
    progress.flush()
    summary = ", ".join("%s %d" % kv for kv in sorted(outcomes.items()))
    print("malformed: Python %s, %d cases: %s"
          % (sys.version.split()[0], len(selected), summary),
          file=sys.stderr)
    reasons = {}
    for name, token, why in known:
        reasons.setdefault(why, []).append("%s (%s)" % (name, token))
    for why, names in sorted(reasons.items()):
        print("KNOWN %d cases: %s; e.g. %s" % (len(names), why, names[0]),
              file=sys.stderr)
    for dt, name in sorted(slow, reverse=True)[:5]:
        print("malformed: slowest %.2f s %s" % (dt, name), file=sys.stderr)
    return 2 if failed else 0, passed, failed


def check_log(path):
    """Every line the module wrote must be one JSON object."""
    bad = []
    lines = 0
    with open(path, "rb") as f:
        for raw in f:
            lines += 1
            try:
                doc = json.loads(raw.decode("utf-8"))
                if not isinstance(doc, dict):
                    raise ValueError("not an object")
            except ValueError as e:
                bad.append("%s: %r" % (e, raw[:200]))
    return lines, bad


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--module", required=True)
    p.add_argument("--events", required=True)
    p.add_argument("--todo-module",
                   help="examples/todo, for the cases about JSON bodies")
    p.add_argument("--only", action="append",
                   help="run cases whose name contains this (repeatable)")
    p.add_argument("--no-huge", action="store_true",
                   help="leave out the 10 MB and 100k-entry cases")
    p.add_argument("--hostile-context", action="store_true",
                   help="add the cases whose Lambda context rewrites the "
                   "event during the invocation (run these under valgrind)")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds one case may take before it is a hang")
    p.add_argument("--canary-every", type=int, default=1, metavar="N",
                   help="check a valid request after every Nth case")
    p.add_argument("--inline", action="store_true",
                   help="run in this process (for valgrind)")
    p.add_argument("--list", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--child-fd", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.list:
        for c in corpus.generate(args.events):
            print("%-70s %s" % (c.name, ",".join(sorted(c.expect))))
        return 0

    if args.child_fd is not None:
        with os.fdopen(args.child_fd, "w") as progress:
            rc, passed, failed = child(args, progress)
        return rc

    log = tempfile.NamedTemporaryFile(prefix="lando-malformed-",
                                      suffix=".log", delete=False)
    log.close()
    env = dict(os.environ)
    env.setdefault("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
    try:
        if args.inline:
            rc, passed, failed = run_inline(args, log.name)
        else:
            rc, passed, failed = run_child(args, log.name, env)
        lines, bad = check_log(log.name)
    finally:
        os.unlink(log.name)
    print("malformed: %d log lines, %d not JSON" % (lines, len(bad)))
    for b in bad[:10]:
        print("FAIL log line %s" % b)
    if bad:
        failed += 1
        rc = rc or 2
    print("%d passed, %d failed" % (passed, failed))
    return 1 if rc else 0


def run_inline(args, log_path):
    """Run in this process, the module's standard output going to LOG."""
    os.environ.setdefault("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
    sys.stdout.flush()
    saved = os.dup(1)
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 1)
    os.close(fd)
    try:
        with open(os.devnull, "w") as progress:
            rc, passed, failed = child(args, progress)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    return rc, passed, failed


def run_child(args, log_path, env):
    rfd, wfd = os.pipe()
    cmd = [sys.executable, os.path.abspath(__file__), "--child-fd",
           str(wfd), "--module", args.module, "--events", args.events,
           "--timeout", str(args.timeout)]
    if args.todo_module:
        cmd += ["--todo-module", args.todo_module]
    cmd += ["--canary-every", str(args.canary_every)]
    for o in args.only or ():
        cmd += ["--only", o]
    if args.no_huge:
        cmd.append("--no-huge")
    if args.hostile_context:
        cmd.append("--hostile-context")
    if args.verbose:
        cmd.append("-v")
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, pass_fds=(wfd,), env=env)
    os.close(wfd)
    last = None
    done = None
    with os.fdopen(rfd) as progress:
        for line in progress:
            if line.startswith("B "):
                last = line[2:].strip()
            elif line.startswith("D "):
                done = [int(n) for n in line.split()[1:3]]
    rc = proc.wait()
    if done is not None and rc in (0, 2):
        return rc, done[0], done[1]
    if rc == 1:
        return 1, 0, 1
    how = ("signal %d" % -rc) if rc < 0 else ("exit %d" % rc)
    print("FAIL the child died (%s) during case %s" % (how, last))
    return 1, 0, 1


if __name__ == "__main__":
    sys.exit(main())
