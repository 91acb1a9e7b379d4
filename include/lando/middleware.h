/*
 * The middleware chain, onion style. A middleware is a name, a function
 * and its state. Its function runs with the invocation and decides:
 * work before calling lando_next(), work after it (on the response the
 * rest of the chain produced), or answer without calling it at all.
 *
 * Order: the app's global middleware run first, in registration order,
 * for every request (also those that match no route). The router is the
 * last global link; it picks the route and then runs the middleware of
 * the route's groups (outermost group first) and of the route itself,
 * then the handler.
 */
#ifndef LANDO_MIDDLEWARE_H
#define LANDO_MIDDLEWARE_H

#include <lando/common.h>

typedef lando_err_t (*lando_mw_fn)(lando_ctx_t *ctx, void *state);

typedef struct lando_mw {
    const char *name;               /* static string, shown in logs */
    lando_mw_fn fn;                 /* never NULL */
    void *state;                    /* handed to fn on every call */
    void (*free_state)(void *state); /* NULL when nothing to free */
} lando_mw_t;

/**
 * Run the rest of the chain and return its result. A middleware that
 * calls it must return what it returned, or LANDO_OK after answering a
 * failure itself (as error_map does). Calling it twice in one middleware
 * call returns LANDO_EINVAL and runs nothing.
 */
LANDO_API lando_err_t
lando_next(lando_ctx_t *ctx);

#endif /* LANDO_MIDDLEWARE_H */
