/*
 * libplugtest: a small module for the plugin tests. It mounts the health
 * plugin at /ops and the OpenAPI plugin at /meta, documents a few routes
 * (one with a validated request body, one with a greedy parameter, one
 * for ANY method) and loads the plugins LANDO_PLUGINS names.
 */
#include <lando/lando.h>
#include <lando/plugin.h>
#include <lando/plugins/health.h>
#include <lando/plugins/openapi.h>

#define ITEM_SCHEMA                                                          \
    "{\"type\": \"object\", \"required\": [\"title\"], "                   \
    "\"additionalProperties\": false, \"properties\": {"                   \
    "\"title\": {\"type\": \"string\", \"minLength\": 1, "                  \
    "\"maxLength\": 80}, "                                                 \
    "\"due\": {\"type\": [\"string\", \"null\"]}, "                         \
    "\"priority\": {\"type\": \"integer\", \"minimum\": 1, "                \
    "\"maximum\": 5}, "                                                    \
    "\"tags\": {\"type\": \"array\", \"items\": {\"type\": \"object\", "    \
    "\"required\": [\"name\"], \"properties\": {\"name\": "                \
    "{\"type\": \"string\"}}}}}}"

static lando_err_t
created(lando_ctx_t *ctx, void *data)
{
    json_t *body = NULL;
    lando_err_t err = lando_request_json(lando_req(ctx), &body);

    if (err) {
        return err;
    }
    return lando_response_json(lando_res(ctx), 201, json_deep_copy(body));
}

static lando_err_t
echo_param(lando_ctx_t *ctx, void *data)
{
    return lando_response_json(
        lando_res(ctx), 200,
        json_pack("{s:s?}", "value",
                  lando_request_param(lando_req(ctx), data)));
}

static lando_err_t
setup(lando_app_t *app)
{
    lando_group_t *root = lando_app_root(app);
    lando_route_t *r = NULL;
    lando_err_t err;

    err = lando_group_route(root, "POST", "/todos", created, NULL, &r);
    if (!err) {
        err = lando_route_set_doc(
            r, &(lando_route_doc_t){
                   .summary = "Create a todo",
                   .tags = (const char *const[]){"todos", NULL},
                   .operation_id = "createTodo",
                   .request_schema = ITEM_SCHEMA,
                   .response_status = 201,
                   .response_schema = ITEM_SCHEMA,
               });
    }
    if (!err) {
        err = lando_group_route(root, "GET", "/todos/{id}", echo_param,
                                "id", &r);
    }
    if (!err) {
        err = lando_route_set_doc(
            r, &(lando_route_doc_t){
                   .summary = "Read a todo",
                   .tags = (const char *const[]){"todos", NULL},
                   .params = (const lando_param_doc_t[]){
                       {.name = "id", .in = "path",
                        .schema = "{\"type\": \"string\", "
                                  "\"minLength\": 1}"},
                       {.name = "fields",
                        .description = "Members to return"},
                       {NULL}},
               });
    }
    if (!err) {
        err = lando_group_route(root, "ANY", "/files/{path+}", echo_param,
                                "path", NULL);
    }
    if (!err) {
        err = lando_plugin_mount(app, &lando_health_plugin, "/ops",
                                 &(lando_health_options_t){
                                     .version = "9.9.9"});
    }
    if (!err) {
        err = lando_plugin_mount(app, &lando_openapi_plugin, "/meta",
                                 &(lando_openapi_options_t){
                                     .title = "Plugin test",
                                     .version = "1.0.0",
                                     .description = "Routes of the "
                                                    "plugin tests"});
    }
    if (!err) {
        err = lando_plugins_load_env(app);
    }
    return err;
}

LANDO_MODULE(plugtest, setup)
