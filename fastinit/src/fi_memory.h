/*
 * Prefaulting memory a fill is about to write for the first time.
 *
 * A fresh allocation costs a page fault per 4 KiB page on its first write.
 * NumPy advises transparent huge pages for its large allocations, so its
 * arrays fault 2 MiB at a time; torch's CPU allocator does not, so the first
 * fill of a freshly allocated parameter pays one fault per 4 KiB, inside the
 * fill.  Asking the kernel to populate the pages in one call
 * (MADV_POPULATE_WRITE, Linux 5.14) allocates and zeroes the same pages
 * without the per-page fault round trips: on the project's machine a 1 GiB
 * first fill went from ~0.8 s to ~0.5 s (docs/FRAMEWORKS.md).
 *
 * It never changes what memory holds (the pages read as they did: fresh
 * pages are zero, present pages are left as they are), so it is safe on any
 * writable buffer; where the call is not supported nothing happens and the
 * fill faults the pages in as before.
 */
#ifndef FI_MEMORY_H
#define FI_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#if !defined(MADV_POPULATE_WRITE)
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older headers lack the name */
#endif
#endif

/* Below this a buffer's faults cost little next to the call. */
#define FI_PREFAULT_MIN_BYTES ((size_t)1 << 22)

/* Populate the whole pages inside [address, address + nbytes) for writing.
 * Returns 1 if the kernel did, 0 otherwise (small buffer, other system, an
 * older kernel, or a mapping it refuses). */
static inline int fi_prefault_for_write(void *address, size_t nbytes)
{
#if defined(__linux__)
    if (nbytes < FI_PREFAULT_MIN_BYTES)
        return 0;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return 0;
    uintptr_t start = (uintptr_t)address, end = start + nbytes;
    uintptr_t first = (start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t last = end & ~((uintptr_t)page - 1);
    if (last <= first)
        return 0;
    return madvise((void *)first, last - first, MADV_POPULATE_WRITE) == 0;
#else
    (void)address;
    (void)nbytes;
    return 0;
#endif
}

#endif /* FI_MEMORY_H */
