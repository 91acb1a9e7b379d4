/*
 * The router: a trie with one level per path segment.
 *
 * Each node keeps its literal children in a uthash table keyed by the
 * percent-decoded literal, at most one "{name}" child and at most one
 * greedy "{name+}" child (always a leaf). The routes that end at a node
 * sit in a slot per standard method, a short list for other methods
 * (PROPFIND, ...) and one slot for ANY. Lookup costs one hash probe per
 * segment and per branch tried, whatever the number of routes.
 *
 * Precedence is resolved by a depth-first walk that tries, at every
 * level, the literal child, then the parameter, then the greedy
 * parameter, and stops at the first node on the way that serves the
 * request's method. Only when no candidate node serves it does the walk
 * end with 405, and then the Allow set is the union over every node the
 * path reaches. The walk only descends into nodes that exist, so its
 * depth is bounded by the longest pattern, never by the request.
 *
 * Path shapes, all covered by tests: one leading '/' is skipped and
 * every other '/' separates segments, so "//" is two empty segments and
 * not the root. A parameter never takes an empty segment. A greedy value
 * is never empty and keeps what it was given, a trailing slash included.
 * Unless the app is strict, a path with one trailing slash also reaches
 * the node without it, and a pattern with one also serves the path
 * without it; the exact form is tried first.
 *
 * The trie belongs to the app and is allocated with lando__malloc at
 * setup. A lookup allocates one block from the invocation's arena: the
 * decoded path, which parameters then reference without copying.
 */
#include <string.h>

#include "internal.h"

#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) lando__malloc(sz)
#define uthash_free(ptr, sz) lando__free(ptr)
#define uthash_nonfatal_oom(obj) ((obj)->hash_oom = true)
/* FNV-1a: a few instructions per byte against some sixty for the default
 * on a short segment. The tables change only at setup, and lookups never
 * insert, so a request cannot grow a chain whatever its segments. */
#define HASH_FUNCTION(keyptr, keylen, hashv) HASH_FNV(keyptr, keylen, hashv)
#include <uthash.h>

/* Canonical order of the Allow header, indexed by bit position. */
static const char *const method_names[LANDO__M_COUNT] = {
    "GET",    "HEAD",    "POST",    "PUT",   "PATCH",
    "DELETE", "OPTIONS", "CONNECT", "TRACE",
};

static const unsigned char method_lens[LANDO__M_COUNT] = {
    3, 4, 4, 3, 5, 6, 7, 7, 5,
};

#define ALL_METHODS ((1u << LANDO__M_COUNT) - 1)

enum { KIND_LITERAL = 0, KIND_PARAM, KIND_GREEDY };

/* A route for a method that has no bit, keyed by route->method. */
typedef struct extra {
    struct extra *next;
    lando_route_t *route;
} extra_t;

typedef struct node node_t;

struct node {
    UT_hash_handle hh; /* in the parent's table of literals */
    char *seg;         /* decoded literal, or the parameter's name */
    size_t seg_len;
    node_t *statics; /* literal children */
    node_t *param;   /* the "{name}" child */
    node_t *greedy;  /* the "{name+}" child, a leaf */
    lando_route_t *slots[LANDO__M_COUNT];
    lando_route_t *any;
    extra_t *extras;
    unsigned bits; /* standard methods with a slot filled */
    unsigned char kind;
    bool routed;   /* some route ends here */
    bool hash_oom; /* set by uthash when adding this node failed */
};

struct lando_router {
    node_t root;
};

/* ---- methods ---------------------------------------------------------- */

/* Whether M is exactly the upper-case literal LIT; no call for it. */
static bool
method_is(const char *m, const char *lit)
{
    while (*lit && *m == *lit) {
        m++;
        lit++;
    }
    return *m == '\0' && *lit == '\0';
}

unsigned
lando__method_bit(const char *m)
{
    if (!m) {
        return 0;
    }
    switch (m[0]) {
    case 'G':
        return method_is(m, "GET") ? LANDO__M_GET : 0;
    case 'H':
        return method_is(m, "HEAD") ? LANDO__M_HEAD : 0;
    case 'P':
        if (method_is(m, "POST")) {
            return LANDO__M_POST;
        }
        if (method_is(m, "PUT")) {
            return LANDO__M_PUT;
        }
        return method_is(m, "PATCH") ? LANDO__M_PATCH : 0;
    case 'D':
        return method_is(m, "DELETE") ? LANDO__M_DELETE : 0;
    case 'O':
        return method_is(m, "OPTIONS") ? LANDO__M_OPTIONS : 0;
    case 'C':
        return method_is(m, "CONNECT") ? LANDO__M_CONNECT : 0;
    case 'T':
        return method_is(m, "TRACE") ? LANDO__M_TRACE : 0;
    default:
        return 0;
    }
}

