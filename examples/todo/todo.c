/*
 * A to-do list API: create, read, update and delete to-dos over JSON.
 *
 *     GET    /v1/todos          list (?done=true|false filters)
 *     POST   /v1/todos          create {"title": "...", "done": false}
 *     GET    /v1/todos/{id}     read one
 *     PUT    /v1/todos/{id}     replace: title and done both required
 *     PATCH  /v1/todos/{id}     change title, done or both
 *     DELETE /v1/todos/{id}     remove
 *     GET    /health            liveness, outside the /v1 group
 *     GET    /ops/health        the health plugin: version, uptime, ...
 *     GET    /openapi.json      the OpenAPI plugin's description of the
 *     GET    /docs              routes, and a page that renders it
 *
 * It shows what a real service needs from lando: a route group, the
 * standard middleware stack with CORS for one origin, a middleware of its
 * own on the routes that write (an API key), field-level validation
 * errors through error_map's formatter hook, and 404 and 409 answered by
 * returning lando_fail() codes.
 *
 * Configuration comes from the environment, read once at import:
 * TODO_API_KEY (default "dev-key") and TODO_ALLOWED_ORIGIN (default
 * "http://localhost:8000").
 *
 * The store is plain memory of the process. Lambda keeps a process warm
 * between invocations, so to-dos survive from one request to the next,
 * but each concurrent environment has its own list and all of it is gone
 * when Lambda recycles the process. A real service keeps them in a
 * database; the handlers would not change shape.
 */
#include <stdlib.h>
#include <string.h>

#include <lando/lando.h>
#include <lando/mw/defaults.h>
#include <lando/plugin.h>
#include <lando/plugins/health.h>
#include <lando/plugins/openapi.h>

#define TITLE_MAX 200 /* code points */
#define STORE_MAX 1000
#define MAX_FIELD_ERRORS 8

/* ---- the store ---------------------------------------------------------- */

typedef struct todo {
    uint64_t id;
    char *title; /* malloc'd, valid UTF-8 */
    bool done;
} todo_t;

/* To-dos ordered by id: ids only grow, so appending keeps the order. */
typedef struct store {
    todo_t *items;
    size_t count;
    size_t cap;
    uint64_t next_id;
} store_t;

static store_t *
store_new(void)
{
    store_t *s = calloc(1, sizeof(*s));

    if (s != NULL) {
        s->next_id = 1;
    }
    return s;
}

static void
store_free(void *state)
{
    store_t *s = state;
    size_t i;

    if (s == NULL) {
        return;
    }
    for (i = 0; i < s->count; i++) {
        free(s->items[i].title);
    }
    free(s->items);
    free(s);
}

