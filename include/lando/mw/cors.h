/*
 * The CORS middleware: answers preflight requests and adds the
 * Access-Control-* headers that let browsers on other origins read
 * responses. Install it globally, outside error_map, so that error
 * responses carry the headers too and a preflight is seen before the
 * router answers OPTIONS by itself.
 *
 * What it does, per request:
 *
 * - No Origin header: nothing but `Vary: Origin`.
 * - An origin that is not allowed, or that is not a well-formed
 *   "scheme://host[:port]" (garbage, "null" unless listed, a path, a
 *   list): no CORS headers at all; the request runs normally.
 * - A preflight (OPTIONS with Origin and Access-Control-Request-Method)
 *   from an allowed origin is answered at once with 204; the handler does
 *   not run. When the requested method is served at the path and every
 *   requested header is allowed, the answer carries
 *   Access-Control-Allow-Origin, -Methods (the methods the router serves
 *   for that path, never those of the whole app), -Headers, -Max-Age and,
 *   with credentials, -Credentials. Otherwise it carries none of them and
 *   the browser stops. A preflight for a path that no route serves fails
 *   with LANDO_ENOTFOUND (404).
 * - Any other request from an allowed origin runs, and its response
 *   (also an error) gets Access-Control-Allow-Origin, -Credentials and
 *   -Expose-Headers.
 *
 * `Vary: Origin` is merged into every response the middleware handles,
 * since whether CORS headers appear depends on the Origin. With
 * credentials the allowed origin is echoed, never "*".
 *
 * A route opts out with the attribute "cors"="off"
 * (lando_route_set_attr): its responses get no CORS headers and
 * preflights that ask for it are left to the router, as if the
 * middleware were absent. Installed on a route or group instead of the
 * app, the middleware still adds headers to actual responses, but the
 * router answers preflights before it could see them.
 *
 * The middleware keeps nothing from one request to the next: its state
 * is the compiled options, read-only after construction.
 */
#ifndef LANDO_MW_CORS_H
#define LANDO_MW_CORS_H

#include <lando/lando.h>

typedef struct lando_cors_options {
    /*
     * Allowed origins, a NULL-terminated array. Each entry is
     *   - "*": any well-formed origin except "null";
     *   - an exact origin, "https://app.example.com" or
     *     "http://localhost:3000" (scheme and host compare without case,
     *     the port exactly; no path, no trailing slash);
     *   - a pattern: an origin whose host starts with "*.", such as
     *     scheme https with host "*.example.com" (written as usual, with
     *     "://" between them). It matches "https://a.example.com" and
     *     "https://a.b.example.com" but not "https://example.com",
     *     "http://a.example.com" or "https://a.example.com:8443": '*'
     *     stands for one or more whole DNS labels and never reaches into
     *     the scheme or the port;
     *   - "null": the literal origin of sandboxed frames and file URLs,
     *     only when listed on purpose.
     * Default NULL: "*", any origin.
     */
    const char *const *origins;
    /*
     * Methods a preflight may ask for, NULL-terminated, upper case.
     * Whatever this says, a method is allowed only where the router
     * serves it for the requested path. Default NULL: every method the
     * router serves for the path (lando_ctx_allow).
     */
    const char *const *methods;
    /*
     * Request headers a preflight may ask for, NULL-terminated, any case.
     * The single entry "*" allows any syntactically valid header name and
     * echoes the requested ones. Default NULL: Accept, Accept-Language,
     * Content-Language, Content-Type, Authorization, X-Requested-With.
     */
    const char *const *headers;
    /*
     * Response headers scripts may read beyond the CORS-safelisted ones,
     * sent as Access-Control-Expose-Headers. Default NULL: none.
     */
    const char *const *expose;
    /*
     * Send Access-Control-Allow-Credentials: true, letting browsers send
     * cookies and read the answers. The allowed origin is then always
     * echoed instead of "*". Combined with "*" in origins, this lets
     * every site act with a user's cookies: list origins instead.
     * Default false.
     */
    bool credentials;
    /*
     * Access-Control-Max-Age of preflight answers, in seconds. 0 gives
     * the default of 600; a negative value omits the header (browsers
     * then cache for about 5 seconds). Default 0 (600 s).
     */
    int max_age;
} lando_cors_options_t;

/**
 * Make a CORS middleware from OPTS (NULL: every default). OPTS and its
 * lists are copied and compiled; *OUT owns the copy until it is given to
 * lando_app_use(). Returns LANDO_OK, LANDO_EINVAL for NULL OUT or a
 * malformed origin, method or header name in the options, or
 * LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_mw_cors(const lando_cors_options_t *opts, lando_mw_t *out);

#endif /* LANDO_MW_CORS_H */
