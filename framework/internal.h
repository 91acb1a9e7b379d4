/*
 * Struct bodies and helpers shared by the files of framework/. Nothing
 * outside framework/ includes this header: middleware, plugins, examples
 * and tests go through <lando/...>.
 *
 * Names: lando__x for functions shared between framework files.
 */
#ifndef LANDO_INTERNAL_H
#define LANDO_INTERNAL_H

#include <stdalign.h>
#include <stddef.h>

#include <lando/lando.h>

/* ---- allocation (alloc.c) ------------------------------------------- */

void *lando__malloc(size_t size);
void *lando__calloc(size_t n, size_t size);
void *lando__realloc(void *ptr, size_t size);
void lando__free(void *ptr);
char *lando__strdup(const char *s);
char *lando__strndup(const char *s, size_t len);

/* ---- arena (arena.c) ------------------------------------------------ */

/*
 * A bump allocator made of chunks. The first chunk is kept across resets
 * so that a warm invocation normally allocates nothing from the heap;
 * larger ones are freed at reset. Allocation is 16-byte aligned.
 */
typedef struct lando_chunk {
    struct lando_chunk *next;
    size_t size; /* usable bytes in data */
    size_t used;
    alignas(16) unsigned char data[];
} lando_chunk_t;

typedef struct lando_arena {
    lando_chunk_t *head;  /* chunk being filled */
    lando_chunk_t *first; /* kept across resets */
    size_t first_size;
} lando_arena_t;

void lando__arena_init(lando_arena_t *a, size_t first_size);
void *lando__arena_alloc(lando_arena_t *a, size_t size);
/* Grow the last allocation PTR (of OLD bytes) to NEW bytes if it is the
 * most recent one, else allocate and copy. */
void *lando__arena_grow(lando_arena_t *a, void *ptr, size_t old, size_t n);
void lando__arena_reset(lando_arena_t *a);
void lando__arena_cleanup(lando_arena_t *a);

/* ---- ASCII text helpers (fields.c) ---------------------------------- */

/* C in lower case, for ASCII letters only: header names, media types. */
static inline int
lando__lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Whether LEN bytes of S equal the lower-case literal LIT, ignoring the
 * ASCII case of S; and the same for a prefix or a suffix of S. */
bool lando__ieq_lit(const char *s, size_t len, const char *lit);
bool lando__istarts_lit(const char *s, size_t len, const char *lit);
bool lando__iends_lit(const char *s, size_t len, const char *lit);

/* ---- fields (fields.c) ---------------------------------------------- */

struct lando_fields {
    lando_field_t *items; /* arena memory for request/response lists */
    uint32_t count;
    uint32_t cap;
    bool icase; /* names compare without regard to ASCII case */
};

void lando__fields_init(lando_fields_t *f, bool icase);
/* Append a pair whose strings are borrowed (must outlive the list). The
 * array grows in CTX's arena. */
lando_err_t lando__fields_add_ref(lando_ctx_t *ctx, lando_fields_t *f,
                                  const char *name, size_t name_len,
                                  const char *value, size_t value_len);
/* Append copies of NAME and VALUE (NUL-terminated in the arena). */
lando_err_t lando__fields_add(lando_ctx_t *ctx, lando_fields_t *f,
                              const char *name, size_t name_len,
                              const char *value, size_t value_len);
void lando__fields_remove(lando_fields_t *f, const char *name);
bool lando__name_eq(const lando_fields_t *f, const lando_field_t *item,
                    const char *name, size_t name_len);

/* ---- codec (codec.c) ------------------------------------------------ */

/*
 * Percent-decode LEN bytes of SRC into DST (room for LEN bytes + NUL).
 * PLUS_SPACE turns '+' into ' ' (query strings and forms). Returns the
 * decoded length, or -1 when a '%' is not followed by two hex digits and
 * STRICT is set; without STRICT such a '%' is kept literally.
 */
long lando__pct_decode(char *dst, const char *src, size_t len,
                       bool plus_space, bool strict);

/*
 * Parse a query string or form body ("a=1&b=&c&a=2") into F, decoding
 * names and values ('+' is a space). Empty pieces are skipped. STRICT
 * makes a bad escape an error (LANDO_EBADFORM); otherwise it is kept.
 */
lando_err_t lando__query_parse(lando_ctx_t *ctx, lando_fields_t *f,
                               const char *s, size_t len, bool strict);

