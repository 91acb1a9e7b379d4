"""Check that a lando module is one stable-ABI (abi3) extension module.

    python3 check_abi3.py --module build/modules/libhttpbin.so \\
        --python python3.10 --python python3.13 ...

A module built against the limited API of Python 3.10 must:

- export nothing but PyInit_<name> (nm -D: the only defined symbol);
- not need libpython (readelf -d: no NEEDED entry for it, and ldd agrees),
  since the Lambda runtime's interpreter provides the C API itself;
- use no private C API beyond what the stable ABI's macros expand to;
- import, and serve an event, on every interpreter given with --python.

Exits 1 naming every failed check.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

# Symbols with a leading underscore that the stable ABI itself exports
# (reference counting and the singletons behind Py_None, Py_True, ...).
STABLE_PRIVATE = {
    "_Py_Dealloc", "_Py_DecRef", "_Py_IncRef", "_Py_NoneStruct",
    "_Py_TrueStruct", "_Py_FalseStruct", "_Py_NotImplementedStruct",
    "_Py_EllipsisObject", "_Py_SwappedOp",
}

# Run on each interpreter: import the module the way the Lambda runtime
# does (by name, from a folder on sys.path) and serve one event.
IMPORT_SCRIPT = r"""
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module = importlib.import_module(sys.argv[2])
event = {
    "version": "2.0", "rawPath": "/anything/abi3", "rawQueryString": "a=1",
    "headers": {"host": "example.org"},
    "requestContext": {"http": {"method": "GET", "sourceIp": "192.0.2.1"},
                       "domainName": "example.org", "stage": "$default"},
}
result = module.handler(event, None)
body = json.loads(result["body"])
print(json.dumps({"version": "%d.%d" % sys.version_info[:2],
                  "status": result["statusCode"], "path": body["path"],
                  "args": body["args"]}))
"""


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


def dynamic_symbols(path, which):
    out = run(["nm", "-D", which, path])
    if out.returncode != 0:
        raise RuntimeError("nm failed: " + out.stderr.strip())
    return [line.split()[-1] for line in out.stdout.splitlines()
            if line.strip()]


def check_exports(path, name, failures):
    defined = dynamic_symbols(path, "--defined-only")
    if defined != ["PyInit_" + name]:
        failures.append("exports %s, expected only PyInit_%s"
                        % (defined, name))


def check_private_api(path, failures):
    undefined = [s.split("@")[0]
                 for s in dynamic_symbols(path, "--undefined-only")]
    private = sorted(s for s in undefined
                     if s.startswith("_Py") and s not in STABLE_PRIVATE)
    if private:
        failures.append("uses private C API: " + ", ".join(private))


def check_no_libpython(path, failures):
    out = run(["readelf", "-d", path])
    if out.returncode != 0:
        failures.append("readelf failed: " + out.stderr.strip())
        return
    needed = re.findall(r"\(NEEDED\).*\[(.*)\]", out.stdout)
    if any("libpython" in lib for lib in needed):
        failures.append("needs libpython: %s" % needed)
    if shutil.which("ldd"):
        out = run(["ldd", path])
        if "libpython" in out.stdout:
            failures.append("ldd resolves libpython:\n" + out.stdout)


def check_import(path, name, python, failures):
    out = run([python, "-c", IMPORT_SCRIPT, os.path.dirname(path), name])
    if out.returncode != 0:
        failures.append("%s cannot import %s:\n%s"
                        % (python, name, out.stderr.strip()[-2000:]))
        return
    # The module's log lines share standard output; ours is the last.
    report = json.loads(out.stdout.strip().splitlines()[-1])
    if (report["status"] != 200 or report["path"] != "/anything/abi3"
            or report["args"] != {"a": ["1"]}):
        failures.append("%s served a wrong answer: %s" % (python, report))
        return
    print("ok: Python %s imports %s and serves an event"
          % (report["version"], name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", required=True)
    parser.add_argument("--python", action="append", default=[])
    args = parser.parse_args()

    path = os.path.abspath(args.module)
    name = os.path.basename(path).split(".")[0]
    failures = []

    for tool in ("nm", "readelf"):
        if shutil.which(tool) is None:
            failures.append(tool + " is not installed (binutils)")
    if not failures:
        check_exports(path, name, failures)
        check_private_api(path, failures)
        check_no_libpython(path, failures)
    for python in dict.fromkeys(args.python):
        check_import(path, name, python, failures)

    for failure in failures:
        print("FAIL: " + failure)
    if not failures:
        print("ok: %s is a stable-ABI module" % os.path.basename(path))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
