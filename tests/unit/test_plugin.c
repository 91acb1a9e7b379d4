/*
 * Plugins and route docs: mounting under prefixes, middleware scoped to a
 * plugin's routes, app-wide hooks through the real app, conflicts that
 * name the plugin, the list of mounts, release at app free, route docs
 * and the validation they switch on (422 bodies). Allocations go through
 * cmocka's, so a leak fails the test that caused it.
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

#include <lando/plugin.h>

#include "internal.h"

static lando_ctx_t *last; /* the context of the last serve() */

/* Serve METHOD PATH with the JSON BODY (may be NULL); returns the status.
 */
static int
serve(lando_app_t *app, const char *method, const char *path, const char *body)
{
    last = t_begin(app, method, path);
    if (body != NULL) {
        t_body(last, "application/json", body);
    }
    return t_handle(last);
}

static const char *
body_of(void)
{
    return t_body_str(last);
}

/* ---- a small plugin ---------------------------------------------------- */

typedef struct counter_opts {
    const char *greeting;
    int *mw_calls;     /* counts runs of its scoped middleware */
    int *global_calls; /* counts runs of its app-wide middleware */
    int *freed;        /* set when its state is released */
} counter_opts_t;

typedef struct counter_state {
    char greeting[32];
    int *freed;
} counter_state_t;

static lando_err_t
count_mw(lando_ctx_t *ctx, void *state)
{
    (*(int *)state)++;
    return lando_next(ctx);
}

static lando_err_t
hello(lando_ctx_t *ctx, void *data)
{
    counter_state_t *st = data;

    return lando_response_text(lando_res(ctx), 200, st->greeting);
}

static void
counter_free(void *arg)
{
    counter_state_t *st = arg;

    if (st->freed != NULL) {
        (*st->freed)++;
    }
    lando_free(st);
}

static lando_err_t
counter_register(lando_plugin_t *p, void *options)
{
    const counter_opts_t *o = options;
    counter_state_t *st = lando_malloc(sizeof(*st));
    lando_err_t err;

    if (st == NULL) {
        return LANDO_ENOMEM;
    }
    snprintf(st->greeting, sizeof(st->greeting), "%s",
             o && o->greeting ? o->greeting : "hello");
    st->freed = o ? o->freed : NULL;
    err = lando_plugin_on_free(p, counter_free, st);
    if (err) {
        return err;
    }

    if (o != NULL && o->mw_calls != NULL) {
        err = lando_plugin_use(
            p, (lando_mw_t){"count", count_mw, o->mw_calls, NULL});
        if (err) {
            return err;
        }
    }
    if (o != NULL && o->global_calls != NULL) {
        err = lando_app_use(
            lando_plugin_app(p),
            (lando_mw_t){"count-all", count_mw, o->global_calls, NULL});
        if (err) {
            return err;
        }
    }
    return lando_plugin_route(p, "GET", "/hello", hello, st, NULL);
}

static const lando_plugin_def_t counter_plugin = {
    "counter",
    "2.1.0",
    counter_register,
};

static lando_err_t
failing_register(lando_plugin_t *p, void *options)
{
    return LANDO_ECONFLICT;
}

/* ---- mounting ----------------------------------------------------------- */

T_APP_TEST(plugin_routes_land_under_the_mount_prefix)
{
    assert_int_equal(
        lando_plugin_mount(app, &counter_plugin, "/ops",
                           &(counter_opts_t){.greeting = "hi there"}),
        LANDO_OK);
    assert_int_equal(serve(app, "GET", "/ops/hello", NULL), 200);
    assert_string_equal(body_of(), "hi there");
    assert_int_equal(serve(app, "GET", "/hello", NULL), 404);
}

T_APP_TEST(plugin_mounted_twice_serves_both_prefixes_with_own_options)
{
    assert_int_equal(
        lando_plugin_mount(app, &counter_plugin, "/a",
                           &(counter_opts_t){.greeting = "from a"}),
        LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/b/", NULL),
                     LANDO_OK);
    assert_int_equal(serve(app, "GET", "/a/hello", NULL), 200);
    assert_string_equal(body_of(), "from a");
    assert_int_equal(serve(app, "GET", "/b/hello", NULL), 200);
    assert_string_equal(body_of(), "hello");
}

