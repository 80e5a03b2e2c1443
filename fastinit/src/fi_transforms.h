/*
 * Per-element transforms from stream words to values.
 *
 * Every function here is plain IEEE arithmetic (+ - * /, sqrt, conversions)
 * written without branches, so that
 *   - the auto-vectoriser turns the tile loops of fi_kernels_impl.h into SIMD,
 *   - a value is the same whether computed in a SIMD lane or in scalar code
 *     (the build uses -ffp-contract=off: no fused multiply-add anywhere, and
 *     never -ffast-math), and
 *   - no libm call is made (scalar and vector libm variants round differently).
 *
 * Consumption (stream contract 3): every float32/float16/bfloat16 element
 * uses exactly one 32-bit word, every float64 element exactly two (read as
 * one little-endian uint64: first word low).
 */
#ifndef FI_TRANSFORMS_H
#define FI_TRANSFORMS_H

#include <stdint.h>
#include <string.h>

static inline uint32_t fi_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float fi_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint64_t fi_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline double fi_bits_f64(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

static inline uint64_t fi_word_pair(const uint32_t *buf, int64_t i) {
    return (uint64_t)buf[2 * i] | ((uint64_t)buf[2 * i + 1] << 32);
}

/* ---------------------------------------------------------------- log --- */
/*
 * Natural log of a positive, normal float: x = 2^e * m with m in
 * [sqrt(1/2), sqrt(2)), log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.1716,
 * by its Taylor series 2s(1 + s^2/3 + s^4/5 + ...).  Truncated where the next
 * term is below the format's precision: after s^8/9 (error < 3e-9) for
 * float32, after s^20/21 (error < 3e-17) for float64.  ln 2 is split in a
 * short head (exact product with e) and a tail, as in fdlibm.
 */
static inline float fi_log32(float x) {
    uint32_t bits = fi_f32_bits(x);
    int32_t e = (int32_t)(bits >> 23) - 127;
    float m = fi_bits_f32((bits & 0x007FFFFFu) | 0x3F800000u);
    int32_t big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e += big;
    float s = (m - 1.0f) / (m + 1.0f);
    float s2 = s * s;
    float series = 1.0f + s2 * (0.333333333f + s2 * (0.2f + s2 * (0.142857143f + s2 * 0.111111111f)));
    float fe = (float)e;
    return fe * 0.693145751953125f + (fe * 1.428606765330187e-06f + 2.0f * s * series);
}

static inline double fi_log64(double x) {
    uint64_t bits = fi_f64_bits(x);
    int32_t e = (int32_t)(bits >> 52) - 1023;
    double m = fi_bits_f64((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    int32_t big = m > 1.4142135623730951;
    m = big ? m * 0.5 : m;
    e += big;
    double s = (m - 1.0) / (m + 1.0);
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

/* --------------------------------------------------- inverse normal CDF --- */
/*
 * Wichura, "Algorithm AS 241: The percentage points of the normal
 * distribution", Applied Statistics 37(3), 1988.  PPND7 (about 1e-7
 * relative) for float32, PPND16 (about 1e-16) for float64.  The published
 * coefficients are used as they are.
 *
 * Input is split so that both parts keep full relative precision:
 *   q = p - 1/2           (used where |q| <= 0.425)
 *   r = min(p, 1 - p) > 0 (used in the tails)
 * All regions are evaluated and the right one selected, so the function has
 * no branches and vectorises.  That includes PPND's far region, t > 5 (r
 * below e^-25), which truncated normals in far tails reach.
 */
static inline float fi_ndtri32(float q, float r) {
    /* Each region is a rational P/Q; numerator and denominator are picked per
     * lane before the one division (a division costs as much as ten adds). */
    float rr = 0.180625f - q * q;
    float num_c = q * (((59.10937472f * rr + 159.29113202f) * rr + 50.434271938f) * rr + 3.3871327179f);
    float den_c = ((67.1875636f * rr + 78.757757664f) * rr + 17.895169469f) * rr + 1.0f;
    float t = __builtin_sqrtf(-fi_log32(r));
    float t1 = t - 1.6f;
    float num_t = ((0.17023821103f * t1 + 1.3067284816f) * t1 + 2.75681539f) * t1 + 1.4234372777f;
    float den_t = (0.1202113297f * t1 + 0.7370016425f) * t1 + 1.0f;
    float t2 = t - 5.0f;
    float num_f = ((0.017337203997f * t2 + 0.42868294337f) * t2 + 3.081226386f) * t2 + 6.657905115f;
    float den_f = (0.012258202635f * t2 + 0.24197894225f) * t2 + 1.0f;
    num_t = t > 5.0f ? num_f : num_t;
    den_t = t > 5.0f ? den_f : den_t;
    num_t = q < 0.0f ? -num_t : num_t;
    int central = q <= 0.425f && q >= -0.425f;
    return (central ? num_c : num_t) / (central ? den_c : den_t);
}

#define FI_POLY7(c0, c1, c2, c3, c4, c5, c6, c7, x) \
    (((((((c7 * (x) + c6) * (x) + c5) * (x) + c4) * (x) + c3) * (x) + c2) * (x) + c1) * (x) + c0)

/* As fi_ndtri32, in float64 with PPND16.  (fi_normal64.h's vector blocks
 * leave the far region out and send those draws here.) */
static inline double fi_ndtri64(double q, double r) {
    double rr = 0.180625 - q * q;
    double num_c = q * FI_POLY7(3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                                1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                3.3430575583588128105e+4, 2.5090809287301226727e+3, rr);
    double den_c = FI_POLY7(1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
                            5.3941960214247511077e+3, 2.1213794301586595867e+4, 3.9307895800092710610e+4,
                            2.8729085735721942674e+4, 5.2264952788528545610e+3, rr);
    double t = __builtin_sqrt(-fi_log64(r));
    double t1 = t - 1.6;
    double num_t = FI_POLY7(1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                            3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                            2.27238449892691845833e-2, 7.74545014278341407640e-4, t1);
    double den_t = FI_POLY7(1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
                            6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2,
                            5.47593808499534494600e-4, 1.05075007164441684324e-9, t1);
    double t2 = t - 5.0;
    double num_f = FI_POLY7(6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
                            2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                            2.71155556874348757815e-5, 2.01033439929228813265e-7, t2);
    double den_f = FI_POLY7(1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
                            1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5,
                            1.42151175831644588870e-7, 2.04426310338993978564e-15, t2);
    num_t = t > 5.0 ? num_f : num_t;
    den_t = t > 5.0 ? den_f : den_t;
    num_t = q < 0.0 ? -num_t : num_t;
    int central = q <= 0.425 && q >= -0.425;
    return (central ? num_c : num_t) / (central ? den_c : den_t);
}

/* -------------------------------------------------- words to variates --- */

/* An exact-or-correctly-rounded int64 -> double that every SIMD width and
 * scalar code compute the same way (two exact halves, one rounding). */
static inline double fi_i64_to_f64(int64_t v) {
    return (double)(int32_t)(v >> 32) * 4294967296.0 + (double)(uint32_t)v;
}

/* A standard normal from one 64-bit draw x: p = (x + 1/2) / 2^64. */
static inline double fi_std_normal64(uint64_t x) {
    int64_t s = (int64_t)(x ^ 0x8000000000000000ull);
    int64_t m = s < 0 ? (int64_t)x : (int64_t)~x;
    double q = (fi_i64_to_f64(s) + 0.5) * 0x1p-64;
    double r = (fi_i64_to_f64(m) + 0.5) * 0x1p-64;
    return fi_ndtri64(q, r);
}

/* The float32 normal of one word w in the tails (|z| > 3.5), where the
 * float32 polynomial of fi_normal32.h stops: PPND16 in float64 at
 * p = (w + 1/2) / 2^32, rounded once.  q and r are exact in float64 and
 * mirror each other for w and 2^32 - 1 - w, so the tails are exactly
 * symmetric.  Only 4.6e-4 of draws get here: its cost does not matter, its
 * accuracy does. */
static inline float fi_std_normal32_tail(uint32_t w) {
    int32_t s = (int32_t)(w ^ 0x80000000u);
    uint32_t m = s < 0 ? w : ~w; /* 2^32 r - 1/2 */
    double r = ((double)m + 0.5) * 0x1p-32;
    double q = s < 0 ? r - 0.5 : 0.5 - r;
    return (float)fi_ndtri64(q, r);
}

/* Uniforms in [0, 1) on the grid of the output format's significand:
 * float32 24 bits, float16 11, bfloat16 8 (so they never round up to 1),
 * float64 53 bits from a 64-bit draw, as NumPy does. */
static inline float fi_unit24(uint32_t w) { return (float)(int32_t)(w >> 8) * 0x1p-24f; }
static inline float fi_unit11(uint32_t w) { return (float)(int32_t)(w >> 21) * 0x1p-11f; }
static inline float fi_unit8(uint32_t w) { return (float)(int32_t)(w >> 24) * 0x1p-8f; }
static inline double fi_unit53(uint64_t x) {
    return ((double)(uint32_t)(x >> 32) * 2097152.0 + (double)((uint32_t)x >> 11)) * 0x1p-53;
}

/* ------------------------------------------------ narrowing conversions --- */
/* float32 -> IEEE binary16, round to nearest even, overflow to inf: the
 * bits of x86's vcvtps2ph (F16C) for every input. */
static inline uint16_t fi_f32_to_f16(float f) {
    uint32_t x = fi_f32_bits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t ax = x & 0x7FFFFFFFu;
    /* normal range: rebias the exponent (127 -> 15) and round the 13 dropped bits */
    uint32_t normal = (ax + 0xC8000FFFu + ((ax >> 13) & 1u)) >> 13;
    /* subnormal range: adding 0.5 puts the half's lsb (2^-24) at float32's
     * lsb, so the FPU does the round-to-nearest-even */
    uint32_t subnormal = fi_f32_bits(fi_bits_f32(ax) + 0.5f) - 0x3F000000u;
    /* inf, or a NaN quieted with its top payload bits (as vcvtps2ph does) */
    uint32_t special = ax > 0x7F800000u ? 0x7E00u | ((ax >> 13) & 0x3FFu) : 0x7C00u;
    uint32_t h = ax < 0x38800000u ? subnormal : normal;
    h = ax >= 0x477FF000u ? special : h;
    return (uint16_t)(sign | h);
}

/* float32 -> bfloat16, round to nearest even (inputs are never NaN here). */
static inline uint16_t fi_f32_to_bf16(float f) {
    uint32_t x = fi_f32_bits(f);
    return (uint16_t)((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

#endif
