/*
 * ident.c - customer identities: normalizing phone numbers, emails and
 * channel ids, and the in-memory cache that maps an identity to its
 * customer so that ingest resolves customers without a query per record.
 *
 * The cache holds every identity of the store (memory grows with the
 * number of distinct identities, not of records) and a union-find forest
 * over customer ids for merges.  It is loaded lazily and dropped whenever
 * another connection has committed (PRAGMA data_version), so concurrent
 * writers never act on stale mappings.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "model.h"

#define MAX_ID 255	/* longest normalized identity, in bytes */

static const struct {
	const char *field, *name;
} idkinds[CSM_NIDKINDS] = {
	{"phone", "phone"},
	{"email", "email"},
	{"wechat", "wechat"},
	{"wecom", "wecom"},
	{"dingtalk", "dingtalk"},
	{"weibo", "weibo"},
	{"crm_id", "crm"},
};

/* The record field that carries an identity kind. */
const char *
csm_id_field(int kind)
{
	return kind >= 0 && kind < CSM_NIDKINDS ? idkinds[kind].field : NULL;
}

/* The name an identity kind has in the store. */
const char *
csm_id_name(int kind)
{
	return kind >= 0 && kind < CSM_NIDKINDS ? idkinds[kind].name : NULL;
}

/* The identity kind stored under name, or -1. */
int
csm_id_kind(const char *name)
{
	int k;

	for (k = 0; k < CSM_NIDKINDS; k++)
		if (strcmp(idkinds[k].name, name) == 0)
			return k;
	return -1;
}

static int
bad(struct csm_err *err, const char *what, const char *s, size_t len)
{
	char esc[80];

	return csm_err_set(err, CSM_EDATA, "not %s: \"%s\"", what,
	    csm_escape(s, len, esc, sizeof(esc)));
}

/* Whether s holds a C1 control (U+0080..U+009F): a terminal would act on
 * it, and no real identifier has one. */
static int
has_c1(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] == 0xC2 &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9F)
			return 1;
	return 0;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* The value of the digit at s[i] (ASCII or fullwidth) and its width in
 * *w, or -1 if there is none. */
static int
digit_at(const char *s, size_t len, size_t i, size_t *w)
{
	unsigned char c = (unsigned char)s[i];

	if (c >= '0' && c <= '9') {
		*w = 1;
		return c - '0';
	}
	if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBC &&
	    (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99) {
		*w = 3;
		return (unsigned char)s[i + 2] - 0x90;
	}
	return -1;
}

/* The length of the text t if s[i..len) starts with it (ASCII letters in
 * any case), else 0. */
static size_t
starts(const char *s, size_t len, size_t i, const char *t)
{
	size_t n = strlen(t);

	return len - i >= n && strncasecmp(s + i, t, n) == 0 ? n : 0;
}

/*
 * What people write between a number and its extension, longest first
 * where one begins another: "ext 12", "x12", "#12", ",12" (a dialler's
 * pause), "转12", "分机 12", "内线 12", and fullwidth ＃ ， ；.
 */
static const char *const ext_marks[] = {
	"extension", "extn", "ext", "x", "#", ",", ";",
	"\xE8\xBD\xAC",				/* 转 */
	"\xE5\x88\x86\xE6\x9C\xBA\xE5\x8F\xB7",	/* 分机号 */
	"\xE5\x88\x86\xE6\x9C\xBA",		/* 分机 */
	"\xE5\x86\x85\xE7\xBA\xBF",		/* 内线 */
	"\xEF\xBC\x83", "\xEF\xBC\x8C", "\xEF\xBC\x9B",	/* ＃ ， ； */
};

#define MAX_EXT 8	/* digits in an extension */

/*
 * The end of the line part of s: where an extension marker starts
 * ("010-8888 6666 ext 123" gives 13), or len if there is none.  A marker
 * must follow a digit and be followed by 1..MAX_EXT digits and nothing
 * else (an optional ".", ":" or "：" after it, spaces, and parentheses
 * around marker and extension).  -1 if a marker is followed by anything
 * else.
 */
