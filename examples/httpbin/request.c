/*
 * Endpoints that echo parts of the request, with the JSON keys of
 * go-httpbin (github.com/mccutchen/go-httpbin):
 *
 *     GET    /get         {args, headers, method, origin, url}
 *     POST   /post        the same plus {data, files, form, json}; also
 *     PUT    /put         PUT, PATCH and DELETE, each on its own path
 *     PATCH  /patch       and for its own method only
 *     DELETE /delete
 *     GET    /headers     {headers}
 *     GET    /ip          {origin}
 *     GET    /user-agent  {"user-agent"}
 *     GET    /cache       304 for a conditional request, else /get with
 *                         Last-Modified and ETag
 *     GET    /gzip        /get plus "gzipped": true, gzip-compressed
 *                         whatever the client accepts, as httpbin does
 *
 * args, headers and form map each name to the list of its values;
 * header names are in lower case (API Gateway's HTTP APIs deliver them
 * so anyway). origin is the client's address, or null when the event
 * has none.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "httpbin.h"

/* "Sun, 06 Nov 1994 08:49:37 GMT" takes 30; the rest calms compilers
 * that cannot see that the fields are in range. */
#define DATE_SIZE 64

/* {args, headers, method, origin, url}: /get's answer, which /cache
 * and /gzip extend. */
static json_t *
no_body_echo(lando_ctx_t *ctx)
{
    lando_request_t *req = lando_req(ctx);

    /* clang-format off */
    return json_pack("{s:o, s:o, s:s, s:o, s:o}",
                     "args", httpbin_args(ctx),
                     "headers", httpbin_headers(ctx),
                     "method", lando_request_method(req),
                     "origin",
                     httpbin_nullable(ctx, lando_request_source_ip(req)),
                     "url", httpbin_url(ctx));
    /* clang-format on */
}

static lando_err_t
send_json(lando_ctx_t *ctx, json_t *value)
{
    if (value == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    return lando_response_json(lando_res(ctx), 200, value);
}

lando_err_t
httpbin_get(lando_ctx_t *ctx, void *data)
{
    return send_json(ctx, no_body_echo(ctx));
}

lando_err_t
httpbin_with_body(lando_ctx_t *ctx, void *data)
{
    size_t len;
    const char *body = lando_request_body(lando_req(ctx), &len);
    json_t *echo = no_body_echo(ctx);

    /* TODO: multipart/form-data is not parsed into form and files; its
     * bytes still show in data, which is what most clients check. */
    /* clang-format off */
    if (echo != NULL &&
        json_object_update_new(echo, json_pack(
            "{s:o, s:{}, s:o, s:o}",
            "data", httpbin_data(ctx, body, len),
            "files",
            "form", httpbin_form(ctx),
            "json", httpbin_json(body, len))) < 0) {
        json_decref(echo);
        echo = NULL;
    }
    /* clang-format on */
    return send_json(ctx, echo);
}

lando_err_t
httpbin_headers_echo(lando_ctx_t *ctx, void *data)
{
    return send_json(ctx, json_pack("{s:o}", "headers", httpbin_headers(ctx)));
}

lando_err_t
httpbin_ip(lando_ctx_t *ctx, void *data)
{
    const char *ip = lando_request_source_ip(lando_req(ctx));

    return send_json(ctx,
                     json_pack("{s:o}", "origin", httpbin_nullable(ctx, ip)));
}

lando_err_t
httpbin_user_agent(lando_ctx_t *ctx, void *data)
{
    const lando_field_t *ua = lando_fields_next(
        lando_request_headers(lando_req(ctx)), "User-Agent", NULL);
    json_t *value =
        ua != NULL ? httpbin_text(ctx, ua->value, ua->value_len) : json_null();

    return send_json(ctx, json_pack("{s:o}", "user-agent", value));
}

/* ---- /cache ----------------------------------------------------------- */

/* NOW as an HTTP date (RFC 9110's IMF-fixdate) into BUF. Written by
 * hand: strftime's names follow the locale. */
static void
http_date(time_t now, char buf[DATE_SIZE])
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;

    if (gmtime_r(&now, &tm) == NULL) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_mday = 1;
        tm.tm_year = 70;
        tm.tm_wday = 4;
    }
    snprintf(buf, DATE_SIZE, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
             days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* FNV-1a, 64 bits: enough to tell one Last-Modified from another. */
static uint64_t
fnv1a(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);

    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    }
    return h;
}