/* Length of the base64 decoding of LEN input bytes, at most. */
size_t lando__b64_decoded_max(size_t len);
/*
 * Decode base64 (standard alphabet, padding optional, CR and LF
 * ignored) into DST. Returns the decoded length or -1 for any other
 * byte, bad padding or a dangling single character.
 */
long lando__b64_decode(unsigned char *dst, const char *src, size_t len);
/* Exact length of the base64 encoding of LEN bytes (with padding). */
size_t lando__b64_encoded_len(size_t len);
/* Encode with padding; writes lando__b64_encoded_len(len) bytes + NUL. */
void lando__b64_encode(char *dst, const unsigned char *src, size_t len);

/* Length (1..4) of the well-formed UTF-8 sequence at S, which has AVAIL
 * bytes (at least 1), or 0 when none starts there. */
size_t lando__utf8_seq(const unsigned char *s, size_t avail);

/* True if LEN bytes of S are valid UTF-8 (no surrogates, no overlongs). */
bool lando__utf8_valid(const char *s, size_t len);

/* ---- methods (router.c) --------------------------------------------- */

/* Standard methods are bits so that Allow sets are cheap to build. */
enum {
    LANDO__M_GET = 1u << 0,
    LANDO__M_HEAD = 1u << 1,
    LANDO__M_POST = 1u << 2,
    LANDO__M_PUT = 1u << 3,
    LANDO__M_PATCH = 1u << 4,
    LANDO__M_DELETE = 1u << 5,
    LANDO__M_OPTIONS = 1u << 6,
    LANDO__M_CONNECT = 1u << 7,
    LANDO__M_TRACE = 1u << 8,
    LANDO__M_COUNT = 9
};

/* The bit of a standard upper-case method, 0 for others. */
unsigned lando__method_bit(const char *method);

/* ---- request, response, context ------------------------------------ */

struct lando_request {
    lando_ctx_t *ctx;
    const char *method;
    const char *path;      /* routed path */
    const char *raw_path;  /* as the event gave it */
    const char *raw_query; /* "" when none */
    const char *stage;
    lando_fields_t headers; /* icase */
    lando_fields_t query;
    lando_fields_t params;
    lando_fields_t stage_vars;
    lando_fields_t cookies;
    lando_fields_t form;
    const char *body;
    size_t body_len;
    json_t *json; /* parsed body, decref'd at the end of the invocation */
    lando_context_lookup_fn lookup;
    void *lookup_opaque;
    json_t *context_json; /* borrowed, for lando_request_set_context_json */
    bool body_base64;
    bool cookies_parsed;
    bool json_parsed;
    bool form_parsed;
};

struct lando_response {
    lando_ctx_t *ctx;
    int status;
    lando_fields_t headers; /* icase */
    const char *body;
    size_t body_len;
    lando_body_mode_t mode;
};

typedef struct lando_store_item {
    struct lando_store_item *next;
    const char *key;
    void *value;
} lando_store_item_t;

/* A cleanup run at the end of the invocation (jansson values, etc.). */
typedef struct lando_cleanup {
    struct lando_cleanup *next;
    void (*fn)(void *arg);
    void *arg;
} lando_cleanup_t;

/* The chain cursor: which list runs and where it is. */
typedef struct lando_chain_pos {
    lando_mw_t *const *mws; /* the list being run */
    size_t count;
    size_t next;        /* index of the middleware lando_next() runs */
    int stage;          /* LANDO__STAGE_* */
} lando_chain_pos_t;

enum {
    LANDO__STAGE_GLOBAL = 0, /* app middleware, then the router */
    LANDO__STAGE_ROUTE,      /* route middleware, then the handler */
    LANDO__STAGE_DONE
};

struct lando_ctx {
    lando_app_t *app;
    lando_arena_t arena;
    lando_request_t req;
    lando_response_t res;
    lando_source_t source;
    lando_error_t error;
    lando_store_item_t *store;
    lando_cleanup_t *cleanups;
    lando_chain_pos_t chain;
    lando_route_t *route;
    const char *allow;
    bool allow_done;
    bool cold_start;
    int64_t start_us;
    const lando_lambda_ops_t *lambda_ops;
    void *lambda_opaque;
    const char *lambda_cache[LANDO_LAMBDA__FIELD_COUNT];
    uint32_t lambda_cached; /* bit per field */
};

/* Register FN(ARG) to run when the invocation ends. */
lando_err_t lando__ctx_on_end(lando_ctx_t *ctx, void (*fn)(void *),
                              void *arg);

/* Monotonic clock in microseconds. */
int64_t lando__now_us(void);

/* ---- routes, groups, app (app.c, chain.c) --------------------------- */

