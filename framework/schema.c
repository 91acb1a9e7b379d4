/*
 * The JSON Schema subset validator behind request validation.
 *
 * This unit owns compiled schemas: a deep copy of the schema's JSON and a
 * tree of nodes built from it once, at setup. Each node holds what one
 * schema object asks for, already decoded (type bits, bounds, lengths)
 * together with the messages its failures will carry, so validation only
 * walks the value and compares. The failure path is the only one that
 * allocates: the JSON path of a failing value is kept as a chain of
 * segments on the C stack and turned into text only when it is needed.
 *
 * Keywords outside the subset are refused at compile time (see schema.h
 * for the list and the reasons).
 */
#include <math.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#include <lando/schema.h>

/* Deeper schemas are refused; real request schemas are a few levels. */
#define MAX_DEPTH 64

enum {
    T_NULL = 1u << 0,
    T_BOOLEAN = 1u << 1,
    T_OBJECT = 1u << 2,
    T_ARRAY = 1u << 3,
    T_NUMBER = 1u << 4,
    T_STRING = 1u << 5,
    T_INTEGER = 1u << 6
};

static const struct {
    const char *name;
    const char *phrase; /* completes "must be ..." */
    unsigned bit;
} type_names[] = {
    {"string", "a string", T_STRING},
    {"integer", "an integer", T_INTEGER},
    {"number", "a number", T_NUMBER},
    {"boolean", "a boolean", T_BOOLEAN},
    {"object", "an object", T_OBJECT},
    {"array", "an array", T_ARRAY},
    {"null", "null", T_NULL},
};

#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

/* Keywords that only annotate; accepted and not enforced. */
static const char *const annotations[] = {
    "title", "description", "default", "examples", "example", "format",
    "deprecated", "readOnly", "writeOnly", "$comment", "$schema", NULL,
};

typedef struct bound {
    bool set;
    bool is_int;
    json_int_t i;
    double d;
    const char *msg;
} bound_t;

typedef struct count {
    bool set;
    json_int_t n;
    const char *msg;
} count_t;

typedef struct snode snode_t;

typedef struct sprop {
    const char *name; /* borrowed from the schema's JSON */
    size_t name_len;
    snode_t *schema;
} sprop_t;

struct snode {
    bool reject_all; /* the schema `false` */
    unsigned types;  /* 0 accepts every type */
    const char *type_msg;
    const json_t *enum_values;
    const char *enum_msg;
    const json_t *const_value;
    const char *const_msg;
    bound_t min, max, xmin, xmax;
    count_t min_len, max_len, min_items, max_items;
    const json_t *props_json; /* "properties" */
    sprop_t *props;
    size_t prop_count;
    const json_t *required; /* array of strings */
    snode_t *items;
    snode_t *additional; /* NULL accepts any additional property */
};

/* Memory of a compiled schema: blocks freed together. */
typedef struct block {
    struct block *next;
    max_align_t data[];
} block_t;

struct lando_schema {
    json_t *json;
    snode_t *root;
    block_t *blocks;
};

/*
 * One step of a JSON path: a member name or an array index. Steps live on
 * the C stack of the recursion and point up to their parent.
 */
typedef struct seg {
    const struct seg *up;
    const char *key; /* NULL for an index */
    size_t key_len;
    size_t index;
} seg_t;

/* True for a finite double with no fractional part, without libm: past
 * 2^63 every double is a whole number. */
static bool
is_whole(double d)
{
    if (d > -9.0e18 && d < 9.0e18) {
        return (double)(long long)d == d;
    }
    return isfinite(d);
}

/* ---- memory ---------------------------------------------------------- */

static void *
salloc(lando_schema_t *s, size_t size)
{
    block_t *b = lando__calloc(1, sizeof(*b) + size);

    if (b == NULL) {
        return NULL;
    }
    b->next = s->blocks;
    s->blocks = b;
    return b->data;
}

static const char *
sprintf_msg(lando_schema_t *s, const char *fmt, ...) LANDO_PRINTF(2, 3);

