/*
 * Security properties of an app built the way applications build it,
 * with the default middleware stack (lando_use_defaults):
 *
 * - CORS never reflects an origin that is not allowed, whatever shape
 *   the origin takes, and never sends "*" together with credentials;
 * - log lines never carry the values of Authorization, Cookie,
 *   Set-Cookie or X-Api-Key;
 * - error responses never carry internal detail unless error_map runs
 *   in debug mode;
 * - a response header value (or name) holding CR or LF is refused with
 *   an error and never reaches the response.
 *
 * Each unit tests its own part of these; this file checks them across
 * the whole stack, with hostile input.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <lando/mw/defaults.h>

#include "support.h"

static const char *const allowed_origins[] = {
    "https://app.example.com", "http://localhost:3000",
    "https://*.example.org", NULL};

/* ---- helpers ---------------------------------------------------------- */

/* An app with the default stack, CORS for ORIGINS with CREDENTIALS, and
 * routes GET/PUT /items/{id} answered by HANDLER. */
static void
setup_app(lando_app_t *app, const char *const *origins, bool credentials,
          const char *const *cors_headers, lando_handler_fn handler,
          bool debug)
{
    lando_defaults_options_t opts = {
        .cors = {.origins = origins, .credentials = credentials,
                 .headers = cors_headers},
        .logging = {.log_headers = true},
        .error_map = {.debug = debug},
    };

    assert_int_equal(lando_use_defaults(app, &opts), LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/items/{id}", handler,
                                     NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "PUT", "/items/{id}", handler,
                                     NULL),
                     LANDO_OK);
}

/* Whether any response header's name or value holds NEEDLE. */
static bool
headers_contain(lando_ctx_t *ctx, const char *needle)
{
    const lando_fields_t *h = lando_response_headers(lando_res(ctx));

    for (size_t i = 0; i < lando_fields_count(h); i++) {
        const lando_field_t *f = lando_fields_at(h, i);

        if (strstr(f->name, needle) || strstr(f->value, needle)) {
            return true;
        }
    }
    return false;
}

static void
assert_no_cors_grant(lando_ctx_t *ctx, const char *origin)
{
    lando_response_t *res = lando_res(ctx);

    if (lando_response_header(res, "Access-Control-Allow-Origin")) {
        fail_msg("origin \"%s\" was granted \"%s\"", origin,
                 lando_response_header(res, "Access-Control-Allow-Origin"));
    }
    assert_null(lando_response_header(res,
                                      "Access-Control-Allow-Credentials"));
    assert_null(lando_response_header(res, "Access-Control-Allow-Methods"));
    assert_null(lando_response_header(res, "Access-Control-Allow-Headers"));
}

/* ---- CORS ------------------------------------------------------------- */

/* Origins that must never be granted by allowed_origins: near misses of
 * the allowed ones in every part (scheme, host, port, suffix, prefix,
 * case of the scheme separator), lists, paths, whitespace, control
 * bytes, userinfo and the literal "null". */
static const char *const hostile_origins[] = {
    "https://evil.com",
    "https://app.example.com.evil.com",
    "https://evilapp.example.com",
    "https://app.example.co",
    "http://app.example.com",
    "https://app.example.com:8443",
    "https://app.example.com:443x",
    "https://app.example.com/",
    "https://app.example.com/path",
    "https://app.example.com?x",
    "https://app.example.com#x",
    "https://user@app.example.com",
    "https://app.example.com@evil.com",
    " https://app.example.com",
    "https://app.example.com ",
    "https://app.example.com\t",
    "https://app.example.com, https://evil.com",
    "https://evil.com https://app.example.com",
    "https://app.example.com\r\nX-Injected: 1",
    "https//app.example.com",
    "app.example.com",
    "//app.example.com",
    "https://",
    "",
    "null",
    "*",
    "http://localhost:30000",
    "http://localhost:300",
    "http://localhost",
    "https://localhost:3000",
    "https://example.org",
    "https://.example.org",
    "https://a..example.org",
    "https://example.org.evil.com",
    "https://a.example.org.evil.com",
    "https://aexample.org",
    "https://a.example.org:8443",
    "http://a.example.org",
    "https://a.example.org/",
    "https://a.example.org%2F.evil.com",
    "https://a.example.org\\.evil.com",
    "https://a.example.org\x01",
    "https://\xc3\xa9.example.org.evil",
};

