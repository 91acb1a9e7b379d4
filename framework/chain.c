/*
 * The middleware chain. lando_next() runs the link after the calling
 * middleware: the next global middleware, then the router stage, then
 * the route's middleware (its groups' first, outermost first, then its
 * own), then the handler.
 *
 * The cursor lives in ctx->chain. Before a middleware runs, next points
 * past it; lando_next() saves the cursor, runs one link and then puts the
 * saved cursor back marked as spent. A middleware that calls lando_next()
 * a second time therefore finds it spent and gets LANDO_EINVAL, and the
 * stage switch made by the router never leaks into the outer links.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define SPENT SIZE_MAX

/* Run the link the cursor points at. */
static lando_err_t
step(lando_ctx_t *ctx)
{
    lando_chain_pos_t *pos = &ctx->chain;
    lando_route_t *route;

    if (pos->next < pos->count) {
        const lando_mw_t *mw = pos->mws[pos->next];

        pos->next++;
        return mw->fn(ctx, mw->state);
    }

    if (pos->stage == LANDO__STAGE_GLOBAL) {
        return lando__chain_route(ctx);
    }

    route = ctx->route;
    pos->stage = LANDO__STAGE_DONE;
    if (!route || !route->handler) {
        return lando_fail(ctx, LANDO_EINTERNAL, NULL);
    }
    return route->handler(ctx, route->data);
}

lando_err_t
lando_next(lando_ctx_t *ctx)
{
    lando_chain_pos_t saved;
    lando_err_t err;

    if (!ctx) {
        return LANDO_EINVAL;
    }
    saved = ctx->chain;
    if (saved.next == SPENT || saved.stage == LANDO__STAGE_DONE) {
        return LANDO_EINVAL;
    }

    err = step(ctx);

    ctx->chain = saved;
    ctx->chain.next = SPENT;
    return err;
}

static bool
is_options(const char *method)
{
    return strcmp(method, "OPTIONS") == 0;
}

lando_err_t
lando__chain_route(lando_ctx_t *ctx)
{
    lando_app_t *app = ctx->app;
    lando_request_t *req = &ctx->req;
    const char *method = lando_request_method(req);
    lando_route_t *route = NULL;
    unsigned allowed = 0;
    const char *allow;
    lando_err_t err;

    lando__fields_init(&req->params, false);
    err = lando__router_match(app->router, ctx, method,
                              lando_request_path(req), app->strict_slash,
                              &route, &req->params, &allowed);
    switch (err) {
    case LANDO_OK:
        break;
    case LANDO_ENOTFOUND:
        return lando_fail(ctx, LANDO_ENOTFOUND, NULL);
    case LANDO_EMETHOD:
        if (!is_options(method)) {
            return lando_fail(ctx, LANDO_EMETHOD, NULL);
        }
        /* OPTIONS without a route of its own: list what is served. */
        allow = lando_ctx_allow(ctx);
        if (!allow) {
            return lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
        err = lando_response_set_header(&ctx->res, "Allow", allow);
        if (err) {
            return lando_fail(ctx, err, NULL);
        }
        return lando_response_empty(&ctx->res, 204);
    default:
        return lando_fail(ctx, err, NULL);
    }

    ctx->route = route;
    ctx->chain.mws = (lando_mw_t *const *)route->chain;
    ctx->chain.count = route->chain_count;
    ctx->chain.next = 0;
    ctx->chain.stage = LANDO__STAGE_ROUTE;
    return step(ctx);
}
