/*
 * The CORS middleware through a real app: Vary: Origin on every answer,
 * preflights answered with the methods of the requested path only, no
 * "*" with credentials, no origin carried from one invocation into the
 * next, strict origin matching, headers on error answers, and the
 * per-route opt-out.
 */
#include <string.h>
#include <strings.h>

#include <lando/mw/cors.h>
#include <lando/mw/error_map.h>

#include "support.h"

static int handler_calls;

static lando_err_t
reply(lando_ctx_t *ctx, void *data)
{
    handler_calls++;
    return lando_response_text(lando_res(ctx), 200, "ok");
}

static lando_err_t
reply_varying(lando_ctx_t *ctx, void *data)
{
    handler_calls++;
    lando_response_set_header(lando_res(ctx), "Vary", "Accept-Language");
    return lando_response_text(lando_res(ctx), 200, "ok");
}

static lando_err_t
boom(lando_ctx_t *ctx, void *data)
{
    handler_calls++;
    return lando_fail(ctx, LANDO_EINTERNAL, "database is down");
}

/* An app with CORS from OPTS and a few routes on two paths. */
static lando_app_t *
app_with(const lando_cors_options_t *opts)
{
    lando_app_t *app = t_app_new();
    lando_route_t *route = NULL;
    lando_mw_t mw;

    assert_int_equal(lando_mw_cors(opts, &mw), LANDO_OK);
    assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/users", reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "POST", "/users", reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/users/{id}", reply, NULL),
                     LANDO_OK);
    assert_int_equal(
        lando_app_route(app, "DELETE", "/users/{id}", reply, NULL),
        LANDO_OK);
    assert_int_equal(lando_app_route(app, "PUT", "/admin", reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "PATCH", "/admin", reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/boom", boom, NULL),
                     LANDO_OK);
    assert_int_equal(
        lando_app_route(app, "GET", "/vary", reply_varying, NULL),
        LANDO_OK);
    assert_int_equal(lando_group_route(lando_app_root(app), "GET",
                                       "/private", reply, NULL, &route),
                     LANDO_OK);
    assert_int_equal(lando_route_set_attr(route, "cors", "off"), LANDO_OK);
    handler_calls = 0;
    return app;
}

static const char *const app_origin[] = {"https://app.example.com", NULL};

static lando_ctx_t *
request(lando_app_t *app, const char *method, const char *path,
        const char *origin)
{
    lando_ctx_t *ctx = t_begin(app, method, path);

    if (origin) {
        t_header(ctx, "Origin", origin);
    }
    return ctx;
}

static lando_ctx_t *
preflight(lando_app_t *app, const char *path, const char *origin,
          const char *method, const char *headers)
{
    lando_ctx_t *ctx = request(app, "OPTIONS", path, origin);

    t_header(ctx, "Access-Control-Request-Method", method);
    if (headers) {
        t_header(ctx, "Access-Control-Request-Headers", headers);
    }
    return ctx;
}

static const char *
hdr(lando_ctx_t *ctx, const char *name)
{
    return lando_response_header(lando_res(ctx), name);
}

/* True if the comma-separated LIST holds TOKEN (any case). */
static bool
has_token(const char *list, const char *token)
{
    size_t n = strlen(token);
    const char *p = list;

    if (!list) {
        return false;
    }
    while (*p) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        if (strncasecmp(p, token, n) == 0 &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' ')) {
            return true;
        }
        while (*p && *p != ',') {
            p++;
        }
    }
    return false;
}

static void
assert_no_cors(lando_ctx_t *ctx)
{
    assert_null(hdr(ctx, "Access-Control-Allow-Origin"));
    assert_null(hdr(ctx, "Access-Control-Allow-Credentials"));
    assert_null(hdr(ctx, "Access-Control-Allow-Methods"));
    assert_null(hdr(ctx, "Access-Control-Allow-Headers"));
    assert_null(hdr(ctx, "Access-Control-Max-Age"));
    assert_null(hdr(ctx, "Access-Control-Expose-Headers"));
}

static void
cors_answers_an_allowed_origin_with_its_echo_and_vary(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "GET", "/users",
                               "https://app.example.com");

    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://app.example.com");
    assert_true(has_token(hdr(ctx, "Vary"), "Origin"));
    assert_null(hdr(ctx, "Access-Control-Allow-Credentials"));
    t_app_free(app);
}

