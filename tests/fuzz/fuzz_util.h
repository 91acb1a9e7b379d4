/*
 * Helpers shared by lando's libFuzzer harnesses: splitting one fuzz
 * input into several strings, and stopping loudly when a property the
 * harness checks does not hold (libFuzzer then saves the input).
 */
#ifndef LANDO_FUZZ_UTIL_H
#define LANDO_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stop with a message: the input broke a property, not just the code. */
#define FUZZ_CHECK(cond)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "fuzz: property failed at %s:%d: %s\n",          \
                    __FILE__, __LINE__, #cond);                              \
            abort();                                                         \
        }                                                                    \
    } while (0)

/*
 * A cursor over the fuzz input that hands out NUL-terminated copies of
 * its pieces, cut at SEP. Pieces live until fuzz_pieces_free().
 */
typedef struct fuzz_pieces {
    const uint8_t *p;
    const uint8_t *end;
    char *buf; /* all pieces, each followed by a NUL */
    char *w;
    int done;
} fuzz_pieces_t;

static inline int
fuzz_pieces_init(fuzz_pieces_t *fp, const uint8_t *data, size_t size)
{
    fp->p = data;
    fp->end = data + size;
    fp->buf = malloc(size + 64);
    fp->w = fp->buf;
    fp->done = 0;
    return fp->buf ? 0 : -1;
}

/* The next piece up to SEP (or the end), with its length in *LEN; NULL
 * when the input is used up. The piece may hold NUL bytes. */
static inline char *
fuzz_pieces_next(fuzz_pieces_t *fp, uint8_t sep, size_t *len)
{
    const uint8_t *q;
    size_t n;
    char *out;

    if (fp->done) {
        return NULL;
    }
    q = memchr(fp->p, sep, (size_t)(fp->end - fp->p));
    n = q ? (size_t)(q - fp->p) : (size_t)(fp->end - fp->p);
    out = fp->w;
    memcpy(out, fp->p, n);
    out[n] = '\0';
    fp->w += n + 1;
    if (q) {
        fp->p = q + 1;
    } else {
        fp->done = 1;
    }
    if (len) {
        *len = n;
    }
    return out;
}

static inline void
fuzz_pieces_free(fuzz_pieces_t *fp)
{
    free(fp->buf);
}

#endif /* LANDO_FUZZ_UTIL_H */
