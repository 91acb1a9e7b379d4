/*
 * The app through its public API: registration and its errors, the
 * freeze, the invocation life cycle, 404 against 405, OPTIONS and HEAD,
 * prefix stripping and the standard error response.
 */
#include <string.h>

#include "support.h"

static lando_err_t
reply_param(lando_ctx_t *ctx, void *data)
{
    const char *v = lando_request_param(lando_req(ctx), data);

    return lando_response_text(lando_res(ctx), 200, v ? v : "(none)");
}

static lando_err_t
fail_plain(lando_ctx_t *ctx, void *data)
{
    return LANDO_ECONFLICT;
}

static lando_err_t
fail_with_message(lando_ctx_t *ctx, void *data)
{
    lando_response_set_header(lando_res(ctx), "X-Trace", "kept");
    lando_response_text(lando_res(ctx), 200, "partial body");
    lando_fail(ctx, LANDO_EVALIDATION, "field %s is missing", "name");
    lando_fail_detail(ctx, "checked by %s", "schema");
    return LANDO_EVALIDATION;
}

static lando_err_t
store_and_fail(lando_ctx_t *ctx, void *data)
{
    char *v = lando_ctx_strdup(ctx, "from the first invocation");

    assert_non_null(v);
    assert_int_equal(lando_ctx_set(ctx, "k", v), LANDO_OK);
    return lando_fail(ctx, LANDO_EBADREQUEST, "first");
}

static lando_err_t
check_clean(lando_ctx_t *ctx, void *data)
{
    assert_null(lando_ctx_get(ctx, "k"));
    assert_null(lando_ctx_error(ctx));
    return lando_response_text(lando_res(ctx), 200, "clean");
}

T_APP_TEST(app_answers_the_matching_route_with_its_parameter)
{
    lando_ctx_t *ctx;

    assert_int_equal(lando_app_route(app, "GET", "/users/{id}", reply_param,
                                     "id"),
                     LANDO_OK);
    ctx = t_begin(app, "GET", "/users/42");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "42");
    assert_string_equal(lando_ctx_route(ctx), "/users/{id}");
    assert_ptr_equal(lando_ctx_matched_route(ctx), lando_app_route_at(app, 0));
}

T_APP_TEST(app_answers_404_when_no_route_matches_the_path)
{
    lando_ctx_t *ctx;

    lando_app_route(app, "GET", "/users", t_reply, NULL);
    ctx = t_begin(app, "GET", "/nothing");
    assert_int_equal(lando_app_handle(app, ctx), LANDO_ENOTFOUND);
    assert_int_equal(lando_response_status(lando_res(ctx)), 404);
    assert_null(lando_response_header(lando_res(ctx), "Allow"));
    assert_string_equal(t_body_str(ctx),
                        "{\"error\":{\"status\":404,\"code\":\"not_found\","
                        "\"message\":\"no route matches the path\"}}");
    assert_null(lando_ctx_route(ctx));
}

T_APP_TEST(app_answers_405_with_the_exact_allow_list)
{
    lando_ctx_t *ctx;

    lando_app_route(app, "GET", "/users/{id}", t_reply, NULL);
    lando_app_route(app, "DELETE", "/users/{id}", t_reply, NULL);
    lando_app_route(app, "POST", "/users", t_reply, NULL);

    ctx = t_begin(app, "PUT", "/users/7");
    assert_int_equal(lando_app_handle(app, ctx), LANDO_EMETHOD);
    assert_int_equal(lando_response_status(lando_res(ctx)), 405);
    assert_string_equal(lando_response_header(lando_res(ctx), "Allow"),
                        "GET, HEAD, DELETE, OPTIONS");
    assert_string_equal(lando_response_header(lando_res(ctx),
                                              "Content-Type"),
                        "application/json");
    assert_non_null(strstr(t_body_str(ctx), "\"method_not_allowed\""));

    ctx = t_begin(app, "GET", "/users");
    assert_int_equal(t_handle(ctx), 405);
    assert_string_equal(lando_response_header(lando_res(ctx), "Allow"),
                        "POST, OPTIONS");
}