static void
cors_sends_vary_origin_without_origin_and_for_refused_ones(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "GET", "/users", NULL);

    assert_int_equal(t_handle(ctx), 200);
    assert_true(has_token(hdr(ctx, "Vary"), "Origin"));
    assert_no_cors(ctx);

    ctx = request(app, "GET", "/users", "https://evil.example.net");
    assert_int_equal(t_handle(ctx), 200);
    assert_true(has_token(hdr(ctx, "Vary"), "Origin"));
    assert_no_cors(ctx);
    t_app_free(app);
}

static void
cors_merges_vary_origin_into_the_handlers_vary(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "GET", "/vary",
                               "https://app.example.com");

    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Vary"), "Accept-Language, Origin");
    assert_int_equal(lando_fields_count_of(
                         lando_response_headers(lando_res(ctx)), "Vary"),
                     1);
    t_app_free(app);
}

static void
cors_preflight_lists_only_the_methods_of_the_requested_path(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = preflight(app, "/users/7", "https://app.example.com",
                                 "DELETE", NULL);
    const char *methods;

    assert_int_equal(t_handle(ctx), 204);
    assert_int_equal(handler_calls, 0);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://app.example.com");
    methods = hdr(ctx, "Access-Control-Allow-Methods");
    assert_true(has_token(methods, "DELETE"));
    assert_true(has_token(methods, "GET"));
    assert_false(has_token(methods, "POST"));
    assert_false(has_token(methods, "PUT"));
    assert_false(has_token(methods, "PATCH"));
    assert_string_equal(hdr(ctx, "Access-Control-Max-Age"), "600");
    assert_true(has_token(hdr(ctx, "Access-Control-Allow-Headers"),
                          "Content-Type"));
    assert_true(has_token(hdr(ctx, "Vary"), "Origin"));
    t_app_free(app);
}

static void
cors_preflight_for_a_method_not_served_there_gets_no_allow_headers(
    void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = preflight(app, "/users/7", "https://app.example.com",
                                 "PUT", NULL);

    assert_int_equal(t_handle(ctx), 204);
    assert_no_cors(ctx);
    assert_int_equal(handler_calls, 0);
    t_app_free(app);
}

static void
cors_preflight_for_a_header_not_allowed_gets_no_allow_headers(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = preflight(app, "/users", "https://app.example.com",
                                 "POST", "content-type, x-secret");

    assert_int_equal(t_handle(ctx), 204);
    assert_no_cors(ctx);

    ctx = preflight(app, "/users", "https://app.example.com", "POST",
                    "content-type,authorization");
    assert_int_equal(t_handle(ctx), 204);
    assert_non_null(hdr(ctx, "Access-Control-Allow-Origin"));
    assert_true(has_token(hdr(ctx, "Access-Control-Allow-Headers"),
                          "Authorization"));
    t_app_free(app);
}

static void
cors_preflight_for_a_path_without_routes_is_404(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = preflight(app, "/nowhere", "https://app.example.com",
                                 "GET", NULL);

    assert_int_equal(t_handle(ctx), 404);
    assert_int_equal(lando_ctx_error(ctx)->code, LANDO_ENOTFOUND);
    assert_null(hdr(ctx, "Access-Control-Allow-Methods"));
    /* The answer depends on the origin like any other. */
    assert_true(has_token(hdr(ctx, "Vary"), "Origin"));
    t_app_free(app);
}

static lando_err_t
custom_not_found(lando_ctx_t *ctx, void *data)
{
    (void)data;
    return lando_response_text(lando_res(ctx), 404, "custom");
}

static void
cors_preflight_404_goes_through_the_error_map(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_error_map_options_t em = {.not_found = custom_not_found};
    lando_app_t *app = lando_app_new();
    lando_mw_t mw;
    lando_ctx_t *ctx;
    size_t len;

    assert_non_null(app);
    assert_int_equal(lando_mw_cors(&opts, &mw), LANDO_OK);
    assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    assert_int_equal(lando_mw_error_map(&em, &mw), LANDO_OK);
    assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/users", t_reply, NULL),
                     LANDO_OK);

    ctx = preflight(app, "/nowhere", "https://app.example.com", "GET", NULL);
    assert_int_equal(t_handle(ctx), 404);
    assert_string_equal(lando_response_body(lando_res(ctx), &len), "custom");
    assert_true(has_token(hdr(ctx, "Vary"), "Origin"));
    t_app_free(app);
}

