/*
 * The OpenAPI plugin (include/lando/plugins/openapi.h): turns the app's
 * routes and route docs into an OpenAPI 3.1 document, serves it, and
 * serves the page of docs_page.c that renders it.
 *
 * The document is built on the first request for it, when registration
 * is over, and published through an atomic pointer: should two threads
 * ever race to build it, one copy wins and the other is freed. After
 * that a request costs a pointer load; the body is sent without a copy.
 *
 * Only the public API is used, like any plugin built outside lando.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <lando/lando.h>
#include <lando/plugins/openapi.h>

/* The page, from docs_page.c. */
extern const char lando__openapi_docs_page[];
extern const size_t lando__openapi_docs_page_len;

#define OPENAPI_VERSION "3.1.0"

/* The methods OpenAPI names, in the order documents list them. */
static const char *const methods[] = {
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
};
#define METHOD_COUNT (sizeof(methods) / sizeof(methods[0]))

/* What an ANY route stands for: API Gateway's ANY set. */
static const char *const any_methods[] = {
    "get", "put", "post", "delete", "patch", "head", "options",
};
#define ANY_COUNT (sizeof(any_methods) / sizeof(any_methods[0]))

static const char error_schema[] =
    "{\"type\": \"object\", \"required\": [\"error\"], \"properties\": {"
    "\"error\": {\"type\": \"object\", "
    "\"required\": [\"status\", \"code\", \"message\"], \"properties\": {"
    "\"status\": {\"type\": \"integer\"}, "
    "\"code\": {\"type\": \"string\"}, "
    "\"message\": {\"type\": \"string\"}, "
    "\"detail\": {\"type\": \"string\"}, "
    "\"fields\": {\"type\": \"array\", \"items\": {\"type\": \"object\", "
    "\"required\": [\"path\", \"message\"], \"properties\": {"
    "\"path\": {\"type\": \"string\", \"description\": \"JSON path of the "
    "failing value, such as $.items[2].name\"}, "
    "\"message\": {\"type\": \"string\"}}}}}}}}";

/* ---- building the document ------------------------------------------ */

typedef struct builder {
    const lando_openapi_options_t *opts;
    json_t *paths;
    json_t *tags;      /* [{"name"...}] in order of first use */
    json_t *tag_names; /* set of the names in tags */
    json_t *error_ref; /* {"$ref": ".../Error"} */
    bool bad;          /* an allocation failed somewhere */
} builder_t;

/* Set KEY of OBJ to VALUE, which is taken over also on failure (as
 * json_object_set_new() does); a failure is remembered. */
static void
put(builder_t *b, json_t *obj, const char *key, json_t *value)
{
    if (value == NULL || obj == NULL) {
        json_decref(value);
        b->bad = true;
    } else if (json_object_set_new(obj, key, value) != 0) {
        b->bad = true;
    }
}

/* Append VALUE to ARRAY, taking VALUE over as put() does. */
static void
append(builder_t *b, json_t *array, json_t *value)
{
    if (value == NULL || array == NULL) {
        json_decref(value);
        b->bad = true;
    } else if (json_array_append_new(array, value) != 0) {
        b->bad = true;
    }
}

static const char *
reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
        return "Redirect";
    default:
        return "Success";
    }
}

/* The OpenAPI template of PATTERN: "{name+}" becomes "{name}". */
static char *
path_template(const char *pattern)
{
    size_t len = strlen(pattern), i, j = 0;
    char *out = lando_malloc(len + 1);

    if (out == NULL) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if (pattern[i] == '+' && pattern[i + 1] == '}') {
            continue;
        }
        out[j++] = pattern[i];
    }
    out[j] = '\0';
    return out;
}

static void
use_tag(builder_t *b, const char *name, const char *description)
{
    json_t *tag;

    if (json_object_get(b->tag_names, name) != NULL) {
        return;
    }
    put(b, b->tag_names, name, json_true());
    tag = json_pack("{s:s}", "name", name);
    if (tag != NULL && description != NULL) {
        put(b, tag, "description", json_string(description));
    }
    append(b, b->tags, tag);
}

static const lando_param_doc_t *
doc_param(const lando_route_doc_t *doc, const char *name, const char *in,
          size_t *index)
{
    size_t i;

    for (i = 0; doc != NULL && doc->params != NULL &&
                doc->params[i].name != NULL;
         i++) {
        if (strcmp(doc->params[i].name, name) == 0 &&
            strcmp(doc->params[i].in, in) == 0) {
            *index = i;
            return &doc->params[i];
        }
    }
    return NULL;
}