T_APP_TEST(plugin_mounted_at_the_root_has_no_prefix)
{
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "", NULL),
                     LANDO_OK);
    assert_int_equal(serve(app, "GET", "/hello", NULL), 200);
    assert_string_equal(lando_app_plugin_at(app, 0)->prefix, "");
}

T_APP_TEST(app_lists_its_plugins_with_name_version_and_prefix)
{
    const lando_plugin_info_t *info;

    assert_int_equal(lando_app_plugin_count(app), 0);
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/x/", NULL),
                     LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/y", NULL),
                     LANDO_OK);
    assert_int_equal(lando_app_plugin_count(app), 2);
    info = lando_app_plugin_at(app, 0);
    assert_string_equal(info->name, "counter");
    assert_string_equal(info->version, "2.1.0");
    assert_string_equal(info->prefix, "/x");
    assert_string_equal(lando_app_plugin_at(app, 1)->prefix, "/y");
    assert_null(lando_app_plugin_at(app, 2));
}

T_APP_TEST(route_knows_the_plugin_that_registered_it)
{
    size_t i;
    int plugin_routes = 0;

    assert_int_equal(lando_app_route(app, "GET", "/own", t_reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/p", NULL),
                     LANDO_OK);
    for (i = 0; i < lando_app_route_count(app); i++) {
        lando_route_t *r = lando_app_route_at(app, i);
        const char *name = lando_route_plugin(r);

        if (strcmp(lando_route_pattern(r), "/own") == 0) {
            assert_null(name);
        } else {
            assert_string_equal(name, "counter");
            plugin_routes++;
        }
    }
    assert_int_equal(plugin_routes, 1);
}

/* ---- middleware scope ----------------------------------------------- */

T_APP_TEST(plugin_middleware_runs_for_its_own_routes_only)
{
    int calls = 0;

    assert_int_equal(lando_app_route(app, "GET", "/app", t_reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/ops",
                                        &(counter_opts_t){.mw_calls = &calls}),
                     LANDO_OK);

    assert_int_equal(serve(app, "GET", "/app", NULL), 200);
    assert_int_equal(calls, 0);
    assert_int_equal(serve(app, "GET", "/ops/hello", NULL), 200);
    assert_int_equal(calls, 1);
    assert_int_equal(serve(app, "GET", "/nowhere", NULL), 404);
    assert_int_equal(calls, 1);
}

T_APP_TEST(plugin_reaches_every_request_only_through_the_real_app)
{
    int all = 0;

    assert_int_equal(lando_app_route(app, "GET", "/app", t_reply, NULL),
                     LANDO_OK);
    assert_int_equal(
        lando_plugin_mount(app, &counter_plugin, "/ops",
                           &(counter_opts_t){.global_calls = &all}),
        LANDO_OK);
    serve(app, "GET", "/app", NULL);
    serve(app, "GET", "/ops/hello", NULL);
    serve(app, "GET", "/nowhere", NULL);
    assert_int_equal(all, 3);
}

/* ---- failures ------------------------------------------------------------ */

T_APP_TEST(route_conflict_inside_a_plugin_names_the_plugin_and_both_patterns)
{
    const char *why, *first;

    assert_int_equal(lando_app_route(app, "GET", "/ops/hello", t_reply, NULL),
                     LANDO_OK);
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/ops", NULL),
                     LANDO_EEXIST);
    why = lando_app_last_error(app);
    assert_non_null(strstr(why, "plugin counter at \"/ops\""));
    assert_non_null(strstr(why, "conflicts with"));
    /* both patterns, the new route's and the one already there */
    first = strstr(why, "GET /ops/hello");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "GET /ops/hello"));
}

