/*
 * One ISA's kernels for the distributions of fi_integers.h and
 * fi_exponential.h.  Included by fi_kernels_impl.h (once per ISA, with its
 * FI_FN, FI_DEFINE_FILL and normal kernels in scope) just before the table.
 * The element functions are exact integer arithmetic or branch-free IEEE
 * float code, so the compiler's vectorisation at any width gives the bits
 * of the scalar build.
 */

/* integers: 2 words per element up to 32 bits, 3 for 64 bits */
FI_DEFINE_FILL(fill_integers_u8, 2, uint8_t, fi_bounded, fi_prep_bounded64, fi_elem_integers_u8, 1)
FI_DEFINE_FILL(fill_integers_u16, 2, uint16_t, fi_bounded, fi_prep_bounded64, fi_elem_integers_u16, 1)
FI_DEFINE_FILL(fill_integers_u32, 2, uint32_t, fi_bounded, fi_prep_bounded64, fi_elem_integers_u32, 1)
FI_DEFINE_FILL(fill_integers_u64, 3, uint64_t, fi_bounded, fi_prep_bounded96, fi_elem_integers_u64, 1)

#define FI_DEFINE_LOG_FILLS(NAME)                                                                  \
    FI_DEFINE_FILL(fill_##NAME##_f32, 1, float, fi_affine32, fi_prep_affine32, fi_elem_##NAME##_f32, 1) \
    FI_DEFINE_FILL(fill_##NAME##_f64, 2, double, fi_affine64, fi_prep_affine64, fi_elem_##NAME##_f64, 1) \
    FI_DEFINE_FILL(fill_##NAME##_f16, 1, uint16_t, fi_affine32, fi_prep_affine32, fi_elem_##NAME##_f16, 1) \
    FI_DEFINE_FILL(fill_##NAME##_bf16, 1, uint16_t, fi_affine32, fi_prep_affine32, fi_elem_##NAME##_bf16, 1)
FI_DEFINE_LOG_FILLS(exponential)
FI_DEFINE_LOG_FILLS(laplace)
FI_DEFINE_LOG_FILLS(logistic)
FI_DEFINE_LOG_FILLS(gumbel)
#undef FI_DEFINE_LOG_FILLS

/* lognormal: exp of the normal kernel's values (same words, same bits as
 * normal(mean, sigma)), a tile at a time so the values stay in L1. */
#define FI_DEFINE_LOGNORMAL_FILL(NAME, OUT_T, WORK_T, NORMAL_FILL, WPE, EXP, CONVERT)        \
    static void FI_FN(NAME)(const fi_stream *s, uint64_t word0, int64_t n, void *out_,       \
                            const fi_params *p) {                                            \
        OUT_T *restrict out = (OUT_T *)out_;                                                 \
        FI_ALIGN WORK_T vals[FI_TILE / (WPE)];                                               \
        const int64_t tile = FI_TILE / (WPE);                                                \
        while (n > 0) {                                                                      \
            const int64_t m = n < tile ? n : tile;                                           \
            FI_FN(NORMAL_FILL)(s, word0, m, vals, p);                                        \
            for (int64_t i = 0; i < m; i++) out[i] = CONVERT(EXP(vals[i]));                  \
            out += m;                                                                        \
            n -= m;                                                                          \
            word0 += (uint64_t)m * (WPE);                                                    \
        }                                                                                    \
    }
static inline float FI_FN(fi_identity32)(float x) { return x; }
static inline double FI_FN(fi_identity64)(double x) { return x; }
FI_DEFINE_LOGNORMAL_FILL(fill_lognormal_f32, float, float, fill_normal_f32, 1, fi_exp32, FI_FN(fi_identity32))
FI_DEFINE_LOGNORMAL_FILL(fill_lognormal_f16, uint16_t, float, fill_normal_f32, 1, fi_exp32, fi_f32_to_f16)
FI_DEFINE_LOGNORMAL_FILL(fill_lognormal_bf16, uint16_t, float, fill_normal_f32, 1, fi_exp32, fi_f32_to_bf16)
FI_DEFINE_LOGNORMAL_FILL(fill_lognormal_f64, double, double, fill_normal_f64, 2, fi_exp64, FI_FN(fi_identity64))
#undef FI_DEFINE_LOGNORMAL_FILL
