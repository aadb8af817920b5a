/*
 * config.c - the git-config style parser of csm.conf(5).
 *
 *	# comment			; comment
 *	[section]			[section "name"]
 *		key = value		key = "quoted value"
 *		key = a long \
 *		      value		key			(boolean true)
 *	[include]
 *		path = other.conf	(relative to this file)
 *
 * Two departures from git-config, both because our values are expressions
 * and lists: a value keeps its quotes unless it is one quoted string as a
 * whole, and '#' or ';' starts a comment only at the start of a value or
 * after white space.  Errors name file:line:column.
 *
 * Lists (a, "b, c", d) are split by csm_conf_list, the one splitter of
 * every list key, by the same quoting rules as values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csm.h"
#include "internal.h"

#define MAX_INCLUDE_DEPTH 10

struct csm_conf {
	struct csm_conf_entry *v;
	size_t		 n, cap;
	struct csm_conf_section *sec;
	size_t		 nsec, seccap;
	char		**strs;		/* every string we own */
	size_t		 nstrs, strcap;
};

struct parser {
	struct csm_conf	*conf;
	const char	*text;
	size_t		 len, pos;
	const char	*file;		/* owned by conf */
	long		 line;
	size_t		 linestart;
	char		*section, *name;
	int		 depth;
	struct csm_err	*err;
};

static char *
keep(struct csm_conf *c, const char *s, size_t len)
{
	char *p;

	if (c->nstrs == c->strcap) {
		size_t cap = c->strcap ? c->strcap * 2 : 64;
		char **q = realloc(c->strs, cap * sizeof(*q));

		if (q == NULL)
			return NULL;
		c->strs = q;
		c->strcap = cap;
	}
	p = malloc(len + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	c->strs[c->nstrs++] = p;
	return p;
}

/* An empty configuration.  Returns new, or NULL when out of memory. */
struct csm_conf *
csm_conf_new(void)
{
	return calloc(1, sizeof(struct csm_conf));
}

/* Frees conf and every string of its entries; NULL is a no-op. */
void
csm_conf_free(struct csm_conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nstrs; i++)
		free(conf->strs[i]);
	free(conf->strs);
	free(conf->v);
	free(conf->sec);
	free(conf);
}

static long
col(const struct parser *p)
{
	return (long)(p->pos - p->linestart) + 1;
}

static int
fail(struct parser *p, long c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct parser *p, long c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err != NULL) {
		p->err->line = p->line;
		p->err->col = c;
	}
	return csm_err_set(p->err, CSM_ECONFIG, "%s:%ld:%ld: %s", p->file,
	    p->line, c, msg);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
is_keychar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

static void
skip_space(struct parser *p)
{
	while (p->pos < p->len && is_space(p->text[p->pos]))
		p->pos++;
}

/* Moves past the end of the line; a trailing comment is allowed. */
static int
end_line(struct parser *p)
{
	skip_space(p);
	if (peek(p) == '#' || peek(p) == ';')
		while (p->pos < p->len && p->text[p->pos] != '\n')
			p->pos++;
	if (p->pos < p->len && p->text[p->pos] != '\n')
		return fail(p, col(p), "unexpected '%c' at end of line",
		    p->text[p->pos]);
	if (p->pos < p->len)
		p->pos++;
	p->line++;
	p->linestart = p->pos;
	return 0;
}

