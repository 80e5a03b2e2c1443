/*
 * The log- and exp-based distributions, by inverse CDF from a fixed number
 * of words (stream contract 4): exponential, Laplace, logistic, Gumbel, and
 * the exp() that turns normals into lognormals.
 *
 * As in fi_transforms.h: plain IEEE + - * / and int <-> float conversions,
 * no branches, no libm, no fused multiply-add (-ffp-contract=off), so a
 * value is the same in every SIMD lane and in scalar code.  The logs are
 * fi_log32 / fi_log64; exp is written here (Cody and Waite's reduction, a
 * Taylor polynomial).
 *
 * One word per element for float32 / float16 / bfloat16 (computed in
 * float32, then rounded to the narrow format), two for float64 (read as one
 * little-endian uint64).  The uniform behind each draw is
 *     u = (w + 1/2) / 2^32   (float64: (x + 1/2) / 2^64),
 * never 0 or 1, and the variates are written in terms of whichever of u and
 * 1 - u is small, so both tails keep full relative precision:
 *
 *   exponential  E = -log(1 - u)                   in (1.2e-10, 22.9)   float64: (2.7e-20, 45.1)
 *   Laplace      +-log(2 min(u, 1-u)), sign of u - 1/2   |x| < 22.2     float64: < 44.4
 *   logistic     log(u / (1 - u))                  |x| < 22.9           float64: < 45.1
 *   Gumbel       -log(E)                           in (-3.14, 22.9)     float64: (-3.81, 45.1)
 *   value        loc + scale * variate  (exponential: loc = 0)
 *
 * A number (n + 1/2) / 2^32 needs 33 bits, more than a float holds: it is
 * formed as an exact sum hi + lo of two floats, rounded once to y, with the
 * rounding error t = (hi + lo) - y recovered exactly (Fast2Sum, Dekker 1971),
 * and folded into the log's argument reduction (fi_log_sum32).  That keeps
 * small exponentials (u near 0) accurate to a few ulp instead of to 2^-24
 * absolute.
 */
#ifndef FI_EXPONENTIAL_H
#define FI_EXPONENTIAL_H

/* Inlined whatever the size estimate: a call left in a tile loop stops the
 * loop from being vectorised (these are called from every ISA's kernels). */
#ifndef FI_INLINE
#define FI_INLINE inline __attribute__((always_inline))
#endif

#include <stdint.h>
#include "fi_elements.h"
#include "fi_transforms.h"

/* ------------------------------------------------------------ float32 --- */

/* log(hi + lo), hi and lo exact floats with hi = 0 or hi >= lo >= 0.  As
 * fi_log32 (x = 2^e m, log m = 2 atanh(s), s = (m - 1) / (m + 1), the same
 * series), with the rounding error t of y = hi + lo folded into s:
 * s = (m - 1 + t') / (m + 1 + t'), t' = t 2^-e exact, m - 1 exact (Sterbenz).
 * One division per value. */
static FI_INLINE float fi_log_sum32(float hi, float lo) {
    float y = hi + lo;
    float t = lo - (y - hi);
    uint32_t bits = fi_f32_bits(y);
    int32_t e = (int32_t)(bits >> 23) - 127;
    float m = fi_bits_f32((bits & 0x007FFFFFu) | 0x3F800000u);
    int32_t big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e += big;
    float t_m = t * fi_bits_f32((uint32_t)(127 - e) << 23);
    float s = ((m - 1.0f) + t_m) / ((m + 1.0f) + t_m);
    float s2 = s * s;
    float series = 1.0f + s2 * (0.333333333f + s2 * (0.2f + s2 * (0.142857143f + s2 * 0.111111111f)));
    float fe = (float)e;
    return fe * 0.693145751953125f + (fe * 1.428606765330187e-06f + 2.0f * s * series);
}

/* log((n + 1/2) / 2^32) */
static FI_INLINE float fi_log_word32(uint32_t n) {
    float hi = (float)(int32_t)(n >> 8) * 0x1p-24f;
    float lo = ((float)(int32_t)(n & 0xFFu) + 0.5f) * 0x1p-32f;
    return fi_log_sum32(hi, lo);
}

