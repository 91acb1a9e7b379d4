/*
 * The app (routes, groups, middleware, options), its freeze at the first
 * invocation, the context life cycle and lando_app_handle(), which
 * drives one invocation and turns unanswered failures into the standard
 * JSON error response.
 *
 * Everything here is allocated once, at setup, with the lando allocator;
 * after the freeze nothing in the app changes but the invocation count.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Enough for the requests of most APIs without a second chunk. */
#define CTX_ARENA_FIRST (16u * 1024u)
/* Path parameters per pattern; more is surely a mistake. */
#define MAX_PARAMS 32

/* Whether this process has begun an invocation yet (cold start). */
static bool process_served;
static bool log_level_read;

/* ---- middleware lists ----------------------------------------------- */

static void
mw_release(lando_mw_t *mw)
{
    if (mw->free_state) {
        mw->free_state(mw->state);
    }
}

static void
mw_list_free(lando_mw_list_t *list)
{
    size_t i;

    for (i = 0; i < list->count; i++) {
        mw_release(&list->items[i]);
    }
    lando__free(list->items);
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}

/* Append MW; its state belongs to LIST from now on, even on failure. */
static lando_err_t
mw_list_push(lando_app_t *app, lando_mw_list_t *list, lando_mw_t mw)
{
    if (!mw.fn) {
        mw_release(&mw);
        return lando__app_fail(app, LANDO_EINVAL,
                               "middleware %s has no function",
                               mw.name ? mw.name : "(unnamed)");
    }
    if (app->frozen) {
        mw_release(&mw);
        return lando__app_fail(app, LANDO_EFROZEN,
                               "middleware %s added after the first "
                               "invocation",
                               mw.name ? mw.name : "(unnamed)");
    }

    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        lando_mw_t *items;

        items = lando__realloc(list->items, cap * sizeof(*items));
        if (!items) {
            mw_release(&mw);
            return LANDO_ENOMEM;
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->count++] = mw;
    return LANDO_OK;
}

/* ---- the app -------------------------------------------------------- */

lando_err_t
lando__app_fail(lando_app_t *app, lando_err_t err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(app->last_error, sizeof(app->last_error), fmt, ap);
    va_end(ap);
    return err;
}

lando_app_t *
lando_app_new(void)
{
    lando_app_t *app;

    if (!log_level_read) {
        lando_log_level_from_env();
        log_level_read = true;
    }

    app = lando__calloc(1, sizeof(*app));
    if (!app) {
        return NULL;
    }
    app->routes_tail = &app->routes;

    app->router = lando__router_new();
    if (!app->router) {
        goto fail;
    }
    app->root = lando__calloc(1, sizeof(*app->root));
    if (!app->root) {
        goto fail;
    }
    app->root->app = app;
    app->root->prefix = lando__strdup("");
    if (!app->root->prefix) {
        goto fail;
    }
    return app;

fail:
    lando_app_free(app);
    return NULL;
}

static void
attrs_free(lando_attr_t *a)
{
    while (a) {
        lando_attr_t *next = a->next;

        lando__free(a->key);
        lando__free(a->value);
        lando__free(a);
        a = next;
    }
}

static void
route_free(lando_route_t *r)
{
    if (!r) {
        return;
    }
    lando__free(r->method);
    lando__free(r->pattern);
    mw_list_free(&r->mws);
    attrs_free(r->attrs);
    lando__free(r->chain);
    lando__free(r);
}

static void
group_free(lando_group_t *g)
{
    if (!g) {
        return;
    }
    mw_list_free(&g->mws);
    lando__free(g->prefix);
    lando__free(g);
}

void
lando_app_free(lando_app_t *app)
{
    lando_route_t *r;
    lando_group_t *g;
    size_t i;

    if (!app) {
        return;
    }

    /* Plugins run their release functions while the app is whole; the
     * router refers to the routes, so it goes before them. */
    lando__plugins_free(app);
    lando__router_free(app->router);

    r = app->routes;
    while (r) {
        lando_route_t *next = r->next_in_app;

        route_free(r);
        r = next;
    }
    g = app->groups;
    while (g) {
        lando_group_t *next = g->next_in_app;

        group_free(g);
        g = next;
    }
    group_free(app->root);

    mw_list_free(&app->mws);
    lando__free(app->global_chain);
    lando__free(app->route_index);
    for (i = 0; i < app->strip_count; i++) {
        lando__free(app->strip_prefixes[i]);
    }
    lando__free(app->strip_prefixes);
    lando__free(app);
}

