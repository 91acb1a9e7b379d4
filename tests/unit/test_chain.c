/*
 * The middleware chain: order, work before and after lando_next(),
 * short-circuits, the double-call guard, and which middleware wraps
 * which routes (global, group, route).
 */
#include <string.h>

#include "support.h"

static char trace[256];

static void
note(const char *s)
{
    if (trace[0]) {
        strcat(trace, " ");
    }
    strcat(trace, s);
}

/* A middleware that notes NAME> before and NAME< after the rest. */
static lando_err_t
around(lando_ctx_t *ctx, void *state)
{
    char buf[32];
    lando_err_t err;

    snprintf(buf, sizeof(buf), "%s>", (const char *)state);
    note(buf);
    err = lando_next(ctx);
    snprintf(buf, sizeof(buf), "%s<", (const char *)state);
    note(buf);
    return err;
}

static lando_err_t
handler(lando_ctx_t *ctx, void *data)
{
    note(data ? data : "h");
    return lando_response_text(lando_res(ctx), 200, data ? data : "h");
}

static lando_err_t
answer_early(lando_ctx_t *ctx, void *state)
{
    note("stop");
    return lando_response_text(lando_res(ctx), 401, "no");
}

static lando_err_t
twice(lando_ctx_t *ctx, void *state)
{
    lando_err_t first = lando_next(ctx);
    lando_err_t second = lando_next(ctx);

    *(lando_err_t *)state = second;
    return first;
}

static lando_err_t
handler_calls_next(lando_ctx_t *ctx, void *data)
{
    *(lando_err_t *)data = lando_next(ctx);
    return lando_response_empty(lando_res(ctx), 204);
}

static lando_err_t
answer_failures(lando_ctx_t *ctx, void *state)
{
    lando_err_t err = lando_next(ctx);

    note("mapped");
    if (err) {
        lando_response_text(lando_res(ctx), 499, "mapped");
        return LANDO_OK;
    }
    return err;
}

static lando_err_t
failing_handler(lando_ctx_t *ctx, void *data)
{
    note("h");
    return lando_fail(ctx, LANDO_EFORBIDDEN, "no entry");
}

static lando_err_t
set_header_after(lando_ctx_t *ctx, void *state)
{
    lando_err_t err = lando_next(ctx);

    lando_response_set_header(lando_res(ctx), "X-After",
                              lando_response_status(lando_res(ctx)) == 200
                                  ? "ok"
                                  : "error");
    return err;
}

static void
run(lando_app_t *app, const char *method, const char *path, int status)
{
    lando_ctx_t *ctx;

    trace[0] = '\0';
    ctx = t_begin(app, method, path);
    assert_int_equal(t_handle(ctx), status);
}

T_APP_TEST(chain_runs_middleware_in_order_around_the_handler)
{
    lando_app_use(app, t_mw("a", around, "a"));
    lando_app_use(app, t_mw("b", around, "b"));
    lando_app_route(app, "GET", "/", handler, NULL);

    run(app, "GET", "/", 200);
    assert_string_equal(trace, "a> b> h b< a<");
}

T_APP_TEST(chain_stops_where_a_middleware_answers_without_next)
{
    lando_app_use(app, t_mw("a", around, "a"));
    lando_app_use(app, t_mw("stop", answer_early, NULL));
    lando_app_use(app, t_mw("c", around, "c"));
    lando_app_route(app, "GET", "/", handler, NULL);

    run(app, "GET", "/", 401);
    assert_string_equal(trace, "a> stop a<");
}

T_APP_TEST(chain_runs_global_middleware_for_unrouted_requests)
{
    lando_route_t *r = NULL;

    lando_app_use(app, t_mw("g", around, "g"));
    lando_group_route(lando_app_root(app), "GET", "/x", handler, NULL, &r);
    lando_route_use(r, t_mw("r", around, "r"));

    run(app, "GET", "/nothing", 404);
    assert_string_equal(trace, "g> g<");
    run(app, "POST", "/x", 405);
    assert_string_equal(trace, "g> g<");
    run(app, "GET", "/x", 200);
    assert_string_equal(trace, "g> r> h r< g<");
}

