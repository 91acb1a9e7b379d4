"""Write the seed corpora of the fuzz harnesses from the real events.

    python3 tests/fuzz/make_seeds.py [EVENTS_DIR]

EVENTS_DIR defaults to tests/events/fixtures. Each harness gets a folder
tests/fuzz/corpus/<harness>/ of small files, named by the SHA-1 of their
content (as libFuzzer names its own), taken from what the events really
carry: whole events for the gateway, methods and paths for the router,
paths and query strings for percent-decoding and query parsing, Cookie
headers and cookies arrays, bodies (base64 or not) with their content
types, and Origin headers with preflight requests for CORS. The script
is deterministic; rerunning it rewrites the same files.
"""

import base64
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def load(events_dir):
    out = []
    for root, _dirs, files in os.walk(events_dir):
        for name in sorted(files):
            if name.endswith(".json") and name != "index.json":
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    raw = f.read()
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    event = json.loads(raw)
                except ValueError:
                    continue
                out.append((os.path.relpath(path, events_dir), raw, event))
    out.sort()
    return out


def strings(value):
    """Every str inside VALUE."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def headers_of(event):
    """(name, value) pairs of every header map of EVENT."""
    for key in ("headers", "multiValueHeaders"):
        m = event.get(key)
        if isinstance(m, dict):
            for k, v in m.items():
                for item in (v if isinstance(v, list) else [v]):
                    if isinstance(item, str):
                        yield k, item


def method_path(event):
    ctx = event.get("requestContext")
    http = ctx.get("http") if isinstance(ctx, dict) else None
    method = event.get("httpMethod") or event.get("method") or (
        http.get("method") if isinstance(http, dict) else None)
    path = event.get("rawPath") or event.get("raw_path") or \
        event.get("path")
    if isinstance(method, str) and isinstance(path, str):
        return method, path
    return None


def queries(event):
    raw = event.get("rawQueryString")
    if isinstance(raw, str) and raw:
        yield raw
    for key in ("queryStringParameters", "multiValueQueryStringParameters",
                "query_string_parameters"):
        m = event.get(key)
        if isinstance(m, dict) and m:
            parts = []
            for k, v in m.items():
                for item in (v if isinstance(v, list) else [v]):
                    if isinstance(item, str):
                        parts.append("%s=%s" % (k, item))
            yield "&".join(parts)


def seeds(events):
    s = {name: set() for name in ("fuzz_gateway", "fuzz_router",
                                  "fuzz_pct", "fuzz_query", "fuzz_cookies",
                                  "fuzz_base64", "fuzz_body", "fuzz_cors")}
    for _rel, raw, event in events:
        s["fuzz_gateway"].add(raw)
        if not isinstance(event, dict):
            continue
        mp = method_path(event)
        if mp:
            method, path = mp
            for strict in (b"\x00", b"\x01"):
                s["fuzz_router"].add(strict + ("%s\n%s" % mp).encode())
            s["fuzz_pct"].add(path.encode())
            s["fuzz_cors"].add(b"\x00" + ("%s\n%s" % (method, "/items"))
                               .encode())
        for q in queries(event):
            s["fuzz_query"].add(q.encode())
            s["fuzz_pct"].add(q.encode())
        cookies = event.get("cookies")
        if isinstance(cookies, list) and cookies:
            s["fuzz_cookies"].add("; ".join(
                c for c in cookies if isinstance(c, str)).encode())
        ctype = None
        for name, value in headers_of(event):
            lname = name.lower()
            if lname == "cookie":
                s["fuzz_cookies"].add(value.encode())
            elif lname == "content-type":
                ctype = value
            elif lname == "origin":
                for sel in range(4):
                    s["fuzz_cors"].add(bytes([sel]) + (
                        "GET\n/items\n%s" % value).encode())
                    s["fuzz_cors"].add(bytes([sel]) + (
                        "OPTIONS\n/items/1\n%s\nPUT\ncontent-type"
                        % value).encode())
        body = event.get("body")
        is_b64 = event.get("isBase64Encoded") or \
            event.get("is_base64_encoded")
        if isinstance(body, str) and body:
            if is_b64:
                s["fuzz_base64"].add(body.encode())
            # The body harness: first byte picks the content type (and
            # bit 3 the base64 flag), the rest is the body.
            sel = 1
            if ctype and "form" in ctype:
                sel = 4
            elif ctype and "json" not in ctype:
                sel = 6
            s["fuzz_body"].add(bytes([sel | (8 if is_b64 else 0)]) +
                               body.encode())
    # A few of each harness's own, for what the events lack.
    s["fuzz_base64"].update([b"", b"Zm9v", b"Zm9vYg==", b"Zm9vYmE=",
                             b"Zm9v\r\nYmFy", b"not really base64"])
    s["fuzz_body"].update([b"\x04a=1&b=%41+c", b"\x01{\"a\":[1,{}]}",
                           b"\x09" + base64.b64encode(b'{"k": "v"}'),
                           b"\x00[]", b"\x05a=%zz"])
    s["fuzz_cookies"].update([b"a=1; b=2\nc=%41; d", b"=x; ;; e=\"q\""])
    s["fuzz_cors"].update([
        b"\x00OPTIONS\n/items/1\nhttps://app.example.com\nPUT\nx-a, y-b",
        b"\x01OPTIONS\n/any/x/y\nhttps://a.example.org\nDELETE\n*",
        b"\x02GET\n/private\nhttps://b.c.example.org",
        b"\x03GET\n/items\nnull",
        b"\x04GET\n/items\nhttp://localhost:3000",
    ])
    s["fuzz_router"].update([b"\x00GET\n/users/42/posts/7",
                             b"\x00OPTIONS\n/users/1",
                             b"\x01HEAD\n/files/a/b/c/",
                             b"\x00PROPFIND\n/dav/x%2Fy",
                             b"\x00get\n/prod/v1/items/9"])
    return s


def main():
    events_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "tests", "events", "fixtures")
    events = load(events_dir)
    if not events:
        raise SystemExit("no events in %s" % events_dir)
    for name, items in sorted(seeds(events).items()):
        folder = os.path.join(HERE, "corpus", name)
        os.makedirs(folder, exist_ok=True)
        for data in sorted(items):
            digest = hashlib.sha1(data).hexdigest()
            with open(os.path.join(folder, digest), "wb") as f:
                f.write(data)
        print("%-14s %3d seeds" % (name, len(items)))


if __name__ == "__main__":
    main()
