/*
 * The default stack: each test shows one consequence of the order
 * logging -> cors -> compress -> error_map -> base64_body -> router, and
 * that the options reach the middleware they belong to.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include <lando/mw/defaults.h>

#include "support.h"

static int log_pipe[2];
static char big[4096];

static const char *const any_origin[] = {"https://app.test", NULL};

static int
capture_setup(void **state)
{
    size_t i;

    for (i = 0; i < sizeof(big) - 1; i++) {
        big[i] = "abcabcabd "[i % 10];
    }
    if (pipe(log_pipe) != 0) {
        return -1;
    }
    fcntl(log_pipe[0], F_SETFL, O_NONBLOCK);
    lando_log_set_fd(log_pipe[1]);
    lando_log_set_level(LANDO_LOG_INFO);
    return 0;
}

static int
capture_teardown(void **state)
{
    lando_log_set_fd(-1);
    close(log_pipe[0]);
    close(log_pipe[1]);
    return 0;
}

/* The last line logged since the last call, parsed, or NULL if none. */
static json_t *
last_line(void)
{
    static char buf[65536];
    size_t len = 0;
    ssize_t n;
    char *end;
    char *start;

    while ((n = read(log_pipe[0], buf + len, sizeof(buf) - 1 - len)) > 0) {
        len += (size_t)n;
    }
    if (len == 0) {
        return NULL;
    }
    buf[len] = '\0';
    end = buf + len - 1; /* the final '\n' */
    *end = '\0';
    start = strrchr(buf, '\n');
    start = start ? start + 1 : buf;
    return json_loads(start, 0, NULL);
}

static int seen_calls;
static bool seen_base64;
static char seen_body[64];

static lando_err_t
echo_body(lando_ctx_t *ctx, void *data)
{
    size_t len = 0;
    const char *body = lando_request_body(lando_req(ctx), &len);

    seen_calls++;
    seen_base64 = lando_request_body_is_base64(lando_req(ctx));
    memset(seen_body, 0, sizeof(seen_body));
    memcpy(seen_body, body, len < sizeof(seen_body) ? len : 0);
    return lando_response_text(lando_res(ctx), 200, "got it");
}

static lando_err_t
big_json(lando_ctx_t *ctx, void *data)
{
    return lando_response_send(lando_res(ctx), 200, "application/json", big,
                               strlen(big));
}

static lando_err_t
crash(lando_ctx_t *ctx, void *data)
{
    lando_fail(ctx, LANDO_EINTERNAL, "stack trace: main.c:42");
    lando_fail_detail(ctx, "segment 7 corrupt");
    return LANDO_EINTERNAL;
}

static lando_err_t
refuse_long(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, LANDO_EVALIDATION, "%s", big);
}

static lando_app_t *
app_with(const lando_defaults_options_t *opts)
{
    lando_app_t *app = t_app_new();

    assert_int_equal(lando_use_defaults(app, opts), LANDO_OK);
    assert_int_equal(lando_app_route(app, "POST", "/echo", echo_body, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/big", big_json, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/crash", crash, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "GET", "/refuse", refuse_long,
                                     NULL),
                     LANDO_OK);
    seen_calls = 0;
    json_decref(last_line());
    return app;
}

static const char *
hdr(lando_ctx_t *ctx, const char *name)
{
    return lando_response_header(lando_res(ctx), name);
}

static void
defaults_answer_failures_as_json_and_log_the_final_status(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = t_begin(app, "GET", "/crash");
    json_t *line;

    assert_int_equal(lando_app_handle(app, ctx), LANDO_OK);
    assert_int_equal(lando_response_status(lando_res(ctx)), 500);
    assert_null(strstr(t_body_str(ctx), "main.c"));
    assert_null(strstr(t_body_str(ctx), "segment"));

    /* logging outside error_map: it logs the answered 500 and still
     * finds the failure. */
    line = last_line();
    assert_non_null(line);
    assert_string_equal(json_string_value(json_object_get(line, "level")),
                        "ERROR");
    assert_int_equal(json_integer_value(json_object_get(line, "status")),
                     500);
    assert_string_equal(
        json_string_value(json_object_get(line, "errorMessage")),
        "stack trace: main.c:42: segment 7 corrupt");
    json_decref(line);
    t_app_free(app);
}

