/*
 * The health plugin: what GET {prefix}/health reports, its check hook,
 * and the route doc it brings for the OpenAPI document.
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include <lando/plugin.h>
#include <lando/plugins/health.h>


/* GET PATH on APP; the parsed body (new reference) and *STATUS. */
static json_t *
get_json(lando_app_t *app, const char *path, int *status)
{
    lando_ctx_t *ctx = t_begin(app, "GET", path);
    json_t *body;

    *status = t_handle(ctx);
    body = json_loads(t_body_str(ctx), 0, NULL);
    assert_non_null(body);
    return body;
}

T_APP_TEST(health_reports_status_version_cold_start_uptime_invocations)
{
    json_t *body;
    int status;

    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "/ops",
                                        &(lando_health_options_t){
                                            .version = "1.4.2"}),
                     LANDO_OK);
    t_handle(t_begin(app, "GET", "/warm-up"));
    body = get_json(app, "/ops/health", &status);

    assert_int_equal(status, 200);
    assert_string_equal(json_string_value(json_object_get(body, "status")),
                        "ok");
    assert_string_equal(json_string_value(json_object_get(body, "version")),
                        "1.4.2");
    /* the process has served before, so this one is warm */
    assert_true(json_is_false(json_object_get(body, "coldStart")));
    assert_true(json_is_integer(json_object_get(body, "uptimeMs")));
    assert_true(json_integer_value(json_object_get(body, "uptimeMs")) >= 0);
    assert_int_equal(json_integer_value(json_object_get(body,
                                                        "invocations")),
                     2);
    assert_null(json_object_get(body, "checks"));
    json_decref(body);
}

T_APP_TEST(health_is_never_cached_and_answers_json)
{
    lando_ctx_t *ctx;

    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "", NULL),
                     LANDO_OK);
    ctx = t_begin(app, "GET", "/health");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(lando_response_header(lando_res(ctx),
                                              "Cache-Control"),
                        "no-store");
    assert_string_equal(lando_response_header(lando_res(ctx),
                                              "Content-Type"),
                        "application/json");
}

T_APP_TEST(health_version_falls_back_to_the_function_version_or_null)
{
    json_t *body;
    int status;

    unsetenv("AWS_LAMBDA_FUNCTION_VERSION");
    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "/a",
                                        NULL),
                     LANDO_OK);
    setenv("AWS_LAMBDA_FUNCTION_VERSION", "7", 1);
    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "/b",
                                        NULL),
                     LANDO_OK);
    unsetenv("AWS_LAMBDA_FUNCTION_VERSION");

    body = get_json(app, "/a/health", &status);
    assert_true(json_is_null(json_object_get(body, "version")));
    json_decref(body);
    body = get_json(app, "/b/health", &status);
    assert_string_equal(json_string_value(json_object_get(body, "version")),
                        "7");
    json_decref(body);
}

static lando_err_t
db_down(lando_ctx_t *ctx, void *data, json_t *report)
{
    (*(int *)data)++;
    json_object_set_new(report, "database", json_string("unreachable"));
    return LANDO_EUNAVAILABLE;
}

static lando_err_t
db_up(lando_ctx_t *ctx, void *data, json_t *report)
{
    return LANDO_OK;
}

T_APP_TEST(health_check_failure_answers_503_with_its_report)
{
    json_t *body;
    int status, calls = 0;

    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "/down",
                                        &(lando_health_options_t){
                                            .check = db_down,
                                            .check_data = &calls}),
                     LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "/up",
                                        &(lando_health_options_t){
                                            .check = db_up}),
                     LANDO_OK);

    body = get_json(app, "/down/health", &status);
    assert_int_equal(status, 503);
    assert_int_equal(calls, 1);
    assert_string_equal(json_string_value(json_object_get(body, "status")),
                        "fail");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(body, "checks"), "database")),
                        "unreachable");
    json_decref(body);

    body = get_json(app, "/up/health", &status);
    assert_int_equal(status, 200);
    assert_null(json_object_get(body, "checks"));
    json_decref(body);
}

T_APP_TEST(health_route_is_documented_and_tagged_with_the_plugin)
{
    lando_route_t *r;

    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "/ops",
                                        NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_route_count(app), 1);
    r = lando_app_route_at(app, 0);
    assert_string_equal(lando_route_pattern(r), "/ops/health");
    assert_string_equal(lando_route_plugin(r), "health");
    assert_non_null(lando_route_doc(r));
    assert_non_null(lando_route_response_schema(r));
    assert_string_equal(lando_app_plugin_at(app, 0)->version, LANDO_VERSION);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            health_reports_status_version_cold_start_uptime_invocations),
        cmocka_unit_test(health_is_never_cached_and_answers_json),
        cmocka_unit_test(
            health_version_falls_back_to_the_function_version_or_null),
        cmocka_unit_test(health_check_failure_answers_503_with_its_report),
        cmocka_unit_test(
            health_route_is_documented_and_tagged_with_the_plugin),
    };

    t_use_test_allocator();
    lando_log_set_fd(-1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