static json_t *
param_object(builder_t *b, const lando_route_t *route,
             const lando_param_doc_t *p, size_t index)
{
    const json_t *schema = lando_route_param_schema(route, index);
    json_t *obj = json_pack("{s:s, s:s, s:b}", "name", p->name, "in", p->in,
                            "required", p->required);

    if (p->description != NULL) {
        put(b, obj, "description", json_string(p->description));
    }
    put(b, obj, "schema",
        schema != NULL ? json_deep_copy(schema)
                       : json_pack("{s:s}", "type", "string"));
    return obj;
}

/* The parameters of ROUTE: those of its pattern first, in order, then
 * the documented ones that are not path parameters. */
static json_t *
parameters(builder_t *b, const lando_route_t *route)
{
    const lando_route_doc_t *doc = lando_route_doc(route);
    const char *pattern = lando_route_pattern(route);
    json_t *list = json_array();
    const char *open;
    size_t i;

    for (open = strchr(pattern, '{'); open != NULL;
         open = strchr(open + 1, '{')) {
        const char *close = strchr(open, '}');
        char name[128];
        size_t len, index = 0;
        bool greedy;
        const lando_param_doc_t *p;
        json_t *obj;

        if (close == NULL) {
            break;
        }
        len = (size_t)(close - open - 1);
        greedy = len > 0 && open[len] == '+';
        len -= greedy ? 1 : 0;
        if (len == 0 || len >= sizeof(name)) {
            continue;
        }
        memcpy(name, open + 1, len);
        name[len] = '\0';

        p = doc_param(doc, name, "path", &index);
        if (p != NULL) {
            obj = param_object(b, route, p, index);
        } else {
            obj = json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", name, "in",
                            "path", "required", 1, "schema", "type",
                            "string");
        }
        if (greedy) {
            put(b, obj, "x-lando-greedy", json_true());
            if (p == NULL || p->description == NULL) {
                put(b, obj, "description",
                    json_string("Greedy: one or more path segments, "
                                "slashes included"));
            }
        }
        append(b, list, obj);
    }

    for (i = 0; doc != NULL && doc->params != NULL &&
                doc->params[i].name != NULL;
         i++) {
        if (strcmp(doc->params[i].in, "path") != 0) {
            append(b, list, param_object(b, route, &doc->params[i], i));
        }
    }
    return list;
}

static json_t *
json_content(builder_t *b, json_t *schema)
{
    json_t *content = json_object();
    json_t *media = json_object();

    put(b, media, "schema", schema);
    put(b, content, "application/json", media);
    return content;
}

static json_t *
responses(builder_t *b, const lando_route_t *route)
{
    const lando_route_doc_t *doc = lando_route_doc(route);
    const json_t *schema = lando_route_response_schema(route);
    int status = doc != NULL ? doc->response_status : 200;
    json_t *all = json_object();
    json_t *ok = json_object();
    json_t *dflt;
    char code[8];

    snprintf(code, sizeof(code), "%d", status);
    put(b, ok, "description",
        json_string(doc != NULL && doc->response_description != NULL
                        ? doc->response_description
                        : reason(status)));
    if (schema != NULL) {
        put(b, ok, "content", json_content(b, json_deep_copy(schema)));
    }
    put(b, all, code, ok);

    if (lando_route_request_schema(route) != NULL &&
        !doc->skip_validation) {
        json_t *invalid = json_pack("{s:s}", "description",
                                    "The request body failed validation; "
                                    "error.fields lists each failure");

        put(b, invalid, "content",
            json_content(b, json_deep_copy(b->error_ref)));
        put(b, all, "422", invalid);
    }

    dflt = json_pack("{s:s}", "description", "Error");
    put(b, dflt, "content", json_content(b, json_deep_copy(b->error_ref)));
    put(b, all, "default", dflt);
    return all;
}

