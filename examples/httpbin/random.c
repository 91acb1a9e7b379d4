/*
 * Random numbers for /bytes, /uuid and weighted /status: splitmix64
 * (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", 2014), a 64-bit state advanced by a fixed odd constant
 * and mixed on output. It is fast, needs no library and is easy to
 * reproduce in any language, which /bytes?seed= promises:
 *
 *     state += 0x9e3779b97f4a7c15
 *     z = state
 *     z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
 *     z = (z ^ (z >> 27)) * 0x94d049bb133111eb
 *     return z ^ (z >> 31)                  (all arithmetic mod 2^64)
 *
 * None of this is fit for secrets, and httpbin has none.
 *
 * The process's generator is seeded once, at setup, from /dev/urandom.
 * getrandom() and arc4random() would be simpler, but they need a newer
 * glibc than the oldest Lambda Python runtime ships (2.26). Its state is
 * one static word: an example module is loaded once per process and
 * never unloaded, and Lambda runs one invocation at a time per process,
 * so there is no one to share it with.
 */
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "httpbin.h"

static uint64_t state;

uint64_t
httpbin_splitmix64(uint64_t *s)
{
    uint64_t z;

    *s += UINT64_C(0x9e3779b97f4a7c15);
    z = *s;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void
httpbin_random_init(void)
{
    unsigned char buf[sizeof(state)];
    struct timespec ts;
    ssize_t got = -1;
    int fd;

    fd = open("/dev/urandom", O_RDONLY);
    if (fd >= 0) {
        got = read(fd, buf, sizeof(buf));
        close(fd);
    }
    if (got == (ssize_t)sizeof(buf)) {
        state = 0;
        for (size_t i = 0; i < sizeof(buf); i++) {
            state = (state << 8) | buf[i];
        }
        return;
    }

    /* No /dev/urandom (a locked-down container): the clock and the
     * process id still make two processes differ. */
    clock_gettime(CLOCK_REALTIME, &ts);
    state = (uint64_t)ts.tv_sec * UINT64_C(1000000007) ^ (uint64_t)ts.tv_nsec ^
            ((uint64_t)getpid() << 32);
}

uint64_t
httpbin_random_next(void)
{
    return httpbin_splitmix64(&state);
}