static unsigned
bit_index(unsigned bit)
{
    unsigned i = 0;

    while (bit > 1) {
        bit >>= 1;
        i++;
    }
    return i;
}

/* ---- trie nodes ------------------------------------------------------- */

static node_t *
node_new(unsigned char kind, const char *seg, size_t len)
{
    node_t *n = lando__calloc(1, sizeof(*n));

    if (!n) {
        return NULL;
    }
    /* Not strndup: a decoded literal may hold NUL bytes ("%00"). */
    n->seg = lando__malloc(len + 1);
    if (!n->seg) {
        lando__free(n);
        return NULL;
    }
    memcpy(n->seg, seg, len);
    n->seg[len] = '\0';
    n->seg_len = len;
    n->kind = kind;
    return n;
}

static void
node_free(node_t *n, bool self)
{
    node_t *child;
    extra_t *e;

    while ((child = n->statics) != NULL) {
        HASH_DEL(n->statics, child);
        node_free(child, true);
    }
    if (n->param) {
        node_free(n->param, true);
    }
    if (n->greedy) {
        node_free(n->greedy, true);
    }
    while ((e = n->extras) != NULL) {
        n->extras = e->next;
        lando__free(e);
    }
    lando__free(n->seg);
    if (self) {
        lando__free(n);
    }
}

static node_t *
find_static(const node_t *n, const char *seg, size_t len)
{
    node_t *child = NULL;

    if (n->statics) {
        HASH_FIND(hh, n->statics, seg, len, child);
    }
    return child;
}

/* The route in slot of ROUTE's method at N, or NULL. */
static lando_route_t *
slot_get(const node_t *n, const lando_route_t *route, unsigned bit)
{
    if (route->any) {
        return n->any;
    }
    if (bit) {
        return n->slots[bit_index(bit)];
    }
    for (const extra_t *e = n->extras; e; e = e->next) {
        if (strcmp(e->route->method, route->method) == 0) {
            return e->route;
        }
    }
    return NULL;
}

/* Some route ending at N or below it, or NULL when none does. */
static lando_route_t *
subtree_route(const node_t *n)
{
    const node_t *child;
    lando_route_t *r;

    for (unsigned i = 0; i < LANDO__M_COUNT; i++) {
        if (n->slots[i]) {
            return n->slots[i];
        }
    }
    if (n->any) {
        return n->any;
    }
    if (n->extras) {
        return n->extras->route;
    }
    for (child = n->statics; child; child = child->hh.next) {
        if ((r = subtree_route(child)) != NULL) {
            return r;
        }
    }
    if (n->param && (r = subtree_route(n->param)) != NULL) {
        return r;
    }
    if (n->greedy && (r = subtree_route(n->greedy)) != NULL) {
        return r;
    }
    return NULL;
}

lando_router_t *
lando__router_new(void)
{
    return lando__calloc(1, sizeof(lando_router_t));
}

void
lando__router_free(lando_router_t *r)
{
    if (!r) {
        return;
    }
    node_free(&r->root, false);
    lando__free(r);
}

/* ---- splitting -------------------------------------------------------- */

/*
 * Paths and patterns split the same way: one leading '/' is skipped,
 * "" and "/" have no segment at all, and every '/' after that separates
 * two segments, so "/a/" is "a" and "" and "//" is "" and "".
 */
static const char *
split_start(const char *path)
{
    return path[0] == '/' ? path + 1 : path;
}

/* ---- registration ----------------------------------------------------- */

/*
 * Classify the pattern segment S of LEN bytes. A parameter sets *NAME
 * and *NAME_LEN. Returns a KIND_* or -1 for a malformed segment: braces
 * that do not enclose the whole segment, or an empty name.
 */
