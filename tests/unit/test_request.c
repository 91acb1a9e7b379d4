/*
 * The request: headers, query, cookies, the JSON and form helpers, the
 * request context and the builders.
 */
#include <string.h>

#include "support.h"

static lando_err_t
echo_json_name(lando_ctx_t *ctx, void *data)
{
    json_t *body = NULL;
    lando_err_t err = lando_request_json(lando_req(ctx), &body);

    if (err) {
        return err;
    }
    return lando_response_text(
        lando_res(ctx), 200,
        json_string_value(json_object_get(body, "name")));
}

T_APP_TEST(request_headers_are_multi_valued_and_found_in_any_case)
{
    lando_ctx_t *ctx = t_begin(app, "get", "/");
    lando_request_t *req = lando_req(ctx);
    const lando_fields_t *h = lando_request_headers(req);
    const lando_field_t *f;

    t_header(ctx, "Accept", "text/html");
    t_header(ctx, "X-Multi", "one");
    t_header(ctx, "x-multi", "two");
    t_header(ctx, "X-MULTI", "three");

    assert_string_equal(lando_request_method(req), "GET");
    assert_string_equal(lando_request_header(req, "ACCEPT"), "text/html");
    assert_string_equal(lando_request_header(req, "x-Multi"), "one");
    assert_int_equal(lando_fields_count_of(h, "X-multi"), 3);
    f = lando_fields_next(h, "x-multi", NULL);
    assert_string_equal(f->value, "one");
    f = lando_fields_next(h, "x-multi", f);
    assert_string_equal(f->value, "two");
    assert_string_equal(f->name, "x-multi");
    f = lando_fields_next(h, "x-multi", f);
    assert_string_equal(f->value, "three");
    assert_null(lando_fields_next(h, "x-multi", f));
    assert_null(lando_request_header(req, "X-Missing"));
    assert_int_equal(lando_fields_count(h), 4);
}

T_APP_TEST(request_query_is_decoded_and_keeps_repeated_names)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/s?q=a+b%21&t=1&t=2&flag&T=3");
    lando_request_t *req = lando_req(ctx);

    assert_string_equal(lando_request_raw_query(req),
                        "q=a+b%21&t=1&t=2&flag&T=3");
    assert_string_equal(lando_request_query_get(req, "q"), "a b!");
    assert_int_equal(lando_fields_count_of(lando_request_query(req), "t"),
                     2);
    assert_string_equal(lando_request_query_get(req, "flag"), "");
    assert_string_equal(lando_request_query_get(req, "T"), "3");

    assert_int_equal(lando_request_set_raw_query(req, "x=%zz"), LANDO_OK);
    assert_string_equal(lando_request_query_get(req, "x"), "%zz");
    assert_null(lando_request_query_get(req, "q"));
    assert_int_equal(lando_request_add_query(req, "y", "2"), LANDO_OK);
    assert_string_equal(lando_request_query_get(req, "y"), "2");
}

T_APP_TEST(request_parses_cookies_from_every_cookie_header)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_request_t *req = lando_req(ctx);
    const lando_fields_t *c;

    t_header(ctx, "Cookie", "a=1; b=hello%20world;flag ;  c = 3 ");
    t_header(ctx, "cookie", "d=\"quoted\"; e=100%; =nameless; a=again");

    c = lando_request_cookies(req);
    assert_non_null(c);
    assert_string_equal(lando_request_cookie(req, "a"), "1");
    assert_string_equal(lando_request_cookie(req, "b"), "hello world");
    assert_string_equal(lando_request_cookie(req, "flag"), "");
    assert_string_equal(lando_request_cookie(req, "c"), "3");
    assert_string_equal(lando_request_cookie(req, "d"), "quoted");
    /* Not a valid escape: kept as sent. */
    assert_string_equal(lando_request_cookie(req, "e"), "100%");
    assert_int_equal(lando_fields_count_of(c, "a"), 2);
    assert_null(lando_request_cookie(req, "A"));
    assert_int_equal(lando_fields_count(c), 7);

    /* A Cookie header added later is seen too. */
    t_header(ctx, "Cookie", "late=yes");
    assert_string_equal(lando_request_cookie(req, "late"), "yes");
}

