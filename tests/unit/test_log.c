/*
 * Structured log lines: key order, escaping, levels, the request id,
 * extra keys, truncation that keeps the JSON valid, and discarding.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static int fds[2] = {-1, -1};
static char got[65536];

static int
open_pipe(void **state)
{
    if (pipe(fds) != 0) {
        return -1;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    lando_log_set_fd(fds[1]);
    lando_log_set_level(LANDO_LOG_DEBUG);
    return 0;
}

static int
close_pipe(void **state)
{
    lando_log_set_fd(1);
    lando_log_set_level(LANDO_LOG_INFO);
    close(fds[0]);
    close(fds[1]);
    return 0;
}

/* Everything written since the last call. */
static const char *
drain(void)
{
    size_t len = 0;
    ssize_t n;

    while ((n = read(fds[0], got + len, sizeof(got) - 1 - len)) > 0) {
        len += (size_t)n;
    }
    got[len] = '\0';
    return got;
}

/* The single line written, parsed; fails unless it is one JSON line. */
static json_t *
one_line(void)
{
    const char *s = drain();
    size_t len = strlen(s);
    json_error_t err;
    json_t *v;

    assert_true(len > 0);
    assert_int_equal(s[len - 1], '\n');
    assert_null(memchr(s, '\n', len - 1));
    v = json_loadb(s, len, 0, &err);
    if (!v) {
        fail_msg("not JSON (%s): %s", err.text, s);
    }
    return v;
}

static void
log_writes_one_json_line_with_the_runtime_keys_in_order(void **state)
{
    json_t *v;
    const char *ts;

    lando_log(NULL, LANDO_LOG_INFO, "hello %s", "world");
    v = one_line();
    assert_int_equal(strncmp(got, "{\"timestamp\":\"", 14), 0);
    assert_non_null(strstr(got, "\",\"level\":\"INFO\",\"message\":"
                                "\"hello world\"}\n"));
    ts = json_string_value(json_object_get(v, "timestamp"));
    /* 2026-12-03T16:50:55.123Z */
    assert_int_equal(strlen(ts), 24);
    assert_int_equal(ts[10], 'T');
    assert_int_equal(ts[19], '.');
    assert_int_equal(ts[23], 'Z');
    assert_null(json_object_get(v, "requestId"));
    json_decref(v);
}

static void
log_adds_the_request_id_and_extra_keys(void **state)
{
    lando_app_t *app = t_app_new();
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    json_t *rc = json_pack("{s:s}", "requestId", "req-1");
    lando_log_kv_t kv[] = {
        {.key = "status", .type = LANDO_KV_INT, .v.i = 404},
        {.key = "route", .type = LANDO_KV_STR, .v.s = NULL},
        {.key = "durationMs", .type = LANDO_KV_DOUBLE, .v.d = 1.25},
        {.key = "coldStart", .type = LANDO_KV_BOOL, .v.b = true},
        {.key = "nan", .type = LANDO_KV_DOUBLE, .v.d = 0.0 / 0.0},
    };

    lando_request_set_context_json(lando_req(ctx), rc);
    lando_log_kv(ctx, LANDO_LOG_WARN, kv, 5, "done");
    json_decref(one_line());
    assert_non_null(strstr(got, "\"level\":\"WARN\",\"message\":\"done\","
                                "\"requestId\":\"req-1\",\"status\":404,"
                                "\"route\":null,\"durationMs\":1.25,"
                                "\"coldStart\":true,\"nan\":null}\n"));
    json_decref(rc);
    t_app_free(app);
}

static void
log_escapes_quotes_controls_and_bad_utf8(void **state)
{
    json_t *v;

    lando_log(NULL, LANDO_LOG_ERROR, "a\"b\\c\nd\te\x01"
                                     "f\xffg \xc3\xa9");
    v = one_line();
    assert_string_equal(json_string_value(json_object_get(v, "message")),
                        "a\"b\\c\nd\te\x01"
                        "f\xef\xbf\xbdg \xc3\xa9");
    assert_non_null(strstr(got, "\\u0001"));
    json_decref(v);
}

static void
log_skips_lines_below_the_level(void **state)
{
    lando_log_set_level(LANDO_LOG_WARN);
    assert_false(lando_log_enabled(LANDO_LOG_INFO));
    assert_true(lando_log_enabled(LANDO_LOG_ERROR));
    lando_log(NULL, LANDO_LOG_INFO, "quiet");
    lando_log(NULL, LANDO_LOG_DEBUG, "quiet");
    assert_string_equal(drain(), "");
    lando_log(NULL, LANDO_LOG_ERROR, "loud");
    json_decref(one_line());

    lando_log_set_level(LANDO_LOG_OFF);
    lando_log(NULL, LANDO_LOG_ERROR, "off");
    assert_string_equal(drain(), "");
    lando_log_set_level(LANDO_LOG_DEBUG);
}

