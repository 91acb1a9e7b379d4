/*
 * The app the benchmark measures: a REST API of 50 routes in the shapes
 * real services have (nested resources with parameters, a greedy proxy
 * path, several methods on one path) behind lando's standard middleware,
 * built into libbenchapp.so exactly as a user's module would be. The
 * middleware is lando_use_defaults(): logging, CORS for one origin,
 * compress, error_map and base64_body.
 *
 * Handlers read what a real one reads (path parameters, a query value,
 * the JSON body) and answer a constant "{}", the same body the floor
 * module answers, so that the benchmark's ratio measures the framework
 * and not the handlers.
 *
 * Two environment variables, read once at setup, change the app:
 *
 *   LANDO_BENCH_ROUTES=N  serve N routes instead of 50: the first N of
 *                         the table below when N <= 50, else the table
 *                         plus N - 50 synthetic routes with parameters.
 *                         The benchmark's events hit routes among the
 *                         first ten, so every N >= 10 serves them.
 *   LANDO_BENCH_LOG=null  write log lines to /dev/null, so that their
 *                         formatting and write(2) are measured; by
 *                         default they are discarded (lando_log_set_fd
 *                         with -1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lando/lando.h>
#include <lando/mw/defaults.h>

#define DEFAULT_ROUTES 50
#define MAX_ROUTES 100000

/* GET /users/{id}/orders/{orderId}: the benchmark's GET event. */
static lando_err_t
get_order(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const char *id = lando_request_param(req, "id");
    const char *order = lando_request_param(req, "orderId");

    if (id == NULL || order == NULL) {
        return lando_fail(ctx, LANDO_EINTERNAL, "parameters missing");
    }
    (void)lando_request_query_get(req, "expand");
    return lando_response_send(lando_res(ctx), 200, "application/json",
                               "{}", 2);
}

/* POST /users/{id}/orders: parses the JSON body, wants an "items" list. */
static lando_err_t
create_order(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    json_t *body;
    lando_err_t err;

    err = lando_request_json(req, &body);
    if (err) {
        return err;
    }
    if (!json_is_array(json_object_get(body, "items"))) {
        return lando_fail(ctx, LANDO_EVALIDATION, "items must be a list");
    }
    return lando_response_send(lando_res(ctx), 201, "application/json",
                               "{}", 2);
}

/* Every other route: answer 200 "{}". */
static lando_err_t
answer_empty(lando_ctx_t *ctx, void *data)
{
    return lando_response_send(lando_res(ctx), 200, "application/json",
                               "{}", 2);
}

typedef struct bench_route {
    const char *method;
    const char *pattern;
    lando_handler_fn handler;
} bench_route_t;

/*
 * The first ten hold every route the benchmark's events use, so that
 * LANDO_BENCH_ROUTES=10 still serves them.
 */
static const bench_route_t routes[DEFAULT_ROUTES] = {
    {"GET", "/users", answer_empty},
    {"POST", "/users", answer_empty},
    {"GET", "/users/{id}", answer_empty},
    {"PUT", "/users/{id}", answer_empty},
    {"PATCH", "/users/{id}", answer_empty},
    {"DELETE", "/users/{id}", answer_empty},
    {"GET", "/users/{id}/orders", answer_empty},
    {"POST", "/users/{id}/orders", create_order},
    {"GET", "/users/{id}/orders/{orderId}", get_order},
    {"PUT", "/users/{id}/orders/{orderId}", answer_empty},
    {"DELETE", "/users/{id}/orders/{orderId}", answer_empty},
    {"GET", "/users/{id}/orders/{orderId}/items", answer_empty},
    {"GET", "/users/{id}/addresses", answer_empty},
    {"POST", "/users/{id}/addresses", answer_empty},
    {"DELETE", "/users/{id}/addresses/{addressId}", answer_empty},
    {"GET", "/products", answer_empty},
    {"POST", "/products", answer_empty},
    {"GET", "/products/{id}", answer_empty},
    {"PUT", "/products/{id}", answer_empty},
    {"DELETE", "/products/{id}", answer_empty},
    {"GET", "/products/{id}/reviews", answer_empty},
    {"POST", "/products/{id}/reviews", answer_empty},
    {"GET", "/products/{id}/reviews/{reviewId}", answer_empty},
    {"GET", "/categories", answer_empty},
    {"GET", "/categories/{id}", answer_empty},
    {"GET", "/categories/{id}/products", answer_empty},
    {"GET", "/cart", answer_empty},
    {"POST", "/cart/items", answer_empty},
    {"DELETE", "/cart/items/{itemId}", answer_empty},
    {"POST", "/checkout", answer_empty},
    {"GET", "/orders", answer_empty},
    {"GET", "/orders/{orderId}", answer_empty},
    {"POST", "/orders/{orderId}/cancel", answer_empty},
    {"GET", "/orders/{orderId}/invoice", answer_empty},
    {"GET", "/search", answer_empty},
    {"POST", "/auth/login", answer_empty},
    {"POST", "/auth/logout", answer_empty},
    {"POST", "/auth/refresh", answer_empty},
    {"GET", "/me", answer_empty},
    {"PATCH", "/me", answer_empty},
    {"GET", "/health", answer_empty},
    {"GET", "/v1/items/{id+}", answer_empty},
    {"PUT", "/v1/items/{id+}", answer_empty},
    {"GET", "/v1/status", answer_empty},
    {"GET", "/admin/stats", answer_empty},
    {"GET", "/admin/users/{id}/audit", answer_empty},
    {"POST", "/webhooks/{provider}", answer_empty},
    {"GET", "/files/{key+}", answer_empty},
    {"ANY", "/proxy/{path+}", answer_empty},
    {"GET", "/", answer_empty},
};