T_APP_TEST(request_without_cookies_has_an_empty_list)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");

    assert_int_equal(lando_fields_count(lando_request_cookies(lando_req(ctx))),
                     0);
    assert_null(lando_request_cookie(lando_req(ctx), "a"));
}

T_APP_TEST(request_json_accepts_json_with_parameters_and_plus_json)
{
    static const char *const types[] = {
        "application/json; charset=utf-8",
        "application/vnd.api+json",
        "APPLICATION/JSON",
        " application/problem+json ; q=1",
        NULL, /* no Content-Type at all */
    };
    size_t i;

    lando_app_route(app, "POST", "/p", echo_json_name, NULL);
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        lando_ctx_t *ctx = t_begin(app, "POST", "/p");

        t_body(ctx, types[i], "{\"name\": \"lando\"}");
        assert_int_equal(t_handle(ctx), 200);
        assert_string_equal(t_body_str(ctx), "lando");
    }
}

T_APP_TEST(request_json_refuses_other_content_types_with_415)
{
    static const char *const types[] = {"text/plain", "application/xml",
                                        "application/jsonx",
                                        "multipart/form-data; b=x"};
    size_t i;

    lando_app_route(app, "POST", "/p", echo_json_name, NULL);
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        lando_ctx_t *ctx = t_begin(app, "POST", "/p");

        t_body(ctx, types[i], "{\"name\": \"lando\"}");
        assert_int_equal(t_handle(ctx), 415);
        assert_non_null(strstr(t_body_str(ctx), "unsupported_media_type"));
        assert_int_equal(lando_ctx_error(ctx)->code, LANDO_EMEDIATYPE);
    }
}

T_APP_TEST(request_json_reports_where_a_malformed_body_breaks)
{
    lando_ctx_t *ctx;
    const char *msg;

    lando_app_route(app, "POST", "/p", echo_json_name, NULL);
    ctx = t_begin(app, "POST", "/p");
    t_body(ctx, "application/json", "{\"a\": 1,}");
    assert_int_equal(t_handle(ctx), 400);
    msg = lando_ctx_error(ctx)->message;
    assert_int_equal(lando_ctx_error(ctx)->code, LANDO_EBADJSON);
    assert_non_null(strstr(msg, "malformed JSON body at line 1, column 9 "
                                "(byte 8): "));
    assert_non_null(strstr(t_body_str(ctx), "\"bad_json\""));

    ctx = t_begin(app, "POST", "/p");
    t_body(ctx, "application/json", "");
    assert_int_equal(t_handle(ctx), 400);
    assert_string_equal(lando_ctx_error(ctx)->message, "empty JSON body");

    ctx = t_begin(app, "POST", "/p");
    t_body(ctx, "application/json", "{\"a\":\n  [1, 2");
    assert_int_equal(t_handle(ctx), 400);
    assert_non_null(strstr(lando_ctx_error(ctx)->message, "at line 2,"));
}

T_APP_TEST(request_json_does_not_stop_at_a_nul_byte)
{
    static const char body[] = "{\"name\": \"a\"}\0{\"x\": 1}";
    lando_ctx_t *ctx = t_begin(app, "POST", "/");
    json_t *v = NULL;

    assert_int_equal(lando_request_set_body(lando_req(ctx), body,
                                            sizeof(body) - 1, false),
                     LANDO_OK);
    assert_int_equal(lando_request_json(lando_req(ctx), &v), LANDO_EBADJSON);
    assert_null(v);

    /* Nor does it let an escaped NUL cut a string short. */
    ctx = t_begin(app, "POST", "/");
    t_body(ctx, NULL, "{\"name\": \"a\\u0000b\"}");
    assert_int_equal(lando_request_json(lando_req(ctx), &v), LANDO_EBADJSON);
}

