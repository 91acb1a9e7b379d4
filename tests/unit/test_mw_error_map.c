/*
 * The error_map middleware through a real app: the documented JSON body,
 * no internals in 5xx answers unless in debug mode, the application's own
 * mappings, a custom not-found handler and formatter, and the failure
 * left readable for logging.
 */
#include <string.h>

#include <lando/mw/error_map.h>

#include "support.h"

enum { E_QUOTA = LANDO_EUSER + 1, E_GONE, E_PLAIN };

static lando_err_t
fail_bad_request(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, LANDO_EBADREQUEST, "missing field %s", "name");
}

static lando_err_t
fail_internal(lando_ctx_t *ctx, void *data)
{
    lando_fail(ctx, LANDO_EINTERNAL, "query failed: password=hunter2");
    lando_fail_detail(ctx, "pq: connection to 10.0.0.5 refused");
    return LANDO_EINTERNAL;
}

static lando_err_t
fail_unavailable(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, LANDO_EUNAVAILABLE, "redis at 10.0.0.7 is down");
}

static lando_err_t
fail_quota(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, E_QUOTA, "user 42 used 1001 of 1000");
}

static lando_err_t
fail_gone(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, E_GONE, "user 42 was deleted");
}

static lando_err_t
fail_plain_user(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, E_PLAIN, "secret internals");
}

static lando_err_t
fail_user_404(lando_ctx_t *ctx, void *data)
{
    return lando_fail_status(ctx, E_PLAIN, 404, "no such thing");
}

static lando_err_t
fail_quota_429(lando_ctx_t *ctx, void *data)
{
    return lando_fail_status(ctx, E_QUOTA, 429, "slow down");
}

static lando_err_t
return_conflict(lando_ctx_t *ctx, void *data)
{
    return LANDO_ECONFLICT;
}

static lando_err_t
fail_after_writing(lando_ctx_t *ctx, void *data)
{
    lando_response_t *res = lando_res(ctx);

    lando_response_set_header(res, "X-Trace", "kept");
    lando_response_send(res, 200, "text/html", "<p>half", 7);
    lando_response_set_header(res, "Content-Encoding", "gzip");
    lando_response_set_body_mode(res, LANDO_BODY_BINARY);
    return lando_fail(ctx, LANDO_EFORBIDDEN, NULL);
}

static lando_err_t
fail_not_utf8(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, LANDO_EBADREQUEST, "bad byte \xff here");
}

static lando_err_t
reply(lando_ctx_t *ctx, void *data)
{
    return lando_response_text(lando_res(ctx), 201, "made");
}

static lando_app_t *
app_with(const lando_error_map_options_t *opts)
{
    static const struct {
        const char *method;
        const char *path;
        lando_handler_fn fn;
    } routes[] = {
        {"GET", "/bad", fail_bad_request},
        {"GET", "/internal", fail_internal},
        {"GET", "/unavailable", fail_unavailable},
        {"GET", "/quota", fail_quota},
        {"GET", "/quota429", fail_quota_429},
        {"GET", "/gone", fail_gone},
        {"GET", "/plain", fail_plain_user},
        {"GET", "/user404", fail_user_404},
        {"GET", "/conflict", return_conflict},
        {"GET", "/half", fail_after_writing},
        {"GET", "/utf8", fail_not_utf8},
        {"POST", "/things", reply},
    };
    lando_app_t *app = t_app_new();
    lando_mw_t mw;
    size_t i;

    assert_int_equal(lando_mw_error_map(opts, &mw), LANDO_OK);
    assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        assert_int_equal(lando_app_route(app, routes[i].method,
                                         routes[i].path, routes[i].fn,
                                         NULL),
                         LANDO_OK);
    }
    return app;
}

/* Serve METHOD PATH; lando_app_handle() must report success, since
 * error_map answered any failure. */
static lando_ctx_t *
serve(lando_app_t *app, const char *method, const char *path)
{
    lando_ctx_t *ctx = t_begin(app, method, path);

    assert_int_equal(lando_app_handle(app, ctx), LANDO_OK);
    return ctx;
}

/* The "error" object of the body; the caller decrefs *ROOT. */
static json_t *
error_of(lando_ctx_t *ctx, json_t **root)
{
    json_t *err;

    *root = json_loads(t_body_str(ctx), 0, NULL);
    assert_non_null(*root);
    err = json_object_get(*root, "error");
    assert_true(json_is_object(err));
    return err;
}

