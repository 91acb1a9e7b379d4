/*
 * The CORS middleware (lando/mw/cors.h).
 *
 * Construction compiles the options once: origins into scheme/host/port
 * rules, lists into the header values sent verbatim. Each request then
 * parses its Origin into slices of the header (no copy), matches it
 * against the rules and adds headers; anything that depends on the
 * request lives in the invocation's arena or on the stack, never in the
 * state, so one request's origin cannot leak into the next answer.
 */
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include <lando/mw/cors.h>

/* Longer Origin values are refused outright (a host is at most 253). */
#define MAX_ORIGIN 512
#define DEFAULT_MAX_AGE 600

static const char *const default_headers[] = {
    "Accept",        "Accept-Language", "Content-Language", "Content-Type",
    "Authorization", "X-Requested-With", NULL,
};

/* A slice of a string. */
typedef struct span {
    const char *p;
    size_t n;
} span_t;

/* An origin split into its parts; PORT.n == 0 when it has none. */
typedef struct origin {
    span_t scheme;
    span_t host;
    span_t port;
    bool wildcard; /* host began with "*." (only in options) */
} origin_t;

/* A compiled allowed origin. For a wildcard, HOST is the suffix after
 * the '*', starting with its '.'. Strings are lower case. */
typedef struct rule {
    char *scheme;
    char *host;
    char *port; /* "" when none */
    bool wildcard;
} rule_t;

typedef struct cors_state {
    rule_t *rules;
    size_t rule_count;
    bool any_origin;
    bool null_origin;
    char **methods; /* NULL: no filter beyond the router's */
    char **headers; /* allowed request headers */
    bool any_header;
    char *headers_value; /* Access-Control-Allow-Headers */
    char *expose_value;  /* Access-Control-Expose-Headers, or NULL */
    char *max_age_value; /* Access-Control-Max-Age, or NULL */
    bool credentials;
} cors_state_t;

/* ---- syntax ---------------------------------------------------------- */

