/*
 * Structured log lines: one JSON object per line, built in a fixed stack
 * buffer and written with one write(2), so a line never interleaves with
 * what Python writes to the same descriptor and logging never touches
 * the heap. Keys come in the order of the Lambda runtime's JSON format:
 * timestamp, level, message, requestId, then the caller's extra keys.
 *
 * A line that does not fit is cut at a character boundary, its open
 * string is closed and "truncated":true is appended, so every line is
 * valid JSON and valid UTF-8 (bytes that are not UTF-8 become U+FFFD).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define LINE_MAX_BYTES 8192
/* Kept free for the closing of a cut string and the truncation mark. */
#define LINE_RESERVE 32
#define MSG_MAX_BYTES 4096
/* The most one value or key may take inside its quotes: a few long values
 * still leave room for every other field of the line. */
#define VALUE_MAX_BYTES 1024
#define KEY_MAX_BYTES 128

static lando_log_level_t log_level = LANDO_LOG_INFO;
static int log_fd = 1;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN",
                                          "ERROR"};

lando_log_level_t
lando_log_level(void)
{
    return log_level;
}

void
lando_log_set_level(lando_log_level_t level)
{
    if (level >= LANDO_LOG_DEBUG && level <= LANDO_LOG_OFF) {
        log_level = level;
    }
}

static bool
ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a >= 'a' && *a <= 'z') ? (char)(*a - 32) : *a;

        if (ca != *b) {
            return false;
        }
    }
    return *a == *b;
}

lando_log_level_t
lando_log_level_parse(const char *text)
{
    if (!text) {
        return LANDO_LOG_INFO;
    }
    if (ieq(text, "DEBUG") || ieq(text, "TRACE")) {
        return LANDO_LOG_DEBUG;
    }
    if (ieq(text, "WARN") || ieq(text, "WARNING")) {
        return LANDO_LOG_WARN;
    }
    if (ieq(text, "ERROR") || ieq(text, "FATAL")) {
        return LANDO_LOG_ERROR;
    }
    return LANDO_LOG_INFO;
}

void
lando_log_level_from_env(void)
{
    const char *v = getenv("AWS_LAMBDA_LOG_LEVEL");

    if (v && *v) {
        log_level = lando_log_level_parse(v);
    }
}

void
lando_log_set_fd(int fd)
{
    log_fd = fd;
}

bool
lando_log_enabled(lando_log_level_t level)
{
    return log_fd >= 0 && level >= log_level && level < LANDO_LOG_OFF;
}

/* ---- the line buffer ------------------------------------------------ */

typedef struct line {
    char buf[LINE_MAX_BYTES];
    size_t len;
    size_t limit; /* LINE_MAX_BYTES - LINE_RESERVE */
    bool cut;     /* the line is full; add nothing more */
    bool trimmed; /* some value was shortened to its cap */
} line_t;