static void
assert_error_body(lando_ctx_t *ctx, int status, const char *slug,
                  const char *message)
{
    json_t *root;
    json_t *err = error_of(ctx, &root);

    assert_int_equal(lando_response_status(lando_res(ctx)), status);
    assert_int_equal(json_integer_value(json_object_get(err, "status")),
                     status);
    assert_string_equal(json_string_value(json_object_get(err, "code")),
                        slug);
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        message);
    assert_null(json_object_get(err, "detail"));
    assert_int_equal(json_object_size(err), 3);
    json_decref(root);
}

static void
error_map_answers_with_the_json_body_and_keeps_the_failure(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/bad");
    const lando_error_t *e;

    assert_error_body(ctx, 400, "bad_request", "missing field name");
    assert_true(strncmp(lando_response_header(lando_res(ctx),
                                              "Content-Type"),
                        "application/json", 16) == 0);
    e = lando_ctx_error(ctx);
    assert_non_null(e);
    assert_int_equal(e->code, LANDO_EBADREQUEST);
    t_app_free(app);
}

static void
error_map_hides_a_500s_message_and_detail_by_default(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/internal");

    assert_error_body(ctx, 500, "internal_error", "internal error");
    assert_null(strstr(t_body_str(ctx), "hunter2"));
    assert_null(strstr(t_body_str(ctx), "10.0.0.5"));
    /* Logging still finds the real text. */
    assert_string_equal(lando_ctx_error(ctx)->detail,
                        "pq: connection to 10.0.0.5 refused");
    t_app_free(app);
}

static void
error_map_shows_message_and_detail_in_debug_mode(void **state)
{
    lando_error_map_options_t opts = {.debug = true};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = serve(app, "GET", "/internal");
    json_t *root;
    json_t *err = error_of(ctx, &root);

    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        "query failed: password=hunter2");
    assert_string_equal(json_string_value(json_object_get(err, "detail")),
                        "pq: connection to 10.0.0.5 refused");
    json_decref(root);
    t_app_free(app);
}

static void
error_map_keeps_the_tables_text_for_503_but_not_the_handlers(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/unavailable");

    assert_error_body(ctx, 503, "unavailable", "service unavailable");
    t_app_free(app);
}

static void
error_map_uses_the_configured_internal_message(void **state)
{
    lando_error_map_options_t opts = {.internal_message = "try again"};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = serve(app, "GET", "/internal");

    assert_error_body(ctx, 500, "internal_error", "try again");
    t_app_free(app);
}

static void
error_map_presents_the_applications_codes_by_its_mappings(void **state)
{
    const lando_error_mapping_t maps[] = {
        {E_QUOTA, 409, "quota_exceeded", "quota exceeded"},
        {E_GONE, 410, NULL, NULL},
    };
    lando_error_map_options_t opts = {.mappings = maps, .mapping_count = 2};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = serve(app, "GET", "/quota");

    assert_error_body(ctx, 409, "quota_exceeded", "quota exceeded");
    ctx = serve(app, "GET", "/gone");
    assert_error_body(ctx, 410, "gone", "user 42 was deleted");
    /* An explicit status at the failure site wins over the mapping's. */
    ctx = serve(app, "GET", "/quota429");
    assert_error_body(ctx, 429, "quota_exceeded", "quota exceeded");
    t_app_free(app);
}

static void
error_map_answers_unmapped_user_codes_without_their_text(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/plain");

    assert_error_body(ctx, 500, "internal_error", "internal error");
    ctx = serve(app, "GET", "/user404");
    assert_error_body(ctx, 404, "not_found", "no such thing");
    t_app_free(app);
}

static void
error_map_answers_a_code_returned_without_lando_fail(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/conflict");

    assert_error_body(ctx, 409, "conflict", "conflict with the current state");
    assert_int_equal(lando_ctx_error(ctx)->code, LANDO_ECONFLICT);
    t_app_free(app);
}

static void
error_map_answers_404_and_405_with_allow(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/nowhere");

    assert_error_body(ctx, 404, "not_found", "no route matches the path");
    ctx = serve(app, "DELETE", "/things");
    assert_int_equal(lando_response_status(lando_res(ctx)), 405);
    assert_non_null(strstr(lando_response_header(lando_res(ctx), "Allow"),
                           "POST"));
    t_app_free(app);
}

static void
error_map_replaces_a_partial_body_and_what_described_it(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/half");
    lando_response_t *res = lando_res(ctx);

    assert_error_body(ctx, 403, "forbidden", "access denied");
    assert_null(lando_response_header(res, "Content-Encoding"));
    assert_string_equal(lando_response_header(res, "X-Trace"), "kept");
    assert_int_equal(lando_fields_count_of(lando_response_headers(res),
                                           "Content-Type"),
                     1);
    assert_false(lando_response_is_binary(res));
    t_app_free(app);
}

