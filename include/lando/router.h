/*
 * Routes and route groups. A route is a method and a path pattern bound
 * to a handler. Patterns are absolute paths whose segments are literal
 * text, a parameter "{name}" that takes exactly one segment, or, as the
 * last segment only, a greedy parameter "{name+}" that takes one or more
 * segments. The method may be any token ("GET", "PROPFIND") or "ANY".
 *
 * Matching: the path is split on '/' first and each segment is then
 * percent-decoded, so "%2F" stays inside a parameter. Literal segments
 * beat parameters, parameters beat greedy parameters, and a route for the
 * exact method beats ANY. A trailing slash is ignored unless the app is
 * strict (lando_app_set_strict_slash). No match for the path gives
 * LANDO_ENOTFOUND (404); a path served only for other methods gives
 * LANDO_EMETHOD (405) with an exact Allow header. HEAD is served by GET
 * routes with the body dropped, and OPTIONS without a route of its own is
 * answered 204 with Allow.
 *
 * Lookup walks one trie node per segment through hash tables, so its cost
 * does not grow with the number of routes.
 *
 * Registration happens at setup, before the first invocation; afterwards
 * every registration call returns LANDO_EFROZEN.
 */
#ifndef LANDO_ROUTER_H
#define LANDO_ROUTER_H

#include <lando/common.h>
#include <lando/middleware.h>

typedef struct lando_group lando_group_t;
typedef struct lando_route lando_route_t;

/** A handler answers one request by writing lando_res(ctx). */
typedef lando_err_t (*lando_handler_fn)(lando_ctx_t *ctx, void *data);

/** The group of the app's own routes (prefix ""). Owned by the app. */
LANDO_API lando_group_t *
lando_app_root(lando_app_t *app);

/**
 * Create a group mounted at PREFIX ("/v1", no trailing slash) inside
 * PARENT. Its routes get the prefix, and its middleware wraps only its
 * routes (after PARENT's). The group is owned by the app. Returns LANDO_OK,
 * LANDO_EPATTERN for a prefix that is not "" or an absolute path,
 * LANDO_EFROZEN or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_group_new(lando_group_t *parent, const char *prefix,
                lando_group_t **out);

/**
 * Add MW to the group's middleware. The group takes over MW's state, also
 * when this fails (the state is then freed at once).
 */
LANDO_API lando_err_t
lando_group_use(lando_group_t *group, lando_mw_t mw);

/**
 * Route METHOD requests for the group's prefix + PATTERN to HANDLER with
 * DATA (borrowed; it must outlive the app). PATTERN is copied. *OUT (may be
 * NULL) receives the route for lando_route_use(). Returns LANDO_OK,
 * LANDO_EPATTERN for a malformed pattern, LANDO_EEXIST when the same
 * method and pattern (parameter names aside) is already routed,
 * LANDO_EAMBIGUOUS when a parameter at the same position of another
 * route has a different name ("/u/{id}" against "/u/{name}/x": one
 * request would bind two names), LANDO_EFROZEN or LANDO_ENOMEM.
 * lando_app_last_error() names both routes of a conflict.
 */
LANDO_API lando_err_t
lando_group_route(lando_group_t *group, const char *method,
                  const char *pattern, lando_handler_fn handler, void *data,
                  lando_route_t **out);

/** lando_group_route() on the app's root group. */
LANDO_API lando_err_t
lando_app_route(lando_app_t *app, const char *method, const char *pattern,
                lando_handler_fn handler, void *data);

/** Add MW around this route only; takes over MW's state as above. */
LANDO_API lando_err_t
lando_route_use(lando_route_t *route, lando_mw_t mw);

/**
 * Attach a string attribute KEY=VALUE to the route (both copied), read
 * by middleware with lando_ctx_route_attr(), e.g. "cors"="off".
 */
LANDO_API lando_err_t
lando_route_set_attr(lando_route_t *route, const char *key,
                     const char *value);

LANDO_API const char *
lando_route_attr(const lando_route_t *route, const char *key);

/** Full pattern including group prefixes, e.g. "/v1/users/{id}". */
LANDO_API const char *
lando_route_pattern(const lando_route_t *route);

/** The method as registered ("GET", "ANY"). */
LANDO_API const char *
lando_route_method(const lando_route_t *route);

/** Number of routes of the app, and route I in registration order. */
LANDO_API size_t
lando_app_route_count(const lando_app_t *app);

LANDO_API lando_route_t *
lando_app_route_at(const lando_app_t *app, size_t i);

/** The route that matched this invocation, or NULL. */
LANDO_API lando_route_t *
lando_ctx_matched_route(lando_ctx_t *ctx);

/** Attribute KEY of the matched route, or NULL. */
LANDO_API const char *
lando_ctx_route_attr(lando_ctx_t *ctx, const char *key);

/**
 * The route that would serve METHOD at the request's path, found without
 * running it, or NULL when none would (also for a method served only by
 * the router's automatic OPTIONS answer). CORS uses it to read the
 * attributes of the route a preflight asks about.
 */
LANDO_API lando_route_t *
lando_ctx_lookup_route(lando_ctx_t *ctx, const char *method);

#endif /* LANDO_ROUTER_H */
