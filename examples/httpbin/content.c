/*
 * Endpoints that serve content rather than echo the request:
 *
 *     GET /base64/{value}  VALUE decoded from base64 (standard or URL-safe
 *                          alphabet, padding optional): text/plain when
 *                          the bytes are UTF-8, else octet-stream;
 *                          400 for text that is not base64
 *     GET /bytes/{n}       N random bytes (0..102400) as
 *                          application/octet-stream; ?seed=S (a decimal
 *                          64-bit number) makes them the same every time
 *     GET /uuid            {"uuid": a random version 4 UUID}
 *     GET /json            a sample JSON document
 *     GET /html            a small HTML page
 *     GET /xml             a small XML document, application/xml
 *     GET /encoding/utf8   a page of UTF-8 text in many scripts
 *
 * The bytes of /bytes?seed=S are splitmix64 (random.c) started with the
 * state S: each output, least significant byte first, gives eight bytes,
 * and the last output is cut to what is left. Any client can compute
 * them, which is what a test of binary bodies needs.
 *
 * The fixed documents are static strings: the response borrows them
 * instead of copying.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "httpbin.h"

/* /bytes answers at most this much; Lambda's own limit is 6 MB, and
 * base64 makes the answer a third larger. */
#define MAX_BYTES 102400

/* Answer 200 with the static BODY of LEN bytes under TYPE. */
static lando_err_t
send_static(lando_ctx_t *ctx, const char *type, const char *body, size_t len)
{
    lando_response_t *res = lando_res(ctx);
    lando_err_t err;

    err = lando_response_set_header(res, "Content-Type", type);
    if (err != LANDO_OK) {
        return lando_fail(ctx, err, NULL);
    }
    lando_response_set_status(res, 200);
    lando_response_set_body_ref(res, body, len);
    return LANDO_OK;
}

#define SEND_STATIC(ctx, type, text)                                           \
    send_static((ctx), (type), (text), sizeof(text) - 1)

/* ---- /base64/{value} -------------------------------------------------- */

