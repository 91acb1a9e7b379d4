/*
 * The OpenAPI plugin: an OpenAPI 3.1 description of the app's routes,
 * built from what the app registered and documented (doc.h), and a
 * self-contained page that renders it.
 *
 *     GET {prefix}/openapi.json   the document (application/json)
 *     GET {prefix}/docs           the page: inline HTML, CSS and script,
 *                                 no other origin; it fetches
 *                                 openapi.json next to itself
 *
 *     lando_plugin_mount(app, &lando_openapi_plugin, "/meta",
 *                        &(lando_openapi_options_t){
 *                            .title = "Todo API", .version = "1.0.0"});
 *
 * The document is built at its first request, when the app is complete,
 * and then served from memory for the life of the app.
 *
 * What it says: one path per route pattern, "{name}" parameters as they
 * are and greedy "{name+}" ones as "{name}" marked with "x-lando-greedy"
 * (they match one or more segments, slashes included). An ANY route
 * lists get, put, post, delete, patch, head and options; a route for the
 * exact method wins over ANY, as in the router. Summary, description,
 * tags (the plugin's name when a plugin's route has none), parameters,
 * the request body schema and the success response come from the route's
 * doc; every operation also lists the standard error body as its default
 * response, and 422 when its request body is validated. Routes of this
 * plugin and hidden routes are left out. Methods OpenAPI cannot name
 * (PROPFIND and the like) are left out too: OpenAPI 3.1 has no place for
 * them.
 */
#ifndef LANDO_PLUGINS_OPENAPI_H
#define LANDO_PLUGINS_OPENAPI_H

#include <jansson.h>

#include <lando/plugin.h>

typedef struct lando_openapi_options {
    const char *title;       /* info.title; NULL: "lando app" */
    const char *version;     /* info.version; NULL: "0.0.0" */
    const char *description; /* info.description; may be NULL */
    /* servers[0].url; NULL: the app's root relative to the document
     * (".", "..", ...), which stays right behind any stage or base
     * path. lando_openapi_build() omits servers when NULL. */
    const char *server_url;
    bool include_self; /* also list openapi.json and docs */
    bool no_docs_page; /* serve only openapi.json */
} lando_openapi_options_t;

/** The plugin definition; options are a lando_openapi_options_t or NULL
 * (all strings copied at mount). */
LANDO_API extern const lando_plugin_def_t lando_openapi_plugin;

/**
 * Build the OpenAPI document of APP's routes now, with OPTIONS (may be
 * NULL). For tools that write the document out; the plugin calls it
 * once. On success *OUT is a new reference. Returns LANDO_OK,
 * LANDO_EINVAL for a NULL APP or OUT, or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_openapi_build(const lando_app_t *app,
                    const lando_openapi_options_t *options, json_t **out);

#endif /* LANDO_PLUGINS_OPENAPI_H */