static bool
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_tchar(unsigned char c)
{
    return is_alpha(c) || is_digit(c) ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
is_token(const char *s, size_t n)
{
    size_t i;

    if (n == 0) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!is_tchar((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static bool
is_token_str(const char *s)
{
    return s && is_token(s, strlen(s));
}

/*
 * Next item of a comma-separated list at *P, trimmed of spaces and tabs.
 * Empty items are skipped. Returns false at the end of the list.
 */
static bool
next_item(const char **p, span_t *item)
{
    const char *s = *p;
    const char *start;
    size_t n;

    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == ',') {
            s++;
        }
        if (!*s) {
            *p = s;
            return false;
        }
        start = s;
        while (*s && *s != ',') {
            s++;
        }
        n = (size_t)(s - start);
        while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t')) {
            n--;
        }
        if (n > 0) {
            item->p = start;
            item->n = n;
            *p = s;
            return true;
        }
    }
}

/* A DNS name: non-empty labels of letters, digits and '-', dot-joined. */
static bool
is_dns_name(const char *s, size_t n)
{
    size_t label = 0;
    size_t i;

    if (n == 0 || n > 253) {
        return false;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if (is_alpha(c) || is_digit(c) || c == '-') {
            if (++label > 63) {
                return false;
            }
        } else {
            return false;
        }
    }
    return label > 0;
}

/* "[...]" holding a well-formed IPv6 address, as a URL host writes it.
 * inet_pton does the checking: a bracket of hex digits and colons is not
 * enough ("[:8443ade.]" is none). */
static bool
is_ipv6_literal(const char *s, size_t n)
{
    struct in6_addr addr;
    char buf[INET6_ADDRSTRLEN + 1];

    if (n < 4 || s[0] != '[' || s[n - 1] != ']' || n - 2 >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, s + 1, n - 2);
    buf[n - 2] = '\0';
    return inet_pton(AF_INET6, buf, &addr) == 1;
}

/*
 * Split "scheme://host[:port]" (N bytes at S) into O. WILDCARD allows a
 * leading "*." in the host. Anything else, a path or a trailing slash
 * included, is refused.
 */
static bool
parse_origin(const char *s, size_t n, bool wildcard, origin_t *o)
{
    const char *end = s + n;
    const char *p = s;
    const char *host;
    const char *colon = NULL;

    memset(o, 0, sizeof(*o));
    if (n == 0 || n > MAX_ORIGIN || !is_alpha((unsigned char)*p)) {
        return false;
    }
    while (p < end && (is_alpha((unsigned char)*p) ||
                       is_digit((unsigned char)*p) || *p == '+' ||
                       *p == '-' || *p == '.')) {
        p++;
    }
    if (end - p < 3 || memcmp(p, "://", 3) != 0) {
        return false;
    }
    o->scheme.p = s;
    o->scheme.n = (size_t)(p - s);
    host = p + 3;

    if (wildcard && end - host >= 2 && host[0] == '*' && host[1] == '.') {
        o->wildcard = true;
        host += 1; /* keep the '.' as part of the suffix */
    }

    if (host < end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));

        if (!close) {
            return false;
        }
        colon = close + 1 < end ? close + 1 : NULL;
        o->host.p = host;
        o->host.n = (size_t)(close + 1 - host);
        if (o->wildcard || !is_ipv6_literal(o->host.p, o->host.n)) {
            return false;
        }
    } else {
        colon = memchr(host, ':', (size_t)(end - host));
        o->host.p = host;
        o->host.n = (size_t)((colon ? colon : end) - host);
        if (!is_dns_name(o->host.p + o->wildcard,
                         o->host.n - o->wildcard)) {
            return false;
        }
    }

    if (colon) {
        const char *q;
        long port = 0;

        if (*colon != ':' || end - colon < 2 || end - colon > 6) {
            return false;
        }
        for (q = colon + 1; q < end; q++) {
            if (!is_digit((unsigned char)*q)) {
                return false;
            }
            port = port * 10 + (*q - '0');
        }
        if (port > 65535) {
            return false;
        }
        o->port.p = colon + 1;
        o->port.n = (size_t)(end - colon - 1);
    }
    return true;
}

/* ---- matching -------------------------------------------------------- */

static bool
span_ieq(span_t a, const char *b)
{
    return strlen(b) == a.n && strncasecmp(a.p, b, a.n) == 0;
}

static bool
rule_matches(const rule_t *r, const origin_t *o)
{
    size_t suffix;

    if (!span_ieq(o->scheme, r->scheme) || o->port.n != strlen(r->port) ||
        memcmp(o->port.p ? o->port.p : "", r->port, o->port.n) != 0) {
        return false;
    }
    if (!r->wildcard) {
        return span_ieq(o->host, r->host);
    }

    /* The suffix starts with '.', and the request's host is a valid DNS
     * name, so what precedes the suffix is one or more whole labels. */
    suffix = strlen(r->host);
    return o->host.n > suffix &&
           strncasecmp(o->host.p + o->host.n - suffix, r->host, suffix) ==
               0;
}

static bool
origin_allowed(const cors_state_t *st, const char *origin)
{
    size_t n = strlen(origin);
    origin_t o;
    size_t i;

    if (n == 4 && memcmp(origin, "null", 4) == 0) {
        return st->null_origin;
    }
    if (!parse_origin(origin, n, false, &o)) {
        return false;
    }
    if (st->any_origin) {
        return true;
    }
    for (i = 0; i < st->rule_count; i++) {
        if (rule_matches(&st->rules[i], &o)) {
            return true;
        }
    }
    return false;
}

static bool
list_has(char *const *list, const char *s, size_t n, bool icase)
{
    size_t i;

    for (i = 0; list && list[i]; i++) {
        if (strlen(list[i]) == n &&
            (icase ? strncasecmp(list[i], s, n) : memcmp(list[i], s, n)) ==
                0) {
            return true;
        }
    }
    return false;
}