static char *
lower(char *s)
{
	char *q;

	for (q = s; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return s;
}

static int
add_section(struct parser *p, long scol)
{
	struct csm_conf *c = p->conf;
	struct csm_conf_section *s;

	if (c->nsec == c->seccap) {
		size_t cap = c->seccap ? c->seccap * 2 : 16;

		s = realloc(c->sec, cap * sizeof(*s));
		if (s == NULL)
			return fail(p, scol, "out of memory");
		c->sec = s;
		c->seccap = cap;
	}
	s = &c->sec[c->nsec++];
	s->section = p->section;
	s->name = p->name;
	s->file = p->file;
	s->line = p->line;
	s->col = scol;
	return 0;
}

static int
parse_section(struct parser *p)
{
	size_t start;
	struct csm_buf name = {0};
	long scol;
	int c;

	p->pos++;	/* '[' */
	skip_space(p);
	start = p->pos;
	scol = col(p);
	while ((c = peek(p)) != -1 && (is_keychar(c) || c == '.'))
		p->pos++;
	if (p->pos == start)
		return fail(p, col(p), "expected a section name after '['");
	p->section = keep(p->conf, p->text + start, p->pos - start);
	if (p->section == NULL)
		return fail(p, col(p), "out of memory");
	lower(p->section);
	p->name = NULL;
	skip_space(p);
	if (peek(p) == '"') {
		long qcol = col(p);

		p->pos++;
		for (;;) {
			c = peek(p);
			if (c == -1 || c == '\n') {
				csm_buf_free(&name);
				return fail(p, qcol, "unterminated section "
				    "name");
			}
			p->pos++;
			if (c == '"')
				break;
			if (c == '\\') {
				c = peek(p);
				if (c == -1 || c == '\n')
					continue;
				p->pos++;
			}
			csm_buf_addc(&name, (char)c);
		}
		p->name = keep(p->conf, name.p ? name.p : "", name.len);
		csm_buf_free(&name);
		if (p->name == NULL)
			return fail(p, col(p), "out of memory");
		skip_space(p);
	}
	if (peek(p) != ']')
		return fail(p, col(p), "expected ']' to close the section "
		    "header");
	p->pos++;
	if (strcmp(p->section, "include") == 0 && p->name != NULL)
		return fail(p, scol, "[include] takes no name: write "
		    "'path = FILE' under it");
	if (add_section(p, scol) < 0)
		return -1;
	return end_line(p);
}

static int parse_file(struct parser *outer, const char *path, long col);

/*
 * Copies the len bytes of s, one quoted string as a whole, into out
 * without its quotes and with its escapes undone (\n, \t, \c); out has
 * room for len bytes and may be s itself.  Returns the length written
 * (NUL-terminated).
 */
static size_t
unquote(const char *s, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 1; i + 1 < len; i++) {
		char ch = s[i];

		if (ch == '\\' && i + 2 < len) {
			ch = s[++i];
			ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch;
		}
		out[o++] = ch;
	}
	out[o] = '\0';
	return o;
}

/*
 * Reads a value up to the end of its line (following backslash
 * continuations), dropping a trailing comment and outer white space.
 * *whole tells whether it is one quoted string as a whole.
 */
static int
parse_value(struct parser *p, struct csm_buf *v, long *vcol, int *whole)
{
	int inq = 0, c;
	size_t firstclose = 0, firstq = (size_t)-1, trail;

	skip_space(p);
	*vcol = col(p);
	for (;;) {
		c = peek(p);
		if (c == -1 || c == '\n') {
			if (inq)
				return fail(p, col(p), "unterminated quoted "
				    "string");
			break;
		}
		if (c == '\\' && p->pos + 1 < p->len &&
		    (p->text[p->pos + 1] == '\n' ||
		    (p->text[p->pos + 1] == '\r' && p->pos + 2 < p->len &&
		    p->text[p->pos + 2] == '\n'))) {
			/* Continuation: join the next line. */
			p->pos += p->text[p->pos + 1] == '\r' ? 3 : 2;
			p->line++;
			p->linestart = p->pos;
			continue;
		}
		if (!inq && (c == '#' || c == ';') &&
		    (v->len == 0 || is_space(v->p[v->len - 1])))
			break;
		p->pos++;
		if (c == '"') {
			if (!inq && firstq == (size_t)-1)
				firstq = v->len;
			if (inq && firstclose == 0)
				firstclose = v->len;
			inq = !inq;
		} else if (c == '\\' && inq && peek(p) != -1 &&
		    peek(p) != '\n') {
			csm_buf_addc(v, (char)c);
			c = peek(p);
			p->pos++;
		}
		if (csm_buf_addc(v, (char)c) < 0)
			return fail(p, col(p), "out of memory");
	}
	while (p->pos < p->len && p->text[p->pos] != '\n')
		p->pos++;
	trail = v->len;
	while (trail > 0 && is_space(v->p[trail - 1]))
		trail--;
	v->len = trail;
	if (v->p != NULL)
		v->p[v->len] = '\0';
	*whole = v->len >= 2 && firstq == 0 && firstclose == v->len - 1;
	return 0;
}

