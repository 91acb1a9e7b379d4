/*
 * The OpenAPI plugin: the document built from routes and route docs
 * (paths, parameters, methods, summaries, tags, schemas, responses), how
 * it is served (once built, then from memory), the docs page, and
 * running out of memory while building.
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

#include <lando/plugin.h>
#include <lando/plugins/health.h>
#include <lando/plugins/openapi.h>


#define ITEM_SCHEMA                                                            \
    "{\"type\": \"object\", \"required\": [\"title\"], \"properties\": "     \
    "{\"title\": {\"type\": \"string\"}}}"

static lando_route_t *
route(lando_app_t *app, const char *method, const char *pattern)
{
    lando_route_t *r = NULL;

    assert_int_equal(lando_group_route(lando_app_root(app), method, pattern,
                                       t_reply, NULL, &r),
                     LANDO_OK);
    return r;
}

static json_t *
build(lando_app_t *app, const lando_openapi_options_t *o)
{
    json_t *doc = NULL;

    assert_int_equal(lando_openapi_build(app, o, &doc), LANDO_OK);
    assert_non_null(doc);
    return doc;
}

/* The value at a path of keys, e.g. get(doc, "paths", "/a", "get", NULL).
 */
static json_t *
get(json_t *v, ...)
{
    va_list ap;
    const char *key;

    va_start(ap, v);
    while ((key = va_arg(ap, const char *)) != NULL) {
        v = json_object_get(v, key);
    }
    va_end(ap);
    return v;
}

static const char *
str(json_t *v)
{
    return json_string_value(v);
}

T_APP_TEST(openapi_document_has_the_version_info_and_error_schema)
{
    json_t *doc = build(app, &(lando_openapi_options_t){
                                 .title = "Todo API",
                                 .version = "1.2.0",
                                 .description = "Things to do"});

    assert_string_equal(str(get(doc, "openapi", NULL)), "3.1.0");
    assert_string_equal(str(get(doc, "info", "title", NULL)), "Todo API");
    assert_string_equal(str(get(doc, "info", "version", NULL)), "1.2.0");
    assert_string_equal(str(get(doc, "info", "description", NULL)),
                        "Things to do");
    assert_null(get(doc, "servers", NULL));
    assert_non_null(get(doc, "components", "schemas", "Error", "properties",
                        "error", "properties", "fields", NULL));
    assert_int_equal(json_object_size(get(doc, "paths", NULL)), 0);
    json_decref(doc);

    doc = build(app, NULL);
    assert_string_equal(str(get(doc, "info", "title", NULL)), "lando app");
    assert_string_equal(str(get(doc, "info", "version", NULL)), "0.0.0");
    json_decref(doc);
}

T_APP_TEST(openapi_turns_parameters_into_path_templates)
{
    json_t *doc, *params;

    route(app, "GET", "/users/{id}/files/{path+}");
    doc = build(app, NULL);

    params = get(doc, "paths", "/users/{id}/files/{path}", "get",
                 "parameters", NULL);
    assert_int_equal(json_array_size(params), 2);
    assert_string_equal(str(get(json_array_get(params, 0), "name", NULL)),
                        "id");
    assert_string_equal(str(get(json_array_get(params, 0), "in", NULL)),
                        "path");
    assert_true(json_is_true(get(json_array_get(params, 0), "required",
                                 NULL)));
    assert_null(get(json_array_get(params, 0), "x-lando-greedy", NULL));
    assert_string_equal(str(get(json_array_get(params, 1), "name", NULL)),
                        "path");
    assert_true(json_is_true(get(json_array_get(params, 1),
                                 "x-lando-greedy", NULL)));
    assert_non_null(strstr(str(get(json_array_get(params, 1),
                                   "description", NULL)),
                           "Greedy"));
    json_decref(doc);
}