/* True if every header a preflight asks for (VALUE) is allowed. */
static bool
headers_allowed(const cors_state_t *st, const char *value)
{
    span_t item;

    while (next_item(&value, &item)) {
        if (!is_token(item.p, item.n)) {
            return false;
        }
        if (!st->any_header && !list_has(st->headers, item.p, item.n, true)) {
            return false;
        }
    }
    return true;
}

/*
 * The methods to offer: those of ALLOW (the router's Allow value for the
 * path) that the options permit, joined into the arena. *HAS_METHOD says
 * whether METHOD is among them. NULL when memory runs out.
 */
static const char *
offered_methods(lando_ctx_t *ctx, const cors_state_t *st, const char *allow,
                const char *method, bool *has_method)
{
    size_t mlen = strlen(method);
    char *buf;
    char *w;
    span_t item;

    *has_method = false;
    buf = lando_ctx_alloc(ctx, strlen(allow) + 1);
    if (!buf) {
        return NULL;
    }
    w = buf;
    while (next_item(&allow, &item)) {
        if (st->methods && !list_has(st->methods, item.p, item.n, false)) {
            continue;
        }
        if (item.n == mlen && memcmp(item.p, method, mlen) == 0) {
            *has_method = true;
        }
        if (w != buf) {
            *w++ = ',';
            *w++ = ' ';
        }
        memcpy(w, item.p, item.n);
        w += item.n;
    }
    *w = '\0';
    return buf;
}

/* ---- answering ------------------------------------------------------- */

static lando_err_t
set_allow_origin(lando_response_t *res, const cors_state_t *st,
                 const char *origin)
{
    lando_err_t err;

    if (st->any_origin && !st->credentials) {
        return lando_response_set_header(res, "Access-Control-Allow-Origin",
                                         "*");
    }
    err = lando_response_set_header(res, "Access-Control-Allow-Origin",
                                    origin);
    if (!err && st->credentials) {
        err = lando_response_set_header(
            res, "Access-Control-Allow-Credentials", "true");
    }
    return err;
}

static bool
opted_out(const lando_route_t *route)
{
    const char *v = route ? lando_route_attr(route, "cors") : NULL;

    return v && strcasecmp(v, "off") == 0;
}

/*
 * Answer a preflight from the allowed ORIGIN asking for METHOD. A route
 * that opted out leaves the request to the router, as if CORS were not
 * installed.
 */
static lando_err_t
preflight(lando_ctx_t *ctx, const cors_state_t *st, const char *origin,
          const char *method)
{
    lando_request_t *req = lando_req(ctx);
    lando_response_t *res = lando_res(ctx);
    const char *allow = lando_ctx_allow(ctx);
    const char *asked = lando_request_header(req,
                                             "Access-Control-Request-Headers");
    const char *offered;
    bool method_ok = false;
    lando_err_t err;

    if (!allow) {
        /* No route at the path: the rest of the chain answers the 404, so
         * that error_map's formatter and not-found handler see it too. */
        err = lando_next(ctx);
        if (lando_response_vary(res, "Origin") != LANDO_OK &&
            err == LANDO_OK) {
            return lando_fail(ctx, LANDO_ENOMEM, NULL);
        }
        return err;
    }
    if (opted_out(lando_ctx_lookup_route(ctx, method))) {
        return lando_next(ctx);
    }

    err = lando_response_empty(res, 204);
    if (!err) {
        err = lando_response_vary(res, "Origin");
    }
    if (err) {
        return lando_fail(ctx, err, NULL);
    }

    offered = offered_methods(ctx, st, allow, method, &method_ok);
    if (!offered) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    if (!method_ok || (asked && !headers_allowed(st, asked))) {
        return LANDO_OK; /* no allow headers: the browser stops here */
    }

    err = set_allow_origin(res, st, origin);
    if (!err) {
        err = lando_response_set_header(res, "Access-Control-Allow-Methods",
                                        offered);
    }
    if (!err) {
        /* "*" echoes the request's list, which is all tokens by now. */
        const char *h = st->any_header ? asked : st->headers_value;

        if (h && *h) {
            err = lando_response_set_header(
                res, "Access-Control-Allow-Headers", h);
        }
    }
    if (!err && st->max_age_value) {
        err = lando_response_set_header(res, "Access-Control-Max-Age",
                                        st->max_age_value);
    }
    return err ? lando_fail(ctx, err, NULL) : LANDO_OK;
}