static void
cors_never_sends_a_star_with_credentials(void **state)
{
    static const char *const any[] = {"*", NULL};
    lando_cors_options_t opts = {.origins = any, .credentials = true};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "GET", "/users", "https://a.test");

    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://a.test");
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Credentials"),
                        "true");

    ctx = preflight(app, "/users", "https://a.test", "POST", NULL);
    assert_int_equal(t_handle(ctx), 204);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://a.test");
    t_app_free(app);
}

static void
cors_sends_a_star_for_any_origin_without_credentials(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = request(app, "GET", "/users", "https://a.test");

    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"), "*");
    assert_null(hdr(ctx, "Access-Control-Allow-Credentials"));
    t_app_free(app);
}

static void
cors_carries_no_origin_from_one_invocation_into_the_next(void **state)
{
    static const char *const any[] = {"*", NULL};
    lando_cors_options_t listed = {.origins = app_origin};
    lando_cors_options_t echoing = {.origins = any, .credentials = true};
    lando_app_t *app = app_with(&listed);
    lando_ctx_t *ctx = request(app, "GET", "/users",
                               "https://app.example.com");

    assert_int_equal(t_handle(ctx), 200);
    assert_non_null(hdr(ctx, "Access-Control-Allow-Origin"));
    ctx = request(app, "GET", "/users", "https://evil.test");
    assert_int_equal(t_handle(ctx), 200);
    assert_no_cors(ctx);
    ctx = request(app, "GET", "/users", NULL);
    assert_int_equal(t_handle(ctx), 200);
    assert_no_cors(ctx);
    t_app_free(app);

    app = app_with(&echoing);
    ctx = request(app, "GET", "/users", "https://first.test");
    assert_int_equal(t_handle(ctx), 200);
    ctx = request(app, "GET", "/users", "https://second.test");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://second.test");
    t_app_free(app);
}

static bool
allows(lando_app_t *app, const char *origin)
{
    lando_ctx_t *ctx = request(app, "GET", "/users", origin);

    assert_int_equal(t_handle(ctx), 200);
    return hdr(ctx, "Access-Control-Allow-Origin") != NULL;
}

static void
cors_wildcard_takes_whole_labels_and_never_the_scheme_or_port(void **state)
{
    static const char *const pattern[] = {"https://*.example.com", NULL};
    lando_cors_options_t opts = {.origins = pattern};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx;

    assert_true(allows(app, "https://a.example.com"));
    assert_true(allows(app, "https://a.b.example.com"));
    assert_true(allows(app, "https://x-1.example.com"));
    assert_true(allows(app, "HTTPS://A.EXAMPLE.COM"));

    assert_false(allows(app, "https://example.com"));
    assert_false(allows(app, "http://a.example.com"));
    assert_false(allows(app, "https://a.example.com:8443"));
    assert_false(allows(app, "https://evil-example.com"));
    assert_false(allows(app, "https://aexample.com"));
    assert_false(allows(app, "https://a.example.com.evil.test"));
    assert_false(allows(app, "https://.example.com"));
    assert_false(allows(app, "https://a..example.com"));
    assert_false(allows(app, "https://a.example.com/"));
    assert_false(allows(app, "https://a.example.com/path"));
    assert_false(allows(app, "https://user@a.example.com"));
    assert_false(allows(app, "https://a.example.com, https://evil.test"));
    assert_false(allows(app, "https://*.example.com"));
    assert_false(allows(app, "null"));
    assert_false(allows(app, ""));
    assert_false(allows(app, "\xff\xfe"));
    assert_false(allows(app, "https://"));
    assert_false(allows(app, "://a.example.com"));

    /* The echo is the origin exactly as the browser sent it. */
    ctx = request(app, "GET", "/users", "https://B.Example.com");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://B.Example.com");
    t_app_free(app);
}

static void
cors_exact_origins_compare_host_without_case_and_port_exactly(void **state)
{
    static const char *const list[] = {"http://localhost:3000",
                                       "https://[::1]:8443", NULL};
    lando_cors_options_t opts = {.origins = list};
    lando_app_t *app = app_with(&opts);

    assert_true(allows(app, "http://LOCALHOST:3000"));
    assert_true(allows(app, "https://[::1]:8443"));
    assert_false(allows(app, "http://localhost"));
    assert_false(allows(app, "http://localhost:30000"));
    assert_false(allows(app, "http://localhost:300"));
    assert_false(allows(app, "https://localhost:3000"));
    assert_false(allows(app, "http://sub.localhost:3000"));
    t_app_free(app);
}

