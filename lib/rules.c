/*
 * rules.c - the rules engine: [rule "name"] sections of csm.conf(5)
 * compiled once (when, then, on, stop, enabled), and run on a ticket in
 * file order, each rule seeing what the ones before it did.
 *
 *	[rule "vip-payment"]
 *		when = customer.tier = "vip" and category = "支付失败"
 *		then = priority = urgent, group = "资深客服组"
 *		on = created, updated
 *		stop = true
 *
 * A rule fires on a ticket at most once for each thing that happened to
 * it: the firing is an event keyed "rule:NAME:T-ID:WHAT" (WHAT: created,
 * the time of the update, the message's or answer's id, or for a time
 * rule the ticket's updated_at after the firing), so that a rerun, a
 * concurrent run or an hourly cron never repeats it.  A rule's actions
 * are done in a savepoint: one refused undoes the rule whole.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static const char *const rule_keys[] = {
	"when", "then", "on", "stop", "enabled", "description", NULL
};

static const char *const on_names[] = {
	"created", "updated", "message", "survey", "time", NULL
};

static void
rule_free(struct rule *ru)
{
	size_t i;

	free(ru->name);
	csm_expr_free(ru->when);
	for (i = 0; i < ru->nacts; i++)
		action_free(&ru->acts[i]);
	free(ru->acts);
	free(ru->keyfield);
	free(ru->keyvalue);
}

/* Frees the rules; NULL is a no-op. */
void
csm_rules_free(struct csm_rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nrules; i++)
		rule_free(&r->rules[i]);
	free(r->rules);
	assign_free(r);
	for (i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r);
}

/* The rule named name, made (in declaration order) if it is new. */
static struct rule *
rule_named(struct csm_rules *r, const char *name, const char *file,
    long line, struct csm_err *err)
{
	struct rule *ru;
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i].name, name) == 0)
			return &r->rules[i];
	ru = realloc(r->rules, (r->nrules + 1) * sizeof(*ru));
	if (ru == NULL)
		goto nomem;
	r->rules = ru;
	ru = &r->rules[r->nrules];
	memset(ru, 0, sizeof(*ru));
	if ((ru->name = strdup(name)) == NULL)
		goto nomem;
	ru->on = CSM_ON_CREATED;
	ru->enabled = 1;
	ru->file = file;
	ru->line = line;
	r->nrules++;
	return ru;
nomem:
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return NULL;
}

/* An error in an expression, at its column in the config's value. */
static int
expr_error(const struct csm_conf_entry *e, const struct csm_err *in,
    struct csm_err *err)
{
	char msg[sizeof(in->msg)];
	struct csm_conf_entry at = *e;

	memcpy(msg, in->msg, sizeof(msg));
	if (in->code != CSM_EDATA)
		return csm_err_set(err, in->code, "%s", msg);
	at.col = e->col + (in->col > 0 ? in->col - 1 : 0);
	return csm_conf_error(&at, err, "%s: %s", e->key, msg);
}

static int
parse_on(const struct csm_conf_entry *e, unsigned *on, struct csm_err *err)
{
	char **items;
	size_t n, i, k;

	if (csm_conf_list(e, &items, &n, err) < 0)
		return -1;
	*on = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; on_names[k] != NULL; k++)
			if (strcmp(items[i], on_names[k]) == 0)
				break;
		if (on_names[k] == NULL) {
			csm_conf_error(e, err, "on: unknown '%s' (expected "
			    "created, updated, message, survey or time)",
			    items[i]);
			free(items);
			return -1;
		}
		*on |= 1u << k;
	}
	free(items);
	return 0;
}