static long
ext_start(const char *s, size_t len)
{
	size_t i, j, k, m, w, nd;
	int digit = 0, paren;

	for (i = 0; i < len; i += digit_at(s, len, i, &w) >= 0 ? w : 1) {
		if (digit_at(s, len, i, &w) >= 0) {
			digit = 1;
			continue;
		}
		if (!digit)
			continue;
		j = i;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		paren = 0;
		if (j < len && s[j] == '(')
			paren = 1;
		else if (starts(s, len, j, "\xEF\xBC\x88"))	/* （ */
			paren = 3;
		j += (size_t)paren;
		for (k = 0, m = 0; k < sizeof(ext_marks) / sizeof(ext_marks[0]);
		    k++)
			if ((m = starts(s, len, j, ext_marks[k])) > 0)
				break;
		if (m == 0)
			continue;	/* "+44 (0)20 ...", "555-0100" */
		j += m;
		if (j < len && (s[j] == '.' || s[j] == ':'))
			j++;
		else if (starts(s, len, j, "\xEF\xBC\x9A"))	/* ： */
			j += 3;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		for (nd = 0; j < len && digit_at(s, len, j, &w) >= 0; j += w)
			nd++;
		if (paren == 1 && j < len && s[j] == ')')
			j++;
		else if (paren == 3 && starts(s, len, j, "\xEF\xBC\x89"))
			j += 3;				/* ） */
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (nd == 0 || nd > MAX_EXT || j != len)
			return -1;
		return (long)i;
	}
	return (long)len;
}

/*
 * A number as a spreadsheet writes it: "13812345678.0" (a float) or
 * "1.3812345678E+10" (Excel's scientific form).  Writes the digits into
 * d (room for n) and returns their count; 0 if s is in neither form; -1
 * if it is a number with a fraction ("1.381234567812E+10"); -2 if the
 * form has lost digits ("1.38123E+10", from a narrow column).
 */
static int
unfloat(const char *s, size_t len, char *d, size_t n)
{
	size_t i = 0, j, frac = 0, exp = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0 || i + 1 >= len || s[i] != '.')
		return 0;
	/* "13812345678.0" or ".00": digits, a dot, one or two zeros. */
	for (j = i + 1; j < len && s[j] == '0'; j++)
		;
	if (j == len && len - i <= 3) {
		if (i >= n)
			return -1;
		memcpy(d, s, i);
		return (int)i;
	}
	/* "d.ddddE+nn": every digit of the number must be there. */
	if (i != 1)
		return 0;
	for (i = 2; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		frac++;
	if (frac == 0 || i >= len || (s[i] != 'E' && s[i] != 'e'))
		return 0;
	if (++i < len && s[i] == '+')
		i++;
	if (i == len || len - i > 2)
		return 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		exp = exp * 10 + (size_t)(s[i] - '0');
	}
	if (frac > exp || exp + 1 >= n)
		return -1;
	if (frac < exp)
		return -2;
	d[0] = s[0];
	memcpy(d + 1, s + 2, frac);
	return (int)frac + 1;
}

/* The most digits a Chinese landline has in its national form, from the
 * first digit of its area code: 11 for Beijing (010) and the 02x cities,
 * 12 for 3-digit area codes (0755 8123 4567). */
static size_t
landline_max(char area)
{
	return area == '1' || area == '2' ? 11 : 12;
}

static int
norm_phone(const char *s0, size_t len0, char *out, size_t n,
    struct csm_err *err)
{
	char d[40] = {0}, f[40], prefix;
	size_t nd = 0, i = 0, o, w, grp = 0, len;
	int plus = 0, dash = 0, v;
	const char *rest, *s = s0;
	size_t rlen;
	long cut;