T_APP_TEST(plugin_register_failure_is_reported_with_the_plugin_name)
{
    const lando_plugin_def_t bad = {"bad-one", NULL, failing_register};

    assert_int_equal(lando_plugin_mount(app, &bad, "/b", NULL),
                     LANDO_ECONFLICT);
    assert_string_equal(lando_app_last_error(app),
                        "plugin bad-one at \"/b\": conflict with the "
                        "current state");
    assert_string_equal(lando_app_plugin_at(app, 0)->version, "");
}

T_APP_TEST(plugin_mount_refuses_bad_definitions_and_prefixes)
{
    lando_plugin_def_t def = counter_plugin;

    assert_int_equal(lando_plugin_mount(NULL, &def, "", NULL), LANDO_EINVAL);
    assert_int_equal(lando_plugin_mount(app, NULL, "", NULL), LANDO_EINVAL);
    def.name = "has space";
    assert_int_equal(lando_plugin_mount(app, &def, "", NULL), LANDO_EINVAL);
    assert_non_null(strstr(lando_app_last_error(app), "has space"));
    def.name = "";
    assert_int_equal(lando_plugin_mount(app, &def, "", NULL), LANDO_EINVAL);
    def.name = "ok";
    def.register_fn = NULL;
    assert_int_equal(lando_plugin_mount(app, &def, "", NULL), LANDO_EINVAL);
    def.register_fn = counter_register;
    assert_int_equal(lando_plugin_mount(app, &def, "relative", NULL),
                     LANDO_EPATTERN);
    assert_non_null(strstr(lando_app_last_error(app), "plugin ok"));
    assert_int_equal(lando_app_plugin_count(app), 0);
}

T_APP_TEST(plugin_mount_after_the_first_invocation_is_refused)
{
    serve(app, "GET", "/", NULL);
    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/late", NULL),
                     LANDO_EFROZEN);
}

T_APP_TEST(plugin_state_is_released_when_the_app_is_freed)
{
    int freed = 0;

    assert_int_equal(lando_plugin_mount(app, &counter_plugin, "/a",
                                        &(counter_opts_t){.freed = &freed}),
                     LANDO_OK);
    assert_int_equal(freed, 0);
    lando__plugins_free(app);
    assert_int_equal(freed, 1);
    assert_int_equal(lando_app_plugin_count(app), 0);
}

/* ---- route docs and validation ------------------------------------------ */

#define ITEM_SCHEMA                                                            \
    "{\"type\": \"object\", \"required\": [\"title\"], "                       \
    "\"additionalProperties\": false, \"properties\": {"                       \
    "\"title\": {\"type\": \"string\", \"minLength\": 1}, "                    \
    "\"tags\": {\"type\": \"array\", \"items\": {\"type\": \"object\", "       \
    "\"required\": [\"name\"], \"properties\": {\"name\": "                    \
    "{\"type\": \"string\"}}}}}}"

static lando_route_t *
todo_route(lando_app_t *app, const char *method, const char *pattern)
{
    lando_route_t *r = NULL;

    assert_int_equal(lando_group_route(lando_app_root(app), method, pattern,
                                       t_reply, "created", &r),
                     LANDO_OK);
    return r;
}

T_APP_TEST(route_doc_is_copied_and_read_back)
{
    lando_route_t *r = todo_route(app, "GET", "/todos/{id}");
    char summary[] = "Read a todo";
    const lando_route_doc_t *d;

    assert_null(lando_route_doc(r));
    assert_int_equal(
        lando_route_set_doc(
            r,
            &(lando_route_doc_t){
                .summary = summary,
                .tags = (const char *const[]){"todos", NULL},
                .response_schema = "{\"type\": "
                                   "\"object\"}",
                .params =
                    (const lando_param_doc_t[]){
                        {.name = "id", .in = "path", .description = "The id"},
                        {.name = "v",
                         .schema = "{\"type\": "
                                   "\"integer\"}"},
                        {NULL},
                    },
            }),
        LANDO_OK);
    summary[0] = 'X';

    d = lando_route_doc(r);
    assert_non_null(d);
    assert_string_equal(d->summary, "Read a todo");
    assert_string_equal(d->tags[0], "todos");
    assert_null(d->tags[1]);
    assert_int_equal(d->response_status, 200);
    assert_string_equal(d->params[0].in, "path");
    assert_true(d->params[0].required);
    assert_string_equal(d->params[1].in, "query");
    assert_null(d->params[2].name);
    assert_null(lando_route_param_schema(r, 0));
    assert_string_equal(json_string_value(json_object_get(
                            lando_route_param_schema(r, 1), "type")),
                        "integer");
    assert_null(lando_route_param_schema(r, 2));
    assert_non_null(lando_route_response_schema(r));
    assert_null(lando_route_request_schema(r));
}

