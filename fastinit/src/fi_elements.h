/*
 * Element functions: value i of a tile from the tile's stream words, for each
 * (distribution, dtype).  The parameters are prepared once per kernel call
 * (fi_prep_*) in the precision the element is computed in.
 */
#ifndef FI_ELEMENTS_H
#define FI_ELEMENTS_H

#include <float.h>
#include "fi_kernels.h"
#include "fi_transforms.h"

/* lo, hi: the uniform's bounds rounded inward to the output dtype (the
 * normals ignore them); +-inf when the caller has none. */
typedef struct { float loc, scale, lo, hi; } fi_affine32;
typedef struct { double loc, scale, lo, hi; } fi_affine64;
typedef struct { double p_lo, pc_lo, width; float flip, loc, scale, lo, hi; } fi_trunc32;
typedef struct { double p_lo, pc_lo, width, flip, loc, scale, lo, hi; } fi_trunc64;

static inline fi_affine32 fi_prep_affine32(const fi_params *p) {
    fi_affine32 a = {(float)p->loc, (float)p->scale, (float)p->clamp_lo, (float)p->clamp_hi};
    return a;
}
static inline fi_affine64 fi_prep_affine64(const fi_params *p) {
    fi_affine64 a = {p->loc, p->scale, p->clamp_lo, p->clamp_hi};
    return a;
}
static inline float fi_clamp32(float x, float lo, float hi) { return x < lo ? lo : x > hi ? hi : x; }
static inline double fi_clamp64(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static inline fi_trunc32 fi_prep_trunc32(const fi_params *p) {
    fi_trunc32 t = {p->p_lo, p->pc_lo, p->width, (float)p->flip, (float)p->loc, (float)p->scale,
                    (float)p->clamp_lo, (float)p->clamp_hi};
    return t;
}
static inline fi_trunc64 fi_prep_trunc64(const fi_params *p) {
    fi_trunc64 t = {p->p_lo, p->pc_lo, p->width, p->flip, p->loc, p->scale, p->clamp_lo, p->clamp_hi};
    return t;
}

/* uniform: loc + scale * u, u on the output format's grid in [0, 1), clamped
 * last to [lo, hi], the bounds rounded inward to the output dtype: rounding
 * loc, loc + scale * u or the conversion to 16 bits could otherwise step
 * outside [low, high] when the bounds are not representable.  (lo and hi are
 * representable in the output dtype, so clamping before the 16-bit
 * conversion keeps its result inside too.) */
static inline float fi_elem_uniform_f32(const uint32_t *b, int64_t i, const fi_affine32 *a) {
    return fi_clamp32(a->loc + a->scale * fi_unit24(b[i]), a->lo, a->hi);
}
static inline double fi_elem_uniform_f64(const uint32_t *b, int64_t i, const fi_affine64 *a) {
    return fi_clamp64(a->loc + a->scale * fi_unit53(fi_word_pair(b, i)), a->lo, a->hi);
}
static inline uint16_t fi_elem_uniform_f16(const uint32_t *b, int64_t i, const fi_affine32 *a) {
    return fi_f32_to_f16(fi_clamp32(a->loc + a->scale * fi_unit11(b[i]), a->lo, a->hi));
}
static inline uint16_t fi_elem_uniform_bf16(const uint32_t *b, int64_t i, const fi_affine32 *a) {
    return fi_f32_to_bf16(fi_clamp32(a->loc + a->scale * fi_unit8(b[i]), a->lo, a->hi));
}

/* normal float64: loc + scale * z, z by PPND16 from two words.  The float32
 * family (float32, float16, bfloat16) is computed by blocks in fi_normal32.h;
 * the kernels compute this one by blocks in fi_normal64.h, with this function
 * for the rare far-tail draws. */
static inline double fi_elem_normal_f64(const uint32_t *b, int64_t i, const fi_affine64 *a) {
    return a->loc + a->scale * fi_std_normal64(fi_word_pair(b, i));
}
/* Might PPND16 put this draw in its far tail, t > 5?  A superset: min(x, ~x)
 * below 2^29 (r < 2.9e-11); any other draw has t < 4.93. */
#define FI_NORMAL64_FAR_BELOW (1ull << 29)
static inline int fi_normal64_may_be_far(const uint32_t *b, int64_t i) {
    uint64_t x = fi_word_pair(b, i);
    return (x < FI_NORMAL64_FAR_BELOW) | (~x < FI_NORMAL64_FAR_BELOW);
}

/*
 * Truncated normal by inverse CDF (stream contract 3: no rejection).
 * p = Phi(alpha) + u (Phi(beta) - Phi(alpha)) with u = (w + 1/2) / 2^32, and
 * 1 - p from the complementary start so both tails keep relative precision.
 * When the interval lies mostly above zero the caller mirrors it (flip = -1)
 * so the lower tail, where precision is, is the one used.  The result is
 * clamped to the bounds representable in the output dtype, so rounding can
 * never leave [a, b].  r is kept >= FLT_MIN: float32 math reaches 13 sigma;
 * beyond that samples collapse onto the bound (documented).
 */
static inline float fi_elem_truncnorm_f32(const uint32_t *b, int64_t i, const fi_trunc32 *t) {
    double u = ((double)b[i] + 0.5) * 0x1p-32;
    double p = t->p_lo + u * t->width;
    double pc = t->pc_lo - u * t->width;
    double r = p < pc ? p : pc;
    r = r > (double)FLT_MIN ? r : (double)FLT_MIN;
    float z = t->flip * fi_ndtri32((float)(p - 0.5), (float)r);
    float x = t->loc + t->scale * z;
    x = x < t->lo ? t->lo : x;
    return x > t->hi ? t->hi : x;
}
static inline double fi_elem_truncnorm_f64(const uint32_t *b, int64_t i, const fi_trunc64 *t) {
    double u = fi_unit53(fi_word_pair(b, i)) + 0x1p-54; /* midpoint of the 53-bit cell */
    double p = t->p_lo + u * t->width;
    double pc = t->pc_lo - u * t->width;
    double r = p < pc ? p : pc;
    r = r > DBL_MIN ? r : DBL_MIN;
    double z = t->flip * fi_ndtri64(p - 0.5, r);
    double x = t->loc + t->scale * z;
    x = x < t->lo ? t->lo : x;
    return x > t->hi ? t->hi : x;
}
/* clamp bounds are representable in the narrow format, so rounding the
 * clamped float32 keeps the value inside them */
static inline uint16_t fi_elem_truncnorm_f16(const uint32_t *b, int64_t i, const fi_trunc32 *t) {
    return fi_f32_to_f16(fi_elem_truncnorm_f32(b, i, t));
}
static inline uint16_t fi_elem_truncnorm_bf16(const uint32_t *b, int64_t i, const fi_trunc32 *t) {
    return fi_f32_to_bf16(fi_elem_truncnorm_f32(b, i, t));
}

#endif
