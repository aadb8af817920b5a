/*
 * num.c - the one reading of numbers written as text, and the one writing
 * of them for matching: expressions (expr_val.c), custom int and number
 * fields (form.c) and the built-in integer fields (prep.c) all agree.
 *
 * A number is strict decimal, as JSON writes it give or take a sign and
 * leading zeros:
 *
 *	[+-] digits [ "." digits ] [ ("e" | "E") [+-] digits ]
 *
 * and nothing else: no spaces around it, no hex ("0x1A"), no "inf" or
 * "nan", no ".5" or "5.".  A value beyond the range of a double is too
 * large, a non-zero value below its normal range (1e-400, 5e-324) is too
 * small: both are errors, never infinity or a silent 0.  An integral value
 * within int64_t is an integer however it is written (42, 42.0, 4.2e1);
 * written without an exponent it is read exactly.
 *
 * strtod and snprintf read and write the decimal point of LC_NUMERIC; the
 * tools never set it, but a program linking libcsm may, so both are run
 * in the "C" locale (uselocale, per thread).
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static pthread_once_t c_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void
c_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Switches this thread to the C locale; returns what to restore, or
 * (locale_t)0 if the switch could not be made. */
static locale_t
c_enter(void)
{
	pthread_once(&c_once, c_init);
	if (c_locale == (locale_t)0)
		return (locale_t)0;
	return uselocale(c_locale);
}

static void
c_leave(locale_t old)
{
	if (old != (locale_t)0)
		uselocale(old);
}

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Checks the grammar of s[0..len).  Returns 1 if it is a number, with
 * *frac set when it has a fraction that is not all zeros or an exponent,
 * *intend the end of its integer digits and *nonzero whether any digit
 * of its significand is not 0.
 */
static int
scan(const char *s, size_t len, int *frac, size_t *intend, int *nonzero)
{
	size_t i = 0, d;

	*frac = 0;
	*nonzero = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	for (d = i; i < len && isdig((unsigned char)s[i]); i++)
		*nonzero |= s[i] != '0';
	if (i == d)
		return 0;
	*intend = i;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && isdig((unsigned char)s[i]); i++)
			if (s[i] != '0') {
				*nonzero = 1;
				*frac = 1;
			}
		if (i == d)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		*frac = 1;
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && isdig((unsigned char)s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i == len;
}

/* The integer digits s[from..to) with sign neg into *v; 0 on overflow. */
static int
exact(const char *s, size_t from, size_t to, int neg, int64_t *v)
{
	uint64_t u = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
	size_t i;

	for (i = from; i < to; i++) {
		unsigned dg = (unsigned)(s[i] - '0');

		if (u > (lim - dg) / 10)
			return 0;
		u = u * 10 + dg;
	}
	if (neg)
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	else
		*v = (int64_t)u;
	return 1;
}

/* Whether d is integral and within int64_t; sets *v. */
static int
integral(double d, int64_t *v)
{
	/* 2^63 is exact as a double; the range is [-2^63, 2^63). */
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) ||
	    d != floor(d))
		return 0;
	*v = (int64_t)d;
	return 1;
}

/*
 * Reads s[0..len) as a number (see the top of this file) into *n.
 * Returns 0, or -1 with *why (may be NULL) a static reason: "not a
 * number", "too large" or "too small".
 */