T_APP_TEST(route_doc_refuses_a_schema_outside_the_subset_at_setup)
{
    lando_route_t *r = todo_route(app, "POST", "/todos");

    assert_int_equal(
        lando_route_set_doc(r,
                            &(lando_route_doc_t){
                                .request_schema = "{\"properties\": "
                                                  "{\"title\": "
                                                  "{\"pattern\": "
                                                  "\"x\"}}}",
                            }),
        LANDO_EINVAL);
    assert_string_equal(lando_app_last_error(app),
                        "POST /todos: request_schema: $.properties.title: "
                        "unsupported keyword \"pattern\"");
    assert_null(lando_route_doc(r));
    /* nothing was left on the route: a valid doc can still be set */
    assert_int_equal(
        lando_route_set_doc(r, &(lando_route_doc_t){.summary = "s"}), LANDO_OK);
}

T_APP_TEST(route_doc_refuses_bad_parameters_and_a_second_doc)
{
    lando_route_t *r = todo_route(app, "GET", "/items/{id}");

    assert_int_equal(
        lando_route_set_doc(r,
                            &(lando_route_doc_t){
                                .params =
                                    (const lando_param_doc_t[]){
                                        {.name = "nope", .in = "path"}, {NULL}},
                            }),
        LANDO_EINVAL);
    assert_non_null(strstr(lando_app_last_error(app),
                           "path parameter \"nope\" is not in the pattern"));
    assert_int_equal(
        lando_route_set_doc(r,
                            &(lando_route_doc_t){
                                .params =
                                    (const lando_param_doc_t[]){
                                        {.name = "id", .in = "body"}, {NULL}},
                            }),
        LANDO_EINVAL);
    assert_int_equal(
        lando_route_set_doc(r, &(lando_route_doc_t){.response_status = 99}),
        LANDO_EINVAL);
    assert_int_equal(lando_route_set_doc(r, &(lando_route_doc_t){0}), LANDO_OK);
    assert_int_equal(lando_route_set_doc(r, &(lando_route_doc_t){0}),
                     LANDO_EINVAL);
    assert_non_null(strstr(lando_app_last_error(app), "already documented"));
    assert_int_equal(lando_route_set_doc(NULL, &(lando_route_doc_t){0}),
                     LANDO_EINVAL);
}

T_APP_TEST(documented_request_schema_lets_a_valid_body_reach_the_handler)
{
    lando_route_t *r = todo_route(app, "POST", "/todos");

    assert_int_equal(
        lando_route_set_doc(
            r, &(lando_route_doc_t){.request_schema = ITEM_SCHEMA}),
        LANDO_OK);
    assert_int_equal(serve(app, "POST", "/todos", "{\"title\": \"milk\"}"),
                     200);
    assert_string_equal(body_of(), "created");
}

