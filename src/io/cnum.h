/*
 * cnum.h - numbers in text files (models, CSV, FANN data) written and
 * read with '.' as the decimal point, whatever LC_NUMERIC the program
 * that embeds the library has set. printf and strtod follow the locale:
 * after setlocale(LC_ALL, "") in a German locale a model would be
 * written as 0,15 and no reader (ours in another program, or any other
 * tool) would take it back. Private to src/io.
 */
#ifndef BP_CNUM_H
#define BP_CNUM_H

#include <stddef.h>

/* strtod of s as the C locale reads it: '.' is the decimal point, and
 * the current locale's own decimal point is not one. */
double bp__strtod(const char *s, char **end);
/* snprintf(buf, size, "%.*g", prec, v) as the C locale writes it;
 * returns its length. size must be at least 32. */
int bp__fmt_g(char *buf, size_t size, int prec, double v);

#endif