/* log((m + 1/2) / 2^31) for m < 2^31 */
static FI_INLINE float fi_log_half_word32(uint32_t m) {
    float hi = (float)(int32_t)(m >> 7) * 0x1p-24f;
    float lo = ((float)(int32_t)(m & 0x7Fu) + 0.5f) * 0x1p-31f;
    return fi_log_sum32(hi, lo);
}

/* E = -log(1 - u), 1 - u = (~w + 1/2) / 2^32: increasing in w.  The parts
 * of ~w are formed in float, exactly (2^24 - 1 - (w >> 8) and 255.5 -
 * (w & 255)): the integer ~ became AVX-512's vpternlogd, which also reads
 * its destination register, and GCC 12's register choice then chained each
 * loop iteration to the previous one (half the speed).  Same values, same
 * bits as fi_log_word32(~w). */
static FI_INLINE float fi_std_exponential32(uint32_t w) {
    float hi = (16777215.0f - (float)(int32_t)(w >> 8)) * 0x1p-24f;
    float lo = (255.5f - (float)(int32_t)(w & 0xFFu)) * 0x1p-32f;
    return -fi_log_sum32(hi, lo);
}

/* +-log(2 min(u, 1 - u)): exactly antisymmetric (w and ~w give -x and x) */
static FI_INLINE float fi_std_laplace32(uint32_t w) {
    int32_t upper = (int32_t)w < 0;               /* u > 1/2 */
    uint32_t m = upper ? ~w : w;                  /* min(u, 1-u) = (m + 1/2) / 2^32 */
    float l = fi_log_half_word32(m);              /* log(2 min(u, 1-u)) <= 0 */
    return upper ? -l : l;
}

/* The atanh series 2 d (1 + d^2/3 + ... + d^8/9) = log((1 + d) / (1 - d)),
 * to 2e-9 relative for d < 0.171875 (the range fi_log32 uses it on too). */
static FI_INLINE float fi_atanh2_series32(float d) {
    float d2 = d * d;
    return 2.0f * d * (1.0f + d2 * (0.333333333f + d2 * (0.2f + d2 * (0.142857143f + d2 * 0.111111111f))));
}

/* log(u / (1 - u)).  With r = min(u, 1 - u) and d = 1 - 2r, |logit| =
 * log((1 + d) / (1 - d)): by the series for small d (u near 1/2, where
 * the log of a ratio near 1 would lose relative precision), else by
 * log((2 - y) / y) with y = 2r = 1 - d formed from the word, exact in the
 * far tails. */
static FI_INLINE float fi_std_logistic32(uint32_t w) {
    int32_t upper = (int32_t)w < 0;
    uint32_t m = upper ? ~w : w;                  /* r = (m + 1/2) / 2^32, m < 2^31 */
    uint32_t k = 0x7FFFFFFFu - m;                 /* d = (k + 1/2) / 2^31 */
    float d = (float)(int32_t)(k >> 7) * 0x1p-24f + ((float)(int32_t)(k & 0x7Fu) + 0.5f) * 0x1p-31f;
    float y = (float)(int32_t)(m >> 7) * 0x1p-24f + ((float)(int32_t)(m & 0x7Fu) + 0.5f) * 0x1p-31f;
    float near = fi_atanh2_series32(d);
    float far = fi_log32((2.0f - y) / y);
    float a = d < 0.171875f ? near : far;
    return upper ? a : -a;
}

/* -log(E): E >= 2^-33 is a normal float, so fi_log32 applies */
static FI_INLINE float fi_std_gumbel32(uint32_t w) { return -fi_log32(fi_std_exponential32(w)); }

/* ------------------------------------------------------------ float64 --- */