	/* A spreadsheet's number first: "13812345678.0" is one number. */
	v = unfloat(s0, len0, f, sizeof(f));
	if (v == -2) {
		char esc[80];

		return csm_err_set(err, CSM_EDATA, "digits lost to a "
		    "spreadsheet's number format: \"%s\"",
		    csm_escape(s0, len0, esc, sizeof(esc)));
	}
	if (v < 0)
		return bad(err, "a phone number", s0, len0);
	if (v > 0) {
		s = f;
		len = (size_t)v;
	} else {
		/* The identity is the line: an extension is dropped. */
		cut = ext_start(s0, len0);
		if (cut < 0)
			return bad(err, "a phone number", s0, len0);
		len = (size_t)cut;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
	}
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (digit_at(s, len, i, &w) >= 0) {
			if (nd == sizeof(d))
				return bad(err, "a phone number", s0, len0);
			if (dash)
				grp = nd;	/* a group after a dash */
			dash = 0;
			d[nd++] = (char)('0' + digit_at(s, len, i, &w));
			i += w;
		} else if (c == 0xEF && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0xBC &&
		    ((unsigned char)s[i + 2] == 0x8D ||
		    (unsigned char)s[i + 2] == 0x8E ||
		    (unsigned char)s[i + 2] == 0x88 ||
		    (unsigned char)s[i + 2] == 0x89)) {
			/* Fullwidth - . ( ) from an input method. */
			dash = (unsigned char)s[i + 2] == 0x8D && nd > 0;
			i += 3;
		} else if (c == 0xEF && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0xBC &&
		    (unsigned char)s[i + 2] == 0x8B && nd == 0 && !plus) {
			plus = 1;	/* fullwidth + */
			i += 3;
		} else if (c == 0xE3 && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x80) {
			i += 3;		/* ideographic space */
		} else if (c == '(' && i + 2 < len && s[i + 1] == '0' &&
		    s[i + 2] == ')' && nd > 0 &&
		    (plus || (nd > 2 && d[0] == '0' && d[1] == '0'))) {
			/* "+44 (0)20 ...": the trunk 0 is not dialled from
			 * abroad. */
			i += 3;
		} else if (c == '+' && nd == 0 && !plus) {
			plus = 1;
			i++;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' ||
		    c == ')' || c == '\t' || c == '/') {
			if (c == '-' && nd > 0)
				dash = 1;
			i++;
		} else
			return bad(err, "a phone number", s0, len0);
	}
	rest = d;
	rlen = nd;
	if (!plus && rlen > 2 && d[0] == '0' && d[1] == '0') {
		plus = 1;
		rest += 2;
		rlen -= 2;
		grp = grp >= 2 ? grp - 2 : 0;
	} else if (!plus && rlen == 13 && d[0] == '8' && d[1] == '6' &&
	    d[2] == '1')
		plus = 1;	/* 8613812345678 */
	prefix = '\0';
	if (plus && rlen > 2 && rest[0] == '8' && rest[1] == '6') {
		/* China: back to the national form. */
		rest += 2;
		rlen -= 2;
		grp = grp >= 2 ? grp - 2 : 0;
		/* None starts 00, which would read as an international
		 * prefix when normalized again. */
		if (rlen >= 2 && rest[0] == '0' && rest[1] == '0')
			return bad(err, "a phone number", s0, len0);
		/* A mobile is 11 digits from 1; 400 and 800 numbers (10
		 * digits) and service numbers (95588, 10086, 12315: 5 or
		 * 6) are dialled as they are; anything else is a landline,
		 * whose trunk 0 is not dialled from abroad. */
		if (!(rlen == 11 && rest[0] == '1') &&
		    !(rlen == 10 && (memcmp(rest, "400", 3) == 0 ||
		    memcmp(rest, "800", 3) == 0)) &&
		    !((rlen == 5 || rlen == 6) && (rest[0] == '1' ||
		    rest[0] == '9')) && (rlen == 0 || rest[0] != '0')) {
			prefix = '0';
			grp++;
		}
		plus = 0;
	} else if (plus) {
		if (rlen < 7 || rlen > 15)
			return bad(err, "a phone number", s0, len0);
		prefix = '+';
	}
	o = prefix != '\0';
	/* A Chinese landline with a dash-separated group it has no room
	 * for: "010-8888 6666-123" is line 010-8888 6666, extension 123. */
	if (!plus && grp > 0 && rlen >= 2 && (prefix == '0' ||
	    rest[0] == '0')) {
		size_t max = landline_max(prefix == '0' ? rest[0] : rest[1]);

		if (rlen + o > max && grp >= 11 && grp <= max &&
		    rlen + o - grp <= MAX_EXT)
			rlen = grp - o;
	}
	if (!plus && (rlen + o < 5 || rlen + o > 15))
		return bad(err, "a phone number", s0, len0);
	/* Check the room before writing anything. */
	if (o + rlen + 1 > n)
		return bad(err, "a phone number", s0, len0);
	if (o)
		out[0] = prefix;
	memcpy(out + o, rest, rlen);
	o += rlen;
	out[o] = '\0';
	return (int)o;
}

