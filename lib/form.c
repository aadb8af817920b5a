/*
 * form.c - the form engine and the process engine: custom field
 * declarations ([field "name"]), ticket workflows ([workflow "type"]) and
 * the default status machine, built once from the configuration.
 *
 *	[field "serial_no"]
 *		type = string		# string int number bool date time enum
 *		required = true
 *		pattern = ^SN-[0-9]{6}$
 *		types = repair, install	# ticket types it applies to
 *		record = ticket		# ticket customer order message ...
 *	[workflow "repair"]
 *		status = 受理 new	# a stage and the default status it is
 *		status = 派工 open
 *		transition = 受理 -> 派工 -> 上门
 *		reopen = 维修
 *
 * The model owns [core], [field] and [workflow]: an unknown key in them,
 * a key that takes one value given twice for the same thing, or a
 * declaration that cannot work is an error naming file:line:col.  Other
 * sections belong to tools still to come, or to none: the latter draw a
 * warning (csm_model_warning), never an error, so that one file serves
 * tools of different versions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "re.h"

#define DEFAULT_REOPEN_WINDOW (30 * 86400)

enum ftype {
	FT_STRING,
	FT_INT,
	FT_NUMBER,
	FT_BOOL,
	FT_DATE,
	FT_TIME,
	FT_ENUM
};

static const char *const ftypes[] = {
	"string", "int", "number", "bool", "date", "time", "enum", NULL
};

/* The keys of each section the model owns. */
static const char *const core_keys[] = {"timezone", "reopen_window", NULL};
enum { K_TYPE, K_VALUES, K_REQUIRED, K_PATTERN, K_TYPES, K_RECORD, K_LABEL,
	K_DESCRIPTION, NFKEYS };
static const char *const field_keys[NFKEYS + 1] = {
	"type", "values", "required", "pattern", "types", "record", "label",
	"description", NULL
};
static const char *const flow_keys[] = {"status", "transition", "reopen",
	NULL};

/* Sections read by tools still to come: accepted, not read yet. */
static const char *const later_sections[] = {
	"calendar", "sla", "rule", "agent", "group", "route", "report", "kb",
	"notify", NULL
};
/* Every section some part of csm knows, for "did you mean". */
static const char *const all_sections[] = {
	"core", "field", "workflow", "include", "calendar", "sla", "rule",
	"agent", "group", "route", "report", "kb", "notify", NULL
};

struct field {
	char		*name;
	enum ftype	 type;
	int		 kind;		/* record kind it applies to */
	int		 required;
	char		**values;	/* enum values (csm_conf_list: one
					 * block) */
	size_t		 nvalues;
	char		**types;	/* ticket types (one block); none =
					 * all */
	size_t		 ntypes;
	struct csm_re	*re;		/* pattern, or NULL */
	/* While the model is built (borrowed from the conf): its first
	 * header, and the entry of each key given. */
	const struct csm_conf_section *where;
	const struct csm_conf_entry *set[NFKEYS];
};

struct stage {
	char	*name;
	int	 base;			/* enum csm_status */
};

struct workflow {
	char		*type;
	struct stage	*stages;
	size_t		 nstages;
	unsigned char	*allow;		/* nstages * nstages */
	int		 reopen;	/* stage index, -1: first 'open' */
	/* While the model is built (borrowed from the conf): its first
	 * header, and its 'reopen =' entry. */
	const struct csm_conf_section *where;
	const struct csm_conf_entry *reopen_at;
};

struct csm_model {
	struct csm_tz	*tz;
	int64_t		 reopen_window;
	struct field	*fields;
	size_t		 nfields;
	struct workflow	*flows;
	size_t		 nflows;
	char		**warnings;	/* "file:line:col: message" */
	size_t		 nwarnings;
};

static const char *const statuses[CSM_NSTATUS] = {
	"new", "open", "pending", "on_hold", "resolved", "closed"
};

/* The default machine: allowed[from] is a bit set of targets. */
#define B(s) (1u << (s))
static const unsigned allowed[CSM_NSTATUS] = {
	[CSM_ST_NEW] = B(CSM_ST_OPEN) | B(CSM_ST_PENDING) | B(CSM_ST_ON_HOLD) |
	    B(CSM_ST_RESOLVED),
	[CSM_ST_OPEN] = B(CSM_ST_PENDING) | B(CSM_ST_ON_HOLD) |
	    B(CSM_ST_RESOLVED),
	[CSM_ST_PENDING] = B(CSM_ST_OPEN) | B(CSM_ST_ON_HOLD) |
	    B(CSM_ST_RESOLVED),
	[CSM_ST_ON_HOLD] = B(CSM_ST_OPEN) | B(CSM_ST_PENDING) |
	    B(CSM_ST_RESOLVED),
	[CSM_ST_RESOLVED] = B(CSM_ST_OPEN) | B(CSM_ST_CLOSED),
	[CSM_ST_CLOSED] = B(CSM_ST_OPEN),
};