T_APP_TEST(documented_request_schema_answers_422_with_each_failing_field)
{
    lando_route_t *r = todo_route(app, "POST", "/todos");
    json_t *body, *err, *fields;
    const lando_error_t *e;

    assert_int_equal(
        lando_route_set_doc(
            r, &(lando_route_doc_t){.request_schema = ITEM_SCHEMA}),
        LANDO_OK);
    assert_int_equal(serve(app, "POST", "/todos",
                           "{\"tags\": [{\"name\": \"a\"}, {\"name\": "
                           "\"b\"}, {\"name\": 3}], \"x\": 1}"),
                     422);
    assert_string_equal(lando_response_header(lando_res(last), "Content-Type"),
                        "application/json");

    body = json_loads(body_of(), 0, NULL);
    assert_non_null(body);
    err = json_object_get(body, "error");
    assert_int_equal(json_integer_value(json_object_get(err, "status")), 422);
    assert_string_equal(json_string_value(json_object_get(err, "code")),
                        "validation_failed");
    assert_non_null(json_string_value(json_object_get(err, "message")));
    fields = json_object_get(err, "fields");
    assert_int_equal(json_array_size(fields), 3);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(fields, 0), "path")),
        "$.title");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(fields, 0), "message")),
                        "is required");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(fields, 1), "path")),
        "$.tags[2].name");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(fields, 2), "path")),
        "$.x");
    json_decref(body);

    e = lando_ctx_error(last);
    assert_non_null(e);
    assert_int_equal(e->code, LANDO_EVALIDATION);
}

T_APP_TEST(validation_leaves_malformed_json_to_the_json_parser)
{
    lando_route_t *r = todo_route(app, "POST", "/todos");

    assert_int_equal(
        lando_route_set_doc(
            r, &(lando_route_doc_t){.request_schema = ITEM_SCHEMA}),
        LANDO_OK);
    assert_int_equal(serve(app, "POST", "/todos", "{\"title\": "), 400);
    assert_non_null(strstr(body_of(), "bad_json"));
    assert_int_equal(serve(app, "POST", "/todos", NULL), 400);
}

T_APP_TEST(skip_validation_documents_the_schema_without_enforcing_it)
{
    lando_route_t *r = todo_route(app, "POST", "/todos");

    assert_int_equal(lando_route_set_doc(
                         r, &(lando_route_doc_t){.request_schema = ITEM_SCHEMA,
                                                 .skip_validation = true}),
                     LANDO_OK);
    assert_non_null(lando_route_request_schema(r));
    assert_int_equal(serve(app, "POST", "/todos", "{}"), 200);
}

T_APP_TEST(validation_runs_inside_plugin_middleware)
{
    lando_route_t *r = NULL;
    lando_group_t *g = NULL;
    int calls = 0;

    assert_int_equal(lando_group_new(lando_app_root(app), "/v1", &g), LANDO_OK);
    assert_int_equal(
        lando_group_use(g, (lando_mw_t){"count", count_mw, &calls, NULL}),
        LANDO_OK);
    assert_int_equal(lando_group_route(g, "PUT", "/t", t_reply, NULL, &r),
                     LANDO_OK);
    assert_int_equal(
        lando_route_set_doc(r, &(lando_route_doc_t){.request_schema =
                                                        "{\"type\": "
                                                        "\"array\"}"}),
        LANDO_OK);
    assert_int_equal(serve(app, "PUT", "/v1/t", "{}"), 422);
    assert_int_equal(calls, 1);
    assert_string_equal(body_of(),
                        "{\"error\":{\"status\":422,\"code\":"
                        "\"validation_failed\",\"message\":\"request body "
                        "failed validation\",\"fields\":[{\"path\":\"$\","
                        "\"message\":\"must be an array\"}]}}");
}

T_APP_TEST(route_doc_after_the_first_invocation_is_refused)
{
    lando_route_t *r = todo_route(app, "GET", "/a");

    serve(app, "GET", "/a", NULL);
    assert_int_equal(lando_route_set_doc(r, &(lando_route_doc_t){0}),
                     LANDO_EFROZEN);
}

#define T(name) cmocka_unit_test(name)

T_APP_TEST(plugin_mount_returns_enomem_at_every_failed_allocation)
{
    char prefix[32];
    lando_err_t err;
    long n;
    bool failed = true;

    /* A failed mount may leave its empty group behind, so each attempt
     * uses a prefix of its own; it ends when no allocation failed. */
    for (n = 0; failed; n++) {
        snprintf(prefix, sizeof(prefix), "/p%ld", n);
        t_alloc_fail_at(n);
        err = lando_plugin_mount(app, &counter_plugin, prefix, NULL);
        failed = t_alloc_failed();
        t_alloc_fail_at(-1);
        if (err != LANDO_OK) {
            assert_int_equal(err, LANDO_ENOMEM);
            assert_true(failed);
        }
        assert_true(n < 1000);
    }
    assert_true(n > 3);
    assert_int_equal(err, LANDO_OK);
    snprintf(prefix, sizeof(prefix), "/p%ld/hello", n - 1);
    assert_int_equal(serve(app, "GET", prefix, NULL), 200);
}