static void
cors_any_origin_refuses_brackets_that_hold_no_ipv6_address(void **state)
{
    static const char *const any[] = {"*", NULL};
    lando_cors_options_t opts = {.origins = any};
    lando_app_t *app = app_with(&opts);

    assert_true(allows(app, "https://[::1]:8443"));
    assert_true(allows(app, "http://[2001:db8::7]"));
    /* Found by fuzz_cors: hex digits, colons and dots are not enough. */
    assert_false(allows(app, "h://[:8443ade.]"));
    assert_false(allows(app, "http://[::g]"));
    assert_false(allows(app, "http://[1.2.3.4]"));
    t_app_free(app);
}

static void
cors_allows_the_null_origin_only_when_listed(void **state)
{
    static const char *const with_null[] = {"null", NULL};
    lando_app_t *app = app_with(NULL);

    assert_false(allows(app, "null"));
    t_app_free(app);

    app = app_with(&(lando_cors_options_t){.origins = with_null});
    assert_true(allows(app, "null"));
    assert_false(allows(app, "https://a.test"));
    t_app_free(app);
}

static void
cors_puts_its_headers_on_error_answers(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "GET", "/boom",
                               "https://app.example.com");

    assert_int_equal(t_handle(ctx), 500);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://app.example.com");
    assert_true(has_token(hdr(ctx, "Vary"), "Origin"));

    ctx = request(app, "GET", "/nowhere", "https://app.example.com");
    assert_int_equal(t_handle(ctx), 404);
    assert_non_null(hdr(ctx, "Access-Control-Allow-Origin"));

    ctx = request(app, "POST", "/users/1", "https://app.example.com");
    assert_int_equal(t_handle(ctx), 405);
    assert_non_null(hdr(ctx, "Access-Control-Allow-Origin"));
    t_app_free(app);
}

static void
cors_leaves_a_route_that_opted_out_alone(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "GET", "/private",
                               "https://app.example.com");

    assert_int_equal(t_handle(ctx), 200);
    assert_no_cors(ctx);
    assert_null(hdr(ctx, "Vary"));

    ctx = preflight(app, "/private", "https://app.example.com", "GET", NULL);
    assert_int_equal(t_handle(ctx), 204);
    assert_no_cors(ctx);
    assert_non_null(hdr(ctx, "Allow"));
    t_app_free(app);
}

static void
cors_configured_methods_narrow_the_routers_list(void **state)
{
    static const char *const only_get[] = {"GET", NULL};
    lando_cors_options_t opts = {.origins = app_origin, .methods = only_get};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = preflight(app, "/users/1", "https://app.example.com",
                                 "DELETE", NULL);

    assert_int_equal(t_handle(ctx), 204);
    assert_no_cors(ctx);

    ctx = preflight(app, "/users/1", "https://app.example.com", "GET",
                    NULL);
    assert_int_equal(t_handle(ctx), 204);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Methods"), "GET");
    t_app_free(app);
}

static void
cors_star_headers_echo_the_requested_names(void **state)
{
    static const char *const any[] = {"*", NULL};
    lando_cors_options_t opts = {.origins = app_origin, .headers = any};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = preflight(app, "/users", "https://app.example.com",
                                 "POST", "x-one, x-two");

    assert_int_equal(t_handle(ctx), 204);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Headers"),
                        "x-one, x-two");

    ctx = preflight(app, "/users", "https://app.example.com", "POST",
                    "x-one, bad header");
    assert_int_equal(t_handle(ctx), 204);
    assert_no_cors(ctx);
    t_app_free(app);
}

static void
cors_exposes_headers_and_honours_max_age_options(void **state)
{
    static const char *const expose[] = {"X-Request-Id", "ETag", NULL};
    lando_cors_options_t opts = {
        .origins = app_origin, .expose = expose, .max_age = -1};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "GET", "/users",
                               "https://app.example.com");

    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Access-Control-Expose-Headers"),
                        "X-Request-Id, ETag");

    ctx = preflight(app, "/users", "https://app.example.com", "GET", NULL);
    assert_int_equal(t_handle(ctx), 204);
    assert_non_null(hdr(ctx, "Access-Control-Allow-Origin"));
    assert_null(hdr(ctx, "Access-Control-Max-Age"));
    t_app_free(app);
}

static void
cors_ignores_a_plain_options_request_and_a_refused_preflight(void **state)
{
    lando_cors_options_t opts = {.origins = app_origin};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = request(app, "OPTIONS", "/users",
                               "https://app.example.com");

    /* No Access-Control-Request-Method: not a preflight; the router
     * answers OPTIONS and CORS adds its usual headers. */
    assert_int_equal(t_handle(ctx), 204);
    assert_non_null(hdr(ctx, "Allow"));
    assert_non_null(hdr(ctx, "Access-Control-Allow-Origin"));
    assert_null(hdr(ctx, "Access-Control-Allow-Methods"));

    ctx = preflight(app, "/users", "https://evil.test", "POST", NULL);
    assert_int_equal(t_handle(ctx), 204);
    assert_no_cors(ctx);
    t_app_free(app);
}

