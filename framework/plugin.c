/*
 * Plugins mounted on an app: the mount records (name, version, prefix,
 * group), the functions plugins run when the app is freed, and the
 * per-app state that also holds the route docs of route_doc.c.
 *
 * A mount is a group whose `plugin` field names the plugin, so the
 * router, the chain and conflict messages need no other knowledge of
 * plugins: group middleware already wraps only the group's routes. The
 * state is created on first use; an app without plugins or docs pays a
 * NULL pointer.
 */
#include <string.h>

#include "plugin_internal.h"

struct lando_plugin {
    lando_app_t *app;
    lando_group_t *group;
    lando_plugin_info_t info; /* strings owned by the mount */
};

struct lando_plugin_state *
lando__plugin_state(lando_app_t *app)
{
    if (app->plugins == NULL) {
        app->plugins = lando__calloc(1, sizeof(*app->plugins));
    }
    return app->plugins;
}

static void
mount_free(lando_plugin_t *p)
{
    if (p == NULL) {
        return;
    }
    lando__free((char *)p->info.name);
    lando__free((char *)p->info.version);
    lando__free((char *)p->info.prefix);
    lando__free(p);
}

void
lando__plugins_free(lando_app_t *app)
{
    struct lando_plugin_state *st;
    lando_on_free_t *f, *next;
    size_t i;

    if (app == NULL || app->plugins == NULL) {
        return;
    }
    st = app->plugins;

    for (f = st->on_free; f != NULL; f = next) {
        next = f->next;
        f->fn(f->arg);
        lando__free(f);
    }
    lando__route_docs_free(st->docs);
    for (i = 0; i < st->mount_count; i++) {
        mount_free(st->mounts[i]);
    }
    lando__free(st->mounts);
    lando__free(st);

    /* Idempotent, so that freeing twice in any order is harmless. */
    app->plugins = NULL;
}

const char *
lando__route_plugin(const lando_route_t *route)
{
    const lando_group_t *g;

    for (g = route ? route->group : NULL; g != NULL; g = g->parent) {
        if (g->plugin != NULL) {
            return g->plugin;
        }
    }
    return NULL;
}

const char *
lando_route_plugin(const lando_route_t *route)
{
    return lando__route_plugin(route);
}

static bool
name_valid(const char *name)
{
    const char *c;

    if (name == NULL || name[0] == '\0') {
        return false;
    }
    for (c = name; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
              *c == '.')) {
            return false;
        }
    }
    return true;
}

static lando_err_t
mount_push(lando_app_t *app, lando_plugin_t *p)
{
    struct lando_plugin_state *st = lando__plugin_state(app);

    if (st == NULL) {
        return LANDO_ENOMEM;
    }
    if (st->mount_count == st->mount_cap) {
        size_t cap = st->mount_cap ? st->mount_cap * 2 : 4;
        lando_plugin_t **m = lando__realloc(st->mounts, cap * sizeof(*m));

        if (m == NULL) {
            return LANDO_ENOMEM;
        }
        st->mounts = m;
        st->mount_cap = cap;
    }
    st->mounts[st->mount_count++] = p;
    return LANDO_OK;
}

/* Put "plugin NAME at PREFIX: " before the app's last error, or the
 * error's table message when the plugin left none. */
static lando_err_t
blame(lando_app_t *app, const lando_plugin_t *p, lando_err_t err)
{
    char why[sizeof(app->last_error)];

    memcpy(why, app->last_error, sizeof(why));
    why[sizeof(why) - 1] = '\0';
    return lando__app_fail(app, err, "plugin %s at \"%s\": %s",
                           p->info.name, p->info.prefix,
                           why[0] ? why : lando_strerror(err));
}

/*
 * A mount record for DEF with its group at PREFIX, named after the
 * plugin. On failure nothing is left but, possibly, an empty group that
 * the app owns.
 */