lando_err_t
lando_app_use(lando_app_t *app, lando_mw_t mw)
{
    if (!app) {
        mw_release(&mw);
        return LANDO_EINVAL;
    }
    return mw_list_push(app, &app->mws, mw);
}

/* Copy PREFIX without trailing slashes into *OUT ("" for "" and "/"). */
static lando_err_t
normalise_prefix(const char *prefix, char **out)
{
    size_t len;

    *out = NULL;
    if (!prefix || (prefix[0] != '\0' && prefix[0] != '/')) {
        return LANDO_EPATTERN;
    }
    len = strlen(prefix);
    while (len > 0 && prefix[len - 1] == '/') {
        len--;
    }
    *out = lando__strndup(prefix, len);
    return *out ? LANDO_OK : LANDO_ENOMEM;
}

lando_err_t
lando_app_strip_prefix(lando_app_t *app, const char *prefix)
{
    char *copy, **list;
    lando_err_t err;

    if (!app) {
        return LANDO_EINVAL;
    }
    if (app->frozen) {
        return lando__app_fail(app, LANDO_EFROZEN,
                               "strip prefix %s added after the first "
                               "invocation", prefix ? prefix : "(null)");
    }

    err = normalise_prefix(prefix, &copy);
    if (err == LANDO_OK && copy[0] == '\0') {
        lando__free(copy);
        err = LANDO_EPATTERN;
    }
    if (err == LANDO_EPATTERN) {
        return lando__app_fail(app, err,
                               "strip prefix \"%s\" is not an absolute "
                               "path below /", prefix ? prefix : "(null)");
    }
    if (err) {
        return err;
    }

    list = lando__realloc(app->strip_prefixes,
                          (app->strip_count + 1) * sizeof(*list));
    if (!list) {
        lando__free(copy);
        return LANDO_ENOMEM;
    }
    app->strip_prefixes = list;
    list[app->strip_count++] = copy;
    return LANDO_OK;
}

void
lando_app_set_strict_slash(lando_app_t *app, bool strict)
{
    if (app && !app->frozen) {
        app->strict_slash = strict;
    }
}

const char *
lando_app_last_error(const lando_app_t *app)
{
    return app ? app->last_error : "";
}

void
lando_app_set_data(lando_app_t *app, void *data)
{
    if (app) {
        app->data = data;
    }
}

void *
lando_app_data(const lando_app_t *app)
{
    return app ? app->data : NULL;
}

uint64_t
lando_app_invocations(const lando_app_t *app)
{
    return app ? app->invocations : 0;
}

/* ---- groups and routes ---------------------------------------------- */

lando_group_t *
lando_app_root(lando_app_t *app)
{
    return app ? app->root : NULL;
}

static bool
is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/*
 * Check the shape of a full pattern: a leading '/', no empty segment but
 * a trailing one, parameters filling whole segments with non-empty,
 * distinct names, and a greedy parameter only as the last segment.
 * Returns LANDO_OK or LANDO_EPATTERN with the app's last error set.
 */
