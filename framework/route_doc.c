/*
 * Route documentation (doc.h): a copy of what the app said about a route,
 * with its schemas compiled once to catch mistakes at setup and kept as
 * JSON for documents. A documented request schema also puts the
 * validation middleware on the route.
 *
 * Docs belong to the app's plugin state (plugin_internal.h), which frees
 * them with everything else plugin.c owns; route->doc only points there.
 */
#include <stdio.h>
#include <string.h>

#include "plugin_internal.h"

/*
 * route->doc points at the member pub (the public struct lando_route_doc
 * of doc.h); the rest of the record is found from it.
 */
typedef struct doc_rec {
    struct doc_rec *next;
    lando_route_doc_t pub; /* its strings and lists are the copies below */
    char **tags;           /* NULL-terminated */
    lando_param_doc_t *params;
    json_t **param_schemas;
    size_t param_count;
    json_t *request_json;
    json_t *response_json;
} doc_rec_t;

static doc_rec_t *
rec_of(const lando_route_t *route)
{
    if (route == NULL || route->doc == NULL) {
        return NULL;
    }
    return (doc_rec_t *)((char *)route->doc - offsetof(doc_rec_t, pub));
}

static void
doc_free(doc_rec_t *d)
{
    size_t i;

    lando__free((char *)d->pub.summary);
    lando__free((char *)d->pub.description);
    lando__free((char *)d->pub.operation_id);
    lando__free((char *)d->pub.request_schema);
    lando__free((char *)d->pub.response_description);
    lando__free((char *)d->pub.response_schema);
    for (i = 0; d->tags != NULL && d->tags[i] != NULL; i++) {
        lando__free(d->tags[i]);
    }
    lando__free(d->tags);
    for (i = 0; i < d->param_count; i++) {
        lando__free((char *)d->params[i].name);
        lando__free((char *)d->params[i].in);
        lando__free((char *)d->params[i].description);
        lando__free((char *)d->params[i].schema);
        json_decref(d->param_schemas[i]);
    }
    lando__free(d->params);
    lando__free(d->param_schemas);
    json_decref(d->request_json);
    json_decref(d->response_json);
    lando__free(d);
}

void
lando__route_docs_free(void *docs)
{
    doc_rec_t *d, *next;

    for (d = docs; d != NULL; d = next) {
        next = d->next;
        doc_free(d);
    }
}

/* Copy S into *OUT (NULL stays NULL). False when memory ran out. */
static bool
dup_opt(const char **out, const char *s)
{
    *out = NULL;
    if (s == NULL) {
        return true;
    }
    *out = lando__strdup(s);
    return *out != NULL;
}

static lando_err_t
copy_tags(doc_rec_t *d, const char *const *tags)
{
    size_t n = 0, i;

    if (tags == NULL) {
        return LANDO_OK;
    }
    while (tags[n] != NULL) {
        n++;
    }
    d->tags = lando__calloc(n + 1, sizeof(*d->tags));
    if (d->tags == NULL) {
        return LANDO_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        d->tags[i] = lando__strdup(tags[i]);
        if (d->tags[i] == NULL) {
            return LANDO_ENOMEM;
        }
    }
    d->pub.tags = (const char *const *)d->tags;
    return LANDO_OK;
}

/*
 * Compile TEXT to check it; on success *JSON (may be NULL) receives a new
 * reference to its JSON and *OUT (may be NULL) the compiled schema.
 */
static lando_err_t
compile(lando_route_t *route, const char *field, const char *text,
        json_t **json, lando_schema_t **out)
{
    lando_app_t *app = route->group->app;
    lando_schema_t *s = NULL;
    char why[320];
    lando_err_t err;

    err = lando_schema_compile(text, &s, why, sizeof(why));
    if (err == LANDO_EINVAL) {
        return lando__app_fail(app, err, "%s %s: %s: %s", route->method,
                               route->pattern, field, why);
    }
    if (err) {
        return err;
    }

    if (json != NULL) {
        *json = json_incref((json_t *)lando_schema_json(s));
    }
    if (out != NULL) {
        *out = s;
    } else {
        lando_schema_free(s);
    }
    return LANDO_OK;
}

static bool
in_valid(const char *in)
{
    return strcmp(in, "query") == 0 || strcmp(in, "header") == 0 ||
           strcmp(in, "path") == 0 || strcmp(in, "cookie") == 0;
}

/* True when PATTERN has the parameter {NAME} or {NAME+}. */
static bool
pattern_has_param(const char *pattern, const char *name)
{
    size_t len = strlen(name);
    const char *p;

    for (p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
        if (strncmp(p + 1, name, len) == 0 &&
            (p[len + 1] == '}' ||
             (p[len + 1] == '+' && p[len + 2] == '}'))) {
            return true;
        }
    }
    return false;
}