static void
cors_refuses_malformed_options(void **state)
{
    static const char *const bad_origins[][2] = {
        {"https://*", NULL},          {"example.com", NULL},
        {"https://a.*.com", NULL},    {"https://a.com/", NULL},
        {"https://a.com:99999", NULL}, {"https://*example.com", NULL},
    };
    static const char *const bad_method[] = {"G ET", NULL};
    static const char *const bad_header[] = {"X-A\r\nX-B", NULL};
    lando_mw_t mw;
    size_t i;

    for (i = 0; i < sizeof(bad_origins) / sizeof(bad_origins[0]); i++) {
        lando_cors_options_t opts = {.origins = bad_origins[i]};

        assert_int_equal(lando_mw_cors(&opts, &mw), LANDO_EINVAL);
    }
    assert_int_equal(
        lando_mw_cors(&(lando_cors_options_t){.methods = bad_method}, &mw),
        LANDO_EINVAL);
    assert_int_equal(
        lando_mw_cors(&(lando_cors_options_t){.headers = bad_header}, &mw),
        LANDO_EINVAL);
    assert_int_equal(
        lando_mw_cors(&(lando_cors_options_t){.expose = bad_header}, &mw),
        LANDO_EINVAL);
    assert_int_equal(lando_mw_cors(NULL, NULL), LANDO_EINVAL);
}

static void
cors_constructor_survives_every_failed_allocation(void **state)
{
    static const char *const origins[] = {"https://*.a.test", "null",
                                          "http://b.test:81", NULL};
    static const char *const methods[] = {"GET", "POST", NULL};
    static const char *const expose[] = {"ETag", NULL};
    lando_cors_options_t opts = {.origins = origins, .methods = methods,
                                 .expose = expose, .credentials = true};
    lando_mw_t mw;
    long before = t_alloc_live();
    lando_err_t err = LANDO_ENOMEM;
    long n;

    for (n = 0; err == LANDO_ENOMEM; n++) {
        t_alloc_fail_at(n);
        err = lando_mw_cors(&opts, &mw);
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
            cors_answers_an_allowed_origin_with_its_echo_and_vary),
        cmocka_unit_test(
            cors_sends_vary_origin_without_origin_and_for_refused_ones),
        cmocka_unit_test(cors_merges_vary_origin_into_the_handlers_vary),
        cmocka_unit_test(
            cors_preflight_lists_only_the_methods_of_the_requested_path),
        cmocka_unit_test(
            cors_preflight_for_a_method_not_served_there_gets_no_allow_headers),
        cmocka_unit_test(
            cors_preflight_for_a_header_not_allowed_gets_no_allow_headers),
        cmocka_unit_test(cors_preflight_for_a_path_without_routes_is_404),
        cmocka_unit_test(cors_preflight_404_goes_through_the_error_map),
        cmocka_unit_test(
            cors_any_origin_refuses_brackets_that_hold_no_ipv6_address),
        cmocka_unit_test(cors_never_sends_a_star_with_credentials),
        cmocka_unit_test(cors_sends_a_star_for_any_origin_without_credentials),
        cmocka_unit_test(
            cors_carries_no_origin_from_one_invocation_into_the_next),
        cmocka_unit_test(
            cors_wildcard_takes_whole_labels_and_never_the_scheme_or_port),
        cmocka_unit_test(
            cors_exact_origins_compare_host_without_case_and_port_exactly),
        cmocka_unit_test(cors_allows_the_null_origin_only_when_listed),
        cmocka_unit_test(cors_puts_its_headers_on_error_answers),
        cmocka_unit_test(cors_leaves_a_route_that_opted_out_alone),
        cmocka_unit_test(cors_configured_methods_narrow_the_routers_list),
        cmocka_unit_test(cors_star_headers_echo_the_requested_names),
        cmocka_unit_test(cors_exposes_headers_and_honours_max_age_options),
        cmocka_unit_test(
            cors_ignores_a_plain_options_request_and_a_refused_preflight),
        cmocka_unit_test(cors_refuses_malformed_options),
        cmocka_unit_test(cors_constructor_survives_every_failed_allocation),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