static int
seg_kind(const char *s, size_t len, const char **name, size_t *name_len)
{
    size_t inner;

    if (len < 2 || s[0] != '{' || s[len - 1] != '}') {
        if (memchr(s, '{', len) || memchr(s, '}', len)) {
            return -1;
        }
        return KIND_LITERAL;
    }

    inner = len - 2;
    *name = s + 1;
    if (inner > 0 && s[len - 2] == '+') {
        inner--;
        *name_len = inner;
        if (inner == 0 || memchr(*name, '{', inner) ||
            memchr(*name, '}', inner)) {
            return -1;
        }
        return KIND_GREEDY;
    }
    *name_len = inner;
    if (inner == 0 || memchr(*name, '{', inner) || memchr(*name, '}', inner)) {
        return -1;
    }
    return KIND_PARAM;
}

/* One segment of a pattern being registered. */
typedef struct pseg {
    int kind;
    const char *text; /* decoded literal or parameter name */
    size_t len;
} pseg_t;

/*
 * Parse PATTERN into SEGS (room for one entry per byte), decoding
 * literals into SCRATCH. Returns the number of segments or -1 when the
 * pattern is malformed (a greedy parameter must be last).
 */
static long
pattern_parse(const char *pattern, char *scratch, pseg_t *segs)
{
    const char *p = split_start(pattern);
    long n = 0;

    if (*p == '\0') {
        return 0;
    }
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        const char *name = NULL;
        size_t name_len = 0;
        int kind = seg_kind(p, len, &name, &name_len);

        if (kind < 0 || (n > 0 && segs[n - 1].kind == KIND_GREEDY)) {
            return -1;
        }
        segs[n].kind = kind;
        if (kind == KIND_LITERAL) {
            long dec = lando__pct_decode(scratch, p, len, false, false);

            segs[n].text = scratch;
            segs[n].len = (size_t)dec;
            scratch += dec + 1;
        } else {
            segs[n].text = name;
            segs[n].len = name_len;
        }
        n++;
        if (!slash) {
            return n;
        }
        p = slash + 1;
    }
}

/* The parameter child of N for KIND (param or greedy). */
static node_t **
param_link(node_t *n, int kind)
{
    return kind == KIND_GREEDY ? &n->greedy : &n->param;
}

static bool
name_differs(const node_t *n, const pseg_t *s)
{
    return n->seg_len != s->len || memcmp(n->seg, s->text, s->len) != 0;
}

/*
 * Find the conflicts of a new route without touching the trie. The same
 * method at the same node is LANDO_EEXIST, whatever the parameter names
 * along the way; otherwise a parameter named differently from one that
 * routes already use at the same position is LANDO_EAMBIGUOUS.
 */
static lando_err_t
check_conflicts(node_t *root, const pseg_t *segs, long n,
                const lando_route_t *route, unsigned bit, lando_route_t **other)
{
    node_t *node = root;
    lando_route_t *clash = NULL;

    for (long i = 0; i < n && node; i++) {
        const pseg_t *s = &segs[i];
        node_t *next;

        if (s->kind == KIND_LITERAL) {
            next = find_static(node, s->text, s->len);
        } else {
            next = *param_link(node, s->kind);
            if (next && !clash && name_differs(next, s)) {
                clash = subtree_route(next);
            }
        }
        node = next;
    }

    if (node) {
        lando_route_t *taken = slot_get(node, route, bit);

        if (taken) {
            *other = taken;
            return LANDO_EEXIST;
        }
    }
    if (clash) {
        *other = clash;
        return LANDO_EAMBIGUOUS;
    }
    return LANDO_OK;
}

/* The child of NODE for S, created when missing. NULL: out of memory. */
static node_t *
child_get(node_t *node, const pseg_t *s)
{
    node_t *child;

    if (s->kind == KIND_LITERAL) {
        child = find_static(node, s->text, s->len);
        if (child) {
            return child;
        }
        child = node_new(KIND_LITERAL, s->text, s->len);
        if (!child) {
            return NULL;
        }
        HASH_ADD_KEYPTR(hh, node->statics, child->seg, child->seg_len, child);
        if (child->hash_oom) {
            node_free(child, true);
            return NULL;
        }
        return child;
    }

    node_t **link = param_link(node, s->kind);

    if (*link && name_differs(*link, s)) {
        /* No route uses the old name (check_conflicts saw to that): it
         * is left over from a registration that ran out of memory. */
        char *name = lando__strndup(s->text, s->len);

        if (!name) {
            return NULL;
        }
        lando__free((*link)->seg);
        (*link)->seg = name;
        (*link)->seg_len = s->len;
    }
    if (!*link) {
        *link = node_new((unsigned char)s->kind, s->text, s->len);
    }
    return *link;
}

