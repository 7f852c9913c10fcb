/*
 * clip.h - an offending field as a message shows it: whole when short,
 * else its first ~60 bytes and "..." (a 2 GB field must not make a 2 GB
 * message), control characters as '?'.
 */
#ifndef BP_IO_CLIP_H
#define BP_IO_CLIP_H

#include <stddef.h>

#define BP_CLIP_MAX 60
#define BP_CLIP_CAP (BP_CLIP_MAX + 4)

/* Write the shown form of s[0..len) into out (BP_CLIP_CAP bytes); return
 * out. Never cuts inside a UTF-8 sequence. */
const char *bp__clip(char out[BP_CLIP_CAP], const char *s, size_t len);

#endif
