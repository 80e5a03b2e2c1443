/*
 * Dumps what fastinit's C kernels compute, for comparing builds byte for byte
 * (scripts/cross_check.sh: x86-64 against arm64 and s390x under qemu-user,
 * GCC against clang).  Built from fastinit/src/fi_kernels.c alone: no Python.
 *
 *   kernel_dump OUT.bin > OUT.txt
 *
 * For every (kind, dtype) and parameter set: fills of many sizes (1 element
 * to past the 1 MiB streaming threshold, across tile and vector-block edges)
 * at many stream offsets (every word offset inside a Philox block, block
 * counters that carry into their high 32 bits), the element transforms on
 * extreme words (fi_transform_words: 0, 2^31, 2^32 - 1, ...), and float64
 * normals whose words fall in PPND16's far tail (found by running Philox
 * backwards).  Every fill is made on every instruction set this machine has
 * (scalar, sse2, avx2, avx512 / scalar, neon); any difference between them
 * ends the program with status 1.  The values go to OUT.bin as little-endian
 * bytes whatever the machine's byte order; stdout gets one line per record
 * (what it is, and a 64-bit FNV-1a hash of its bytes) to say where two dumps
 * differ.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fi_kernels.h"

static const char *const dtype_names[FI_NDTYPES] = {"u32", "f32", "f64", "f16", "bf16",
                                                    "u8", "u16", "u64"};
static const int dtype_sizes[FI_NDTYPES] = {4, 4, 8, 2, 2, 1, 2, 8};
/* a new dtype must be named above (the dump would print a null name) */
typedef char dtype_tables_cover_every_dtype[FI_NDTYPES == 8 ? 1 : -1];

/* Parameter sets, as fastinit passes them (fastinit._methods' kernel_params
 * for each dtype; truncnorm ones from fastinit._truncnorm.truncnorm_params).
 * The float32 family shares one set unless float16 / bfloat16 have their own:
 * from stream version 3 the 16-bit uniforms are clamped to the dtype's values
 * in [low, high) (random: below 1), and every truncnorm to the bounds
 * representable in its dtype. */
typedef struct {
    const char *name;
    int kind;
    fi_params narrow, f64; /* for float32 (and 16-bit when own16 is 0), and for float64 */
    int own16;
    fi_params f16, bf16;
} method;

