/*
 * The recommended stack (lando/mw/defaults.h). The order is the point of
 * this unit: each middleware sits where it sees what it needs.
 */
#include <lando/mw/defaults.h>

/* Build a middleware with MAKE and append it to APP's global chain. */
#define USE(app, make, opts)                                                 \
    do {                                                                     \
        lando_mw_t mw_;                                                      \
        lando_err_t err_ = make(opts, &mw_);                                 \
        if (!err_) {                                                         \
            err_ = lando_app_use(app, mw_);                                  \
        }                                                                    \
        if (err_) {                                                          \
            return err_;                                                     \
        }                                                                    \
    } while (0)

lando_err_t
lando_use_defaults(lando_app_t *app, const lando_defaults_options_t *opts)
{
    static const lando_defaults_options_t defaults;

    if (!app) {
        return LANDO_EINVAL;
    }
    if (!opts) {
        opts = &defaults;
    }

    /* Outermost: it runs after everything else has finished, so it logs
     * the status the client gets (error answers included) and the whole
     * duration. */
    if (!opts->no_logging) {
        USE(app, lando_mw_logging, &opts->logging);
    }

    /* Outside error_map, so error answers carry the CORS headers a
     * browser needs to read them, and before the router, which would
     * otherwise answer preflights itself. Only on request: without
     * origins the API stays same-origin. */
    if (opts->cors.origins) {
        USE(app, lando_mw_cors, &opts->cors);
    }

    /* Outside error_map and the handlers, so it compresses the bodies
     * both produce; inside CORS and logging, whose headers and records
     * do not depend on the encoding. */
    if (!opts->no_compress) {
        USE(app, lando_mw_compress, &opts->compress);
    }

    /* Turns every failure from further in (router, base64_body,
     * handlers) into a response, and leaves it recorded for logging. */
    if (!opts->no_error_map) {
        USE(app, lando_mw_error_map, &opts->error_map);
    }

    /* Innermost before the router: every handler and route middleware
     * sees the decoded body, and a bad or oversized body is refused
     * before any of them runs. */
    if (!opts->no_base64_body) {
        USE(app, lando_mw_base64_body, &opts->base64_body);
    }

    return LANDO_OK;
}