static lando_err_t
check_pattern(lando_app_t *app, const char *pattern)
{
    const char *names[MAX_PARAMS];
    size_t lens[MAX_PARAMS];
    size_t nparams = 0, i;
    const char *p, *why = NULL;

    if (pattern[0] != '/') {
        why = "does not start with '/'";
        goto bad;
    }

    p = pattern + 1;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *name;
        size_t name_len;
        bool greedy;

        if (len == 0 && end) {
            why = "has an empty segment";
            goto bad;
        }
        if (!memchr(p, '{', len) && !memchr(p, '}', len)) {
            goto next;
        }
        if (len < 2 || p[0] != '{' || p[len - 1] != '}') {
            why = "has a parameter that is not a whole segment";
            goto bad;
        }

        name = p + 1;
        name_len = len - 2;
        greedy = name_len > 0 && name[name_len - 1] == '+';
        if (greedy) {
            name_len--;
        }
        if (name_len == 0) {
            why = "has a parameter without a name";
            goto bad;
        }
        for (i = 0; i < name_len; i++) {
            if (!is_name_char(name[i])) {
                why = "has a parameter name with a character other than "
                      "letters, digits, '_', '-' and '.'";
                goto bad;
            }
        }
        if (greedy && end) {
            why = "has a greedy parameter before the last segment";
            goto bad;
        }
        for (i = 0; i < nparams; i++) {
            if (lens[i] == name_len && !memcmp(names[i], name, name_len)) {
                why = "names a parameter twice";
                goto bad;
            }
        }
        if (nparams == MAX_PARAMS) {
            why = "has too many parameters";
            goto bad;
        }
        names[nparams] = name;
        lens[nparams++] = name_len;

    next:
        if (!end) {
            break;
        }
        p = end + 1;
    }
    return LANDO_OK;

bad:
    return lando__app_fail(app, LANDO_EPATTERN, "pattern %s %s", pattern,
                           why);
}

lando_err_t
lando_group_new(lando_group_t *parent, const char *prefix,
                lando_group_t **out)
{
    lando_app_t *app;
    lando_group_t *g = NULL;
    char *own = NULL;
    lando_err_t err;

    if (out) {
        *out = NULL;
    }
    if (!parent || !out) {
        return LANDO_EINVAL;
    }
    app = parent->app;
    if (app->frozen) {
        return lando__app_fail(app, LANDO_EFROZEN,
                               "group %s created after the first "
                               "invocation", prefix ? prefix : "(null)");
    }

    err = normalise_prefix(prefix, &own);
    if (err == LANDO_EPATTERN) {
        return lando__app_fail(app, err,
                               "group prefix \"%s\" is neither \"\" nor an "
                               "absolute path", prefix ? prefix : "(null)");
    }
    if (err) {
        return err;
    }

    g = lando__calloc(1, sizeof(*g));
    if (!g) {
        err = LANDO_ENOMEM;
        goto out;
    }
    g->prefix = lando__malloc(strlen(parent->prefix) + strlen(own) + 1);
    if (!g->prefix) {
        err = LANDO_ENOMEM;
        goto out;
    }
    strcpy(g->prefix, parent->prefix);
    strcat(g->prefix, own);
    if (g->prefix[0]) {
        err = check_pattern(app, g->prefix);
        if (err) {
            goto out;
        }
    }

    g->app = app;
    g->parent = parent;
    g->next_in_app = app->groups;
    app->groups = g;
    *out = g;
    g = NULL;

out:
    lando__free(own);
    group_free(g);
    return err;
}

lando_err_t
lando_group_use(lando_group_t *group, lando_mw_t mw)
{
    if (!group) {
        mw_release(&mw);
        return LANDO_EINVAL;
    }
    return mw_list_push(group->app, &group->mws, mw);
}

static bool
is_token(const char *s)
{
    static const char *const extra = "!#$%&'*+-.^_`|~";
    const unsigned char *p = (const unsigned char *)s;

    if (!p || !*p) {
        return false;
    }
    for (; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr(extra, *p))) {
            return false;
        }
    }
    return true;
}

/* A route for METHOD (a token) at the group's prefix + PATTERN. */
static lando_route_t *
route_new(lando_group_t *group, const char *method, const char *pattern)
{
    size_t plen = strlen(group->prefix), i;
    lando_route_t *r;

    r = lando__calloc(1, sizeof(*r));
    if (!r) {
        return NULL;
    }
    r->group = group;

    r->method = lando__strdup(method);
    r->pattern = lando__malloc(plen + strlen(pattern) + 1);
    if (!r->method || !r->pattern) {
        route_free(r);
        return NULL;
    }
    for (i = 0; r->method[i]; i++) {
        if (r->method[i] >= 'a' && r->method[i] <= 'z') {
            r->method[i] = (char)(r->method[i] - ('a' - 'A'));
        }
    }
    memcpy(r->pattern, group->prefix, plen);
    strcpy(r->pattern + plen, pattern);

    r->any = strcmp(r->method, "ANY") == 0;
    r->method_bit = r->any ? 0 : lando__method_bit(r->method);
    return r;
}

