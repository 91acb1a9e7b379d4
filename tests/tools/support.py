"""Shared pieces of the tests of tools/lando.

The build tells the tests where things are through the environment
(tests/tools/CMakeLists.txt sets it); run by hand, the defaults assume a
build directory named `build` at the top of the source tree:

    LANDO_TOOL      tools/lando
    LANDO_MODULES   the directory of the built modules (build/modules)
    LANDO_CC        a C compiler for the small libraries some tests build
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
TOOL = os.environ.get("LANDO_TOOL", os.path.join(SOURCE, "tools", "lando"))
MODULES = os.environ.get("LANDO_MODULES",
                         os.path.join(SOURCE, "build", "modules"))
CC = os.environ.get("LANDO_CC", "cc")
PYTHON = sys.executable


def module(name):
    """Path of the built module libNAME.so; skips the test if absent."""
    path = os.path.join(MODULES, "lib%s.so" % name)
    if not os.path.isfile(path):
        raise unittest.SkipTest("%s is not built" % path)
    return path


def lando(*args, stdin=None, env=None, cwd=None, timeout=60):
    """Run tools/lando; returns the CompletedProcess (bytes)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([PYTHON, TOOL] + list(args), input=stdin,
                          capture_output=True, env=full_env, cwd=cwd,
                          timeout=timeout)


class Server:
    """`lando serve` in a child process on a free port.

    Use as a context manager; `url` is the base URL ("http://127.0.0.1:N")
    and `log()` what the server wrote to standard error so far.
    """

    def __init__(self, module_path, fmt="http", extra=(), env=None):
        self.module_path = module_path
        self.args = ["serve", module_path, "--port", "0", "--format", fmt]
        self.args += list(extra)
        self.env = env or {}
        self.proc = None
        self.url = None

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="lando-serve-test-")
        self.out_path = os.path.join(self.dir.name, "stdout")
        self.err_path = os.path.join(self.dir.name, "stderr")
        env = dict(os.environ)
        env.update(self.env)
        with open(self.out_path, "wb") as out, \
                open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([PYTHON, TOOL] + self.args,
                                         stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with open(self.out_path, "rb") as f:
                match = re.search(rb"(http://[^\s/]+)/", f.read())
            if match:
                self.url = match.group(1).decode()
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        log = self.log()
        self.stop()
        raise AssertionError("lando serve did not start:\n" + log)

    def log(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_log(self, pattern, timeout=10):
        """The log once PATTERN (a regex) matches in it, or AssertionError.
        The server writes a request's line just after its answer."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log()
            if re.search(pattern, log, re.M) or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if not re.search(pattern, log, re.M):
            raise AssertionError("%r is not in the log:\n%s" % (pattern, log))
        return log

    def output(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        """Stop the server with SIGTERM; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def __exit__(self, *exc):
        self.stop()
        self.dir.cleanup()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(name, value)] in order
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url, method="GET", headers=None, body=None, timeout=30):
    """One HTTP request; errors statuses are returned, not raised."""
    req = urllib.request.Request(url, data=body, method=method,
                                 headers=headers or {})
    try:
        with _opener.open(req, timeout=timeout) as r:
            return Response(r.status, r.getheaders(), r.read())
    except urllib.error.HTTPError as e:
        with e:
            return Response(e.code, e.headers.items(), e.read())


def compile_library(directory, name, source, extra=()):
    """Build lib NAME (a file name) from C SOURCE in DIRECTORY."""
    src = os.path.join(directory, name + ".c")
    with open(src, "w") as f:
        f.write(source)
    out = os.path.join(directory, name)
    proc = subprocess.run([CC, "-shared", "-fPIC", "-o", out, src]
                          + list(extra), capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError("cannot build %s:\n%s" % (name, proc.stderr))
    return out


def main():
    """unittest.main, exiting 77 (ctest's skip) when every test skipped."""
    program = unittest.main(exit=False, verbosity=2)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0)
