/*
 * The base64_body middleware: API Gateway and friends deliver binary
 * bodies base64-encoded (isBase64Encoded). This middleware decodes them
 * before any later middleware or handler reads the body, so they always
 * see the bytes the client sent, NUL bytes included. Install it last,
 * just before the router.
 *
 * - Invalid base64 fails the request with LANDO_EBADBASE64 (400) and a
 *   message naming the offending byte offset; the body is left as it
 *   was, never replaced by an empty one.
 * - A body larger than the limit fails with LANDO_ETOOLARGE (413) before
 *   anything is decoded.
 *
 * The decoded body lives in the invocation's arena and is followed by a
 * NUL byte not counted in its length.
 */
#ifndef LANDO_MW_BASE64_BODY_H
#define LANDO_MW_BASE64_BODY_H

#include <lando/lando.h>

/** Lambda's payload limit for synchronous invocations, in bytes. */
#define LANDO_BODY_LIMIT_DEFAULT 6291456u

typedef struct lando_base64_body_options {
    /*
     * The largest body accepted, in bytes, compared with the body as the
     * event delivered it: the base64 text for encoded bodies (whose
     * decoding is always smaller), the bytes themselves otherwise.
     * Default 0: LANDO_BODY_LIMIT_DEFAULT (6 MiB, Lambda's own limit).
     */
    size_t max_body;
} lando_base64_body_options_t;

/**
 * Make a base64_body middleware from OPTS (NULL: every default). OPTS is
 * copied. Returns LANDO_OK, LANDO_EINVAL for NULL OUT, or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_mw_base64_body(const lando_base64_body_options_t *opts,
                     lando_mw_t *out);

#endif /* LANDO_MW_BASE64_BODY_H */