static void
log_caps_long_values_and_keeps_lines_valid(void **state)
{
    static char big[20000];
    lando_log_kv_t kv[3];
    json_t *v;
    size_t i;

    /* Multi-byte characters, so a cut could fall inside one. */
    for (i = 0; i + 2 < sizeof(big); i += 2) {
        big[i] = '\xc3';
        big[i + 1] = '\xa9';
    }
    kv[0].key = "a";
    kv[0].type = LANDO_KV_STR;
    kv[0].v.s = big + 1; /* starts in the middle of a character */
    kv[1].key = "b";
    kv[1].type = LANDO_KV_STR;
    kv[1].v.s = big;
    kv[2].key = "c";
    kv[2].type = LANDO_KV_INT;
    kv[2].v.i = 7;

    lando_log_kv(NULL, LANDO_LOG_INFO, kv, 3, "%s", big);
    v = one_line();
    assert_true(strlen(got) <= 8192);
    assert_true(json_is_true(json_object_get(v, "truncated")));
    assert_non_null(json_object_get(v, "message"));
    /* Each long value is capped, so the fields after it survive. */
    assert_true(strlen(json_string_value(json_object_get(v, "a"))) <= 1024);
    assert_true(strlen(json_string_value(json_object_get(v, "b"))) <= 1024);
    assert_int_equal(json_integer_value(json_object_get(v, "c")), 7);
    json_decref(v);

    /* U+2028 and U+2029 are escaped, so line splitters see one line. */
    kv[0].v.s = "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c";
    lando_log_kv(NULL, LANDO_LOG_INFO, kv, 1, "x");
    v = one_line();
    assert_non_null(strstr(got, "\"a\":\"a\\u2028b\\u2029c\""));
    json_decref(v);

    /* Many short keys: the cut falls between pairs. */
    {
        lando_log_kv_t many[900];

        for (i = 0; i < 900; i++) {
            many[i].key = "key";
            many[i].type = LANDO_KV_INT;
            many[i].v.i = (int64_t)i;
        }
        lando_log_kv(NULL, LANDO_LOG_INFO, many, 900, "many");
        v = one_line();
        assert_true(json_is_true(json_object_get(v, "truncated")));
        json_decref(v);
    }
}

static void
log_discards_lines_with_fd_minus_one(void **state)
{
    lando_log_set_fd(-1);
    assert_false(lando_log_enabled(LANDO_LOG_ERROR));
    lando_log(NULL, LANDO_LOG_ERROR, "nowhere");
    lando_log_set_fd(fds[1]);
    assert_string_equal(drain(), "");
}

static void
log_level_parses_names_in_any_case(void **state)
{
    assert_int_equal(lando_log_level_parse("debug"), LANDO_LOG_DEBUG);
    assert_int_equal(lando_log_level_parse("TRACE"), LANDO_LOG_DEBUG);
    assert_int_equal(lando_log_level_parse("Info"), LANDO_LOG_INFO);
    assert_int_equal(lando_log_level_parse("warn"), LANDO_LOG_WARN);
    assert_int_equal(lando_log_level_parse("WARNING"), LANDO_LOG_WARN);
    assert_int_equal(lando_log_level_parse("error"), LANDO_LOG_ERROR);
    assert_int_equal(lando_log_level_parse("FATAL"), LANDO_LOG_ERROR);
    assert_int_equal(lando_log_level_parse("loud"), LANDO_LOG_INFO);
    assert_int_equal(lando_log_level_parse(""), LANDO_LOG_INFO);
    assert_int_equal(lando_log_level_parse(NULL), LANDO_LOG_INFO);
}

static void
log_level_comes_from_the_environment(void **state)
{
    setenv("AWS_LAMBDA_LOG_LEVEL", "error", 1);
    lando_log_level_from_env();
    assert_int_equal(lando_log_level(), LANDO_LOG_ERROR);
    unsetenv("AWS_LAMBDA_LOG_LEVEL");
    lando_log_set_level(LANDO_LOG_DEBUG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            log_writes_one_json_line_with_the_runtime_keys_in_order),
        cmocka_unit_test(log_adds_the_request_id_and_extra_keys),
        cmocka_unit_test(log_escapes_quotes_controls_and_bad_utf8),
        cmocka_unit_test(log_skips_lines_below_the_level),
        cmocka_unit_test(log_caps_long_values_and_keeps_lines_valid),
        cmocka_unit_test(log_discards_lines_with_fd_minus_one),
        cmocka_unit_test(log_level_parses_names_in_any_case),
        cmocka_unit_test(log_level_comes_from_the_environment),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, open_pipe, close_pipe);
}