static void
error_map_falls_back_to_the_tables_text_for_non_utf8_messages(
    void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "GET", "/utf8");

    assert_error_body(ctx, 400, "bad_request", "malformed request");
    t_app_free(app);
}

static void
error_map_leaves_successful_answers_alone(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = serve(app, "POST", "/things");

    assert_int_equal(lando_response_status(lando_res(ctx)), 201);
    assert_string_equal(t_body_str(ctx), "made");
    assert_null(lando_ctx_error(ctx));
    t_app_free(app);
}

static int not_found_calls;

static lando_err_t
custom_not_found(lando_ctx_t *ctx, void *data)
{
    not_found_calls++;
    return lando_response_text(lando_res(ctx), 404, data);
}

static lando_err_t
failing_not_found(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, LANDO_EUNAVAILABLE, NULL);
}

static void
error_map_calls_the_custom_not_found_handler(void **state)
{
    lando_error_map_options_t opts = {.not_found = custom_not_found,
                                      .not_found_data = "nothing here"};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = serve(app, "GET", "/nowhere");

    assert_int_equal(lando_response_status(lando_res(ctx)), 404);
    assert_string_equal(t_body_str(ctx), "nothing here");
    assert_int_equal(not_found_calls, 1);

    /* Other failures do not reach it. */
    ctx = serve(app, "GET", "/bad");
    assert_int_equal(lando_response_status(lando_res(ctx)), 400);
    assert_int_equal(not_found_calls, 1);
    t_app_free(app);

    opts.not_found = failing_not_found;
    app = app_with(&opts);
    ctx = serve(app, "GET", "/nowhere");
    assert_error_body(ctx, 503, "unavailable", "service unavailable");
    t_app_free(app);
}

static lando_err_t
plain_formatter(lando_ctx_t *ctx, const lando_error_info_t *info,
                void *data)
{
    char *text;

    if (info->status == 409) {
        return LANDO_EINTERNAL; /* decline: the default body follows */
    }
    text = lando_ctx_sprintf(ctx, "%s%d %s: %s", (const char *)data,
                             info->status, info->slug, info->message);
    return lando_response_text(lando_res(ctx), info->status, text);
}

static void
error_map_uses_a_custom_formatter_and_falls_back_when_it_fails(
    void **state)
{
    lando_error_map_options_t opts = {.format = plain_formatter,
                                      .format_data = "E"};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = serve(app, "GET", "/internal");

    assert_int_equal(lando_response_status(lando_res(ctx)), 500);
    assert_string_equal(t_body_str(ctx), "E500 internal_error: internal "
                                         "error");
    ctx = serve(app, "GET", "/conflict");
    assert_error_body(ctx, 409, "conflict",
                      "conflict with the current state");
    t_app_free(app);
}

/* What the default body was before it was written by hand: jansson's
 * compact dump, a text that is not UTF-8 replaced by its stand-in. */
static char *
jansson_body(const lando_error_info_t *info)
{
    json_t *inner = json_object();
    json_t *outer = json_object();
    json_t *slug = json_string(info->slug);
    json_t *message = json_string(info->message);
    char *text;

    json_object_set_new(inner, "status", json_integer(info->status));
    json_object_set_new(inner, "code", slug ? slug : json_string("error"));
    json_object_set_new(inner, "message",
                        message ? message
                                : json_string(lando_strerror(info->code)));
    if (info->detail) {
        json_t *detail = json_string(info->detail);

        json_object_set_new(inner, "detail",
                            detail ? detail : json_string("(not UTF-8)"));
    }
    json_object_set_new(outer, "error", inner);
    text = json_dumps(outer, JSON_COMPACT);
    json_decref(outer);
    return text;
}

static void
assert_written_like_jansson(lando_app_t *app, const lando_error_info_t *info)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    char *expected = jansson_body(info);
    json_malloc_t jmalloc;
    json_free_t jfree;
    size_t len;
    const char *body;

    json_get_alloc_funcs(&jmalloc, &jfree);
    assert_non_null(expected);
    assert_int_equal(lando_error_map_write(ctx, info), LANDO_OK);
    body = lando_response_body(lando_res(ctx), &len);
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(body, expected, len);
    assert_string_equal(lando_response_header(lando_res(ctx), "Content-Type"),
                        "application/json");
    jfree(expected);
}