static json_t *
operation(builder_t *b, const lando_route_t *route)
{
    const lando_route_doc_t *doc = lando_route_doc(route);
    const char *plugin = lando_route_plugin(route);
    const json_t *request = lando_route_request_schema(route);
    json_t *op = json_object();
    json_t *tags = json_array();
    json_t *params;
    size_t i;

    if (doc != NULL && doc->summary != NULL) {
        put(b, op, "summary", json_string(doc->summary));
    }
    if (doc != NULL && doc->description != NULL) {
        put(b, op, "description", json_string(doc->description));
    }
    if (doc != NULL && doc->operation_id != NULL) {
        put(b, op, "operationId", json_string(doc->operation_id));
    }

    for (i = 0; doc != NULL && doc->tags != NULL && doc->tags[i] != NULL;
         i++) {
        append(b, tags, json_string(doc->tags[i]));
        use_tag(b, doc->tags[i], NULL);
    }
    if (json_array_size(tags) == 0 && plugin != NULL) {
        append(b, tags, json_string(plugin));
        use_tag(b, plugin, "Routes of the plugin of this name");
    }
    if (json_array_size(tags) > 0) {
        put(b, op, "tags", tags);
    } else {
        json_decref(tags);
    }

    params = parameters(b, route);
    if (json_array_size(params) > 0) {
        put(b, op, "parameters", params);
    } else {
        json_decref(params);
    }

    if (request != NULL) {
        json_t *body = json_pack("{s:b}", "required", 1);

        put(b, body, "content", json_content(b, json_deep_copy(request)));
        put(b, op, "requestBody", body);
    }
    put(b, op, "responses", responses(b, route));
    if (doc != NULL && doc->deprecated) {
        put(b, op, "deprecated", json_true());
    }
    return op;
}

static bool
listed(const builder_t *b, const lando_route_t *route)
{
    const lando_route_doc_t *doc = lando_route_doc(route);
    const char *plugin = lando_route_plugin(route);

    if (doc != NULL && doc->hidden) {
        return false;
    }
    return b->opts->include_self || plugin == NULL ||
           strcmp(plugin, lando_openapi_plugin.name) != 0;
}

/* Put OP under METHOD of the path item, unless a route came first. An
 * ANY route's operationId gets the method appended to stay unique. */
static void
add_operation(builder_t *b, json_t *item, const char *method, json_t *op,
              bool any)
{
    json_t *copy;
    const char *id;

    if (json_object_get(item, method) != NULL) {
        return;
    }
    if (!any) {
        put(b, item, method, json_incref(op));
        return;
    }

    copy = json_deep_copy(op);
    id = json_string_value(json_object_get(op, "operationId"));
    if (copy != NULL && id != NULL) {
        char *s = lando_malloc(strlen(id) + strlen(method) + 2);

        if (s == NULL) {
            b->bad = true;
        } else {
            sprintf(s, "%s_%s", id, method);
            put(b, copy, "operationId", json_string(s));
            lando_free(s);
        }
    }
    put(b, item, method, copy);
}

static void
add_route(builder_t *b, const lando_route_t *route, bool any_pass)
{
    const char *method = lando_route_method(route);
    bool any = strcmp(method, "ANY") == 0;
    char lower[16];
    char *template;
    json_t *item, *op;
    size_t i;

    if (any != any_pass || !listed(b, route)) {
        return;
    }
    if (!any) {
        for (i = 0; method[i] != '\0' && i + 1 < sizeof(lower); i++) {
            lower[i] = (char)(method[i] >= 'A' && method[i] <= 'Z'
                                  ? method[i] - 'A' + 'a'
                                  : method[i]);
        }
        lower[i] = '\0';
        for (i = 0; i < METHOD_COUNT; i++) {
            if (strcmp(lower, methods[i]) == 0) {
                break;
            }
        }
        if (i == METHOD_COUNT) {
            return; /* OpenAPI 3.1 cannot name this method */
        }
    }

    template = path_template(lando_route_pattern(route));
    if (template == NULL) {
        b->bad = true;
        return;
    }
    item = json_object_get(b->paths, template);
    if (item == NULL) {
        item = json_object();
        put(b, b->paths, template, item);
    }
    lando_free(template);
    if (b->bad) {
        return;
    }

    op = operation(b, route);
    if (op == NULL) {
        b->bad = true;
        return;
    }
    if (any) {
        for (i = 0; i < ANY_COUNT; i++) {
            add_operation(b, item, any_methods[i], op, true);
        }
    } else {
        add_operation(b, item, lower, op, false);
    }
    json_decref(op);
}

static json_t *
plugin_list(builder_t *b, const lando_app_t *app)
{
    json_t *list = json_array();
    size_t i;

    for (i = 0; i < lando_app_plugin_count(app); i++) {
        const lando_plugin_info_t *p = lando_app_plugin_at(app, i);

        append(b, list, json_pack("{s:s, s:s, s:s}", "name", p->name,
                                  "version", p->version, "prefix",
                                  p->prefix));
    }
    return list;
}