static lando_err_t
ok_handler(lando_ctx_t *ctx, void *data)
{
    return lando_response_text(lando_res(ctx), 200, "ok");
}

T_APP_TEST(cors_never_grants_an_origin_that_is_not_allowed)
{
    setup_app(app, allowed_origins, true, NULL, ok_handler, false);

    for (size_t i = 0; i < sizeof(hostile_origins) / sizeof(char *); i++) {
        const char *origin = hostile_origins[i];
        lando_ctx_t *ctx;

        /* An actual request: served, but with no grant. */
        ctx = t_begin(app, "GET", "/items/1");
        t_header(ctx, "Origin", origin);
        assert_int_equal(t_handle(ctx), 200);
        assert_no_cors_grant(ctx, origin);

        /* A preflight: no grant either, whatever it asks for. */
        ctx = t_begin(app, "OPTIONS", "/items/1");
        t_header(ctx, "Origin", origin);
        t_header(ctx, "Access-Control-Request-Method", "PUT");
        t_header(ctx, "Access-Control-Request-Headers", "content-type");
        t_handle(ctx);
        assert_no_cors_grant(ctx, origin);
        assert_false(headers_contain(ctx, "\r"));
        assert_false(headers_contain(ctx, "\n"));
    }
}

T_APP_TEST(cors_echoes_each_allowed_origin_exactly_and_only_it)
{
    static const char *const good[] = {
        "https://app.example.com", "http://localhost:3000",
        "https://a.example.org", "https://a.b.example.org",
        "HTTPS://APP.EXAMPLE.COM",
    };

    setup_app(app, allowed_origins, true, NULL, ok_handler, false);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        lando_ctx_t *ctx = t_begin(app, "GET", "/items/1");
        const char *acao;

        t_header(ctx, "Origin", good[i]);
        assert_int_equal(t_handle(ctx), 200);
        acao = lando_response_header(lando_res(ctx),
                                     "Access-Control-Allow-Origin");
        assert_non_null(acao);
        assert_string_equal(acao, good[i]);
        assert_string_equal(
            lando_response_header(lando_res(ctx),
                                  "Access-Control-Allow-Credentials"),
            "true");
    }
}

T_APP_TEST(cors_never_sends_a_star_together_with_credentials)
{
    static const char *const any[] = {"*", NULL};
    static const char *const origins[] = {
        "https://anyone.example", "http://127.0.0.1:8080", "null",
        "https://evil.com", "not an origin"};

    setup_app(app, any, true, NULL, ok_handler, false);
    for (size_t i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
        for (int preflight = 0; preflight < 2; preflight++) {
            lando_ctx_t *ctx = t_begin(app, preflight ? "OPTIONS" : "GET",
                                       "/items/1");
            const char *acao;

            t_header(ctx, "Origin", origins[i]);
            if (preflight) {
                t_header(ctx, "Access-Control-Request-Method", "GET");
            }
            t_handle(ctx);
            acao = lando_response_header(lando_res(ctx),
                                         "Access-Control-Allow-Origin");
            if (acao) {
                assert_string_not_equal(acao, "*");
                assert_string_equal(acao, origins[i]);
                assert_string_not_equal(origins[i], "null");
                assert_string_not_equal(origins[i], "not an origin");
            }
        }
    }
}

T_APP_TEST(cors_never_echoes_requested_header_names_holding_cr_or_lf)
{
    static const char *const any_header[] = {"*", NULL};
    static const char *const requested[] = {
        "x-a\r\nSet-Cookie: evil=1", "x-a\nx-b", "x-a\r", "x-a, \nx-b",
        "x-a,x-b\r\n\r\n<html>"};

    setup_app(app, allowed_origins, true, any_header, ok_handler, false);
    for (size_t i = 0; i < sizeof(requested) / sizeof(requested[0]); i++) {
        lando_ctx_t *ctx = t_begin(app, "OPTIONS", "/items/1");
        int status;

        t_header(ctx, "Origin", "https://app.example.com");
        t_header(ctx, "Access-Control-Request-Method", "PUT");
        t_header(ctx, "Access-Control-Request-Headers", requested[i]);
        status = t_handle(ctx);
        assert_true(status < 500);
        assert_false(headers_contain(ctx, "\r"));
        assert_false(headers_contain(ctx, "\n"));
        assert_false(headers_contain(ctx, "evil"));
        assert_null(lando_response_header(lando_res(ctx),
                                          "Access-Control-Allow-Headers"));
    }
}

