/*
 * Names, messages, slugs and statuses of the error codes, all generated
 * from the one table in error.h. Codes from LANDO_EUSER up belong to the
 * application; they are all "EUSER", 500 and "error" here, and the
 * error_map middleware gives them their own mapping.
 */
#include "internal.h"

typedef struct err_row {
    const char *name;
    const char *message;
    const char *slug;
    int status;
} err_row_t;

#define ROW(name, num, status, slug, msg) [num] = {#name, msg, slug, status},
static const err_row_t rows[] = {LANDO_ERROR_TABLE(ROW)};
#undef ROW

static const err_row_t user_row = {"EUSER", "application error", "error",
                                   500};
static const err_row_t unknown_row = {"EUNKNOWN", "unknown error",
                                      "internal_error", 500};

static const err_row_t *
row_of(lando_err_t err)
{
    if (err >= 0 && err < LANDO__ERR_COUNT) {
        return &rows[err];
    }
    if (err >= LANDO_EUSER) {
        return &user_row;
    }
    return &unknown_row;
}

const char *
lando_err_name(lando_err_t err)
{
    return row_of(err)->name;
}

const char *
lando_strerror(lando_err_t err)
{
    return row_of(err)->message;
}

const char *
lando_err_slug(lando_err_t err)
{
    return row_of(err)->slug;
}

int
lando_err_status(lando_err_t err)
{
    return row_of(err)->status;
}
