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
typedef struct { double p_lo, pc_lo, width, q_mid; float flip, loc, scale, lo, hi; } fi_trunc32;
typedef struct { double p_lo, pc_lo, width, flip, loc, scale, lo, hi; } fi_trunc64;

static inline fi_affine32 fi_prep_affine32(const fi_params *p) {
    fi_affine32 a = {(float)p->loc, (float)p->scale, (float)p->clamp_lo, (float)p->clamp_hi};
    return a;
}
static inline fi_affine64 fi_prep_affine64(const fi_params *p) {
    fi_affine64 a = {p->loc, p->scale, p->clamp_lo, p->clamp_hi};
    return a;
}
/* x < lo ? lo : x > hi ? hi : x for lo <= hi (every caller's bounds), written
 * as two steps that compilers turn into a max and a min instruction */
static inline float fi_clamp32(float x, float lo, float hi) {
    x = x < lo ? lo : x;
    return x > hi ? hi : x;
}
static inline double fi_clamp64(double x, double lo, double hi) {
    x = x < lo ? lo : x;
    return x > hi ? hi : x;
}
static inline fi_trunc32 fi_prep_trunc32(const fi_params *p) {
    /* 2^32 (p - 1/2) at w = 2^31, for fi_truncnorm32_block */
    double q_mid = (p->p_lo - 0.5) * 0x1p32 + p->width * 2147483648.5;
    fi_trunc32 t = {p->p_lo, p->pc_lo, p->width, q_mid, (float)p->flip, (float)p->loc,
                    (float)p->scale, (float)p->clamp_lo, (float)p->clamp_hi};
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
/* float16, bfloat16 (stream version 3): loc + scale * u on float32's 24-bit
 * grid, clamped to [lo, hi] (the caller passes the dtype's values in
 * [low, high)), then rounded once to nearest even by the kernels' narrowing
 * step.  Rounding to nearest keeps the mean unbiased; the clamp keeps the
 * rounded value inside. */
static inline float fi_elem_uniform16(const uint32_t *b, int64_t i, const fi_affine32 *a) {
    return fi_clamp32(a->loc + a->scale * fi_unit24(b[i]), a->lo, a->hi);
}
static inline uint16_t fi_elem_uniform_f16(const uint32_t *b, int64_t i, const fi_affine32 *a) {
    return fi_f32_to_f16(fi_elem_uniform16(b, i, a));
}
static inline uint16_t fi_elem_uniform_bf16(const uint32_t *b, int64_t i, const fi_affine32 *a) {
    return fi_f32_to_bf16(fi_elem_uniform16(b, i, a));
}

/* normal float64: loc + scale * z, z by PPND16 from two words.  The float32
 * family (float32, float16, bfloat16) is computed by blocks in fi_normal32.h;
 * the kernels compute this one by tiles in fi_normal64.h, with the same bits. */
static inline double fi_elem_normal_f64(const uint32_t *b, int64_t i, const fi_affine64 *a) {
    return a->loc + a->scale * fi_std_normal64(fi_word_pair(b, i));
}

/*
 * Truncated normal by inverse CDF (stream contract 3: no rejection).
 * p = Phi(alpha) + u (Phi(beta) - Phi(alpha)) with u = (w + 1/2) / 2^32, and
 * 1 - p from the complementary start so both tails keep relative precision.
 * When the interval lies mostly above zero the caller mirrors it (flip = -1)
 * so the lower tail, where precision is, is the one used.  The result is
 * clamped to the bounds representable in the output dtype, so rounding can
 * never leave [a, b].
 *
 * The float32 family is computed by blocks in fi_normal32.h (the float32
 * normal's kernel at this p); this is its tail path, |z| > 3.5: PPND16 in
 * float64 rounded once, with r >= DBL_MIN (about 37 sigma).
 */
static inline float fi_truncnorm32_tail(uint32_t w, const fi_trunc32 *t) {
    double u = ((double)w + 0.5) * 0x1p-32;
    double p = t->p_lo + u * t->width;
    double pc = t->pc_lo - u * t->width;
    double r = p < pc ? p : pc;
    r = r > DBL_MIN ? r : DBL_MIN;
    float z = (float)fi_ndtri64(p - 0.5, r);
    float x = t->loc + (t->scale * t->flip) * z;
    x = x > t->lo ? x : t->lo; /* the blocks' clamp, signed zeros included */
    return x < t->hi ? x : t->hi;
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
#endif
