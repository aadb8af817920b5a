/*
 * rule_names.c - the names a rule reads and writes must exist: a field of
 * the ticket record, a declared custom field, customer.NAME, and in the
 * rules that run on messages and answers, message.NAME and survey.NAME.
 * A typo in a rule would otherwise match nothing (or change a field no
 * one reads) without a word, so csm_rules_new refuses it, with "did you
 * mean" when a known name is close.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "rules.h"

/* What customer.NAME may name beyond the customer record's fields: the
 * figures csm_ticket_customer_record computes. */
static const char *const figures[] = {
	"open_tickets", "tickets_30d", "orders", "under_warranty", NULL
};

/* The names known for one kind of record: built in, derived, declared. */
struct names {
	const char	**v;
	size_t		 n, cap;
};

static int
add(struct names *ns, const char *name)
{
	const char **v;

	if (ns->n + 2 > ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		if ((v = realloc(ns->v, ns->cap * sizeof(*v))) == NULL)
			return -1;
		ns->v = v;
	}
	ns->v[ns->n++] = name;
	ns->v[ns->n] = NULL;
	return 0;
}

/* The names of records of kind, and extra (NULL-terminated, or NULL). */
static int
names_of(struct names *ns, const struct csm_model *m, int kind,
    const char *const *extra)
{
	const char *name;
	size_t i;
	int f;

	ns->n = 0;
	if (add(ns, "type") < 0)
		return -1;
	if (kind == CSM_KIND_TICKET && add(ns, "stage") < 0)
		return -1;
	for (f = 0; f < NFIELDS; f++)
		if (csm_field_builtin(kind, csm_fdefs[f].name) &&
		    add(ns, csm_fdefs[f].name) < 0)
			return -1;
	for (i = 0; (name = csm_model_custom(m, kind, i)) != NULL; i++)
		if (add(ns, name) < 0)
			return -1;
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		if (add(ns, extra[i]) < 0)
			return -1;
	return 0;
}

static int
known(const struct names *ns, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		if (strlen(ns->v[i]) == len && memcmp(ns->v[i], name, len) == 0)
			return 1;
	return 0;
}

/* What a rule may read: the ticket's names, and those under prefixes. */
struct scope {
	struct names	 ticket, customer, message, survey;
	const struct names_check *rule;
	char		 label[300];	/* "rule 'x'", "[sla \"x\"]" */
	const char	*what;		/* "when", "then" */
	long		 line;		/* where it is written */
	struct csm_err	*err;
};

/* Refuses name (of the rule in s) with a reason. */
static int
unknown_name(struct scope *s, const char *name, const struct names *ns,
    const char *prefix, const char *hint)
{
	const char *last = strrchr(name, '.'), *near;

	near = ns != NULL ? csm_conf_suggest(last != NULL && prefix != NULL ?
	    last + 1 : name, ns->v) : NULL;
	if (near != NULL)
		return csm_err_set(s->err, CSM_ECONFIG, "%s:%ld: %s: %s: "
		    "unknown field '%s' (did you mean '%s%s'?)", s->rule->file,
		    s->line, s->label, s->what, name,
		    prefix != NULL ? prefix : "", near);
	return csm_err_set(s->err, CSM_ECONFIG, "%s:%ld: %s: %s: "
	    "unknown field '%s' (%s)", s->rule->file, s->line, s->label,
	    s->what, name, hint);
}

/* Checks one name the rule reads (a csm_expr_names callback). */
static int
check_name(void *arg, const char *name)
{
	struct scope *s = arg;
	const char *dot = strchr(name, '.'), *rest;
	size_t len = dot != NULL ? (size_t)(dot - name) : strlen(name);
	const struct names *ns;
	unsigned need;

	if (dot == NULL || (len == 10 && memcmp(name, "identities", 10) ==
	    0)) {
		if (known(&s->ticket, name, len))
			return 0;
		return unknown_name(s, name, &s->ticket, NULL, "a ticket has no "
		    "such field; declare a custom field with [field]");
	}
	rest = dot + 1;
	if (len == 8 && memcmp(name, "customer", 8) == 0) {
		ns = &s->customer;
		need = 0;
	} else if (len == 7 && memcmp(name, "message", 7) == 0) {
		ns = &s->message;
		need = CSM_ON_MESSAGE;
	} else if (len == 6 && memcmp(name, "survey", 6) == 0) {
		ns = &s->survey;
		need = CSM_ON_SURVEY;
	} else
		return unknown_name(s, name, NULL, NULL, "names with a dot start "
		    "customer., message. or survey.");
	if (need != 0 && (s->rule->on & need) == 0)
		return csm_err_set(s->err, CSM_ECONFIG, "%s:%ld: %s: "
		    "%s: '%s' is there only in rules with on = %s",
		    s->rule->file, s->line, s->label, s->what, name,
		    need == CSM_ON_MESSAGE ? "message" : "survey");
	dot = strchr(rest, '.');
	len = dot != NULL ? (size_t)(dot - rest) : strlen(rest);
	if (known(ns, rest, len) && (dot == NULL || (len == 10 &&
	    memcmp(rest, "identities", 10) == 0)))
		return 0;
	return unknown_name(s, name, ns, need == 0 ? "customer." : need ==
	    CSM_ON_MESSAGE ? "message." : "survey.", "no such field; declare "
	    "a custom field with [field]");
}

