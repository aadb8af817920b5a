/*
 * json.c - a fast path for reading one JSON Lines record.
 *
 * jansson parses about 90 MB/s: for a million tickets that is 13 seconds,
 * more than the store needs to write them.  Most records are one flat
 * object of strings, integers, booleans, nulls and arrays of those, and
 * this scanner reads exactly that about six times faster, building the
 * same jansson values.  It gives up (returns NULL) on anything else or
 * anything doubtful: a number with a fraction or exponent, an escape it
 * does not know, a \u0000, an invalid surrogate, a duplicate key, a nested
 * object, invalid UTF-8, trailing bytes.  The caller then parses the line
 * with jansson, so what is accepted, what is refused and every error
 * message stay jansson's.  tests/unit/test_json.c checks the two agree.
 */
#include <string.h>

#include "internal.h"

struct scan {
	const char	*p, *end;
	struct csm_buf	*tmp;
};

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned x = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

static int
put_utf8(struct csm_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return csm_buf_add(b, u, n);
}

/*
 * Reads a string at s->p (on its opening quote) into s->tmp, decoded and
 * NUL-terminated.  The line was checked to be UTF-8 without NUL bytes.
 * Returns 0, or -1 to give up.
 */
static int
string(struct scan *s)
{
	const char *p = s->p + 1, *run;
	unsigned cp, lo;

	s->tmp->len = 0;
	for (;;) {
		run = p;
		while (p < s->end && *p != '"' && *p != '\\' &&
		    (unsigned char)*p >= 0x20)
			p++;
		if (csm_buf_add(s->tmp, run, (size_t)(p - run)) < 0 ||
		    p >= s->end)
			return -1;
		if (*p == '"')
			break;
		if (*p != '\\')
			return -1;	/* a control character */
		if (++p >= s->end)
			return -1;
		switch (*p++) {
		case '"':
			cp = '"';
			break;
		case '\\':
			cp = '\\';
			break;
		case '/':
			cp = '/';
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (s->end - p < 4 || hex4(p, &cp) < 0)
				return -1;
			p += 4;
			if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (s->end - p < 6 || p[0] != '\\' ||
				    p[1] != 'u' || hex4(p + 2, &lo) < 0 ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				    (lo - 0xDC00);
			}
			break;
		default:
			return -1;
		}
		if (put_utf8(s->tmp, cp) < 0)
			return -1;
	}
	s->p = p + 1;
	return csm_buf_addc(s->tmp, '\0') < 0 ? -1 : 0;
}

/* An integer: -?(0|[1-9][0-9]*), no fraction or exponent, in 18 digits. */
static json_t *
integer(struct scan *s)
{
	const char *p = s->p;
	int neg = 0, digits = 0;
	json_int_t v = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p >= s->end || *p < '0' || *p > '9')
		return NULL;
	if (*p == '0' && p + 1 < s->end && p[1] >= '0' && p[1] <= '9')
		return NULL;
	while (p < s->end && *p >= '0' && *p <= '9') {
		if (++digits > 18)
			return NULL;	/* leave range checks to jansson */
		v = v * 10 + (*p++ - '0');
	}
	if (p < s->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return NULL;
	s->p = p;
	return json_integer(neg ? -v : v);
}

static int
word(struct scan *s, const char *w, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* A scalar, or an array of scalars. */
static json_t *
value(struct scan *s, int in_array)
{
	json_t *v, *arr;

	if (s->p >= s->end)
		return NULL;
	switch (*s->p) {
	case '"':
		if (string(s) < 0)
			return NULL;
		return json_stringn_nocheck(s->tmp->p, s->tmp->len - 1);
	case 't':
		return word(s, "true", 4) < 0 ? NULL : json_true();
	case 'f':
		return word(s, "false", 5) < 0 ? NULL : json_false();
	case 'n':
		return word(s, "null", 4) < 0 ? NULL : json_null();
	case '[':
		if (in_array || (arr = json_array()) == NULL)
			return NULL;
		s->p++;
		skip_ws(s);
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return arr;
		}
		for (;;) {
			skip_ws(s);
			v = value(s, 1);
			if (v == NULL || json_array_append_new(arr, v) < 0)
				break;
			skip_ws(s);
			if (s->p >= s->end)
				break;
			if (*s->p == ']') {
				s->p++;
				return arr;
			}
			if (*s->p++ != ',')
				break;
		}
		json_decref(arr);
		return NULL;
	default:
		return integer(s);
	}
}

/*
 * Reads the JSON object in s[0..len) the fast way.  Returns new, or NULL
 * when the line is not of the simple kind (the caller then uses jansson).
 * tmp is scratch space.
 */
json_t *
csm_json_fast(const char *text, size_t len, struct csm_buf *tmp)
{
	struct scan s = {text, text + len, tmp};
	json_t *obj, *v;

	if (!csm_utf8_valid(text, len, NULL))
		return NULL;
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{' || (obj = json_object()) == NULL)
		return NULL;
	s.p++;
	skip_ws(&s);
	if (s.p < s.end && *s.p == '}') {
		s.p++;
		goto end;
	}
	for (;;) {
		skip_ws(&s);
		if (s.p >= s.end || *s.p != '"' || string(&s) < 0)
			goto fail;
		/* The key is in tmp until the value is read: keep it. */
		if (json_object_get(obj, tmp->p) != NULL)
			goto fail;	/* duplicate: jansson says so */
		{
			char key[128], *k = key;
			size_t klen = tmp->len;

			if (klen > sizeof(key) ||
			    memchr(tmp->p, '\0', klen - 1) != NULL)
				goto fail;
			memcpy(k, tmp->p, klen);
			skip_ws(&s);
			if (s.p >= s.end || *s.p++ != ':')
				goto fail;
			skip_ws(&s);
			v = value(&s, 0);
			if (v == NULL)
				goto fail;
			if (json_object_set_new_nocheck(obj, k, v) < 0)
				goto fail;
		}
		skip_ws(&s);
		if (s.p >= s.end)
			goto fail;
		if (*s.p == '}') {
			s.p++;
			break;
		}
		if (*s.p++ != ',')
			goto fail;
	}
end:
	skip_ws(&s);
	if (s.p == s.end)
		return obj;
fail:
	json_decref(obj);
	return NULL;
}