/* loc, scale and the bounds the uniforms are clamped to (+-inf: none) */
#define AFFINE(loc, scale, lo, hi) {loc, scale, 0, 0, 0, 0, lo, hi}
#define UNBOUNDED(loc, scale) AFFINE(loc, scale, -HUGE_VAL, HUGE_VAL)
/* integers: low (modulo 2^64) and the number of values (0: all 2^64) */
#define BOUNDED(low, range) {0, 0, 0, 0, 0, 0, -HUGE_VAL, HUGE_VAL, low, range}
#define TRUNC(loc, scale, p_lo, pc_lo, width, flip, lo, hi) {loc, scale, p_lo, pc_lo, width, flip, lo, hi}
static const method methods[] = {
    {"raw", FI_RAW, UNBOUNDED(0, 0), UNBOUNDED(0, 0), 0, {0}, {0}},
    /* 16-bit: [0, 1 - 2^-11] and [0, 1 - 2^-8] */
    {"random", FI_UNIFORM, UNBOUNDED(0.0, 1.0), UNBOUNDED(0.0, 1.0), 1,
     AFFINE(0.0, 1.0, 0.0, 0x1.ffcp-1), AFFINE(0.0, 1.0, 0.0, 0x1.fep-1)},
    {"uniform(-3,5)", FI_UNIFORM, AFFINE(-3.0, 8.0, -3.0, 5.0), AFFINE(-3.0, 8.0, -3.0, 5.0), 1,
     AFFINE(-3.0, 8.0, -3.0, 0x1.3fcp+2), AFFINE(-3.0, 8.0, -3.0, 0x1.3ep+2)},
    /* bounds that round outward in float32: the clamp decides the edges */
    {"uniform(0.1,0.3)", FI_UNIFORM, AFFINE(0.1, 0.2, 0x1.99999ap-4, 0x1.333332p-2),
     AFFINE(0.1, 0.2, 0.1, 0.3), 1,
     AFFINE(0.1, 0.2, 0x1.99cp-4, 0x1.33p-2), AFFINE(0.1, 0.2, 0x1.9ap-4, 0x1.32p-2)},
    {"standard_normal", FI_NORMAL, UNBOUNDED(0.0, 1.0), UNBOUNDED(0.0, 1.0), 0, {0}, {0}},
    {"normal(1.5,0.02)", FI_NORMAL, UNBOUNDED(1.5, 0.02), UNBOUNDED(1.5, 0.02), 0, {0}, {0}},
    /* loc 0, scale 0.02, a = -0.04, b = 0.03 */
    {"truncnorm(-2,1.5)", FI_TRUNCNORM,
     TRUNC(0x0p+0, 0x1.47ae147ae147bp-6, 0x1.74bcf82c9d863p-6, 0x1.f45a183e9b13dp-1,
           0x1.d2258a8d6e83fp-1, 1.0, -0x1.47ae140000000p-5, 0x1.eb851e0000000p-6),
     TRUNC(0x0p+0, 0x1.47ae147ae147bp-6, 0x1.74bcf82c9d863p-6, 0x1.f45a183e9b13dp-1,
           0x1.d2258a8d6e83fp-1, 1.0, -0x1.47ae147ae147bp-5, 0x1.eb851eb851eb8p-6), 1,
     TRUNC(0x0p+0, 0x1.47ae147ae147bp-6, 0x1.74bcf82c9d863p-6, 0x1.f45a183e9b13dp-1,
           0x1.d2258a8d6e83fp-1, 1.0, -0x1.478p-5, 0x1.eb8p-6),
     TRUNC(0x0p+0, 0x1.47ae147ae147bp-6, 0x1.74bcf82c9d863p-6, 0x1.f45a183e9b13dp-1,
           0x1.d2258a8d6e83fp-1, 1.0, -0x1.46p-5, 0x1.eap-6)},
    /* loc 1, scale 2, a = 11, b = 1e30: 5 sigma and up, sampled mirrored */
    {"truncnorm(5,inf)", FI_TRUNCNORM,
     TRUNC(1.0, 2.0, 0.0, 1.0, 0x1.33ca2f213383ep-22, -1.0, 0x1.6p+3, 0x1.93e5920000000p+99),
     TRUNC(1.0, 2.0, 0.0, 1.0, 0x1.33ca2f213383ep-22, -1.0, 0x1.6p+3, 0x1.93e5939a08ceap+99), 1,
     TRUNC(1.0, 2.0, 0.0, 1.0, 0x1.33ca2f213383ep-22, -1.0, 0x1.6p+3, 0x1.ffcp+15),
     TRUNC(1.0, 2.0, 0.0, 1.0, 0x1.33ca2f213383ep-22, -1.0, 0x1.6p+3, 0x1.92p+99)},
    /* loc 0, scale 1, a = -3, b = -2.5 (bounds exact in every dtype) */
    {"truncnorm(-3,-2.5)", FI_TRUNCNORM,
     TRUNC(0.0, 1.0, 0x1.61de1f985b5dcp-10, 0x1.ff4f10f033d25p-1, 0x1.3e7d5d9832f72p-8, 1.0, -3.0, -2.5),
     TRUNC(0.0, 1.0, 0x1.61de1f985b5dcp-10, 0x1.ff4f10f033d25p-1, 0x1.3e7d5d9832f72p-8, 1.0, -3.0, -2.5),
     0, {0}, {0}},
    /* the fast NumPy methods: integers at awkward ranges, the log-based ones */
    {"integers[0,1000)", FI_INTEGERS, BOUNDED(0, 1000), BOUNDED(0, 1000), 0, {0}, {0}},
    {"integers[-5,2^31-1]", FI_INTEGERS, BOUNDED(0xFFFFFFFFFFFFFFFBull, 0x80000004ull),
     BOUNDED(0xFFFFFFFFFFFFFFFBull, 0x80000004ull), 0, {0}, {0}},
    {"integers[0,2^62+1)", FI_INTEGERS, BOUNDED(0, 0x4000000000000001ull),
     BOUNDED(0, 0x4000000000000001ull), 0, {0}, {0}},
    {"integers full", FI_INTEGERS, BOUNDED(0, 0), BOUNDED(0, 0), 0, {0}, {0}},
    {"standard_exponential", FI_EXPONENTIAL, UNBOUNDED(0.0, 1.0), UNBOUNDED(0.0, 1.0), 0, {0}, {0}},
    {"laplace(0.5,2)", FI_LAPLACE, UNBOUNDED(0.5, 2.0), UNBOUNDED(0.5, 2.0), 0, {0}, {0}},
    {"logistic(-1,0.5)", FI_LOGISTIC, UNBOUNDED(-1.0, 0.5), UNBOUNDED(-1.0, 0.5), 0, {0}, {0}},
    {"gumbel(0,1)", FI_GUMBEL, UNBOUNDED(0.0, 1.0), UNBOUNDED(0.0, 1.0), 0, {0}, {0}},
};
#define NMETHODS (int)(sizeof methods / sizeof methods[0])

