/*
 * The base64_body middleware through a real app, and the public base64
 * codec it uses: decoding before handlers, binary bytes kept intact,
 * invalid text refused with its offset instead of becoming an empty
 * body, and the size limit.
 */
#include <string.h>

#include <lando/mw/base64_body.h>

#include "support.h"

/* What the echo handler saw: a copy of the body and the base64 flag. */
static struct {
    int calls;
    char body[256];
    size_t len;
    bool was_base64;
} seen;

static lando_err_t
echo(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    size_t len = 0;
    const char *body = lando_request_body(req, &len);

    seen.calls++;
    seen.was_base64 = lando_request_body_is_base64(req);
    seen.len = len < sizeof(seen.body) ? len : sizeof(seen.body);
    memcpy(seen.body, body, seen.len);
    return lando_response_send(lando_res(ctx), 200,
                               "application/octet-stream", body, len);
}

static lando_app_t *
app_with(size_t max_body)
{
    lando_app_t *app = t_app_new();
    lando_base64_body_options_t opts = {.max_body = max_body};
    lando_mw_t mw;

    assert_int_equal(lando_mw_base64_body(&opts, &mw), LANDO_OK);
    assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    assert_int_equal(lando_app_route(app, "POST", "/upload", echo, NULL),
                     LANDO_OK);
    memset(&seen, 0, sizeof(seen));
    return app;
}

static lando_ctx_t *
post(lando_app_t *app, const char *body, size_t len, bool is_base64)
{
    lando_ctx_t *ctx = t_begin(app, "POST", "/upload");

    assert_int_equal(lando_request_set_body(lando_req(ctx), body, len,
                                            is_base64),
                     LANDO_OK);
    return ctx;
}

/* The "message" of the JSON error body; the test fails if there is
 * none. Returns a copy in the invocation's arena. */
static const char *
error_message(lando_ctx_t *ctx)
{
    json_t *root = json_loads(t_body_str(ctx), 0, NULL);
    const char *msg;
    char *copy;

    assert_non_null(root);
    msg = json_string_value(
        json_object_get(json_object_get(root, "error"), "message"));
    assert_non_null(msg);
    copy = lando_ctx_strdup(ctx, msg);
    json_decref(root);
    return copy;
}

static void
base64_body_decodes_binary_bytes_with_nul_before_the_handler(void **state)
{
    static const unsigned char bytes[] = {0x00, 0x01, 0xff, 'a', 0x00, 0x80};
    char text[16];
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx;
    size_t len = 0;
    const char *out;

    lando_base64_encode(text, bytes, sizeof(bytes));
    assert_string_equal(text, "AAH/YQCA");
    ctx = post(app, text, strlen(text), true);

    assert_int_equal(t_handle(ctx), 200);
    assert_int_equal(seen.calls, 1);
    assert_false(seen.was_base64);
    assert_int_equal(seen.len, sizeof(bytes));
    assert_memory_equal(seen.body, bytes, sizeof(bytes));
    out = lando_response_body(lando_res(ctx), &len);
    assert_int_equal(len, sizeof(bytes));
    assert_memory_equal(out, bytes, sizeof(bytes));
    t_app_free(app);
}

static void
base64_body_refuses_invalid_text_with_400_naming_the_offset(void **state)
{
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx = post(app, "aGVsbG8*", 8, true);
    const lando_error_t *e;

    assert_int_equal(t_handle(ctx), 400);
    assert_int_equal(seen.calls, 0);
    e = lando_ctx_error(ctx);
    assert_non_null(e);
    assert_int_equal(e->code, LANDO_EBADBASE64);
    assert_non_null(strstr(error_message(ctx), "offset 7"));
    t_app_free(app);
}

static void
base64_body_never_turns_bad_text_into_an_empty_body(void **state)
{
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx = post(app, "%%%%", 4, true);
    size_t len = 0;
    const char *body;

    assert_int_equal(t_handle(ctx), 400);
    assert_int_equal(seen.calls, 0);
    body = lando_request_body(lando_req(ctx), &len);
    assert_int_equal(len, 4);
    assert_memory_equal(body, "%%%%", 4);
    assert_true(lando_request_body_is_base64(lando_req(ctx)));
    t_app_free(app);
}

static void
base64_body_names_a_single_left_over_character(void **state)
{
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx = post(app, "QUJDR", 5, true);

    assert_int_equal(t_handle(ctx), 400);
    assert_non_null(strstr(error_message(ctx), "left over at offset 4"));
    t_app_free(app);
}

static void
base64_body_refuses_misplaced_padding(void **state)
{
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx = post(app, "QQ=A", 4, true);

    assert_int_equal(t_handle(ctx), 400);
    assert_non_null(strstr(error_message(ctx), "offset 3"));
    assert_int_equal(seen.calls, 0);
    t_app_free(app);
}

static void
base64_body_accepts_line_breaks_and_missing_padding(void **state)
{
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx = post(app, "aGVs\r\nbG8", 9, true);

    assert_int_equal(t_handle(ctx), 200);
    assert_int_equal(seen.len, 5);
    assert_memory_equal(seen.body, "hello", 5);
    t_app_free(app);
}

static void
base64_body_decodes_an_empty_encoded_body_to_nothing(void **state)
{
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx = post(app, "", 0, true);

    assert_int_equal(t_handle(ctx), 200);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.len, 0);
    assert_false(seen.was_base64);
    t_app_free(app);
}

static void
base64_body_leaves_plain_bodies_alone(void **state)
{
    lando_app_t *app = app_with(0);
    lando_ctx_t *ctx = post(app, "aGk=", 4, false);

    assert_int_equal(t_handle(ctx), 200);
    assert_int_equal(seen.len, 4);
    assert_memory_equal(seen.body, "aGk=", 4);
    t_app_free(app);
}