static const char *
sprintf_msg(lando_schema_t *s, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *out;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }

    out = salloc(s, (size_t)n + 1);
    if (out == NULL) {
        return NULL;
    }

    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}

void
lando_schema_free(lando_schema_t *schema)
{
    block_t *b, *next;

    if (schema == NULL) {
        return;
    }
    for (b = schema->blocks; b != NULL; b = next) {
        next = b->next;
        lando__free(b);
    }
    json_decref(schema->json);
    lando__free(schema);
}

const json_t *
lando_schema_json(const lando_schema_t *schema)
{
    return schema != NULL ? schema->json : NULL;
}

/* ---- JSON paths ------------------------------------------------------ */

typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
    bool nomem;
} buf_t;

static void
buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->nomem) {
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *p;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        p = lando__realloc(b->data, cap);
        if (p == NULL) {
            b->nomem = true;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static bool
is_identifier(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || (s[0] >= '0' && s[0] <= '9')) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '$')) {
            return false;
        }
    }
    return true;
}

/* Append one step: ".name", "[3]" or "[\"odd name\"]". */
static void
buf_add_seg(buf_t *b, const seg_t *seg)
{
    char tmp[32];
    size_t i;

    if (seg->key == NULL) {
        int n = snprintf(tmp, sizeof(tmp), "[%zu]", seg->index);

        buf_add(b, tmp, (size_t)n);
        return;
    }
    if (is_identifier(seg->key, seg->key_len)) {
        buf_add(b, ".", 1);
        buf_add(b, seg->key, seg->key_len);
        return;
    }

    buf_add(b, "[\"", 2);
    for (i = 0; i < seg->key_len; i++) {
        unsigned char c = (unsigned char)seg->key[i];

        if (c == '"' || c == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            buf_add(b, tmp, 2);
        } else if (c < 0x20) {
            int n = snprintf(tmp, sizeof(tmp), "\\u%04x", c);

            buf_add(b, tmp, (size_t)n);
        } else {
            buf_add(b, (const char *)&c, 1);
        }
    }
    buf_add(b, "\"]", 2);
}

static void
buf_add_path(buf_t *b, const seg_t *at)
{
    if (at == NULL) {
        buf_add(b, "$", 1);
        return;
    }
    buf_add_path(b, at->up);
    buf_add_seg(b, at);
}

/* ---- compiling ------------------------------------------------------- */

typedef struct cctx {
    lando_schema_t *schema;
    char *why;
    size_t why_len;
} cctx_t;

static lando_err_t
compile_fail(cctx_t *c, const seg_t *at, const char *fmt, ...)
    LANDO_PRINTF(3, 4);