static bool
put(line_t *l, const char *s, size_t n)
{
    if (l->cut || n > l->limit - l->len) {
        l->cut = true;
        return false;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    return true;
}

static bool
puts_(line_t *l, const char *s)
{
    return put(l, s, strlen(s));
}

enum { STR_NONE, STR_CUT, STR_FULL };

/* Bytes that go into a JSON string as they are: printable ASCII except
 * the quote and the backslash. Everything else takes the slow path. */
static inline bool
plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Append N bytes of S to the line unless that would pass STOP, the end
 * of the current value. Running past the value's own cap is not running
 * out of line: only reaching the line's limit marks the line cut.
 */
static bool
put_upto(line_t *l, const char *s, size_t n, size_t stop)
{
    if (n > stop - l->len) {
        if (stop >= l->limit) {
            l->cut = true;
        }
        l->trimmed = true;
        return false;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    return true;
}

/*
 * Append S (N bytes) as a JSON string, quotes included, using at most MAX
 * bytes inside the quotes, so that one huge value (a 100 KB user agent)
 * cannot push every field after it out of the line. What does not fit is
 * cut at a character boundary and the string is still closed (the closing
 * quote may use the reserve). Returns STR_NONE when not even the opening
 * quote fit, STR_CUT or STR_FULL.
 */
static int
put_json_str(line_t *l, const char *s, size_t n, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    size_t stop;

    if (!put(l, "\"", 1)) {
        return STR_NONE;
    }
    stop = max < l->limit - l->len ? l->len + max : l->limit;
    while (i < n) {
        char esc[8];
        size_t len, out_len, run = i;
        const char *out;

        /* Copy the run of plain bytes in one step: most log text is. */
        while (run < n && plain(p[run])) {
            run++;
        }
        if (run > i) {
            if (!put_upto(l, (const char *)p + i, run - i, stop)) {
                /* Keep what fits of the run: it is plain ASCII. */
                size_t room = stop - l->len;

                memcpy(l->buf + l->len, p + i, room);
                l->len += room;
                i += room;
                break;
            }
            i = run;
            continue;
        }

        len = lando__utf8_seq(p + i, n - i);
        out = (const char *)p + i;
        out_len = len;
        if (len == 0) {
            out = "\\ufffd";
            out_len = 6;
            len = 1;
        } else if (len == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
            /* U+2028 and U+2029 are valid JSON, but line splitters such as
             * Python's splitlines() break lines there. */
            out = p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
            out_len = 6;
        } else if (p[i] == '"' || p[i] == '\\') {
            esc[0] = '\\';
            esc[1] = (char)p[i];
            out = esc;
            out_len = 2;
        } else if (p[i] == '\n') {
            out = "\\n";
            out_len = 2;
        } else if (p[i] == '\r') {
            out = "\\r";
            out_len = 2;
        } else if (p[i] == '\t') {
            out = "\\t";
            out_len = 2;
        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[p[i] >> 4];
            esc[5] = hex[p[i] & 0xf];
            out = esc;
            out_len = 6;
        }
        if (!put_upto(l, out, out_len, stop)) {
            break;
        }
        i += len;
    }
    l->buf[l->len++] = '"';
    return i == n ? STR_FULL : STR_CUT;
}

/* Append ,"KEY": and return true, or append nothing and return false. */
static bool
put_key(line_t *l, const char *key)
{
    size_t save = l->len;

    if (!key) {
        key = "";
    }
    if (put(l, ",", 1) &&
        put_json_str(l, key, strlen(key), KEY_MAX_BYTES) == STR_FULL &&
        put(l, ":", 1)) {
        return true;
    }
    l->len = save;
    l->cut = true;
    return false;
}

/* A string value after put_key(): a cut string is still valid JSON, but
 * a pair without a value is removed again. */
static void
put_str_pair(line_t *l, const char *key, const char *s, size_t n)
{
    size_t save = l->len;

    if (put_key(l, key) &&
        put_json_str(l, s, n, VALUE_MAX_BYTES) == STR_NONE) {
        l->len = save;
    }
}

/*
 * The "YYYY-MM-DDTHH:MM:SS part changes once a second while a warm
 * function logs many lines a second, so it is formatted once per second;
 * the milliseconds are written by hand.
 */
static void
put_timestamp(line_t *l)
{
    static time_t cached_sec = -1;
    static char cached[32];
    static size_t cached_len;
    struct timespec ts;
    char ms[6];
    int millis;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        puts_(l, "null");
        return;
    }
    if (ts.tv_sec != cached_sec) {
        struct tm tm;

        if (!gmtime_r(&ts.tv_sec, &tm)) {
            puts_(l, "null");
            return;
        }
        cached_len = strftime(cached, sizeof(cached),
                              "\"%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = ts.tv_sec;
    }
    millis = (int)(ts.tv_nsec / 1000000);
    ms[0] = '.';
    ms[1] = (char)('0' + millis / 100);
    ms[2] = (char)('0' + millis / 10 % 10);
    ms[3] = (char)('0' + millis % 10);
    ms[4] = 'Z';
    ms[5] = '"';
    put(l, cached, cached_len);
    put(l, ms, sizeof(ms));
}

static void
put_kv(line_t *l, const lando_log_kv_t *kv)
{
    size_t save = l->len;
    const char *text = NULL;
    char num[40];

    if (kv->type == LANDO_KV_STR && kv->v.s) {
        put_str_pair(l, kv->key, kv->v.s, strlen(kv->v.s));
        return;
    }

    switch (kv->type) {
    case LANDO_KV_INT:
        snprintf(num, sizeof(num), "%" PRId64, kv->v.i);
        text = num;
        break;
    case LANDO_KV_DOUBLE:
        if (isfinite(kv->v.d)) {
            /* Durations and the like: microsecond precision is plenty,
             * and %.17g would print 0.42399999999999999. */
            int k = snprintf(num, sizeof(num), "%.3f", kv->v.d);

            while (k > 1 && num[k - 1] == '0' && strchr(num, '.')) {
                num[--k] = '\0';
            }
            if (k > 0 && num[k - 1] == '.') {
                num[--k] = '\0';
            }
            text = num;
        }
        break;
    case LANDO_KV_BOOL:
        text = kv->v.b ? "true" : "false";
        break;
    default:
        break;
    }
    if (put_key(l, kv->key) && !puts_(l, text ? text : "null")) {
        l->len = save;
    }
}

/* Write all of BUF, retrying after signals; other errors are dropped,
 * since a log line must never fail a request. */
static void
write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static void
emit(lando_ctx_t *ctx, lando_log_level_t level, const lando_log_kv_t *kv,
     size_t n, const char *fmt, va_list ap)
{
    char msg[MSG_MAX_BYTES];
    const char *rid = NULL;
    bool msg_cut = false;
    line_t l;
    size_t i;
    int m;

    l.len = 0;
    l.limit = LINE_MAX_BYTES - LINE_RESERVE;
    l.cut = false;
    l.trimmed = false;

    msg[0] = '\0';
    m = fmt ? vsnprintf(msg, sizeof(msg), fmt, ap) : 0;
    if (m < 0) {
        m = 0;
        msg[0] = '\0';
    } else if ((size_t)m >= sizeof(msg)) {
        m = (int)sizeof(msg) - 1;
        msg_cut = true;
    }

    puts_(&l, "{\"timestamp\":");
    put_timestamp(&l);
    puts_(&l, ",\"level\":\"");
    puts_(&l, level_names[level]);
    puts_(&l, "\",\"message\":");
    put_json_str(&l, msg, (size_t)m, VALUE_MAX_BYTES);

    if (ctx) {
        rid = lando_ctx_request_id(ctx);
    }
    if (rid) {
        put_str_pair(&l, "requestId", rid, strlen(rid));
    }
    for (i = 0; i < n && !l.cut; i++) {
        put_kv(&l, &kv[i]);
    }

    /* The reserve always has room for this tail. */
    if (l.cut || l.trimmed || msg_cut) {
        memcpy(l.buf + l.len, ",\"truncated\":true", 17);
        l.len += 17;
    }
    l.buf[l.len++] = '}';
    l.buf[l.len++] = '\n';
    write_all(log_fd, l.buf, l.len);
}

void
lando_log(lando_ctx_t *ctx, lando_log_level_t level, const char *fmt, ...)
{
    va_list ap;

    if (!lando_log_enabled(level)) {
        return;
    }
    va_start(ap, fmt);
    emit(ctx, level, NULL, 0, fmt, ap);
    va_end(ap);
}

void
lando_log_kv(lando_ctx_t *ctx, lando_log_level_t level,
             const lando_log_kv_t *kv, size_t n, const char *fmt, ...)
{
    va_list ap;

    if (!lando_log_enabled(level)) {
        return;
    }
    va_start(ap, fmt);
    emit(ctx, level, kv, n, fmt, ap);
    va_end(ap);
}
