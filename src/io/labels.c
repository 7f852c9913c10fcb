/*
 * labels.c - class labels as a hashed set of distinct strings: adding a
 * sample's label costs the same with 50,000 classes as with 2 (no
 * comparison with every class seen so far).
 */
#include "io/dataset.h"
#include "io/cnum.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_of(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return (uint32_t)(h ^ (h >> 32));
}

void bp__labels_init(bp__labels *L, const bp_allocator *a, int max)
{
    memset(L, 0, sizeof *L);
    L->a = a;
    L->max = max;
}

void bp__labels_free(bp__labels *L)
{
    for (int i = 0; L->names && i < L->count; i++)
        bp__free(L->a, L->names[i]);
    bp__free(L->a, L->names);
    bp__free(L->a, L->hash);
    bp__free(L->a, L->slot);
    memset(L, 0, sizeof *L);
}

/* Room for one more label: names and hashes grown by doubling, the slot
 * table kept at most half full. */
static int make_room(bp__labels *L)
{
    const size_t need = (size_t)L->count + 1;
    size_t cap = L->cap ? L->cap : 64;
    while (cap < 2 * need)
        cap *= 2;
    if (cap == L->cap)
        return 0;
    char **names = bp__alloc(L->a, cap / 2 * sizeof *names);
    uint32_t *hash = bp__alloc(L->a, cap / 2 * sizeof *hash);
    int32_t *slot = bp__alloc(L->a, cap * sizeof *slot);
    if (!names || !hash || !slot) {
        bp__free(L->a, names);
        bp__free(L->a, hash);
        bp__free(L->a, slot);
        return -1;
    }
    memset(slot, 0, cap * sizeof *slot);
    for (int i = 0; i < L->count; i++) {
        names[i] = L->names[i];
        hash[i] = L->hash[i];
        size_t k = hash[i] & (cap - 1);
        while (slot[k])
            k = (k + 1) & (cap - 1);
        slot[k] = i + 1;
    }
    bp__free(L->a, L->names);
    bp__free(L->a, L->hash);
    bp__free(L->a, L->slot);
    L->names = names;
    L->hash = hash;
    L->slot = slot;
    L->cap = cap;
    return 0;
}

/* The slot where s is, or the empty one where it would go. */
static size_t probe(const bp__labels *L, const char *s, size_t len, uint32_t h)
{
    size_t k = h & (L->cap - 1);
    while (L->slot[k]) {
        const int i = L->slot[k] - 1;
        if (L->hash[i] == h && strncmp(L->names[i], s, len) == 0 &&
            L->names[i][len] == '\0')
            break;
        k = (k + 1) & (L->cap - 1);
    }
    return k;
}

int32_t bp__labels_add(bp__labels *L, const char *s, size_t len)
{
    const uint32_t h = hash_of(s, len);
    if (L->cap) {
        const size_t k = probe(L, s, len, h);
        if (L->slot[k])
            return L->slot[k] - 1;
    }
    if (L->count >= L->max)
        return -2;
    if (make_room(L))
        return -1;
    char *copy = bp__strdup(L->a, s, len);
    if (!copy)
        return -1;
    const size_t k = probe(L, s, len, h);
    L->names[L->count] = copy;
    L->hash[L->count] = h;
    L->slot[k] = L->count + 1;
    return L->count++;
}

int32_t bp__labels_find(const bp__labels *L, const char *s)
{
    if (!L->cap)
        return -1;
    const size_t len = strlen(s);
    const size_t k = probe(L, s, len, hash_of(s, len));
    return L->slot[k] ? L->slot[k] - 1 : -1;
}

typedef struct {
    const char *name;
    double value;
    int32_t id;
} entry;

static int cmp_text(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static int cmp_value(const void *a, const void *b)
{
    const double x = ((const entry *)a)->value, y = ((const entry *)b)->value;
    if (x != y)
        return (x > y) - (x < y);
    return cmp_text(a, b); /* "1" and "1.0": a stable order all the same */
}

int bp__labels_sort(bp__labels *L, int numeric, int32_t *remap)
{
    entry *e = bp__alloc(L->a, (size_t)L->count * sizeof *e);
    if (!e)
        return -1;
    for (int i = 0; i < L->count; i++) {
        e[i].name = L->names[i];
        e[i].value = numeric ? bp__strtod(L->names[i], NULL) : 0;
        e[i].id = i;
    }
    qsort(e, (size_t)L->count, sizeof *e, numeric ? cmp_value : cmp_text);
    for (int j = 0; j < L->count; j++) {
        L->names[j] = (char *)e[j].name;
        remap[e[j].id] = j;
    }
    bp__free(L->a, e);
    bp__free(L->a, L->slot);
    L->slot = NULL;
    L->cap = 0;
    return 0;
}

void bp__labels_give(bp__labels *L, bp_dataset *ds)
{
    ds->class_names = L->names;
    ds->n_classes = L->count;
    L->names = NULL;
    L->count = 0;
    bp__free(L->a, L->hash);
    bp__free(L->a, L->slot);
    L->hash = NULL;
    L->slot = NULL;
    L->cap = 0;
}