static lando_err_t
slot_set(node_t *node, lando_route_t *route, unsigned bit)
{
    if (route->any) {
        node->any = route;
    } else if (bit) {
        node->slots[bit_index(bit)] = route;
        node->bits |= bit;
    } else {
        extra_t *e = lando__malloc(sizeof(*e));
        extra_t **tail = &node->extras;

        if (!e) {
            return LANDO_ENOMEM;
        }
        e->route = route;
        e->next = NULL;
        while (*tail) {
            tail = &(*tail)->next;
        }
        *tail = e;
    }
    node->routed = true;
    return LANDO_OK;
}

lando_err_t
lando__router_add(lando_router_t *r, lando_route_t *route,
                  lando_route_t **other)
{
    size_t plen;
    char *scratch = NULL;
    pseg_t *segs = NULL;
    node_t *node = &r->root;
    unsigned bit;
    long n;
    lando_err_t err;

    if (!route->pattern || route->pattern[0] != '/' || !route->method) {
        return LANDO_EPATTERN;
    }
    bit = route->any ? 0 : route->method_bit;
    if (!route->any && !bit) {
        bit = lando__method_bit(route->method);
    }

    plen = strlen(route->pattern);
    scratch = lando__malloc(plen + 1);
    segs = lando__malloc((plen + 1) * sizeof(*segs));
    if (!scratch || !segs) {
        err = LANDO_ENOMEM;
        goto out;
    }

    n = pattern_parse(route->pattern, scratch, segs);
    if (n < 0) {
        err = LANDO_EPATTERN;
        goto out;
    }

    err = check_conflicts(&r->root, segs, n, route, bit, other);
    if (err) {
        goto out;
    }

    /* From here on only memory can run out. Nodes created before that
     * stay behind without routes; lookups pass over them. */
    for (long i = 0; i < n; i++) {
        node = child_get(node, &segs[i]);
        if (!node) {
            err = LANDO_ENOMEM;
            goto out;
        }
    }
    err = slot_set(node, route, bit);

out:
    lando__free(scratch);
    lando__free(segs);
    return err;
}

/* ---- lookup ----------------------------------------------------------- */

/* A decoded path segment, NUL-terminated inside the lookup's block. */
typedef struct dseg {
    const char *p;
    size_t len;
} dseg_t;

/* A node that the path reaches and that has routes, for Allow. */
typedef struct cand {
    struct cand *next;
    const node_t *node;
} cand_t;

typedef struct walk {
    lando_ctx_t *ctx;
    dseg_t *segs;
    size_t n;
    const node_t **trail; /* node taken for each segment */
    bool strict;
    const char *method; /* NULL when collecting for Allow */
    unsigned bit;
    /* Results. */
    lando_route_t *route;
    size_t depth;       /* trail entries that belong to the match */
    size_t greedy_from; /* first segment of the greedy value */
    unsigned allowed;
    bool found; /* some node on the path has routes */
    bool oom;
    cand_t *cands;
    cand_t **cands_tail;
} walk_t;

/*
 * Split and decode PATH into W in one arena block: the segment table,
 * the trail and the decoded text. The decoded text is never longer than
 * the path, and each NUL takes the place of the '/' that ended it. A
 * path without a '%' (nearly all of them) decodes to itself: it is
 * copied once and cut in place.
 */
