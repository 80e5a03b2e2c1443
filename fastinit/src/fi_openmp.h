/* The only place that touches OpenMP: compiles to serial stubs without it
 * (setup.py falls back to a serial build, loudly, when the probe fails). */
#ifndef FI_OPENMP_H
#define FI_OPENMP_H
#ifdef _OPENMP
#include <omp.h>
static inline int fi_omp_max_threads(void) { return omp_get_max_threads(); }
static inline int fi_openmp_enabled(void) { return 1; }
#else
static inline int fi_omp_max_threads(void) { return 1; }
static inline int fi_openmp_enabled(void) { return 0; }
#endif
#endif