typedef struct lando_mw_list {
    lando_mw_t *items;
    size_t count;
    size_t cap;
} lando_mw_list_t;

typedef struct lando_attr {
    struct lando_attr *next;
    char *key;
    char *value;
} lando_attr_t;

struct lando_group {
    lando_app_t *app;
    lando_group_t *parent;
    lando_group_t *next_in_app; /* app's list of groups, for freeing */
    char *prefix;               /* full prefix from the root, "" for root */
    lando_mw_list_t mws;
    const char *plugin; /* name of the plugin mounted here, or NULL */
};

struct lando_route {
    lando_group_t *group;
    lando_route_t *next_in_app;
    char *method;  /* as registered, upper-case */
    unsigned method_bit; /* 0 for ANY and for non-standard methods */
    bool any;
    char *pattern; /* full pattern */
    lando_handler_fn handler;
    void *data;
    lando_mw_list_t mws; /* the route's own */
    lando_attr_t *attrs;
    /* Built at freeze: the groups' middleware, outermost first, then the
     * route's own. */
    lando_mw_t **chain;
    size_t chain_count;
    struct lando_route_doc *doc; /* OpenAPI metadata (plugin.c), or NULL */
};

typedef struct lando_router lando_router_t;

struct lando_app {
    lando_router_t *router;
    lando_mw_list_t mws;
    lando_mw_t **global_chain; /* built at freeze */
    lando_group_t *root;
    lando_group_t *groups;   /* every group but root, newest first */
    lando_route_t *routes;   /* registration order */
    lando_route_t **routes_tail;
    size_t route_count;
    lando_route_t **route_index; /* built at freeze, for route_at */
    char **strip_prefixes;
    size_t strip_count;
    bool strict_slash;
    bool frozen;
    uint64_t invocations;
    void *data;
    struct lando_plugin_state *plugins; /* plugin.c; freed by
                                           lando__plugins_free() */
    char last_error[512];
};

/* Record TEXT as the app's last registration error; returns ERR. */
lando_err_t lando__app_fail(lando_app_t *app, lando_err_t err,
                            const char *fmt, ...) LANDO_PRINTF(3, 4);

/* Plugins and route documentation (plugin.c): free everything plugin.c
 * attached to APP and its routes. Called by lando_app_free(). */
void lando__plugins_free(lando_app_t *app);

/* The plugin name of ROUTE's innermost group that has one, or NULL. */
const char *lando__route_plugin(const lando_route_t *route);

/* Freeze the app: build chains and indexes. Idempotent. */
lando_err_t lando__app_freeze(lando_app_t *app);

/* ---- router (router.c) ---------------------------------------------- */

lando_router_t *lando__router_new(void);
void lando__router_free(lando_router_t *r);

/*
 * Insert ROUTE (its pattern and method are already set). On a conflict,
 * *OTHER receives the route already there. Returns LANDO_OK,
 * LANDO_EPATTERN, LANDO_EEXIST, LANDO_EAMBIGUOUS or LANDO_ENOMEM.
 */
lando_err_t lando__router_add(lando_router_t *r, lando_route_t *route,
                              lando_route_t **other);

/*
 * Find the route for METHOD and PATH. On LANDO_OK, *ROUTE is set and the
 * path parameters are appended to PARAMS (decoded, in CTX's arena). On
 * LANDO_EMETHOD, *ALLOWED (may be NULL; 0 otherwise) holds the standard
 * method bits the Allow header lists: HEAD with GET, OPTIONS always;
 * non-standard methods appear only in lando__router_allow().
 * LANDO_ENOTFOUND when nothing serves the path; LANDO_ENOMEM. HEAD
 * falls back to GET here.
 */
lando_err_t lando__router_match(const lando_router_t *r, lando_ctx_t *ctx,
                                const char *method, const char *path,
                                bool strict_slash, lando_route_t **route,
                                lando_fields_t *params, unsigned *allowed);

/*
 * The Allow header value for PATH ("GET, HEAD, OPTIONS"), built in CTX's
 * arena, or NULL when nothing serves the path. HEAD is listed whenever GET
 * is, and OPTIONS always.
 */
const char *lando__router_allow(const lando_router_t *r, lando_ctx_t *ctx,
                                const char *path, bool strict_slash);

/* ---- chain (chain.c) ------------------------------------------------ */

/* Run the router stage: match, set route and params, enter the route's
 * chain. Called by lando_next() when the global chain is exhausted. */
lando_err_t lando__chain_route(lando_ctx_t *ctx);

#endif /* LANDO_INTERNAL_H */
