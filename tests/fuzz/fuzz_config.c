/*
 * fuzz_config.c - the config parser (lib/config.c) and the model built
 * from it (lib/form.c): [core], [field] and [workflow] sections, the
 * ticket state machine and custom field checks.
 *
 * The input is a csm.conf(5) file, parsed as if it were "fuzz.conf" in a
 * scratch directory holding a few files to include (valid, broken, one
 * that includes itself).  So that no input reads files elsewhere (a
 * device, a FIFO), an input that says "include" must not contain '/' or
 * '\' (a continuation line or an escape could hide one); it is skipped.
 *
 * Invariants:
 *  - a parse error has a message, a line and a column;
 *  - every entry has a lowercase section and key, a value, a line and a
 *    column, and csm_conf_get finds an entry with its section, name and
 *    key;
 *  - every section header has a lowercase name, a line and a column;
 *  - every entry split as a list (csm_conf_list) gives at least one
 *    item, NULL-terminated, each valid UTF-8 and no longer than the
 *    value, or an error with a message and the entry's place;
 *  - model errors have a message; model warnings have a message;
 *  - every move of the state machine that succeeds lands on a default
 *    status, and on a stage exactly when the ticket type has a workflow;
 *    every refused move says why;
 *  - a custom field that passes its check has the declared JSON type.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csm.h"
#include "fuzz.h"

#define MAXNAMES	24
#define MAXTYPES	4
#define NOW		1772330400	/* 2026-03-01T10:00:00+08:00 */

static const struct {
	const char	*name;
	const char	*text;
	size_t		 len;
} files[] = {
#define F(n, t) {n, t, sizeof(t) - 1}
	F("a.conf", "[core]\n\ttimezone = +08:00\n[field \"inc\"]\n"
	    "\ttype = int\n[include]\n\tpath = b.conf\n"),
	F("b.conf", "[workflow \"inc\"]\n\tstatus = x new\n"
	    "\tstatus = y closed\n\tstatus = z open\n"
	    "\ttransition = x -> y -> z\n"),
	F("loop.conf", "[include]\n\tpath = loop.conf\n"),
	F("bad.conf", "[core\n"),
	F("nul.conf", "[core]\n\tk = v\0\n"),
	F("bom.conf", "\xEF\xBB\xBF[core]\n\treopen_window = 3d\n"),
	F("empty.conf", ""),
#undef F
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static char dir[4096];
static char name[4200];

static void
cleanup(void)
{
	char p[4200];
	size_t i;

	for (i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i].name);
		unlink(p);
	}
	rmdir(dir);
}

/* Makes the scratch directory once; its path is name's directory. */
static void
init(void)
{
	const char *tmp = getenv("TMPDIR");
	char p[4200];
	FILE *fp;
	size_t i;

	if (name[0] != '\0')
		return;
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/csm-fuzz-conf.XXXXXX", tmp);
	FUZZ_ASSERT(mkdtemp(dir) != NULL);
	for (i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i].name);
		fp = fopen(p, "wb");
		FUZZ_ASSERT(fp != NULL);
		FUZZ_ASSERT(fwrite(files[i].text, 1, files[i].len, fp) ==
		    files[i].len);
		FUZZ_ASSERT(fclose(fp) == 0);
	}
	atexit(cleanup);
	snprintf(name, sizeof(name), "%s/fuzz.conf", dir);
}

static int
lowercase(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 0;
	return 1;
}

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* The list of an entry: items or an error, never both. */
static void
check_list(const struct csm_conf_entry *e)
{
	struct csm_err err;
	char **items;
	size_t n, i;

	FUZZ_ASSERT(e->raw != NULL);
	memset(&err, 0, sizeof(err));
	if (csm_conf_list(e, &items, &n, &err) < 0) {
		FUZZ_ASSERT(items == NULL && n == 0);
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(err.code == CSM_EINTERNAL ||
		    (err.code == CSM_ECONFIG && err.line == e->line &&
		    err.col == e->col));
		return;
	}
	FUZZ_ASSERT(n >= 1 && items != NULL && items[n] == NULL);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(items[i] != NULL);
		FUZZ_ASSERT(strlen(items[i]) <= strlen(e->raw));
		FUZZ_ASSERT(csm_utf8_valid(items[i], strlen(items[i]), NULL));
	}
	free(items);
}