T_APP_TEST(app_answers_options_without_a_route_with_204_and_allow)
{
    lando_ctx_t *ctx;

    lando_app_route(app, "GET", "/items", t_reply, NULL);
    lando_app_route(app, "POST", "/items", t_reply, NULL);
    ctx = t_begin(app, "OPTIONS", "/items");
    assert_int_equal(lando_app_handle(app, ctx), LANDO_OK);
    assert_int_equal(lando_response_status(lando_res(ctx)), 204);
    assert_string_equal(lando_response_header(lando_res(ctx), "Allow"),
                        "GET, HEAD, POST, OPTIONS");
    assert_string_equal(t_body_str(ctx), "");

    /* OPTIONS on an unknown path is still a 404. */
    ctx = t_begin(app, "OPTIONS", "/nothing");
    assert_int_equal(t_handle(ctx), 404);
}

T_APP_TEST(app_drops_the_body_of_a_head_request)
{
    lando_ctx_t *ctx;
    size_t len = 99;

    lando_app_route(app, "GET", "/doc", t_reply, "a body");
    ctx = t_begin(app, "HEAD", "/doc");
    assert_int_equal(t_handle(ctx), 200);
    lando_response_body(lando_res(ctx), &len);
    assert_int_equal(len, 0);
    assert_string_equal(lando_response_header(lando_res(ctx),
                                              "Content-Type"),
                        "text/plain; charset=utf-8");

    /* Also the body of an error. */
    ctx = t_begin(app, "HEAD", "/missing");
    assert_int_equal(t_handle(ctx), 404);
    lando_response_body(lando_res(ctx), &len);
    assert_int_equal(len, 0);
}

T_APP_TEST(app_error_response_keeps_headers_and_replaces_status_and_body)
{
    lando_ctx_t *ctx;
    const lando_error_t *e;

    lando_app_route(app, "POST", "/things", fail_with_message, NULL);
    ctx = t_begin(app, "POST", "/things");
    assert_int_equal(lando_app_handle(app, ctx), LANDO_EVALIDATION);
    assert_int_equal(lando_response_status(lando_res(ctx)), 422);
    assert_string_equal(lando_response_header(lando_res(ctx), "X-Trace"),
                        "kept");
    assert_string_equal(lando_response_header(lando_res(ctx),
                                              "Content-Type"),
                        "application/json");
    assert_int_equal(lando_fields_count_of(lando_response_headers(
                                               lando_res(ctx)),
                                           "content-type"),
                     1);
    assert_string_equal(t_body_str(ctx),
                        "{\"error\":{\"status\":422,"
                        "\"code\":\"validation_failed\","
                        "\"message\":\"field name is missing\"}}");

    e = lando_ctx_error(ctx);
    assert_non_null(e);
    assert_int_equal(e->code, LANDO_EVALIDATION);
    assert_string_equal(e->detail, "checked by schema");

    /* With detail, as error_map in debug mode asks for it. */
    assert_int_equal(lando_error_respond(ctx, true), LANDO_OK);
    assert_string_equal(t_body_str(ctx),
                        "{\"error\":{\"status\":422,"
                        "\"code\":\"validation_failed\","
                        "\"message\":\"field name is missing\","
                        "\"detail\":\"checked by schema\"}}");
}

T_APP_TEST(app_gives_a_bare_error_code_the_message_of_the_table)
{
    lando_ctx_t *ctx;

    lando_app_route(app, "PUT", "/x", fail_plain, NULL);
    ctx = t_begin(app, "PUT", "/x");
    assert_int_equal(t_handle(ctx), 409);
    assert_string_equal(t_body_str(ctx),
                        "{\"error\":{\"status\":409,\"code\":\"conflict\","
                        "\"message\":\"conflict with the current state\"}}");
}