T_APP_TEST(request_json_is_parsed_once_and_any_value_is_accepted)
{
    lando_ctx_t *ctx = t_begin(app, "POST", "/");
    json_t *a = NULL, *b = NULL;

    t_body(ctx, "application/json", "[1, 2, 3]");
    assert_int_equal(lando_request_json(lando_req(ctx), &a), LANDO_OK);
    assert_int_equal(lando_request_json(lando_req(ctx), &b), LANDO_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(json_array_size(a), 3);

    ctx = t_begin(app, "POST", "/");
    t_body(ctx, "application/json", "42");
    assert_int_equal(lando_request_json(lando_req(ctx), &a), LANDO_OK);
    assert_int_equal(json_integer_value(a), 42);
    /* The leak check of this test proves both values were released. */
}

T_APP_TEST(request_json_decodes_a_body_still_in_base64)
{
    lando_ctx_t *ctx = t_begin(app, "POST", "/");
    const char *b64 = "eyJuYW1lIjogImI2NCJ9"; /* {"name": "b64"} */
    json_t *v = NULL;

    assert_int_equal(lando_request_set_body(lando_req(ctx), b64,
                                            strlen(b64), true),
                     LANDO_OK);
    assert_true(lando_request_body_is_base64(lando_req(ctx)));
    assert_int_equal(lando_request_json(lando_req(ctx), &v), LANDO_OK);
    assert_string_equal(json_string_value(json_object_get(v, "name")),
                        "b64");
    assert_false(lando_request_body_is_base64(lando_req(ctx)));

    ctx = t_begin(app, "POST", "/");
    assert_int_equal(lando_request_set_body(lando_req(ctx), "!!!", 3, true),
                     LANDO_OK);
    assert_int_equal(lando_request_json(lando_req(ctx), &v),
                     LANDO_EBADBASE64);
}

T_APP_TEST(request_form_decodes_fields)
{
    lando_ctx_t *ctx = t_begin(app, "POST", "/");
    const lando_fields_t *form = NULL;

    t_body(ctx, "application/x-www-form-urlencoded; charset=UTF-8",
           "name=Jo+Smith&tag=a%26b&tag=c&empty=");
    assert_int_equal(lando_request_form(lando_req(ctx), &form), LANDO_OK);
    assert_string_equal(lando_fields_get(form, "name"), "Jo Smith");
    assert_int_equal(lando_fields_count_of(form, "tag"), 2);
    assert_string_equal(lando_fields_get(form, "tag"), "a&b");
    assert_string_equal(lando_fields_get(form, "empty"), "");
}

T_APP_TEST(request_form_refuses_bad_escapes_and_other_types)
{
    lando_ctx_t *ctx = t_begin(app, "POST", "/");
    const lando_fields_t *form = NULL;

    t_body(ctx, "application/x-www-form-urlencoded", "a=%G1");
    assert_int_equal(lando_request_form(lando_req(ctx), &form),
                     LANDO_EBADFORM);
    assert_null(form);
    assert_int_equal(lando_ctx_error(ctx)->status, 400);

    ctx = t_begin(app, "POST", "/");
    t_body(ctx, "application/json", "a=1");
    assert_int_equal(lando_request_form(lando_req(ctx), &form),
                     LANDO_EMEDIATYPE);
    assert_int_equal(lando_ctx_error(ctx)->status, 415);
}

T_APP_TEST(request_context_reads_dotted_keys_from_json)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_request_t *req = lando_req(ctx);
    json_t *rc = json_pack("{s:s, s:{s:s, s:i, s:b, s:f, s:n, s:[]}}",
                           "requestId", "r-1", "authorizer", "sub", "u-9",
                           "age", 42, "admin", 1, "score", 1.5, "none",
                           "list");

    assert_non_null(rc);
    lando_request_set_context_json(req, rc);
    assert_string_equal(lando_request_context(req, "requestId"), "r-1");
    assert_string_equal(lando_request_context(req, "authorizer.sub"), "u-9");
    assert_string_equal(lando_request_context(req, "authorizer.age"), "42");
    assert_string_equal(lando_request_context(req, "authorizer.admin"),
                        "true");
    assert_string_equal(lando_request_context(req, "authorizer.score"),
                        "1.5");
    assert_null(lando_request_context(req, "authorizer.none"));
    assert_null(lando_request_context(req, "authorizer.list"));
    assert_null(lando_request_context(req, "authorizer"));
    assert_null(lando_request_context(req, "authorizer.sub.deeper"));
    assert_null(lando_request_context(req, "missing"));
    assert_null(lando_request_context(req, ""));
    assert_string_equal(lando_ctx_request_id(ctx), "r-1");
    json_decref(rc);
}