static int
parse_then(const struct csm_rules *r, struct rule *ru,
    const struct csm_conf_entry *e, struct csm_err *err)
{
	char **items;
	size_t n, i;
	struct csm_err aerr;

	if (csm_conf_list(e, &items, &n, err) < 0)
		return -1;
	if ((ru->acts = calloc(n, sizeof(*ru->acts))) == NULL) {
		free(items);
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	for (i = 0; i < n; i++) {
		if (action_parse(items[i], r->model, &ru->acts[i], &aerr) < 0) {
			int rc;

			ru->nacts = i;
			free(items);
			if (aerr.code != CSM_EDATA)
				rc = csm_err_set(err, aerr.code, "%s",
				    aerr.msg);
			else
				rc = csm_conf_error(e, err, "then: '%s': %s",
				    ru->acts[i].src ? ru->acts[i].src : "",
				    aerr.msg);
			action_free(&ru->acts[i]);
			return rc;
		}
		ru->nacts = i + 1;
	}
	free(items);
	return 0;
}

/* One entry of a [rule] section. */
static int
rule_entry(struct csm_rules *r, const struct csm_conf_entry *e,
    struct csm_err *err)
{
	struct rule *ru;
	struct csm_err xerr;
	int b;

	if (e->name == NULL || e->name[0] == '\0')
		return csm_conf_error(e, err, "[rule] needs a name: "
		    "[rule \"vip-payment\"]");
	if ((ru = rule_named(r, e->name, e->file, e->line, err)) == NULL)
		return -1;
	if (strcmp(e->key, "when") == 0) {
		if ((ru->when = csm_expr_parse(e->value, &xerr)) == NULL)
			return expr_error(e, &xerr, err);
		ru->when_line = e->line;
	} else if (strcmp(e->key, "then") == 0) {
		ru->then_line = e->line;
		return parse_then(r, ru, e, err);
	} else if (strcmp(e->key, "on") == 0) {
		return parse_on(e, &ru->on, err);
	} else if (strcmp(e->key, "stop") == 0 ||
	    strcmp(e->key, "enabled") == 0) {
		if ((b = csm_conf_bool(e->value)) < 0)
			return csm_conf_error(e, err, "%s: expected true or "
			    "false, got '%s'", e->key, e->value);
		if (e->key[0] == 's')
			ru->stop = b;
		else
			ru->enabled = b;
	} else if (strcmp(e->key, "description") != 0)
		return csm_conf_unknown_key(e, rule_keys, err);
	return 0;
}

/* Rules no ticket can reach: after an enabled rule that always fires
 * and stops, on every kind a later one runs on. */
static int
check_reach(struct csm_rules *r, struct csm_err *err)
{
	unsigned stopped = 0;
	size_t i, j;

	for (i = 0; i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		if (ru->enabled && (ru->on & stopped) == ru->on) {
			for (j = 0; j < i; j++)
				if (r->rules[j].enabled && r->rules[j].stop &&
				    r->rules[j].when == NULL &&
				    (r->rules[j].on & ru->on))
					break;
			return csm_err_set(err, CSM_ECONFIG, "%s:%ld: rule '%s' "
			    "can never run: rule '%s' before it always fires "
			    "and stops", ru->file, ru->line, ru->name,
			    j < i ? r->rules[j].name : "?");
		}
		if (ru->enabled && ru->stop && ru->when == NULL)
			stopped |= ru->on;
	}
	return 0;
}

/* Each rule's equality to test before its when: a rule that needs
 * category = "x" is skipped at once for a ticket of another category. */
static int
index_rules(struct csm_rules *r, struct csm_err *err)
{
	const char *field, *value;
	size_t i;

	for (i = 0; i < r->nrules; i++) {
		struct rule *ru = &r->rules[i];

		if (ru->when == NULL ||
		    !csm_expr_needs_equal(ru->when, &field, &value))
			continue;
		if ((ru->keyfield = strdup(field)) == NULL ||
		    (ru->keyvalue = strdup(value)) == NULL)
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory");
		ru->keycol = desk_text_col(field);
	}
	return 0;
}

/* The name of a rule, agent or group is printed in every message about
 * it and kept in the store: no control characters. */
static int
bad_name(const struct csm_conf_section *sec, struct csm_err *err)
{
	const unsigned char *p;

	if (sec->name == NULL || (strcmp(sec->section, "rule") != 0 &&
	    strcmp(sec->section, "agent") != 0 &&
	    strcmp(sec->section, "group") != 0))
		return 0;
	for (p = (const unsigned char *)sec->name; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return csm_conf_section_error(sec, err, "[%s] name: "
			    "control character 0x%02x (names are printed and "
			    "stored)", sec->section, *p);
	return 0;
}

/* Compiles the rules of conf (see csm.h). */
struct csm_rules *
csm_rules_new(const struct csm_conf *conf, const struct csm_model *m,
    struct csm_err *err)
{
	const struct csm_conf_entry *v = NULL;
	const struct csm_conf_section *sec;
	struct csm_rules *r;
	size_t n = 0, ns = 0, i;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	r->model = m;
	if (conf != NULL) {
		v = csm_conf_entries(conf, &n);
		/* Rules in the order their sections first appear. */
		sec = csm_conf_sections(conf, &ns);
		for (i = 0; i < ns; i++)
			if (bad_name(&sec[i], err) < 0)
				goto fail;
		for (i = 0; i < ns; i++)
			if (strcmp(sec[i].section, "rule") == 0 &&
			    sec[i].name != NULL && sec[i].name[0] != '\0' &&
			    rule_named(r, sec[i].name, sec[i].file,
			    sec[i].line, err) == NULL)
				goto fail;
	}
	if (csm_conf_once(conf, "rule", err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (strcmp(v[i].section, "rule") == 0 &&
		    rule_entry(r, &v[i], err) < 0)
			goto fail;
	for (i = 0; i < r->nrules; i++)
		if (r->rules[i].nacts == 0) {
			csm_err_set(err, CSM_ECONFIG, "%s:%ld: rule '%s' has no "
			    "'then =': what should it do?", r->rules[i].file,
			    r->rules[i].line, r->rules[i].name);
			goto fail;
		}
	if ((conf != NULL && assign_parse(r, conf, err) < 0) ||
	    check_reach(r, err) < 0 || rules_check_names(r, err) < 0 ||
	    index_rules(r, err) < 0)
		goto fail;
	return r;
fail:
	csm_rules_free(r);
	return NULL;
}

int
rules_warn(struct csm_rules *r, struct csm_err *err, const char *fmt, ...)
{
	char buf[512], **v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((v = realloc(r->warnings, (r->nwarnings + 1) *
	    sizeof(*v))) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	r->warnings = v;
	if ((v[r->nwarnings] = strdup(buf)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	r->nwarnings++;
	return 0;
}

/* How many enabled rules run on the kinds of on. */
size_t
csm_rules_count(const struct csm_rules *r, unsigned on)
{
	size_t i, k = 0;

	for (i = 0; i < r->nrules; i++)
		k += r->rules[i].enabled && (r->rules[i].on & on);
	return k;
}

/* The i-th warning, or NULL. */
const char *
csm_rules_warning(const struct csm_rules *r, size_t i)
{
	return i < r->nwarnings ? r->warnings[i] : NULL;
}

/* Running. */

struct lookup_arg {
	struct csm_ticket		*t;
	const struct csm_rules_run	*run;
};

/* customer.* from the ticket, message.* or survey.* from the run. */
static json_t *
lookup(void *arg, const char *name)
{
	const struct lookup_arg *a = arg;

	if (a->run->extra != NULL) {
		if (a->run->on == CSM_ON_MESSAGE &&
		    strncmp(name, "message.", 8) == 0)
			return json_object_get(a->run->extra, name + 8);
		if (a->run->on == CSM_ON_SURVEY &&
		    strncmp(name, "survey.", 7) == 0)
			return json_object_get(a->run->extra, name + 7);
	}
	return csm_ticket_lookup(a->t, name);
}

/* The firing key of a rule on t: "rule:NAME:T-ID:WHAT". */
static void
firing_key(const struct rule *ru, struct csm_desk *d, struct csm_ticket *t,
    const struct csm_rules_run *run, char *buf, size_t n)
{
	const json_t *rec = csm_ticket_record(d, t, NULL);
	const char *upd = rec ? json_string_value(json_object_get(rec,
	    "updated_at")) : NULL;
	char ref[24];

	csm_ref_format('T', csm_ticket_id(t), ref);
	if (run->on == CSM_ON_CREATED)
		snprintf(buf, n, "rule:%s:%s:created", ru->name, ref);
	else if (run->key != NULL)
		snprintf(buf, n, "rule:%s:%s:%s", ru->name, ref, run->key);
	else
		snprintf(buf, n, "rule:%s:%s:%s", ru->name, ref,
		    upd ? upd : "");
}

/* Whether an event with key is stored: 1, 0, or -1 with err. */
static int
key_taken(struct csm_desk *d, const char *key, struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "SELECT 1 FROM events WHERE "
	    "ext = ?1", err);
	int rc;

	if (s == NULL)
		return -1;
	csm_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : csm_store_sqlerr(d->st, rc, err);
}

/*
 * Whether the rule's equality fails on the ticket: 1 skip, 0 evaluate.
 * A built-in text field is read from the row, so that a ticket no rule
 * can match never has its record made; another is read from the record.
 */
static int
skip_by_key(const struct rule *ru, struct csm_desk *d, struct csm_ticket *t)
{
	const json_t *rec, *v;
	const char *s;

	if (ru->keyfield == NULL)
		return 0;
	if (ru->keycol >= 0) {
		s = desk_ticket_row(t)->s[ru->keycol];
		return s == NULL || strcmp(s, ru->keyvalue) != 0;
	}
	/* Missing: false.  A string: equal or not.  Anything else (an
	 * array, a number) is left to the expression. */
	if ((rec = csm_ticket_record(d, t, NULL)) == NULL)
		return 0;
	v = json_object_get(rec, ru->keyfield);
	if (v == NULL || json_is_null(v))
		return 1;
	return json_is_string(v) && strcmp(json_string_value(v),
	    ru->keyvalue) != 0;
}

/* Does a rule's actions in a savepoint: 1 done (changed says whether
 * the ticket changed), 0 refused and undone (err set), -1 store error. */
static int
fire(struct rules_ctx *c, struct csm_ticket *t, const char *key,
    int *changed, struct csm_err *err)
{
	const struct rule *ru = c->rule;
	json_t *data;
	size_t i;
	int rc = 0;

	if (csm_store_savepoint(c->d->st, err) < 0)
		return -1;
	c->firing = key;
	for (i = 0; i < ru->nacts && rc >= 0; i++) {
		rc = action_do(c, t, &ru->acts[i], err);
		if (rc > 0)
			*changed = 1;
	}
	if (rc >= 0) {
		/* Without a change to name (a sweep of the store), the key
		 * is the ticket as the rule leaves it: the next sweep finds
		 * it there and fires again only after another change. */
		char now_key[512];

		if (c->run->key == NULL && c->run->on != CSM_ON_CREATED) {
			firing_key(ru, c->d, t, c->run, now_key,
			    sizeof(now_key));
			key = now_key;
		}
		data = json_pack("{ss}", "rule", ru->name);
		rc = csm_ticket_event(c->d, t, "rule", key, data, &c->who,
		    NULL, err);
		json_decref(data);
	}
	c->firing = NULL;
	if (rc >= 0)
		return csm_store_savepoint_end(c->d->st, 1, err) < 0 ? -1 : 1;
	if (err->code != CSM_EDATA)
		return -1;
	if (csm_store_savepoint_end(c->d->st, 0, NULL) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "cannot undo rule "
		    "'%s'", ru->name);
	return 0;
}

/* Tells the explain hook what a rule did or why it did not fire. */
static void
explain(const struct rules_ctx *c, struct csm_ticket *t, int fired,
    const char *why)
{
	if (c->h != NULL && c->h->explain != NULL)
		c->h->explain(c->h->arg, csm_ticket_id(t), c->rule->name,
		    fired, why);
}

/* Why a rule did not match, or "" (only when explaining). */
static int
match(struct rules_ctx *c, struct csm_ticket *t, const struct rule *ru,
    const struct csm_expr_ctx *ctx, const json_t *rec, char *why,
    size_t n, struct csm_err *err)
{
	why[0] = '\0';
	if (ru->when == NULL)
		return 1;
	if (c->h != NULL && c->h->explain != NULL)
		return csm_expr_explain(ru->when, rec, ctx, why, n, err);
	(void)t;
	return csm_expr_eval(ru->when, rec, ctx, err);
}

/* "did: priority = urgent, group = 资深客服组". */
static void
what_it_did(const struct rule *ru, char *buf, size_t n)
{
	size_t i, len;

	snprintf(buf, n, "did: ");
	for (i = 0; i < ru->nacts; i++) {
		len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s", i ? ", " : "",
		    ru->acts[i].src);
	}
}

/* A merged ticket lives on in another: its rules run there. */
static int
merged(struct rules_ctx *c, struct csm_ticket *t)
{
	char why[96];
	size_t i;

	if (c->h == NULL || c->h->explain == NULL)
		return 0;
	snprintf(why, sizeof(why), "the ticket is merged into T-%06lld, "
	    "where the rules run", (long long)desk_ticket_row(t)->i[
	    TC_MERGED_INTO]);
	for (i = 0; i < c->r->nrules; i++) {
		c->rule = &c->r->rules[i];
		if (c->rule->enabled && (c->rule->on & c->run->on))
			explain(c, t, 0, why);
	}
	c->rule = NULL;
	return 0;
}

/* Runs the rules on a ticket (see csm.h). */
int
csm_rules_apply(struct csm_rules *r, struct csm_desk *d,
    struct csm_ticket *t, const struct csm_rules_run *run,
    const struct csm_rules_hooks *h, int *changed, struct csm_err *err)
{
	struct rules_ctx c = {r, d, h, run, NULL, {NULL, 0, NULL}, NULL};
	struct lookup_arg la = {t, run};
	struct csm_expr_ctx ctx;
	struct csm_err refused;
	const json_t *rec;
	char key[512], why[1024];
	size_t i;
	int rc, did = 0, done;

	csm_err_clear(&refused);
	if (changed != NULL)
		*changed = 0;
	if (desk_ticket_row(t)->i[TC_MERGED_INTO] != 0)
		return merged(&c, t);
	memset(&ctx, 0, sizeof(ctx));
	ctx.tz = csm_model_tz(r->model);
	ctx.now = d->now;
	ctx.lookup = lookup;
	ctx.arg = &la;
	for (i = 0; i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		if (!ru->enabled || !(ru->on & run->on))
			continue;
		c.rule = ru;
		if (skip_by_key(ru, d, t) && (h == NULL || h->explain == NULL))
			continue;
		if ((rec = csm_ticket_record(d, t, err)) == NULL)
			return -1;
		if ((rc = match(&c, t, ru, &ctx, rec, why, sizeof(why),
		    err)) < 0)
			return -1;
		if (rc == 0) {
			explain(&c, t, 0, why);
			/* A stop rule that fired for this change stops the
			 * rules after it even when its own change has made its
			 * when false since: a rerun does what the run did. */
			if (ru->stop && run->on != CSM_ON_TIME) {
				firing_key(ru, d, t, run, key, sizeof(key));
				if ((rc = key_taken(d, key, err)) < 0)
					return -1;
				if (rc > 0)
					break;
			}
			continue;
		}
		firing_key(ru, d, t, run, key, sizeof(key));
		if ((rc = key_taken(d, key, err)) < 0)
			return -1;
		if (rc > 0) {
			snprintf(why, sizeof(why), "it matches, but fired "
			    "already (%s)", key);
			explain(&c, t, 0, why);
		} else {
			c.who.by = NULL;
			c.who.at = 0;
			c.who.why = ru->name;
			if ((rc = fire(&c, t, key, &did, err)) < 0)
				return -1;
			if (rc == 0) {
				explain(&c, t, 0, err->msg);
				refused = *err;
				csm_err_clear(err);
				continue;
			}
			what_it_did(ru, why, sizeof(why));
			explain(&c, t, 1, why);
		}
		if (ru->stop)
			break;
	}
	c.rule = NULL;
	c.who.why = NULL;
	if (assign_ticket(&c, t, &done, err) < 0)
		return -1;
	did |= done;
	if (changed != NULL)
		*changed = did;
	if (refused.code != CSM_OK) {
		*err = refused;
		return -1;
	}
	return 0;
}