static int
add_entry(struct parser *p, const char *key, const char *value,
    const char *raw, long vcol)
{
	struct csm_conf *c = p->conf;
	struct csm_conf_entry *e;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;

		e = realloc(c->v, cap * sizeof(*e));
		if (e == NULL)
			return fail(p, vcol, "out of memory");
		c->v = e;
		c->cap = cap;
	}
	e = &c->v[c->n++];
	e->section = p->section;
	e->name = p->name;
	e->key = key;
	e->value = value;
	e->raw = raw;
	e->file = p->file;
	e->line = p->line;
	e->col = vcol;
	return 0;
}

/*
 * The directory part of path joined with rel, for a file named by a
 * configuration file: rel itself when it is absolute or path has no
 * directory.  Returns new, or NULL when out of memory.
 */
char *
csm_conf_relative(const char *path, const char *rel)
{
	const char *slash = strrchr(path, '/');
	size_t dl;
	char *out;

	if (rel[0] == '/' || slash == NULL)
		return strdup(rel);
	dl = (size_t)(slash - path) + 1;
	out = malloc(dl + strlen(rel) + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, path, dl);
	memcpy(out + dl, rel, strlen(rel) + 1);
	return out;
}

static int
parse_entry(struct parser *p)
{
	size_t start = p->pos;
	long kcol = col(p), vcol, line;
	struct csm_buf v = {0};
	char *key, *value, *raw;
	int rc, whole = 0;

	if (p->section == NULL)
		return fail(p, kcol, "key outside of a [section]");
	if (!((peek(p) >= 'a' && peek(p) <= 'z') ||
	    (peek(p) >= 'A' && peek(p) <= 'Z')))
		return fail(p, kcol, "a key must start with a letter");
	while (peek(p) != -1 && is_keychar(peek(p)))
		p->pos++;
	key = keep(p->conf, p->text + start, p->pos - start);
	if (key == NULL)
		return fail(p, kcol, "out of memory");
	lower(key);
	skip_space(p);
	line = p->line;
	if (peek(p) == '=') {
		p->pos++;
		if (parse_value(p, &v, &vcol, &whole) < 0) {
			csm_buf_free(&v);
			return -1;
		}
	} else if (peek(p) == -1 || peek(p) == '\n' || peek(p) == '#' ||
	    peek(p) == ';') {
		vcol = col(p);
		csm_buf_add(&v, "true", 4);	/* a bare key is true */
	} else
		return fail(p, col(p), "expected '=' after key '%s'", key);
	raw = value = keep(p->conf, v.p ? v.p : "", v.len);
	if (raw != NULL && whole) {
		/* One quoted string: strip the quotes, undo escapes (in a
		 * copy: unquote writes behind where it reads). */
		value = keep(p->conf, raw, v.len);
		if (value != NULL)
			unquote(value, v.len, value);
		vcol++;
	}
	csm_buf_free(&v);
	if (value == NULL)
		return fail(p, vcol, "out of memory");
	{
		/* The entry belongs to the line the key is on. */
		long now = p->line;

		p->line = line;
		rc = add_entry(p, key, value, raw, vcol);
		p->line = now;
	}
	if (rc < 0)
		return -1;
	if (strcmp(p->section, "include") == 0 && strcmp(key, "path") != 0) {
		static const char *const inc_keys[] = {"path", NULL};

		return csm_conf_unknown_key(&p->conf->v[p->conf->n - 1],
		    inc_keys, p->err);
	}
	if (strcmp(p->section, "include") == 0) {
		char *inc = csm_conf_relative(p->file, value);
		long now = p->line;

		if (inc == NULL)
			return fail(p, vcol, "out of memory");
		p->line = line;
		rc = parse_file(p, inc, vcol);
		p->line = now;
		free(inc);
		if (rc < 0)
			return -1;
	}
	return end_line(p);
}

