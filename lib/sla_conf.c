/*
 * sla_conf.c - [sla "name"] sections of csm.conf(5) compiled into
 * policies: which tickets (when), on which calendar, the targets by
 * priority, what pauses them, the warnings before the due time, the
 * escalation levels after it, and the actions each level takes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "internal.h"
#include "sla.h"

const char *const sla_target_names[SLA_NTARGETS] = {
	"first_response", "next_response", "resolution"
};
const char *const sla_prio_names[NPRIO] = {
	"low", "normal", "high", "urgent"
};
const char *const sla_level_names[3] = {"warn", "breach", "escalate"};

/* The keys of [sla], in the order of their names below. */
enum { K_WHEN, K_CALENDAR, K_FIRST, K_NEXT, K_RESOLUTION, K_PAUSE,
	K_FIRST_PAUSE, K_NEXT_PAUSE, K_RESOLUTION_PAUSE, K_WARN, K_ESCALATE,
	K_ON_WARN, K_ON_BREACH, K_ON_ESCALATE, K_DESCRIPTION, NKEYS };
static const char *const keys[NKEYS + 1] = {
	"when", "calendar", "first_response", "next_response", "resolution",
	"pause", "first_response_pause", "next_response_pause",
	"resolution_pause", "warn", "escalate", "on_warn", "on_breach",
	"on_escalate", "description", NULL
};

/* The priority of a name, or -1. */
int
sla_prio(const char *name)
{
	int i;

	for (i = 0; i < NPRIO; i++)
		if (strcmp(name, sla_prio_names[i]) == 0)
			return i;
	return -1;
}

/* A duration of an item: 0, or -1 with err naming the entry. */
static int
duration(const struct csm_conf_entry *e, const char *s, int64_t *secs,
    struct csm_err *err)
{
	struct csm_err derr;

	if (csm_dur_parse(s, strlen(s), secs, &derr) < 0)
		return csm_conf_error(e, err, "%s: %s", e->key, derr.msg);
	if (*secs < 0)
		return csm_conf_error(e, err, "%s: negative duration '%s'",
		    e->key, s);
	return 0;
}

/* "urgent 30m, high 1h" or "4h": the target of each priority. */
static int
parse_target(const struct csm_conf_entry *e, struct sla_target *t,
    struct csm_err *err)
{
	char **items, *sp;
	size_t n, i;
	int p, rc = 0;
	int64_t secs;

	if (csm_conf_list(e, &items, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if ((sp = strchr(items[i], ' ')) == NULL) {
			if (n > 1) {
				rc = csm_conf_error(e, err, "%s: '%s': "
				    "expected PRIORITY DURATION in a list",
				    e->key, items[i]);
				break;
			}
			if ((rc = duration(e, items[i], &secs, err)) == 0)
				for (p = 0; p < NPRIO; p++)
					t->secs[p] = secs;
			break;
		}
		*sp++ = '\0';
		while (*sp == ' ' || *sp == '\t')
			sp++;
		if ((p = sla_prio(items[i])) < 0) {
			rc = csm_conf_error(e, err, "%s: unknown priority "
			    "'%s' (expected low, normal, high or urgent)",
			    e->key, items[i]);
			break;
		}
		if (t->secs[p] >= 0) {
			rc = csm_conf_error(e, err, "%s: priority '%s' given "
			    "twice", e->key, items[i]);
			break;
		}
		rc = duration(e, sp, &t->secs[p], err);
	}
	free(items);
	return rc;
}

/* "pending, on_hold": the statuses that pause a target ("none": none). */
static int
parse_pause(const struct csm_conf_entry *e, unsigned *pause,
    struct csm_err *err)
{
	char **items;
	size_t n, i;
	int st;

	if (csm_conf_list(e, &items, &n, err) < 0)
		return -1;
	*pause = 0;
	for (i = 0; i < n; i++) {
		if (n == 1 && strcmp(items[i], "none") == 0)
			break;
		st = csm_status_parse(items[i]);
		if (st < 0 || st == CSM_ST_RESOLVED || st == CSM_ST_CLOSED) {
			csm_conf_error(e, err, "%s: '%s' cannot pause a clock "
			    "(expected new, open, pending or on_hold, or "
			    "none)", e->key, items[i]);
			free(items);
			return -1;
		}
		*pause |= 1u << st;
	}
	free(items);
	return 0;
}

/* "50%, 80%" and "1h": warnings, adding up over entries. */
static int
parse_warn(const struct csm_conf_entry *e, struct sla_policy *p,
    struct csm_err *err)
{
	char **items, *end;
	size_t n, i, len;
	struct sla_warn *w;
	long pct;