static void
check_entries(const struct csm_conf *conf)
{
	const struct csm_conf_entry *v, *e, *g;
	size_t n, i;

	v = csm_conf_entries(conf, &n);
	for (i = 0; i < n; i++) {
		e = &v[i];
		FUZZ_ASSERT(e->section != NULL && e->key != NULL &&
		    e->value != NULL && e->file != NULL);
		FUZZ_ASSERT(lowercase(e->section) && lowercase(e->key));
		FUZZ_ASSERT(e->line >= 1 && e->col >= 1);
		FUZZ_ASSERT(csm_utf8_valid(e->value, strlen(e->value), NULL));
		g = csm_conf_get(conf, e->section, e->name, e->key);
		FUZZ_ASSERT(g != NULL);
		FUZZ_ASSERT(strcmp(g->section, e->section) == 0);
		FUZZ_ASSERT(strcmp(g->key, e->key) == 0);
		FUZZ_ASSERT(same(g->name, e->name));
		(void)csm_conf_bool(e->value);
		check_list(e);
	}
}

static void
check_sections(const struct csm_conf *conf)
{
	const struct csm_conf_section *v;
	size_t n, i;

	v = csm_conf_sections(conf, &n);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(v[i].section != NULL && v[i].file != NULL);
		FUZZ_ASSERT(lowercase(v[i].section));
		FUZZ_ASSERT(v[i].line >= 1 && v[i].col >= 1);
	}
}

/* What to try moves between: the default statuses, every stage a
 * workflow declares, and one unknown name. */
struct names {
	char		*n[MAXNAMES];
	size_t		 nn;
	const char	*types[MAXTYPES + 1];	/* borrowed from the conf */
	size_t		 nt;
};

static void
add_name(struct names *s, const char *v, size_t len)
{
	size_t i;

	if (s->nn == MAXNAMES)
		return;
	for (i = 0; i < s->nn; i++)
		if (strlen(s->n[i]) == len && memcmp(s->n[i], v, len) == 0)
			return;
	s->n[s->nn++] = fuzz_strndup((const uint8_t *)v, len);
}

static void
collect(const struct csm_conf *conf, struct names *s)
{
	static const char *const defaults[] = {
		"new", "open", "pending", "on_hold", "resolved", "closed",
		"reopened", NULL
	};
	const struct csm_conf_entry *v;
	size_t n, i, j;

	for (i = 0; defaults[i] != NULL; i++)
		add_name(s, defaults[i], strlen(defaults[i]));
	v = csm_conf_entries(conf, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].section, "workflow") != 0 || v[i].name == NULL)
			continue;
		for (j = 0; j < s->nt; j++)
			if (strcmp(s->types[j], v[i].name) == 0)
				break;
		if (j == s->nt && s->nt < MAXTYPES)
			s->types[s->nt++] = v[i].name;
		if (strcmp(v[i].key, "status") == 0)
			add_name(s, v[i].value, strcspn(v[i].value, " \t"));
	}
}

static void
check_move(int rc, const char *status, const char *stage, const char *type,
    const struct csm_model *m, const struct csm_err *err)
{
	const char *s0 = NULL, *g0 = NULL;
	struct csm_err e0;

	if (rc < 0) {
		FUZZ_ASSERT(rc == -1 && err->msg[0] != '\0');
		return;
	}
	FUZZ_ASSERT(rc == 0 || rc == 1);
	FUZZ_ASSERT(status != NULL && csm_status_parse(status) >= 0);
	/* A stage exactly when the type has a workflow, which the initial
	 * state of that type tells. */
	if (type == NULL) {
		FUZZ_ASSERT(stage == NULL);
		return;
	}
	FUZZ_ASSERT(csm_model_move(m, NULL, type, NULL, NOW, &s0, &g0,
	    &e0) == 1);
	FUZZ_ASSERT((stage == NULL) == (g0 == NULL));
}

static void
check_moves(const struct csm_model *m, const struct names *s)
{
	struct csm_ticket_state cur;
	struct csm_err err;
	const char *status, *stage, *type;
	size_t t, i, j;
	int rc;

	for (t = 0; t <= s->nt; t++) {
		type = t < s->nt ? s->types[t] : NULL;
		for (i = 0; i < s->nn; i++) {
			/* Create in state i, then try every move from it. */
			status = stage = NULL;
			rc = csm_model_move(m, NULL, type, s->n[i], NOW,
			    &status, &stage, &err);
			check_move(rc, status, stage, type, m, &err);
			if (rc < 0)
				continue;
			cur.type = type;
			cur.status = status;
			cur.stage = stage;
			cur.closed_at = strcmp(status, "closed") == 0 ?
			    NOW - 86400 : 0;
			for (j = 0; j < s->nn; j++) {
				const char *st2 = NULL, *sg2 = NULL;

				rc = csm_model_move(m, &cur, type, s->n[j],
				    NOW, &st2, &sg2, &err);
				check_move(rc, st2, sg2, type, m, &err);
			}
			rc = csm_model_reopen(m, &cur, NOW, &status, &stage,
			    &err);
			check_move(rc, status, stage, type, m, &err);
			cur.closed_at = NOW - 1000 * 86400LL;
			rc = csm_model_reopen(m, &cur, NOW, &status, &stage,
			    &err);
			check_move(rc, status, stage, type, m, &err);
		}
	}
}