/* jansson's own allocations, never failing: its parser does not survive
 * a failed allocation (it may drop a character and still succeed), so the
 * test below fails only lando's allocations. */
static void *
json_malloc_ok(size_t size)
{
    return test_malloc(size);
}

static void
json_free_ok(void *ptr)
{
    test_free(ptr);
}

T_APP_TEST(route_doc_returns_enomem_at_every_failed_allocation)
{
    char pattern[32];
    lando_route_t *r = NULL;
    lando_err_t err;
    long n;
    bool failed = true;

    json_set_alloc_funcs(json_malloc_ok, json_free_ok);
    for (n = 0; failed; n++) {
        snprintf(pattern, sizeof(pattern), "/t%ld/{id}", n);
        r = todo_route(app, "POST", pattern);
        t_alloc_fail_at(n);
        err = lando_route_set_doc(
            r, &(lando_route_doc_t){
                   .summary = "s",
                   .description = "d",
                   .tags = (const char *const[]){"a", "b", NULL},
                   .request_schema = ITEM_SCHEMA,
                   .response_schema = ITEM_SCHEMA,
                   .params = (const lando_param_doc_t[]){
                       {.name = "id", .in = "path",
                        .schema = "{\"type\": \"integer\"}"},
                       {NULL}},
               });
        failed = t_alloc_failed();
        t_alloc_fail_at(-1);
        if (err != LANDO_OK) {
            assert_int_equal(err, LANDO_ENOMEM);
            assert_true(failed);
            assert_null(lando_route_doc(r));
        }
        assert_true(n < 10000);
    }
    t_use_test_allocator();
    assert_true(n > 10);
    assert_int_equal(err, LANDO_OK);
    snprintf(pattern, sizeof(pattern), "/t%ld/1", n - 1);
    assert_int_equal(serve(app, "POST", pattern, "{}"), 422);
    assert_int_equal(serve(app, "POST", pattern, "{\"title\": \"x\"}"),
                     200);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(plugin_routes_land_under_the_mount_prefix),
        T(plugin_mounted_twice_serves_both_prefixes_with_own_options),
        T(plugin_mounted_at_the_root_has_no_prefix),
        T(app_lists_its_plugins_with_name_version_and_prefix),
        T(route_knows_the_plugin_that_registered_it),
        T(plugin_middleware_runs_for_its_own_routes_only),
        T(plugin_reaches_every_request_only_through_the_real_app),
        T(route_conflict_inside_a_plugin_names_the_plugin_and_both_patterns),
        T(plugin_register_failure_is_reported_with_the_plugin_name),
        T(plugin_mount_refuses_bad_definitions_and_prefixes),
        T(plugin_mount_after_the_first_invocation_is_refused),
        T(plugin_state_is_released_when_the_app_is_freed),
        T(route_doc_is_copied_and_read_back),
        T(route_doc_refuses_a_schema_outside_the_subset_at_setup),
        T(route_doc_refuses_bad_parameters_and_a_second_doc),
        T(documented_request_schema_lets_a_valid_body_reach_the_handler),
        T(documented_request_schema_answers_422_with_each_failing_field),
        T(validation_leaves_malformed_json_to_the_json_parser),
        T(skip_validation_documents_the_schema_without_enforcing_it),
        T(validation_runs_inside_plugin_middleware),
        T(route_doc_after_the_first_invocation_is_refused),
        T(plugin_mount_returns_enomem_at_every_failed_allocation),
        T(route_doc_returns_enomem_at_every_failed_allocation),
    };

    t_use_test_allocator();
    lando_log_set_fd(-1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
