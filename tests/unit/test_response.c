/*
 * The response: headers and their validation, bodies, the JSON and text
 * helpers, and the decision between text and base64.
 */
#include <string.h>

#include "support.h"

T_APP_TEST(response_starts_as_200_with_nothing)
{
    lando_response_t *res = lando_res(t_begin(app, "GET", "/"));
    size_t len = 5;

    assert_int_equal(lando_response_status(res), 200);
    assert_int_equal(lando_fields_count(lando_response_headers(res)), 0);
    assert_string_equal(lando_response_body(res, &len), "");
    assert_int_equal(len, 0);
    assert_int_equal(lando_response_body_mode(res), LANDO_BODY_AUTO);
}

T_APP_TEST(response_refuses_header_injection)
{
    lando_response_t *res = lando_res(t_begin(app, "GET", "/"));

    assert_int_equal(lando_response_add_header(res, "X-A", "1\r\nX-B: 2"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, "X-A", "1\nX-B: 2"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, "X-A", "1\r"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, "X-A\r\nX-B", "1"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, "", "1"), LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, "X A", "1"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, "X-A:", "1"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, NULL, "1"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_add_header(res, "X-A", NULL),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_set_header(res, "X-A", "a\nb"),
                     LANDO_EHEADER);
    assert_int_equal(lando_response_redirect(res, 302, "/x\r\nSet-Cookie"),
                     LANDO_EHEADER);
    assert_int_equal(lando_fields_count(lando_response_headers(res)), 0);
    assert_int_equal(lando_response_status(res), 200);

    /* Tabs and non-ASCII text are fine in values. */
    assert_int_equal(lando_response_add_header(res, "X-A", "a\tb \xc3\xa9"),
                     LANDO_OK);
}

T_APP_TEST(response_keeps_several_set_cookie_headers)
{
    lando_response_t *res = lando_res(t_begin(app, "GET", "/"));
    const lando_fields_t *h = lando_response_headers(res);

    assert_int_equal(lando_response_add_header(res, "Set-Cookie", "a=1"),
                     LANDO_OK);
    assert_int_equal(lando_response_add_header(res, "X-Other", "x"),
                     LANDO_OK);
    assert_int_equal(lando_response_add_header(res, "set-cookie", "b=2"),
                     LANDO_OK);
    assert_int_equal(lando_fields_count_of(h, "Set-Cookie"), 2);
    assert_string_equal(lando_fields_at(h, 0)->value, "a=1");
    assert_string_equal(lando_fields_at(h, 2)->value, "b=2");
    assert_string_equal(lando_fields_at(h, 2)->name, "set-cookie");
}

T_APP_TEST(response_set_header_replaces_every_earlier_one)
{
    lando_response_t *res = lando_res(t_begin(app, "GET", "/"));
    const lando_fields_t *h = lando_response_headers(res);

    lando_response_add_header(res, "Vary", "Origin");
    lando_response_add_header(res, "X-Keep", "1");
    lando_response_add_header(res, "vary", "Accept");
    assert_int_equal(lando_response_set_header(res, "VARY", "*"), LANDO_OK);
    assert_int_equal(lando_fields_count(h), 2);
    assert_string_equal(lando_response_header(res, "vary"), "*");
    assert_string_equal(lando_fields_at(h, 0)->name, "X-Keep");

    lando_response_remove_header(res, "x-keep");
    assert_int_equal(lando_fields_count(h), 1);
    assert_null(lando_response_header(res, "X-Keep"));
}

T_APP_TEST(response_json_is_compact_and_takes_the_reference)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_response_t *res = lando_res(ctx);

    lando_response_set_header(res, "Content-Type", "text/html");
    assert_int_equal(lando_response_json(res, 201,
                                         json_pack("{s:i, s:[s]}", "a", 1,
                                                   "b", "x")),
                     LANDO_OK);
    assert_int_equal(lando_response_status(res), 201);
    assert_string_equal(lando_response_header(res, "Content-Type"),
                        "application/json");
    assert_int_equal(lando_fields_count(lando_response_headers(res)), 1);
    assert_string_equal(t_body_str(ctx), "{\"a\":1,\"b\":[\"x\"]}");
    assert_false(lando_response_is_binary(res));

    assert_int_equal(lando_response_json(res, 200, NULL), LANDO_ENOMEM);
}

T_APP_TEST(response_json_handles_bodies_larger_than_a_chunk)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    json_t *list = json_array();
    size_t i, len;

    for (i = 0; i < 5000; i++) {
        json_array_append_new(list, json_string("0123456789"));
    }
    assert_int_equal(lando_response_json(lando_res(ctx), 200, list),
                     LANDO_OK);
    lando_response_body(lando_res(ctx), &len);
    assert_int_equal(len, 2 + 5000 * 13 - 1);
}

