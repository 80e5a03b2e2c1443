/*
 * Bounded integers with a fixed number of words per element (stream
 * contract 4: no rejection loop).
 *
 * A value in [low, low + range) is low + floor(x * range / 2^k), where x is a
 * k-bit draw: Lemire's multiply-shift ("Fast random integer generation in an
 * interval", ACM TOMACS 29(1), 2019) without its rejection step.  Each of the
 * `range` results then has probability floor(2^k / range) / 2^k or
 * ceil(2^k / range) / 2^k, within a relative range / 2^k of 1 / range.  The
 * draw is wide enough that this is at most 2^-32:
 *
 *   8-, 16-, 32-bit outputs (range <= 2^32): k = 64, two words (first low);
 *   64-bit outputs (range <= 2^64):           k = 96, three words (first low).
 *
 * Everything is exact integer arithmetic on 32-bit limbs (32 x 32 -> 64-bit
 * products, which every SIMD unit has), so every ISA gives the same bits.
 * The one range that does not fit the limbs -- 2^32 resp. 2^64, the whole
 * output type -- is the identity on the top bits of the draw: it is computed
 * beside the general formula and selected per call, not per element.
 * Results wrap modulo 2^bits, so one kernel serves signed and unsigned types.
 */
#ifndef FI_INTEGERS_H
#define FI_INTEGERS_H

/* Inlined whatever the size estimate: a call left in a tile loop stops the
 * loop from being vectorised (these are called from every ISA's kernels). */
#ifndef FI_INLINE
#define FI_INLINE inline __attribute__((always_inline))
#endif

#include <stdint.h>
#include "fi_kernels.h"

typedef struct {
    uint64_t low;    /* added modulo 2^64 (then truncated to the output width) */
    uint64_t full;   /* all ones when range is 2^32 (k = 64) or 2^64 (k = 96), else 0 */
    uint32_t r0, r1; /* range = r1 * 2^32 + r0 (r1 = 0 for k = 64); 32-bit limbs so
                      * the products are 32 x 32 -> 64-bit multiplies (pmuludq) */
} fi_bounded;

/* For the 64-bit draws (outputs up to 32 bits): range in [1, 2^32]. */
static FI_INLINE fi_bounded fi_prep_bounded64(const fi_params *p) {
    fi_bounded b = {p->int_low, 0, (uint32_t)p->int_range, 0};
    if (p->int_range == (1ull << 32)) b.full = ~0ull;  /* r0 is then 0 */
    return b;
}
/* For the 96-bit draws (64-bit outputs): int_range is range mod 2^64, so 0
 * stands for 2^64 (the whole type). */
static FI_INLINE fi_bounded fi_prep_bounded96(const fi_params *p) {
    uint64_t r = p->int_range;
    fi_bounded b = {p->int_low, r == 0 ? ~0ull : 0, (uint32_t)r, (uint32_t)(r >> 32)};
    return b;
}

#define FI_LO32(x) ((uint64_t)(uint32_t)(x))

/* floor(x * range / 2^64) for x = words[2i] + 2^32 words[2i + 1], range <= 2^32 */
static FI_INLINE uint64_t fi_bounded_offset64(const uint32_t *w, int64_t i, const fi_bounded *b) {
    uint64_t lo = w[2 * i], hi = w[2 * i + 1], r0 = b->r0;
    uint64_t general = (hi * r0 + ((lo * r0) >> 32)) >> 32;
    return (general & ~b->full) | (hi & b->full);
}

/* floor(x * range / 2^96) for the 96-bit x = w0 + 2^32 w1 + 2^64 w2, range <= 2^64.
 * The partial products of x and range's limbs are summed by columns of 32
 * bits, carrying; the result is the column at 2^96 and above. */
static FI_INLINE uint64_t fi_bounded_offset96(const uint32_t *w, int64_t i, const fi_bounded *b) {
    uint64_t w0 = w[3 * i], w1 = w[3 * i + 1], w2 = w[3 * i + 2];
    uint64_t r0 = b->r0, r1 = b->r1;
    uint64_t p0 = w0 * r0, p1 = w1 * r0, p2 = w2 * r0;
    uint64_t q0 = w0 * r1, q1 = w1 * r1, q2 = w2 * r1;
    uint64_t c32 = FI_LO32(p1) + FI_LO32(q0) + (p0 >> 32);
    uint64_t c64 = (p1 >> 32) + (q0 >> 32) + FI_LO32(p2) + FI_LO32(q1) + (c32 >> 32);
    uint64_t general = (p2 >> 32) + (q1 >> 32) + q2 + (c64 >> 32);
    return (general & ~b->full) | ((w1 | (w2 << 32)) & b->full);
}

static FI_INLINE uint8_t fi_elem_integers_u8(const uint32_t *w, int64_t i, const fi_bounded *b) {
    return (uint8_t)(b->low + fi_bounded_offset64(w, i, b));
}
static FI_INLINE uint16_t fi_elem_integers_u16(const uint32_t *w, int64_t i, const fi_bounded *b) {
    return (uint16_t)(b->low + fi_bounded_offset64(w, i, b));
}
static FI_INLINE uint32_t fi_elem_integers_u32(const uint32_t *w, int64_t i, const fi_bounded *b) {
    return (uint32_t)(b->low + fi_bounded_offset64(w, i, b));
}
static FI_INLINE uint64_t fi_elem_integers_u64(const uint32_t *w, int64_t i, const fi_bounded *b) {
    return b->low + fi_bounded_offset96(w, i, b);
}

#undef FI_LO32
#endif
