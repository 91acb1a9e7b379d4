/*
 * The compress middleware through a real app: gzip and deflate chosen by
 * Accept-Encoding q-values, the bodies it must leave alone, Vary merging,
 * and bodies that inflate back to the original bytes.
 */
#include <string.h>

#include <zlib.h>

#include <lando/mw/compress.h>
#include <lando/mw/error_map.h>

#include "support.h"

/* What a route answers with. */
typedef struct answer {
    int status;
    const char *type;
    const char *header; /* "Name: value" or NULL */
    size_t size;        /* body bytes, taken from the big text */
} answer_t;

static char big_text[8192];

static lando_err_t
respond(lando_ctx_t *ctx, void *data)
{
    const answer_t *a = data;
    lando_response_t *res = lando_res(ctx);
    lando_err_t err;

    err = lando_response_send(res, a->status, a->type, big_text, a->size);
    if (!err && a->header) {
        const char *colon = strchr(a->header, ':');
        char *name = lando_ctx_strndup(ctx, a->header,
                                       (size_t)(colon - a->header));

        err = lando_response_add_header(res, name, colon + 2);
    }
    return err;
}

static lando_err_t
fail_long(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, LANDO_EVALIDATION, "%.2000s", big_text);
}

static const answer_t json_big = {200, "application/json", NULL, 4096};
static const answer_t json_small = {200, "application/json", NULL, 100};
static const answer_t png_big = {200, "image/png", NULL, 4096};
static const answer_t no_transform = {
    200, "text/html", "Cache-Control: public, No-Transform", 4096};
static const answer_t encoded = {200, "text/plain", "Content-Encoding: br",
                                 4096};
static const answer_t not_modified = {304, "text/plain", NULL, 4096};
static const answer_t partial = {206, "text/plain", NULL, 4096};
static const answer_t varying = {200, "text/plain", "Vary: Origin", 4096};
static const answer_t tagged = {200, "text/plain", "ETag: \"v1\"", 4096};
static const answer_t weak_tagged = {200, "text/plain", "ETag: W/\"v1\"",
                                     4096};
static const answer_t sized = {200, "text/plain", "Content-Length: 4096",
                               4096};

static lando_app_t *
app_with(const lando_compress_options_t *opts, bool with_error_map)
{
    static const struct {
        const char *path;
        const answer_t *answer;
    } routes[] = {
        {"/json", &json_big},       {"/small", &json_small},
        {"/png", &png_big},         {"/no-transform", &no_transform},
        {"/encoded", &encoded},     {"/304", &not_modified},
        {"/206", &partial},         {"/varying", &varying},
        {"/tagged", &tagged},       {"/weak", &weak_tagged},
        {"/sized", &sized},
    };
    lando_app_t *app = t_app_new();
    lando_mw_t mw;
    size_t i;

    assert_int_equal(lando_mw_compress(opts, &mw), LANDO_OK);
    assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    if (with_error_map) {
        assert_int_equal(lando_mw_error_map(NULL, &mw), LANDO_OK);
        assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    }
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        assert_int_equal(lando_app_route(app, "GET", routes[i].path, respond,
                                         (void *)routes[i].answer),
                         LANDO_OK);
    }
    assert_int_equal(lando_app_route(app, "GET", "/fail", fail_long, NULL),
                     LANDO_OK);
    return app;
}

static lando_ctx_t *
get(lando_app_t *app, const char *path, const char *accept_encoding)
{
    lando_ctx_t *ctx = t_begin(app, "GET", path);

    if (accept_encoding) {
        t_header(ctx, "Accept-Encoding", accept_encoding);
    }
    t_handle(ctx);
    return ctx;
}

static const char *
hdr(lando_ctx_t *ctx, const char *name)
{
    return lando_response_header(lando_res(ctx), name);
}

/* Inflate the response body (gzip or zlib per WINDOW_BITS) and compare
 * it with the first EXPECT_LEN bytes of the big text. */
static void
assert_inflates_to(lando_ctx_t *ctx, int window_bits, const char *expect,
                   size_t expect_len)
{
    size_t len = 0;
    const char *body = lando_response_body(lando_res(ctx), &len);
    unsigned char *out = test_malloc(expect_len + 16);
    z_stream zs;

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, window_bits), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)body;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)(expect_len + 16);
    assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
    assert_int_equal(zs.total_out, expect_len);
    assert_memory_equal(out, expect, expect_len);
    inflateEnd(&zs);
    test_free(out);
    assert_true(len < expect_len);
}

static void
assert_plain(lando_ctx_t *ctx, size_t size)
{
    size_t len = 0;
    const char *body = lando_response_body(lando_res(ctx), &len);

    assert_null(hdr(ctx, "Content-Encoding"));
    assert_int_equal(len, size);
    assert_memory_equal(body, big_text, size);
}