lando_err_t
httpbin_cache(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    lando_response_t *res = lando_res(ctx);
    char date[DATE_SIZE];
    char etag[20];
    lando_err_t err;

    if (lando_request_header(req, "If-Modified-Since") != NULL ||
        lando_request_header(req, "If-None-Match") != NULL) {
        return lando_response_empty(res, 304);
    }

    http_date(time(NULL), date);
    snprintf(etag, sizeof(etag), "\"%016" PRIx64 "\"", fnv1a(date));
    err = lando_response_set_header(res, "Last-Modified", date);
    if (err == LANDO_OK) {
        err = lando_response_set_header(res, "ETag", etag);
    }
    if (err != LANDO_OK) {
        return lando_fail(ctx, err, NULL);
    }
    return httpbin_get(ctx, data);
}

/* ---- /gzip ------------------------------------------------------------ */

/* zlib's memory comes from the invocation's arena, freed with it. */
static voidpf
arena_zalloc(voidpf opaque, uInt items, uInt size)
{
    if (size != 0 && items > SIZE_MAX / size) {
        return Z_NULL;
    }
    return lando_ctx_alloc(opaque, (size_t)items * size);
}

static void
arena_zfree(voidpf opaque, voidpf address)
{
}

/* Compress LEN bytes of IN as one gzip member into *OUT (arena). */
static lando_err_t
gzip_bytes(lando_ctx_t *ctx, const char *in, size_t len, char **out,
           size_t *out_len)
{
    z_stream zs;
    size_t cap;
    int rc;

    memset(&zs, 0, sizeof(zs));
    zs.zalloc = arena_zalloc;
    zs.zfree = arena_zfree;
    zs.opaque = ctx;
    /* 15 + 16: a 32 KiB window and a gzip wrapper, not zlib's. */
    rc = deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                      Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) {
        return LANDO_ENOMEM;
    }

    cap = deflateBound(&zs, (uLong)len);
    *out = lando_ctx_alloc(ctx, cap);
    if (*out == NULL || len > UINT32_MAX || cap > UINT32_MAX) {
        deflateEnd(&zs);
        return LANDO_ENOMEM;
    }
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)*out;
    zs.avail_out = (uInt)cap;
    rc = deflate(&zs, Z_FINISH);
    *out_len = cap - zs.avail_out;
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? LANDO_OK : LANDO_EINTERNAL;
}

lando_err_t
httpbin_gzip(lando_ctx_t *ctx, void *data)
{
    lando_response_t *res = lando_res(ctx);
    json_t *echo = no_body_echo(ctx);
    const char *body;
    size_t len;
    char *packed;
    size_t packed_len;
    lando_err_t err;

    if (echo == NULL || json_object_set_new(echo, "gzipped", json_true()) < 0) {
        json_decref(echo);
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    err = lando_response_json(res, 200, echo);
    if (err != LANDO_OK) {
        return lando_fail(ctx, err, NULL);
    }

    body = lando_response_body(res, &len);
    err = gzip_bytes(ctx, body, len, &packed, &packed_len);
    if (err == LANDO_OK) {
        err = lando_response_set_header(res, "Content-Encoding", "gzip");
    }
    if (err != LANDO_OK) {
        return lando_fail(ctx, err, NULL);
    }
    lando_response_set_body_ref(res, packed, packed_len);
    /* Compressed bytes are no text, whatever Content-Type says. */
    lando_response_set_body_mode(res, LANDO_BODY_BINARY);
    return LANDO_OK;
}