	if (csm_conf_list(e, &items, &n, err) < 0)
		return -1;
	if ((w = realloc(p->warns, (p->nwarns + n) * sizeof(*w))) == NULL) {
		free(items);
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	p->warns = w;
	for (i = 0; i < n; i++) {
		w = &p->warns[p->nwarns];
		memset(w, 0, sizeof(*w));
		len = strlen(items[i]);
		snprintf(w->text, sizeof(w->text), "%s", items[i]);
		if (len > 1 && items[i][len - 1] == '%') {
			pct = strtol(items[i], &end, 10);
			if (end != items[i] + len - 1 || pct < 1 || pct > 99) {
				free(items);
				return csm_conf_error(e, err, "warn: '%s': "
				    "expected a share from 1%% to 99%%",
				    w->text);
			}
			w->pct = (int)pct;
		} else if (duration(e, items[i], &w->before, err) < 0 ||
		    (w->before == 0 && csm_conf_error(e, err, "warn: '%s': "
		    "a warning 0 before due is the breach", w->text))) {
			free(items);
			return -1;
		}
		p->nwarns++;
	}
	free(items);
	return 0;
}

static int
parse_escalate(const struct csm_conf_entry *e, struct sla_policy *p,
    struct csm_err *err)
{
	char **items, (*t)[24];
	size_t n, i;
	int64_t *x;

	if (csm_conf_list(e, &items, &n, err) < 0)
		return -1;
	if ((x = realloc(p->escalate, (p->nescalate + n) * sizeof(*x))) !=
	    NULL)
		p->escalate = x;
	if ((t = realloc(p->esctext, (p->nescalate + n) * sizeof(*t))) !=
	    NULL)
		p->esctext = t;
	if (x == NULL || t == NULL) {
		free(items);
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		snprintf(t[p->nescalate], sizeof(t[0]), "%s", items[i]);
		if (duration(e, items[i], &x[p->nescalate], err) < 0) {
			free(items);
			return -1;
		}
		if (x[p->nescalate] == 0) {
			csm_conf_error(e, err, "escalate: '%s': a level 0 after "
			    "due is the breach", items[i]);
			free(items);
			return -1;
		}
		p->nescalate++;
	}
	free(items);
	return 0;
}

/* on_warn, on_breach, on_escalate: actions of csm-route's language. */
static int
parse_acts(const struct csm_sla *s, const struct csm_conf_entry *e,
    struct sla_acts *a, struct csm_err *err)
{
	char **items;
	size_t n, i;
	struct csm_err aerr;

	if (a->n > 0)
		return csm_conf_error(e, err, "'%s' is set twice", e->key);
	if (csm_conf_list(e, &items, &n, err) < 0)
		return -1;
	if ((a->acts = calloc(n, sizeof(*a->acts))) == NULL) {
		free(items);
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		if (action_parse(items[i], s->model, &a->acts[i], &aerr) < 0) {
			int rc = aerr.code != CSM_EDATA ?
			    csm_err_set(err, aerr.code, "%s", aerr.msg) :
			    csm_conf_error(e, err, "%s: '%s': %s", e->key,
			    a->acts[i].src ? a->acts[i].src : "", aerr.msg);

			action_free(&a->acts[i]);
			a->n = i;
			free(items);
			return rc;
		}
		a->n = i + 1;
	}
	free(items);
	return 0;
}

/* The calendar named by e, compiled once for all policies. */
static int
calendar(struct csm_sla *s, const struct csm_conf *conf,
    const struct csm_conf_entry *e, struct sla_policy *p,
    struct csm_err *err)
{
	size_t i;

	for (i = 0; i < s->npol; i++)
		if (s->pol[i].cal != NULL &&
		    strcmp(csm_cal_name(s->pol[i].cal), e->value) == 0) {
			p->cal = s->pol[i].cal;
			return 0;
		}
	return (p->cal = cal_named_by(conf, e, err)) != NULL ? 0 : -1;
}

/* when = EXPR; an equality it needs is kept to read from the row. */
static int
parse_when(const struct csm_conf_entry *e, struct sla_policy *p,
    struct csm_err *err)
{
	const char *field, *value;
	struct csm_err xerr;

	if ((p->when = csm_expr_parse(e->value, &xerr)) != NULL) {
		if (csm_expr_needs_equal(p->when, &field, &value) &&
		    (p->keycol = desk_text_col(field)) >= 0)
			p->keyvalue = value;
		return 0;
	}
	if (xerr.code != CSM_EDATA)
		return csm_err_set(err, xerr.code, "%s", xerr.msg);
	return csm_err_set(err, CSM_ECONFIG, "%s:%ld:%ld: when: %s", e->file,
	    e->line, e->col + xerr.col - 1, xerr.msg);
}

/* One entry of a policy; seen[] catches keys given twice. */
static int
entry(struct csm_sla *s, const struct csm_conf *conf, struct sla_policy *p,
    const struct csm_conf_entry *e, const struct csm_conf_entry **seen,
    struct csm_err *err)
{
	size_t k;

