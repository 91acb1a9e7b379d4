/*
 * Plugins: reusable pieces of an app (health checks, API documentation)
 * that bring their own routes and middleware.
 *
 * A plugin is a definition: a name, a version and a register function.
 * Mounting it at a prefix creates a route group there (see router.h) and
 * runs the register function with a mount, a scoped view of the app:
 *
 *     static lando_err_t
 *     my_register(lando_plugin_t *p, void *options)
 *     {
 *         const my_options_t *o = options;   (may be NULL: use defaults)
 *
 *         lando_plugin_use(p, my_auth_mw());   (wraps only these routes)
 *         return lando_plugin_route(p, "GET", "/status", status, NULL,
 *                                   NULL);
 *     }
 *
 *     const lando_plugin_def_t my_plugin = {"my", "1.0.0", my_register};
 *
 *     lando_plugin_mount(app, &my_plugin, "/ops", &(my_options_t){...});
 *
 * The plugin's routes land under the prefix ("/ops/status"), and its
 * middleware wraps only its own routes. A plugin that means to act on
 * every request says so by using the real app: lando_app_use(
 * lando_plugin_app(p), mw). When a route conflicts, the error names the
 * plugin and both patterns.
 *
 * Plugins may also be built separately as shared objects and loaded when
 * the module starts, from the LANDO_PLUGINS environment variable (see
 * lando_plugins_load_env() and plugin_host.h).
 */
#ifndef LANDO_PLUGIN_H
#define LANDO_PLUGIN_H

#include <lando/common.h>
#include <lando/doc.h>
#include <lando/middleware.h>
#include <lando/router.h>
#include <lando/schema.h>

/** A mounted plugin: the view its register function works through. It
 * lives as long as the app, so handlers may keep it. */
typedef struct lando_plugin lando_plugin_t;

/**
 * Register the plugin's routes and middleware on P. OPTIONS is what the
 * mount was given, or NULL (always NULL for plugins loaded from
 * LANDO_PLUGINS): the function knows its type and must accept NULL as
 * "defaults". It is borrowed for the call only; keep copies. Return
 * LANDO_OK or the error that stops setup.
 */
typedef lando_err_t (*lando_plugin_register_fn)(lando_plugin_t *p,
                                                void *options);

/** A plugin definition. Usually a static const object of the plugin. */
typedef struct lando_plugin_def {
    const char *name;    /* letters, digits, '-', '_', '.'; not empty */
    const char *version; /* free text such as "1.2.0"; may be NULL */
    lando_plugin_register_fn register_fn;
} lando_plugin_def_t;

/** A mounted plugin as the app lists it. Strings belong to the app. */
typedef struct lando_plugin_info {
    const char *name;
    const char *version; /* "" when the definition gave none */
    const char *prefix;  /* as mounted, "" for the root */
} lando_plugin_info_t;

/**
 * Mount DEF at PREFIX ("" or an absolute path without a trailing slash)
 * and run its register function with OPTIONS. DEF is read during the call
 * and its strings copied. The same plugin may be mounted more than once,
 * at different prefixes. Returns LANDO_OK, LANDO_EINVAL for a missing
 * argument or an invalid name, LANDO_EPATTERN for a bad prefix,
 * LANDO_EFROZEN, LANDO_ENOMEM, or whatever the register function
 * returned; lando_app_last_error() then starts with the plugin's name and
 * prefix. Routes the plugin registered before failing stay, so a failed
 * mount should fail the app's setup.
 */
LANDO_API lando_err_t
lando_plugin_mount(lando_app_t *app, const lando_plugin_def_t *def,
                   const char *prefix, void *options);

/** The group at the plugin's prefix. Owned by the app. */
LANDO_API lando_group_t *
lando_plugin_group(lando_plugin_t *p);

/** The whole app, for hooks that must see every request. */
LANDO_API lando_app_t *
lando_plugin_app(lando_plugin_t *p);

/** The plugin's name, version ("" when none) and prefix. */
LANDO_API const lando_plugin_info_t *
lando_plugin_info(const lando_plugin_t *p);

/** lando_group_route() on the plugin's group. */
LANDO_API lando_err_t
lando_plugin_route(lando_plugin_t *p, const char *method,
                   const char *pattern, lando_handler_fn handler, void *data,
                   lando_route_t **out);

/** lando_group_use() on the plugin's group: MW wraps only its routes. */
LANDO_API lando_err_t
lando_plugin_use(lando_plugin_t *p, lando_mw_t mw);

/**
 * Run FN(ARG) when the app is freed, after every invocation: the way a
 * plugin releases the state its handlers use. Functions run in the
 * reverse order of registration. When registration fails, FN(ARG) runs at
 * once and LANDO_ENOMEM is returned, so ARG never leaks.
 */
LANDO_API lando_err_t
lando_plugin_on_free(lando_plugin_t *p, void (*fn)(void *arg), void *arg);

/** Number of plugins mounted on APP. */
LANDO_API size_t
lando_app_plugin_count(const lando_app_t *app);

/** Plugin I (0-based, in mount order), or NULL past the end. */
LANDO_API const lando_plugin_info_t *
lando_app_plugin_at(const lando_app_t *app, size_t i);

/** The name of the plugin that registered ROUTE, or NULL for the app's
 * own routes. */
LANDO_API const char *
lando_route_plugin(const lando_route_t *route);

/*
 * Loading plugins from shared objects.
 *
 * LANDO_PLUGINS holds a colon-separated list of entries "PATH" or
 * "PATH@PREFIX" (the root when no prefix is given). Each shared object
 * exports the function lando_plugin_entry (lando_plugin_entry_fn), which
 * receives the host's table of lando functions and returns the plugin's
 * definition. The deployed module hides every lando symbol, so a plugin
 * cannot link against it; it calls lando through that table instead. The
 * lando plugin SDK (plugins/sdk) builds such a shared object from
 * ordinary plugin source: see plugin_host.h.
 */

/** The symbol every loadable plugin exports. */
#define LANDO_PLUGIN_ENTRY_SYMBOL "lando_plugin_entry"

typedef struct lando_host lando_host_t;

/**
 * The entry of a loadable plugin: check HOST (ABI and size), keep it, and
 * return the definition, or NULL when the plugin cannot run with this
 * host (the loader then reports an ABI mismatch).
 */
typedef const lando_plugin_def_t *(*lando_plugin_entry_fn)(
    const lando_host_t *host);

/**
 * Load the plugin in the shared object at PATH and mount it at PREFIX
 * with no options. The object stays loaded for the life of the process.
 * Returns LANDO_OK, LANDO_ESETUP when it cannot be loaded, has no entry
 * or refuses the host (lando_app_last_error() names the path and the
 * reason), or any error of lando_plugin_mount().
 */
LANDO_API lando_err_t
lando_plugin_load(lando_app_t *app, const char *path, const char *prefix);

/**
 * Load and mount every plugin named in the environment variable
 * LANDO_PLUGINS, in order. Unset or empty loads nothing. Loads once per
 * app: later calls return LANDO_OK and do nothing. Returns LANDO_OK or
 * the first failure, as lando_plugin_load(); a malformed entry (empty
 * path) gives LANDO_ESETUP. Call after the app's own setup, before the
 * first invocation.
 */
LANDO_API lando_err_t
lando_plugins_load_env(lando_app_t *app);

#endif /* LANDO_PLUGIN_H */