static void
defaults_decode_bodies_before_handlers_and_map_bad_ones(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = t_begin(app, "POST", "/echo");
    json_t *line;

    assert_int_equal(lando_request_set_body(lando_req(ctx), "aGVsbG8=", 8,
                                            true),
                     LANDO_OK);
    assert_int_equal(t_handle(ctx), 200);
    assert_false(seen_base64);
    assert_string_equal(seen_body, "hello");
    json_decref(last_line());

    ctx = t_begin(app, "POST", "/echo");
    assert_int_equal(lando_request_set_body(lando_req(ctx), "aGV!", 4, true),
                     LANDO_OK);
    assert_int_equal(lando_app_handle(app, ctx), LANDO_OK);
    assert_int_equal(lando_response_status(lando_res(ctx)), 400);
    assert_non_null(strstr(t_body_str(ctx), "\"bad_base64\""));
    assert_int_equal(seen_calls, 1);
    line = last_line();
    assert_string_equal(json_string_value(json_object_get(line, "level")),
                        "INFO");
    assert_string_equal(json_string_value(json_object_get(line,
                                                          "errorType")),
                        "EBADBASE64");
    json_decref(line);
    t_app_free(app);
}

static void
defaults_compress_handler_and_error_bodies(void **state)
{
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = t_begin(app, "GET", "/big");

    t_header(ctx, "Accept-Encoding", "gzip");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(hdr(ctx, "Content-Encoding"), "gzip");

    ctx = t_begin(app, "GET", "/refuse");
    t_header(ctx, "Accept-Encoding", "gzip");
    assert_int_equal(t_handle(ctx), 422);
    assert_string_equal(hdr(ctx, "Content-Encoding"), "gzip");
    t_app_free(app);
}

static void
defaults_leave_cors_out_unless_origins_are_given(void **state)
{
    lando_defaults_options_t opts = {.cors.origins = any_origin};
    lando_app_t *app = app_with(NULL);
    lando_ctx_t *ctx = t_begin(app, "GET", "/crash");
    json_t *line;

    t_header(ctx, "Origin", "https://app.test");
    t_handle(ctx);
    assert_null(hdr(ctx, "Access-Control-Allow-Origin"));
    t_app_free(app);

    /* With origins, CORS sits outside error_map: the 500 carries it. */
    app = app_with(&opts);
    ctx = t_begin(app, "GET", "/crash");
    t_header(ctx, "Origin", "https://app.test");
    assert_int_equal(t_handle(ctx), 500);
    assert_string_equal(hdr(ctx, "Access-Control-Allow-Origin"),
                        "https://app.test");
    json_decref(last_line());

    /* A preflight is answered by CORS, and logging, outside it, logs
     * it. */
    ctx = t_begin(app, "OPTIONS", "/echo");
    t_header(ctx, "Origin", "https://app.test");
    t_header(ctx, "Access-Control-Request-Method", "POST");
    assert_int_equal(t_handle(ctx), 204);
    assert_non_null(strstr(hdr(ctx, "Access-Control-Allow-Methods"),
                           "POST"));
    line = last_line();
    assert_non_null(line);
    assert_int_equal(json_integer_value(json_object_get(line, "status")),
                     204);
    json_decref(line);
    t_app_free(app);
}

