/*
 * The response a handler writes. A fresh invocation starts with status
 * 200, no headers and an empty body. Header names and values are copied
 * into the invocation's arena; a name or value holding CR, LF or NUL is
 * refused with LANDO_EHEADER, so a handler can never split a response.
 */
#ifndef LANDO_RESPONSE_H
#define LANDO_RESPONSE_H

#include <jansson.h>

#include <lando/common.h>
#include <lando/fields.h>

/** Whether the body goes out base64-encoded. */
typedef enum lando_body_mode {
    LANDO_BODY_AUTO = 0, /* binary unless the Content-Type is textual */
    LANDO_BODY_TEXT,     /* send as text (must be valid UTF-8) */
    LANDO_BODY_BINARY    /* always base64 */
} lando_body_mode_t;

LANDO_API int
lando_response_status(const lando_response_t *res);

/** STATUS outside 100..599 is stored as 500. */
LANDO_API void
lando_response_set_status(lando_response_t *res, int status);

/** Headers in the order they were added. */
LANDO_API const lando_fields_t *
lando_response_headers(const lando_response_t *res);

/** First value of header NAME (any case), or NULL. */
LANDO_API const char *
lando_response_header(const lando_response_t *res, const char *name);

/**
 * Append a header, keeping earlier ones of the same name (several
 * Set-Cookie headers all survive). Returns LANDO_OK, LANDO_EHEADER for CR,
 * LF or NUL in NAME or VALUE or an empty NAME, or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_response_add_header(lando_response_t *res, const char *name,
                          const char *value);

/** Replace every header named NAME by one with VALUE. As above. */
LANDO_API lando_err_t
lando_response_set_header(lando_response_t *res, const char *name,
                          const char *value);

/** Remove every header named NAME. */
LANDO_API void
lando_response_remove_header(lando_response_t *res, const char *name);

/** Copy LEN bytes of BODY (may hold NUL bytes). */
LANDO_API lando_err_t
lando_response_set_body(lando_response_t *res, const void *body,
                        size_t len);

/** Use BODY without copying; it must outlive the invocation. */
LANDO_API void
lando_response_set_body_ref(lando_response_t *res, const void *body,
                            size_t len);

/** The body and its length; "" and 0 when empty. LEN may be NULL. */
LANDO_API const char *
lando_response_body(const lando_response_t *res, size_t *len);

LANDO_API void
lando_response_set_body_mode(lando_response_t *res, lando_body_mode_t mode);

LANDO_API lando_body_mode_t
lando_response_body_mode(const lando_response_t *res);

/**
 * Whether the body must go out base64-encoded: BINARY, or AUTO with a
 * Content-Type that is not textual (text/..., JSON and +json, XML and
 * +xml, JavaScript, YAML, form types are textual; no Content-Type is
 * textual when the body is valid UTF-8).
 */
LANDO_API bool
lando_response_is_binary(const lando_response_t *res);

/** True for a Content-Type value that is textual, as above. */
LANDO_API bool
lando_content_type_is_text(const char *content_type);

/**
 * Answer STATUS with VALUE serialised compactly as application/json.
 * VALUE is a new reference that this function takes over, even when it
 * fails; NULL (from a failed json_pack) gives LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_response_json(lando_response_t *res, int status, json_t *value);

/** Answer STATUS with TEXT as text/plain; charset=utf-8. */
LANDO_API lando_err_t
lando_response_text(lando_response_t *res, int status, const char *text);

/** Answer STATUS with LEN bytes of BODY under CONTENT_TYPE. */
LANDO_API lando_err_t
lando_response_send(lando_response_t *res, int status,
                    const char *content_type, const void *body, size_t len);

/** Answer STATUS (204 usually) with no body. */
LANDO_API lando_err_t
lando_response_empty(lando_response_t *res, int status);

/** Answer STATUS (301, 302, 303, 307, 308) with a Location header. */
LANDO_API lando_err_t
lando_response_redirect(lando_response_t *res, int status,
                        const char *location);

/** Back to status 200, no headers, empty AUTO body. */
LANDO_API void
lando_response_reset(lando_response_t *res);

/** The invocation this response belongs to. */
LANDO_API lando_ctx_t *
lando_response_ctx(const lando_response_t *res);

/**
 * Add NAME (a request header name, e.g. "Origin") to the response's Vary
 * header: several Vary headers are merged into one, a name already listed
 * (in any case) is not repeated, and "Vary: *" is left alone. Returns
 * LANDO_OK, LANDO_EHEADER for a NAME that is not a header token, or
 * LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_response_vary(lando_response_t *res, const char *name);

#endif /* LANDO_RESPONSE_H */
