/*
 * text.c - UTF-8 validation and decoding, display width, and escaping of
 * data for one-line messages.
 *
 * Widths come from our own table (after SQLite's qrf wcwidth) rather than
 * wcwidth(3), so that cron under LANG=C and a terminal agree: combining
 * marks and controls are 0, East Asian Wide and Fullwidth and emoji are 2,
 * everything else (ambiguous included) is 1.
 */
#include <stdio.h>
#include <string.h>

#include "csm.h"

struct range {
	uint32_t lo, hi;
};

/* Zero-width: combining marks, zero-width and format characters. */
static const struct range zero[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
	{0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
	{0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC},
	{0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
	{0x0730, 0x074A}, {0x07A6, 0x07B0}, {0x0900, 0x0902}, {0x093A, 0x093A},
	{0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0951, 0x0957},
	{0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1},
	{0x0EB4, 0x0EBC}, {0x0EC8, 0x0ECE}, {0x1160, 0x11FF}, {0x1AB0, 0x1AFF},
	{0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
	{0x2066, 0x206F}, {0x20D0, 0x20FF}, {0x302A, 0x302D}, {0x3099, 0x309A},
	{0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
	{0x1D167, 0x1D169}, {0x1D173, 0x1D182}, {0xE0000, 0xE0FFF},
};

/* Wide: East Asian Wide (W) and Fullwidth (F), emoji presentation. */
static const struct range wide[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
	{0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
	{0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
	{0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
	{0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
	{0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
	{0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
	{0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x303E},
	{0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
	{0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19},
	{0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE4},
	{0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004},
	{0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
	{0x1F200, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248},
	{0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F320},
	{0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393},
	{0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0},
	{0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440},
	{0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
	{0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596},
	{0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5},
	{0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7},
	{0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
	{0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A},
	{0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
	{0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int
in_table(uint32_t cp, const struct range *t, size_t n)
{
	size_t lo = 0, hi = n;

	if (cp < t[0].lo || cp > t[n - 1].hi)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > t[mid].hi)
			lo = mid + 1;
		else if (cp < t[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

/*
 * Length of the valid UTF-8 sequence at s (at most len bytes), or 0 if the
 * bytes there are not valid UTF-8: truncated, overlong, a surrogate, above
 * U+10FFFF, or a NUL byte.
 */
static size_t
seqlen(const unsigned char *s, size_t len, uint32_t *cpp)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80) {
		*cpp = s[0];
		return s[0] != 0;
	}
	if (s[0] < 0xC2)
		return 0;
	if (s[0] < 0xE0) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] < 0xF0) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] < 0xF5) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*cpp = cp;
	return n;
}

/*
 * Returns 1 if s[0..len) is valid UTF-8 and holds no NUL byte, else 0 with
 * the offset of the first bad byte in *bad (bad may be NULL).
 */
int
csm_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		/* ASCII runs, eight bytes at a time. */
		while (i + 8 <= len) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if ((w & 0x8080808080808080ULL) != 0 ||
			    ((w - 0x0101010101010101ULL) & ~w &
			    0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		n = seqlen(p + i, len - i, &cp);
		if (n == 0) {
			if (bad != NULL)
				*bad = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

/*
 * Decodes the code point at s.  For bytes that are not valid UTF-8 it
 * stores U+FFFD and returns 1, so a loop always advances.
 */
size_t
csm_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	size_t n;

	if (len == 0) {
		*cp = 0;
		return 0;
	}
	n = seqlen((const unsigned char *)s, len, cp);
	if (n == 0) {
		*cp = (unsigned char)s[0] == 0 ? 0 : 0xFFFD;
		return 1;
	}
	return n;
}

/* Display width of one code point: 0, 1 or 2 columns. */
int
csm_width_cp(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in_table(cp, zero, sizeof(zero) / sizeof(zero[0])))
		return 0;
	if (in_table(cp, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
}

/* Display width of the UTF-8 string s[0..len). */
size_t
csm_width(const char *s, size_t len)
{
	size_t w = 0, i = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			w += (unsigned char)s[i] >= 0x20 && s[i] != 0x7F;
			i++;
			continue;
		}
		n = csm_utf8_decode(s + i, len - i, &cp);
		w += (size_t)csm_width_cp(cp);
		i += n;
	}
	return w;
}

/*
 * The number of bytes of s that fit in maxw columns, never splitting a
 * character; the width they take goes to *used (if not NULL).
 */
size_t
csm_width_fit(const char *s, size_t len, size_t maxw, size_t *used)
{
	size_t w = 0, i = 0, n;
	uint32_t cp;
	int cw;

	while (i < len) {
		n = csm_utf8_decode(s + i, len - i, &cp);
		cw = csm_width_cp(cp);
		if (w + (size_t)cw > maxw)
			break;
		w += (size_t)cw;
		i += n;
	}
	if (used != NULL)
		*used = w;
	return i;
}

/* Characters a terminal might act on: C0, DEL, C1, bidi controls. */
static int
must_escape(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The escaped form of the character at s: its length in s goes to *k,
 * its text to tmp.  quotes: escape '"' and '\\' too.
 */
static void
escape_one(const char *s, size_t len, int quotes, char *tmp, size_t *k)
{
	uint32_t cp;

	*k = seqlen((const unsigned char *)s, len, &cp);
	if (*k == 0) {
		snprintf(tmp, 16, "\\x%02x", (unsigned char)s[0]);
		*k = 1;
	} else if (quotes && (cp == '"' || cp == '\\')) {
		tmp[0] = '\\';
		tmp[1] = (char)cp;
		tmp[2] = '\0';
	} else if (cp == '\n' || cp == '\t' || cp == '\r') {
		tmp[0] = '\\';
		tmp[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
		tmp[2] = '\0';
	} else if (must_escape(cp)) {
		snprintf(tmp, 16, "\\u%04x", (unsigned)cp);
	} else {
		memcpy(tmp, s, *k);
		tmp[*k] = '\0';
	}
}

/*
 * Escapes s into buf (size n, at least 8); cuts with "..." only when the
 * whole does not fit.
 */
static char *
escape(const char *s, size_t len, int quotes, char *buf, size_t n)
{
	size_t i, o = 0, k, need = 0, room;
	char tmp[16];

	if (n < 8) {
		if (n > 0)
			buf[0] = '\0';
		return buf;
	}
	for (i = 0; i < len; i += k) {
		escape_one(s + i, len - i, quotes, tmp, &k);
		need += strlen(tmp);
	}
	/* All of it, or as much as leaves room for "...". */
	room = need + 1 <= n ? n - 1 : n - 4;
	for (i = 0; i < len; i += k) {
		escape_one(s + i, len - i, quotes, tmp, &k);
		if (o + strlen(tmp) > room) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		memcpy(buf + o, tmp, strlen(tmp));
		o += strlen(tmp);
	}
	buf[o] = '\0';
	return buf;
}

/*
 * Writes s into buf (of size n, at least 8) escaped for a one-line message:
 * quotes, backslashes and control characters as in JSON (\n, \u001b),
 * bytes that are not UTF-8 as \xNN; cut with "..." when it does not fit.
 * Returns buf.
 */
char *
csm_escape(const char *s, size_t len, char *buf, size_t n)
{
	return escape(s, len, 1, buf, n);
}

/*
 * As csm_escape, but quotes and backslashes stay as they are: for text
 * that is already JSON, and for table cells.
 */
char *
csm_escape_controls(const char *s, size_t len, char *buf, size_t n)
{
	return escape(s, len, 0, buf, n);
}
