/*
 * The request a handler reads. The gateway fills it from the event; tests
 * and middleware may change it with the builder functions at the end of
 * this header. Every pointer returned here is borrowed from the
 * invocation and valid until it ends.
 */
#ifndef LANDO_REQUEST_H
#define LANDO_REQUEST_H

#include <jansson.h>

#include <lando/common.h>
#include <lando/fields.h>

/** Upper-case method as received ("GET"). Never NULL. */
LANDO_API const char *
lando_request_method(const lando_request_t *req);

/**
 * The path the router sees: the event's path with the stage prefix and
 * configured base paths removed, still percent-encoded as received.
 * Never NULL; "/" at least.
 */
LANDO_API const char *
lando_request_path(const lando_request_t *req);

/** The path exactly as the event gave it, before any prefix was removed. */
LANDO_API const char *
lando_request_raw_path(const lando_request_t *req);

/** Raw query string without '?', as received or rebuilt; "" if none. */
LANDO_API const char *
lando_request_raw_query(const lando_request_t *req);

/** Headers, in order, names as received, looked up without case. */
LANDO_API const lando_fields_t *
lando_request_headers(const lando_request_t *req);

/** First value of header NAME (any case), or NULL. */
LANDO_API const char *
lando_request_header(const lando_request_t *req, const char *name);

/** Query parameters, decoded, multi-valued, in arrival order. */
LANDO_API const lando_fields_t *
lando_request_query(const lando_request_t *req);

/** First value of query parameter NAME, or NULL. */
LANDO_API const char *
lando_request_query_get(const lando_request_t *req, const char *name);

/**
 * Cookies parsed from every Cookie header ("a=1; b=2"), values
 * percent-decoded when they are valid escapes. Parsed on first use. A
 * cookie without '=' has an empty value. Returns NULL only when memory
 * runs out.
 */
LANDO_API const lando_fields_t *
lando_request_cookies(lando_request_t *req);

/** Value of cookie NAME, or NULL. */
LANDO_API const char *
lando_request_cookie(lando_request_t *req, const char *name);

/** Path parameters set by the router, percent-decoded. */
LANDO_API const lando_fields_t *
lando_request_params(const lando_request_t *req);

/** Value of path parameter NAME, or NULL. */
LANDO_API const char *
lando_request_param(const lando_request_t *req, const char *name);

/** API Gateway stage variables. */
LANDO_API const lando_fields_t *
lando_request_stage_vars(const lando_request_t *req);

/** The stage ("prod", "$default"), or NULL when the event has none. */
LANDO_API const char *
lando_request_stage(const lando_request_t *req);

/**
 * A value from the event's request context by dotted key, for example
 * "requestId", "identity.sourceIp", "authorizer.claims.sub" or
 * "http.sourceIp". Numbers and booleans come back as their JSON text.
 * Returns NULL when the key is absent, null, or names an object or list.
 */
LANDO_API const char *
lando_request_context(lando_request_t *req, const char *dotted_key);

/** The client's IP address from the request context, or NULL. */
LANDO_API const char *
lando_request_source_ip(lando_request_t *req);

/**
 * The body bytes and their length (may hold NUL bytes). Returns "" with
 * *LEN = 0 for an absent body; never NULL. LEN may be NULL.
 */
LANDO_API const char *
lando_request_body(const lando_request_t *req, size_t *len);

/**
 * True while the body is still base64 text as the event delivered it.
 * The base64_body middleware decodes it and clears the flag.
 */
LANDO_API bool
lando_request_body_is_base64(const lando_request_t *req);

/**
 * Parse the body as JSON. Accepts application/json with parameters
 * ("; charset=utf-8") and any "+json" type; a missing Content-Type is
 * accepted too. On success *OUT is a borrowed value that lives until the
 * invocation ends (parsed once; later calls return the same value).
 * A body still in base64 (no base64_body middleware ran) is decoded
 * first. Returns LANDO_OK, LANDO_EMEDIATYPE for another content type,
 * LANDO_EBADJSON (message gives line, column and byte position) for a
 * malformed or empty body or a "\u0000" escape, LANDO_EBADBASE64 when the
 * base64 body does not decode, or LANDO_ENOMEM. Failures are recorded on
 * the invocation (lando_fail).
 */
LANDO_API lando_err_t
lando_request_json(lando_request_t *req, json_t **out);

/**
 * Parse an application/x-www-form-urlencoded body ('+' is a space, %XX
 * decoded); a missing Content-Type is accepted, as for JSON. *OUT lives
 * until the invocation ends. Returns LANDO_OK, LANDO_EMEDIATYPE,
 * LANDO_EBADFORM for a malformed escape, LANDO_EBADBASE64 for a base64
 * body that does not decode, or LANDO_ENOMEM. Failures are recorded on
 * the invocation.
 */
LANDO_API lando_err_t
lando_request_form(lando_request_t *req, const lando_fields_t **out);

/** The invocation this request belongs to. */
LANDO_API lando_ctx_t *
lando_request_ctx(const lando_request_t *req);

/*
 * Builders. The gateway and tests fill a request with these; middleware
 * may use them to rewrite one. Strings are borrowed when the _ref variant
 * is used (the caller guarantees they outlive the invocation) and copied
 * into the arena otherwise. Each returns LANDO_OK or LANDO_ENOMEM unless
 * it says more.
 */

LANDO_API lando_err_t
lando_request_set_method(lando_request_t *req, const char *method);

/** Sets both the routed and the raw path. */
LANDO_API lando_err_t
lando_request_set_path(lando_request_t *req, const char *path);

/** Sets only the routed path; the raw path keeps its value. */
LANDO_API lando_err_t
lando_request_set_routed_path(lando_request_t *req, const char *path);

/** Replace the query with the parse of QUERY ("a=1&b=2", no '?'). */
LANDO_API lando_err_t
lando_request_set_raw_query(lando_request_t *req, const char *query);

LANDO_API lando_err_t
lando_request_add_header(lando_request_t *req, const char *name,
                         const char *value);

LANDO_API lando_err_t
lando_request_add_query(lando_request_t *req, const char *name,
                        const char *value);

LANDO_API lando_err_t
lando_request_add_stage_var(lando_request_t *req, const char *name,
                            const char *value);

/** Copy LEN bytes of BODY; IS_BASE64 says whether they are base64 text. */
LANDO_API lando_err_t
lando_request_set_body(lando_request_t *req, const void *body, size_t len,
                       bool is_base64);

/** As lando_request_set_body() without a copy: BODY must outlive the
 * invocation (arena memory, or a string owned by the event). */
LANDO_API void
lando_request_set_body_ref(lando_request_t *req, const void *body,
                           size_t len, bool is_base64);

LANDO_API lando_err_t
lando_request_set_stage(lando_request_t *req, const char *stage);

/**
 * How the request context is looked up: LOOKUP returns the text of the
 * dotted key (in memory that lives as long as the invocation) or NULL.
 * The gateway reads the event's requestContext lazily through this.
 */
typedef const char *(*lando_context_lookup_fn)(void *opaque, lando_ctx_t *ctx,
                                               const char *dotted_key);

LANDO_API void
lando_request_set_context_lookup(lando_request_t *req,
                                 lando_context_lookup_fn lookup,
                                 void *opaque);

/**
 * Serve the request context from a jansson object (tests, local tools).
 * CONTEXT is borrowed and must outlive the invocation.
 */
LANDO_API void
lando_request_set_context_json(lando_request_t *req, json_t *context);

#endif /* LANDO_REQUEST_H */