static lando_err_t
compile_fail(cctx_t *c, const seg_t *at, const char *fmt, ...)
{
    buf_t b = {0};
    va_list ap;
    int n;

    if (c->why == NULL || c->why_len == 0) {
        return LANDO_EINVAL;
    }

    buf_add_path(&b, at);
    n = snprintf(c->why, c->why_len, "%s: ", b.nomem ? "$" : b.data);
    lando__free(b.data);
    if (n >= 0 && (size_t)n < c->why_len) {
        va_start(ap, fmt);
        vsnprintf(c->why + n, c->why_len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return LANDO_EINVAL;
}

static bool
is_annotation(const char *key)
{
    size_t i;

    if (strncmp(key, "x-", 2) == 0) {
        return true; /* an OpenAPI specification extension */
    }
    for (i = 0; annotations[i] != NULL; i++) {
        if (strcmp(key, annotations[i]) == 0) {
            return true;
        }
    }
    return false;
}

static lando_err_t
compile_type(cctx_t *c, snode_t *n, const json_t *js, const seg_t *at)
{
    const char *phrases[TYPE_COUNT];
    size_t count = 0, i, j;
    char msg[160];
    size_t len;

    if (json_is_string(js)) {
        js = json_pack("[O]", js);
        if (js == NULL) {
            return LANDO_ENOMEM;
        }
    } else if (json_is_array(js) && json_array_size(js) > 0) {
        json_incref((json_t *)js);
    } else {
        return compile_fail(c, at, "\"type\" must be a type name or a "
                                   "non-empty list of them");
    }

    for (i = 0; i < json_array_size(js); i++) {
        const char *name = json_string_value(json_array_get(js, i));

        for (j = 0; name != NULL && j < TYPE_COUNT; j++) {
            if (strcmp(name, type_names[j].name) == 0) {
                break;
            }
        }
        if (name == NULL || j == TYPE_COUNT) {
            json_decref((json_t *)js);
            return compile_fail(c, at, "unknown type %s%s%s",
                                name ? "\"" : "", name ? name : "(not a "
                                "string)", name ? "\"" : "");
        }
        n->types |= type_names[j].bit;
    }
    json_decref((json_t *)js);

    /* The message lists the names in a fixed, readable order. */
    for (j = 0; j < TYPE_COUNT; j++) {
        if (n->types & type_names[j].bit) {
            phrases[count++] = type_names[j].phrase;
        }
    }
    len = (size_t)snprintf(msg, sizeof(msg), "must be %s", phrases[0]);
    for (i = 1; i < count && len < sizeof(msg); i++) {
        len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
                                i + 1 == count ? " or " : ", ", phrases[i]);
    }

    n->type_msg = sprintf_msg(c->schema, "%s", msg);
    return n->type_msg ? LANDO_OK : LANDO_ENOMEM;
}

/* Text of V for messages, cut to a readable length. */
static void
value_text(const json_t *v, char *out, size_t out_len)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    json_malloc_t jmalloc;
    json_free_t jfree;

    if (s == NULL) {
        snprintf(out, out_len, "(value)");
        return;
    }
    if (strlen(s) >= out_len && out_len > 4) {
        memcpy(out, s, out_len - 4);
        memcpy(out + out_len - 4, "...", 4);
    } else {
        snprintf(out, out_len, "%s", s);
    }
    json_get_alloc_funcs(&jmalloc, &jfree);
    jfree(s); /* json_dumps() allocates with jansson's allocator */
}

static lando_err_t
compile_enum(cctx_t *c, snode_t *n, const json_t *js, const seg_t *at)
{
    char msg[240];
    char item[80];
    size_t len, i;

    if (!json_is_array(js) || json_array_size(js) == 0) {
        return compile_fail(c, at, "\"enum\" must be a non-empty list");
    }
    n->enum_values = js;

    len = (size_t)snprintf(msg, sizeof(msg), "must be one of: ");
    for (i = 0; i < json_array_size(js); i++) {
        value_text(json_array_get(js, i), item, sizeof(item));
        if (len + strlen(item) + 6 >= sizeof(msg)) {
            snprintf(msg + len, sizeof(msg) - len, "...");
            break;
        }
        len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
                                i ? ", " : "", item);
    }
    n->enum_msg = sprintf_msg(c->schema, "%s", msg);
    return n->enum_msg ? LANDO_OK : LANDO_ENOMEM;
}

static lando_err_t
compile_const(cctx_t *c, snode_t *n, const json_t *js)
{
    char item[160];

    n->const_value = js;
    value_text(js, item, sizeof(item));
    n->const_msg = sprintf_msg(c->schema, "must be %s", item);
    return n->const_msg ? LANDO_OK : LANDO_ENOMEM;
}

static void
number_text(const bound_t *b, char *out, size_t out_len)
{
    if (b->is_int) {
        snprintf(out, out_len, "%" JSON_INTEGER_FORMAT, b->i);
        return;
    }
    snprintf(out, out_len, "%.15g", b->d);
    if (strtod(out, NULL) != b->d) {
        snprintf(out, out_len, "%.17g", b->d);
    }
}