	for (k = 0; keys[k] != NULL; k++)
		if (strcmp(e->key, keys[k]) == 0)
			break;
	if (keys[k] == NULL)
		return csm_conf_unknown_key(e, keys, err);
	if (k == K_WARN)
		return parse_warn(e, p, err);
	if (k == K_ESCALATE)
		return parse_escalate(e, p, err);
	if (seen[k] != NULL)
		return csm_conf_error(e, err, "'%s' in [sla \"%s\"] is set "
		    "twice (first at %s:%ld)", e->key, p->name,
		    seen[k]->file, seen[k]->line);
	seen[k] = e;
	switch (k) {
	case K_WHEN:
		return parse_when(e, p, err);
	case K_CALENDAR:
		return calendar(s, conf, e, p, err);
	case K_FIRST:
	case K_NEXT:
	case K_RESOLUTION:
		return parse_target(e, &p->t[k - K_FIRST], err);
	case K_PAUSE:
	case K_RESOLUTION_PAUSE:
		if (seen[K_PAUSE] != NULL && seen[K_RESOLUTION_PAUSE] != NULL)
			return csm_conf_error(e, err, "'pause' and "
			    "'resolution_pause' say the same");
		return parse_pause(e, &p->t[SLA_RESOLUTION].pause, err);
	case K_FIRST_PAUSE:
	case K_NEXT_PAUSE:
		return parse_pause(e, &p->t[k - K_FIRST_PAUSE].pause, err);
	case K_ON_WARN:
	case K_ON_BREACH:
	case K_ON_ESCALATE:
		return parse_acts(s, e, &p->on[k - K_ON_WARN], err);
	default:
		return 0;	/* description */
	}
}

/* FNV-1a over the text of what decides the clocks. */
static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

/* A new policy for section sec. */
static struct sla_policy *
policy_new(struct csm_sla *s, const struct csm_conf_section *sec,
    struct csm_err *err)
{
	struct sla_policy *p;
	size_t i;
	int t, k;

