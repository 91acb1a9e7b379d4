/*
 * The recommended middleware stack in one call. lando_use_defaults()
 * appends to the app's global chain, outermost first:
 *
 *     logging      sees the final status and the whole duration
 *     cors         its headers land on error responses too; only when
 *                  cors.origins lists origins
 *     compress     compresses what error_map and handlers produced
 *     error_map    turns failures from inside into responses
 *     base64_body  handlers and the middleware around them see decoded
 *                  bodies
 *     (router)
 *
 * Middleware added with lando_app_use() afterwards runs between
 * base64_body and the router.
 */
#ifndef LANDO_MW_DEFAULTS_H
#define LANDO_MW_DEFAULTS_H

#include <lando/lando.h>
#include <lando/mw/base64_body.h>
#include <lando/mw/compress.h>
#include <lando/mw/cors.h>
#include <lando/mw/error_map.h>
#include <lando/mw/logging.h>

typedef struct lando_defaults_options {
    /* Options of each middleware, as documented in its header. */
    lando_logging_options_t logging;
    /*
     * CORS is installed only when cors.origins is set: an API is not
     * opened to other sites by default. Set origins to (const char *[]){
     * "*", NULL } for any origin.
     */
    lando_cors_options_t cors;
    lando_compress_options_t compress;
    lando_error_map_options_t error_map;
    lando_base64_body_options_t base64_body;
    /* Leave a middleware out. Each default false. */
    bool no_logging;
    bool no_compress;
    bool no_error_map;
    bool no_base64_body;
} lando_defaults_options_t;

/**
 * Install the stack above on APP with OPTS (NULL: every default). Call
 * it at setup, before other global middleware. Returns LANDO_OK or the
 * first failure of a constructor or of lando_app_use() (LANDO_EINVAL for
 * bad options, LANDO_EFROZEN, LANDO_ENOMEM); the middleware installed
 * before the failure stay installed, which is harmless because a failed
 * setup fails the import.
 */
LANDO_API lando_err_t
lando_use_defaults(lando_app_t *app, const lando_defaults_options_t *opts);

#endif /* LANDO_MW_DEFAULTS_H */
