/* The only place that touches OpenMP: compiles to serial stubs without it
 * (setup.py falls back to a serial build, loudly, when the probe fails). */
#ifndef FI_OPENMP_H
#define FI_OPENMP_H
#ifdef _OPENMP
#include <omp.h>
static inline int fi_omp_max_threads(void) { return omp_get_max_threads(); }
static inline int fi_omp_num_threads(void) { return omp_get_num_threads(); }
static inline int fi_omp_thread_num(void) { return omp_get_thread_num(); }
static inline int fi_openmp_enabled(void) { return 1; }
#else
static inline int fi_omp_max_threads(void) { return 1; }
static inline int fi_omp_num_threads(void) { return 1; }
static inline int fi_omp_thread_num(void) { return 0; }
static inline int fi_openmp_enabled(void) { return 0; }
#endif
/* A flag written by one thread and polled by the others. */
static inline int fi_flag_get(const int *flag) { return __atomic_load_n(flag, __ATOMIC_RELAXED); }
static inline void fi_flag_set(int *flag) { __atomic_store_n(flag, 1, __ATOMIC_RELAXED); }
#endif