static void
defaults_pass_each_middleware_its_options(void **state)
{
    lando_defaults_options_t opts = {
        .error_map.debug = true,
        .compress.min_size = 100000,
        .base64_body.max_body = 4,
        .logging.level = "ERROR",
    };
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = t_begin(app, "GET", "/crash");
    json_t *line;

    t_handle(ctx);
    assert_non_null(strstr(t_body_str(ctx), "segment 7 corrupt"));
    json_decref(last_line());

    ctx = t_begin(app, "GET", "/big");
    t_header(ctx, "Accept-Encoding", "gzip");
    assert_int_equal(t_handle(ctx), 200);
    assert_null(hdr(ctx, "Content-Encoding"));
    line = last_line(); /* a 200 is below the ERROR threshold */
    assert_null(line);

    ctx = t_begin(app, "POST", "/echo");
    t_body(ctx, "text/plain", "12345");
    assert_int_equal(t_handle(ctx), 413);
    t_app_free(app);
}

static void
defaults_can_leave_any_middleware_out(void **state)
{
    lando_defaults_options_t opts = {.no_logging = true,
                                     .no_compress = true,
                                     .no_error_map = true,
                                     .no_base64_body = true};
    lando_app_t *app = app_with(&opts);
    lando_ctx_t *ctx = t_begin(app, "GET", "/crash");

    /* Nothing answered the failure: lando_app_handle() reports it. */
    assert_int_equal(lando_app_handle(app, ctx), LANDO_EINTERNAL);
    assert_null(last_line());

    ctx = t_begin(app, "GET", "/big");
    t_header(ctx, "Accept-Encoding", "gzip");
    t_handle(ctx);
    assert_null(hdr(ctx, "Content-Encoding"));

    ctx = t_begin(app, "POST", "/echo");
    assert_int_equal(lando_request_set_body(lando_req(ctx), "aGk=", 4, true),
                     LANDO_OK);
    t_handle(ctx);
    assert_true(seen_base64);
    t_app_free(app);
}

static void
defaults_refuse_bad_options_and_a_frozen_app(void **state)
{
    static const char *const bad[] = {"not an origin", NULL};
    lando_defaults_options_t opts = {.cors.origins = bad};
    lando_app_t *app = t_app_new();
    lando_ctx_t *ctx;

    assert_int_equal(lando_use_defaults(NULL, NULL), LANDO_EINVAL);
    assert_int_equal(lando_use_defaults(app, &opts), LANDO_EINVAL);
    t_app_free(app);

    app = t_app_new();
    ctx = t_begin(app, "GET", "/");
    t_handle(ctx);
    assert_int_equal(lando_use_defaults(app, NULL), LANDO_EFROZEN);
    t_app_free(app);
}

static void
defaults_survive_every_failed_allocation(void **state)
{
    lando_defaults_options_t opts = {.cors.origins = any_origin};
    long before = t_alloc_live();
    lando_err_t err = LANDO_ENOMEM;
    long n;

    for (n = 0; err == LANDO_ENOMEM; n++) {
        lando_app_t *app = lando_app_new();

        assert_non_null(app);
        t_alloc_fail_at(n);
        err = lando_use_defaults(app, &opts);
        t_alloc_fail_at(-1);
        if (err) {
            assert_int_equal(err, LANDO_ENOMEM);
        }
        lando_app_free(app);
        assert_int_equal(t_alloc_live(), before);
    }
    assert_int_equal(err, LANDO_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            defaults_answer_failures_as_json_and_log_the_final_status),
        cmocka_unit_test(
            defaults_decode_bodies_before_handlers_and_map_bad_ones),
        cmocka_unit_test(defaults_compress_handler_and_error_bodies),
        cmocka_unit_test(defaults_leave_cors_out_unless_origins_are_given),
        cmocka_unit_test(defaults_pass_each_middleware_its_options),
        cmocka_unit_test(defaults_can_leave_any_middleware_out),
        cmocka_unit_test(defaults_refuse_bad_options_and_a_frozen_app),
        cmocka_unit_test(defaults_survive_every_failed_allocation),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, capture_setup, capture_teardown);
}
