/*
 * redact.c - records with the personal data taken out, for exports that
 * leave the team (csm-report export --redact, bug reports, test data).
 *
 * Identities (phone, email, WeChat, ... CRM id) become pseudonyms: a keyed
 * SipHash-2-4 of the normalized value, so that one customer's rows still
 * go together within one export, while the key, random for each
 * redactor, keeps them from being looked up (a phone number has too few
 * digits for an unkeyed hash to hide it).  Names, organisations and
 * addresses are replaced.  In free text (subject, body, comments) e-mail
 * addresses and runs of seven or more digits are masked.  Everything
 * else is kept: statuses, times, products and counts are what a report
 * is about.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "internal.h"

struct csm_redactor {
	uint64_t	k0, k1;
};

/* Fields replaced whole, wherever they are (top level or in attrs). */
static const char *const personal[] = {
	"name", "org", "address", "author", "contact", "id_card", "birthday",
	NULL
};

/* Free text: kept, with e-mail addresses and long digit runs masked. */
static const char *const freetext[] = {
	"subject", "body", "comment", "note", "description", NULL
};

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void
sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

/* SipHash-2-4 of s[0..len) under the key (k0, k1). */
uint64_t
csm_siphash(uint64_t k0, uint64_t k1, const void *s, size_t len)
{
	const unsigned char *p = s;
	uint64_t v[4], m, b = (uint64_t)len << 56;
	size_t i, left = len & 7;
	int j;

	v[0] = k0 ^ 0x736f6d6570736575ULL;
	v[1] = k1 ^ 0x646f72616e646f6dULL;
	v[2] = k0 ^ 0x6c7967656e657261ULL;
	v[3] = k1 ^ 0x7465646279746573ULL;
	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 7; j >= 0; j--)
			m = m << 8 | p[i + (size_t)j];
		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	for (j = (int)left - 1; j >= 0; j--)
		b |= (uint64_t)p[i + (size_t)j] << (8 * j);
	v[3] ^= b;
	sipround(v);
	sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (j = 0; j < 4; j++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/*
 * A redactor with a random key from /dev/urandom; NULL with err when
 * there is none.  The same redactor gives the same pseudonym for the same
 * identity; two redactors do not.
 */
struct csm_redactor *
csm_redactor_new(struct csm_err *err)
{
	struct csm_redactor *r;
	unsigned char key[16];
	ssize_t n = -1;
	int fd, i;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, key, sizeof(key));
		close(fd);
	}
	if (n != (ssize_t)sizeof(key)) {
		csm_err_set(err, CSM_EINTERNAL, "no random key for the "
		    "pseudonyms: /dev/urandom: %s", n < 0 ? strerror(errno) :
		    "short read");
		return NULL;
	}
	r = csm_redactor_with_key(key);
	if (r == NULL)
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
	for (i = 0; i < 16; i++)
		key[i] = 0;
	return r;
}

/* A redactor with a given 16-byte key (for tests), or NULL. */
struct csm_redactor *
csm_redactor_with_key(const unsigned char key[16])
{
	struct csm_redactor *r = calloc(1, sizeof(*r));
	int i;

	if (r == NULL)
		return NULL;
	for (i = 7; i >= 0; i--) {
		r->k0 = r->k0 << 8 | key[i];
		r->k1 = r->k1 << 8 | key[8 + i];
	}
	return r;
}

void
csm_redactor_free(struct csm_redactor *r)
{
	free(r);
}

static int
in(const char *const *list, const char *key)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