static lando_err_t
walk_init(walk_t *w, lando_ctx_t *ctx, const char *path)
{
    const char *p = split_start(path ? path : "");
    size_t len, n = 0;
    bool escaped;
    unsigned char *block;
    char *buf;

    memset(w, 0, sizeof(*w));
    w->ctx = ctx;
    w->cands_tail = &w->cands;

    len = strlen(p);
    escaped = memchr(p, '%', len) != NULL;
    if (len > 0) {
        const char *s = p, *end = p + len;

        for (n = 1; (s = memchr(s, '/', (size_t)(end - s))) != NULL; s++) {
            n++;
        }
    }

    block = lando_ctx_alloc(ctx, n * sizeof(dseg_t) +
                                     (n + 1) * sizeof(node_t *) + len + 1);
    if (!block) {
        return LANDO_ENOMEM;
    }
    w->segs = (dseg_t *)block;
    w->trail = (const node_t **)(block + n * sizeof(dseg_t));
    buf = (char *)(block + n * sizeof(dseg_t) + (n + 1) * sizeof(node_t *));
    w->n = n;

    if (!escaped) {
        char *stop = buf + len;

        memcpy(buf, p, len + 1);
        for (size_t i = 0; i < n; i++) {
            char *end = memchr(buf, '/', (size_t)(stop - buf));

            if (end == NULL) {
                end = stop;
            }
            *end = '\0';
            w->segs[i].p = buf;
            w->segs[i].len = (size_t)(end - buf);
            buf = end + 1;
        }
        return LANDO_OK;
    }

    for (size_t i = 0; i < n; i++) {
        const char *slash = strchr(p, '/');
        size_t seg_len = slash ? (size_t)(slash - p) : strlen(p);
        long dec = lando__pct_decode(buf, p, seg_len, false, false);

        w->segs[i].p = buf;
        w->segs[i].len = (size_t)dec;
        buf += dec + 1;
        p += seg_len + 1;
    }
    return LANDO_OK;
}

/* The route at N for the walk's method: exact, then GET for HEAD, then
 * ANY. */
static lando_route_t *
pick(const walk_t *w, const node_t *n)
{
    if (!w->method) {
        return NULL;
    }
    if (w->bit) {
        lando_route_t *r = n->slots[bit_index(w->bit)];

        if (r) {
            return r;
        }
        if (w->bit == LANDO__M_HEAD && n->slots[0]) {
            return n->slots[0];
        }
    } else {
        for (const extra_t *e = n->extras; e; e = e->next) {
            if (strcmp(e->route->method, w->method) == 0) {
                return e->route;
            }
        }
    }
    return n->any;
}

/*
 * The walk reached N having bound DEPTH trail entries. Returns true when
 * N serves the method, which ends the walk.
 */
static bool
arrive(walk_t *w, const node_t *n, size_t depth, size_t greedy_from)
{
    lando_route_t *r;

    if (!n->routed) {
        return false;
    }

    r = pick(w, n);
    if (r) {
        w->route = r;
        w->depth = depth;
        w->greedy_from = greedy_from;
        return true;
    }

    w->found = true;
    w->allowed |= n->any ? ALL_METHODS : n->bits;
    if (!w->method && !w->oom) {
        cand_t *c = lando_ctx_alloc(w->ctx, sizeof(*c));

        if (!c) {
            w->oom = true;
            return false;
        }
        c->node = n;
        c->next = NULL;
        *w->cands_tail = c;
        w->cands_tail = &c->next;
    }
    return false;
}

/* True when segments I.. joined by '/' are not the empty string. */
static bool
rest_nonempty(const walk_t *w, size_t i)
{
    return w->n - i > 1 || w->segs[i].len > 0;
}

static bool
visit(walk_t *w, const node_t *n, size_t i)
{
    const dseg_t *s = &w->segs[i];
    const node_t *child;

    if (i == w->n) {
        if (arrive(w, n, i, SIZE_MAX)) {
            return true;
        }
        /* A pattern with a trailing slash also serves the path without
         * one, unless the app is strict. */
        child = w->strict ? NULL : find_static(n, "", 0);
        return child && arrive(w, child, i, SIZE_MAX);
    }

    child = find_static(n, s->p, s->len);
    if (child) {
        w->trail[i] = child;
        if (visit(w, child, i + 1)) {
            return true;
        }
    }

    /* The path's trailing slash is ignored unless the app is strict. */
    if (!w->strict && s->len == 0 && i + 1 == w->n && i > 0) {
        if (arrive(w, n, i, SIZE_MAX)) {
            return true;
        }
    }

    if (n->param && s->len > 0) {
        w->trail[i] = n->param;
        if (visit(w, n->param, i + 1)) {
            return true;
        }
    }

    if (n->greedy && rest_nonempty(w, i)) {
        w->trail[i] = n->greedy;
        if (arrive(w, n->greedy, i + 1, i)) {
            return true;
        }
    }
    return false;
}

/*
 * Append the parameters of the match. A greedy value is the decoded
 * segments joined by '/': they lie one after the other in the lookup's
 * block, so putting the '/' back in place of the NULs between them
 * makes the value without a copy.
 */
