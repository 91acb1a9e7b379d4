/*
 * Chaos: fail allocation N, for N = 0, 1, 2, ..., of an app's setup and
 * two invocations, until a run meets no failure. Every run that hits the
 * failure must end cleanly: a registration call returns LANDO_ENOMEM, or
 * the invocation answers with an error response (500), and nothing
 * leaks. lando's allocator and jansson's both go through the failing
 * allocator.
 */
#include <string.h>

#include "support.h"

#define MAX_RUNS 100000

static lando_err_t
pass(lando_ctx_t *ctx, void *state)
{
    return lando_next(ctx);
}

static lando_err_t
note_in_store(lando_ctx_t *ctx, void *state)
{
    char *v = lando_ctx_sprintf(ctx, "seen %s", lando_request_path(
                                                    lando_req(ctx)));

    if (!v || lando_ctx_set(ctx, "note", v) != LANDO_OK) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    return lando_next(ctx);
}

static lando_err_t
create_item(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const char *session, *note;
    json_t *body = NULL;
    lando_err_t err;

    err = lando_request_json(req, &body);
    if (err) {
        return err;
    }
    session = lando_request_cookie(req, "session");
    note = lando_ctx_get(ctx, "note");
    if (!session || !note) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    err = lando_response_add_header(lando_res(ctx), "Set-Cookie", "s=1");
    if (err) {
        return err;
    }
    return lando_response_json(
        lando_res(ctx), 201,
        json_pack("{s:s, s:O, s:s, s:s, s:s?}", "id",
                  lando_request_param(req, "id"), "body", body, "session",
                  session, "note", note, "q",
                  lando_request_query_get(req, "q")));
}

static const char expected[] =
    "{\"id\":\"7\",\"body\":{\"name\":\"n\"},\"session\":\"abc\","
    "\"note\":\"seen /v1/items/7\",\"q\":\"a b\"}";

/* One invocation; returns the status, or 0 when building the request
 * ran out of memory. */
static int
invoke(lando_app_t *app, lando_ctx_t *ctx)
{
    static const char body[] = "{\"name\": \"n\"}";
    lando_request_t *req = lando_req(ctx);
    lando_err_t err;
    size_t len;
    const char *out;
    int status;

    lando_ctx_begin(ctx, LANDO_SOURCE_NONE);
    if (lando_request_set_method(req, "POST") ||
        lando_request_set_path(req, "/api/v1/items/7") ||
        lando_request_set_raw_query(req, "q=a+b") ||
        lando_request_add_header(req, "Content-Type", "application/json") ||
        lando_request_add_header(req, "Cookie", "session=abc; x=1") ||
        lando_request_set_body(req, body, sizeof(body) - 1, false)) {
        return 0;
    }

    err = lando_app_handle(app, ctx);
    status = lando_response_status(lando_res(ctx));
    out = lando_response_body(lando_res(ctx), &len);
    if (err == LANDO_OK) {
        assert_int_equal(status, 201);
        assert_int_equal(len, strlen(expected));
        assert_memory_equal(out, expected, len);
    } else {
        if (err != LANDO_ENOMEM) {
            fail_msg("invocation failed with %s (%s), not ENOMEM",
                     lando_err_name(err), lando_ctx_error(ctx)->message);
        }
        assert_int_equal(status, 500);
        assert_non_null(strstr(out, "\"status\":500"));
    }
    return status;
}

static lando_err_t
setup_app(lando_app_t *app)
{
    lando_group_t *v1 = NULL;
    lando_route_t *r = NULL;
    lando_err_t err;

    if ((err = lando_app_use(app, t_mw("pass", pass, NULL))) ||
        (err = lando_app_strip_prefix(app, "/api")) ||
        (err = lando_group_new(lando_app_root(app), "/v1", &v1)) ||
        (err = lando_group_use(v1, t_mw("note", note_in_store, NULL))) ||
        (err = lando_group_route(v1, "POST", "/items/{id}", create_item,
                                 NULL, &r)) ||
        (err = lando_route_use(r, t_mw("pass", pass, NULL))) ||
        (err = lando_route_set_attr(r, "cors", "off")) ||
        (err = lando_app_route(app, "GET", "/items", t_reply, NULL)) ||
        (err = lando_app_route(app, "DELETE", "/v1/items/{id}", t_reply,
                               NULL))) {
        return err;
    }
    return LANDO_OK;
}

/* Setup and two invocations; returns whether everything succeeded. */
static bool
run_once(void)
{
    lando_app_t *app;
    lando_ctx_t *ctx;
    lando_err_t err;
    bool ok = false;

    app = lando_app_new();
    if (!app) {
        return false;
    }
    err = setup_app(app);
    if (err) {
        if (err != LANDO_ENOMEM) {
            fail_msg("setup failed with %s (%s)", lando_err_name(err),
                     lando_app_last_error(app));
        }
        goto out_app;
    }

    ctx = lando_ctx_new(app);
    if (!ctx) {
        goto out_app;
    }
    ok = invoke(app, ctx) == 201;
    ok = invoke(app, ctx) == 201 && ok;
    lando_ctx_free(ctx);

out_app:
    lando_app_free(app);
    return ok;
}

static void
alloc_failure_anywhere_ends_cleanly_and_leaks_nothing(void **state)
{
    long n;

    for (n = 0; n < MAX_RUNS; n++) {
        bool ok;

        t_alloc_fail_at(n);
        ok = run_once();
        if (t_alloc_live() != 0) {
            fail_msg("failing allocation %ld leaked %ld block(s)", n,
                     t_alloc_live());
        }
        if (!t_alloc_failed()) {
            assert_true(ok);
            break;
        }
    }
    t_alloc_fail_at(-1);
    assert_true(n > 10);
    assert_true(n < MAX_RUNS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            alloc_failure_anywhere_ends_cleanly_and_leaks_nothing),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