T_APP_TEST(response_text_send_empty_and_redirect_answer_whole)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_response_t *res = lando_res(ctx);
    size_t len;

    assert_int_equal(lando_response_text(res, 404, "gone"), LANDO_OK);
    assert_int_equal(lando_response_status(res), 404);
    assert_string_equal(lando_response_header(res, "content-type"),
                        "text/plain; charset=utf-8");
    assert_string_equal(t_body_str(ctx), "gone");

    assert_int_equal(lando_response_send(res, 200, "image/png", "\x89PNG\0",
                                         5),
                     LANDO_OK);
    assert_memory_equal(lando_response_body(res, &len), "\x89PNG\0", 5);
    assert_int_equal(len, 5);
    assert_true(lando_response_is_binary(res));
    assert_int_equal(lando_response_send(res, 200, "bad\r\ntype", "x", 1),
                     LANDO_EHEADER);
    assert_int_equal(len, 5);
    lando_response_body(res, &len);
    assert_int_equal(len, 5);

    assert_int_equal(lando_response_empty(res, 204), LANDO_OK);
    assert_int_equal(lando_response_status(res), 204);
    lando_response_body(res, &len);
    assert_int_equal(len, 0);

    assert_int_equal(lando_response_redirect(res, 303, "/next"), LANDO_OK);
    assert_int_equal(lando_response_status(res), 303);
    assert_string_equal(lando_response_header(res, "Location"), "/next");
    assert_int_equal(lando_response_redirect(res, 200, "/next"),
                     LANDO_EINVAL);

    lando_response_set_status(res, 99);
    assert_int_equal(lando_response_status(res), 500);
    lando_response_set_status(res, 600);
    assert_int_equal(lando_response_status(res), 500);

    lando_response_reset(res);
    assert_int_equal(lando_response_status(res), 200);
    assert_null(lando_response_header(res, "Location"));
    assert_ptr_equal(lando_response_ctx(res), ctx);
}

T_APP_TEST(response_body_copy_is_independent_of_the_caller)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    char buf[] = "hello";

    assert_int_equal(lando_response_set_body(lando_res(ctx), buf, 5),
                     LANDO_OK);
    buf[0] = 'j';
    assert_string_equal(t_body_str(ctx), "hello");
    lando_response_set_body_ref(lando_res(ctx), buf, 5);
    assert_string_equal(t_body_str(ctx), "jello");
}

static void
content_type_is_text_follows_the_list(void **state)
{
    static const char *const text[] = {
        "text/plain",
        "text/html; charset=utf-8",
        "TEXT/CSV",
        "application/json",
        "Application/JSON; charset=UTF-8",
        "application/vnd.api+json",
        "application/problem+json",
        "application/xml",
        "image/svg+xml",
        "application/atom+XML",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/yaml",
        "application/x-yaml",
        "application/vnd.foo+yaml",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "  text/plain  ;  charset=utf-8",
    };
    static const char *const binary[] = {
        "image/png",
        "application/octet-stream",
        "application/pdf",
        "application/zip",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "application/x-json-stream",
        "text",
        "text/",
        "+json",
        "",
        "audio/mpeg",
        "application/gzip",
        "font/woff2",
    };
    size_t i;

    for (i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
        if (!lando_content_type_is_text(text[i])) {
            fail_msg("%s should be text", text[i]);
        }
    }
    for (i = 0; i < sizeof(binary) / sizeof(binary[0]); i++) {
        if (lando_content_type_is_text(binary[i])) {
            fail_msg("%s should be binary", binary[i]);
        }
    }
    assert_false(lando_content_type_is_text(NULL));
}

T_APP_TEST(response_is_binary_by_mode_content_type_or_utf8)
{
    lando_response_t *res = lando_res(t_begin(app, "GET", "/"));

    assert_false(lando_response_is_binary(res));
    lando_response_set_body(res, "plain \xc3\xa9t\xc3\xa9", 11);
    assert_false(lando_response_is_binary(res));
    lando_response_set_body(res, "\xff\xd8\xff\xe0", 4);
    assert_true(lando_response_is_binary(res));
    lando_response_set_body(res, "nul\0inside", 10);
    assert_false(lando_response_is_binary(res));

    lando_response_set_header(res, "Content-Type", "image/jpeg");
    lando_response_set_body(res, "ascii only", 10);
    assert_true(lando_response_is_binary(res));
    lando_response_set_body_mode(res, LANDO_BODY_TEXT);
    assert_false(lando_response_is_binary(res));
    lando_response_set_header(res, "Content-Type", "text/plain");
    lando_response_set_body_mode(res, LANDO_BODY_BINARY);
    assert_true(lando_response_is_binary(res));
    assert_int_equal(lando_response_body_mode(res), LANDO_BODY_BINARY);
    lando_response_set_body_mode(res, LANDO_BODY_AUTO);
    assert_false(lando_response_is_binary(res));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(response_starts_as_200_with_nothing),
        cmocka_unit_test(response_refuses_header_injection),
        cmocka_unit_test(response_keeps_several_set_cookie_headers),
        cmocka_unit_test(response_set_header_replaces_every_earlier_one),
        cmocka_unit_test(response_json_is_compact_and_takes_the_reference),
        cmocka_unit_test(response_json_handles_bodies_larger_than_a_chunk),
        cmocka_unit_test(
            response_text_send_empty_and_redirect_answer_whole),
        cmocka_unit_test(response_body_copy_is_independent_of_the_caller),
        cmocka_unit_test(content_type_is_text_follows_the_list),
        cmocka_unit_test(response_is_binary_by_mode_content_type_or_utf8),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