static lando_err_t
cors_run(lando_ctx_t *ctx, void *state)
{
    const cors_state_t *st = state;
    lando_request_t *req = lando_req(ctx);
    lando_response_t *res = lando_res(ctx);
    const char *origin = lando_request_header(req, "Origin");
    bool allowed = origin && origin_allowed(st, origin);
    lando_err_t err;
    lando_err_t herr;

    if (allowed && strcmp(lando_request_method(req), "OPTIONS") == 0) {
        const char *method =
            lando_request_header(req, "Access-Control-Request-Method");

        if (method) {
            return preflight(ctx, st, origin, method);
        }
    }

    err = lando_next(ctx);
    if (opted_out(lando_ctx_matched_route(ctx))) {
        return err;
    }

    herr = lando_response_vary(res, "Origin");
    if (!herr && allowed) {
        herr = set_allow_origin(res, st, origin);
        if (!herr && st->expose_value) {
            herr = lando_response_set_header(
                res, "Access-Control-Expose-Headers", st->expose_value);
        }
    }
    if (herr && err == LANDO_OK) {
        return lando_fail(ctx, herr, NULL);
    }
    return err;
}

/* ---- construction ---------------------------------------------------- */

static void
free_list(char **list)
{
    size_t i;

    for (i = 0; list && list[i]; i++) {
        lando_free(list[i]);
    }
    lando_free(list);
}

static void
cors_free(void *state)
{
    cors_state_t *st = state;
    size_t i;

    if (!st) {
        return;
    }
    for (i = 0; i < st->rule_count; i++) {
        lando_free(st->rules[i].scheme);
        lando_free(st->rules[i].host);
        lando_free(st->rules[i].port);
    }
    lando_free(st->rules);
    free_list(st->methods);
    free_list(st->headers);
    lando_free(st->headers_value);
    lando_free(st->expose_value);
    lando_free(st->max_age_value);
    lando_free(st);
}

static char *
copy_lower(const char *s, size_t n)
{
    char *p = lando_malloc(n + 1);
    size_t i;

    if (!p) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];

        p[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    p[n] = '\0';
    return p;
}

static size_t
list_len(const char *const *list)
{
    size_t n = 0;

    while (list && list[n]) {
        n++;
    }
    return n;
}

/* Copy a NULL-terminated list whose items are all tokens. */
static lando_err_t
copy_tokens(const char *const *src, char ***out)
{
    size_t n = list_len(src);
    char **list;
    size_t i;

    list = lando_malloc((n + 1) * sizeof(*list));
    if (!list) {
        return LANDO_ENOMEM;
    }
    memset(list, 0, (n + 1) * sizeof(*list));
    *out = list;
    for (i = 0; i < n; i++) {
        size_t len = strlen(src[i]);

        if (!is_token(src[i], len)) {
            return LANDO_EINVAL;
        }
        list[i] = lando_malloc(len + 1);
        if (!list[i]) {
            return LANDO_ENOMEM;
        }
        memcpy(list[i], src[i], len + 1);
    }
    return LANDO_OK;
}