static int
norm_email(const char *s, size_t len, char *out, size_t n,
    struct csm_err *err)
{
	const char *lt, *at = NULL;
	size_t i;

	/* "Alice Wang <alice@example.com>" */
	lt = memchr(s, '<', len);
	if (lt != NULL && len > 0 && s[len - 1] == '>') {
		len -= (size_t)(lt - s) + 2;
		s = lt + 1;
		trim(&s, &len);
	}
	if (len > 7 && strncasecmp(s, "mailto:", 7) == 0) {
		s += 7;
		len -= 7;
	}
	if (len == 0 || len > MAX_ID || len + 1 > n || has_c1(s, len))
		return bad(err, "an email address", s, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7F || c == '<' || c == '>' ||
		    c == ',' || c == ';' || c == '"')
			return bad(err, "an email address", s, len);
		if (c == '@') {
			if (at != NULL)
				return bad(err, "an email address", s, len);
			at = s + i;
		}
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	if (at == NULL || at == s || at == s + len - 1)
		return bad(err, "an email address", s, len);
	out[len] = '\0';
	return (int)len;
}

/*
 * Normalizes an identity of the given kind into out.  Returns the length,
 * or -1 with err (CSM_EDATA).
 */
int
csm_id_norm(int kind, const char *s, size_t len, char *out, size_t n,
    struct csm_err *err)
{
	size_t i;

	trim(&s, &len);
	if (kind == CSM_ID_PHONE)
		return norm_phone(s, len, out, n, err);
	if (kind == CSM_ID_EMAIL)
		return norm_email(s, len, out, n, err);
	if (len == 0 || len > MAX_ID || len + 1 > n || has_c1(s, len))
		return bad(err, "an identifier", s, len);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7F)
			return bad(err, "an identifier", s, len);
	memcpy(out, s, len);
	out[len] = '\0';
	return (int)len;
}

/*
 * The cache.  Keys live in an arena as [kind][len][bytes]; the table holds
 * (hash, arena offset, customer) with linear probing.
 */
struct slot {
	uint32_t	hash;	/* the high bits of the key's hash */
	uint32_t	off;	/* 0: empty (the arena starts with a pad) */
	uint32_t	cust;
};

struct csm_idcache {
	struct slot	*tab;
	size_t		 cap, n;
	struct csm_buf	 arena;
	uint32_t	*parent;	/* union-find; 0 = root */
	uint8_t		*flags;		/* CSM_PROF_* per customer */
	size_t		 ncust;
	int		 loaded;
};

static uint64_t
hash(int kind, const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)kind;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* A new, empty cache.  Returns new, or NULL when out of memory. */
struct csm_idcache *
csm_idcache_new(void)
{
	return calloc(1, sizeof(struct csm_idcache));
}

/* Empties the cache (it reloads on the next use). */
void
csm_idcache_clear(struct csm_idcache *c)
{
	free(c->tab);
	free(c->parent);
	free(c->flags);
	csm_buf_free(&c->arena);
	memset(c, 0, sizeof(*c));
}

/* Frees the cache; NULL is a no-op. */
void
csm_idcache_free(struct csm_idcache *c)
{
	if (c == NULL)
		return;
	csm_idcache_clear(c);
	free(c);
}

