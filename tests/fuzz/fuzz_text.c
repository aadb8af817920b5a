/*
 * fuzz_text.c - UTF-8, display width and message escaping (lib/text.c),
 * and the normalization of customer identities (lib/ident.c): the input
 * is any bytes.
 *
 * Invariants:
 *  - csm_utf8_valid agrees with a plain decoder written from RFC 3629 (no
 *    NUL, no overlong forms, no surrogates, nothing above U+10FFFF), and
 *    names the first bad byte;
 *  - csm_utf8_decode always advances, within the input;
 *  - csm_escape and csm_escape_controls fit the buffer and write valid
 *    UTF-8 without a character a terminal would act on (C0, DEL, C1,
 *    bidi controls);
 *  - csm_width_fit cuts valid text between characters, within the width
 *    asked, and csm_width agrees with it;
 *  - an identity normalized once normalizes to itself.
 */
#include <string.h>

#include "csm.h"
#include "fuzz.h"

/* The length of the UTF-8 sequence at s, or 0 if it is not valid (NUL
 * counts as invalid, as csm_utf8_valid has it). */
static size_t
ref_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t v;

	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, v = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, v = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, v = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

/* Whether s is valid UTF-8; *bad gets the first bad byte. */
static int
ref_valid(const unsigned char *s, size_t len, size_t *bad)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((n = ref_seq(s + i, len - i, &cp)) == 0) {
			*bad = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

/* Whether escaped text is safe to print: valid UTF-8 without any
 * character a terminal would act on. */
static int
safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((n = ref_seq(p + i, len - i, &cp)) == 0)
			return 0;
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
		    (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return 0;
		i += n;
	}
	return 1;
}

static void
check_escape(const char *s, size_t len)
{
	static const size_t sizes[] = {8, 9, 12, 40, 80, 256, 4096};
	char buf[4096 + 8];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(buf, 'Z', sizeof(buf));
		csm_escape(s, len, buf, sizes[i]);
		FUZZ_ASSERT(memchr(buf, '\0', sizes[i]) != NULL);
		FUZZ_ASSERT(safe(buf));
		FUZZ_ASSERT(buf[sizes[i]] == 'Z');
		memset(buf, 'Z', sizeof(buf));
		csm_escape_controls(s, len, buf, sizes[i]);
		FUZZ_ASSERT(memchr(buf, '\0', sizes[i]) != NULL);
		FUZZ_ASSERT(safe(buf));
		FUZZ_ASSERT(buf[sizes[i]] == 'Z');
	}
}

static void
check_width(const char *s, size_t len)
{
	static const size_t widths[] = {0, 1, 2, 3, 10, 48, 1000};
	size_t i, fit, used, w;
	uint32_t cp;

	w = 0;
	for (i = 0; i < len;) {
		size_t n = csm_utf8_decode(s + i, len - i, &cp);

		FUZZ_ASSERT(n >= 1 && n <= len - i);
		w += (size_t)csm_width_cp(cp);
		i += n;
	}
	FUZZ_ASSERT(csm_width(s, len) == w);
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		fit = csm_width_fit(s, len, widths[i], &used);
		FUZZ_ASSERT(fit <= len);
		FUZZ_ASSERT(used <= widths[i]);
		FUZZ_ASSERT(csm_utf8_valid(s, fit, NULL));
		FUZZ_ASSERT(csm_width(s, fit) == used);
		if (widths[i] >= w)
			FUZZ_ASSERT(fit == len);
	}
}

static void
check_ids(const char *s, size_t len)
{
	char out[512], again[512];
	struct csm_err err;
	int kind, n, m;

	for (kind = 0; kind < CSM_NIDKINDS; kind++) {
		csm_err_clear(&err);
		n = csm_id_norm(kind, s, len, out, sizeof(out), &err);
		if (n < 0) {
			FUZZ_ASSERT(err.code == CSM_EDATA);
			FUZZ_ASSERT(err.msg[0] != '\0' && safe(err.msg));
			continue;
		}
		FUZZ_ASSERT((size_t)n == strlen(out) && n > 0);
		m = csm_id_norm(kind, out, (size_t)n, again, sizeof(again),
		    &err);
		if (m != n || strcmp(out, again) != 0)
			fprintf(stderr, "%s: \"%s\" -> \"%s\"\n",
			    csm_id_name(kind), out, m < 0 ? err.msg : again);
		FUZZ_ASSERT(m == n && strcmp(out, again) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t bad = 0, rbad = 0;
	int valid, rvalid;

	valid = csm_utf8_valid(s, size, &bad);
	rvalid = ref_valid(data, size, &rbad);
	FUZZ_ASSERT(valid == rvalid);
	if (!valid)
		FUZZ_ASSERT(bad == rbad);
	check_escape(s, size);
	if (valid)
		check_width(s, size);
	else
		(void)csm_width_fit(s, size, 10, NULL);
	if (valid && size < 400)
		check_ids(s, size);
	return 0;
}
