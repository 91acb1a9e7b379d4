/*
 * The logging middleware through a real app, with the log captured from
 * a pipe and parsed with jansson: one line per invocation carrying the
 * request id, the standard fields, ERROR only for 5xx, and never a
 * secret header value or a body.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <lando/mw/error_map.h>
#include <lando/mw/logging.h>

#include "support.h"

#define REQUEST_ID "c6af9ac6-7b61-11e6-9a41-93e812345678"

static int log_pipe[2];

/* ---- log capture ----------------------------------------------------- */

static int
capture_setup(void **state)
{
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

/* Everything logged since the last call, NUL-terminated (test_malloc). */
static char *
drain(void)
{
    size_t cap = 65536;
    size_t len = 0;
    char *buf = test_malloc(cap);
    ssize_t n;

    while ((n = read(log_pipe[0], buf + len, cap - 1 - len)) > 0) {
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* The logged lines, parsed; each must be a JSON object. */
typedef struct lines {
    json_t *items[16];
    size_t count;
    char *text;
} lines_t;

static void
lines_read(lines_t *l)
{
    char *p;

    memset(l, 0, sizeof(*l));
    l->text = drain();
    p = l->text;
    while (*p) {
        char *nl = strchr(p, '\n');
        json_error_t jerr;

        assert_non_null(nl); /* every line is complete */
        assert_true(l->count < 16);
        l->items[l->count] = json_loadb(p, (size_t)(nl - p), 0, &jerr);
        if (!l->items[l->count]) {
            fail_msg("not JSON (%s): %.*s", jerr.text, (int)(nl - p), p);
        }
        assert_true(json_is_object(l->items[l->count]));
        l->count++;
        p = nl + 1;
    }
}

static void
lines_free(lines_t *l)
{
    size_t i;

    for (i = 0; i < l->count; i++) {
        json_decref(l->items[i]);
    }
    test_free(l->text);
}

static const char *
str_of(json_t *line, const char *key)
{
    return json_string_value(json_object_get(line, key));
}

/* ---- the app --------------------------------------------------------- */

static const char *
lambda_field(void *opaque, lando_ctx_t *ctx, lando_lambda_field_t field)
{
    return field == LANDO_LAMBDA_REQUEST_ID ? opaque : NULL;
}

static const lando_lambda_ops_t lambda_ops = {lambda_field, NULL};

static lando_err_t
reply(lando_ctx_t *ctx, void *data)
{
    lando_response_add_header(lando_res(ctx), "Set-Cookie",
                              "session=sekrit-set-cookie; HttpOnly");
    return lando_response_text(lando_res(ctx), 200, "body-sekrit");
}

static lando_err_t
crash(lando_ctx_t *ctx, void *data)
{
    lando_fail(ctx, LANDO_EINTERNAL, "could not save the order");
    lando_fail_detail(ctx, "disk full on /var/db");
    return LANDO_EINTERNAL;
}

static lando_err_t
refuse(lando_ctx_t *ctx, void *data)
{
    lando_fail(ctx, LANDO_EBADREQUEST, "missing field name");
    lando_fail_detail(ctx, "client sent sekrit-detail");
    return LANDO_EBADREQUEST;
}

static lando_app_t *
app_with(const lando_logging_options_t *opts, bool with_error_map)
{
    lando_app_t *app = t_app_new();
    lando_mw_t mw;

    assert_int_equal(lando_mw_logging(opts, &mw), LANDO_OK);
    assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    if (with_error_map) {
        assert_int_equal(lando_mw_error_map(NULL, &mw), LANDO_OK);
        assert_int_equal(lando_app_use(app, mw), LANDO_OK);
    }
    assert_int_equal(lando_app_route(app, "GET", "/users/{id}", reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "POST", "/orders", crash, NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route(app, "POST", "/refuse", refuse, NULL),
                     LANDO_OK);
    return app;
}

static lando_ctx_t *
begin(lando_app_t *app, const char *method, const char *target)
{
    lando_ctx_t *ctx = t_begin(app, method, target);

    lando_ctx_set_lambda(ctx, &lambda_ops, REQUEST_ID);
    return ctx;
}

/* Serve and return the one line it logged (the caller frees L). */
static json_t *
serve_one(lando_ctx_t *ctx, lines_t *l)
{
    t_handle(ctx);
    lines_read(l);
    assert_int_equal(l->count, 1);
    return l->items[0];
}

/* ---- tests ----------------------------------------------------------- */

static void
logging_writes_one_line_with_the_request_id_and_fields(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = begin(app, "GET", "/users/7?x=1");
    lines_t l;
    json_t *line;

    t_header(ctx, "User-Agent", "curl/8.5");
    line = serve_one(ctx, &l);

    assert_non_null(str_of(line, "timestamp"));
    assert_string_equal(str_of(line, "level"), "INFO");
    assert_string_equal(str_of(line, "message"), "GET /users/7 200");
    assert_string_equal(str_of(line, "requestId"), REQUEST_ID);
    assert_string_equal(str_of(line, "method"), "GET");
    assert_string_equal(str_of(line, "path"), "/users/7");
    assert_string_equal(str_of(line, "route"), "/users/{id}");
    assert_int_equal(json_integer_value(json_object_get(line, "status")),
                     200);
    assert_true(json_is_number(json_object_get(line, "durationMs")));
    assert_true(json_number_value(json_object_get(line, "durationMs")) >=
                0.0);
    assert_string_equal(str_of(line, "source"), "none");
    assert_string_equal(str_of(line, "userAgent"), "curl/8.5");
    assert_true(json_is_null(json_object_get(line, "sourceIp")));
    assert_true(json_is_boolean(json_object_get(line, "coldStart")));
    assert_null(json_object_get(line, "errorType"));
    assert_null(strstr(l.text, "x=1"));
    lines_free(&l);
    t_app_free(app);
}

static void
logging_reports_a_5xx_at_error_with_its_type_and_detail(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = begin(app, "POST", "/orders");
    lines_t l;
    json_t *line = serve_one(ctx, &l);

    assert_string_equal(str_of(line, "level"), "ERROR");
    assert_string_equal(str_of(line, "message"), "POST /orders 500");
    assert_int_equal(json_integer_value(json_object_get(line, "status")),
                     500);
    assert_string_equal(str_of(line, "errorType"), "EINTERNAL");
    assert_string_equal(str_of(line, "errorMessage"),
                        "could not save the order: disk full on /var/db");
    lines_free(&l);
    t_app_free(app);
}

static void
logging_reports_client_mistakes_at_info_without_detail(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = begin(app, "POST", "/refuse");
    lines_t l;
    json_t *line = serve_one(ctx, &l);

    assert_string_equal(str_of(line, "level"), "INFO");
    assert_int_equal(json_integer_value(json_object_get(line, "status")),
                     400);
    assert_string_equal(str_of(line, "errorType"), "EBADREQUEST");
    assert_string_equal(str_of(line, "errorMessage"), "missing field name");
    assert_null(strstr(l.text, "sekrit"));
    lines_free(&l);

    ctx = begin(app, "GET", "/nowhere");
    line = serve_one(ctx, &l);
    assert_string_equal(str_of(line, "level"), "INFO");
    assert_int_equal(json_integer_value(json_object_get(line, "status")),
                     404);
    assert_true(json_is_null(json_object_get(line, "route")));
    assert_string_equal(str_of(line, "errorType"), "ENOTFOUND");
    lines_free(&l);
    t_app_free(app);
}

static void
logging_sees_the_answer_error_map_gave_and_its_failure(void **state)
{
    lando_app_t *app = app_with(NULL, true);
    lando_ctx_t *ctx = begin(app, "POST", "/orders");
    lines_t l;
    json_t *line = serve_one(ctx, &l);

    assert_int_equal(lando_response_status(lando_res(ctx)), 500);
    assert_string_equal(str_of(line, "level"), "ERROR");
    assert_int_equal(json_integer_value(json_object_get(line, "status")),
                     500);
    assert_string_equal(str_of(line, "errorType"), "EINTERNAL");
    lines_free(&l);
    t_app_free(app);
}

static void
logging_never_writes_secrets_or_bodies(void **state)
{
    static const char *const extra[] = {"X-Session-Token", NULL};
    lando_logging_options_t opts = {.log_headers = true, .redact = extra};
    lando_app_t *app = app_with(&opts, false);
    lando_ctx_t *ctx;
    lines_t l;
    json_t *headers;
    size_t i;

    lando_log_set_level(LANDO_LOG_DEBUG);
    ctx = begin(app, "GET", "/users/1?token=sekrit-query");
    t_header(ctx, "Authorization", "Bearer sekrit-auth");
    t_header(ctx, "cookie", "sid=sekrit-cookie");
    t_header(ctx, "X-API-Key", "sekrit-key");
    t_header(ctx, "Proxy-Authorization", "Basic sekrit-proxy");
    t_header(ctx, "Set-Cookie", "a=sekrit-req-set-cookie");
    t_header(ctx, "x-session-token", "sekrit-custom");
    t_header(ctx, "Accept", "application/json");
    t_body(ctx, "application/json", "{\"password\":\"sekrit-body\"}");
    t_handle(ctx);
    lando_log_set_level(LANDO_LOG_INFO);

    lines_read(&l);
    assert_int_equal(l.count, 2);
    assert_null(strstr(l.text, "sekrit"));

    headers = NULL;
    for (i = 0; i < l.count; i++) {
        if (strcmp(str_of(l.items[i], "message"), "request headers") == 0) {
            headers = l.items[i];
        }
    }
    assert_non_null(headers);
    assert_string_equal(str_of(headers, "level"), "DEBUG");
    assert_string_equal(str_of(headers, "requestId"), REQUEST_ID);
    assert_string_equal(str_of(headers, "authorization"), "[redacted]");
    assert_string_equal(str_of(headers, "cookie"), "[redacted]");
    assert_string_equal(str_of(headers, "x-api-key"), "[redacted]");
    assert_string_equal(str_of(headers, "x-session-token"), "[redacted]");
    assert_string_equal(str_of(headers, "accept"), "application/json");
    lines_free(&l);
    t_app_free(app);
}

static void
logging_writes_no_header_line_unless_asked_and_at_debug(void **state)
{
    lando_app_t *app = app_with(&(lando_logging_options_t){
                                    .log_headers = true},
                                false);
    lando_ctx_t *ctx = begin(app, "GET", "/users/1");
    lines_t l;

    serve_one(ctx, &l); /* INFO threshold: the summary alone */
    lines_free(&l);
    t_app_free(app);

    lando_log_set_level(LANDO_LOG_DEBUG);
    app = app_with(NULL, false);
    ctx = begin(app, "GET", "/users/1");
    serve_one(ctx, &l);
    lando_log_set_level(LANDO_LOG_INFO);
    lines_free(&l);
    t_app_free(app);
}

static void
logging_level_option_can_only_quiet_it(void **state)
{
    lando_app_t *app = app_with(&(lando_logging_options_t){.level = "error"},
                                false);
    lando_ctx_t *ctx = begin(app, "GET", "/users/1");
    lines_t l;

    t_handle(ctx);
    lines_read(&l);
    assert_int_equal(l.count, 0);
    lines_free(&l);

    ctx = begin(app, "POST", "/orders");
    serve_one(ctx, &l);
    lines_free(&l);
    t_app_free(app);

    /* The process threshold still rules: DEBUG here logs no INFO line
     * while the process is at WARN. */
    app = app_with(&(lando_logging_options_t){.level = "DEBUG"}, false);
    lando_log_set_level(LANDO_LOG_WARN);
    ctx = begin(app, "GET", "/users/1");
    t_handle(ctx);
    lando_log_set_level(LANDO_LOG_INFO);
    lines_read(&l);
    assert_int_equal(l.count, 0);
    lines_free(&l);
    t_app_free(app);
}

static void
logging_falls_back_to_the_events_request_id(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = t_begin(app, "GET", "/users/1");
    json_t *context = json_pack("{s:s, s:{s:s}}", "requestId", "evt-42",
                                "identity", "sourceIp", "203.0.113.9");
    lines_t l;
    json_t *line;

    lando_request_set_context_json(lando_req(ctx), context);
    line = serve_one(ctx, &l);
    assert_string_equal(str_of(line, "requestId"), "evt-42");
    assert_string_equal(str_of(line, "sourceIp"), "203.0.113.9");
    lines_free(&l);
    json_decref(context);
    t_app_free(app);
}

static void
logging_marks_only_the_first_invocation_as_cold(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = begin(app, "GET", "/users/1");
    lines_t l;
    json_t *line;

    serve_one(ctx, &l);
    lines_free(&l);
    ctx = begin(app, "GET", "/users/2");
    line = serve_one(ctx, &l);
    assert_true(json_is_false(json_object_get(line, "coldStart")));
    lines_free(&l);
    t_app_free(app);
}

static void
logging_keeps_hostile_paths_valid_json(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = begin(app, "GET", "/a\"b\\c\x01\xff}");
    lines_t l;
    json_t *line;

    t_header(ctx, "User-Agent", "\"},{\"level\":\"ERROR");
    line = serve_one(ctx, &l);
    assert_string_equal(str_of(line, "level"), "INFO");
    assert_string_equal(str_of(line, "userAgent"), "\"},{\"level\":\"ERROR");
    lines_free(&l);
    t_app_free(app);
}

static void
logging_never_fails_a_request_when_the_log_is_broken(void **state)
{
    lando_app_t *app = app_with(NULL, false);
    lando_ctx_t *ctx = begin(app, "GET", "/users/1");

    lando_log_set_fd(1000); /* not open: every write fails */
    assert_int_equal(lando_app_handle(app, ctx), LANDO_OK);
    assert_int_equal(lando_response_status(lando_res(ctx)), 200);

    ctx = begin(app, "POST", "/refuse");
    assert_int_equal(lando_app_handle(app, ctx), LANDO_EBADREQUEST);
    assert_int_equal(lando_response_status(lando_res(ctx)), 400);
    lando_log_set_fd(log_pipe[1]);
    t_app_free(app);
}

static void
logging_refuses_unknown_levels_and_survives_no_memory(void **state)
{
    static const char *const extra[] = {"X-A", "X-B", NULL};
    lando_logging_options_t opts = {.level = "warning", .redact = extra};
    lando_mw_t mw;
    long before = t_alloc_live();
    lando_err_t err = LANDO_ENOMEM;
    long n;

    assert_int_equal(lando_mw_logging(&(lando_logging_options_t){
                                          .level = "LOUD"},
                                      &mw),
                     LANDO_EINVAL);
    assert_int_equal(lando_mw_logging(NULL, NULL), LANDO_EINVAL);
    for (n = 0; err == LANDO_ENOMEM; n++) {
        t_alloc_fail_at(n);
        err = lando_mw_logging(&opts, &mw);
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
            logging_writes_one_line_with_the_request_id_and_fields),
        cmocka_unit_test(
            logging_reports_a_5xx_at_error_with_its_type_and_detail),
        cmocka_unit_test(
            logging_reports_client_mistakes_at_info_without_detail),
        cmocka_unit_test(
            logging_sees_the_answer_error_map_gave_and_its_failure),
        cmocka_unit_test(logging_never_writes_secrets_or_bodies),
        cmocka_unit_test(
            logging_writes_no_header_line_unless_asked_and_at_debug),
        cmocka_unit_test(logging_level_option_can_only_quiet_it),
        cmocka_unit_test(logging_falls_back_to_the_events_request_id),
        cmocka_unit_test(logging_marks_only_the_first_invocation_as_cold),
        cmocka_unit_test(logging_keeps_hostile_paths_valid_json),
        cmocka_unit_test(
            logging_never_fails_a_request_when_the_log_is_broken),
        cmocka_unit_test(
            logging_refuses_unknown_levels_and_survives_no_memory),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, capture_setup, capture_teardown);
}