lando_err_t
lando_openapi_build(const lando_app_t *app,
                    const lando_openapi_options_t *options, json_t **out)
{
    static const lando_openapi_options_t defaults = {0};
    const lando_openapi_options_t *o = options ? options : &defaults;
    builder_t b = {o, NULL, NULL, NULL, NULL, false};
    json_t *doc = NULL, *info, *components;
    size_t i, n;
    int pass;

    if (out != NULL) {
        *out = NULL;
    }
    if (app == NULL || out == NULL) {
        return LANDO_EINVAL;
    }

    doc = json_pack("{s:s}", "openapi", OPENAPI_VERSION);
    info = json_pack("{s:s, s:s}", "title", o->title ? o->title : "lando app",
                     "version", o->version ? o->version : "0.0.0");
    if (info != NULL && o->description != NULL) {
        put(&b, info, "description", json_string(o->description));
    }
    put(&b, doc, "info", info);
    if (o->server_url != NULL) {
        put(&b, doc, "servers",
            json_pack("[{s:s, s:s}]", "url", o->server_url, "description",
                      "the app's root"));
    }

    b.paths = json_object();
    b.tags = json_array();
    b.tag_names = json_object();
    b.error_ref = json_pack("{s:s}", "$ref", "#/components/schemas/Error");
    if (b.paths == NULL || b.tags == NULL || b.tag_names == NULL ||
        b.error_ref == NULL) {
        b.bad = true;
    }

    /* Exact methods first, so that they win over ANY on the same path. */
    n = lando_app_route_count(app);
    for (pass = 0; pass < 2 && !b.bad; pass++) {
        for (i = 0; i < n && !b.bad; i++) {
            add_route(&b, lando_app_route_at(app, i), pass == 1);
        }
    }

    put(&b, doc, "paths", json_incref(b.paths));
    components = json_object();
    put(&b, components, "schemas",
        json_pack("{s:o}", "Error", json_loads(error_schema, 0, NULL)));
    put(&b, doc, "components", components);
    if (json_array_size(b.tags) > 0) {
        put(&b, doc, "tags", json_incref(b.tags));
    }
    put(&b, doc, "x-lando-plugins", plugin_list(&b, app));

    json_decref(b.paths);
    json_decref(b.tags);
    json_decref(b.tag_names);
    json_decref(b.error_ref);
    if (b.bad || doc == NULL) {
        json_decref(doc);
        return LANDO_ENOMEM;
    }
    *out = doc;
    return LANDO_OK;
}

/* ---- the plugin ---------------------------------------------------------- */

typedef struct cached {
    char *text; /* from json_dumps(), freed with jansson's free */
    size_t len;
} cached_t;

typedef struct openapi {
    lando_openapi_options_t opts; /* strings are copies below */
    char *title;
    char *version;
    char *description;
    char *server_url;
    _Atomic(cached_t *) doc;
} openapi_t;

static void
cached_free(cached_t *c)
{
    json_malloc_t jmalloc;
    json_free_t jfree;

    if (c == NULL) {
        return;
    }
    json_get_alloc_funcs(&jmalloc, &jfree);
    jfree(c->text);
    lando_free(c);
}

static void
openapi_free(void *arg)
{
    openapi_t *st = arg;

    cached_free(atomic_load(&st->doc));
    lando_free(st->title);
    lando_free(st->version);
    lando_free(st->description);
    lando_free(st->server_url);
    lando_free(st);
}

static cached_t *
build_cached(lando_ctx_t *ctx, openapi_t *st)
{
    cached_t *c, *expected = NULL;
    json_t *doc = NULL;

    if (lando_openapi_build(lando_ctx_app(ctx), &st->opts, &doc)) {
        return NULL;
    }
    c = lando_malloc(sizeof(*c));
    if (c == NULL) {
        json_decref(doc);
        return NULL;
    }
    c->text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (c->text == NULL) {
        lando_free(c);
        return NULL;
    }
    c->len = strlen(c->text);

    if (!atomic_compare_exchange_strong(&st->doc, &expected, c)) {
        cached_free(c);
        return expected;
    }
    return c;
}

