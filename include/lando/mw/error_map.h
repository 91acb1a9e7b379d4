/*
 * The error_map middleware: turns a failure from the rest of the chain
 * (a handler's `return lando_fail(...)`, a router 404 or 405, a bad body)
 * into a response, then returns LANDO_OK. The failure stays recorded on
 * the invocation (lando_ctx_error), so logging outside still reports it.
 *
 * The default body is the same JSON lando answers with when no error_map
 * runs:
 *
 *     {"error": {"status": 404, "code": "not_found",
 *                "message": "no route matches the path"}}
 *
 * with `Allow` added for a 405. Headers set earlier stay, except
 * Content-Type, Content-Encoding and Content-Length, which describe the
 * body being replaced.
 *
 * What the client is told, in order of precedence:
 * - status: the status given to lando_fail_status() at the failure site;
 *   else a mapping's status for the code; else the code's default
 *   (error.h; 500 for unmapped user codes).
 * - code (the slug): a mapping's slug; else the table's slug for lando's
 *   own codes; else one derived from the status ("not_found",
 *   "conflict", "internal_error", ...; "client_error"/"server_error" for
 *   statuses without a name).
 * - message: a mapping's message; else, for a 4xx, the message given to
 *   lando_fail() (which error.h declares client-safe) or the table's;
 *   for a 5xx, a generic text: the table's message when the code is
 *   lando's and its own status is that 5xx other than 500 ("service
 *   unavailable", "the invocation ran out of time"), the internal
 *   message otherwise. Handlers' 500 texts and lando_fail_detail() stay
 *   in the logs.
 * - detail: only in debug mode, and then also the handler's own message
 *   for a 5xx.
 */
#ifndef LANDO_MW_ERROR_MAP_H
#define LANDO_MW_ERROR_MAP_H

#include <lando/lando.h>

/** How the application's own error code CODE is presented. */
typedef struct lando_error_mapping {
    lando_err_t code;    /* LANDO_EUSER + n, or one of lando's codes */
    int status;          /* 400..599; 0 keeps the code's status */
    const char *slug;    /* body "code"; NULL: as described above */
    const char *message; /* client text; NULL: as described above */
} lando_error_mapping_t;

/** A failure as error_map is about to present it. */
typedef struct lando_error_info {
    lando_err_t code;    /* the recorded code */
    int status;          /* the status to answer with */
    const char *slug;    /* never NULL */
    const char *message; /* client-safe, never NULL */
    const char *detail;  /* internal detail; NULL unless debug */
} lando_error_info_t;

/**
 * A custom error formatter: write the response for INFO into
 * lando_res(CTX) (status, headers, body) and return LANDO_OK. On any
 * other return the default body is written instead.
 */
typedef lando_err_t (*lando_error_format_fn)(lando_ctx_t *ctx,
                                             const lando_error_info_t *info,
                                             void *data);

typedef struct lando_error_map_options {
    /*
     * MAPPING_COUNT mappings for the application's codes; a code listed
     * twice uses the first. Copied at construction. Default none.
     */
    const lando_error_mapping_t *mappings;
    size_t mapping_count;
    /*
     * Called instead of the default answer when nothing serves the path
     * (LANDO_ENOTFOUND): it writes lando_res(ctx) like a handler, with
     * NOT_FOUND_DATA (borrowed; it must outlive the app). If it fails,
     * its failure is presented instead. Default NULL.
     */
    lando_handler_fn not_found;
    void *not_found_data;
    /*
     * Replaces the default JSON body for every failure, with FORMAT_DATA
     * (borrowed). Default NULL: the JSON body above.
     */
    lando_error_format_fn format;
    void *format_data;
    /*
     * Add "detail" (lando_fail_detail) to error bodies and show the
     * handler's own message for 5xx. For development stages only: it
     * shows internals to clients. Default false.
     */
    bool debug;
    /*
     * The message of 500 answers outside debug mode; copied. Default
     * NULL: "internal error".
     */
    const char *internal_message;
} lando_error_map_options_t;

/**
 * Make an error_map middleware from OPTS (NULL: every default). OPTS, its
 * mappings and their strings are copied. Returns LANDO_OK, LANDO_EINVAL
 * for NULL OUT, a mapping for LANDO_OK or a status outside 400..599, or
 * LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_mw_error_map(const lando_error_map_options_t *opts, lando_mw_t *out);

/**
 * Write the default answer for INFO into lando_res(CTX): status, the JSON
 * body above ("detail" only when INFO has one) and `Allow` for 405. For
 * custom formatters that wrap the default. Returns LANDO_OK or
 * LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_error_map_write(lando_ctx_t *ctx, const lando_error_info_t *info);

#endif /* LANDO_MW_ERROR_MAP_H */