T_APP_TEST(app_error_respond_without_a_failure_changes_nothing)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");

    lando_response_text(lando_res(ctx), 201, "fine");
    assert_int_equal(lando_error_respond(ctx, false), LANDO_EINVAL);
    assert_int_equal(lando_response_status(lando_res(ctx)), 201);
    assert_string_equal(t_body_str(ctx), "fine");
}

T_APP_TEST(app_error_message_that_is_not_utf8_still_gives_valid_json)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    json_t *body;

    lando_fail(ctx, LANDO_EBADREQUEST, "bad byte \xff here");
    assert_int_equal(lando_error_respond(ctx, false), LANDO_OK);
    body = json_loads(t_body_str(ctx), 0, NULL);
    assert_non_null(body);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(body, "error"),
                                          "message")),
        "bad byte ? here");
    json_decref(body);
}

T_APP_TEST(app_clears_store_error_and_arena_between_invocations)
{
    lando_ctx_t *ctx;

    lando_app_route(app, "GET", "/one", store_and_fail, NULL);
    lando_app_route(app, "GET", "/two", check_clean, NULL);

    ctx = t_begin(app, "GET", "/one");
    assert_int_equal(t_handle(ctx), 400);
    assert_non_null(lando_ctx_get(ctx, "k"));
    t_header(ctx, "X-Old", "1");

    ctx = t_begin(app, "GET", "/two");
    assert_null(lando_request_header(lando_req(ctx), "X-Old"));
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "clean");
    assert_null(lando_response_header(lando_res(ctx), "X-Old"));
    assert_int_equal(lando_app_invocations(app), 2);
    assert_false(lando_ctx_cold_start(ctx));
}

T_APP_TEST(app_names_both_routes_of_a_conflict)
{

    assert_int_equal(lando_app_route(app, "GET", "/users/{id}", t_reply,
                                     NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "get", "/users/{name}", t_reply,
                                     NULL),
                     LANDO_EEXIST);
    assert_string_equal(lando_app_last_error(app),
                        "GET /users/{name} conflicts with GET /users/{id}");
    assert_int_equal(lando_app_route(app, "GET", "/users/{slug}/posts",
                                     t_reply, NULL),
                     LANDO_EAMBIGUOUS);
    assert_non_null(strstr(lando_app_last_error(app), "/users/{id}"));
    assert_int_equal(lando_app_route_count(app), 1);
}

T_APP_TEST(app_refuses_malformed_patterns)
{
    static const char *const bad[] = {
        "users",     "/a/{id",       "/a/x{id}",    "/a/{}",
        "/a/{+}",    "/{p+}/more",   "/{p+}/",      "/a/{id}/{id}",
        "/a//b",     "/a/{i d}",     "/a/}",        "/{a}/{a+}",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(lando_app_route(app, "GET", bad[i], t_reply, NULL),
                         LANDO_EPATTERN);
        assert_true(strlen(lando_app_last_error(app)) > 0);
    }
    assert_int_equal(lando_app_route(app, "G ET", "/a", t_reply, NULL),
                     LANDO_EINVAL);
    assert_int_equal(lando_app_route(app, "GET", "/a", NULL, NULL),
                     LANDO_EINVAL);
    assert_int_equal(lando_app_route_count(app), 0);
    assert_int_equal(lando_app_route(app, "GET", "/files/{path+}", t_reply,
                                     NULL),
                     LANDO_OK);
}

static int freed_states;

static void
count_free(void *state)
{
    freed_states++;
}

static lando_err_t
pass(lando_ctx_t *ctx, void *state)
{
    return lando_next(ctx);
}