/* The {name}s of a template text. */
static int
check_template(struct scope *s, const char *text)
{
	const char *p = text, *e;
	char name[128];
	size_t len;
	int rc;

	while ((p = strchr(p, '{')) != NULL) {
		if ((e = strchr(p, '}')) == NULL)
			break;
		len = (size_t)(e - p - 1);
		if (len > 0 && len < sizeof(name) && memchr(p + 1, '{', len) ==
		    NULL) {
			memcpy(name, p + 1, len);
			name[len] = '\0';
			if ((rc = check_name(s, name)) != 0)
				return rc;
		}
		p = e + 1;
	}
	return 0;
}

static int
check_rule(struct scope *s, const struct names_check *ru)
{
	size_t i;
	int rc;

	s->rule = ru;
	snprintf(s->label, sizeof(s->label), ru->label == NULL ? "rule '%s'" :
	    "[sla \"%s\"]", ru->name);
	s->what = "when";
	s->line = ru->when_line;
	if (ru->when != NULL && (rc = csm_expr_names(ru->when, check_name,
	    s)) != 0)
		return rc;
	s->what = ru->then;
	s->line = ru->then_line;
	for (i = 0; i < ru->nacts; i++) {
		const struct action *a = &ru->acts[i];

		if (a->kind == A_SET && strchr(a->field, '.') == NULL &&
		    (rc = check_name(s, a->field)) != 0)
			return rc;
		if (a->kind == A_SET && strchr(a->field, '.') != NULL)
			return unknown_name(s, a->field, NULL, NULL, "a rule sets "
			    "the ticket's own fields");
		if (a->text != NULL && (rc = check_template(s, a->text)) != 0)
			return rc;
	}
	return 0;
}

static int
scope_init(struct scope *s, const struct csm_model *m, struct csm_err *err)
{
	static const char *const ticket_extra[] = {
		"customer", "reopens", "merged_into", "links", NULL
	};

	memset(s, 0, sizeof(*s));
	s->err = err;
	if (names_of(&s->ticket, m, CSM_KIND_TICKET, ticket_extra) < 0 ||
	    names_of(&s->customer, m, CSM_KIND_CUSTOMER, figures) < 0 ||
	    names_of(&s->message, m, CSM_KIND_MESSAGE, NULL) < 0 ||
	    names_of(&s->survey, m, CSM_KIND_SURVEY, NULL) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return 0;
}

static void
scope_free(struct scope *s)
{
	free(s->ticket.v);
	free(s->customer.v);
	free(s->message.v);
	free(s->survey.v);
}

/* The names of one when and action list that is not a [rule] (rules.h). */
int
rules_check_one(const struct csm_model *m, const struct names_check *c,
    struct csm_err *err)
{
	struct scope s;
	int rc;

	if ((rc = scope_init(&s, m, err)) == 0)
		rc = check_rule(&s, c) != 0 ? -1 : 0;
	scope_free(&s);
	return rc;
}

/* Every name every rule reads or sets exists (rules.h).  0, or -1 with
 * err (CSM_ECONFIG, "FILE:LINE: rule 'x': when: unknown field ..."). */
int
rules_check_names(struct csm_rules *r, struct csm_err *err)
{
	struct scope s;
	struct names_check c;
	size_t i;
	int rc;

	rc = scope_init(&s, r->model, err);
	for (i = 0; rc == 0 && i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		c = (struct names_check){NULL, ru->name, ru->file,
		    ru->on, ru->when, ru->when_line, "then", ru->acts,
		    ru->nacts, ru->then_line};
		rc = check_rule(&s, &c) != 0 ? -1 : 0;
	}
	scope_free(&s);
	return rc;
}
