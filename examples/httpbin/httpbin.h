/*
 * What the files of the httpbin example share: the pieces of the echo
 * (echo.c), the random numbers (random.c) and the handlers each file
 * serves. Not part of lando's API; an example is free to split itself
 * like any application.
 */
#ifndef HTTPBIN_H
#define HTTPBIN_H

#include <lando/lando.h>

/* ---- echo.c: the request as JSON ------------------------------------- */

/** True when the LEN bytes at S are valid UTF-8. */
bool
httpbin_utf8_valid(const char *s, size_t len);

/** S as a JSON string, invalid UTF-8 replaced by U+FFFD; new reference,
 * NULL when memory runs out. */
json_t *
httpbin_text(lando_ctx_t *ctx, const char *s, size_t len);

/** S as a JSON string, or null when S is NULL. New reference. */
json_t *
httpbin_nullable(lando_ctx_t *ctx, const char *s);

/** {name: [values]} of F, names in lower case when LOWER. New
 * reference, NULL when memory runs out. */
json_t *
httpbin_multi_map(lando_ctx_t *ctx, const lando_fields_t *f, bool lower);

/** The request's headers as httpbin_multi_map(), names in lower case. */
json_t *
httpbin_headers(lando_ctx_t *ctx);

/** The query parameters as httpbin_multi_map(). */
json_t *
httpbin_args(lando_ctx_t *ctx);

/** The URL the client asked for, as well as it can be rebuilt. */
json_t *
httpbin_url(lando_ctx_t *ctx);

/** The body as text, or a data: URL of its base64 when not UTF-8. */
json_t *
httpbin_data(lando_ctx_t *ctx, const char *body, size_t len);

/** The body parsed as JSON, or null. */
json_t *
httpbin_json(const char *body, size_t len);

/** The fields of an urlencoded body, or {}. */
json_t *
httpbin_form(lando_ctx_t *ctx);

/**
 * The part of the public path in front of the routed path: the stage or
 * base path that API Gateway put there ("/prod"), or "". Redirects to
 * the app's own routes start with it, so that they work on every
 * deployment. Never NULL (an arena string, or "").
 */
const char *
httpbin_prefix(lando_ctx_t *ctx);

/**
 * Path parameter NAME, or NULL when it holds a NUL byte ("%00" in the
 * path), which C strings would silently cut short.
 */
const char *
httpbin_param(lando_ctx_t *ctx, const char *name);

/** True when the value of F holds a NUL byte, which C strings would cut
 * short without a word. */
bool
httpbin_has_nul(const lando_field_t *f);

/**
 * The decimal number that is all of the N bytes at S, when it is at
 * most MAX. False for anything else: signs, spaces, empty text.
 */
bool
httpbin_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);

/* ---- random.c: numbers that need not be secret ----------------------- */

/** Seed the process's generator from /dev/urandom; call once at setup. */
void
httpbin_random_init(void);

/** The next 64 bits of the process's generator. */
uint64_t
httpbin_random_next(void);

/**
 * One step of splitmix64 on *STATE: the generator behind /bytes?seed=,
 * specified exactly so that clients can reproduce its output.
 */
uint64_t
httpbin_splitmix64(uint64_t *state);

/* ---- the handlers ---------------------------------------------------- */

/* One line each: they all have the signature of lando_handler_fn. */

/* anything.c */
lando_err_t httpbin_anything(lando_ctx_t *ctx, void *data);

/* request.c: echoes of parts of the request */
lando_err_t httpbin_get(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_with_body(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_headers_echo(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_ip(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_user_agent(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_cache(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_gzip(lando_ctx_t *ctx, void *data);

/* response.c: responses shaped by the request */
lando_err_t httpbin_status(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_response_headers(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_redirect_to(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_cookies(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_cookies_set(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_cookies_delete(lando_ctx_t *ctx, void *data);

/* content.c: generated and fixed content */
lando_err_t httpbin_base64(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_bytes(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_uuid(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_json_sample(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_html(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_xml(lando_ctx_t *ctx, void *data);
lando_err_t httpbin_utf8_page(lando_ctx_t *ctx, void *data);

#endif /* HTTPBIN_H */