static lando_err_t
compile_bound(cctx_t *c, bound_t *b, const char *key, const char *op,
              const json_t *js, const seg_t *at)
{
    char num[40];

    if (json_is_boolean(js)) {
        return compile_fail(c, at, "\"%s\" must be a number: JSON Schema "
                                   "2020-12 (OpenAPI 3.1) has no boolean "
                                   "form", key);
    }
    if (!json_is_number(js)) {
        return compile_fail(c, at, "\"%s\" must be a number", key);
    }
    if (json_is_real(js) && !isfinite(json_real_value(js))) {
        return compile_fail(c, at, "\"%s\" must be finite", key);
    }

    b->set = true;
    b->is_int = json_is_integer(js);
    b->i = b->is_int ? json_integer_value(js) : 0;
    b->d = json_number_value(js);
    number_text(b, num, sizeof(num));
    b->msg = sprintf_msg(c->schema, "must be %s %s", op, num);
    return b->msg ? LANDO_OK : LANDO_ENOMEM;
}

static lando_err_t
compile_count(cctx_t *c, count_t *k, const char *key, const json_t *js,
              const seg_t *at, const char *fmt_one, const char *fmt_many)
{
    double d = json_is_real(js) ? json_real_value(js) : -1.0;

    if (json_is_integer(js)) {
        k->n = json_integer_value(js);
    } else if (json_is_real(js) && is_whole(d) && d >= 0 && d < 9.0e18) {
        k->n = (json_int_t)d;
    } else {
        return compile_fail(c, at, "\"%s\" must be a non-negative integer",
                            key);
    }
    if (k->n < 0) {
        return compile_fail(c, at, "\"%s\" must be a non-negative integer",
                            key);
    }

    k->set = true;
    k->msg = k->n == 1 ? sprintf_msg(c->schema, "%s", fmt_one)
                       : sprintf_msg(c->schema, fmt_many, k->n);
    return k->msg ? LANDO_OK : LANDO_ENOMEM;
}

static lando_err_t
compile_node(cctx_t *c, const json_t *js, const seg_t *at, int depth,
             snode_t **out);

static lando_err_t
compile_properties(cctx_t *c, snode_t *n, const json_t *js,
                   const seg_t *at, int depth)
{
    seg_t here = {at, "properties", 10, 0};
    const char *key;
    const json_t *sub;
    lando_err_t err;
    size_t i = 0;

    if (!json_is_object(js)) {
        return compile_fail(c, at, "\"properties\" must be an object");
    }
    n->props_json = js;
    n->prop_count = json_object_size(js);
    n->props = salloc(c->schema, sizeof(sprop_t) * (n->prop_count + 1));
    if (n->props == NULL) {
        return LANDO_ENOMEM;
    }

    json_object_foreach((json_t *)js, key, sub) {
        size_t key_len = json_object_iter_key_len(
            json_object_key_to_iter(key));
        seg_t prop = {&here, key, key_len, 0};

        n->props[i].name = key;
        n->props[i].name_len = key_len;
        err = compile_node(c, sub, &prop, depth + 1, &n->props[i].schema);
        if (err) {
            return err;
        }
        i++;
    }
    return LANDO_OK;
}

static lando_err_t
compile_required(cctx_t *c, snode_t *n, const json_t *js, const seg_t *at)
{
    size_t i;

    if (!json_is_array(js)) {
        return compile_fail(c, at, "\"required\" must be a list of names");
    }
    for (i = 0; i < json_array_size(js); i++) {
        if (!json_is_string(json_array_get(js, i))) {
            return compile_fail(c, at, "\"required\" must be a list of "
                                       "names");
        }
    }
    n->required = js;
    return LANDO_OK;
}