static int
isdig(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Characters of the local part and domain of an e-mail address. */
static int
isaddr(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    isdig(c) || c == '.' || c == '_' || c == '-' || c == '+' ||
	    c == '%';
}

/*
 * Masks e-mail addresses ("***@***") and runs of 7 or more digits, which
 * may be separated by single spaces or dashes, ("***") in s[0..len).
 * Returns new text (NUL-terminated, its length in *outlen), or NULL when
 * out of memory.  Other bytes, CJK included, are copied as they are.
 */
char *
csm_redact_text(const char *s, size_t len, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	struct csm_buf b = {0};
	size_t i = 0, j, k, nd;
	int ok = 1;

	while (i < len && ok) {
		if (p[i] == '@' && i > 0 && isaddr(p[i - 1]) && i + 1 < len &&
		    isaddr(p[i + 1])) {
			/* Take back the local part already copied. */
			k = b.len;
			while (k > 0 && isaddr((unsigned char)b.p[k - 1]))
				k--;
			b.len = k;
			for (j = i + 1; j < len && isaddr(p[j]); j++)
				;
			ok = csm_buf_add(&b, "***@***", 7) == 0;
			i = j;
			continue;
		}
		if (isdig(p[i]) && (i == 0 || !isdig(p[i - 1]))) {
			size_t g[4] = {0}, ng = 0;
			int dashes = 1;

			/* Groups of digits joined by one space or dash; a
			 * group after the first has two digits or more. */
			for (j = i, nd = 0;;) {
				for (k = j; k < len && isdig(p[k]); k++)
					;
				if (ng < 4)
					g[ng] = k - j;
				ng++;
				nd += k - j;
				j = k;
				/* 2026-11-20 is a date, not a phone number. */
				if (ng == 3 && dashes && g[0] == 4 &&
				    g[1] == 2 && g[2] == 2) {
					nd = 0;
					break;
				}
				if (j + 2 < len && (p[j] == ' ' ||
				    p[j] == '-') && isdig(p[j + 1]) &&
				    isdig(p[j + 2])) {
					dashes &= p[j] == '-';
					j++;
				} else
					break;
			}
			if (nd >= 7)
				ok = csm_buf_add(&b, "***", 3) == 0;
			else	/* too short for a phone number, or a date */
				ok = csm_buf_add(&b, s + i, j - i) == 0;
			i = j;
			continue;
		}
		ok = csm_buf_addc(&b, (char)p[i]) == 0;
		i++;
	}
	if (ok)
		ok = csm_buf_addc(&b, '\0') == 0;
	if (!ok) {
		csm_buf_free(&b);
		return NULL;
	}
	*outlen = b.len - 1;
	return b.p != NULL ? b.p : strdup("");
}

/* "kind:" and 12 hex digits of the keyed hash of the normalized value. */
static json_t *
pseudonym(const struct csm_redactor *r, int kind, const char *s,
    size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char norm[512], out[64];
	const char *name = csm_id_name(kind);
	uint64_t h;
	size_t n;
	int nl, i;

	nl = csm_id_norm(kind, s, len, norm, sizeof(norm), NULL);
	if (nl < 0) {	/* not a valid one: hash it as it is */
		h = csm_siphash(r->k0, r->k1, s, len);
	} else {
		h = csm_siphash(r->k0, r->k1, norm, (size_t)nl);
	}
	h ^= (uint64_t)kind << 56;
	n = strlen(name);
	memcpy(out, name, n);
	out[n++] = ':';
	for (i = 0; i < 12; i++)
		out[n++] = hex[(h >> (60 - 4 * i)) & 15];
	return json_stringn(out, n);
}

static int
redact_obj(const struct csm_redactor *r, json_t *o, int depth);

/* Each value of an array of identities (a customer's phones) as its
 * pseudonym, anything but a string as "***". */
static int
pseudonyms(const struct csm_redactor *r, int kind, json_t *a)
{
	json_t *v, *p;
	size_t i;

	json_array_foreach(a, i, v) {
		p = json_is_string(v) ? pseudonym(r, kind,
		    json_string_value(v), json_string_length(v)) :
		    json_string("***");
		if (p == NULL || json_array_set_new(a, i, p) < 0)
			return -1;
	}
	return 0;
}

static int
redact_value(const struct csm_redactor *r, json_t *o, const char *key,
    json_t *v, int depth)
{
	int kind;

	/* An identity by its record field (crm_id) or, in a customer's
	 * identities object, by its stored name (crm). */
	for (kind = 0; kind < CSM_NIDKINDS; kind++)
		if (strcmp(key, csm_id_field(kind)) == 0 ||
		    strcmp(key, csm_id_name(kind)) == 0)
			break;
	if (kind < CSM_NIDKINDS) {
		json_t *p;

		if (json_is_string(v))
			p = pseudonym(r, kind, json_string_value(v),
			    json_string_length(v));
		else if (json_is_null(v))
			return 0;
		else if (json_is_array(v))
			return pseudonyms(r, kind, v);
		else
			p = json_string("***");
		return p == NULL ? -1 : json_object_set_new(o, key, p);
	}
	if (in(personal, key))
		return json_is_null(v) ? 0 :
		    json_object_set_new(o, key, json_string("***"));
	if (json_is_string(v) && in(freetext, key)) {
		size_t n;
		char *t = csm_redact_text(json_string_value(v),
		    json_string_length(v), &n);
		int rc;

		if (t == NULL)
			return -1;
		rc = json_object_set_new(o, key, json_stringn(t, n));
		free(t);
		return rc;
	}
	if (json_is_object(v))
		return redact_obj(r, v, depth + 1);
	return 0;
}

static int
redact_obj(const struct csm_redactor *r, json_t *o, int depth)
{
	const char *key;
	json_t *v;
	void *tmp;

	if (depth > 8)	/* attrs inside attrs: enough */
		return 0;
	json_object_foreach_safe(o, tmp, key, v)
		if (redact_value(r, o, key, v, depth) < 0)
			return -1;
	return 0;
}

/*
 * Redacts the record rec in place (see the top of this file); objects
 * nested in it (attrs) are redacted too.  Returns 0, or -1 with err
 * (CSM_EINTERNAL, out of memory).
 */
int
csm_redact(const struct csm_redactor *r, json_t *rec, struct csm_err *err)
{
	if (!json_is_object(rec))
		return 0;
	if (redact_obj(r, rec, 0) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return 0;
}