/*
 * Name both routes of a registration conflict, and the plugin each came
 * from, so that a clash between teams' bundles says whose routes meet:
 * "GET /h/health (plugin health) conflicts with GET /h/{x}".
 */
static void
describe_conflict(lando_app_t *app, lando_err_t err, const lando_route_t *r,
                  const lando_route_t *other)
{
    const char *mine = lando__route_plugin(r);
    const char *theirs = other ? lando__route_plugin(other) : NULL;

    lando__app_fail(app, err, "%s %s%s%s%s conflicts with %s %s%s%s%s",
                    r->method, r->pattern, mine ? " (plugin " : "",
                    mine ? mine : "", mine ? ")" : "",
                    other ? other->method : "another",
                    other ? other->pattern : "route",
                    theirs ? " (plugin " : "", theirs ? theirs : "",
                    theirs ? ")" : "");
}

lando_err_t
lando_group_route(lando_group_t *group, const char *method,
                  const char *pattern, lando_handler_fn handler, void *data,
                  lando_route_t **out)
{
    lando_app_t *app;
    lando_route_t *r = NULL, *other = NULL;
    lando_err_t err;

    if (out) {
        *out = NULL;
    }
    if (!group) {
        return LANDO_EINVAL;
    }
    app = group->app;
    if (app->frozen) {
        return lando__app_fail(app, LANDO_EFROZEN,
                               "route %s %s added after the first "
                               "invocation", method ? method : "(null)",
                               pattern ? pattern : "(null)");
    }
    if (!handler || !pattern) {
        return lando__app_fail(app, LANDO_EINVAL,
                               "route %s %s has no %s",
                               method ? method : "(null)",
                               pattern ? pattern : "(null)",
                               handler ? "pattern" : "handler");
    }
    if (!is_token(method)) {
        return lando__app_fail(app, LANDO_EINVAL,
                               "route method \"%s\" is not an HTTP token",
                               method ? method : "(null)");
    }
    /* Inside a group, "" routes the group's prefix itself. */
    if (pattern[0] != '/' && !(pattern[0] == '\0' && group->prefix[0])) {
        return lando__app_fail(app, LANDO_EPATTERN,
                               "pattern %s%s does not start with '/'",
                               group->prefix, pattern);
    }

    r = route_new(group, method, pattern);
    if (!r) {
        return LANDO_ENOMEM;
    }
    r->handler = handler;
    r->data = data;
    err = check_pattern(app, r->pattern);
    if (err) {
        goto out;
    }

    err = lando__router_add(app->router, r, &other);
    if (err == LANDO_EEXIST || err == LANDO_EAMBIGUOUS) {
        describe_conflict(app, err, r, other);
        goto out;
    }
    if (err == LANDO_EPATTERN) {
        lando__app_fail(app, err, "pattern %s is not valid", r->pattern);
        goto out;
    }
    if (err) {
        goto out;
    }

    *app->routes_tail = r;
    app->routes_tail = &r->next_in_app;
    app->route_count++;
    if (out) {
        *out = r;
    }
    r = NULL;

out:
    route_free(r);
    return err;
}

lando_err_t
lando_app_route(lando_app_t *app, const char *method, const char *pattern,
                lando_handler_fn handler, void *data)
{
    if (!app) {
        return LANDO_EINVAL;
    }
    return lando_group_route(app->root, method, pattern, handler, data,
                             NULL);
}

lando_err_t
lando_route_use(lando_route_t *route, lando_mw_t mw)
{
    if (!route) {
        mw_release(&mw);
        return LANDO_EINVAL;
    }
    return mw_list_push(route->group->app, &route->mws, mw);
}

static lando_attr_t *
attr_find(const lando_route_t *route, const char *key)
{
    lando_attr_t *a;

    for (a = route->attrs; a; a = a->next) {
        if (strcmp(a->key, key) == 0) {
            return a;
        }
    }
    return NULL;
}