T_APP_TEST(app_refuses_registration_after_the_first_invocation)
{
    lando_mw_t mw = {"counted", pass, NULL, count_free};
    lando_route_t *r = NULL;
    lando_group_t *g = NULL;
    lando_ctx_t *ctx;

    assert_int_equal(lando_group_route(lando_app_root(app), "GET", "/a",
                                       t_reply, NULL, &r),
                     LANDO_OK);
    ctx = t_begin(app, "GET", "/a");
    assert_int_equal(t_handle(ctx), 200);

    freed_states = 0;
    assert_int_equal(lando_app_route(app, "GET", "/b", t_reply, NULL),
                     LANDO_EFROZEN);
    assert_int_equal(lando_app_use(app, mw), LANDO_EFROZEN);
    assert_int_equal(lando_route_use(r, mw), LANDO_EFROZEN);
    assert_int_equal(lando_group_use(lando_app_root(app), mw),
                     LANDO_EFROZEN);
    assert_int_equal(freed_states, 3);
    assert_int_equal(lando_group_new(lando_app_root(app), "/v2", &g),
                     LANDO_EFROZEN);
    assert_null(g);
    assert_int_equal(lando_route_set_attr(r, "k", "v"), LANDO_EFROZEN);
    assert_int_equal(lando_app_strip_prefix(app, "/api"), LANDO_EFROZEN);
}

static void
app_takes_over_middleware_state_even_when_refusing_it(void **state)
{
    lando_app_t *app = t_app_new();
    lando_mw_t no_fn = {"broken", NULL, NULL, count_free};
    lando_mw_t good = {"good", pass, NULL, count_free};

    freed_states = 0;
    assert_int_equal(lando_app_use(app, no_fn), LANDO_EINVAL);
    assert_int_equal(freed_states, 1);
    assert_int_equal(lando_app_use(app, good), LANDO_OK);
    assert_int_equal(freed_states, 1);
    /* The app frees what it took over. */
    t_app_free(app);
    assert_int_equal(freed_states, 2);
}

T_APP_TEST(app_strips_the_longest_prefix_at_a_segment_boundary)
{
    lando_ctx_t *ctx;

    assert_int_equal(lando_app_strip_prefix(app, "/api"), LANDO_OK);
    assert_int_equal(lando_app_strip_prefix(app, "/api/v1/"), LANDO_OK);
    assert_int_equal(lando_app_strip_prefix(app, "api"), LANDO_EPATTERN);
    assert_int_equal(lando_app_strip_prefix(app, "/"), LANDO_EPATTERN);
    lando_app_route(app, "GET", "/users", t_reply, "users");
    lando_app_route(app, "GET", "/v1/users", t_reply, "v1");
    lando_app_route(app, "GET", "/", t_reply, "root");
    lando_app_route(app, "GET", "/apiary", t_reply, "apiary");

    ctx = t_begin(app, "GET", "/api/v1/users");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "users");
    assert_string_equal(lando_request_path(lando_req(ctx)), "/users");
    assert_string_equal(lando_request_raw_path(lando_req(ctx)),
                        "/api/v1/users");

    ctx = t_begin(app, "GET", "/api");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "root");

    ctx = t_begin(app, "GET", "/apiary");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "apiary");
}

T_APP_TEST(app_prefixes_group_routes_and_nests_groups)
{
    lando_group_t *v1 = NULL, *admin = NULL;
    lando_route_t *r = NULL;
    lando_ctx_t *ctx;

    assert_int_equal(lando_group_new(lando_app_root(app), "/v1/", &v1),
                     LANDO_OK);
    assert_int_equal(lando_group_new(v1, "/admin", &admin), LANDO_OK);
    assert_int_equal(lando_group_new(v1, "v2", &admin), LANDO_EPATTERN);
    assert_int_equal(lando_group_new(v1, "/admin", &admin), LANDO_OK);
    assert_int_equal(lando_group_route(admin, "post", "/users/{id}",
                                       reply_param, "id", &r),
                     LANDO_OK);
    assert_string_equal(lando_route_pattern(r), "/v1/admin/users/{id}");
    assert_string_equal(lando_route_method(r), "POST");
    assert_int_equal(lando_group_route(v1, "GET", "", t_reply, "v1 root",
                                       NULL),
                     LANDO_OK);

    ctx = t_begin(app, "POST", "/v1/admin/users/a%20b");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "a b");

    ctx = t_begin(app, "GET", "/v1");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "v1 root");
}