/* As fi_log_sum32, in float64 with fi_log64's series (to s^20 / 21). */
static FI_INLINE double fi_log_sum64(double hi, double lo) {
    double y = hi + lo;
    double t = lo - (y - hi);
    uint64_t bits = fi_f64_bits(y);
    int32_t e = (int32_t)(bits >> 52) - 1023;
    double m = fi_bits_f64((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    int32_t big = m > 1.4142135623730951;
    m = big ? m * 0.5 : m;
    e += big;
    double t_m = t * fi_bits_f64((uint64_t)(int64_t)(1023 - e) << 52);
    double s = ((m - 1.0) + t_m) / ((m + 1.0) + t_m);
    double s2 = s * s;
    double series = 1.0 / 21.0;
    series = 1.0 / 19.0 + s2 * series;
    series = 1.0 / 17.0 + s2 * series;
    series = 1.0 / 15.0 + s2 * series;
    series = 1.0 / 13.0 + s2 * series;
    series = 1.0 / 11.0 + s2 * series;
    series = 1.0 / 9.0 + s2 * series;
    series = 1.0 / 7.0 + s2 * series;
    series = 1.0 / 5.0 + s2 * series;
    series = 1.0 / 3.0 + s2 * series;
    series = 1.0 + s2 * series;
    double fe = (double)e;
    return fe * 6.93147180369123816490e-01 + (fe * 1.90821492927058770002e-10 + 2.0 * s * series);
}

/* log((n + 1/2) / 2^64); the top 53 bits converted as two exact halves */
static FI_INLINE double fi_log_word64(uint64_t n) {
    double hi = ((double)(uint32_t)(n >> 32) * 0x1p21 + (double)((uint32_t)n >> 11)) * 0x1p-53;
    double lo = ((double)(uint32_t)(n & 0x7FFu) + 0.5) * 0x1p-64;
    return fi_log_sum64(hi, lo);
}

/* (m + 1/2) / 2^63 for m < 2^63, as an exact hi + lo */
static FI_INLINE double fi_half_word64_hi(uint64_t m) {
    return ((double)(uint32_t)(m >> 32) * 0x1p22 + (double)((uint32_t)m >> 10)) * 0x1p-53;
}
static FI_INLINE double fi_half_word64_lo(uint64_t m) {
    return ((double)(uint32_t)(m & 0x3FFu) + 0.5) * 0x1p-63;
}

/* As fi_std_exponential32: the parts of ~x formed exactly in double. */
static FI_INLINE double fi_std_exponential64(uint64_t x) {
    double high = 4294967295.0 - (double)(uint32_t)(x >> 32);
    double mid = 2097151.0 - (double)((uint32_t)x >> 11);
    double hi = (high * 0x1p21 + mid) * 0x1p-53;
    double lo = (2047.5 - (double)(uint32_t)(x & 0x7FFu)) * 0x1p-64;
    return -fi_log_sum64(hi, lo);
}

static FI_INLINE double fi_std_laplace64(uint64_t x) {
    int64_t upper = (int64_t)x < 0;
    uint64_t m = upper ? ~x : x;
    double l = fi_log_sum64(fi_half_word64_hi(m), fi_half_word64_lo(m));
    return upper ? -l : l;
}

/* 2 d (1 + d^2/3 + ... + d^20/21), to 1e-17 relative for d < 0.171875 */
static FI_INLINE double fi_atanh2_series64(double d) {
    double d2 = d * d;
    double s = 1.0 / 21.0;
    s = 1.0 / 19.0 + d2 * s;
    s = 1.0 / 17.0 + d2 * s;
    s = 1.0 / 15.0 + d2 * s;
    s = 1.0 / 13.0 + d2 * s;
    s = 1.0 / 11.0 + d2 * s;
    s = 1.0 / 9.0 + d2 * s;
    s = 1.0 / 7.0 + d2 * s;
    s = 1.0 / 5.0 + d2 * s;
    s = 1.0 / 3.0 + d2 * s;
    s = 1.0 + d2 * s;
    return 2.0 * d * s;
}

static FI_INLINE double fi_std_logistic64(uint64_t x) {
    int64_t upper = (int64_t)x < 0;
    uint64_t m = upper ? ~x : x;
    uint64_t k = 0x7FFFFFFFFFFFFFFFull - m;
    double d = fi_half_word64_hi(k) + fi_half_word64_lo(k);
    double y = fi_half_word64_hi(m) + fi_half_word64_lo(m);
    double near = fi_atanh2_series64(d);
    double far = fi_log64((2.0 - y) / y);
    double a = d < 0.171875 ? near : far;
    return upper ? a : -a;
}

static FI_INLINE double fi_std_gumbel64(uint64_t x) { return -fi_log64(fi_std_exponential64(x)); }

/* ---------------------------------------------------------------- exp --- */
/*
 * exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln 2 in [-0.347, 0.347]
 * with ln 2 split in a head whose product with k is exact and a tail (Cody
 * and Waite), exp(r) by its Taylor polynomial (degree 7 in float32: 5e-9
 * relative; degree 13 in float64: 5e-18).  2^k is applied as two powers of
 * two, 2^(k/2) then 2^(k - k/2), so results that are subnormal are rounded
 * once and overflow gives inf.  x is first clamped to where exp is 0 or inf
 * anyway.  round() is the add-and-subtract of 1.5 * 2^23 (2^52), exact in
 * round-to-nearest.
 */
static FI_INLINE float fi_exp32(float x) {
    x = x < -104.0f ? -104.0f : x;
    x = x > 89.0f ? 89.0f : x;
    float k = (x * 1.44269504f + 12582912.0f) - 12582912.0f;
    float r = (x - k * 0.693145751953125f) - k * 1.428606765330187e-06f;
    float p = 1.0f / 5040.0f;
    p = 1.0f / 720.0f + r * p;
    p = 1.0f / 120.0f + r * p;
    p = 1.0f / 24.0f + r * p;
    p = 1.0f / 6.0f + r * p;
    p = 0.5f + r * p;
    p = 1.0f + r * p;
    p = 1.0f + r * p;
    int32_t ki = (int32_t)k;
    int32_t k1 = ki >> 1, k2 = ki - k1;
    float s1 = fi_bits_f32((uint32_t)(k1 + 127) << 23);
    float s2 = fi_bits_f32((uint32_t)(k2 + 127) << 23);
    return (p * s1) * s2;
}

static FI_INLINE double fi_exp64(double x) {
    x = x < -746.0 ? -746.0 : x;
    x = x > 710.0 ? 710.0 : x;
    double k = (x * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0;
    double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
    double p = 1.0 / 6227020800.0;   /* 1/13! */
    p = 1.0 / 479001600.0 + r * p;   /* 1/12! */
    p = 1.0 / 39916800.0 + r * p;
    p = 1.0 / 3628800.0 + r * p;
    p = 1.0 / 362880.0 + r * p;
    p = 1.0 / 40320.0 + r * p;
    p = 1.0 / 5040.0 + r * p;
    p = 1.0 / 720.0 + r * p;
    p = 1.0 / 120.0 + r * p;
    p = 1.0 / 24.0 + r * p;
    p = 1.0 / 6.0 + r * p;
    p = 0.5 + r * p;
    p = 1.0 + r * p;
    p = 1.0 + r * p;
    int32_t ki = (int32_t)k;
    int32_t k1 = ki >> 1, k2 = ki - k1;
    double s1 = fi_bits_f64((uint64_t)(int64_t)(k1 + 1023) << 52);
    double s2 = fi_bits_f64((uint64_t)(int64_t)(k2 + 1023) << 52);
    return (p * s1) * s2;
}

/* ------------------------------------------------ element functions --- */
/* value = loc + scale * variate, in float32 for the 32- and 16-bit dtypes */
#define FI_DEFINE_LOG_ELEMS(NAME, STD32, STD64)                                                 \
    static FI_INLINE float fi_elem_##NAME##_f32(const uint32_t *b, int64_t i, const fi_affine32 *a) { \
        return a->loc + a->scale * STD32(b[i]);                                                 \
    }                                                                                           \
    static FI_INLINE double fi_elem_##NAME##_f64(const uint32_t *b, int64_t i, const fi_affine64 *a) { \
        return a->loc + a->scale * STD64(fi_word_pair(b, i));                                   \
    }                                                                                           \
    static FI_INLINE uint16_t fi_elem_##NAME##_f16(const uint32_t *b, int64_t i, const fi_affine32 *a) { \
        return fi_f32_to_f16(fi_elem_##NAME##_f32(b, i, a));                                    \
    }                                                                                           \
    static FI_INLINE uint16_t fi_elem_##NAME##_bf16(const uint32_t *b, int64_t i, const fi_affine32 *a) { \
        return fi_f32_to_bf16(fi_elem_##NAME##_f32(b, i, a));                                   \
    }
FI_DEFINE_LOG_ELEMS(exponential, fi_std_exponential32, fi_std_exponential64)
FI_DEFINE_LOG_ELEMS(laplace, fi_std_laplace32, fi_std_laplace64)
FI_DEFINE_LOG_ELEMS(logistic, fi_std_logistic32, fi_std_logistic64)
FI_DEFINE_LOG_ELEMS(gumbel, fi_std_gumbel32, fi_std_gumbel64)
#undef FI_DEFINE_LOG_ELEMS

#endif