/* Compile one keyword KEY with value V of the schema object at AT. */
static lando_err_t
compile_keyword(cctx_t *c, snode_t *n, const char *key, const json_t *v,
                const seg_t *at, int depth)
{
    seg_t here = {at, key, strlen(key), 0};

    if (strcmp(key, "type") == 0) {
        return compile_type(c, n, v, at);
    }
    if (strcmp(key, "properties") == 0) {
        return compile_properties(c, n, v, at, depth);
    }
    if (strcmp(key, "required") == 0) {
        return compile_required(c, n, v, at);
    }
    if (strcmp(key, "additionalProperties") == 0) {
        return compile_node(c, v, &here, depth + 1, &n->additional);
    }
    if (strcmp(key, "items") == 0) {
        if (json_is_array(v)) {
            return compile_fail(c, at, "\"items\" must be one schema: "
                                       "tuple forms are not supported");
        }
        return compile_node(c, v, &here, depth + 1, &n->items);
    }
    if (strcmp(key, "enum") == 0) {
        return compile_enum(c, n, v, at);
    }
    if (strcmp(key, "const") == 0) {
        return compile_const(c, n, v);
    }
    if (strcmp(key, "minimum") == 0) {
        return compile_bound(c, &n->min, key, ">=", v, at);
    }
    if (strcmp(key, "maximum") == 0) {
        return compile_bound(c, &n->max, key, "<=", v, at);
    }
    if (strcmp(key, "exclusiveMinimum") == 0) {
        return compile_bound(c, &n->xmin, key, ">", v, at);
    }
    if (strcmp(key, "exclusiveMaximum") == 0) {
        return compile_bound(c, &n->xmax, key, "<", v, at);
    }
    if (strcmp(key, "minLength") == 0) {
        return compile_count(c, &n->min_len, key, v, at,
                             "must be at least 1 character long",
                             "must be at least %" JSON_INTEGER_FORMAT
                             " characters long");
    }
    if (strcmp(key, "maxLength") == 0) {
        return compile_count(c, &n->max_len, key, v, at,
                             "must be at most 1 character long",
                             "must be at most %" JSON_INTEGER_FORMAT
                             " characters long");
    }
    if (strcmp(key, "minItems") == 0) {
        return compile_count(c, &n->min_items, key, v, at,
                             "must have at least 1 item",
                             "must have at least %" JSON_INTEGER_FORMAT
                             " items");
    }
    if (strcmp(key, "maxItems") == 0) {
        return compile_count(c, &n->max_items, key, v, at,
                             "must have at most 1 item",
                             "must have at most %" JSON_INTEGER_FORMAT
                             " items");
    }
    if (is_annotation(key)) {
        return LANDO_OK;
    }
    if (strcmp(key, "nullable") == 0) {
        return compile_fail(c, at, "unsupported keyword \"nullable\" "
                                   "(OpenAPI 3.0); write \"type\": "
                                   "[\"...\", \"null\"]");
    }
    return compile_fail(c, at, "unsupported keyword \"%s\"", key);
}

static lando_err_t
compile_node(cctx_t *c, const json_t *js, const seg_t *at, int depth,
             snode_t **out)
{
    snode_t *n;
    const char *key;
    const json_t *v;
    lando_err_t err;

    if (depth > MAX_DEPTH) {
        return compile_fail(c, at, "schema nested deeper than %d levels",
                            MAX_DEPTH);
    }
    if (!json_is_object(js) && !json_is_boolean(js)) {
        return compile_fail(c, at, "a schema must be an object, true or "
                                   "false");
    }

    n = salloc(c->schema, sizeof(*n));
    if (n == NULL) {
        return LANDO_ENOMEM;
    }
    *out = n;
    if (json_is_boolean(js)) {
        n->reject_all = json_is_false(js);
        return LANDO_OK;
    }

    json_object_foreach((json_t *)js, key, v) {
        err = compile_keyword(c, n, key, v, at, depth);
        if (err) {
            return err;
        }
    }
    return LANDO_OK;
}

lando_err_t
lando_schema_compile_json(const json_t *schema, lando_schema_t **out,
                          char *why, size_t why_len)
{
    cctx_t c = {NULL, why, why_len};
    lando_schema_t *s = NULL;
    lando_err_t err;

    if (why != NULL && why_len > 0) {
        why[0] = '\0';
    }
    if (out == NULL || schema == NULL) {
        return LANDO_EINVAL;
    }
    *out = NULL;

    s = lando__calloc(1, sizeof(*s));
    if (s == NULL) {
        return LANDO_ENOMEM;
    }
    s->json = json_deep_copy(schema);
    if (s->json == NULL) {
        err = LANDO_ENOMEM;
        goto out;
    }

    c.schema = s;
    err = compile_node(&c, s->json, NULL, 0, &s->root);

out:
    if (err) {
        if (err == LANDO_ENOMEM && why != NULL && why_len > 0) {
            snprintf(why, why_len, "out of memory");
        }
        lando_schema_free(s);
        return err;
    }
    *out = s;
    return LANDO_OK;
}