T_APP_TEST(app_routes_any_method_to_an_any_route)
{
    lando_ctx_t *ctx;

    lando_app_route(app, "ANY", "/hook", t_reply, "any");
    lando_app_route(app, "POST", "/hook", t_reply, "post");
    ctx = t_begin(app, "PROPFIND", "/hook");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "any");
    ctx = t_begin(app, "post", "/hook");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(t_body_str(ctx), "post");
}

T_APP_TEST(app_reads_route_attributes_and_lists_routes)
{
    lando_route_t *r = NULL;
    lando_ctx_t *ctx;

    lando_app_route(app, "GET", "/a", t_reply, NULL);
    lando_group_route(lando_app_root(app), "GET", "/b", t_reply, NULL, &r);
    assert_int_equal(lando_route_set_attr(r, "cors", "on"), LANDO_OK);
    assert_int_equal(lando_route_set_attr(r, "cors", "off"), LANDO_OK);
    assert_string_equal(lando_route_attr(r, "cors"), "off");
    assert_null(lando_route_attr(r, "other"));
    assert_int_equal(lando_app_route_count(app), 2);
    assert_string_equal(lando_route_pattern(lando_app_route_at(app, 0)),
                        "/a");
    assert_ptr_equal(lando_app_route_at(app, 1), r);
    assert_null(lando_app_route_at(app, 2));

    ctx = t_begin(app, "GET", "/b");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(lando_ctx_route_attr(ctx, "cors"), "off");
    assert_ptr_equal(lando_app_route_at(app, 1), r);
}

static const char *
fake_field(void *opaque, lando_ctx_t *ctx, lando_lambda_field_t field)
{
    int *calls = opaque;

    (*calls)++;
    return field == LANDO_LAMBDA_REQUEST_ID ? "lambda-id" : NULL;
}

static int64_t
fake_remaining(void *opaque)
{
    return 1234;
}

T_APP_TEST(app_reads_the_lambda_context_once_per_invocation)
{
    static const lando_lambda_ops_t ops = {fake_field, fake_remaining};
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    json_t *rc = json_pack("{s:s}", "requestId", "event-id");
    int calls = 0;

    assert_non_null(rc);
    assert_int_equal(lando_ctx_remaining_ms(ctx), -1);
    lando_request_set_context_json(lando_req(ctx), rc);
    assert_string_equal(lando_ctx_request_id(ctx), "event-id");

    lando_ctx_set_lambda(ctx, &ops, &calls);
    assert_string_equal(lando_ctx_request_id(ctx), "lambda-id");
    assert_string_equal(lando_ctx_request_id(ctx), "lambda-id");
    assert_null(lando_ctx_lambda(ctx, LANDO_LAMBDA_LOG_GROUP));
    assert_null(lando_ctx_lambda(ctx, LANDO_LAMBDA_LOG_GROUP));
    assert_null(lando_ctx_lambda(ctx, (lando_lambda_field_t)99));
    assert_int_equal(calls, 2);
    assert_int_equal(lando_ctx_remaining_ms(ctx), 1234);

    ctx = t_begin(app, "GET", "/");
    assert_string_equal(lando_ctx_request_id(ctx), "lambda-id");
    assert_int_equal(calls, 3);
    lando_ctx_set_lambda(ctx, NULL, NULL);
    json_decref(rc);
}