static int
parse_text(struct parser *p)
{
	size_t bad;

	if (!csm_utf8_valid(p->text, p->len, &bad)) {
		size_t i;

		for (i = 0; i < bad; i++)
			if (p->text[i] == '\n') {
				p->line++;
				p->linestart = i + 1;
			}
		p->pos = bad;
		return fail(p, col(p), "%s", p->text[bad] == '\0' ?
		    "NUL byte" : "invalid UTF-8");
	}
	if (p->len >= 3 && memcmp(p->text, "\xEF\xBB\xBF", 3) == 0)
		p->pos = p->linestart = 3;
	while (p->pos < p->len) {
		skip_space(p);
		switch (peek(p)) {
		case -1:
			return 0;
		case '\n':
		case '#':
		case ';':
			if (end_line(p) < 0)
				return -1;
			break;
		case '[':
			if (parse_section(p) < 0)
				return -1;
			break;
		default:
			if (parse_entry(p) < 0)
				return -1;
		}
	}
	return 0;
}

static int
read_all(const char *path, char **text, size_t *len, int *eno)
{
	FILE *fp = fopen(path, "rb");
	struct csm_buf b = {0};
	char chunk[8192];
	size_t n;

	if (fp == NULL) {
		*eno = errno;
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (csm_buf_add(&b, chunk, n) < 0 || b.len > CSM_MAX_RECORD) {
			*eno = b.len > CSM_MAX_RECORD ? EFBIG : ENOMEM;
			goto fail;
		}
	if (ferror(fp)) {
		*eno = errno;
		goto fail;
	}
	fclose(fp);
	*text = b.p ? b.p : strdup("");
	*len = b.len;
	return *text ? 0 : -1;
fail:
	fclose(fp);
	csm_buf_free(&b);
	return -1;
}

/* Parses an included file in the context of outer; col is where its
 * name is, for messages. */
static int
parse_file(struct parser *outer, const char *path, long col)
{
	struct parser p;
	char *text;
	size_t len;
	int eno = 0, rc;

	if (outer->depth >= MAX_INCLUDE_DEPTH)
		return fail(outer, col, "includes nested deeper than %d (a "
		    "loop?)", MAX_INCLUDE_DEPTH);
	if (read_all(path, &text, &len, &eno) < 0)
		return fail(outer, col, "cannot read include '%s': %s", path,
		    strerror(eno));
	memset(&p, 0, sizeof(p));
	p.conf = outer->conf;
	p.text = text;
	p.len = len;
	p.line = 1;
	p.depth = outer->depth + 1;
	p.err = outer->err;
	p.file = keep(p.conf, path, strlen(path));
	rc = p.file ? parse_text(&p) : fail(outer, col, "out of memory");
	free(text);
	return rc;
}

/*
 * Parses len bytes of text; name is used in messages.  Returns new, or
 * NULL with err (CSM_ECONFIG).
 */
struct csm_conf *
csm_conf_parse(const char *text, size_t len, const char *name,
    struct csm_err *err)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.conf = csm_conf_new();
	if (p.conf == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	p.text = text;
	p.len = len;
	p.line = 1;
	p.err = err;
	p.file = keep(p.conf, name, strlen(name));
	if (p.file == NULL || parse_text(&p) < 0) {
		if (p.file == NULL)
			csm_err_set(err, CSM_EINTERNAL, "out of memory");
		csm_conf_free(p.conf);
		return NULL;
	}
	return p.conf;
}

/*
 * Reads and parses the file at path.  Returns new, or NULL with err:
 * CSM_ENOINPUT when it cannot be read, CSM_ECONFIG when it is wrong.
 */
struct csm_conf *
csm_conf_load(const char *path, struct csm_err *err)
{
	struct csm_conf *c;
	char *text;
	size_t len;
	int eno = 0;

	if (read_all(path, &text, &len, &eno) < 0) {
		csm_err_set(err, eno == ENOENT ? CSM_ENOINPUT : CSM_ECONFIG,
		    "%s: %s", path, strerror(eno));
		return NULL;
	}
	c = csm_conf_parse(text, len, path, err);
	free(text);
	return c;
}

/* Every entry in file order (borrowed). */
const struct csm_conf_entry *
csm_conf_entries(const struct csm_conf *conf, size_t *n)
{
	*n = conf->n;
	return conf->v;
}

/* The last entry for section[.name].key, or NULL (borrowed). */
const struct csm_conf_entry *
csm_conf_get(const struct csm_conf *conf, const char *section,
    const char *name, const char *key)
{
	size_t i;

	for (i = conf->n; i-- > 0;) {
		const struct csm_conf_entry *e = &conf->v[i];

		if (strcmp(e->section, section) != 0 ||
		    strcmp(e->key, key) != 0)
			continue;
		if ((name == NULL) != (e->name == NULL))
			continue;
		if (name != NULL && strcmp(name, e->name) != 0)
			continue;
		return e;
	}
	return NULL;
}

/* "file:line:col: message" into err (CSM_ECONFIG); returns -1. */
static int located(struct csm_err *err, const char *file, long line,
    long col, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static int
located(struct csm_err *err, const char *file, long line, long col,
    const char *fmt, va_list ap)
{
	char msg[200];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err != NULL) {
		err->line = line;
		err->col = col;
	}
	return csm_err_set(err, CSM_ECONFIG, "%s:%ld:%ld: %s", file, line,
	    col, msg);
}

/* The same for a section header (see csm.h). */
int
csm_conf_section_error(const struct csm_conf_section *s, struct csm_err *err,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = located(err, s->file, s->line, s->col, fmt, ap);
	va_end(ap);
	return rc;
}

/* Fills err with "file:line:col: message" for entry e; returns -1. */
int
csm_conf_error(const struct csm_conf_entry *e, struct csm_err *err,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = located(err, e->file, e->line, e->col, fmt, ap);
	va_end(ap);
	return rc;
}

/* 1 for true/yes/on/1, 0 for false/no/off/0, -1 for anything else. */
int
csm_conf_bool(const char *v)
{
	if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0)
		return 0;
	return -1;
}