	if (sec->name == NULL || sec->name[0] == '\0')
		return csm_conf_section_error(sec, err, "[sla] needs a name: "
		    "[sla \"name\"]"), NULL;
	for (i = 0; i < s->npol; i++)
		if (strcmp(s->pol[i].name, sec->name) == 0)
			return NULL;	/* a section continued */
	if ((p = realloc(s->pol, (s->npol + 1) * sizeof(*p))) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	s->pol = p;
	p = &s->pol[s->npol++];
	memset(p, 0, sizeof(*p));
	for (t = 0; t < SLA_NTARGETS; t++)
		for (k = 0; k < NPRIO; k++)
			p->t[t].secs[k] = -1;
	p->t[SLA_RESOLUTION].pause = 1u << CSM_ST_PENDING |
	    1u << CSM_ST_ON_HOLD;
	p->file = sec->file;
	p->line = sec->line;
	p->keycol = -1;
	if ((p->name = strdup(sec->name)) == NULL) {
		s->npol--;
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	return p;
}

/* Keeps a warning for --check (csm_sla_warning).  0, or -1 (memory). */
static int
warn(struct csm_sla *s, struct csm_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
warn(struct csm_sla *s, struct csm_err *err, const char *fmt, ...)
{
	char buf[512], **w, *dup;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((w = realloc(s->warnings, (s->nwarnings + 1) * sizeof(*w))) ==
	    NULL || (dup = strdup(buf)) == NULL) {
		if (w != NULL)
			s->warnings = w;
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	s->warnings = w;
	w[s->nwarnings++] = dup;
	return 0;
}

/* A target given for some priorities and not others: those get no clock
 * of it, which is seldom what was meant. */
static int
warn_gaps(struct csm_sla *s, const struct sla_policy *p,
    struct csm_err *err)
{
	char missing[64];
	size_t len;
	int t, k, some;

	for (t = 0; t < SLA_NTARGETS; t++) {
		len = 0;
		missing[0] = '\0';
		some = 0;
		for (k = NPRIO - 1; k >= 0; k--) {
			if (p->t[t].secs[k] >= 0) {
				some = 1;
				continue;
			}
			len += (size_t)snprintf(missing + len, sizeof(missing) -
			    len, "%s%s", len > 0 ? ", " : "", sla_prio_names[k]);
		}
		if (some && missing[0] != '\0' && warn(s, err, "%s:%ld: [sla "
		    "\"%s\"]: %s sets no target for %s: those tickets get no "
		    "%s clock", p->file, p->line, p->name,
		    sla_target_names[t], missing, sla_target_names[t]) < 0)
			return -1;
	}
	return 0;
}

/* Checks a whole policy once its entries are read. */
static int
policy_check(const struct csm_sla *s, const struct sla_policy *p,
    size_t idx, struct csm_err *err)
{
	int t, k, any = 0;
	size_t i;

	for (t = 0; t < SLA_NTARGETS; t++)
		for (k = 0; k < NPRIO; k++)
			any |= p->t[t].secs[k] >= 0;
	if (!any)
		return csm_err_set(err, CSM_ECONFIG, "%s:%ld: [sla \"%s\"] "
		    "sets no target (first_response, next_response or "
		    "resolution)", p->file, p->line, p->name);
	for (i = 0; i < idx; i++)
		if (s->pol[i].when == NULL)
			return csm_err_set(err, CSM_ECONFIG, "%s:%ld: [sla "
			    "\"%s\"] can never apply: [sla \"%s\"] before it "
			    "has no 'when' and takes every ticket", p->file,
			    p->line, p->name, s->pol[i].name);
	if (p->nwarns + p->nescalate + 1 > SLA_MAXLEVELS)
		return csm_err_set(err, CSM_ECONFIG, "%s:%ld: [sla \"%s\"] "
		    "has more than %d warnings and escalations", p->file,
		    p->line, p->name, SLA_MAXLEVELS - 1);
	return 0;
}

/* Every name the policy's when and actions read or set exists, as in
 * rules; seen[] holds where each key was given. */
static int
check_names(const struct csm_sla *s, const struct sla_policy *p,
    const struct csm_conf_entry *const *seen, struct csm_err *err)
{
	static const char *const on[3] = {"on_warn", "on_breach",
		"on_escalate"};
	struct names_check c;
	char label[300];
	size_t k, key, i;

	for (k = 0; k < 3; k++) {
		key = K_ON_WARN + k;
		if (p->on[k].n > 0 && s->rules == NULL)
			return csm_err_set(err, CSM_EINTERNAL, "sla: actions "
			    "without rules");
		c = (struct names_check){"sla", p->name, p->file,
		    CSM_ON_TIME, k == 0 ? p->when : NULL, seen[K_WHEN] ?
		    seen[K_WHEN]->line : p->line, on[k], p->on[k].acts, p->on[k].n,
		    seen[key] ? seen[key]->line : p->line};
		if (seen[key] != NULL)
			c.file = seen[key]->file;
		if (rules_check_one(s->model, &c, err) < 0)
			return -1;
		snprintf(label, sizeof(label), "[sla \"%s\"]: %s", p->name,
		    on[k]);
		for (i = 0; s->rules != NULL && i < p->on[k].n; i++)
			if (assign_check_action(s->rules, &p->on[k].acts[i],
			    c.file, c.then_line, label, err) < 0)
				return -1;
	}
	return 0;
}

/* Compiles every [sla] of conf into s (see sla.h). */
int
sla_conf(struct csm_sla *s, const struct csm_conf *conf,
    struct csm_err *err)
{
	const struct csm_conf_section *secs;
	const struct csm_conf_entry *ents, *seen[NKEYS];
	struct sla_policy *p;
	size_t ns, ne, i, j;
	uint64_t h = 1469598103934665603ULL;

	secs = csm_conf_sections(conf, &ns);
	ents = csm_conf_entries(conf, &ne);
	for (j = 0; j < ne; j++)
		if (strcmp(ents[j].section, "sla") == 0 ||
		    strcmp(ents[j].section, "calendar") == 0)
			h = fnv(fnv(fnv(fnv(h, ents[j].section),
			    ents[j].name), ents[j].key), ents[j].value);
	s->fingerprint = h;
	for (i = 0; i < ns; i++) {
		if (strcmp(secs[i].section, "sla") != 0)
			continue;
		if ((p = policy_new(s, &secs[i], err)) == NULL) {
			if (err->code != CSM_OK && err->msg[0] != '\0')
				return -1;
			continue;
		}
		memset(seen, 0, sizeof(seen));
		for (j = 0; j < ne; j++)
			if (strcmp(ents[j].section, "sla") == 0 &&
			    ents[j].name != NULL &&
			    strcmp(ents[j].name, p->name) == 0 &&
			    entry(s, conf, p, &ents[j], seen, err) < 0)
				return -1;
		if (check_names(s, p, seen, err) < 0 ||
		    policy_check(s, p, s->npol - 1, err) < 0 ||
		    warn_gaps(s, p, err) < 0)
			return -1;
	}
	return 0;
}