lando_err_t
lando_route_set_attr(lando_route_t *route, const char *key,
                     const char *value)
{
    lando_attr_t *a;
    char *v;

    if (!route || !key || !value) {
        return LANDO_EINVAL;
    }
    if (route->group->app->frozen) {
        return lando__app_fail(route->group->app, LANDO_EFROZEN,
                               "attribute %s set after the first "
                               "invocation", key);
    }

    v = lando__strdup(value);
    if (!v) {
        return LANDO_ENOMEM;
    }
    a = attr_find(route, key);
    if (a) {
        lando__free(a->value);
        a->value = v;
        return LANDO_OK;
    }

    a = lando__calloc(1, sizeof(*a));
    if (!a || !(a->key = lando__strdup(key))) {
        lando__free(a);
        lando__free(v);
        return LANDO_ENOMEM;
    }
    a->value = v;
    a->next = route->attrs;
    route->attrs = a;
    return LANDO_OK;
}

const char *
lando_route_attr(const lando_route_t *route, const char *key)
{
    const lando_attr_t *a;

    if (!route || !key) {
        return NULL;
    }
    a = attr_find(route, key);
    return a ? a->value : NULL;
}

const char *
lando_route_pattern(const lando_route_t *route)
{
    return route ? route->pattern : NULL;
}

const char *
lando_route_method(const lando_route_t *route)
{
    return route ? route->method : NULL;
}

size_t
lando_app_route_count(const lando_app_t *app)
{
    return app ? app->route_count : 0;
}

lando_route_t *
lando_app_route_at(const lando_app_t *app, size_t i)
{
    lando_route_t *r;

    if (!app || i >= app->route_count) {
        return NULL;
    }
    if (app->route_index) {
        return app->route_index[i];
    }
    for (r = app->routes; i > 0; i--) {
        r = r->next_in_app;
    }
    return r;
}

lando_route_t *
lando_ctx_matched_route(lando_ctx_t *ctx)
{
    return ctx ? ctx->route : NULL;
}

const char *
lando_ctx_route_attr(lando_ctx_t *ctx, const char *key)
{
    return ctx ? lando_route_attr(ctx->route, key) : NULL;
}

/* ---- freeze --------------------------------------------------------- */

/* The route's chain: its groups' middleware, outermost group first, then
 * its own. Filled from the back while walking up the groups. */
static lando_err_t
build_route_chain(lando_route_t *r)
{
    const lando_group_t *g;
    size_t n = r->mws.count, pos, i;

    for (g = r->group; g; g = g->parent) {
        n += g->mws.count;
    }
    r->chain_count = n;
    if (n == 0) {
        return LANDO_OK;
    }

    r->chain = lando__calloc(n, sizeof(*r->chain));
    if (!r->chain) {
        return LANDO_ENOMEM;
    }
    pos = n;
    for (i = r->mws.count; i > 0; i--) {
        r->chain[--pos] = &r->mws.items[i - 1];
    }
    for (g = r->group; g; g = g->parent) {
        for (i = g->mws.count; i > 0; i--) {
            r->chain[--pos] = &g->mws.items[i - 1];
        }
    }
    return LANDO_OK;
}

static void
unfreeze(lando_app_t *app)
{
    lando_route_t *r;

    for (r = app->routes; r; r = r->next_in_app) {
        lando__free(r->chain);
        r->chain = NULL;
        r->chain_count = 0;
    }
    lando__free(app->global_chain);
    app->global_chain = NULL;
    lando__free(app->route_index);
    app->route_index = NULL;
}

lando_err_t
lando__app_freeze(lando_app_t *app)
{
    lando_route_t *r;
    size_t i;

    if (app->frozen) {
        return LANDO_OK;
    }

    if (app->mws.count) {
        app->global_chain = lando__calloc(app->mws.count,
                                          sizeof(*app->global_chain));
        if (!app->global_chain) {
            goto nomem;
        }
        for (i = 0; i < app->mws.count; i++) {
            app->global_chain[i] = &app->mws.items[i];
        }
    }

    if (app->route_count) {
        app->route_index = lando__calloc(app->route_count,
                                         sizeof(*app->route_index));
        if (!app->route_index) {
            goto nomem;
        }
    }
    for (r = app->routes, i = 0; r; r = r->next_in_app, i++) {
        app->route_index[i] = r;
        if (build_route_chain(r) != LANDO_OK) {
            goto nomem;
        }
    }

    app->frozen = true;
    return LANDO_OK;

nomem:
    unfreeze(app);
    return LANDO_ENOMEM;
}