static void
base64_body_answers_413_for_encoded_text_over_the_limit(void **state)
{
    lando_app_t *app = app_with(8);
    lando_ctx_t *ctx = post(app, "aGVsbG8gd29y", 12, true);

    assert_int_equal(t_handle(ctx), 413);
    assert_int_equal(lando_ctx_error(ctx)->code, LANDO_ETOOLARGE);
    assert_int_equal(seen.calls, 0);

    /* Exactly at the limit passes. */
    ctx = post(app, "aGVsbG8h", 8, true);
    assert_int_equal(t_handle(ctx), 200);
    assert_memory_equal(seen.body, "hello!", 6);
    t_app_free(app);
}

static void
base64_body_answers_413_for_plain_bodies_over_the_limit(void **state)
{
    lando_app_t *app = app_with(4);
    lando_ctx_t *ctx = post(app, "12345", 5, false);

    assert_int_equal(t_handle(ctx), 413);
    assert_int_equal(seen.calls, 0);
    t_app_free(app);
}

static void
base64_body_defaults_to_lambdas_six_mebibytes(void **state)
{
    lando_app_t *app = app_with(0);
    size_t big = LANDO_BODY_LIMIT_DEFAULT + 4;
    char *text = test_malloc(big);
    lando_ctx_t *ctx;

    memset(text, 'A', big);
    ctx = post(app, text, big, true);
    assert_int_equal(t_handle(ctx), 413);

    ctx = post(app, text, LANDO_BODY_LIMIT_DEFAULT, true);
    assert_int_equal(t_handle(ctx), 200);
    assert_int_equal(seen.calls, 1);
    test_free(text);
    t_app_free(app);
}

static void
base64_decode_reports_where_the_text_goes_wrong(void **state)
{
    unsigned char out[16];
    size_t n = 0;
    size_t pos = 0;

    assert_int_equal(lando_base64_decode(out, &n, "aGk=", 4, &pos),
                     LANDO_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "hi", 2);

    assert_int_equal(lando_base64_decode(out, &n, "aG\x01k", 4, &pos),
                     LANDO_EBADBASE64);
    assert_int_equal(pos, 2);
    assert_int_equal(lando_base64_decode(out, &n, "a===", 4, &pos),
                     LANDO_EBADBASE64);
    assert_int_equal(pos, 1);
    assert_int_equal(lando_base64_decode(out, &n, "aQ=", 3, &pos),
                     LANDO_EBADBASE64);
    assert_int_equal(pos, 3);
    assert_int_equal(lando_base64_decode(out, &n, "aGk=x", 5, &pos),
                     LANDO_EBADBASE64);
    assert_int_equal(pos, 4);
    assert_int_equal(lando_base64_decode(NULL, &n, "aGk=", 4, &pos),
                     LANDO_EINVAL);
}

static void
base64_encode_round_trips_every_byte_value(void **state)
{
    unsigned char bytes[256];
    char text[400];
    unsigned char back[256];
    size_t n = 0;
    size_t i;

    for (i = 0; i < sizeof(bytes); i++) {
        bytes[i] = (unsigned char)i;
    }
    lando_base64_encode(text, bytes, sizeof(bytes));
    assert_int_equal(strlen(text), lando_base64_encoded_len(sizeof(bytes)));
    assert_true(lando_base64_decoded_max(strlen(text)) >= sizeof(bytes));
    assert_int_equal(lando_base64_decode(back, &n, text, strlen(text), NULL),
                     LANDO_OK);
    assert_int_equal(n, sizeof(bytes));
    assert_memory_equal(back, bytes, sizeof(bytes));
}

static void
base64_body_constructor_refuses_a_null_out_and_survives_no_memory(
    void **state)
{
    lando_mw_t mw;
    long before = t_alloc_live();
    long n;
    lando_err_t err = LANDO_ENOMEM;

    assert_int_equal(lando_mw_base64_body(NULL, NULL), LANDO_EINVAL);
    for (n = 0; err == LANDO_ENOMEM; n++) {
        t_alloc_fail_at(n);
        err = lando_mw_base64_body(NULL, &mw);
        if (err) {
            assert_int_equal(err, LANDO_ENOMEM);
            assert_int_equal(t_alloc_live(), before);
        }
    }
    t_alloc_fail_at(-1);
    assert_int_equal(err, LANDO_OK);
    mw.free_state(mw.state);
    assert_int_equal(t_alloc_live(), before);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            base64_body_decodes_binary_bytes_with_nul_before_the_handler),
        cmocka_unit_test(
            base64_body_refuses_invalid_text_with_400_naming_the_offset),
        cmocka_unit_test(base64_body_never_turns_bad_text_into_an_empty_body),
        cmocka_unit_test(base64_body_names_a_single_left_over_character),
        cmocka_unit_test(base64_body_refuses_misplaced_padding),
        cmocka_unit_test(base64_body_accepts_line_breaks_and_missing_padding),
        cmocka_unit_test(base64_body_decodes_an_empty_encoded_body_to_nothing),
        cmocka_unit_test(base64_body_leaves_plain_bodies_alone),
        cmocka_unit_test(
            base64_body_answers_413_for_encoded_text_over_the_limit),
        cmocka_unit_test(
            base64_body_answers_413_for_plain_bodies_over_the_limit),
        cmocka_unit_test(base64_body_defaults_to_lambdas_six_mebibytes),
        cmocka_unit_test(base64_decode_reports_where_the_text_goes_wrong),
        cmocka_unit_test(base64_encode_round_trips_every_byte_value),
        cmocka_unit_test(
            base64_body_constructor_refuses_a_null_out_and_survives_no_memory),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