lando_err_t
lando_schema_compile(const char *text, lando_schema_t **out, char *why,
                     size_t why_len)
{
    json_error_t jerr;
    json_t *js;
    lando_err_t err;

    if (out != NULL) {
        *out = NULL;
    }
    if (text == NULL || out == NULL) {
        if (why != NULL && why_len > 0) {
            snprintf(why, why_len, "no schema given");
        }
        return LANDO_EINVAL;
    }

    /* jansson reports a failed allocation as a syntax error, so a
     * failure is tried once more before the text is called malformed. */
    js = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (js == NULL) {
        js = json_loads(text, JSON_DECODE_ANY, &jerr);
    }
    if (js == NULL) {
        if (why != NULL && why_len > 0) {
            snprintf(why, why_len, "malformed JSON at line %d, column %d: "
                     "%s", jerr.line, jerr.column, jerr.text);
        }
        return json_error_code(&jerr) == json_error_out_of_memory
                   ? LANDO_ENOMEM
                   : LANDO_EINVAL;
    }

    err = lando_schema_compile_json(js, out, why, why_len);
    json_decref(js);
    return err;
}

/* ---- validating ------------------------------------------------------ */

typedef struct vctx {
    json_t *errors; /* NULL until the first failure */
    bool want;      /* the caller asked for the list */
    bool failed;
    bool stop;      /* enough is known: stop walking */
    bool nomem;
    size_t count;
} vctx_t;

static void
report(vctx_t *v, const seg_t *at, const char *msg)
{
    buf_t b = {0};
    json_t *item;

    v->failed = true;
    if (!v->want) {
        v->stop = true;
        return;
    }
    if (v->errors == NULL) {
        v->errors = json_array();
        if (v->errors == NULL) {
            goto nomem;
        }
    }

    buf_add_path(&b, at);
    if (b.nomem) {
        goto nomem;
    }
    item = json_pack("{s:s%,s:s}", "path", b.data, b.len, "message", msg);
    lando__free(b.data);
    b.data = NULL;
    if (item == NULL || json_array_append_new(v->errors, item) != 0) {
        goto nomem;
    }

    v->count++;
    if (v->count >= LANDO_SCHEMA_MAX_ERRORS) {
        v->stop = true;
    }
    return;

nomem:
    lando__free(b.data);
    v->nomem = true;
    v->stop = true;
}

static unsigned
type_bits(const json_t *val)
{
    double d;

    switch (json_typeof(val)) {
    case JSON_OBJECT:
        return T_OBJECT;
    case JSON_ARRAY:
        return T_ARRAY;
    case JSON_STRING:
        return T_STRING;
    case JSON_INTEGER:
        return T_NUMBER | T_INTEGER;
    case JSON_REAL:
        d = json_real_value(val);
        return T_NUMBER | (is_whole(d) ? T_INTEGER : 0);
    case JSON_TRUE:
    case JSON_FALSE:
        return T_BOOLEAN;
    case JSON_NULL:
        return T_NULL;
    }
    return 0;
}

/* Compare the number VAL with the bound: <0, 0 or >0. */
static int
number_cmp(const json_t *val, const bound_t *b)
{
    double x, y;

    if (json_is_integer(val) && b->is_int) {
        json_int_t i = json_integer_value(val);

        return i < b->i ? -1 : i > b->i;
    }
    x = json_number_value(val);
    y = b->is_int ? (double)b->i : b->d;
    return x < y ? -1 : x > y;
}

/* JSON equality where 1 and 1.0 are the same number, as JSON Schema has
 * it (json_equal() tells integers from reals). */