static lando_err_t
bind_params(walk_t *w, lando_fields_t *params)
{
    for (size_t d = 0; d < w->depth; d++) {
        const node_t *t = w->trail[d];
        const dseg_t *s = &w->segs[d];
        size_t len = s->len;
        lando_err_t err;

        if (t->kind == KIND_LITERAL) {
            continue;
        }
        if (t->kind == KIND_GREEDY) {
            const dseg_t *last = &w->segs[w->n - 1];

            for (size_t k = d; k + 1 < w->n; k++) {
                ((char *)w->segs[k].p)[w->segs[k].len] = '/';
            }
            len = (size_t)(last->p + last->len - s->p);
        }
        err = lando__fields_add_ref(w->ctx, params, t->seg, t->seg_len, s->p,
                                    len);
        if (err) {
            return err;
        }
    }
    return LANDO_OK;
}

lando_err_t
lando__router_match(const lando_router_t *r, lando_ctx_t *ctx,
                    const char *method, const char *path, bool strict_slash,
                    lando_route_t **route, lando_fields_t *params,
                    unsigned *allowed)
{
    walk_t w;
    lando_err_t err;

    *route = NULL;
    if (allowed) {
        *allowed = 0;
    }

    err = walk_init(&w, ctx, path);
    if (err) {
        return err;
    }
    w.strict = strict_slash;
    w.method = method ? method : "";
    w.bit = lando__method_bit(w.method);

    if (visit(&w, &r->root, 0)) {
        err = bind_params(&w, params);
        if (err) {
            return err;
        }
        *route = w.route;
        return LANDO_OK;
    }

    if (!w.found) {
        return LANDO_ENOTFOUND;
    }
    if (allowed) {
        *allowed = w.allowed | LANDO__M_OPTIONS;
        if (w.allowed & LANDO__M_GET) {
            *allowed |= LANDO__M_HEAD;
        }
    }
    return LANDO_EMETHOD;
}

/* Whether E's method is listed by a candidate before C, or earlier in
 * C's own list. */
static bool
extra_seen(const cand_t *cands, const cand_t *c, const extra_t *e)
{
    for (const cand_t *o = cands; o; o = o->next) {
        for (const extra_t *x = o->node->extras; x; x = x->next) {
            if (o == c && x == e) {
                return false;
            }
            if (strcmp(x->route->method, e->route->method) == 0) {
                return true;
            }
        }
    }
    return false;
}

/*
 * Write the Allow list for BITS and the other methods of the candidates
 * into OUT, or only count its length when OUT is NULL. Each name is
 * followed by ", "; the caller cuts the last separator.
 */
static size_t
allow_write(char *out, unsigned bits, const cand_t *cands)
{
    size_t len = 0;

    for (unsigned i = 0; i < LANDO__M_COUNT; i++) {
        if (bits & (1u << i)) {
            size_t n = method_lens[i];

            if (out) {
                memcpy(out + len, method_names[i], n);
                memcpy(out + len + n, ", ", 2);
            }
            len += n + 2;
        }
    }
    /* Other methods follow in registration order, each once. */
    for (const cand_t *c = cands; c; c = c->next) {
        for (const extra_t *e = c->node->extras; e; e = e->next) {
            size_t n = strlen(e->route->method);

            if (extra_seen(cands, c, e)) {
                continue;
            }
            if (out) {
                memcpy(out + len, e->route->method, n);
                memcpy(out + len + n, ", ", 2);
            }
            len += n + 2;
        }
    }
    return len;
}

const char *
lando__router_allow(const lando_router_t *r, lando_ctx_t *ctx, const char *path,
                    bool strict_slash)
{
    walk_t w;
    unsigned bits;
    size_t len;
    char *out;

    if (walk_init(&w, ctx, path) != LANDO_OK) {
        return NULL;
    }
    w.strict = strict_slash;
    visit(&w, &r->root, 0);
    if (!w.found || w.oom) {
        return NULL;
    }

    bits = w.allowed | LANDO__M_OPTIONS;
    if (bits & LANDO__M_GET) {
        bits |= LANDO__M_HEAD;
    }

    /* OPTIONS is always listed, so the list is never empty. */
    len = allow_write(NULL, bits, w.cands);
    out = lando_ctx_alloc(ctx, len);
    if (!out) {
        return NULL;
    }
    allow_write(out, bits, w.cands);
    out[len - 2] = '\0';
    return out;
}
