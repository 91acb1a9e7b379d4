/*
 * The application and the invocation life cycle.
 *
 * An app is built once, at import (Lambda's init phase): global
 * middleware, routes, groups and options. Its first invocation freezes
 * it. Each invocation then runs through a context that the gateway keeps
 * for the life of the process and resets between invocations:
 *
 *     lando_ctx_begin(ctx, source)    reset the arena, start the clock
 *     fill lando_req(ctx)             (request.h builders)
 *     lando_app_handle(app, ctx)      chain -> router -> handler
 *     read lando_res(ctx)             (response.h)
 *
 * Tests and tools drive an app the same way, without Python.
 */
#ifndef LANDO_APP_H
#define LANDO_APP_H

#include <lando/common.h>
#include <lando/context.h>
#include <lando/middleware.h>

/** A new empty app, or NULL when memory runs out. */
LANDO_API lando_app_t *
lando_app_new(void);

/** Free the app, its routes, groups and the state of its middleware.
 * NULL is a no-op. */
LANDO_API void
lando_app_free(lando_app_t *app);

/**
 * Append MW to the global chain (runs for every request, before
 * routing). The app takes over MW's state, also when this fails.
 * Returns LANDO_OK, LANDO_EINVAL for a NULL function, LANDO_EFROZEN or
 * LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_app_use(lando_app_t *app, lando_mw_t mw);

/**
 * Remove PREFIX ("/api", a base-path mapping of a custom domain) from the
 * front of request paths that start with it, before routing. Several may
 * be given; the longest that matches wins. Returns LANDO_OK,
 * LANDO_EPATTERN, LANDO_EFROZEN or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_app_strip_prefix(lando_app_t *app, const char *prefix);

/** Treat "/a/" and "/a" as different paths (default: the same). */
LANDO_API void
lando_app_set_strict_slash(lando_app_t *app, bool strict);

/**
 * Text explaining the last failed registration call, naming both routes
 * of a conflict; "" when none failed. Owned by the app.
 */
LANDO_API const char *
lando_app_last_error(const lando_app_t *app);

/** An opaque pointer for the application's own use. */
LANDO_API void
lando_app_set_data(lando_app_t *app, void *data);

LANDO_API void *
lando_app_data(const lando_app_t *app);

/** Invocations served so far by this app. */
LANDO_API uint64_t
lando_app_invocations(const lando_app_t *app);

/** A context for invocations of APP, or NULL when memory runs out. */
LANDO_API lando_ctx_t *
lando_ctx_new(lando_app_t *app);

/** Free CTX and its arena. NULL is a no-op. */
LANDO_API void
lando_ctx_free(lando_ctx_t *ctx);

/**
 * Start a new invocation on CTX: release everything the previous one
 * allocated, clear request, response, store and error, and start the
 * clock. SOURCE says where the event came from.
 */
LANDO_API void
lando_ctx_begin(lando_ctx_t *ctx, lando_source_t source);

/** Tell the context how to read the runtime's Lambda context. */
LANDO_API void
lando_ctx_set_lambda(lando_ctx_t *ctx, const lando_lambda_ops_t *ops,
                     void *opaque);

/**
 * Serve the request of CTX: run the global chain, the router, the route's
 * chain and the handler. Afterwards lando_res(ctx) holds the final
 * response: a failure that no middleware answered is turned into the
 * standard JSON error response (error.h), and a HEAD request loses its
 * body. Returns the code of the failure, if any, for the caller's
 * records; the response is valid either way.
 */
LANDO_API lando_err_t
lando_app_handle(lando_app_t *app, lando_ctx_t *ctx);

/**
 * Turn the failure recorded on CTX into a response: status, the JSON body
 * {"error": {"status", "code", "message"}}, and `Allow` for 405. Headers
 * that earlier middleware set stay; body and status are replaced. Used by
 * lando_app_handle() and the error_map middleware.
 */
LANDO_API lando_err_t
lando_error_respond(lando_ctx_t *ctx, bool with_detail);

#endif /* LANDO_APP_H */
