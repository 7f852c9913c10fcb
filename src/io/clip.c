/*
 * clip.c - offending fields cut for messages (clip.h).
 */
#include "io/clip.h"

const char *bp__clip(char out[BP_CLIP_CAP], const char *s, size_t len)
{
    size_t n = len;
    if (n > BP_CLIP_MAX) {
        n = BP_CLIP_MAX;
        /* back up to the start of a UTF-8 sequence */
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char ch = (unsigned char)s[i];
        out[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    if (n < len) {
        out[n++] = '.';
        out[n++] = '.';
        out[n++] = '.';
    }
    out[n] = '\0';
    return out;
}