T_APP_TEST(openapi_lists_the_standard_methods_for_any_and_exact_wins)
{
    static const char *const any[] = {"get", "put", "post", "delete",
                                      "patch", "head", "options"};
    lando_route_t *r;
    json_t *doc, *item;
    size_t i;

    r = route(app, "ANY", "/things");
    assert_int_equal(lando_route_set_doc(r, &(lando_route_doc_t){
                                                .summary = "anything",
                                                .operation_id = "things"}),
                     LANDO_OK);
    r = route(app, "GET", "/things");
    assert_int_equal(lando_route_set_doc(r, &(lando_route_doc_t){
                                                .summary = "list"}),
                     LANDO_OK);
    route(app, "PROPFIND", "/things");
    doc = build(app, NULL);

    item = get(doc, "paths", "/things", NULL);
    assert_int_equal(json_object_size(item), 7);
    for (i = 0; i < sizeof(any) / sizeof(any[0]); i++) {
        assert_non_null(json_object_get(item, any[i]));
    }
    assert_null(json_object_get(item, "trace"));
    assert_string_equal(str(get(item, "get", "summary", NULL)), "list");
    assert_string_equal(str(get(item, "post", "summary", NULL)), "anything");
    assert_string_equal(str(get(item, "post", "operationId", NULL)),
                        "things_post");
    assert_null(get(item, "get", "operationId", NULL));
    json_decref(doc);
}

T_APP_TEST(openapi_carries_summaries_tags_and_schemas_of_route_docs)
{
    lando_route_t *r = route(app, "POST", "/items/{id}");
    json_t *doc, *op, *params;

    assert_int_equal(
        lando_route_set_doc(
            r,
            &(lando_route_doc_t){
                .summary = "Create an item",
                .description = "Stores it.",
                .tags = (const char *const[]){"items", "write", NULL},
                .operation_id = "createItem",
                .request_schema = ITEM_SCHEMA,
                .response_status = 201,
                .response_description = "The new item",
                .response_schema = ITEM_SCHEMA,
                .params =
                    (const lando_param_doc_t[]){
                        {.name = "id", .in = "path",
                         .description = "Item id",
                         .schema = "{\"type\": \"integer\"}"},
                        {.name = "dry", .schema = "{\"type\": \"boolean\"}"},
                        {.name = "X-Trace", .in = "header",
                         .required = true},
                        {NULL}},
                .deprecated = true,
            }),
        LANDO_OK);
    doc = build(app, NULL);
    op = get(doc, "paths", "/items/{id}", "post", NULL);

    assert_string_equal(str(get(op, "summary", NULL)), "Create an item");
    assert_string_equal(str(get(op, "description", NULL)), "Stores it.");
    assert_string_equal(str(get(op, "operationId", NULL)), "createItem");
    assert_true(json_is_true(get(op, "deprecated", NULL)));
    assert_string_equal(str(json_array_get(get(op, "tags", NULL), 1)),
                        "write");
    assert_string_equal(str(get(json_array_get(get(doc, "tags", NULL), 0),
                                "name", NULL)),
                        "items");

    params = get(op, "parameters", NULL);
    assert_int_equal(json_array_size(params), 3);
    assert_string_equal(str(get(json_array_get(params, 0), "schema",
                                "type", NULL)),
                        "integer");
    assert_string_equal(str(get(json_array_get(params, 0), "description",
                                NULL)),
                        "Item id");
    assert_string_equal(str(get(json_array_get(params, 1), "in", NULL)),
                        "query");
    assert_true(json_is_false(get(json_array_get(params, 1), "required",
                                  NULL)));
    assert_string_equal(str(get(json_array_get(params, 2), "schema",
                                "type", NULL)),
                        "string");
    assert_true(json_is_true(get(json_array_get(params, 2), "required",
                                 NULL)));

    assert_true(json_is_true(get(op, "requestBody", "required", NULL)));
    assert_string_equal(str(get(op, "requestBody", "content",
                                "application/json", "schema", "properties",
                                "title", "type", NULL)),
                        "string");
    assert_string_equal(str(get(op, "responses", "201", "description",
                                NULL)),
                        "The new item");
    assert_non_null(get(op, "responses", "201", "content",
                        "application/json", "schema", "required", NULL));
    assert_string_equal(str(get(op, "responses", "422", "content",
                                "application/json", "schema", "$ref",
                                NULL)),
                        "#/components/schemas/Error");
    assert_string_equal(str(get(op, "responses", "default", "content",
                                "application/json", "schema", "$ref",
                                NULL)),
                        "#/components/schemas/Error");
    json_decref(doc);
}