int
csm_num_read(const char *s, size_t len, struct csm_num *n, const char **why)
{
	char small[128], *buf = small, *end;
	const char *dummy;
	size_t intend;
	int frac, nonzero, neg;
	locale_t old;
	double d;

	if (why == NULL)
		why = &dummy;
	memset(n, 0, sizeof(*n));
	if (!scan(s, len, &frac, &intend, &nonzero)) {
		*why = "not a number";
		return -1;
	}
	neg = s[0] == '-';
	if (!frac && exact(s, s[0] == '-' || s[0] == '+', intend, neg,
	    &n->i)) {
		n->isint = 1;
		n->d = (double)n->i;
		return 0;
	}
	if (len >= sizeof(small) && (buf = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	old = c_enter();
	errno = 0;
	d = strtod(buf, &end);
	c_leave(old);
	if (buf != small)
		free(buf);
	if (isinf(d) || isnan(d)) {
		*why = "too large";
		return -1;
	}
	if (nonzero && fabs(d) < DBL_MIN) {
		*why = "too small";
		return -1;
	}
	if (d == 0)
		d = 0;	/* -0 is 0 */
	n->d = d;
	/* Whole digits that overflowed int64_t may round back into it. */
	n->isint = frac && integral(d, &n->i);
	return 0;
}

/*
 * Reads s[0..len) as an integer: a number (csm_num_read) whose value is
 * integral and within int64_t, so "42", "42.0" and "4.2e1" are 42.
 * Returns 0, or -1 with *why: "not a number", "not an integer" or "too
 * large" (or "too small").
 */
int
csm_int_read(const char *s, size_t len, int64_t *v, const char **why)
{
	struct csm_num n;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (csm_num_read(s, len, &n, why) == -1)
		return -1;
	if (!n.isint) {
		*why = n.d == floor(n.d) ? "too large" : "not an integer";
		return -1;
	}
	*v = n.i;
	return 0;
}

/*
 * A number from a JSON value (borrowed): an integer, a real (an integer
 * when integral), or a string that csm_num_read takes.  Returns 0, or -1
 * with *why.
 */
int
csm_num_json(const json_t *v, struct csm_num *n, const char **why)
{
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	memset(n, 0, sizeof(*n));
	if (json_is_integer(v)) {
		n->isint = 1;
		n->i = json_integer_value(v);
		n->d = (double)n->i;
		return 0;
	}
	if (json_is_real(v)) {
		n->d = json_real_value(v);
		if (n->d == 0)
			n->d = 0;
		n->isint = integral(n->d, &n->i);
		return 0;
	}
	if (json_is_string(v))
		return csm_num_read(json_string_value(v),
		    json_string_length(v), n, why);
	*why = "not a number";
	return -1;
}

/*
 * An integer from a JSON value (borrowed): a JSON integer, a real with an
 * integral value within int64_t, or a string that csm_int_read takes.
 * Returns 0, or -1 with *why.
 */
int
csm_int_json(const json_t *v, int64_t *i, const char **why)
{
	struct csm_num n;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	if (csm_num_json(v, &n, why) == -1)
		return -1;
	if (!n.isint) {
		*why = n.d == floor(n.d) ? "too large" : "not an integer";
		return -1;
	}
	*i = n.i;
	return 0;
}

/*
 * Writes n in plain decimal into buf (size at least CSM_NUM_TEXT): an
 * integer exactly; any other value in the fewest significant digits that
 * read back as the same double, never with an exponent (1e21 is written
 * "1000000000000000000000", 1e-7 "0.0000001").  Returns buf.
 */
char *
csm_num_text(const struct csm_num *n, char *buf)
{
	char e[40], dig[20];
	size_t nd = 0, o = 0, k;
	int prec, ex, neg;
	locale_t old;
	double d = n->d;
	const char *p;

	if (n->isint) {
		snprintf(buf, CSM_NUM_TEXT, "%" PRId64, n->i);
		return buf;
	}
	if (!isfinite(d) || d == 0) {
		snprintf(buf, CSM_NUM_TEXT, "0");
		return buf;
	}
	old = c_enter();
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, d);
		if (strtod(e, NULL) == d)
			break;
	}
	c_leave(old);
	/* e is "-d.ddde+XX"; whatever the decimal point, take the digits. */
	neg = e[0] == '-';
	for (p = e + neg; *p != '\0' && *p != 'e'; p++)
		if (isdig((unsigned char)*p) && nd < sizeof(dig))
			dig[nd++] = *p;
	ex = *p == 'e' ? atoi(p + 1) : 0;
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	if (neg)
		buf[o++] = '-';
	if (ex < 0) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (k = 1; k < (size_t)-ex; k++)
			buf[o++] = '0';
		for (k = 0; k < nd; k++)
			buf[o++] = dig[k];
	} else {
		for (k = 0; k < nd || k <= (size_t)ex; k++) {
			if (k == (size_t)ex + 1)
				buf[o++] = '.';
			buf[o++] = k < nd ? dig[k] : '0';
		}
	}
	buf[o] = '\0';
	return buf;
}