T_APP_TEST(app_names_event_sources)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");

    assert_string_equal(lando_source_name(LANDO_SOURCE_NONE), "none");
    assert_string_equal(lando_source_name(LANDO_SOURCE_REST), "rest");
    assert_string_equal(lando_source_name(LANDO_SOURCE_HTTP), "http");
    assert_string_equal(lando_source_name(LANDO_SOURCE_URL), "url");
    assert_string_equal(lando_source_name(LANDO_SOURCE_ALB), "alb");
    assert_string_equal(lando_source_name(LANDO_SOURCE_ALB_MULTI), "alb");
    assert_string_equal(lando_source_name(LANDO_SOURCE_LATTICE_V1),
                        "lattice-v1");
    assert_string_equal(lando_source_name(LANDO_SOURCE_LATTICE_V2),
                        "lattice-v2");
    assert_string_equal(lando_source_name((lando_source_t)77), "none");
    lando_ctx_begin(ctx, LANDO_SOURCE_ALB_MULTI);
    assert_int_equal(lando_ctx_source(ctx), LANDO_SOURCE_ALB_MULTI);
    assert_true(lando_ctx_start_us(ctx) > 0);
}

T_APP_TEST(app_context_formats_and_copies_into_the_arena)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    char big[600];
    char *s;

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    s = lando_ctx_sprintf(ctx, "%s-%d", big, 7);
    assert_non_null(s);
    assert_int_equal(strlen(s), sizeof(big) - 1 + 2);
    assert_string_equal(lando_ctx_sprintf(ctx, "%d/%s", 3, "x"), "3/x");
    assert_null(lando_ctx_strdup(ctx, NULL));
    assert_string_equal(lando_ctx_strndup(ctx, "abcdef", 3), "abc");
    assert_int_equal(lando_ctx_set(ctx, "a", s), LANDO_OK);
    assert_int_equal(lando_ctx_set(ctx, "a", big), LANDO_OK);
    assert_ptr_equal(lando_ctx_get(ctx, "a"), big);
    assert_null(lando_ctx_get(ctx, "b"));
}

T_APP_TEST(app_records_failures_with_explicit_status)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    const lando_error_t *e;

    assert_null(lando_ctx_error(ctx));
    assert_int_equal(lando_fail_status(ctx, LANDO_EUSER + 3, 418, "tea"),
                     LANDO_EUSER + 3);
    e = lando_ctx_error(ctx);
    assert_int_equal(e->status, 418);
    assert_string_equal(e->message, "tea");
    assert_int_equal(lando_fail_status(ctx, LANDO_EBADJSON, 42, NULL),
                     LANDO_EBADJSON);
    assert_int_equal(e->status, 400);
    assert_string_equal(e->message, "malformed JSON body");
    assert_int_equal(lando_fail(ctx, LANDO_OK, NULL), LANDO_EINTERNAL);
    assert_int_equal(e->status, 500);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test(name)
        T(app_answers_the_matching_route_with_its_parameter),
        T(app_answers_404_when_no_route_matches_the_path),
        T(app_answers_405_with_the_exact_allow_list),
        T(app_answers_options_without_a_route_with_204_and_allow),
        T(app_drops_the_body_of_a_head_request),
        T(app_error_response_keeps_headers_and_replaces_status_and_body),
        T(app_gives_a_bare_error_code_the_message_of_the_table),
        T(app_error_respond_without_a_failure_changes_nothing),
        T(app_error_message_that_is_not_utf8_still_gives_valid_json),
        T(app_clears_store_error_and_arena_between_invocations),
        T(app_names_both_routes_of_a_conflict),
        T(app_refuses_malformed_patterns),
        T(app_refuses_registration_after_the_first_invocation),
        T(app_takes_over_middleware_state_even_when_refusing_it),
        T(app_strips_the_longest_prefix_at_a_segment_boundary),
        T(app_prefixes_group_routes_and_nests_groups),
        T(app_routes_any_method_to_an_any_route),
        T(app_reads_route_attributes_and_lists_routes),
        T(app_reads_the_lambda_context_once_per_invocation),
        T(app_names_event_sources),
        T(app_context_formats_and_copies_into_the_arena),
        T(app_records_failures_with_explicit_status),
#undef T
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