static const fi_params *params_for(const method *m, int dtype) {
    if (dtype == FI_F64) return &m->f64;
    if (m->own16 && dtype == FI_F16) return &m->f16;
    if (m->own16 && dtype == FI_BF16) return &m->bf16;
    return &m->narrow;
}

/* Sizes around every vector width, normal block, tile (2048 words) and the
 * tile's multiples; offsets inside a Philox block and past 2^32 blocks. */
static const int64_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                                127, 128, 129, 255, 257, 1023, 1025, 2047, 2048, 2049, 4095,
                                4097, 6151, 20011};
static const uint64_t offsets[] = {0, 1, 2, 3, 5, 6, 7, 13, 64 + 3, 4096 + 2,
                                   4 * 0xFFFFFFFFull - 6,        /* block counter carries */
                                   (1ull << 62) + 1, UINT64_MAX - 70000};
#define NSIZES (int)(sizeof sizes / sizeof sizes[0])
#define NOFFSETS (int)(sizeof offsets / sizeof offsets[0])

static FILE *dump;
static long records, bytes_written;
static int n_isas;

static uint64_t fnv1a(const unsigned char *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Append n elements of `size` bytes, little-endian, and a manifest line. */
static void record(const char *what, const void *values, int64_t n, int size) {
    size_t total = (size_t)n * (size_t)size;
    unsigned char *le = malloc(total ? total : 1);
    if (!le) { perror("malloc"); exit(2); }
    memcpy(le, values, total);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (size_t i = 0; i < total; i += (size_t)size)
        for (int a = 0, b = size - 1; a < b; a++, b--) {
            unsigned char t = le[i + a]; le[i + a] = le[i + b]; le[i + b] = t;
        }
#endif
    if (fwrite(le, 1, total, dump) != total) { perror("fwrite"); exit(2); }
    printf("%ld %s %016" PRIx64 "\n", records, what, fnv1a(le, total));
    free(le);
    records++;
    bytes_written += (long)total;
}

/* One fill on every instruction set; they must agree.  Recorded once. */
static void fill_all_isas(const char *what, int kind, int dtype, const fi_stream *s,
                          uint64_t word0, int64_t n, const fi_params *p) {
    size_t total = (size_t)n * (size_t)dtype_sizes[dtype];
    /* 64 guard bytes on each side, which must stay untouched */
    unsigned char *first = NULL;
    for (int isa = 0; isa < n_isas; isa++) {
        if (fi_isa_set(isa) != isa) { fprintf(stderr, "cannot select isa %d\n", isa); exit(2); }
        unsigned char *buf = malloc(total + 2 * 64 + 8);
        if (!buf) { perror("malloc"); exit(2); }
        memset(buf, 0xA5, total + 2 * 64 + 8);
        /* vector-aligned, or one element off (as a NumPy slice can be) */
        unsigned char *out = buf + 64 + (isa & 1) * dtype_sizes[dtype];
        if (fi_fill(kind, dtype, s, word0, n, out, p) != 0) {
            fprintf(stderr, "fi_fill refused %s\n", what);
            exit(2);
        }
        for (int g = 0; g < 64; g++)
            if (out[-1 - g] != 0xA5 || out[total + (size_t)g] != 0xA5) {
                fprintf(stderr, "DIFFERENCE: %s on %s wrote outside its output\n", what,
                        fi_isa_name(isa));
                exit(1);
            }
        if (!first) {
            first = malloc(total ? total : 1);
            memcpy(first, out, total);
        } else if (memcmp(first, out, total) != 0) {
            fprintf(stderr, "DIFFERENCE: %s: %s differs from %s\n", what, fi_isa_name(isa),
                    fi_isa_name(0));
            exit(1);
        }
        free(buf);
    }
    record(what, first, n, dtype_sizes[dtype]);
    free(first);
}

/* Philox4x32-10 run backwards: the counter whose block under `key` is `out`
 * (the low half of M * c gives c back through M's inverse modulo 2^32). */
static uint32_t inverse_mod_2_32(uint32_t m) {
    uint32_t inv = m; /* Newton: correct to 3, 6, 12, 24, 48 bits */
    for (int i = 0; i < 4; i++) inv *= 2u - m * inv;
    return inv;
}
static void philox_counter_for(const uint32_t out[4], const uint32_t key[2], uint32_t ctr[4]) {
    uint32_t n0 = out[0], n1 = out[1], n2 = out[2], n3 = out[3];
    for (int round = FI_PHILOX_ROUNDS - 1; round >= 0; round--) {
        uint32_t k0 = key[0] + (uint32_t)round * FI_PHILOX_W0;
        uint32_t k1 = key[1] + (uint32_t)round * FI_PHILOX_W1;
        uint32_t c2 = n1 * inverse_mod_2_32(FI_PHILOX_M1);
        uint32_t c0 = n3 * inverse_mod_2_32(FI_PHILOX_M0);
        uint32_t c1 = n0 ^ (uint32_t)(((uint64_t)FI_PHILOX_M1 * c2) >> 32) ^ k0;
        uint32_t c3 = n2 ^ (uint32_t)(((uint64_t)FI_PHILOX_M0 * c0) >> 32) ^ k1;
        n0 = c0, n1 = c1, n2 = c2, n3 = c3;
    }
    ctr[0] = n0, ctr[1] = n1, ctr[2] = n2, ctr[3] = n3;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s OUT.bin > OUT.txt\n", argv[0]); return 2; }
    dump = fopen(argv[1], "wb");
    if (!dump) { perror(argv[1]); return 2; }
    if (fi_build_contracts()) {
        fprintf(stderr, "DIFFERENCE: this build contracts a * b - c into a fused multiply-add\n");
        return 1;
    }
    n_isas = fi_isa_best() + 1;
    fprintf(stderr, "kernel_dump: instruction sets");
    for (int isa = 0; isa < n_isas; isa++) fprintf(stderr, " %s", fi_isa_name(isa));
    fprintf(stderr, "\n");

    const fi_stream s = {{0x9E3779B9u, 0x243F6A88u}, {0x85A308D3u, 7u}};
    char what[160];
    for (int m = 0; m < NMETHODS; m++) {
        for (int dtype = 0; dtype < FI_NDTYPES; dtype++) {
            int kind = methods[m].kind;
            if (!fi_words_per_element(kind, dtype)) continue;
            const fi_params *p = params_for(&methods[m], dtype);
            const char *name = methods[m].name, *dt = dtype_names[dtype];
            for (int i = 0; i < NSIZES; i++)
                for (uint64_t word0 = 0; word0 < 4; word0 += 3) {
                    snprintf(what, sizeof what, "fill %s %s n=%" PRId64 " word0=%" PRIu64, name,
                             dt, sizes[i], word0);
                    fill_all_isas(what, kind, dtype, &s, word0, sizes[i], p);
                }
            for (int j = 0; j < NOFFSETS; j++) {
                snprintf(what, sizeof what, "fill %s %s n=4099 word0=%" PRIu64, name, dt, offsets[j]);
                fill_all_isas(what, kind, dtype, &s, offsets[j], 4099, p);
            }
            /* past the 1 MiB non-temporal-store threshold (plus a ragged end) */
            int64_t big = (1 << 20) / dtype_sizes[dtype] + 7;
            snprintf(what, sizeof what, "fill %s %s n=%" PRId64 " word0=1 (streamed)", name, dt, big);
            fill_all_isas(what, kind, dtype, &s, 1, big, p);
        }
    }

    /* Transforms of chosen words: both ends of [0, 2^32), the middle, powers
     * of two, and a spread of others (a 32-bit LCG). */
    enum { NWORDS = 4096 };
    static uint32_t words[NWORDS];
    int nw = 0;
    const uint32_t special[] = {0, 1, 2, 3, 0x7FFFFFFFu, 0x80000000u, 0x80000001u, 0xFFFFFFFEu,
                                0xFFFFFFFFu, 0x00000100u, 0xFFFFFEFFu, 0x0001FFFFu};
    for (unsigned i = 0; i < sizeof special / sizeof special[0]; i++) words[nw++] = special[i];
    for (int b = 0; b < 32; b++) words[nw++] = 1u << b, words[nw++] = ~(1u << b);
    for (uint32_t x = 12345u; nw < NWORDS; ) words[nw++] = x = x * 1664525u + 1013904223u;
    static unsigned char out[NWORDS * 8];
    for (int m = 0; m < NMETHODS; m++) {
        for (int dtype = 0; dtype < FI_NDTYPES; dtype++) {
            int kind = methods[m].kind;
            if (kind == FI_RAW || !fi_words_per_element(kind, dtype)) continue;
            const fi_params *p = params_for(&methods[m], dtype);
            int64_t n = NWORDS / fi_words_per_element(kind, dtype);
            if (fi_transform_words(kind, dtype, words, n, out, p) != 0) {
                fprintf(stderr, "fi_transform_words refused %s\n", methods[m].name);
                return 2;
            }
            snprintf(what, sizeof what, "transform %s %s (chosen words)", methods[m].name,
                     dtype_names[dtype]);
            record(what, out, n, dtype_sizes[dtype]);
        }
    }

    /* float64 normals from far-tail words inside fills (x = 5 and
     * x = 2^64 - 16: p about 3e-19 and 1 - 9e-19), mid-tile. */
    const uint32_t far[4] = {5, 0, 0xFFFFFFF0u, 0xFFFFFFFFu};
    const uint32_t key[2] = {0x12345678u, 0x9ABCDEF0u};
    uint32_t ctr[4], check[4];
    philox_counter_for(far, key, ctr);
    fi_philox4x32_10(ctr, key, check);
    if (memcmp(check, far, sizeof far) != 0) { fprintf(stderr, "inverse Philox is wrong\n"); return 2; }
    const fi_stream tail_stream = {{key[0], key[1]}, {ctr[2], ctr[3]}};
    uint64_t block = (uint64_t)ctr[0] | (uint64_t)ctr[1] << 32;
    fill_all_isas("fill standard_normal f64 far tail at elements 600, 601", FI_NORMAL, FI_F64,
                  &tail_stream, 4 * (block - 300), 1001, &methods[4].f64);

    fclose(dump);
    fprintf(stderr, "kernel_dump: %ld records, %ld bytes, every instruction set identical\n",
            records, bytes_written);
    return 0;
}