/* Section headers in file order (borrowed). */
const struct csm_conf_section *
csm_conf_sections(const struct csm_conf *conf, size_t *n)
{
	*n = conf->nsec;
	return conf->sec;
}

/*
 * The end of the list item that starts at s: the next comma outside
 * double quotes, or the end of the text.  *open is set when a quote is
 * left open.  Inside quotes a backslash escapes the next byte, as in
 * parse_value.
 */
static const char *
item_end(const char *s, int *open)
{
	int inq = 0;

	for (; *s != '\0'; s++) {
		if (inq && *s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			inq = !inq;
		else if (*s == ',' && !inq)
			break;
	}
	*open = inq;
	return s;
}

/* Whether the len bytes of s are one quoted string as a whole. */
static int
wholly_quoted(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || s[0] != '"')
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '"')
			return i == len - 1;
	}
	return 0;
}

/* Splits a list value (see csm.h). */
int
csm_conf_list(const struct csm_conf_entry *e, char ***items, size_t *n,
    struct csm_err *err)
{
	const char *text = e->raw != NULL ? e->raw : e->value, *s, *end;
	size_t count = 0, k, len;
	char **v, *o;
	int open, pass;

	*items = NULL;
	*n = 0;
	/* Pass 0 checks and counts the items; pass 1 copies them into one
	 * block: the pointers, then the text (no longer than the value). */
	for (pass = 0, v = NULL, o = NULL; pass < 2; pass++) {
		if (pass == 1) {
			v = malloc((count + 1) * sizeof(*v) + strlen(text) +
			    count + 1);
			if (v == NULL)
				return csm_err_set(err, CSM_EINTERNAL,
				    "out of memory");
			o = (char *)(v + count + 1);
		}
		for (s = text, k = 0;; s = end + 1) {
			while (is_space(*s))
				s++;
			end = item_end(s, &open);
			if (open) {
				free(v);
				return csm_conf_error(e, err, "%s: unterminated "
				    "quoted string in the list", e->key);
			}
			len = (size_t)(end - s);
			while (len > 0 && is_space(s[len - 1]))
				len--;
			if (len == 0 && *end == '\0' && k == 0) {
				free(v);
				return csm_conf_error(e, err, "%s: expected a "
				    "list, as in '%s = a, b'", e->key, e->key);
			}
			if (len == 0) {
				free(v);
				return csm_conf_error(e, err, "%s: item %zu of "
				    "the list is empty", e->key, k + 1);
			}
			if (pass == 1) {
				v[k] = o;
				if (wholly_quoted(s, len))
					o += unquote(s, len, o) + 1;
				else {
					memcpy(o, s, len);
					o[len] = '\0';
					o += len + 1;
				}
			}
			k++;
			if (*end == '\0')
				break;
		}
		count = k;
	}
	if (v == NULL)	/* cannot be: pass 1 made it */
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	v[count] = NULL;
	*items = v;
	*n = count;
	return 0;
}