static lando_err_t
mount_new(lando_app_t *app, const lando_plugin_def_t *def,
          const char *prefix, lando_plugin_t **out)
{
    lando_plugin_t *p = lando__calloc(1, sizeof(*p));
    lando_err_t err = LANDO_ENOMEM;

    if (p == NULL) {
        return LANDO_ENOMEM;
    }
    p->app = app;
    p->info.name = lando__strdup(def->name);
    p->info.version = lando__strdup(def->version ? def->version : "");
    p->info.prefix = lando__strdup(prefix ? prefix : "");
    if (!p->info.name || !p->info.version || !p->info.prefix) {
        goto out;
    }

    app->last_error[0] = '\0';
    err = lando_group_new(lando_app_root(app), p->info.prefix, &p->group);
    if (err) {
        blame(app, p, err);
        goto out;
    }

    /* List the prefix as the group normalised it ("/ops/" is "/ops"). */
    lando__free((char *)p->info.prefix);
    p->info.prefix = lando__strdup(p->group->prefix);
    if (p->info.prefix == NULL) {
        err = LANDO_ENOMEM;
        goto out;
    }
    p->group->plugin = p->info.name;
    *out = p;
    p = NULL;

out:
    mount_free(p);
    return err;
}

lando_err_t
lando_plugin_mount(lando_app_t *app, const lando_plugin_def_t *def,
                   const char *prefix, void *options)
{
    lando_plugin_t *p = NULL;
    lando_err_t err;

    if (app == NULL) {
        return LANDO_EINVAL;
    }
    if (def == NULL || def->register_fn == NULL) {
        return lando__app_fail(app, LANDO_EINVAL, "plugin mounted without "
                                                  "a definition or a "
                                                  "register function");
    }
    if (!name_valid(def->name)) {
        return lando__app_fail(app, LANDO_EINVAL,
                               "plugin name \"%s\" is not letters, digits, "
                               "'-', '_' and '.'",
                               def->name ? def->name : "(null)");
    }
    if (app->frozen) {
        return lando__app_fail(app, LANDO_EFROZEN,
                               "plugin %s mounted after the first "
                               "invocation", def->name);
    }

    err = mount_new(app, def, prefix, &p);
    if (err) {
        return err;
    }

    /* Listed before it registers, so that it can see itself and its
     * on_free functions have a home. */
    err = mount_push(app, p);
    if (err) {
        p->group->plugin = NULL; /* the name is about to be freed */
        mount_free(p);
        return err;
    }

    err = def->register_fn(p, options);
    if (err) {
        blame(app, p, err);
    }
    return err;
}

lando_group_t *
lando_plugin_group(lando_plugin_t *p)
{
    return p ? p->group : NULL;
}

lando_app_t *
lando_plugin_app(lando_plugin_t *p)
{
    return p ? p->app : NULL;
}

const lando_plugin_info_t *
lando_plugin_info(const lando_plugin_t *p)
{
    return p ? &p->info : NULL;
}

lando_err_t
lando_plugin_route(lando_plugin_t *p, const char *method,
                   const char *pattern, lando_handler_fn handler, void *data,
                   lando_route_t **out)
{
    if (p == NULL) {
        if (out != NULL) {
            *out = NULL;
        }
        return LANDO_EINVAL;
    }
    return lando_group_route(p->group, method, pattern, handler, data, out);
}

lando_err_t
lando_plugin_use(lando_plugin_t *p, lando_mw_t mw)
{
    if (p == NULL) {
        if (mw.free_state != NULL) {
            mw.free_state(mw.state);
        }
        return LANDO_EINVAL;
    }
    return lando_group_use(p->group, mw);
}

lando_err_t
lando_plugin_on_free(lando_plugin_t *p, void (*fn)(void *arg), void *arg)
{
    struct lando_plugin_state *st;
    lando_on_free_t *f;

    if (fn == NULL) {
        return LANDO_EINVAL;
    }
    st = p != NULL ? p->app->plugins : NULL;
    f = st != NULL ? lando__calloc(1, sizeof(*f)) : NULL;
    if (f == NULL) {
        fn(arg);
        return p != NULL ? LANDO_ENOMEM : LANDO_EINVAL;
    }
    f->fn = fn;
    f->arg = arg;
    f->next = st->on_free;
    st->on_free = f;
    return LANDO_OK;
}

size_t
lando_app_plugin_count(const lando_app_t *app)
{
    return app != NULL && app->plugins != NULL ? app->plugins->mount_count
                                               : 0;
}

const lando_plugin_info_t *
lando_app_plugin_at(const lando_app_t *app, size_t i)
{
    if (i >= lando_app_plugin_count(app)) {
        return NULL;
    }
    return &app->plugins->mounts[i]->info;
}
