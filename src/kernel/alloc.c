/*
 * alloc.c - memory through the owner's bp_allocator (malloc and free
 * without one): the one place the library allocates, below everything
 * that does (the kernel context, the thread pool, the core's objects).
 */
#include "kernel/kernel.h"

#include <stdlib.h>

void *bp__alloc(const bp_allocator *a, size_t size)
{
    if (size == 0)
        size = 1;
    return a->alloc ? a->alloc(a->ctx, size) : malloc(size);
}

void bp__free(const bp_allocator *a, void *p)
{
    if (!p)
        return;
    if (a->free)
        a->free(a->ctx, p);
    else
        free(p);
}