/* The edit distance of a and b (optimal string alignment: a letter
 * wrong, missing, extra, or two swapped), '-' and '_' alike; long words
 * count as far. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			char ca = a[i - 1] == '-' ? '_' : a[i - 1];
			char cb = b[j - 1] == '-' ? '_' : b[j - 1];
			size_t best = d[i - 1][j - 1] + (ca != cb);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* The likely intended word (see csm.h). */
const char *
csm_conf_suggest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, d, limit;

	for (; *candidates != NULL; candidates++) {
		/* Short words: one edit, else two; never the whole word. */
		limit = strlen(*candidates) <= 4 ? 1 : 2;
		d = distance(word, *candidates);
		if (d <= limit && d < strlen(word) && d < bestd) {
			best = *candidates;
			bestd = d;
		}
	}
	return best;
}

static int
same_name(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Keys given once in each [section] (see csm.h). */
int
csm_conf_once(const struct csm_conf *conf, const char *section,
    struct csm_err *err)
{
	const struct csm_conf_entry *v;
	size_t n, i, j;

	if (conf == NULL)
		return 0;
	v = csm_conf_entries(conf, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].section, section) != 0)
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(v[j].section, section) == 0 &&
			    strcmp(v[j].key, v[i].key) == 0 &&
			    same_name(v[j].name, v[i].name))
				return csm_conf_error(&v[i], err, "'%s' in "
				    "[%s%s%s%s] is set twice (first at %s:%ld)",
				    v[i].key, section, v[i].name ? " \"" : "",
				    v[i].name ? v[i].name : "",
				    v[i].name ? "\"" : "", v[j].file, v[j].line);
	}
	return 0;
}

/* The error for an unknown key (see csm.h). */
int
csm_conf_unknown_key(const struct csm_conf_entry *e,
    const char *const *known, struct csm_err *err)
{
	const char *hint = csm_conf_suggest(e->key, known);
	char list[160];
	size_t i, at = 0;

	if (hint != NULL)
		return csm_conf_error(e, err, "unknown key '%s' in [%s] (did "
		    "you mean '%s'?)", e->key, e->section, hint);
	list[0] = '\0';
	for (i = 0; known[i] != NULL && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s",
		    i > 0 ? ", " : "", known[i]);
	return csm_conf_error(e, err, "unknown key '%s' in [%s] (expected "
	    "%s)", e->key, e->section, list);
}