T_APP_TEST(openapi_undocumented_route_gets_a_plain_success_response)
{
    json_t *doc, *op;

    route(app, "DELETE", "/x");
    doc = build(app, NULL);
    op = get(doc, "paths", "/x", "delete", NULL);
    assert_string_equal(str(get(op, "responses", "200", "description",
                                NULL)),
                        "OK");
    assert_null(get(op, "responses", "422", NULL));
    assert_null(get(op, "requestBody", NULL));
    assert_null(get(op, "parameters", NULL));
    assert_null(get(op, "tags", NULL));
    json_decref(doc);
}

T_APP_TEST(openapi_tags_plugin_routes_and_leaves_out_its_own_and_hidden)
{
    lando_route_t *r = route(app, "GET", "/secret");
    json_t *doc;

    assert_int_equal(lando_route_set_doc(r, &(lando_route_doc_t){
                                                .hidden = true}),
                     LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &lando_health_plugin, "/ops",
                                        NULL),
                     LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &lando_openapi_plugin, "/meta",
                                        NULL),
                     LANDO_OK);
    doc = build(app, NULL);

    assert_null(get(doc, "paths", "/secret", NULL));
    assert_null(get(doc, "paths", "/meta/openapi.json", NULL));
    assert_null(get(doc, "paths", "/meta/docs", NULL));
    assert_string_equal(str(json_array_get(get(doc, "paths", "/ops/health",
                                               "get", "tags", NULL),
                                           0)),
                        "health");
    assert_non_null(get(doc, "paths", "/ops/health", "get", "responses",
                        "200", "content", "application/json", "schema",
                        NULL));
    assert_string_equal(str(get(json_array_get(get(doc, "x-lando-plugins",
                                                   NULL),
                                               1),
                                "prefix", NULL)),
                        "/meta");
    json_decref(doc);

    doc = build(app, &(lando_openapi_options_t){.include_self = true});
    assert_non_null(get(doc, "paths", "/meta/openapi.json", "get", NULL));
    json_decref(doc);
}

