/*
 * What the kernels need from the compiler and the machine, in one place:
 * the checks that refuse a build which could not give the stream's bits,
 * and the few GCC/clang spellings that differ.  Included first by
 * fi_kernels.c (before any function, so the floating-point pragmas below
 * cover every function of the kernels).
 *
 * Same bits everywhere (docs/STREAM.md, promise 5) needs IEEE binary32/binary64
 * arithmetic, each operation rounded once, in the order the source says:
 *   - no x87 maths (it keeps intermediates in 80 bits: __FLT_EVAL_METHOD__
 *     is then 2; 32-bit x86 builds need -msse2 -mfpmath=sse),
 *   - no -ffast-math (it reorders and approximates),
 *   - no contraction of a * b + c into a fused multiply-add unless the source
 *     asks for one (GCC contracts by default in GNU C mode, clang on some
 *     targets): the pragmas below switch it off for this translation unit
 *     whatever the flags, and setup.py passes -ffp-contract=off as well.
 * A build that fails one of these stops here rather than give other bits.
 */
#ifndef FI_PLATFORM_H
#define FI_PLATFORM_H

#if !defined(__GNUC__) && !defined(__clang__)
#error "fastinit's kernels need GCC or clang (GNU C vector extensions); on Windows build with clang-cl (set CC=clang-cl), not MSVC's cl"
#endif

#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#error "fastinit: floating-point expressions are evaluated in extra precision (x87 maths?); build with -msse2 -mfpmath=sse so every operation rounds to its own format"
#endif

#if defined(__FAST_MATH__) || (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)
#error "fastinit: -ffast-math / -ffinite-math-only change the kernels' bits; build without them"
#endif

#if !defined(__BYTE_ORDER__) || \
    (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ && __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__)
#error "fastinit: unknown byte order"
#endif
#define FI_BIG_ENDIAN (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

/* No contraction (see above). */
#if defined(__clang__)
#pragma clang fp contract(off)
#else
#pragma GCC optimize("fp-contract=off")
#endif

/* Two consecutive stream words copied into a uint64_t (or a vector of them)
 * give word 0 in the low half on little-endian machines only; the stream
 * defines the pair as (first word) | (second word) << 32 everywhere. */
#if FI_BIG_ENDIAN
#define FI_WORD_PAIRS_FROM_MEMORY(x) (((x) << 32) | ((x) >> 32))
#else
#define FI_WORD_PAIRS_FROM_MEMORY(x) (x)
#endif

/* Lanes of a and b picked by constant indices (0.. from a, then b's):
 * clang and GCC >= 12 spell it __builtin_shufflevector, older GCC
 * __builtin_shuffle with an index vector. */
#if defined(__clang__) || __GNUC__ >= 12
#define FI_SHUFFLE(a, b, ...) __builtin_shufflevector((a), (b), __VA_ARGS__)
#else
#define FI_SHUFFLE(a, b, ...) __builtin_shuffle((a), (b), (__typeof__(a)){__VA_ARGS__})
#endif

/* Every function between FI_TARGET_BEGIN("isa,...") and FI_TARGET_END() is
 * compiled for that instruction set (the rest of the file for the baseline,
 * chosen at run time).  GCC takes `#pragma GCC target`; clang ignores that
 * pragma and takes an attribute applied to each function instead. */
#define FI_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define FI_TARGET_BEGIN(isa) FI_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))
#define FI_TARGET_END() FI_PRAGMA(clang attribute pop)
#else
#define FI_TARGET_BEGIN(isa) FI_PRAGMA(GCC push_options) FI_PRAGMA(GCC target(isa))
#define FI_TARGET_END() FI_PRAGMA(GCC pop_options)
#endif

/* The architecture's SIMD the kernels are built for.  x86: SSE2 (part of
 * x86-64; 32-bit builds need -msse2 anyway, see above), AVX2 and AVX-512,
 * picked at run time.  arm64: NEON (part of the architecture, nothing to
 * detect).  The vector Philox stores 64-bit lanes as word pairs, so the SIMD
 * paths are for little-endian machines; big-endian ones use the scalar path. */
#if (defined(__x86_64__) || (defined(__i386__) && defined(__SSE2__))) && !FI_BIG_ENDIAN
#define FI_X86 1
#endif
#if defined(__aarch64__) && !FI_BIG_ENDIAN
#define FI_NEON 1
#endif

#endif