static void
compress_gzips_a_large_json_body_and_marks_it_binary(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = get(app, "/json", "gzip, deflate, br");
    const unsigned char *body;

    assert_int_equal(lando_response_status(lando_res(ctx)), 200);
    assert_string_equal(hdr(ctx, "Content-Encoding"), "gzip");
    assert_string_equal(hdr(ctx, "Vary"), "Accept-Encoding");
    assert_string_equal(hdr(ctx, "Content-Type"), "application/json");
    assert_true(lando_response_is_binary(lando_res(ctx)));
    body = (const unsigned char *)lando_response_body(lando_res(ctx), NULL);
    assert_int_equal(body[0], 0x1f);
    assert_int_equal(body[1], 0x8b);
    assert_inflates_to(ctx, 15 + 16, big_text, 4096);
    t_app_free(app);
}

static void
compress_uses_deflate_when_gzip_is_refused(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = get(app, "/json", "gzip;q=0, deflate");

    assert_string_equal(hdr(ctx, "Content-Encoding"), "deflate");
    assert_inflates_to(ctx, 15, big_text, 4096);
    t_app_free(app);
}

static const char *
chosen(lando_app_t *app, const char *accept_encoding)
{
    lando_ctx_t *ctx = get(app, "/json", accept_encoding);
    const char *ce = hdr(ctx, "Content-Encoding");

    return ce ? ce : "none";
}

static void
compress_follows_the_q_values_of_accept_encoding(void **state)
{
    lando_app_t *app = app_with(NULL, false);

    assert_string_equal(chosen(app, "deflate;q=0.5, gzip;q=0.4"), "deflate");
    assert_string_equal(chosen(app, "deflate;q=0.5, gzip;q=0.5"), "gzip");
    assert_string_equal(chosen(app, "deflate, gzip"), "gzip");
    assert_string_equal(chosen(app, "*;q=0.1"), "gzip");
    assert_string_equal(chosen(app, "*, gzip;q=0"), "deflate");
    assert_string_equal(chosen(app, "gzip;q=0, deflate;q=0.000, *"), "none");
    assert_string_equal(chosen(app, "identity"), "none");
    assert_string_equal(chosen(app, "gzip;q=0.000"), "none");
    assert_string_equal(chosen(app, "GZIP ; Q=1.0"), "gzip");
    assert_string_equal(chosen(app, "x-gzip"), "gzip");
    assert_string_equal(chosen(app, "gzip;q=abc"), "none");
    assert_string_equal(chosen(app, "gzip;q=1.5"), "none");
    assert_string_equal(chosen(app, ",,;;=,"), "none");
    assert_string_equal(chosen(app, ""), "none");
    assert_string_equal(chosen(app, NULL), "none");
    t_app_free(app);
}

static void
compress_merges_every_accept_encoding_header(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = t_begin(app, "GET", "/json");

    t_header(ctx, "Accept-Encoding", "br");
    t_header(ctx, "accept-encoding", "deflate");
    t_handle(ctx);
    assert_string_equal(hdr(ctx, "Content-Encoding"), "deflate");
    t_app_free(app);
}

static void
compress_adds_vary_also_when_the_client_takes_no_compression(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = get(app, "/json", NULL);

    assert_plain(ctx, 4096);
    assert_string_equal(hdr(ctx, "Vary"), "Accept-Encoding");
    assert_false(lando_response_is_binary(lando_res(ctx)));
    t_app_free(app);
}

static void
compress_leaves_small_binary_and_transform_free_bodies_alone(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = get(app, "/small", "gzip");

    assert_plain(ctx, 100);
    assert_null(hdr(ctx, "Vary"));
    ctx = get(app, "/png", "gzip");
    assert_plain(ctx, 4096);
    assert_null(hdr(ctx, "Vary"));
    ctx = get(app, "/no-transform", "gzip");
    assert_plain(ctx, 4096);
    ctx = get(app, "/206", "gzip");
    assert_plain(ctx, 4096);
    t_app_free(app);
}

static void
compress_never_encodes_twice(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = get(app, "/encoded", "gzip");
    size_t len = 0;

    assert_string_equal(hdr(ctx, "Content-Encoding"), "br");
    lando_response_body(lando_res(ctx), &len);
    assert_int_equal(len, 4096);
    t_app_free(app);
}

static void
compress_skips_head_and_304(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = t_begin(app, "HEAD", "/json");

    t_header(ctx, "Accept-Encoding", "gzip");
    assert_int_equal(t_handle(ctx), 200);
    assert_null(hdr(ctx, "Content-Encoding"));

    ctx = get(app, "/304", "gzip");
    assert_int_equal(lando_response_status(lando_res(ctx)), 304);
    assert_null(hdr(ctx, "Content-Encoding"));
    t_app_free(app);
}

static void
compress_merges_vary_and_weakens_a_strong_etag(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = get(app, "/varying", "gzip");

    assert_string_equal(hdr(ctx, "Vary"), "Origin, Accept-Encoding");
    ctx = get(app, "/tagged", "gzip");
    assert_string_equal(hdr(ctx, "ETag"), "W/\"v1\"");
    ctx = get(app, "/weak", "gzip");
    assert_string_equal(hdr(ctx, "ETag"), "W/\"v1\"");
    ctx = get(app, "/tagged", NULL);
    assert_string_equal(hdr(ctx, "ETag"), "\"v1\"");
    ctx = get(app, "/sized", "gzip");
    assert_string_equal(hdr(ctx, "Content-Encoding"), "gzip");
    assert_null(hdr(ctx, "Content-Length"));
    t_app_free(app);
}