T_APP_TEST(chain_wraps_only_the_routes_of_a_group_and_of_a_route)
{
    lando_group_t *v1 = NULL, *admin = NULL;
    lando_route_t *secret = NULL;

    lando_app_use(app, t_mw("g", around, "g"));
    lando_group_use(lando_app_root(app), t_mw("root", around, "root"));
    lando_group_new(lando_app_root(app), "/v1", &v1);
    lando_group_new(v1, "/admin", &admin);
    /* Added in reverse, to show the order comes from the nesting. */
    lando_group_use(admin, t_mw("admin", around, "admin"));
    lando_group_use(v1, t_mw("v1", around, "v1"));
    lando_app_route(app, "GET", "/open", handler, "open");
    lando_group_route(v1, "GET", "/users", handler, "users", NULL);
    lando_group_route(admin, "GET", "/secret", handler, "secret", &secret);
    lando_route_use(secret, t_mw("own", around, "own"));
    lando_group_route(admin, "GET", "/plain", handler, "plain", NULL);

    run(app, "GET", "/open", 200);
    assert_string_equal(trace, "g> root> open root< g<");
    run(app, "GET", "/v1/users", 200);
    assert_string_equal(trace, "g> root> v1> users v1< root< g<");
    run(app, "GET", "/v1/admin/secret", 200);
    assert_string_equal(trace, "g> root> v1> admin> own> secret own< "
                               "admin< v1< root< g<");
    run(app, "GET", "/v1/admin/plain", 200);
    assert_string_equal(trace,
                        "g> root> v1> admin> plain admin< v1< root< g<");
}

T_APP_TEST(chain_refuses_a_second_next_from_the_same_middleware)
{
    lando_err_t second = LANDO_OK;
    lando_ctx_t *ctx;

    lando_app_use(app, t_mw("twice", twice, &second));
    lando_app_route(app, "GET", "/", handler, NULL);

    run(app, "GET", "/", 200);
    assert_int_equal(second, LANDO_EINVAL);
    assert_string_equal(trace, "h");

    /* Nor may anyone outside an invocation. */
    ctx = t_begin(app, "GET", "/");
    assert_int_equal(lando_next(ctx), LANDO_EINVAL);
}

T_APP_TEST(chain_refuses_next_from_a_handler)
{
    lando_err_t got = LANDO_OK;

    lando_app_route(app, "GET", "/n", handler_calls_next, &got);
    run(app, "GET", "/n", 204);
    assert_int_equal(got, LANDO_EINVAL);
    assert_int_equal(lando_next(NULL), LANDO_EINVAL);
}

T_APP_TEST(chain_lets_middleware_answer_a_failure_from_inside)
{
    lando_ctx_t *ctx;

    lando_app_use(app, t_mw("a", around, "a"));
    lando_app_use(app, t_mw("map", answer_failures, NULL));
    lando_app_route(app, "GET", "/f", failing_handler, NULL);

    trace[0] = '\0';
    ctx = t_begin(app, "GET", "/f");
    assert_int_equal(lando_app_handle(app, ctx), LANDO_OK);
    assert_int_equal(lando_response_status(lando_res(ctx)), 499);
    assert_string_equal(t_body_str(ctx), "mapped");
    assert_string_equal(trace, "a> h mapped a<");
    /* The failure stays readable for logging. */
    assert_non_null(lando_ctx_error(ctx));
    assert_int_equal(lando_ctx_error(ctx)->code, LANDO_EFORBIDDEN);
}

T_APP_TEST(chain_lets_after_middleware_see_the_final_response)
{
    lando_ctx_t *ctx;

    lando_app_use(app, t_mw("after", set_header_after, NULL));
    lando_app_route(app, "GET", "/ok", handler, NULL);
    lando_app_route(app, "GET", "/bad", failing_handler, NULL);

    ctx = t_begin(app, "GET", "/ok");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(lando_response_header(lando_res(ctx), "X-After"),
                        "ok");

    /* Failures become responses only after the chain, so the header set
     * on the way out describes the handler's status. */
    ctx = t_begin(app, "GET", "/bad");
    assert_int_equal(t_handle(ctx), 403);
    assert_string_equal(lando_response_header(lando_res(ctx), "X-After"),
                        "ok");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_runs_middleware_in_order_around_the_handler),
        cmocka_unit_test(chain_stops_where_a_middleware_answers_without_next),
        cmocka_unit_test(chain_runs_global_middleware_for_unrouted_requests),
        cmocka_unit_test(
            chain_wraps_only_the_routes_of_a_group_and_of_a_route),
        cmocka_unit_test(
            chain_refuses_a_second_next_from_the_same_middleware),
        cmocka_unit_test(chain_refuses_next_from_a_handler),
        cmocka_unit_test(chain_lets_middleware_answer_a_failure_from_inside),
        cmocka_unit_test(chain_lets_after_middleware_see_the_final_response),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