/* ---- contexts ------------------------------------------------------- */

static void
ctx_clear(lando_ctx_t *ctx, lando_source_t source)
{
    lando_request_t *req = &ctx->req;
    lando_response_t *res = &ctx->res;

    memset(req, 0, sizeof(*req));
    req->ctx = ctx;
    req->method = "GET";
    req->path = "/";
    req->raw_path = "/";
    req->raw_query = "";
    lando__fields_init(&req->headers, true);
    lando__fields_init(&req->query, false);
    lando__fields_init(&req->params, false);
    lando__fields_init(&req->stage_vars, false);
    lando__fields_init(&req->cookies, false);
    lando__fields_init(&req->form, false);

    memset(res, 0, sizeof(*res));
    res->ctx = ctx;
    lando_response_reset(res);

    ctx->source = source;
    memset(&ctx->error, 0, sizeof(ctx->error));
    ctx->store = NULL;
    ctx->cleanups = NULL;
    memset(&ctx->chain, 0, sizeof(ctx->chain));
    ctx->chain.stage = LANDO__STAGE_DONE;
    ctx->route = NULL;
    ctx->allow = NULL;
    ctx->allow_done = false;
    ctx->lambda_cached = 0;
}

/* Run the end-of-invocation cleanups, newest first. */
static void
ctx_run_cleanups(lando_ctx_t *ctx)
{
    lando_cleanup_t *c = ctx->cleanups;

    ctx->cleanups = NULL;
    while (c) {
        c->fn(c->arg);
        c = c->next;
    }
}

lando_ctx_t *
lando_ctx_new(lando_app_t *app)
{
    lando_ctx_t *ctx;

    if (!app) {
        return NULL;
    }
    ctx = lando__calloc(1, sizeof(*ctx));
    if (!ctx) {
        return NULL;
    }
    ctx->app = app;
    lando__arena_init(&ctx->arena, CTX_ARENA_FIRST);
    ctx_clear(ctx, LANDO_SOURCE_NONE);
    ctx->start_us = lando__now_us();
    return ctx;
}

void
lando_ctx_free(lando_ctx_t *ctx)
{
    if (!ctx) {
        return;
    }
    ctx_run_cleanups(ctx);
    lando__arena_cleanup(&ctx->arena);
    lando__free(ctx);
}

void
lando_ctx_begin(lando_ctx_t *ctx, lando_source_t source)
{
    ctx_run_cleanups(ctx);
    lando__arena_reset(&ctx->arena);
    ctx_clear(ctx, source);
    ctx->cold_start = !process_served;
    process_served = true;
    ctx->start_us = lando__now_us();
}

void
lando_ctx_set_lambda(lando_ctx_t *ctx, const lando_lambda_ops_t *ops,
                     void *opaque)
{
    ctx->lambda_ops = ops;
    ctx->lambda_opaque = opaque;
    ctx->lambda_cached = 0;
}

/* ---- one invocation ------------------------------------------------- */

/* Route below the longest configured prefix that the path starts with
 * at a segment boundary. The raw path keeps its value. */
static void
strip_prefix(lando_app_t *app, lando_request_t *req)
{
    const char *path = lando_request_path(req);
    size_t best = 0, i;

    for (i = 0; i < app->strip_count; i++) {
        const char *pre = app->strip_prefixes[i];
        size_t len = strlen(pre);

        if (len > best && strncmp(path, pre, len) == 0 &&
            (path[len] == '/' || path[len] == '\0')) {
            best = len;
        }
    }
    if (best) {
        req->raw_path = lando_request_raw_path(req);
        req->path = path[best] ? path + best : "/";
    }
}