static void
error_map_writes_the_bytes_jansson_would_dump(void **state)
{
    static const char *const texts[] = {
        "plain",
        "",
        "quote \" backslash \\ slash / tab \t nl \n cr \r",
        "\b\f\x01\x1f\x7f controls",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8",
        "bad \xff byte",
        "overlong \xc0\xaf",
        "surrogate \xed\xa0\x80",
        "too high \xf4\x90\x80\x80",
        "cut \xe2\x82",
    };
    static const int statuses[] = {404, 500, 0, -7, 2147483647};
    lando_app_t *app = t_app_new();
    char all[128];
    size_t i, j;

    for (i = 1; i < sizeof(all); i++) {
        all[i - 1] = (char)i;
    }
    all[sizeof(all) - 1] = '\0';

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        for (j = 0; j < sizeof(statuses) / sizeof(statuses[0]); j++) {
            lando_error_info_t info = {
                .code = LANDO_ENOTFOUND,
                .status = statuses[j],
                .slug = j % 2 ? texts[i] : "not_found",
                .message = texts[i],
                .detail = j % 3 ? texts[i] : NULL,
            };

            assert_written_like_jansson(app, &info);
        }
    }
    {
        lando_error_info_t info = {.code = LANDO_EBADREQUEST,
                                   .status = 400,
                                   .slug = all,
                                   .message = all,
                                   .detail = all};

        assert_written_like_jansson(app, &info);
    }
    t_app_free(app);
}

static void
error_map_refuses_bad_mappings(void **state)
{
    const lando_error_mapping_t zero[] = {{LANDO_OK, 400, NULL, NULL}};
    const lando_error_mapping_t status[] = {{E_QUOTA, 302, NULL, NULL}};
    lando_mw_t mw;
    long before = t_alloc_live();

    assert_int_equal(lando_mw_error_map(&(lando_error_map_options_t){
                                            .mappings = zero,
                                            .mapping_count = 1},
                                        &mw),
                     LANDO_EINVAL);
    assert_int_equal(lando_mw_error_map(&(lando_error_map_options_t){
                                            .mappings = status,
                                            .mapping_count = 1},
                                        &mw),
                     LANDO_EINVAL);
    assert_int_equal(lando_mw_error_map(&(lando_error_map_options_t){
                                            .mapping_count = 1},
                                        &mw),
                     LANDO_EINVAL);
    assert_int_equal(lando_mw_error_map(NULL, NULL), LANDO_EINVAL);
    assert_int_equal(t_alloc_live(), before);
}

static void
error_map_constructor_survives_every_failed_allocation(void **state)
{
    const lando_error_mapping_t maps[] = {
        {E_QUOTA, 409, "quota_exceeded", "quota exceeded"},
        {E_GONE, 410, NULL, "gone"},
    };
    lando_error_map_options_t opts = {.mappings = maps, .mapping_count = 2,
                                      .internal_message = "oops"};
    lando_mw_t mw;
    long before = t_alloc_live();
    lando_err_t err = LANDO_ENOMEM;
    long n;

    for (n = 0; err == LANDO_ENOMEM; n++) {
        t_alloc_fail_at(n);
        err = lando_mw_error_map(&opts, &mw);
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
            error_map_answers_with_the_json_body_and_keeps_the_failure),
        cmocka_unit_test(
            error_map_hides_a_500s_message_and_detail_by_default),
        cmocka_unit_test(error_map_shows_message_and_detail_in_debug_mode),
        cmocka_unit_test(
            error_map_keeps_the_tables_text_for_503_but_not_the_handlers),
        cmocka_unit_test(error_map_uses_the_configured_internal_message),
        cmocka_unit_test(
            error_map_presents_the_applications_codes_by_its_mappings),
        cmocka_unit_test(
            error_map_answers_unmapped_user_codes_without_their_text),
        cmocka_unit_test(error_map_answers_a_code_returned_without_lando_fail),
        cmocka_unit_test(error_map_answers_404_and_405_with_allow),
        cmocka_unit_test(
            error_map_replaces_a_partial_body_and_what_described_it),
        cmocka_unit_test(
            error_map_falls_back_to_the_tables_text_for_non_utf8_messages),
        cmocka_unit_test(error_map_leaves_successful_answers_alone),
        cmocka_unit_test(error_map_calls_the_custom_not_found_handler),
        cmocka_unit_test(
            error_map_uses_a_custom_formatter_and_falls_back_when_it_fails),
        cmocka_unit_test(error_map_writes_the_bytes_jansson_would_dump),
        cmocka_unit_test(error_map_refuses_bad_mappings),
        cmocka_unit_test(
            error_map_constructor_survives_every_failed_allocation),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