static const char *
lookup(void *opaque, lando_ctx_t *ctx, const char *key)
{
    return strcmp(key, "http.sourceIp") == 0 ? opaque : NULL;
}

T_APP_TEST(request_source_ip_comes_from_context_or_forwarded_for)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_request_t *req = lando_req(ctx);

    assert_null(lando_request_source_ip(req));
    lando_request_set_context_lookup(req, lookup, "203.0.113.9");
    assert_string_equal(lando_request_source_ip(req), "203.0.113.9");

    ctx = t_begin(app, "GET", "/");
    req = lando_req(ctx);
    t_header(ctx, "X-Forwarded-For", "10.0.0.1, 10.0.0.2");
    t_header(ctx, "X-Forwarded-For", "198.51.100.1 , 192.0.2.7 ");
    assert_string_equal(lando_request_source_ip(req), "192.0.2.7");
}

T_APP_TEST(request_builders_copy_and_keep_the_raw_path)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_request_t *req = lando_req(ctx);
    char path[] = "/prod/users";
    size_t len = 1;

    assert_string_equal(lando_request_path(req), "/");
    assert_string_equal(lando_request_raw_query(req), "");
    assert_null(lando_request_stage(req));
    assert_string_equal(lando_request_body(req, &len), "");
    assert_int_equal(len, 0);

    assert_int_equal(lando_request_set_path(req, path), LANDO_OK);
    path[1] = 'X';
    assert_int_equal(lando_request_set_routed_path(req, "/users"), LANDO_OK);
    assert_string_equal(lando_request_path(req), "/users");
    assert_string_equal(lando_request_raw_path(req), "/prod/users");
    assert_int_equal(lando_request_set_stage(req, "prod"), LANDO_OK);
    assert_string_equal(lando_request_stage(req), "prod");
    assert_int_equal(lando_request_add_stage_var(req, "db", "main"),
                     LANDO_OK);
    assert_string_equal(lando_fields_get(lando_request_stage_vars(req),
                                         "db"),
                        "main");
    assert_int_equal(lando_request_set_method(req, NULL), LANDO_EINVAL);
    assert_int_equal(lando_request_set_path(req, NULL), LANDO_EINVAL);
    assert_ptr_equal(lando_request_ctx(req), ctx);

    assert_int_equal(lando_request_set_body(req, "a\0b", 3, false),
                     LANDO_OK);
    assert_memory_equal(lando_request_body(req, &len), "a\0b", 3);
    assert_int_equal(len, 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            request_headers_are_multi_valued_and_found_in_any_case),
        cmocka_unit_test(request_query_is_decoded_and_keeps_repeated_names),
        cmocka_unit_test(request_parses_cookies_from_every_cookie_header),
        cmocka_unit_test(request_without_cookies_has_an_empty_list),
        cmocka_unit_test(
            request_json_accepts_json_with_parameters_and_plus_json),
        cmocka_unit_test(request_json_refuses_other_content_types_with_415),
        cmocka_unit_test(request_json_reports_where_a_malformed_body_breaks),
        cmocka_unit_test(request_json_does_not_stop_at_a_nul_byte),
        cmocka_unit_test(
            request_json_is_parsed_once_and_any_value_is_accepted),
        cmocka_unit_test(request_json_decodes_a_body_still_in_base64),
        cmocka_unit_test(request_form_decodes_fields),
        cmocka_unit_test(request_form_refuses_bad_escapes_and_other_types),
        cmocka_unit_test(request_context_reads_dotted_keys_from_json),
        cmocka_unit_test(
            request_source_ip_comes_from_context_or_forwarded_for),
        cmocka_unit_test(request_builders_copy_and_keep_the_raw_path),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