lando_err_t
httpbin_base64(lando_ctx_t *ctx, void *data)
{
    lando_response_t *res = lando_res(ctx);
    const lando_field_t *value =
        lando_fields_next(lando_request_params(lando_req(ctx)), "value", NULL);
    char *text;
    char *bytes;
    size_t len;
    size_t bad;
    lando_err_t err;

    if (value == NULL) {
        return lando_fail(ctx, LANDO_EINTERNAL, NULL);
    }
    /* The URL-safe alphabet differs from the standard one in two
     * characters only; mapped back, one decoder serves both. */
    text = lando_ctx_strndup(ctx, value->value, value->value_len);
    if (text == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    for (size_t i = 0; i < value->value_len; i++) {
        if (text[i] == '-') {
            text[i] = '+';
        } else if (text[i] == '_') {
            text[i] = '/';
        }
    }

    err = lando_ctx_base64_decode(ctx, text, value->value_len, &bytes, &len,
                                  &bad);
    if (err == LANDO_EBADBASE64) {
        if (bad == LANDO_BASE64_NOPOS) {
            return lando_fail(ctx, err, "value is not valid base64");
        }
        return lando_fail(ctx, err, "value is not valid base64 (byte %zu)",
                          bad);
    }
    if (err != LANDO_OK) {
        return lando_fail(ctx, err, NULL);
    }

    err = lando_response_send(res, 200,
                              httpbin_utf8_valid(bytes, len)
                                  ? "text/plain; charset=utf-8"
                                  : "application/octet-stream",
                              bytes, len);
    if (err == LANDO_OK) {
        /* The client chose the bytes: no browser may guess them HTML. */
        err =
            lando_response_set_header(res, "X-Content-Type-Options", "nosniff");
    }
    return err != LANDO_OK ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

/* ---- /bytes/{n} ------------------------------------------------------- */

lando_err_t
httpbin_bytes(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const char *n_text = httpbin_param(ctx, "n");
    const lando_field_t *seed =
        lando_fields_next(lando_request_query(req), "seed", NULL);
    uint64_t n;
    uint64_t state;
    unsigned char *out;
    lando_err_t err;

    if (n_text == NULL ||
        !httpbin_parse_u64(n_text, strlen(n_text), MAX_BYTES, &n)) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "n must be a number of bytes 0..%d", MAX_BYTES);
    }
    if (seed == NULL) {
        state = httpbin_random_next();
    } else if (!httpbin_parse_u64(seed->value, seed->value_len, UINT64_MAX,
                                  &state)) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "seed must be a decimal number 0..%" PRIu64,
                          UINT64_MAX);
    }

    out = lando_ctx_alloc(ctx, n + 1);
    if (out == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    for (uint64_t i = 0; i < n; i += 8) {
        uint64_t v = httpbin_splitmix64(&state);

        for (uint64_t j = i; j < i + 8 && j < n; j++, v >>= 8) {
            out[j] = (unsigned char)(v & 0xff);
        }
    }

    lando_response_set_body_ref(lando_res(ctx), out, n);
    err = lando_response_set_header(lando_res(ctx), "Content-Type",
                                    "application/octet-stream");
    return err != LANDO_OK ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

/* ---- /uuid ------------------------------------------------------------ */

lando_err_t
httpbin_uuid(lando_ctx_t *ctx, void *data)
{
    unsigned char b[16];
    uint64_t hi = httpbin_random_next();
    uint64_t lo = httpbin_random_next();
    char text[37];

    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(hi >> (56 - 8 * i));
        b[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
    snprintf(text, sizeof(text),
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
    return lando_response_json(lando_res(ctx), 200,
                               json_pack("{s:s}", "uuid", text));
}

/* ---- fixed documents -------------------------------------------------- */

static const char sample_json[] =
    "{\n"
    "  \"service\": \"httpbin on lando\",\n"
    "  \"runtime\": {\"language\": \"C11\", \"platform\": \"AWS Lambda\","
    " \"abi\": \"CPython stable ABI 3.10+\"},\n"
    "  \"endpoints\": [\n"
    "    {\"path\": \"/get\", \"methods\": [\"GET\", \"HEAD\"]},\n"
    "    {\"path\": \"/post\", \"methods\": [\"POST\"]},\n"
    "    {\"path\": \"/bytes/{n}\", \"methods\": [\"GET\", \"HEAD\"],"
    " \"max\": 102400}\n"
    "  ],\n"
    "  \"numbers\": [0, -1, 2.5, 1e21],\n"
    "  \"text\": \"caf\\u00e9 \\u2615, \\\"quoted\\\", tab\\there\",\n"
    "  \"nothing\": null,\n"
    "  \"ready\": true\n"
    "}\n";

lando_err_t
httpbin_json_sample(lando_ctx_t *ctx, void *data)
{
    return SEND_STATIC(ctx, "application/json", sample_json);
}

/* Longer than the compress middleware's threshold (1 KiB), so that it
 * also shows gzip at work for clients that accept it. */
static const char sample_html[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "  <meta charset=\"utf-8\">\n"
    "  <title>httpbin on lando</title>\n"
    "</head>\n"
    "<body>\n"
    "  <h1>A request, a response</h1>\n"
    "  <p>This page was written by a handler in C. The Lambda runtime\n"
    "  imported one Python extension module, called its handler with an\n"
    "  event from API Gateway or a load balancer, and lando turned that\n"
    "  event into a request, ran it through the middleware and the\n"
    "  router, and turned the handler's response back into the shape the\n"
    "  event's source expects.</p>\n"
    "  <p>Nothing of it lives past the invocation: the request, the\n"
    "  response and every string in between came from one arena, which\n"
    "  was released in a single step when the answer left. The next\n"
    "  invocation starts from a clean slate, and so does the one after\n"
    "  it.</p>\n"
    "  <h2>Try</h2>\n"
    "  <ul>\n"
    "    <li><a href=\"get?hello=world\">get</a>: your request, echoed</li>\n"
    "    <li><a href=\"bytes/64?seed=7\">bytes/64</a>: 64 bytes that do\n"
    "    not change while the seed stays the same</li>\n"
    "    <li><a href=\"status/200:0.75,503:0.25\">status</a>: a weighted\n"
    "    coin that sometimes fails</li>\n"
    "    <li><a href=\"cookies/set?flavour=oat\">cookies/set</a>: a\n"
    "    cookie, then a redirect to see it</li>\n"
    "    <li><a href=\"gzip\">gzip</a>: compressed whether asked or\n"
    "    not</li>\n"
    "  </ul>\n"
    "  <p>Every endpoint answers in JSON unless it says otherwise, with\n"
    "  the same keys as go-httpbin, so existing clients and tests can\n"
    "  point at it without change.</p>\n"
    "</body>\n"
    "</html>\n";

lando_err_t
httpbin_html(lando_ctx_t *ctx, void *data)
{
    return SEND_STATIC(ctx, "text/html; charset=utf-8", sample_html);
}

static const char sample_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- A small document for clients that parse XML. -->\n"
    "<catalog service=\"httpbin\">\n"
    "  <endpoint path=\"/xml\" type=\"application/xml\">\n"
    "    <summary>This document</summary>\n"
    "  </endpoint>\n"
    "  <endpoint path=\"/json\" type=\"application/json\">\n"
    "    <summary>The same idea &amp; another syntax</summary>\n"
    "  </endpoint>\n"
    "  <note lang=\"fr\">Un caf\xc3\xa9 au lait, s'il vous "
    "pla\xc3\xaet</note>\n"
    "</catalog>\n";

lando_err_t
httpbin_xml(lando_ctx_t *ctx, void *data)
{
    return SEND_STATIC(ctx, "application/xml", sample_xml);
}

/* UTF-8 spelled out in escapes, so that the source file stays ASCII and
 * no editor or compiler setting can change the bytes. A literal is split
 * where a \x escape must end before a letter that is a hex digit; the
 * formatter would put the pieces on lines of their own. */
/* clang-format off */
static const char utf8_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head><meta charset=\"utf-8\"><title>UTF-8 demo</title></head>\n"
    "<body>\n"
    "<h1>UTF-8 encoded text</h1>\n"
    "<pre>\n"
    /* Latin with accents: "Cr\u00e8me br\u00fbl\u00e9e, na\u00efve" */
    "Latin:      Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e, na\xc3\xaf" "ve, "
    "\xc3\x85ngstr\xc3\xb6m\n"
    /* Greek: "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1" */
    "Greek:      \xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81"
    "\xce\xb1\n"
    /* Cyrillic: "\u043f\u0440\u0438\u0432\u0435\u0442" */
    "Cyrillic:   \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\n"
    /* Hebrew: "\u05e9\u05dc\u05d5\u05dd" */
    "Hebrew:     \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\n"
    /* Japanese: "\u3053\u3093\u306b\u3061\u306f" */
    "Japanese:   \xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81"
    "\xaf\n"
    /* Mathematics: "\u2200x \u2208 \u211d: x\u00b2 \u2265 0" */
    "Math:       \xe2\x88\x80x \xe2\x88\x88 \xe2\x84\x9d: x\xc2\xb2 "
    "\xe2\x89\xa5 0\n"
    /* Box drawing: "\u250c\u2500\u2510 \u2514\u2500\u2518" */
    "Boxes:      \xe2\x94\x8c\xe2\x94\x80\xe2\x94\x90 \xe2\x94\x94\xe2\x94"
    "\x80\xe2\x94\x98\n"
    /* Outside the BMP: U+1F600 and U+1D11E (four bytes each) */
    "Astral:     \xf0\x9f\x98\x80 \xf0\x9d\x84\x9e\n"
    "</pre>\n"
    "</body>\n"
    "</html>\n";
/* clang-format on */

lando_err_t
httpbin_utf8_page(lando_ctx_t *ctx, void *data)
{
    return SEND_STATIC(ctx, "text/html; charset=utf-8", utf8_page);
}