static const char *const kinds[CSM_NKINDS] = {
	NULL, "ticket", "message", "event", "customer", "order", "survey"
};

/* A record kind from its name (singular or plural), or -1. */
int
csm_kind_parse(const char *name)
{
	size_t n = strlen(name);
	int k;

	for (k = 1; k < CSM_NKINDS; k++) {
		size_t kl = strlen(kinds[k]);

		if (strcmp(name, kinds[k]) == 0 ||
		    (n == kl + 1 && strncmp(name, kinds[k], kl) == 0 &&
		    name[kl] == 's'))
			return k;
	}
	if (strcmp(name, "asset") == 0)
		return CSM_KIND_ORDER;
	return -1;
}

/* The name of a record kind. */
const char *
csm_kind_name(int kind)
{
	return kind > 0 && kind < CSM_NKINDS ? kinds[kind] : "record";
}

/* A default status from its name, or -1. */
int
csm_status_parse(const char *name)
{
	int s;

	for (s = 0; s < CSM_NSTATUS; s++)
		if (strcmp(name, statuses[s]) == 0)
			return s;
	if (strcmp(name, "on-hold") == 0 || strcmp(name, "hold") == 0)
		return CSM_ST_ON_HOLD;
	if (strcmp(name, "solved") == 0)
		return CSM_ST_RESOLVED;
	return -1;
}

/* The name of a default status. */
const char *
csm_status_name(int status)
{
	return status >= 0 && status < CSM_NSTATUS ? statuses[status] : NULL;
}

/* Frees the model; NULL is a no-op. */
void
csm_model_free(struct csm_model *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfields; i++) {
		struct field *f = &m->fields[i];

		free(f->values);
		free(f->types);
		csm_re_free(f->re);
		free(f->name);
	}
	free(m->fields);
	for (i = 0; i < m->nflows; i++) {
		for (j = 0; j < m->flows[i].nstages; j++)
			free(m->flows[i].stages[j].name);
		free(m->flows[i].stages);
		free(m->flows[i].allow);
		free(m->flows[i].type);
	}
	free(m->flows);
	for (i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	csm_tz_free(m->tz);
	free(m);
}

/* The model's time zone (borrowed). */
const struct csm_tz *
csm_model_tz(const struct csm_model *m)
{
	return m->tz;
}

/* The i-th warning, or NULL (borrowed). */
const char *
csm_model_warning(const struct csm_model *m, size_t i)
{
	return i < m->nwarnings ? m->warnings[i] : NULL;
}

/* Adds "file:line:col: message" about section header s to the warnings.
 * Returns 0, or -1 with err when out of memory. */