static int
grow_cust(struct csm_idcache *c, uint32_t cust)
{
	size_t cap;
	uint32_t *p;
	uint8_t *f;

	if (cust < c->ncust)
		return 0;
	cap = c->ncust ? c->ncust : 1024;
	while (cap <= cust)
		cap *= 2;
	p = realloc(c->parent, cap * sizeof(*p));
	if (p == NULL)
		return -1;
	c->parent = p;
	f = realloc(c->flags, cap);
	if (f == NULL)
		return -1;
	c->flags = f;
	memset(c->parent + c->ncust, 0, (cap - c->ncust) * sizeof(*p));
	memset(c->flags + c->ncust, 0, cap - c->ncust);
	c->ncust = cap;
	return 0;
}

/* The customer a merged customer now lives in (itself if not merged). */
uint32_t
csm_idcache_root(struct csm_idcache *c, uint32_t cust)
{
	uint32_t r = cust, next;
	size_t steps = 0;

	while (r < c->ncust && c->parent[r] != 0 && c->parent[r] != r) {
		r = c->parent[r];
		/* A chain longer than there are customers is a loop in the
		 * store's merged_into: stop, and leave it as it is. */
		if (++steps > c->ncust)
			return cust;
	}
	/* Path compression. */
	while (cust < c->ncust && c->parent[cust] != 0 && cust != r) {
		next = c->parent[cust];
		c->parent[cust] = r;
		cust = next;
	}
	return r;
}

static struct slot *
find(struct csm_idcache *c, uint64_t h, int kind, const char *s, size_t len)
{
	size_t i;

	if (c->cap == 0)
		return NULL;
	for (i = (size_t)h & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		struct slot *sl = &c->tab[i];
		const unsigned char *k;

		if (sl->off == 0)
			return sl;
		if (sl->hash != (uint32_t)(h >> 32))
			continue;
		k = (const unsigned char *)c->arena.p + sl->off;
		if (k[0] == kind && k[1] == len && memcmp(k + 2, s, len) == 0)
			return sl;
	}
}

static int
rehash(struct csm_idcache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024, i, j;
	struct slot *tab = calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return -1;
	for (i = 0; i < c->cap; i++) {
		const unsigned char *k;

		if (c->tab[i].off == 0)
			continue;
		/* Slots keep only the high half of the hash: recompute. */
		k = (const unsigned char *)c->arena.p + c->tab[i].off;
		for (j = (size_t)hash(k[0], (const char *)k + 2, k[1]) &
		    (cap - 1); tab[j].off != 0; j = (j + 1) & (cap - 1))
			;
		tab[j] = c->tab[i];
	}
	free(c->tab);
	c->tab = tab;
	c->cap = cap;
	return 0;
}

/* The customer (root) that holds an identity, or 0 if none does (or the
 * cache does not know). */
uint32_t
csm_idcache_get(struct csm_idcache *c, int kind, const char *s, size_t len)
{
	struct slot *sl = find(c, hash(kind, s, len), kind, s, len);

	if (sl == NULL || sl->off == 0 || sl->cust == 0)
		return 0;
	return csm_idcache_root(c, sl->cust);
}

/*
 * Whether the cache knows who holds an identity: 1 and *cust (the root
 * customer, 0 for nobody), or 0 when it must be looked up in the store.
 * A loaded cache knows every identity.
 */
int
csm_idcache_find(struct csm_idcache *c, int kind, const char *s, size_t len,
    uint32_t *cust)
{
	struct slot *sl = find(c, hash(kind, s, len), kind, s, len);

	*cust = 0;
	if (sl == NULL || sl->off == 0)
		return c->loaded;
	if (sl->cust != 0)
		*cust = csm_idcache_root(c, sl->cust);
	return 1;
}

/* Notes a customer's parent (merged_into, 0 for none) and flags. */
int
csm_idcache_customer(struct csm_idcache *c, uint32_t cust, uint32_t parent,
    unsigned flags)
{
	if (grow_cust(c, cust) < 0 || grow_cust(c, parent) < 0)
		return -1;
	c->parent[cust] = parent;
	c->flags[cust] = (uint8_t)flags;
	return 0;
}