/* The to-do with ID, or NULL; binary search over the ordered array. */
static todo_t *
store_find(store_t *s, uint64_t id)
{
    size_t lo = 0;
    size_t hi = s->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (s->items[mid].id == id) {
            return &s->items[mid];
        }
        if (s->items[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The to-do other than EXCEPT whose title is TITLE, or NULL. */
static todo_t *
store_find_title(store_t *s, const char *title, const todo_t *except)
{
    size_t i;

    for (i = 0; i < s->count; i++) {
        if (&s->items[i] != except && strcmp(s->items[i].title, title) == 0) {
            return &s->items[i];
        }
    }
    return NULL;
}

static lando_err_t
store_add(store_t *s, const char *title, bool done, todo_t **out)
{
    char *copy;

    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        todo_t *items = realloc(s->items, cap * sizeof(*items));

        if (items == NULL) {
            return LANDO_ENOMEM;
        }
        s->items = items;
        s->cap = cap;
    }

    copy = strdup(title);
    if (copy == NULL) {
        return LANDO_ENOMEM;
    }

    s->items[s->count] = (todo_t){s->next_id++, copy, done};
    *out = &s->items[s->count++];
    return LANDO_OK;
}

static void
store_remove(store_t *s, todo_t *t)
{
    size_t i = (size_t)(t - s->items);

    free(t->title);
    memmove(t, t + 1, (s->count - i - 1) * sizeof(*t));
    s->count--;
}

/* ---- validation -------------------------------------------------------- */

/*
 * A request body's problems, one per field, collected in the arena so
 * that the client learns about all of them at once. The error formatter
 * below adds them to the standard error body.
 */
typedef struct field_error {
    const char *path;
    const char *message;
} field_error_t;

typedef struct field_errors {
    field_error_t items[MAX_FIELD_ERRORS];
    size_t count;
} field_errors_t;

#define FIELDS_KEY "todo.fields"

static void
field_error(field_errors_t *fe, const char *path, const char *message)
{
    if (fe->count < MAX_FIELD_ERRORS) {
        fe->items[fe->count].path = path;
        fe->items[fe->count].message = message;
        fe->count++;
    }
}

/* What a body may say about a to-do; NULL title or !has_done if absent. */
typedef struct todo_input {
    const char *title;
    bool has_done;
    bool done;
} todo_input_t;

static size_t
utf8_length(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

static void
check_title(field_errors_t *fe, json_t *value, todo_input_t *in)
{
    const char *title;
    size_t len;
    size_t i;

    if (!json_is_string(value)) {
        field_error(fe, "title", "must be a string");
        return;
    }
    title = json_string_value(value);
    len = json_string_length(value);
    if (strlen(title) != len) {
        field_error(fe, "title", "must not contain NUL characters");
        return;
    }
    for (i = 0; i < len; i++) {
        if ((unsigned char)title[i] < 0x20) {
            field_error(fe, "title", "must not contain control characters");
            return;
        }
    }
    if (len == 0 || strspn(title, " ") == len) {
        field_error(fe, "title", "must not be empty");
        return;
    }
    if (utf8_length(title) > TITLE_MAX) {
        field_error(fe, "title", "must be at most 200 characters long");
        return;
    }
    in->title = title;
}

/*
 * Parse and check the body. REQUIRE_ALL is true for POST's title and
 * for PUT, which replaces the whole to-do. On failure the field errors
 * are stored on the invocation for the error formatter and the failure
 * is recorded; the return value is the handler's.
 */
static lando_err_t
read_input(lando_ctx_t *ctx, bool need_title, bool need_done,
           todo_input_t *in)
{
    field_errors_t *fe;
    json_t *body;
    json_t *value;
    const char *key;
    lando_err_t err;

    memset(in, 0, sizeof(*in));
    err = lando_request_json(lando_req(ctx), &body);
    if (err) {
        return err;
    }
    if (!json_is_object(body)) {
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "the body must be a JSON object");
    }

    fe = lando_ctx_alloc(ctx, sizeof(*fe));
    if (fe == NULL) {
        return LANDO_ENOMEM;
    }
    fe->count = 0;

    json_object_foreach(body, key, value) {
        if (strcmp(key, "title") == 0) {
            check_title(fe, value, in);
        } else if (strcmp(key, "done") == 0) {
            if (json_is_boolean(value)) {
                in->has_done = true;
                in->done = json_is_true(value);
            } else {
                field_error(fe, "done", "must be true or false");
            }
        } else if (strcmp(key, "id") != 0) {
            field_error(fe, lando_ctx_strdup(ctx, key), "is not a field");
        }
    }
    if (need_title && !json_object_get(body, "title")) {
        field_error(fe, "title", "is required");
    }
    if (need_done && !json_object_get(body, "done")) {
        field_error(fe, "done", "is required");
    }
    if (fe->count == 0 && in->title == NULL && !in->has_done) {
        field_error(fe, "", "give title, done or both");
    }
    if (fe->count == 0) {
        return LANDO_OK;
    }

    err = lando_ctx_set(ctx, FIELDS_KEY, fe);
    if (err) {
        return err;
    }
    return lando_fail(ctx, LANDO_EBADREQUEST, "the body has invalid fields");
}

/*
 * error_map's formatter: the standard error body, plus "fields" when the
 * handler left field errors. Anything else gets error_map's own answer.
 */
static lando_err_t
format_error(lando_ctx_t *ctx, const lando_error_info_t *info, void *data)
{
    field_errors_t *fe = lando_ctx_get(ctx, FIELDS_KEY);
    json_t *fields;
    size_t i;

    if (fe == NULL || info->status != 400) {
        return lando_error_map_write(ctx, info);
    }

    fields = json_array();
    for (i = 0; fields != NULL && i < fe->count; i++) {
        json_t *item = json_pack("{s:s, s:s}", "path", fe->items[i].path,
                                 "message", fe->items[i].message);

        if (json_array_append_new(fields, item) != 0) {
            json_decref(fields);
            fields = NULL;
        }
    }

    return lando_response_json(lando_res(ctx), info->status,
                               json_pack("{s:{s:i, s:s, s:s, s:o}}",
                                         "error", "status", info->status,
                                         "code", "validation_failed",
                                         "message", info->message,
                                         "fields", fields));
}

/* ---- handlers ------------------------------------------------------------ */

static json_t *
todo_json(const todo_t *t)
{
    return json_pack("{s:I, s:s, s:b}", "id", (json_int_t)t->id,
                     "title", t->title, "done", t->done);
}

static store_t *
store_of(lando_ctx_t *ctx)
{
    return lando_ctx_get(ctx, "todo.store");
}

/* The to-do named by the {id} parameter, or a recorded 404. */
static lando_err_t
lookup(lando_ctx_t *ctx, todo_t **out)
{
    const char *text = lando_request_param(lando_req(ctx), "id");
    uint64_t id = 0;
    size_t i;

    for (i = 0; text != NULL && text[i] >= '0' && text[i] <= '9'; i++) {
        if (i == 18) {
            break; /* longer than any id this store hands out */
        }
        id = id * 10 + (uint64_t)(text[i] - '0');
    }
    *out = NULL;
    if (text != NULL && text[i] == '\0' && i > 0) {
        *out = store_find(store_of(ctx), id);
    }
    if (*out == NULL) {
        return lando_fail(ctx, LANDO_ENOTFOUND, "no to-do has the id %s",
                          text ? text : "");
    }
    return LANDO_OK;
}

static lando_err_t
list_todos(lando_ctx_t *ctx, void *data)
{
    store_t *s = store_of(ctx);
    const char *filter = lando_request_query_get(lando_req(ctx), "done");
    json_t *items = json_array();
    size_t i;

    if (filter && strcmp(filter, "true") != 0 &&
        strcmp(filter, "false") != 0) {
        json_decref(items);
        return lando_fail(ctx, LANDO_EBADREQUEST,
                          "the done filter is true or false");
    }
    for (i = 0; items != NULL && i < s->count; i++) {
        if (filter && s->items[i].done != (strcmp(filter, "true") == 0)) {
            continue;
        }
        if (json_array_append_new(items, todo_json(&s->items[i])) != 0) {
            json_decref(items);
            items = NULL;
        }
    }
    return lando_response_json(lando_res(ctx), 200,
                               json_pack("{s:o}", "todos", items));
}

static lando_err_t
create_todo(lando_ctx_t *ctx, void *data)
{
    store_t *s = store_of(ctx);
    lando_response_t *res = lando_res(ctx);
    todo_input_t in;
    todo_t *t;
    char *location;
    lando_err_t err;

    err = read_input(ctx, true, false, &in);
    if (err) {
        return err;
    }
    if (store_find_title(s, in.title, NULL)) {
        return lando_fail(ctx, LANDO_ECONFLICT,
                          "a to-do with this title exists");
    }
    if (s->count == STORE_MAX) {
        return lando_fail(ctx, LANDO_ECONFLICT,
                          "the list is full (%d to-dos)", STORE_MAX);
    }

    err = store_add(s, in.title, in.has_done && in.done, &t);
    if (err) {
        return lando_fail(ctx, err, NULL);
    }

    /* Relative to the API's root: behind a REST API stage, clients
     * resolve it against their own base URL. */
    location = lando_ctx_sprintf(ctx, "/v1/todos/%llu",
                                 (unsigned long long)t->id);
    if (location == NULL) {
        return LANDO_ENOMEM;
    }
    err = lando_response_set_header(res, "Location", location);
    if (err) {
        return err;
    }
    return lando_response_json(res, 201, todo_json(t));
}

static lando_err_t
get_todo(lando_ctx_t *ctx, void *data)
{
    todo_t *t;
    lando_err_t err = lookup(ctx, &t);

    if (err) {
        return err;
    }
    return lando_response_json(lando_res(ctx), 200, todo_json(t));
}

/* PUT (replace, REPLACE true) and PATCH (change what the body names). */
static lando_err_t
change_todo(lando_ctx_t *ctx, bool replace)
{
    store_t *s = store_of(ctx);
    todo_input_t in;
    todo_t *t;
    lando_err_t err;

    err = lookup(ctx, &t);
    if (err) {
        return err;
    }
    err = read_input(ctx, replace, replace, &in);
    if (err) {
        return err;
    }
    if (in.title && store_find_title(s, in.title, t)) {
        return lando_fail(ctx, LANDO_ECONFLICT,
                          "a to-do with this title exists");
    }

    if (in.title && strcmp(in.title, t->title) != 0) {
        char *copy = strdup(in.title);

        if (copy == NULL) {
            return lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
        free(t->title);
        t->title = copy;
    }
    if (in.has_done) {
        t->done = in.done;
    }
    return lando_response_json(lando_res(ctx), 200, todo_json(t));
}

static lando_err_t
put_todo(lando_ctx_t *ctx, void *data)
{
    return change_todo(ctx, true);
}

static lando_err_t
patch_todo(lando_ctx_t *ctx, void *data)
{
    return change_todo(ctx, false);
}

static lando_err_t
delete_todo(lando_ctx_t *ctx, void *data)
{
    todo_t *t;
    lando_err_t err = lookup(ctx, &t);

    if (err) {
        return err;
    }
    store_remove(store_of(ctx), t);
    return lando_response_empty(lando_res(ctx), 204);
}

static lando_err_t
health(lando_ctx_t *ctx, void *data)
{
    return lando_response_json(lando_res(ctx), 200,
                               json_pack("{s:s}", "status", "ok"));
}

/* ---- middleware of the app's own ----------------------------------------- */

/*
 * Hands the store to the handlers of the group. The group owns the store
 * as this middleware's state, so it is freed with the app.
 */
static lando_err_t
provide_store(lando_ctx_t *ctx, void *state)
{
    lando_err_t err = lando_ctx_set(ctx, "todo.store", state);

    if (err) {
        return err;
    }
    return lando_next(ctx);
}

/* The API key that writes need, compared in constant time. */
typedef struct api_key {
    size_t len;
    char key[];
} api_key_t;

static lando_err_t
require_api_key(lando_ctx_t *ctx, void *state)
{
    const api_key_t *k = state;
    const char *given = lando_request_header(lando_req(ctx), "X-Api-Key");
    unsigned char diff = 0;
    size_t i;

    if (given == NULL || strlen(given) != k->len) {
        diff = 1;
    } else {
        for (i = 0; i < k->len; i++) {
            diff |= (unsigned char)(given[i] ^ k->key[i]);
        }
    }
    if (diff != 0) {
        return lando_fail(ctx, LANDO_EUNAUTHORIZED,
                          "a valid X-Api-Key header is required");
    }
    return lando_next(ctx);
}

static lando_err_t
api_key_mw(const char *key, lando_mw_t *out)
{
    size_t len = strlen(key);
    api_key_t *k = malloc(sizeof(*k) + len + 1);

    if (k == NULL) {
        return LANDO_ENOMEM;
    }
    k->len = len;
    memcpy(k->key, key, len + 1);
    *out = (lando_mw_t){"api_key", require_api_key, k, free};
    return LANDO_OK;
}

/* ---- documentation ------------------------------------------------------- */

/*
 * What the OpenAPI document says about the routes. read_input() checks
 * bodies itself (400 with "fields"), so the request schemas state the same
 * rules for readers and are not enforced a second time (skip_validation).
 */
#define ITEM_SCHEMA                                                          \
    "{\"type\": \"object\", \"required\": [\"id\", \"title\", \"done\"], "  \
    "\"properties\": {\"id\": {\"type\": \"integer\", \"minimum\": 1}, "   \
    "\"title\": {\"type\": \"string\", \"minLength\": 1, "                 \
    "\"maxLength\": 200}, \"done\": {\"type\": \"boolean\"}}}"

#define INPUT_SCHEMA(required)                                               \
    "{\"type\": \"object\", \"required\": [" required "], "                 \
    "\"additionalProperties\": false, \"properties\": {"                   \
    "\"title\": {\"type\": \"string\", \"minLength\": 1, "                 \
    "\"maxLength\": 200}, \"done\": {\"type\": \"boolean\"}, "             \
    "\"id\": {\"description\": \"ignored\"}}}"

static const char *const todo_tags[] = {"todos", NULL};

static const lando_route_doc_t list_doc = {
    .summary = "List to-dos",
    .tags = todo_tags,
    .params = (const lando_param_doc_t[]){
        {.name = "done", .description = "Only finished (true) or open "
                                        "(false) to-dos",
         .schema = "{\"enum\": [\"true\", \"false\"]}"},
        {NULL}},
    .response_schema = "{\"type\": \"object\", \"required\": [\"todos\"], "
                       "\"properties\": {\"todos\": {\"type\": \"array\", "
                       "\"items\": " ITEM_SCHEMA "}}}",
};

static const lando_route_doc_t create_doc = {
    .summary = "Create a to-do",
    .description = "Needs the X-Api-Key header. Titles are unique.",
    .tags = todo_tags,
    .request_schema = INPUT_SCHEMA("\"title\""),
    .skip_validation = true,
    .response_status = 201,
    .response_schema = ITEM_SCHEMA,
};

static const lando_route_doc_t read_doc = {
    .summary = "Read a to-do",
    .tags = todo_tags,
    .response_schema = ITEM_SCHEMA,
};

static const lando_route_doc_t replace_doc = {
    .summary = "Replace a to-do",
    .description = "Needs the X-Api-Key header.",
    .tags = todo_tags,
    .request_schema = INPUT_SCHEMA("\"title\", \"done\""),
    .skip_validation = true,
    .response_schema = ITEM_SCHEMA,
};

static const lando_route_doc_t change_doc = {
    .summary = "Change a to-do",
    .description = "Needs the X-Api-Key header.",
    .tags = todo_tags,
    .request_schema = INPUT_SCHEMA(""),
    .skip_validation = true,
    .response_schema = ITEM_SCHEMA,
};

static const lando_route_doc_t remove_doc = {
    .summary = "Remove a to-do",
    .description = "Needs the X-Api-Key header.",
    .tags = todo_tags,
    .response_status = 204,
};

/* ---- setup ------------------------------------------------------------- */

static const char *
env_or(const char *name, const char *fallback)
{
    const char *value = getenv(name);

    return value != NULL && value[0] != '\0' ? value : fallback;
}

static lando_err_t
setup(lando_app_t *app)
{
    static const struct {
        const char *method;
        const char *pattern;
        lando_handler_fn handler;
        bool writes;
        const lando_route_doc_t *doc;
    } routes[] = {
        {"GET", "/todos", list_todos, false, &list_doc},
        {"POST", "/todos", create_todo, true, &create_doc},
        {"GET", "/todos/{id}", get_todo, false, &read_doc},
        {"PUT", "/todos/{id}", put_todo, true, &replace_doc},
        {"PATCH", "/todos/{id}", patch_todo, true, &change_doc},
        {"DELETE", "/todos/{id}", delete_todo, true, &remove_doc},
    };
    const char *origins[] = {
        env_or("TODO_ALLOWED_ORIGIN", "http://localhost:8000"), NULL};
    const char *headers[] = {"Content-Type", "X-Api-Key", NULL};
    const char *expose[] = {"Location", NULL};
    const char *key = env_or("TODO_API_KEY", "dev-key");
    lando_defaults_options_t opts = {
        .cors = {.origins = origins, .headers = headers, .expose = expose,
                 .credentials = true},
        .error_map = {.format = format_error},
    };
    lando_group_t *v1;
    store_t *store;
    size_t i;
    lando_err_t err;

    err = lando_use_defaults(app, &opts);
    if (err) {
        return err;
    }
    err = lando_app_route(app, "GET", "/health", health, NULL);
    if (err) {
        return err;
    }

    err = lando_group_new(lando_app_root(app), "/v1", &v1);
    if (err) {
        return err;
    }
    store = store_new();
    if (store == NULL) {
        return LANDO_ENOMEM;
    }
    err = lando_group_use(v1, (lando_mw_t){"todo_store", provide_store,
                                           store, store_free});
    if (err) {
        return err;
    }

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        lando_route_t *route;
        lando_mw_t mw;

        err = lando_group_route(v1, routes[i].method, routes[i].pattern,
                                routes[i].handler, NULL, &route);
        if (err) {
            return err;
        }
        err = lando_route_set_doc(route, routes[i].doc);
        if (err) {
            return err;
        }
        if (!routes[i].writes) {
            continue;
        }
        err = api_key_mw(key, &mw);
        if (err) {
            return err;
        }
        err = lando_route_use(route, mw);
        if (err) {
            return err;
        }
    }

    err = lando_plugin_mount(app, &lando_health_plugin, "/ops",
                             &(lando_health_options_t){.version = "1.0.0"});
    if (err) {
        return err;
    }
    return lando_plugin_mount(app, &lando_openapi_plugin, "",
                              &(lando_openapi_options_t){
                                  .title = "Todo API",
                                  .version = "1.0.0",
                                  .description = "A to-do list served by "
                                                 "lando on AWS Lambda"});
}

LANDO_MODULE(todo, setup)