static int
warn_at(struct csm_model *m, const struct csm_conf_section *s,
    struct csm_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
warn_at(struct csm_model *m, const struct csm_conf_section *s,
    struct csm_err *err, const char *fmt, ...)
{
	char msg[200], **w;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w = realloc(m->warnings, (m->nwarnings + 1) * sizeof(*w));
	if (w == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	m->warnings = w;
	len = strlen(s->file) + strlen(msg) + 64;
	w[m->nwarnings] = malloc(len);
	if (w[m->nwarnings] == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	snprintf(w[m->nwarnings++], len, "%s:%ld:%ld: %s", s->file, s->line,
	    s->col, msg);
	return 0;
}

/* Fills err (CSM_ECONFIG) with "file:line:col: message" about section
 * header s; returns -1. */
/* The error for key e given again after first; what names the thing it
 * is a key of ("in [core]", "of field 'x'"). */
static int
twice(const struct csm_conf_entry *e, const struct csm_conf_entry *first,
    const char *what, struct csm_err *err)
{
	return csm_conf_error(e, err, "'%s' %s is set twice (first at "
	    "%s:%ld)", e->key, what, first->file, first->line);
}

/* The index of key in a NULL-terminated table, or -1. */
static int
key_index(const char *const *keys, const char *key)
{
	int i;

	for (i = 0; keys[i] != NULL; i++)
		if (strcmp(keys[i], key) == 0)
			return i;
	return -1;
}

/* The field named name, or NULL. */
static struct field *
field_named(struct csm_model *m, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < m->nfields; i++)
		if (strcmp(m->fields[i].name, name) == 0)
			return &m->fields[i];
	return NULL;
}

/* Declares the field of header s (once for all its headers). */
static struct field *
field_of(struct csm_model *m, const struct csm_conf_section *s,
    struct csm_err *err)
{
	struct field *f = field_named(m, s->name);

	if (f != NULL)
		return f;
	f = realloc(m->fields, (m->nfields + 1) * sizeof(*f));
	if (f == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	m->fields = f;
	f = &m->fields[m->nfields];
	memset(f, 0, sizeof(*f));
	f->name = strdup(s->name);
	if (f->name == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	m->nfields++;
	f->kind = CSM_KIND_TICKET;
	f->where = s;
	return f;
}

static int
field_entry(struct csm_model *m, const struct csm_conf_entry *e,
    struct csm_err *err)
{
	struct field *f = field_named(m, e->name);	/* its header made it */
	char what[160];
	size_t i;
	int k;

	if (f == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "field '%s' has no "
		    "header", e->name ? e->name : "");
	k = key_index(field_keys, e->key);
	if (k < 0)
		return csm_conf_unknown_key(e, field_keys, err);
	if (f->set[k] != NULL) {
		snprintf(what, sizeof(what), "of field '%s'", f->name);
		return twice(e, f->set[k], what, err);
	}
	f->set[k] = e;
	if (strcmp(e->key, "type") == 0) {
		for (i = 0; ftypes[i] != NULL; i++)
			if (strcmp(e->value, ftypes[i]) == 0)
				break;
		if (ftypes[i] == NULL)
			return csm_conf_error(e, err, "unknown field type '%s' "
			    "(expected string, int, number, bool, date, "
			    "time or enum)", e->value);
		f->type = (enum ftype)i;
	} else if (strcmp(e->key, "values") == 0) {
		/* It makes a string field an enum once all is read. */
		if (csm_conf_list(e, &f->values, &f->nvalues, err) < 0)
			return -1;
	} else if (strcmp(e->key, "required") == 0) {
		f->required = csm_conf_bool(e->value);
		if (f->required < 0)
			return csm_conf_error(e, err, "expected true or false, "
			    "got '%s'", e->value);
	} else if (strcmp(e->key, "pattern") == 0) {
		/* PCRE2, as "~" in expressions (re.c). */
		struct csm_err rerr;

		csm_re_free(f->re);
		f->re = csm_re_new(e->value, strlen(e->value), 0, &rerr);
		if (f->re == NULL && rerr.code == CSM_EDATA)
			return csm_conf_error(e, err, "bad pattern: %s",
			    rerr.msg);
		if (f->re == NULL)
			return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	} else if (strcmp(e->key, "types") == 0) {
		if (csm_conf_list(e, &f->types, &f->ntypes, err) < 0)
			return -1;
	} else if (strcmp(e->key, "record") == 0) {
		f->kind = csm_kind_parse(e->value);
		if (f->kind < 0)
			return csm_conf_error(e, err, "unknown record kind "
			    "'%s'", e->value);
	}
	/* label and description are for people. */
	return 0;
}

/* What can be told of a field only once all of it is read. */
static int
field_check(struct field *f, struct csm_err *err)
{
	if (f->set[K_VALUES] != NULL) {
		if (f->type == FT_STRING)
			f->type = FT_ENUM;
		else if (f->type != FT_ENUM)
			return csm_conf_error(f->set[K_VALUES], err, "'values' "
			    "is for enum fields; field '%s' is of type %s",
			    f->name, ftypes[f->type]);
	}
	if (f->type == FT_ENUM && f->nvalues == 0)
		return csm_conf_error(f->set[K_TYPE], err, "enum field '%s' "
		    "needs 'values = a, b, c'", f->name);
	if (f->ntypes > 0 && f->kind != CSM_KIND_TICKET)
		return csm_conf_error(f->set[K_TYPES], err, "'types' is for "
		    "ticket fields; field '%s' is of %s records", f->name,
		    csm_kind_name(f->kind));
	if (csm_field_builtin(f->kind, f->name))
		return csm_conf_section_error(f->where, err,
		    "'%s' is a built-in field "
		    "of %s records and cannot be declared", f->name,
		    csm_kind_name(f->kind));
	return 0;
}

static struct workflow *
flow_of(struct csm_model *m, const char *type)
{
	size_t i;

	for (i = 0; type != NULL && i < m->nflows; i++)
		if (strcmp(m->flows[i].type, type) == 0)
			return &m->flows[i];
	return NULL;
}

static long
stage_index(const struct workflow *w, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < w->nstages; i++)
		if (strlen(w->stages[i].name) == len &&
		    memcmp(w->stages[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

/* "受理 new": a stage and its default status. */
static int
flow_status(struct workflow *w, const struct csm_conf_entry *e,
    struct csm_err *err)
{
	const char *v = e->value, *sp, *rest;
	struct stage *st;
	size_t len;
	int base;

	sp = strpbrk(v, " \t");
	rest = sp;
	while (rest != NULL && (*rest == ' ' || *rest == '\t'))
		rest++;
	if (sp == NULL || strpbrk(rest, " \t") != NULL)
		return csm_conf_error(e, err, "expected a stage and the "
		    "default status it counts as, as in 'status = 派工 open'%s",
		    sp == NULL ? "" : " (a stage name has no white space)");
	len = (size_t)(sp - v);
	base = csm_status_parse(rest);
	if (base < 0)
		return csm_conf_error(e, err, "unknown default status '%s' "
		    "(expected new, open, pending, on_hold, resolved or "
		    "closed)", rest);
	if (memchr(v, '"', len) != NULL)
		return csm_conf_error(e, err, "stage '%.*s': stage names are "
		    "written without quotes", (int)len, v);
	/* A transition is split at "->", and an event's "status: open"
	 * would find a stage named open before the status. */
	for (sp = v; sp + 1 < v + len; sp++)
		if (sp[0] == '-' && sp[1] == '>')
			return csm_conf_error(e, err, "stage '%.*s': a stage "
			    "name cannot hold '->'", (int)len, v);
	{
		char name[16];	/* longer than any status name */

		if (len < sizeof(name)) {
			memcpy(name, v, len);
			name[len] = '\0';
			if (csm_status_parse(name) >= 0)
				return csm_conf_error(e, err, "a stage cannot "
				    "be named '%s', a name of a default status "
				    "(events would move to it instead)", name);
		}
	}
	if (stage_index(w, v, len) >= 0)
		return csm_conf_error(e, err, "stage declared twice");
	st = realloc(w->stages, (w->nstages + 1) * sizeof(*st));
	if (st == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	w->stages = st;
	st = &w->stages[w->nstages];
	st->name = strndup(v, len);
	if (st->name == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	st->base = base;
	w->nstages++;
	return 0;
}

/* "a -> b -> c": allows a→b and b→c. */
static int
flow_transition(struct workflow *w, const struct csm_conf_entry *e,
    struct csm_err *err)
{
	const char *s = e->value, *arrow;
	long prev = -1, cur;

	for (;;) {
		size_t len;

		while (*s == ' ' || *s == '\t')
			s++;
		arrow = strstr(s, "->");
		len = arrow ? (size_t)(arrow - s) : strlen(s);
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0)
			return csm_conf_error(e, err, "expected 'a -> b'%s",
			    prev >= 0 || arrow != NULL ? ", with a stage on "
			    "each side of '->'" : "");
		cur = stage_index(w, s, len);
		if (cur < 0)
			return csm_conf_error(e, err, "unknown stage '%.*s' "
			    "(declare it first with 'status = %.*s open')",
			    (int)len, s, (int)len, s);
		if (prev >= 0)
			w->allow[(size_t)prev * w->nstages + (size_t)cur] = 1;
		else if (arrow == NULL)
			return csm_conf_error(e, err, "expected 'a -> b'");
		prev = cur;
		if (arrow == NULL)
			break;
		s = arrow + 2;
	}
	return 0;
}

/* The workflow of header s, made on its first header. */
static struct workflow *
flow_new(struct csm_model *m, const struct csm_conf_section *s,
    struct csm_err *err)
{
	struct workflow *w = flow_of(m, s->name);

	if (w != NULL)
		return w;
	w = realloc(m->flows, (m->nflows + 1) * sizeof(*w));
	if (w == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	m->flows = w;
	w = &m->flows[m->nflows];
	memset(w, 0, sizeof(*w));
	w->reopen = -1;
	w->where = s;
	w->type = strdup(s->name);
	if (w->type == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	m->nflows++;
	return w;
}

/*
 * Where a reopen goes: the 'reopen' stage, else the first stage counting
 * as open.  It must be a stage that is neither resolved nor closed, or a
 * customer's reply would leave the ticket as it was.
 */
static int
flow_reopen(struct workflow *w, struct csm_err *err)
{
	size_t i;
	int base;

	for (i = 0; w->reopen < 0 && i < w->nstages; i++)
		if (w->stages[i].base == CSM_ST_OPEN)
			w->reopen = (int)i;
	if (w->reopen < 0)
		return csm_conf_section_error(w->where, err,
		    "workflow '%s' has no "
		    "stage to reopen to, so a customer's reply would leave a "
		    "resolved ticket resolved: declare a stage that counts as "
		    "open, or set 'reopen = STAGE'", w->type);
	base = w->stages[w->reopen].base;
	if (base == CSM_ST_RESOLVED || base == CSM_ST_CLOSED)
		return csm_conf_error(w->reopen_at, err, "reopen stage '%s' "
		    "counts as %s, so a reopened ticket would stay %s: choose "
		    "a stage that counts as new, open, pending or on_hold",
		    w->stages[w->reopen].name, statuses[base],
		    statuses[base]);
	return 0;
}

/* Workflows are read in two passes: stages, then transitions. */
static int
build_flows(struct csm_model *m, const struct csm_conf_entry *v, size_t n,
    struct csm_err *err)
{
	struct workflow *w;
	char what[160];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct csm_conf_entry *e = &v[i];

		if (strcmp(e->section, "workflow") != 0)
			continue;
		w = flow_of(m, e->name);	/* its header made it */
		if (w == NULL)
			return csm_err_set(err, CSM_EINTERNAL, "workflow '%s' "
			    "has no header", e->name ? e->name : "");
		if (key_index(flow_keys, e->key) < 0)
			return csm_conf_unknown_key(e, flow_keys, err);
		if (strcmp(e->key, "status") == 0) {
			if (flow_status(w, e, err) < 0)
				return -1;
		} else if (strcmp(e->key, "reopen") == 0) {
			if (w->reopen_at != NULL) {
				snprintf(what, sizeof(what), "of workflow '%s'",
				    w->type);
				return twice(e, w->reopen_at, what, err);
			}
			w->reopen_at = e;
		}
	}
	for (i = 0; i < m->nflows; i++) {
		w = &m->flows[i];
		if (w->nstages == 0)
			return csm_conf_section_error(w->where, err,
			    "workflow '%s' "
			    "declares no stages ('status = 受理 new')", w->type);
		w->allow = calloc(w->nstages * w->nstages + 1, 1);
		if (w->allow == NULL)
			return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		const struct csm_conf_entry *e = &v[i];

		if (strcmp(e->section, "workflow") != 0)
			continue;
		w = flow_of(m, e->name);
		if (strcmp(e->key, "transition") == 0) {
			if (flow_transition(w, e, err) < 0)
				return -1;
		} else if (strcmp(e->key, "reopen") == 0) {
			long s = stage_index(w, e->value, strlen(e->value));

			if (s < 0)
				return csm_conf_error(e, err, "unknown stage "
				    "'%s'", e->value);
			w->reopen = (int)s;
		}
	}
	for (i = 0; i < m->nflows; i++)
		if (flow_reopen(&m->flows[i], err) < 0)
			return -1;
	return 0;
}

/*
 * Reads the section headers: the model's sections must be named as they
 * should, declare the fields and workflows they name (even with no
 * entries), and draw a warning when no part of csm knows them.
 */
static int
build_sections(struct csm_model *m, const struct csm_conf *conf,
    struct csm_err *err)
{
	const struct csm_conf_section *v, *s;
	const char *hint;
	size_t n, i;

	v = csm_conf_sections(conf, &n);
	for (i = 0; i < n; i++) {
		s = &v[i];
		if (strcmp(s->section, "core") == 0) {
			if (s->name != NULL)
				return csm_conf_section_error(s, err,
				    "[core] takes no "
				    "name");
		} else if (strcmp(s->section, "field") == 0) {
			if (s->name == NULL || s->name[0] == '\0')
				return csm_conf_section_error(s, err,
				    "[field] needs a "
				    "name: [field \"serial_no\"]");
			if (field_of(m, s, err) == NULL)
				return -1;
		} else if (strcmp(s->section, "workflow") == 0) {
			if (s->name == NULL || s->name[0] == '\0')
				return csm_conf_section_error(s, err,
				    "[workflow] needs "
				    "the ticket type it is for: [workflow "
				    "\"repair\"]");
			if (flow_new(m, s, err) == NULL)
				return -1;
		} else if (strcmp(s->section, "include") != 0 &&
		    key_index(later_sections, s->section) < 0) {
			hint = csm_conf_suggest(s->section, all_sections);
			if (warn_at(m, s, err, "unknown section [%s] is "
			    "ignored%s%s%s", s->section, hint ? " (did you "
			    "mean [" : "", hint ? hint : "", hint ? "]?)" : "")
			    < 0)
				return -1;
		}
	}
	return 0;
}

/* A [core] entry; *tz gets the timezone entry. */
static int
core_entry(struct csm_model *m, const struct csm_conf_entry *e,
    const struct csm_conf_entry **seen, const struct csm_conf_entry **tz,
    struct csm_err *err)
{
	int k = key_index(core_keys, e->key);

	if (k < 0)
		return csm_conf_unknown_key(e, core_keys, err);
	if (seen[k] != NULL)
		return twice(e, seen[k], "in [core]", err);
	seen[k] = e;
	if (strcmp(e->key, "timezone") == 0) {
		if (e->value[0] == '\0')
			return csm_conf_error(e, err, "timezone: expected a "
			    "time zone, as in 'timezone = Asia/Shanghai' (for "
			    "the system's zone, leave the key out)");
		*tz = e;
	} else if (csm_dur_parse(e->value, strlen(e->value),
	    &m->reopen_window, err) < 0)
		return csm_conf_error(e, err, "reopen_window: not a duration: "
		    "'%s'", e->value);
	return 0;
}

/*
 * Builds the model from conf (NULL: defaults).  Returns new, or NULL with
 * err (CSM_ECONFIG naming the entry).
 */
struct csm_model *
csm_model_new(const struct csm_conf *conf, struct csm_err *err)
{
	const struct csm_conf_entry *v = NULL, *e, *tz = NULL;
	const struct csm_conf_entry *seen[2] = {NULL, NULL};
	struct csm_model *m;
	size_t n = 0, i;

	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	m->reopen_window = DEFAULT_REOPEN_WINDOW;
	if (conf != NULL) {
		v = csm_conf_entries(conf, &n);
		if (build_sections(m, conf, err) < 0)
			goto fail;
	}
	for (i = 0; i < n; i++) {
		e = &v[i];
		if (strcmp(e->section, "core") == 0) {
			if (core_entry(m, e, seen, &tz, err) < 0)
				goto fail;
		} else if (strcmp(e->section, "field") == 0) {
			if (field_entry(m, e, err) < 0)
				goto fail;
		}
	}
	for (i = 0; i < m->nfields; i++)
		if (field_check(&m->fields[i], err) < 0)
			goto fail;
	if (build_flows(m, v, n, err) < 0)
		goto fail;
	for (i = 0; i < m->nfields; i++) {	/* the conf may go now */
		m->fields[i].where = NULL;
		memset(m->fields[i].set, 0, sizeof(m->fields[i].set));
	}
	for (i = 0; i < m->nflows; i++) {
		m->flows[i].where = NULL;
		m->flows[i].reopen_at = NULL;
	}
	m->tz = csm_tz_load(tz ? tz->value : NULL, err);
	if (m->tz == NULL) {
		if (tz != NULL)
			csm_conf_error(tz, err, "unknown time zone '%s'",
			    tz->value);
		goto fail;
	}
	return m;
fail:
	csm_model_free(m);
	return NULL;
}

/* Lifecycle. */

static long
stage_of(const struct workflow *w, const char *name)
{
	return name ? stage_index(w, name, strlen(name)) : -1;
}

static int
within_window(const struct csm_model *m, const struct csm_ticket_state *cur,
    int64_t now, struct csm_err *err)
{
	char when[40];

	if (cur->closed_at == 0 || now - cur->closed_at <= m->reopen_window)
		return 0;
	csm_time_format(cur->closed_at, m->tz, when);
	return csm_err_set(err, CSM_EDATA, "ticket was closed at %s, longer "
	    "ago than the reopen window", when);
}

static int
move_flow(const struct csm_model *m, const struct workflow *w,
    const struct csm_ticket_state *cur, const char *to, int64_t now,
    const char **status, const char **stage, struct csm_err *err)
{
	long from, target = stage_of(w, to);
	int base;
	size_t i;

	if (cur == NULL) {
		if (to == NULL)
			target = 0;
		else if (target < 0) {
			base = csm_status_parse(to);
			for (i = 0; base >= 0 && i < w->nstages; i++)
				if (w->stages[i].base == base)
					break;
			if (base < 0 || i == w->nstages)
				return csm_err_set(err, CSM_EDATA, "'%s' is not "
				    "a stage of workflow '%s'", to, w->type);
			target = (long)i;
		}
		*status = statuses[w->stages[target].base];
		*stage = w->stages[target].name;
		return 1;
	}
	from = stage_of(w, cur->stage);
	if (from < 0)	/* a ticket that predates the workflow */
		from = 0;
	if (target < 0) {
		/* A default status: the one stage it means from here. */
		long found = -1;

		base = csm_status_parse(to);
		if (base < 0)
			return csm_err_set(err, CSM_EDATA, "'%s' is not a stage "
			    "of workflow '%s'", to, w->type);
		if (w->stages[from].base == base)
			found = from;
		for (i = 0; found != from && i < w->nstages; i++)
			if (w->stages[i].base == base &&
			    w->allow[(size_t)from * w->nstages + i]) {
				if (found >= 0)
					return csm_err_set(err, CSM_EDATA,
					    "'%s' is ambiguous from stage '%s' "
					    "of workflow '%s'", to,
					    w->stages[from].name, w->type);
				found = (long)i;
			}
		if (found < 0)
			return csm_err_set(err, CSM_EDATA, "cannot go from stage "
			    "'%s' to '%s' in workflow '%s'",
			    w->stages[from].name, to, w->type);
		target = found;
	}
	*status = statuses[w->stages[target].base];
	*stage = w->stages[target].name;
	if (target == from)
		return 0;
	if (!w->allow[(size_t)from * w->nstages + (size_t)target])
		return csm_err_set(err, CSM_EDATA, "cannot go from stage '%s' "
		    "to '%s' in workflow '%s'", w->stages[from].name, to,
		    w->type);
	if (w->stages[from].base == CSM_ST_CLOSED &&
	    within_window(m, cur, now, err) < 0)
		return -1;
	return 1;
}

/*
 * Checks and computes a status move (see csm.h).  Returns 1 changed, 0
 * unchanged, -1 with err.
 */
int
csm_model_move(const struct csm_model *m, const struct csm_ticket_state *cur,
    const char *type, const char *to, int64_t now, const char **status,
    const char **stage, struct csm_err *err)
{
	const struct workflow *w = NULL;
	int from, target;

	if (type != NULL)
		w = flow_of((struct csm_model *)(uintptr_t)m, type);
	if (w != NULL)
		return move_flow(m, w, cur, to, now, status, stage, err);
	*stage = NULL;
	target = to ? csm_status_parse(to) : CSM_ST_NEW;
	if (target < 0)
		return csm_err_set(err, CSM_EDATA, "unknown status '%s' "
		    "(expected new, open, pending, on_hold, resolved or "
		    "closed)", to);
	*status = statuses[target];
	if (cur == NULL)
		return 1;
	from = csm_status_parse(cur->status);
	if (from < 0)
		from = CSM_ST_OPEN;
	if (from == target)
		return 0;
	if (!(allowed[from] & B(target)))
		return csm_err_set(err, CSM_EDATA, "cannot go from '%s' to "
		    "'%s'", statuses[from], statuses[target]);
	if (from == CSM_ST_CLOSED && within_window(m, cur, now, err) < 0)
		return -1;
	return 1;
}

/*
 * The default status a status or stage name stands for, for a ticket of
 * type (NULL: none): a stage of the type's workflow counts as the status
 * it is declared with.  -1 when it is neither.
 */
int
csm_model_status_of(const struct csm_model *m, const char *type,
    const char *name)
{
	const struct workflow *w = NULL;
	long i;

	if (name == NULL)
		return -1;
	if (type != NULL)
		w = flow_of((struct csm_model *)(uintptr_t)m, type);
	if (w != NULL && (i = stage_of(w, name)) >= 0)
		return w->stages[i].base;
	return csm_status_parse(name);
}

/* The move a customer's reply makes on a resolved or closed ticket. */
int
csm_model_reopen(const struct csm_model *m,
    const struct csm_ticket_state *cur, int64_t now, const char **status,
    const char **stage, struct csm_err *err)
{
	const struct workflow *w = NULL;
	size_t i;
	long target;

	if (csm_status_parse(cur->status) != CSM_ST_RESOLVED &&
	    csm_status_parse(cur->status) != CSM_ST_CLOSED)
		return csm_err_set(err, CSM_EDATA, "only a resolved or closed "
		    "ticket can be reopened, not one in '%s'", cur->stage ?
		    cur->stage : cur->status);
	if (cur->type != NULL)
		w = flow_of((struct csm_model *)(uintptr_t)m, cur->type);
	if (w == NULL)
		return csm_model_move(m, cur, NULL, "open", now, status, stage,
		    err);
	target = w->reopen;
	for (i = 0; target < 0 && i < w->nstages; i++)
		if (w->stages[i].base == CSM_ST_OPEN)
			target = (long)i;
	if (target < 0)
		return csm_err_set(err, CSM_EDATA, "workflow '%s' has no stage "
		    "to reopen to (set 'reopen = STAGE')", w->type);
	if (csm_status_parse(cur->status) == CSM_ST_CLOSED &&
	    within_window(m, cur, now, err) < 0)
		return -1;
	*status = statuses[w->stages[target].base];
	*stage = w->stages[target].name;
	return 1;
}

/* Custom fields. */

const char *
csm_model_custom(const struct csm_model *m, int kind, size_t i)
{
	size_t k;

	for (k = 0; k < m->nfields; k++)
		if (m->fields[k].kind == kind && i-- == 0)
			return m->fields[k].name;
	return NULL;
}

static int
applies(const struct field *f, int kind, const char *ttype)
{
	size_t i;

	if (f->kind != kind)
		return 0;
	if (f->ntypes == 0)
		return 1;
	for (i = 0; ttype != NULL && i < f->ntypes; i++)
		if (strcmp(f->types[i], ttype) == 0)
			return 1;
	return 0;
}

static int
expected(const struct field *f, const char *what, const json_t *v,
    struct csm_err *err)
{
	char esc[80];

	return csm_err_set(err, CSM_EDATA, "%s: expected %s, got %s",
	    f->name, what, csm_escape_json(v, esc, sizeof(esc)));
}

/* "expected X, got V", with why when the number is out of range. */
static int
badnum(const struct field *f, const char *what, const json_t *v,
    const char *why, struct csm_err *err)
{
	char esc[80];

	if (strncmp(why, "too ", 4) != 0)
		return expected(f, what, v, err);
	return csm_err_set(err, CSM_EDATA, "%s: expected %s, got %s (%s)",
	    f->name, what, csm_escape_json(v, esc, sizeof(esc)), why);
}

/* Does the value v match f's pattern?  Numbers are matched in plain
 * decimal (csm_num_text), booleans as true or false. */
static int
check_pattern(const struct field *f, const json_t *v, struct csm_err *err)
{
	char num[CSM_NUM_TEXT], esc[80], *text = NULL;
	struct csm_re_md *md;
	struct csm_num n;
	const char *s;
	size_t len;
	int rc;

	if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
	} else if (csm_num_json(v, &n, NULL) == 0) {
		s = csm_num_text(&n, num);
		len = strlen(s);
	} else if (json_is_boolean(v)) {
		s = json_is_true(v) ? "true" : "false";
		len = strlen(s);
	} else {
		text = csm_json_text(v);
		s = text != NULL ? text : "";
		len = strlen(s);
	}
	rc = -2;
	if ((md = csm_re_md_new()) != NULL)
		rc = csm_re_match(f->re, md, s, len, 0);
	csm_re_md_free(md);
	if (rc == 0)
		csm_err_set(err, CSM_EDATA, "%s: \"%s\" does not match %s",
		    f->name, csm_escape(s, len, esc, sizeof(esc)),
		    csm_re_pattern(f->re));
	else if (rc == CSM_RE_LIMIT)
		csm_err_set(err, CSM_EDATA, "%s: matching %s stopped at its "
		    "limit", f->name, csm_re_pattern(f->re));
	else if (rc == -2)
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
	free(text);
	return rc == 1 ? 0 : -1;
}

static int
check_one(const struct csm_model *m, const struct field *f, json_t *attrs,
    json_t *v, struct csm_err *err)
{
	const char *s = json_string_value(v), *why;
	struct csm_num num;
	char buf[40];
	int64_t t;
	size_t i;

	switch (f->type) {
	case FT_STRING:
	case FT_ENUM:
		if (s == NULL)
			return expected(f, "a string", v, err);
		if (f->type == FT_ENUM) {
			for (i = 0; i < f->nvalues; i++)
				if (strcmp(s, f->values[i]) == 0)
					break;
			if (i == f->nvalues)
				return expected(f, "one of the declared "
				    "values", v, err);
		}
		break;
	case FT_INT:
		/* One reading of numbers (num.c): 42.0 is 42. */
		if (csm_int_json(v, &t, &why) < 0)
			return badnum(f, "an integer", v, why, err);
		json_object_set_new(attrs, f->name, json_integer(t));
		break;
	case FT_NUMBER:
		/* No hex, inf or nan; 1e-400 and 1e999 are out of range. */
		if (csm_num_json(v, &num, &why) < 0)
			return badnum(f, "a number", v, why, err);
		json_object_set_new(attrs, f->name, num.isint ?
		    json_integer(num.i) : json_real(num.d));
		break;
	case FT_BOOL:
		if (s != NULL) {
			int b = csm_conf_bool(s);

			if (b < 0)
				return expected(f, "true or false", v, err);
			json_object_set_new(attrs, f->name, json_boolean(b));
		} else if (!json_is_boolean(v))
			return expected(f, "true or false", v, err);
		break;
	case FT_DATE:
		if (s == NULL || strlen(s) != 10 ||
		    csm_time_parse(s, 10, m->tz, &t, NULL) < 0)
			return expected(f, "a date (YYYY-MM-DD)", v, err);
		break;
	case FT_TIME:
		if (s == NULL || csm_time_parse(s, strlen(s), m->tz, &t,
		    NULL) < 0)
			return expected(f, "a time", v, err);
		csm_time_format(t, m->tz, buf);
		json_object_set_new(attrs, f->name, json_string(buf));
		break;
	}
	v = json_object_get(attrs, f->name);
	if (f->re != NULL && check_pattern(f, v, err) < 0)
		return -1;
	return 0;
}

/* Validates and normalizes declared custom fields (see csm.h). */
int
csm_model_check_fields(const struct csm_model *m, int kind,
    const char *ttype, json_t *attrs, struct csm_err *err)
{
	size_t i;

	for (i = 0; attrs != NULL && i < m->nfields; i++) {
		const struct field *f = &m->fields[i];
		json_t *v;

		if (!applies(f, kind, ttype))
			continue;
		v = json_object_get(attrs, f->name);
		if (v == NULL || json_is_null(v))
			continue;
		if (check_one(m, f, attrs, v, err) < 0)
			return -1;
	}
	return 0;
}

/* Checks that required custom fields are there (see csm.h). */
int
csm_model_check_required(const struct csm_model *m, int kind,
    const char *ttype, const json_t *attrs, struct csm_err *err)
{
	size_t i;

	for (i = 0; i < m->nfields; i++) {
		const struct field *f = &m->fields[i];
		const json_t *v;

		if (!f->required || !applies(f, kind, ttype))
			continue;
		v = attrs ? json_object_get(attrs, f->name) : NULL;
		if (v == NULL || json_is_null(v))
			return csm_err_set(err, CSM_EDATA, "%s: required%s%s%s",
			    f->name, ttype && f->ntypes ? " for ticket type '" :
			    "", ttype && f->ntypes ? ttype : "",
			    ttype && f->ntypes ? "'" : "");
	}
	return 0;
}