static lando_err_t
copy_params(lando_route_t *route, doc_rec_t *d,
            const lando_param_doc_t *params)
{
    lando_app_t *app = route->group->app;
    size_t n = 0, i;
    lando_err_t err;
    char field[96];

    if (params == NULL) {
        return LANDO_OK;
    }
    while (params[n].name != NULL) {
        n++;
    }
    d->params = lando__calloc(n + 1, sizeof(*d->params));
    d->param_schemas = lando__calloc(n + 1, sizeof(*d->param_schemas));
    if (d->params == NULL || d->param_schemas == NULL) {
        return LANDO_ENOMEM;
    }

    for (i = 0; i < n; i++) {
        const lando_param_doc_t *in = &params[i];
        lando_param_doc_t *out = &d->params[i];
        const char *where = in->in ? in->in : "query";

        if (in->name[0] == '\0' || !in_valid(where)) {
            return lando__app_fail(app, LANDO_EINVAL,
                                   "%s %s: parameter %zu: empty name or "
                                   "\"in\" not query, header, path or "
                                   "cookie", route->method, route->pattern,
                                   i);
        }
        if (strcmp(where, "path") == 0 &&
            !pattern_has_param(route->pattern, in->name)) {
            return lando__app_fail(app, LANDO_EINVAL,
                                   "%s %s: path parameter \"%s\" is not "
                                   "in the pattern", route->method,
                                   route->pattern, in->name);
        }

        /* Counted as it is copied, so that doc_free frees only these. */
        d->param_count = i + 1;
        out->required = in->required || strcmp(where, "path") == 0;
        if (!dup_opt(&out->name, in->name) || !dup_opt(&out->in, where) ||
            !dup_opt(&out->description, in->description) ||
            !dup_opt(&out->schema, in->schema)) {
            return LANDO_ENOMEM;
        }
        if (in->schema != NULL) {
            snprintf(field, sizeof(field), "parameter %s", in->name);
            err = compile(route, field, in->schema, &d->param_schemas[i],
                          NULL);
            if (err) {
                return err;
            }
        }
    }
    d->pub.params = d->params;
    return LANDO_OK;
}

/* Everything but the request schema, which comes last because it adds
 * middleware to the route. */
static lando_err_t
copy_doc(lando_route_t *route, doc_rec_t *d,
         const lando_route_doc_t *in)
{
    lando_app_t *app = route->group->app;
    lando_err_t err;

    d->pub.skip_validation = in->skip_validation;
    d->pub.deprecated = in->deprecated;
    d->pub.hidden = in->hidden;
    d->pub.response_status = in->response_status ? in->response_status
                                                 : 200;
    if (d->pub.response_status < 100 || d->pub.response_status > 599) {
        return lando__app_fail(app, LANDO_EINVAL,
                               "%s %s: response_status %d is not an HTTP "
                               "status", route->method, route->pattern,
                               in->response_status);
    }

    if (!dup_opt(&d->pub.summary, in->summary) ||
        !dup_opt(&d->pub.description, in->description) ||
        !dup_opt(&d->pub.operation_id, in->operation_id) ||
        !dup_opt(&d->pub.response_description, in->response_description) ||
        !dup_opt(&d->pub.response_schema, in->response_schema) ||
        !dup_opt(&d->pub.request_schema, in->request_schema)) {
        return LANDO_ENOMEM;
    }

    err = copy_tags(d, in->tags);
    if (err) {
        return err;
    }
    err = copy_params(route, d, in->params);
    if (err) {
        return err;
    }
    if (in->response_schema != NULL) {
        err = compile(route, "response_schema", in->response_schema,
                      &d->response_json, NULL);
    }
    return err;
}

lando_err_t
lando_route_set_doc(lando_route_t *route, const lando_route_doc_t *doc)
{
    struct lando_plugin_state *st;
    doc_rec_t *d = NULL;
    lando_schema_t *schema = NULL;
    lando_app_t *app;
    lando_err_t err;

    if (route == NULL) {
        return LANDO_EINVAL;
    }
    app = route->group->app;
    if (doc == NULL) {
        return lando__app_fail(app, LANDO_EINVAL, "%s %s: no doc given",
                               route->method, route->pattern);
    }
    if (app->frozen) {
        return lando__app_fail(app, LANDO_EFROZEN,
                               "%s %s documented after the first "
                               "invocation", route->method, route->pattern);
    }
    if (route->doc != NULL) {
        return lando__app_fail(app, LANDO_EINVAL,
                               "%s %s is already documented",
                               route->method, route->pattern);
    }

    st = lando__plugin_state(app);
    d = st != NULL ? lando__calloc(1, sizeof(*d)) : NULL;
    if (d == NULL) {
        return LANDO_ENOMEM;
    }

    err = copy_doc(route, d, doc);
    if (err) {
        goto out;
    }

    if (doc->request_schema != NULL) {
        err = compile(route, "request_schema", doc->request_schema,
                      &d->request_json,
                      doc->skip_validation ? NULL : &schema);
        if (err) {
            goto out;
        }
    }
    if (schema != NULL) {
        /* The route takes the schema over, also when this fails. */
        err = lando_route_use(route, lando_mw_validate(schema));
        if (err) {
            goto out;
        }
    }

    d->next = st->docs;
    st->docs = d;
    route->doc = &d->pub;
    d = NULL;

out:
    if (d != NULL) {
        doc_free(d);
    }
    return err;
}

const lando_route_doc_t *
lando_route_doc(const lando_route_t *route)
{
    return route != NULL ? route->doc : NULL;
}

const json_t *
lando_route_request_schema(const lando_route_t *route)
{
    doc_rec_t *d = rec_of(route);

    return d != NULL ? d->request_json : NULL;
}

const json_t *
lando_route_response_schema(const lando_route_t *route)
{
    doc_rec_t *d = rec_of(route);

    return d != NULL ? d->response_json : NULL;
}

const json_t *
lando_route_param_schema(const lando_route_t *route, size_t i)
{
    doc_rec_t *d = rec_of(route);

    return d != NULL && i < d->param_count ? d->param_schemas[i] : NULL;
}