static bool
json_same(const json_t *a, const json_t *b)
{
    size_t i;
    const char *key;
    const json_t *va;

    if (json_is_number(a) && json_is_number(b)) {
        if (json_is_integer(a) && json_is_integer(b)) {
            return json_integer_value(a) == json_integer_value(b);
        }
        return json_number_value(a) == json_number_value(b);
    }
    if (json_typeof(a) != json_typeof(b)) {
        return false;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) {
            return false;
        }
        for (i = 0; i < json_array_size(a); i++) {
            if (!json_same(json_array_get(a, i), json_array_get(b, i))) {
                return false;
            }
        }
        return true;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) {
            return false;
        }
        json_object_foreach((json_t *)a, key, va) {
            size_t len = json_object_iter_key_len(
                json_object_key_to_iter(key));
            const json_t *vb = json_object_getn(b, key, len);

            if (vb == NULL || !json_same(va, vb)) {
                return false;
            }
        }
        return true;
    }
    return json_equal(a, b);
}

static size_t
code_points(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

static void check(vctx_t *v, const snode_t *n, const json_t *val,
                  const seg_t *at);

static void
check_number(vctx_t *v, const snode_t *n, const json_t *val,
             const seg_t *at)
{
    if (n->min.set && number_cmp(val, &n->min) < 0) {
        report(v, at, n->min.msg);
    } else if (n->xmin.set && number_cmp(val, &n->xmin) <= 0) {
        report(v, at, n->xmin.msg);
    }
    if (v->stop) {
        return;
    }
    if (n->max.set && number_cmp(val, &n->max) > 0) {
        report(v, at, n->max.msg);
    } else if (n->xmax.set && number_cmp(val, &n->xmax) >= 0) {
        report(v, at, n->xmax.msg);
    }
}

static void
check_string(vctx_t *v, const snode_t *n, const json_t *val,
             const seg_t *at)
{
    size_t len;

    if (!n->min_len.set && !n->max_len.set) {
        return;
    }
    len = code_points(json_string_value(val), json_string_length(val));
    if (n->min_len.set && len < (size_t)n->min_len.n) {
        report(v, at, n->min_len.msg);
    } else if (n->max_len.set && len > (size_t)n->max_len.n) {
        report(v, at, n->max_len.msg);
    }
}

static void
check_array(vctx_t *v, const snode_t *n, const json_t *val,
            const seg_t *at)
{
    size_t size = json_array_size(val), i;

    if (n->min_items.set && size < (size_t)n->min_items.n) {
        report(v, at, n->min_items.msg);
    } else if (n->max_items.set && size > (size_t)n->max_items.n) {
        report(v, at, n->max_items.msg);
    }
    if (n->items == NULL) {
        return;
    }
    for (i = 0; i < size && !v->stop; i++) {
        seg_t item = {at, NULL, 0, i};

        check(v, n->items, json_array_get(val, i), &item);
    }
}

static void
check_object(vctx_t *v, const snode_t *n, const json_t *val,
             const seg_t *at)
{
    size_t i;
    void *it;

    for (i = 0; n->required && i < json_array_size(n->required); i++) {
        const json_t *name = json_array_get(n->required, i);
        const char *s = json_string_value(name);
        size_t len = json_string_length(name);

        if (json_object_getn(val, s, len) == NULL) {
            seg_t prop = {at, s, len, 0};

            report(v, &prop, "is required");
            if (v->stop) {
                return;
            }
        }
    }

    for (i = 0; i < n->prop_count && !v->stop; i++) {
        const sprop_t *p = &n->props[i];
        const json_t *sub = json_object_getn(val, p->name, p->name_len);
        seg_t prop = {at, p->name, p->name_len, 0};

        if (sub != NULL) {
            check(v, p->schema, sub, &prop);
        }
    }
    if (n->additional == NULL) {
        return;
    }

    for (it = json_object_iter((json_t *)val); it != NULL && !v->stop;
         it = json_object_iter_next((json_t *)val, it)) {
        const char *key = json_object_iter_key(it);
        size_t len = json_object_iter_key_len(it);
        seg_t prop = {at, key, len, 0};

        if (n->props_json != NULL &&
            json_object_getn(n->props_json, key, len) != NULL) {
            continue;
        }
        check(v, n->additional, json_object_iter_value(it), &prop);
    }
}

static void
check(vctx_t *v, const snode_t *n, const json_t *val, const seg_t *at)
{
    unsigned bits;
    size_t i;

    if (n->reject_all) {
        report(v, at, "is not allowed");
        return;
    }

    bits = type_bits(val);
    if (n->types != 0 && (n->types & bits) == 0) {
        report(v, at, n->type_msg);
        return; /* the other keywords would only repeat the point */
    }

    if (n->const_value != NULL && !json_same(val, n->const_value)) {
        report(v, at, n->const_msg);
    }
    if (n->enum_values != NULL && !v->stop) {
        for (i = 0; i < json_array_size(n->enum_values); i++) {
            if (json_same(val, json_array_get(n->enum_values, i))) {
                break;
            }
        }
        if (i == json_array_size(n->enum_values)) {
            report(v, at, n->enum_msg);
        }
    }
    if (v->stop) {
        return;
    }

    if (bits & T_NUMBER) {
        check_number(v, n, val, at);
    } else if (bits & T_STRING) {
        check_string(v, n, val, at);
    } else if (bits & T_ARRAY) {
        check_array(v, n, val, at);
    } else if (bits & T_OBJECT) {
        check_object(v, n, val, at);
    }
}

lando_err_t
lando_schema_validate(const lando_schema_t *schema, const json_t *value,
                      json_t **errors)
{
    vctx_t v = {0};

    if (errors != NULL) {
        *errors = NULL;
    }
    if (schema == NULL || value == NULL) {
        return LANDO_EINVAL;
    }

    v.want = errors != NULL;
    check(&v, schema->root, value, NULL);

    if (v.nomem) {
        json_decref(v.errors);
        return LANDO_ENOMEM;
    }
    if (!v.failed) {
        return LANDO_OK;
    }
    if (errors != NULL) {
        *errors = v.errors;
    }
    return LANDO_EVALIDATION;
}

/* ---- the middleware -------------------------------------------------- */

/* Answer 422 with the standard error body plus "fields" (takes over
 * ERRORS). The failure is recorded first so that logging reports it. */
static lando_err_t
answer_invalid(lando_ctx_t *ctx, json_t *errors)
{
    lando_response_t *res = lando_res(ctx);
    const lando_error_t *e;
    json_t *body;
    int status;

    lando_fail(ctx, LANDO_EVALIDATION, NULL);
    e = lando_ctx_error(ctx);
    status = e != NULL && e->status ? e->status
                                    : lando_err_status(LANDO_EVALIDATION);

    body = json_pack("{s:{s:i,s:s,s:s,s:o}}", "error", "status", status,
                     "code", lando_err_slug(LANDO_EVALIDATION), "message",
                     e != NULL && e->message
                         ? e->message
                         : lando_strerror(LANDO_EVALIDATION),
                     "fields", errors);
    if (body == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }

    if (lando_response_json(res, status, body) != LANDO_OK) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    return LANDO_OK;
}

static lando_err_t
validate_mw(lando_ctx_t *ctx, void *state)
{
    json_t *body = NULL;
    json_t *errors = NULL;
    lando_err_t err;

    err = lando_request_json(lando_req(ctx), &body);
    if (err) {
        return err; /* recorded by lando_request_json() */
    }

    err = lando_schema_validate(state, body, &errors);
    if (err == LANDO_OK) {
        return lando_next(ctx);
    }
    if (err == LANDO_EVALIDATION) {
        return answer_invalid(ctx, errors);
    }
    return lando_fail(ctx, err, NULL);
}

static void
free_schema(void *state)
{
    lando_schema_free(state);
}

lando_mw_t
lando_mw_validate(lando_schema_t *schema)
{
    lando_mw_t mw = {"validate", validate_mw, schema, free_schema};

    return mw;
}