static lando_err_t
serve_document(lando_ctx_t *ctx, void *data)
{
    openapi_t *st = data;
    lando_response_t *res = lando_res(ctx);
    cached_t *c = atomic_load(&st->doc);
    lando_err_t err;

    if (c == NULL) {
        c = build_cached(ctx, st);
        if (c == NULL) {
            return lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
    }

    err = lando_response_set_header(res, "Content-Type", "application/json");
    if (err == LANDO_OK) {
        err = lando_response_set_header(res, "Cache-Control", "no-cache");
    }
    if (err) {
        return lando_fail(ctx, err, NULL);
    }
    lando_response_set_status(res, 200);
    lando_response_set_body_ref(res, c->text, c->len);
    return LANDO_OK;
}

/* The page may run its own inline script and style and talk to its own
 * origin; nothing else, so it never reaches another host. */
static const char page_csp[] =
    "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static lando_err_t
serve_page(lando_ctx_t *ctx, void *data)
{
    lando_response_t *res = lando_res(ctx);
    lando_err_t err;

    err = lando_response_set_header(res, "Content-Type",
                                    "text/html; charset=utf-8");
    if (err == LANDO_OK) {
        err = lando_response_set_header(res, "Content-Security-Policy",
                                        page_csp);
    }
    if (err == LANDO_OK) {
        err = lando_response_set_header(res, "X-Content-Type-Options",
                                        "nosniff");
    }
    if (err) {
        return lando_fail(ctx, err, NULL);
    }
    lando_response_set_status(res, 200);
    lando_response_set_body_ref(res, lando__openapi_docs_page,
                                lando__openapi_docs_page_len);
    return LANDO_OK;
}

/* Copy S (may be NULL) into *OUT; false when memory ran out. */
static bool
copy_opt(char **out, const char *s)
{
    size_t len;

    *out = NULL;
    if (s == NULL) {
        return true;
    }
    len = strlen(s) + 1;
    *out = lando_malloc(len);
    if (*out != NULL) {
        memcpy(*out, s, len);
    }
    return *out != NULL;
}

/* The app's root seen from {prefix}/openapi.json: "." for the root
 * prefix, else ".." for each segment of the prefix ("../.."). */
static bool
relative_root(char **out, const char *prefix)
{
    size_t depth = 0, i;
    char *w;

    for (i = 0; prefix[i] != '\0'; i++) {
        depth += prefix[i] == '/';
    }
    *out = lando_malloc(depth ? 3 * depth : 2);
    if (*out == NULL) {
        return false;
    }
    if (depth == 0) {
        strcpy(*out, ".");
        return true;
    }
    for (w = *out, i = 0; i < depth; i++) {
        if (i > 0) {
            *w++ = '/';
        }
        *w++ = '.';
        *w++ = '.';
    }
    *w = '\0';
    return true;
}

static lando_err_t
openapi_register(lando_plugin_t *p, void *options)
{
    const lando_openapi_options_t *o = options;
    static const lando_openapi_options_t defaults = {0};
    openapi_t *st;
    lando_err_t err;
    bool ok;

    if (o == NULL) {
        o = &defaults;
    }
    st = lando_malloc(sizeof(*st));
    if (st == NULL) {
        return LANDO_ENOMEM;
    }
    memset(st, 0, sizeof(*st));
    atomic_init(&st->doc, NULL);

    err = lando_plugin_on_free(p, openapi_free, st);
    if (err) {
        return err; /* st is already freed */
    }

    st->opts = *o;
    ok = copy_opt(&st->title, o->title) &&
         copy_opt(&st->version, o->version) &&
         copy_opt(&st->description, o->description);
    if (ok) {
        ok = o->server_url != NULL
                 ? copy_opt(&st->server_url, o->server_url)
                 : relative_root(&st->server_url,
                                 lando_plugin_info(p)->prefix);
    }
    if (!ok) {
        return LANDO_ENOMEM;
    }
    st->opts.title = st->title;
    st->opts.version = st->version;
    st->opts.description = st->description;
    st->opts.server_url = st->server_url;

    err = lando_plugin_route(p, "GET", "/openapi.json", serve_document, st,
                             NULL);
    if (err == LANDO_OK && !o->no_docs_page) {
        err = lando_plugin_route(p, "GET", "/docs", serve_page, st, NULL);
    }
    return err;
}

const lando_plugin_def_t lando_openapi_plugin = {
    "openapi",
    LANDO_VERSION,
    openapi_register,
};