/*
 * Synthetic route I beyond the table. The shapes alternate so that the
 * router's tables grow both at the root and below the nodes the GET
 * event walks through (/users/{id}/ and /users/{id}/orders/{orderId}/).
 */
static lando_err_t
add_synthetic(lando_app_t *app, size_t i)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    const char *method = methods[(i / 4) % 4];
    char pattern[128];

    switch (i % 4) {
    case 0:
        snprintf(pattern, sizeof(pattern), "/svc%zu/items/{id}", i);
        break;
    case 1:
        snprintf(pattern, sizeof(pattern),
                 "/svc%zu/items/{id}/actions/{action}", i);
        break;
    case 2:
        snprintf(pattern, sizeof(pattern), "/users/{id}/ext%zu", i);
        break;
    default:
        snprintf(pattern, sizeof(pattern),
                 "/users/{id}/orders/{orderId}/x%zu", i);
        break;
    }
    return lando_app_route(app, method, pattern, answer_empty, NULL);
}

static size_t
route_count(void)
{
    const char *text = getenv("LANDO_BENCH_ROUTES");
    char *end;
    unsigned long n;

    if (text == NULL || *text == '\0') {
        return DEFAULT_ROUTES;
    }
    errno = 0;
    n = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || n < 10 || n > MAX_ROUTES) {
        return 0;
    }
    return n;
}

static void
discard_logs(void)
{
    const char *mode = getenv("LANDO_BENCH_LOG");
    int fd = -1;

    /* The descriptor stays open for the life of the process, as the
     * logger's standard output would. If it cannot be opened, lines are
     * discarded, which only makes the figures smaller. */
    if (mode != NULL && strcmp(mode, "null") == 0) {
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    }
    lando_log_set_fd(fd);
}

static lando_err_t
use_middleware(lando_app_t *app)
{
    /* The origin the benchmark's preflight comes from; any other is
     * refused, as a real deployment configures it. */
    static const char *const origins[] = {"https://app.example.com", NULL};
    lando_defaults_options_t opts = {0};

    opts.cors.origins = origins;
    opts.cors.credentials = true;
    return lando_use_defaults(app, &opts);
}

static lando_err_t
setup(lando_app_t *app)
{
    size_t n = route_count();
    size_t i;
    lando_err_t err;

    if (n == 0) {
        return LANDO_ESETUP;
    }
    discard_logs();

    err = use_middleware(app);
    if (err) {
        return err;
    }

    for (i = 0; i < n && i < DEFAULT_ROUTES; i++) {
        err = lando_app_route(app, routes[i].method, routes[i].pattern,
                              routes[i].handler, NULL);
        if (err) {
            return err;
        }
    }
    for (; i < n; i++) {
        err = add_synthetic(app, i);
        if (err) {
            return err;
        }
    }
    return LANDO_OK;
}

LANDO_MODULE(benchapp, setup)