/* Records that an identity belongs to cust.  0, or -1 out of memory. */
int
csm_idcache_put(struct csm_idcache *c, int kind, const char *s, size_t len,
    uint32_t cust)
{
	uint64_t h = hash(kind, s, len);
	struct slot *sl;
	unsigned char hdr[2];

	if (len > MAX_ID || grow_cust(c, cust) < 0)
		return -1;
	/* At most 3/4 full: 12 bytes a slot, 16 an identity. */
	if ((c->n + 1) * 4 > c->cap * 3 && rehash(c) < 0)
		return -1;
	if (c->arena.len == 0 && csm_buf_addc(&c->arena, '\0') < 0)
		return -1;
	sl = find(c, h, kind, s, len);
	if (sl->off != 0) {
		sl->cust = cust;
		return 0;
	}
	if (c->arena.len > UINT32_MAX - MAX_ID - 2)
		return -1;
	sl->hash = (uint32_t)(h >> 32);
	sl->off = (uint32_t)c->arena.len;
	sl->cust = cust;
	hdr[0] = (unsigned char)kind;
	hdr[1] = (unsigned char)len;
	if (csm_buf_add(&c->arena, (const char *)hdr, 2) < 0 ||
	    csm_buf_add(&c->arena, s, len) < 0) {
		sl->off = 0;
		return -1;
	}
	c->n++;
	return 0;
}

/* Makes from an alias of into.  0, or -1 out of memory. */
int
csm_idcache_merge(struct csm_idcache *c, uint32_t from, uint32_t into)
{
	if (grow_cust(c, from > into ? from : into) < 0)
		return -1;
	from = csm_idcache_root(c, from);
	into = csm_idcache_root(c, into);
	if (from != into)
		c->parent[from] = into;
	c->flags[into] |= c->flags[from];
	return 0;
}

/* Profile flags of a customer (CSM_PROF_*), and setting them. */
unsigned
csm_idcache_flags(struct csm_idcache *c, uint32_t cust)
{
	return cust < c->ncust ? c->flags[cust] : 0;
}

void
csm_idcache_set_flags(struct csm_idcache *c, uint32_t cust, unsigned f)
{
	if (grow_cust(c, cust) == 0)
		c->flags[cust] = (uint8_t)f;
}

/* Whether the cache holds the store's identities. */
int
csm_idcache_loaded(const struct csm_idcache *c)
{
	return c->loaded;
}

/*
 * Loads every identity, merge and profile flag from the store.  0, or -1
 * with err.
 */
int
csm_idcache_load(struct csm_idcache *c, struct csm_store *st,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	int rc, kind;

	csm_idcache_clear(c);
	s = csm_store_stmt(st, "SELECT kind, value, customer FROM identities",
	    err);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		kind = csm_id_kind((const char *)sqlite3_column_text(s, 0));
		if (kind < 0)
			continue;
		if (csm_idcache_put(c, kind,
		    (const char *)sqlite3_column_text(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1),
		    (uint32_t)sqlite3_column_int64(s, 2)) < 0) {
			sqlite3_reset(s);
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory");
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return csm_store_sqlerr(st, rc, err);
	s = csm_store_stmt(st, "SELECT id, merged_into, name IS NOT NULL, "
	    "tier IS NOT NULL, org IS NOT NULL FROM customers", err);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint32_t id = (uint32_t)sqlite3_column_int64(s, 0);
		unsigned f = CSM_PROF_EXISTS;

		if (grow_cust(c, id) < 0) {
			sqlite3_reset(s);
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory");
		}
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			c->parent[id] = (uint32_t)sqlite3_column_int64(s, 1);
		f |= sqlite3_column_int(s, 2) ? CSM_PROF_NAME : 0;
		f |= sqlite3_column_int(s, 3) ? CSM_PROF_TIER : 0;
		f |= sqlite3_column_int(s, 4) ? CSM_PROF_ORG : 0;
		c->flags[id] = (uint8_t)f;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return csm_store_sqlerr(st, rc, err);
	c->loaded = 1;
	return 0;
}