lando_err_t
lando_app_handle(lando_app_t *app, lando_ctx_t *ctx)
{
    lando_err_t err;

    if (!app || !ctx || ctx->app != app) {
        return LANDO_EINVAL;
    }

    app->invocations++;
    err = lando__app_freeze(app);
    if (err) {
        lando_fail(ctx, err, NULL);
        lando_error_respond(ctx, false);
        return err;
    }

    strip_prefix(app, &ctx->req);

    ctx->chain.mws = (lando_mw_t *const *)app->global_chain;
    ctx->chain.count = app->mws.count;
    ctx->chain.next = 0;
    ctx->chain.stage = LANDO__STAGE_GLOBAL;
    err = lando_next(ctx);
    ctx->chain.stage = LANDO__STAGE_DONE;

    if (err != LANDO_OK) {
        /* A handler may return a code without lando_fail(); it then gets
         * the table's message. */
        if (ctx->error.code == LANDO_OK) {
            lando_fail(ctx, err, NULL);
        }
        lando_error_respond(ctx, false);
    }

    if (strcmp(lando_request_method(&ctx->req), "HEAD") == 0) {
        ctx->res.body = NULL;
        ctx->res.body_len = 0;
    }
    return err;
}

/* ---- the error response --------------------------------------------- */

static const char nomem_body[] =
    "{\"error\":{\"status\":500,\"code\":\"internal_error\","
    "\"message\":\"out of memory\"}}";

/* S as valid UTF-8: S itself, or a copy with every byte of 0x80 and up
 * replaced by '?' (the message may quote bytes from the request). */
static const char *
utf8_safe(lando_ctx_t *ctx, const char *s)
{
    size_t len = strlen(s), i;
    char *copy;

    if (lando__utf8_valid(s, len)) {
        return s;
    }
    copy = lando_ctx_strndup(ctx, s, len);
    if (!copy) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char)copy[i] >= 0x80) {
            copy[i] = '?';
        }
    }
    return copy;
}

static json_t *
error_body(lando_ctx_t *ctx, int status, lando_err_t code, bool with_detail)
{
    const lando_error_t *e = &ctx->error;
    const char *msg, *detail = NULL;
    json_t *inner, *outer;
    int bad = 0;

    msg = utf8_safe(ctx, e->message && (status < 500 || with_detail)
                             ? e->message
                             : lando_strerror(code));
    if (with_detail && e->detail) {
        detail = utf8_safe(ctx, e->detail);
        if (!detail) {
            return NULL;
        }
    }
    if (!msg) {
        return NULL;
    }

    outer = json_object();
    inner = json_object();
    if (!outer || !inner || json_object_set_new(outer, "error", inner)) {
        json_decref(outer);
        return NULL;
    }
    bad |= json_object_set_new(inner, "status", json_integer(status));
    bad |= json_object_set_new(inner, "code",
                               json_string(lando_err_slug(code)));
    bad |= json_object_set_new(inner, "message", json_string(msg));
    if (detail) {
        bad |= json_object_set_new(inner, "detail", json_string(detail));
    }
    if (bad) {
        json_decref(outer);
        return NULL;
    }
    return outer;
}

lando_err_t
lando_error_respond(lando_ctx_t *ctx, bool with_detail)
{
    lando_response_t *res;
    lando_err_t code, err;
    const char *allow;
    int status;

    if (!ctx || ctx->error.code == LANDO_OK) {
        return LANDO_EINVAL;
    }
    res = &ctx->res;
    code = ctx->error.code;
    status = ctx->error.status;
    if (status < 400 || status > 599) {
        status = lando_err_status(code);
    }

    /* The old body is gone, and so is what described it. */
    lando_response_remove_header(res, "Content-Length");
    lando_response_remove_header(res, "Content-Encoding");
    res->mode = LANDO_BODY_AUTO;

    err = lando_response_json(res, status,
                              error_body(ctx, status, code, with_detail));
    if (err) {
        goto nomem;
    }

    if (status == 405) {
        allow = lando_ctx_allow(ctx);
        if (allow) {
            err = lando_response_set_header(res, "Allow", allow);
            if (err) {
                goto nomem;
            }
        }
    }
    return LANDO_OK;

nomem:
    /* Say what can still be said without memory. */
    lando_response_set_status(res, 500);
    lando_response_set_body_ref(res, nomem_body, sizeof(nomem_body) - 1);
    lando_response_remove_header(res, "Content-Type");
    lando_response_set_header(res, "Content-Type", "application/json");
    return LANDO_ENOMEM;
}
