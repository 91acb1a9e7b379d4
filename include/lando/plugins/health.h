/*
 * The health plugin: GET {prefix}/health answers
 *
 *     200 {"status": "ok", "version": "1.4.2", "coldStart": false,
 *          "uptimeMs": 81234, "invocations": 17}
 *
 * version is the option below (null when none was given and the
 * environment has no AWS_LAMBDA_FUNCTION_VERSION), coldStart tells whether
 * this is the process's first invocation, uptimeMs counts from the mount
 * (the module's import) and invocations is lando_app_invocations(). An
 * optional check function can declare the service unhealthy: the answer
 * is then 503 with "status": "fail". Responses are never cached.
 *
 *     lando_plugin_mount(app, &lando_health_plugin, "/ops",
 *                        &(lando_health_options_t){.version = "1.4.2"});
 */
#ifndef LANDO_PLUGINS_HEALTH_H
#define LANDO_PLUGINS_HEALTH_H

#include <jansson.h>

#include <lando/plugin.h>

/**
 * Report on the service's dependencies: add members to REPORT (borrowed,
 * an object the answer carries as "checks" unless it stays empty) and
 * return LANDO_OK when healthy; any other code answers 503.
 */
typedef lando_err_t (*lando_health_check_fn)(lando_ctx_t *ctx, void *data,
                                             json_t *report);

typedef struct lando_health_options {
    const char *version;         /* copied; see above when NULL */
    lando_health_check_fn check; /* NULL: always healthy */
    void *check_data;            /* borrowed; must outlive the app */
} lando_health_options_t;

/** The plugin definition; options are a lando_health_options_t or NULL. */
LANDO_API extern const lando_plugin_def_t lando_health_plugin;

#endif /* LANDO_PLUGINS_HEALTH_H */