/* "a, b, c" from a list of tokens, or NULL (with *ERR) for none. */
static char *
join_list(const char *const *list, lando_err_t *err)
{
    size_t n = 0;
    size_t i;
    char *buf;
    char *w;

    *err = LANDO_OK;
    for (i = 0; list && list[i]; i++) {
        if (!is_token_str(list[i])) {
            *err = LANDO_EINVAL;
            return NULL;
        }
        n += strlen(list[i]) + 2;
    }
    if (n == 0) {
        return NULL;
    }

    buf = lando_malloc(n + 1);
    if (!buf) {
        *err = LANDO_ENOMEM;
        return NULL;
    }
    w = buf;
    for (i = 0; list[i]; i++) {
        size_t len = strlen(list[i]);

        if (w != buf) {
            *w++ = ',';
            *w++ = ' ';
        }
        memcpy(w, list[i], len);
        w += len;
    }
    *w = '\0';
    return buf;
}

static lando_err_t
compile_origins(cors_state_t *st, const char *const *origins)
{
    size_t n = list_len(origins);
    size_t i;

    if (!origins) {
        st->any_origin = true;
        return LANDO_OK;
    }

    st->rules = lando_malloc((n ? n : 1) * sizeof(*st->rules));
    if (!st->rules) {
        return LANDO_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        const char *s = origins[i];
        rule_t *r = &st->rules[st->rule_count];
        origin_t o;

        if (strcmp(s, "*") == 0) {
            st->any_origin = true;
            continue;
        }
        if (strcmp(s, "null") == 0) {
            st->null_origin = true;
            continue;
        }
        if (!parse_origin(s, strlen(s), true, &o)) {
            return LANDO_EINVAL;
        }
        r->scheme = copy_lower(o.scheme.p, o.scheme.n);
        r->host = copy_lower(o.host.p, o.host.n);
        r->port = copy_lower(o.port.p ? o.port.p : "", o.port.n);
        r->wildcard = o.wildcard;
        st->rule_count++;
        if (!r->scheme || !r->host || !r->port) {
            return LANDO_ENOMEM;
        }
    }
    return LANDO_OK;
}

static lando_err_t
compile_headers(cors_state_t *st, const char *const *headers)
{
    lando_err_t err;

    if (!headers) {
        headers = default_headers;
    }
    if (list_len(headers) == 1 && strcmp(headers[0], "*") == 0) {
        st->any_header = true;
        return LANDO_OK;
    }

    err = copy_tokens(headers, &st->headers);
    if (!err) {
        st->headers_value = join_list(headers, &err);
    }
    return err;
}

static lando_err_t
compile(cors_state_t *st, const lando_cors_options_t *opts)
{
    lando_err_t err;
    int max_age = opts->max_age ? opts->max_age : DEFAULT_MAX_AGE;

    st->credentials = opts->credentials;

    err = compile_origins(st, opts->origins);
    if (!err && opts->methods) {
        err = copy_tokens(opts->methods, &st->methods);
    }
    if (!err) {
        err = compile_headers(st, opts->headers);
    }
    if (!err) {
        st->expose_value = join_list(opts->expose, &err);
    }
    if (!err && max_age > 0) {
        char buf[16];
        size_t n = (size_t)snprintf(buf, sizeof(buf), "%d", max_age);

        st->max_age_value = copy_lower(buf, n);
        if (!st->max_age_value) {
            err = LANDO_ENOMEM;
        }
    }
    return err;
}

lando_err_t
lando_mw_cors(const lando_cors_options_t *opts, lando_mw_t *out)
{
    static const lando_cors_options_t defaults;
    cors_state_t *st;
    lando_err_t err;

    if (!out) {
        return LANDO_EINVAL;
    }
    if (!opts) {
        opts = &defaults;
    }

    st = lando_malloc(sizeof(*st));
    if (!st) {
        return LANDO_ENOMEM;
    }
    memset(st, 0, sizeof(*st));

    err = compile(st, opts);
    if (err) {
        cors_free(st);
        return err;
    }

    out->name = "cors";
    out->fn = cors_run;
    out->state = st;
    out->free_state = cors_free;
    return LANDO_OK;
}