/* ---- logs --------------------------------------------------------------- */

static int log_pipe[2];

static int
capture_setup(void **state)
{
    if (pipe(log_pipe) != 0) {
        return -1;
    }
    fcntl(log_pipe[0], F_SETFL, O_NONBLOCK);
    lando_log_set_fd(log_pipe[1]);
    lando_log_set_level(LANDO_LOG_DEBUG);
    return 0;
}

static int
capture_teardown(void **state)
{
    lando_log_set_fd(-1);
    lando_log_set_level(LANDO_LOG_INFO);
    close(log_pipe[0]);
    close(log_pipe[1]);
    return 0;
}

/* Everything logged since the last call (test_malloc'd). */
static char *
drain(void)
{
    size_t cap = 1 << 20;
    size_t len = 0;
    char *buf = test_malloc(cap);
    ssize_t n;

    while (len < cap - 1 &&
           (n = read(log_pipe[0], buf + len, cap - 1 - len)) > 0) {
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

#define SECRET_AUTH "Bearer s3cr3t-auth-token-1"
#define SECRET_PROXY "Basic s3cr3t-proxy-2"
#define SECRET_COOKIE "session=s3cr3t-cookie-3"
#define SECRET_COOKIE2 "csrf=s3cr3t-cookie-4"
#define SECRET_KEY "s3cr3t-api-key-5"
#define SECRET_SET_COOKIE "sid=s3cr3t-set-cookie-6; HttpOnly"

/* Sets a secret cookie, logs a line of its own, and answers DATA's
 * status (200, or a failure). */
static lando_err_t
cookie_handler(lando_ctx_t *ctx, void *data)
{
    lando_response_t *res = lando_res(ctx);
    const char *mode = lando_request_param(lando_req(ctx), "id");

    assert_int_equal(lando_response_add_header(res, "Set-Cookie",
                                               SECRET_SET_COOKIE),
                     LANDO_OK);
    lando_log(ctx, LANDO_LOG_DEBUG, "handler ran");
    if (strcmp(mode, "fail") == 0) {
        return lando_fail(ctx, LANDO_EINTERNAL, "the store is down");
    }
    if (strcmp(mode, "bad") == 0) {
        return lando_fail(ctx, LANDO_EBADREQUEST, "bad id");
    }
    return lando_response_text(res, 200, "ok");
}

static void
logs_never_carry_secret_header_values(void **state)
{
    static const char *const modes[] = {"1", "fail", "bad"};
    lando_app_t *app = t_app_new();
    char *log;

    setup_app(app, allowed_origins, true, NULL, cookie_handler, false);
    for (size_t i = 0; i < 3; i++) {
        char path[32];
        lando_ctx_t *ctx;

        snprintf(path, sizeof(path), "/items/%s", modes[i]);
        ctx = t_begin(app, "GET", path);
        t_header(ctx, "Authorization", SECRET_AUTH);
        t_header(ctx, "proxy-authorization", SECRET_PROXY);
        t_header(ctx, "COOKIE", SECRET_COOKIE);
        t_header(ctx, "Cookie", SECRET_COOKIE2);
        t_header(ctx, "x-API-key", SECRET_KEY);
        t_header(ctx, "Set-Cookie", SECRET_SET_COOKIE);
        t_header(ctx, "User-Agent", "agent/1.0");
        t_header(ctx, "Origin", "https://app.example.com");
        t_handle(ctx);
    }
    /* A route that does not exist, and a preflight, log too. */
    {
        lando_ctx_t *ctx = t_begin(app, "GET", "/nowhere");

        t_header(ctx, "Authorization", SECRET_AUTH);
        assert_int_equal(t_handle(ctx), 404);
        ctx = t_begin(app, "OPTIONS", "/items/1");

        t_header(ctx, "Origin", "https://app.example.com");
        t_header(ctx, "Access-Control-Request-Method", "PUT");
        t_header(ctx, "Cookie", SECRET_COOKIE);
        t_handle(ctx);
    }

    log = drain();
    /* The lines are there: the test would pass on an empty log too. */
    assert_non_null(strstr(log, "agent/1.0"));
    assert_non_null(strstr(log, "[redacted]"));
    assert_non_null(strstr(log, "handler ran"));
    assert_null(strstr(log, "s3cr3t"));
    test_free(log);
    t_app_free(app);
}

/* ---- error detail ------------------------------------------------------- */

#define INTERNAL_TEXT "pg: password authentication failed for hunter2"
#define DETAIL_TEXT "connect() errno 111 at store.c:42"

static lando_err_t
failing_handler(lando_ctx_t *ctx, void *data)
{
    const char *mode = lando_request_param(lando_req(ctx), "id");
    lando_err_t err;

    if (strcmp(mode, "client") == 0) {
        err = lando_fail(ctx, LANDO_EBADREQUEST, "the id is malformed");
    } else if (strcmp(mode, "status") == 0) {
        err = lando_fail_status(ctx, LANDO_EINTERNAL, 503, INTERNAL_TEXT);
    } else if (strcmp(mode, "user") == 0) {
        err = lando_fail(ctx, LANDO_EUSER + 7, INTERNAL_TEXT);
    } else {
        err = lando_fail(ctx, LANDO_EINTERNAL, INTERNAL_TEXT);
    }
    lando_fail_detail(ctx, DETAIL_TEXT);
    return err;
}

static void
check_hidden(lando_app_t *app, const char *path, int status)
{
    lando_ctx_t *ctx = t_begin(app, "GET", path);
    const char *body;

    assert_int_equal(t_handle(ctx), status);
    body = t_body_str(ctx);
    assert_non_null(strstr(body, "\"error\""));
    assert_null(strstr(body, "hunter2"));
    assert_null(strstr(body, "store.c"));
    assert_null(strstr(body, "errno"));
    assert_null(strstr(body, "\"detail\""));
    assert_false(headers_contain(ctx, "hunter2"));
    assert_false(headers_contain(ctx, "store.c"));
}

T_APP_TEST(error_responses_hide_internal_detail_with_the_default_stack)
{
    setup_app(app, allowed_origins, true, NULL, failing_handler, false);
    check_hidden(app, "/items/internal", 500);
    check_hidden(app, "/items/status", 503);
    check_hidden(app, "/items/user", 500);
    check_hidden(app, "/items/client", 400);
    /* The 4xx message a handler gives is client-safe, and shown. */
    {
        lando_ctx_t *ctx = t_begin(app, "GET", "/items/client");

        assert_int_equal(t_handle(ctx), 400);
        assert_non_null(strstr(t_body_str(ctx), "the id is malformed"));
    }
}

T_APP_TEST(error_responses_hide_internal_detail_without_error_map)
{
    assert_int_equal(lando_app_route(app, "GET", "/items/{id}",
                                     failing_handler, NULL),
                     LANDO_OK);
    check_hidden(app, "/items/internal", 500);
    check_hidden(app, "/items/status", 503);
    check_hidden(app, "/items/user", 500);
    check_hidden(app, "/items/client", 400);
}

T_APP_TEST(error_responses_show_detail_only_in_debug_mode)
{
    lando_ctx_t *ctx;
    const char *body;

    setup_app(app, allowed_origins, true, NULL, failing_handler, true);
    ctx = t_begin(app, "GET", "/items/internal");
    assert_int_equal(t_handle(ctx), 500);
    body = t_body_str(ctx);
    assert_non_null(strstr(body, "\"detail\""));
    assert_non_null(strstr(body, "store.c:42"));
}

/* ---- response headers with CR or LF ------------------------------------- */

static const char *const split_values[] = {
    "a\r\nSet-Cookie: injected=1", "a\nSet-Cookie: injected=1",
    "a\rSet-Cookie: injected=1", "\r\n", "a\r\n\r\n<html>injected",
};

T_APP_TEST(response_header_values_with_cr_or_lf_are_refused)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_response_t *res = lando_res(ctx);

    for (size_t i = 0; i < sizeof(split_values) / sizeof(char *); i++) {
        assert_int_equal(lando_response_add_header(res, "X-A",
                                                   split_values[i]),
                         LANDO_EHEADER);
        assert_int_equal(lando_response_set_header(res, "X-A",
                                                   split_values[i]),
                         LANDO_EHEADER);
        assert_int_equal(lando_response_add_header(res, split_values[i],
                                                   "v"),
                         LANDO_EHEADER);
        assert_int_not_equal(lando_response_redirect(res, 302,
                                                     split_values[i]),
                             LANDO_OK);
        assert_int_not_equal(lando_response_send(res, 200, split_values[i],
                                                 "x", 1),
                             LANDO_OK);
    }
    assert_int_equal(lando_response_add_header(res, "", "v"),
                     LANDO_EHEADER);
    assert_false(headers_contain(ctx, "injected"));
    assert_false(headers_contain(ctx, "\r"));
    assert_false(headers_contain(ctx, "\n"));
}

/* Tries to set a header from the query (?v=0..4) and returns what the
 * response API said, as a careful handler would. */
static lando_err_t
splitting_handler(lando_ctx_t *ctx, void *data)
{
    const char *which = lando_request_query_get(lando_req(ctx), "v");
    lando_response_t *res = lando_res(ctx);
    lando_err_t err;

    err = lando_response_text(res, 200, "ok");
    if (err) {
        return err;
    }
    err = lando_response_set_header(res, "X-Echo",
                                    split_values[which[0] - '0']);
    if (data == NULL) {
        return err;
    }
    return LANDO_OK; /* a careless handler ignores the refusal */
}

T_APP_TEST(a_handler_cannot_split_the_response_with_a_header_value)
{
    lando_defaults_options_t opts = {0};

    assert_int_equal(lando_use_defaults(app, &opts), LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/careful",
                                     splitting_handler, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/careless",
                                     splitting_handler, (void *)"x"),
                     LANDO_OK);
    for (int i = 0; i < 5; i++) {
        char target[32];
        lando_ctx_t *ctx;

        snprintf(target, sizeof(target), "/careful?v=%d", i);
        ctx = t_begin(app, "GET", target);
        assert_int_equal(t_handle(ctx), 500);
        assert_null(lando_response_header(lando_res(ctx), "X-Echo"));
        assert_false(headers_contain(ctx, "injected"));
        assert_null(strstr(t_body_str(ctx), "injected"));

        snprintf(target, sizeof(target), "/careless?v=%d", i);
        ctx = t_begin(app, "GET", target);
        assert_int_equal(t_handle(ctx), 200);
        assert_null(lando_response_header(lando_res(ctx), "X-Echo"));
        assert_false(headers_contain(ctx, "injected"));
        assert_false(headers_contain(ctx, "\n"));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cors_never_grants_an_origin_that_is_not_allowed),
        cmocka_unit_test(
            cors_echoes_each_allowed_origin_exactly_and_only_it),
        cmocka_unit_test(cors_never_sends_a_star_together_with_credentials),
        cmocka_unit_test(
            cors_never_echoes_requested_header_names_holding_cr_or_lf),
        cmocka_unit_test_setup_teardown(
            logs_never_carry_secret_header_values, capture_setup,
            capture_teardown),
        cmocka_unit_test(
            error_responses_hide_internal_detail_with_the_default_stack),
        cmocka_unit_test(
            error_responses_hide_internal_detail_without_error_map),
        cmocka_unit_test(error_responses_show_detail_only_in_debug_mode),
        cmocka_unit_test(response_header_values_with_cr_or_lf_are_refused),
        cmocka_unit_test(
            a_handler_cannot_split_the_response_with_a_header_value),
    };

    t_use_test_allocator();
    lando_log_set_fd(-1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
