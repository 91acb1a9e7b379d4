/*
 * Definitions every lando header shares: the export tag, the version and
 * the small value types that cross unit boundaries.
 */
#ifndef LANDO_COMMON_H
#define LANDO_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LANDO_VERSION_MAJOR 0
#define LANDO_VERSION_MINOR 1
#define LANDO_VERSION_PATCH 0
#define LANDO_VERSION "0.1.0"

/*
 * lando is linked statically into each user module, which is built with
 * hidden visibility so that PyInit_libNAME is its only export. LANDO_API
 * therefore expands to nothing; it marks the public surface for readers
 * and leaves room for a shared build that would define it.
 */
#ifndef LANDO_API
#define LANDO_API
#endif

#if defined(__GNUC__)
#define LANDO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LANDO_EXPORT __attribute__((visibility("default")))
#else
#define LANDO_PRINTF(f, a)
#define LANDO_EXPORT
#endif

/** One invocation: its request, response, arena and store. */
typedef struct lando_ctx lando_ctx_t;
/** The application: routes, middleware and options, built once at import. */
typedef struct lando_app lando_app_t;
/** What the handler reads. Borrowed from the invocation. */
typedef struct lando_request lando_request_t;
/** What the handler writes. Borrowed from the invocation. */
typedef struct lando_response lando_response_t;
/** An ordered, multi-valued list of name/value pairs. */
typedef struct lando_fields lando_fields_t;

/** An error code; LANDO_OK (0) or one of error.h, or LANDO_EUSER + n. */
typedef int lando_err_t;

/**
 * One name/value pair of a header, query, cookie, form or parameter list.
 * Both strings are NUL-terminated and also carry their length, so a value
 * may hold NUL bytes when it came from a binary-safe source.
 */
typedef struct lando_field {
    const char *name;
    const char *value;
    uint32_t name_len;
    uint32_t value_len;
} lando_field_t;

#endif /* LANDO_COMMON_H */