static void
compress_compresses_the_bodies_error_map_writes(void **state)
{
    lando_app_t *app = app_with(NULL, true);
    lando_ctx_t *ctx = get(app, "/fail", "gzip");
    size_t len = 0;
    const char *body;
    unsigned char out[4096];
    z_stream zs;
    json_t *root;

    assert_int_equal(lando_response_status(lando_res(ctx)), 422);
    assert_string_equal(hdr(ctx, "Content-Encoding"), "gzip");
    body = lando_response_body(lando_res(ctx), &len);
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 31), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)body;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = sizeof(out) - 1;
    assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
    out[zs.total_out] = '\0';
    inflateEnd(&zs);
    root = json_loads((const char *)out, 0, NULL);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(root, "error"), "status")),
                     422);
    json_decref(root);
    t_app_free(app);
}

static void
compress_keeps_a_body_that_would_grow(void **state)
{
    static const answer_t noise = {200, "text/plain", NULL, 40};
    lando_app_t *app = app_with(&(lando_compress_options_t){.min_size = 16},
                                false);
    lando_ctx_t *ctx;
    char saved[40];
    unsigned seed = 12345;
    size_t i;

    assert_int_equal(lando_app_route(app, "GET", "/noise", respond,
                                     (void *)&noise),
                     LANDO_OK);
    memcpy(saved, big_text, sizeof(saved));
    for (i = 0; i < sizeof(saved); i++) {
        seed = seed * 1103515245u + 12345u;
        big_text[i] = (char)(' ' + (seed >> 16) % 90);
    }
    ctx = get(app, "/noise", "gzip");
    assert_plain(ctx, 40);
    assert_string_equal(hdr(ctx, "Vary"), "Accept-Encoding");
    memcpy(big_text, saved, sizeof(saved));
    t_app_free(app);
}

static void
compress_options_set_threshold_level_and_gzip_only(void **state)
{
    lando_compress_options_t opts = {.min_size = 50, .level = 9,
                                     .no_deflate = true};
    lando_app_t *app = app_with(&opts, false);
    lando_ctx_t *ctx = get(app, "/small", "gzip");

    assert_string_equal(hdr(ctx, "Content-Encoding"), "gzip");
    assert_inflates_to(ctx, 31, big_text, 100);
    assert_string_equal(chosen(app, "deflate"), "none");
    t_app_free(app);
}

static void
compress_refuses_bad_options_and_survives_no_memory(void **state)
{
    lando_mw_t mw;
    long before = t_alloc_live();
    lando_err_t err = LANDO_ENOMEM;
    long n;

    assert_int_equal(
        lando_mw_compress(&(lando_compress_options_t){.level = 10}, &mw),
        LANDO_EINVAL);
    assert_int_equal(
        lando_mw_compress(&(lando_compress_options_t){.level = -1}, &mw),
        LANDO_EINVAL);
    assert_int_equal(lando_mw_compress(NULL, NULL), LANDO_EINVAL);
    for (n = 0; err == LANDO_ENOMEM; n++) {
        t_alloc_fail_at(n);
        err = lando_mw_compress(NULL, &mw);
        if (err) {
            assert_int_equal(err, LANDO_ENOMEM);
            assert_int_equal(t_alloc_live(), before);
        }
    }
    t_alloc_fail_at(-1);
    assert_int_equal(err, LANDO_OK);
    mw.free_state(mw.state);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            compress_gzips_a_large_json_body_and_marks_it_binary),
        cmocka_unit_test(compress_uses_deflate_when_gzip_is_refused),
        cmocka_unit_test(compress_follows_the_q_values_of_accept_encoding),
        cmocka_unit_test(compress_merges_every_accept_encoding_header),
        cmocka_unit_test(
            compress_adds_vary_also_when_the_client_takes_no_compression),
        cmocka_unit_test(
            compress_leaves_small_binary_and_transform_free_bodies_alone),
        cmocka_unit_test(compress_never_encodes_twice),
        cmocka_unit_test(compress_skips_head_and_304),
        cmocka_unit_test(compress_merges_vary_and_weakens_a_strong_etag),
        cmocka_unit_test(compress_compresses_the_bodies_error_map_writes),
        cmocka_unit_test(compress_keeps_a_body_that_would_grow),
        cmocka_unit_test(compress_options_set_threshold_level_and_gzip_only),
        cmocka_unit_test(
            compress_refuses_bad_options_and_survives_no_memory),
    };
    static const char unit[] = "{\"id\":12,\"name\":\"lando\",\"ok\":true},";
    size_t i;

    /* Repetitive JSON-like text: compresses well, like real API output. */
    for (i = 0; i < sizeof(big_text); i++) {
        big_text[i] = unit[i % (sizeof(unit) - 1)];
    }
    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