T_APP_TEST(openapi_json_is_built_once_and_served_from_memory)
{
    lando_ctx_t *ctx;
    const char *first, *again;
    size_t len;
    json_t *doc;

    route(app, "GET", "/a/{b}");
    assert_int_equal(lando_plugin_mount(app, &lando_openapi_plugin,
                                        "/meta/v1",
                                        &(lando_openapi_options_t){
                                            .title = "T"}),
                     LANDO_OK);

    ctx = t_begin(app, "GET", "/meta/v1/openapi.json");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(lando_response_header(lando_res(ctx),
                                              "Content-Type"),
                        "application/json");
    first = lando_response_body(lando_res(ctx), &len);
    doc = json_loadb(first, len, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(str(get(doc, "info", "title", NULL)), "T");
    assert_string_equal(str(get(json_array_get(get(doc, "servers", NULL), 0),
                                "url", NULL)),
                        "../..");
    assert_non_null(get(doc, "paths", "/a/{b}", "get", NULL));
    json_decref(doc);

    ctx = t_begin(app, "GET", "/meta/v1/openapi.json");
    assert_int_equal(t_handle(ctx), 200);
    again = lando_response_body(lando_res(ctx), NULL);
    assert_ptr_equal(first, again);
}

T_APP_TEST(openapi_server_url_is_the_root_relative_to_the_document)
{
    lando_ctx_t *ctx;
    json_t *doc;

    assert_int_equal(lando_plugin_mount(app, &lando_openapi_plugin, "",
                                        NULL),
                     LANDO_OK);
    ctx = t_begin(app, "GET", "/openapi.json");
    assert_int_equal(t_handle(ctx), 200);
    doc = json_loads(t_body_str(ctx), 0, NULL);
    assert_string_equal(str(get(json_array_get(get(doc, "servers", NULL), 0),
                                "url", NULL)),
                        ".");
    json_decref(doc);
}

T_APP_TEST(openapi_docs_page_is_self_contained_html)
{
    lando_ctx_t *ctx;
    const char *csp, *body;

    assert_int_equal(lando_plugin_mount(app, &lando_openapi_plugin, "/meta",
                                        NULL),
                     LANDO_OK);
    ctx = t_begin(app, "GET", "/meta/docs");
    assert_int_equal(t_handle(ctx), 200);
    assert_string_equal(lando_response_header(lando_res(ctx),
                                              "Content-Type"),
                        "text/html; charset=utf-8");
    csp = lando_response_header(lando_res(ctx), "Content-Security-Policy");
    assert_non_null(csp);
    assert_non_null(strstr(csp, "default-src 'none'"));
    assert_non_null(strstr(csp, "connect-src 'self'"));
    body = t_body_str(ctx);
    assert_non_null(strstr(body, "<!doctype html>"));
    assert_non_null(strstr(body, "openapi.json"));
    assert_null(strstr(body, "http://"));
    assert_null(strstr(body, "https://"));
    assert_null(strstr(body, "<link"));
    assert_null(strstr(body, "src="));
}

T_APP_TEST(openapi_without_the_docs_page_serves_only_the_document)
{
    assert_int_equal(lando_plugin_mount(app, &lando_openapi_plugin, "/meta",
                                        &(lando_openapi_options_t){
                                            .no_docs_page = true}),
                     LANDO_OK);
    assert_int_equal(t_handle(t_begin(app, "GET", "/meta/docs")), 404);
    assert_int_equal(t_handle(t_begin(app, "GET", "/meta/openapi.json")),
                     200);
}

T_APP_TEST(openapi_build_returns_enomem_at_every_failed_allocation)
{
    lando_route_t *r = route(app, "POST", "/items/{id+}");
    json_t *doc = NULL;
    lando_err_t err;
    long n;

    assert_int_equal(lando_route_set_doc(r, &(lando_route_doc_t){
                                                .summary = "s",
                                                .tags = (const char *const[]){
                                                    "t", NULL},
                                                .request_schema =
                                                    ITEM_SCHEMA}),
                     LANDO_OK);
    route(app, "ANY", "/any");
    for (n = 0;; n++) {
        t_alloc_fail_at(n);
        err = lando_openapi_build(app, NULL, &doc);
        t_alloc_fail_at(-1);
        if (err == LANDO_OK) {
            break;
        }
        assert_int_equal(err, LANDO_ENOMEM);
        assert_null(doc);
        assert_true(n < 100000);
    }
    assert_true(n > 10);
    json_decref(doc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            openapi_document_has_the_version_info_and_error_schema),
        cmocka_unit_test(openapi_turns_parameters_into_path_templates),
        cmocka_unit_test(
            openapi_lists_the_standard_methods_for_any_and_exact_wins),
        cmocka_unit_test(
            openapi_carries_summaries_tags_and_schemas_of_route_docs),
        cmocka_unit_test(
            openapi_undocumented_route_gets_a_plain_success_response),
        cmocka_unit_test(
            openapi_tags_plugin_routes_and_leaves_out_its_own_and_hidden),
        cmocka_unit_test(openapi_json_is_built_once_and_served_from_memory),
        cmocka_unit_test(
            openapi_server_url_is_the_root_relative_to_the_document),
        cmocka_unit_test(openapi_docs_page_is_self_contained_html),
        cmocka_unit_test(
            openapi_without_the_docs_page_serves_only_the_document),
        cmocka_unit_test(
            openapi_build_returns_enomem_at_every_failed_allocation),
    };

    t_use_test_allocator();
    lando_log_set_fd(-1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