/*
 * Whether a value fits the declared type of field fname, when the field
 * applies to every ticket (no "record", no "types"); 1 when that cannot
 * be told.
 */
static int
fits(const struct csm_conf *conf, const char *fname, const json_t *v)
{
	const struct csm_conf_entry *e;

	if (csm_conf_get(conf, "field", fname, "record") != NULL ||
	    csm_conf_get(conf, "field", fname, "types") != NULL)
		return 1;
	e = csm_conf_get(conf, "field", fname, "type");
	if (e == NULL)
		return 1;
	if (strcmp(e->value, "int") == 0)
		return json_is_integer(v);
	if (strcmp(e->value, "number") == 0)
		return json_is_number(v);
	if (strcmp(e->value, "bool") == 0)
		return json_is_boolean(v);
	return json_is_string(v);
}

static void
check_fields(const struct csm_model *m, const struct csm_conf *conf,
    const struct names *s)
{
	static const char *const texts[] = {
		"12", "-7", "1.5", "true", "no", "2026-02-29", "2024-02-29",
		"2026-03-01T09:30:00+08:00", "SN-AB12-00000001", "", "\xC3\xA9",
		"1e999", "inf", "99999999999999999999"
	};
	const size_t ntexts = sizeof(texts) / sizeof(texts[0]);
	const struct csm_conf_entry *v;
	struct csm_err err;
	json_t *attrs, *x, *a, *val;
	const char *key, *tt;
	size_t n, i, k;
	int kind, rc;

	v = csm_conf_entries(conf, &n);
	for (k = 0; k < ntexts + 3; k++) {
		attrs = json_object();
		FUZZ_ASSERT(attrs != NULL);
		for (i = 0; i < n; i++) {
			if (strcmp(v[i].section, "field") != 0 ||
			    v[i].name == NULL)
				continue;
			if (k < ntexts)
				x = json_string(texts[k]);
			else if (k == ntexts)
				x = json_integer(42);
			else if (k == ntexts + 1)
				x = json_real(2.5);
			else
				x = json_true();
			FUZZ_ASSERT(x != NULL);
			json_object_set_new(attrs, v[i].name, x);
		}
		tt = s->nt > 0 ? s->types[k % s->nt] : NULL;
		for (kind = CSM_KIND_TICKET; kind <= CSM_KIND_SURVEY; kind++) {
			a = json_deep_copy(attrs);
			FUZZ_ASSERT(a != NULL);
			rc = csm_model_check_fields(m, kind, tt, a, &err);
			if (rc < 0)
				FUZZ_ASSERT(err.msg[0] != '\0');
			else if (kind == CSM_KIND_TICKET) {
				FUZZ_ASSERT(rc == 0);
				json_object_foreach(a, key, val)
					FUZZ_ASSERT(fits(conf, key, val));
			}
			rc = csm_model_check_required(m, kind, tt, a, &err);
			if (rc < 0)
				FUZZ_ASSERT(err.msg[0] != '\0');
			json_decref(a);
		}
		json_decref(attrs);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csm_conf *conf;
	struct csm_model *m;
	struct csm_err err;
	struct names s;
	size_t i;

	init();
	if (fuzz_contains_ci(data, size, "include") &&
	    (memchr(data, '/', size) != NULL ||
	    memchr(data, '\\', size) != NULL))
		return 0;
	conf = csm_conf_parse((const char *)data, size, name, &err);
	if (conf == NULL) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(err.code == CSM_ECONFIG ||
		    err.code == CSM_EINTERNAL);
		FUZZ_ASSERT(err.code != CSM_ECONFIG ||
		    (err.line >= 1 && err.col >= 1));
		return 0;
	}
	check_entries(conf);
	check_sections(conf);
	m = csm_model_new(conf, &err);
	if (m == NULL) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		csm_conf_free(conf);
		return 0;
	}
	for (i = 0; csm_model_warning(m, i) != NULL; i++)
		FUZZ_ASSERT(csm_model_warning(m, i)[0] != '\0');
	memset(&s, 0, sizeof(s));
	collect(conf, &s);
	check_moves(m, &s);
	check_fields(m, conf, &s);
	for (i = 0; i < s.nn; i++)
		free(s.n[i]);
	csm_model_free(m);
	csm_conf_free(conf);
	return 0;
}
