/*
 * The compress middleware: gzip or deflate (zlib) for textual response
 * bodies, when the client asks for it. Install it outside error_map, so
 * that error bodies are compressed too, and inside logging and CORS.
 *
 * A response is compressed when all of these hold:
 * - the request method is not HEAD, the status is not 1xx, 204, 206
 *   or 304, and the chain returned LANDO_OK (an unanswered failure has
 *   no body yet);
 * - it has no Content-Encoding and its Cache-Control does not say
 *   no-transform;
 * - its Content-Type is textual (lando_content_type_is_text);
 * - its body has at least min_size bytes;
 * - Accept-Encoding accepts gzip (or x-gzip) or deflate with a q-value
 *   above 0, directly or through "*". The coding with the higher q-value
 *   wins, gzip on a tie; "gzip;q=0" refuses gzip even when "*" is
 *   listed;
 * - the compressed body is smaller than the original.
 *
 * Every response that passes the first four tests gets `Accept-Encoding`
 * merged into its Vary header, whether or not it was compressed, so that
 * caches keep the variants apart. A compressed response gets
 * Content-Encoding, loses Content-Length, has a strong ETag made weak
 * (the bytes differ from the uncompressed variant's), and is marked
 * LANDO_BODY_BINARY so that it travels base64-encoded.
 *
 * All memory, zlib's included, comes from the invocation's arena.
 */
#ifndef LANDO_MW_COMPRESS_H
#define LANDO_MW_COMPRESS_H

#include <lando/lando.h>

typedef struct lando_compress_options {
    /*
     * Smallest body compressed, in bytes: below it the saving does not
     * pay for the time. Default 0: 1024.
     */
    size_t min_size;
    /*
     * zlib compression level, 1 (fastest) to 9 (smallest). Default 0:
     * 6, zlib's own default.
     */
    int level;
    /* Never use deflate, only gzip. Default false. */
    bool no_deflate;
} lando_compress_options_t;

/**
 * Make a compress middleware from OPTS (NULL: every default). OPTS is
 * copied. Returns LANDO_OK, LANDO_EINVAL for NULL OUT or a level outside
 * 0..9, or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_mw_compress(const lando_compress_options_t *opts, lando_mw_t *out);

#endif /* LANDO_MW_COMPRESS_H */
