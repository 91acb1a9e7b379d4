/*
 * Loading plugins from shared objects: the LANDO_PLUGINS variable, dlopen
 * and the host table (plugin_host.h) that loaded plugins call lando
 * through.
 *
 * Loaded objects are never closed. Their code is referenced by routes,
 * middleware and on_free functions until the app is gone, and a Lambda
 * process ends with its app; closing would only add an ordering hazard.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_internal.h"

#include <lando/plugin_host.h>

/*
 * Bind the dl functions to their oldest versions. glibc 2.34 moved them
 * from libdl into libc under the version GLIBC_2.34, and a module that
 * asked for that version would not load on the Lambda runtimes built on
 * glibc 2.26. The old versions still resolve on new glibc (in libc) and
 * on old glibc (in libdl, which the Python process has loaded).
 */
#if defined(__GLIBC__) && defined(__x86_64__)
#define DL_VERSION "GLIBC_2.2.5"
#elif defined(__GLIBC__) && defined(__aarch64__)
#define DL_VERSION "GLIBC_2.17"
#endif
#ifdef DL_VERSION
__asm__(".symver dlopen, dlopen@" DL_VERSION);
__asm__(".symver dlsym, dlsym@" DL_VERSION);
__asm__(".symver dlerror, dlerror@" DL_VERSION);
__asm__(".symver dlclose, dlclose@" DL_VERSION);
#endif

/* The message a printf-style call through the table leaves, in CTX's
 * arena; NULL when FMT is NULL or memory ran out. */
static const char *
format(lando_ctx_t *ctx, const char *fmt, va_list ap)
{
    return fmt != NULL ? lando_ctx_vsprintf(ctx, fmt, ap) : NULL;
}

static lando_err_t
host_fail_v(lando_ctx_t *ctx, lando_err_t code, int status,
            const char *fmt, va_list ap)
{
    const char *msg = format(ctx, fmt, ap);

    if (status != 0) {
        return msg ? lando_fail_status(ctx, code, status, "%s", msg)
                   : lando_fail_status(ctx, code, status, NULL);
    }
    return msg ? lando_fail(ctx, code, "%s", msg) : lando_fail(ctx, code, NULL);
}

static void
host_fail_detail_v(lando_ctx_t *ctx, const char *fmt, va_list ap)
{
    const char *msg = format(ctx, fmt, ap);

    if (msg != NULL) {
        lando_fail_detail(ctx, "%s", msg);
    }
}

static void
host_log_v(lando_ctx_t *ctx, lando_log_level_t level,
           const lando_log_kv_t *kv, size_t n, const char *fmt, va_list ap)
{
    char line[1024];

    if (!lando_log_enabled(level)) {
        return;
    }
    /* A bounded buffer, as lando_log() itself uses: logging never
     * allocates and a long message is cut. */
    vsnprintf(line, sizeof(line), fmt ? fmt : "", ap);
    lando_log_kv(ctx, level, kv, n, "%s", line);
}

#define HOST_ENTRY(ret, name, params, args) .name = name,
#define HOST_VENTRY(name, params, args) .name = name,

static const lando_host_t host_table = {
    .abi = LANDO_PLUGIN_ABI,
    .size = sizeof(lando_host_t),
    .version = LANDO_VERSION,
    LANDO_HOST_FUNCTIONS(HOST_ENTRY, HOST_VENTRY)
    .fail_v = host_fail_v,
    .fail_detail_v = host_fail_detail_v,
    .log_v = host_log_v,
};

lando_err_t
lando_plugin_load(lando_app_t *app, const char *path, const char *prefix)
{
    lando_plugin_entry_fn entry;
    const lando_plugin_def_t *def;
    void *handle, *sym;

    if (app == NULL) {
        return LANDO_EINVAL;
    }
    if (path == NULL || path[0] == '\0') {
        return lando__app_fail(app, LANDO_ESETUP, "plugin path is empty");
    }

    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();

        return lando__app_fail(app, LANDO_ESETUP,
                               "cannot load plugin %s: %s", path,
                               why ? why : "unknown reason");
    }

    sym = dlsym(handle, LANDO_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        dlclose(handle);
        return lando__app_fail(app, LANDO_ESETUP,
                               "plugin %s has no %s function: it was not "
                               "built as a lando plugin", path,
                               LANDO_PLUGIN_ENTRY_SYMBOL);
    }
    /* POSIX guarantees that a data pointer from dlsym converts to a
     * function pointer. */
    memcpy(&entry, &sym, sizeof(entry));

    def = entry(&host_table);
    if (def == NULL) {
        dlclose(handle);
        return lando__app_fail(app, LANDO_ESETUP,
                               "plugin %s refused this host (plugin ABI %d, "
                               "lando %s): rebuild it against this lando",
                               path, LANDO_PLUGIN_ABI, LANDO_VERSION);
    }

    /* From here on the object stays loaded, whatever happens. */
    return lando_plugin_mount(app, def, prefix ? prefix : "", NULL);
}

/* Load one "PATH" or "PATH@PREFIX" entry of LEN bytes. */
static lando_err_t
load_entry(lando_app_t *app, const char *entry, size_t len, size_t index)
{
    char *copy = lando__strndup(entry, len);
    char *at;
    lando_err_t err;

    if (copy == NULL) {
        return LANDO_ENOMEM;
    }
    at = strrchr(copy, '@');
    if (at != NULL) {
        *at = '\0';
    }
    if (copy[0] == '\0') {
        err = lando__app_fail(app, LANDO_ESETUP,
                              "entry %zu has no path", index);
    } else {
        err = lando_plugin_load(app, copy, at ? at + 1 : "");
    }

    if (err && err != LANDO_ENOMEM) {
        char why[sizeof(app->last_error)];

        memcpy(why, app->last_error, sizeof(why));
        lando__app_fail(app, err, "LANDO_PLUGINS: %s", why);
    }
    lando__free(copy);
    return err;
}

lando_err_t
lando_plugins_load_env(lando_app_t *app)
{
    struct lando_plugin_state *st;
    const char *list, *p, *end;
    size_t index = 0;
    lando_err_t err;

    if (app == NULL) {
        return LANDO_EINVAL;
    }
    st = lando__plugin_state(app);
    if (st == NULL) {
        return LANDO_ENOMEM;
    }
    if (st->env_loaded) {
        return LANDO_OK;
    }
    st->env_loaded = true;

    list = getenv("LANDO_PLUGINS");
    for (p = list; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
        end = strchr(p, ':');
        if (end == NULL) {
            end = p + strlen(p);
        }
        index++;
        if (end == p) {
            continue; /* "a.so::b.so" or a trailing ':' */
        }
        err = load_entry(app, p, (size_t)(end - p), index);
        if (err) {
            return err;
        }
    }
    return LANDO_OK;
}
