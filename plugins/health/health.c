/*
 * The health plugin (include/lando/plugins/health.h): one documented
 * route that reports liveness, the version, whether the process is cold,
 * its uptime and the invocations served. The state is made at mount and
 * released with the app.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lando/lando.h>
#include <lando/plugins/health.h>

typedef struct health {
    char *version; /* NULL reports null */
    int64_t mounted_us;
    lando_health_check_fn check;
    void *check_data;
} health_t;

static const char health_schema[] =
    "{\"type\": \"object\", "
    "\"required\": [\"status\", \"version\", \"coldStart\", \"uptimeMs\", "
    "\"invocations\"], "
    "\"properties\": {"
    "\"status\": {\"enum\": [\"ok\", \"fail\"]}, "
    "\"version\": {\"type\": [\"string\", \"null\"]}, "
    "\"coldStart\": {\"type\": \"boolean\", \"description\": "
    "\"true for the first invocation of the process\"}, "
    "\"uptimeMs\": {\"type\": \"integer\", \"minimum\": 0, \"description\": "
    "\"milliseconds since the plugin was mounted\"}, "
    "\"invocations\": {\"type\": \"integer\", \"minimum\": 0}, "
    "\"checks\": {\"type\": \"object\"}}}";

static int64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static lando_err_t
serve_health(lando_ctx_t *ctx, void *data)
{
    const health_t *h = data;
    lando_response_t *res = lando_res(ctx);
    json_t *body, *checks = NULL;
    const char *status = "ok";
    int code = 200;
    lando_err_t err;

    if (h->check != NULL) {
        checks = json_object();
        if (checks == NULL) {
            return lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
        if (h->check(ctx, h->check_data, checks) != LANDO_OK) {
            status = "fail";
            code = 503;
        }
    }

    body = json_pack("{s:s, s:s?, s:b, s:I, s:I}", "status", status,
                     "version", h->version, "coldStart",
                     lando_ctx_cold_start(ctx), "uptimeMs",
                     (json_int_t)((now_us() - h->mounted_us) / 1000),
                     "invocations",
                     (json_int_t)lando_app_invocations(lando_ctx_app(ctx)));
    if (body != NULL && checks != NULL && json_object_size(checks) > 0) {
        if (json_object_set(body, "checks", checks) != 0) {
            json_decref(body);
            body = NULL;
        }
    }
    json_decref(checks);
    if (body == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }

    err = lando_response_set_header(res, "Cache-Control", "no-store");
    if (err) {
        json_decref(body);
        return lando_fail(ctx, err, NULL);
    }
    err = lando_response_json(res, code, body);
    return err ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

static void
health_free(void *arg)
{
    health_t *h = arg;

    lando_free(h->version);
    lando_free(h);
}

static char *
copy(const char *s)
{
    size_t len = strlen(s) + 1;
    char *out = lando_malloc(len);

    if (out != NULL) {
        memcpy(out, s, len);
    }
    return out;
}

static lando_err_t
health_register(lando_plugin_t *p, void *options)
{
    const lando_health_options_t *o = options;
    const char *version = o != NULL ? o->version : NULL;
    lando_route_t *route = NULL;
    health_t *h;
    lando_err_t err;

    h = lando_malloc(sizeof(*h));
    if (h == NULL) {
        return LANDO_ENOMEM;
    }
    memset(h, 0, sizeof(*h));
    h->mounted_us = now_us();
    h->check = o != NULL ? o->check : NULL;
    h->check_data = o != NULL ? o->check_data : NULL;

    if (version == NULL) {
        version = getenv("AWS_LAMBDA_FUNCTION_VERSION");
    }
    if (version != NULL) {
        h->version = copy(version);
        if (h->version == NULL) {
            health_free(h);
            return LANDO_ENOMEM;
        }
    }

    err = lando_plugin_on_free(p, health_free, h);
    if (err) {
        return err; /* h is already freed */
    }

    err = lando_plugin_route(p, "GET", "/health", serve_health, h, &route);
    if (err) {
        return err;
    }
    return lando_route_set_doc(
        route, &(lando_route_doc_t){
                   .summary = "Service health",
                   .description = "Liveness, version, cold start, uptime "
                                  "and invocation count of the function. "
                                  "Never cached.",
                   .response_schema = health_schema,
               });
}

const lando_plugin_def_t lando_health_plugin = {
    "health",
    LANDO_VERSION,
    health_register,
};
