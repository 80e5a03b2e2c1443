/*
 * fastinit's C kernels: single-threaded fills of a contiguous run of
 * elements at an absolute stream position.  Threads are the caller's
 * business (fastinit/_core.pyx splits the work with OpenMP).
 */
#ifndef FI_KERNELS_H
#define FI_KERNELS_H

#include <stdint.h>
#include "fi_philox.h"

enum fi_kind { FI_RAW = 0, FI_UNIFORM = 1, FI_NORMAL = 2, FI_TRUNCNORM = 3,
               FI_INTEGERS = 4, FI_EXPONENTIAL = 5, FI_LAPLACE = 6, FI_LOGISTIC = 7,
               FI_GUMBEL = 8, FI_LOGNORMAL = 9, FI_NKINDS = 10 };
/* The integer dtypes are widths: signed and unsigned share a kernel (values
 * wrap modulo 2^bits), and FI_U32 serves raw words and 32-bit integers. */
enum fi_dtype { FI_U32 = 0, FI_F32 = 1, FI_F64 = 2, FI_F16 = 3, FI_BF16 = 4,
                FI_U8 = 5, FI_U16 = 6, FI_U64 = 7, FI_NDTYPES = 8 };
/* Instruction sets, narrowest first, numbered per architecture: x86 has
 * scalar, sse2, avx2, avx512; arm64 scalar, neon; others scalar only. */
enum fi_isa { FI_ISA_SCALAR = 0, FI_ISA_SSE2 = 1, FI_ISA_AVX2 = 2, FI_ISA_AVX512 = 3,
              FI_ISA_NEON = 1 };

/* Parameters of a fill; each kind reads the fields it needs. */
typedef struct {
    double loc, scale;       /* value = loc + scale * base variate */
    double p_lo, pc_lo;      /* truncnorm: Phi(alpha), 1 - Phi(alpha) */
    double width;            /* truncnorm: Phi(beta) - Phi(alpha) */
    double flip;             /* truncnorm: +1, or -1 when sampled mirrored */
    double clamp_lo, clamp_hi; /* truncnorm: bounds representable in the output dtype */
    uint64_t int_low;        /* integers: the lowest value, modulo 2^64 */
    uint64_t int_range;      /* integers: the number of values, modulo 2^64 (0: 2^64) */
} fi_params;

/* Fill out[0..n) with elements whose first word is stream word `word0`.
 * Returns 0, or -1 for a (kind, dtype) pair that does not exist. */
int fi_fill(int kind, int dtype, const fi_stream *s, uint64_t word0, int64_t n,
            void *out, const fi_params *p);

/* 32-bit words consumed per element, or 0 for an invalid pair. */
int fi_words_per_element(int kind, int dtype);

/* Parallel-friendly constant fill of n elements of elem_size (2, 4, 8) bytes. */
void fi_fill_constant(void *out, int64_t n, int elem_size, uint64_t value_bits);

/* fi_fill for callers without structs (Numba); truncnorm is not offered. */
int fi_fill_flat(int kind, int dtype, uint32_t key0, uint32_t key1, uint32_t stream0,
                 uint32_t stream1, uint64_t word0, int64_t n, void *out, double loc,
                 double scale);

/* Element transforms of given words (tests); words has n * words_per_element. */
int fi_transform_words(int kind, int dtype, const uint32_t *words, int64_t n, void *out,
                       const fi_params *p);

/* exp(x) in place by the lognormal kernel's exp (fi_exponential.h), for
 * FI_F32 or FI_F64 arrays; -1 for another dtype. */
int fi_exp_array(int dtype, void *x, int64_t n);

/* float32 -> float16 (FI_F16) or bfloat16 (FI_BF16) bits, rounded to nearest
 * even, by the active ISA's narrowing step (tests compare the ISAs). */
int fi_narrow(int dtype, const float *in, int64_t n, uint16_t *out);

int fi_isa_best(void);
int fi_isa_active(void);
int fi_isa_set(int isa); /* returns the ISA now active (clamped to the best) */
const char *fi_isa_name(int isa); /* this build's name of `isa`, NULL past the last */
int fi_build_contracts(void); /* nonzero: built with contraction, bits would differ */

#endif
