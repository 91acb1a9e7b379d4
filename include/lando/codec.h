/*
 * Base64 (RFC 4648, standard alphabet) for middleware, plugins and
 * handlers: the codec the gateway uses for binary bodies, with errors
 * that say where the text went wrong.
 *
 * Decoding accepts '=' padding or none, and skips CR and LF anywhere, as
 * MIME-style encoders wrap long base64 text. Any other byte outside the
 * alphabet (spaces and tabs too), misplaced padding, or a single
 * character left over at the end makes the text invalid.
 */
#ifndef LANDO_CODEC_H
#define LANDO_CODEC_H

#include <lando/common.h>

/** Sentinel for "no single byte is to blame" in lando_base64_decode(). */
#define LANDO_BASE64_NOPOS SIZE_MAX

/** The most bytes LEN characters of base64 text can decode to. */
LANDO_API size_t
lando_base64_decoded_max(size_t len);

/**
 * Decode LEN bytes of base64 text SRC into DST, which has room for
 * lando_base64_decoded_max(LEN) bytes (DST is not NUL-terminated).
 * *OUT_LEN receives the decoded length. Returns LANDO_OK, or
 * LANDO_EBADBASE64 when the text is invalid; then *BAD_POS (may be NULL)
 * receives the offset in SRC of the first byte that makes it invalid, LEN
 * when the text ends in the middle of its padding, or LANDO_BASE64_NOPOS
 * when no single byte is to blame. DST may hold partial output after a
 * failure. LANDO_EINVAL for NULL pointers.
 */
LANDO_API lando_err_t
lando_base64_decode(void *dst, size_t *out_len, const char *src, size_t len,
                    size_t *bad_pos);

/** Length of the padded encoding of LEN bytes, without the NUL. */
LANDO_API size_t
lando_base64_encoded_len(size_t len);

/**
 * Encode LEN bytes of SRC with padding into DST, which has room for
 * lando_base64_encoded_len(LEN) + 1 bytes; the result is NUL-terminated.
 */
LANDO_API void
lando_base64_encode(char *dst, const void *src, size_t len);

/**
 * Decode into the invocation's arena. *OUT receives the decoded bytes
 * followed by a NUL that is not counted in *OUT_LEN, so text stays usable
 * as a C string while binary data keeps its NUL bytes. The memory dies
 * with the invocation. Returns LANDO_OK, LANDO_EBADBASE64 (with *BAD_POS
 * as for lando_base64_decode(); *OUT untouched), LANDO_EINVAL or
 * LANDO_ENOMEM. Records nothing on CTX: the caller decides whether the
 * failure is the client's.
 */
LANDO_API lando_err_t
lando_ctx_base64_decode(lando_ctx_t *ctx, const char *src, size_t len,
                        char **out, size_t *out_len, size_t *bad_pos);

/**
 * Encode LEN bytes of SRC into a NUL-terminated string in the invocation's
 * arena. Returns NULL only when memory runs out.
 */
LANDO_API char *
lando_ctx_base64_encode(lando_ctx_t *ctx, const void *src, size_t len);

#endif /* LANDO_CODEC_H */
