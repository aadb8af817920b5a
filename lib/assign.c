/*
 * assign.c - who gets a ticket: [agent "name"] and [group "name"] of
 * csm.conf(5), and the group's strategy.
 *
 *	[agent "alice"]
 *		groups = 资深客服组, 售后
 *		skills = en, payments
 *		capacity = 20		# most open tickets; none: no limit
 *		away = false
 *		shift = day-shift	# a [calendar]: off outside its hours
 *	[group "资深客服组"]
 *		members = alice, bob	# else the agents naming the group
 *		strategy = round-robin	# least-loaded, capacity, skills
 *		fallback = 一线客服组
 *
 * A ticket in a group with a strategy and no assignee goes to one of the
 * group's members who is not away, on shift and below capacity: the next after the
 * last one given a ticket (round robin; the rotation is kept in the store,
 * so successive and concurrent runs go on with it), the one with the
 * fewest open tickets, the one with the most room, or the one whose
 * skills meet most of the ticket's tags, product, category and language.
 * Ties go to the first in members.  When nobody can take it, the ticket
 * moves to the fallback group, else it stays in its queue.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "rules.h"

static const char *const agent_keys[] = {
	"groups", "skills", "capacity", "away", "shift", "description", NULL
};
static const char *const group_keys[] = {
	"members", "strategy", "fallback", "description", NULL
};
static const char *const strategies[] = {
	"", "round-robin", "least-loaded", "capacity", "skills", NULL
};

void
assign_free(struct csm_rules *r)
{
	size_t i;

	for (i = 0; i < r->nagents; i++) {
		free(r->agents[i].name);
		free(r->agents[i].groups);
		free(r->agents[i].skills);
		csm_cal_free(r->agents[i].shift);
	}
	free(r->agents);
	free(r->load);
	free(r->load_known);
	for (i = 0; i < r->ngroups; i++) {
		free(r->groups[i].name);
		free(r->groups[i].fallback);
		free(r->groups[i].members);
	}
	free(r->groups);
}

static struct agent *
agent_named(struct csm_rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nagents; i++)
		if (strcmp(r->agents[i].name, name) == 0)
			return &r->agents[i];
	return NULL;
}

static int
agent_known(const struct csm_rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nagents; i++)
		if (strcmp(r->agents[i].name, name) == 0)
			return 1;
	return 0;
}

const struct group *
group_named(const struct csm_rules *r, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < r->ngroups; i++)
		if (strcmp(r->groups[i].name, name) == 0)
			return &r->groups[i];
	return NULL;
}

/* The agent or group of a section, made if new.  NULL with err. */
static void *
named(struct csm_rules *r, const struct csm_conf_entry *e, int agent,
    struct csm_err *err)
{
	void *p;

	if (e->name == NULL || e->name[0] == '\0') {
		csm_conf_error(e, err, "[%s] needs a name: [%s \"%s\"]",
		    e->section, e->section, agent ? "alice" : "售后");
		return NULL;
	}
	if (agent) {
		struct agent *a = agent_named(r, e->name);

		if (a != NULL)
			return a;
		if ((p = realloc(r->agents, (r->nagents + 1) *
		    sizeof(*a))) == NULL)
			goto nomem;
		r->agents = p;
		a = &r->agents[r->nagents];
		memset(a, 0, sizeof(*a));
		if ((a->name = strdup(e->name)) == NULL)
			goto nomem;
		r->nagents++;
		return a;
	} else {
		struct group *g = (struct group *)(uintptr_t)group_named(r,
		    e->name);

		if (g != NULL)
			return g;
		if ((p = realloc(r->groups, (r->ngroups + 1) *
		    sizeof(*g))) == NULL)
			goto nomem;
		r->groups = p;
		g = &r->groups[r->ngroups];
		memset(g, 0, sizeof(*g));
		if ((g->name = strdup(e->name)) == NULL)
			goto nomem;
		r->ngroups++;
		return g;
	}
nomem:
	csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return NULL;
}

/* shift = CALENDAR: the agent works while the calendar is open. */
static int
agent_shift(struct agent *a, const struct csm_conf *conf,
    const struct csm_conf_entry *e, struct csm_err *err)
{
	csm_cal_free(a->shift);
	return (a->shift = cal_named_by(conf, e, err)) != NULL ? 0 : -1;
}

/* Whether an agent with a shift calendar is on it at now. */
static int
on_shift(const struct agent *a, int64_t now)
{
	int64_t open, close;

	return a->shift == NULL || (csm_cal_interval(a->shift, now, &open,
	    &close) == 1 && open <= now);
}

static int
agent_entry(struct csm_rules *r, const struct csm_conf *conf,
    const struct csm_conf_entry *e, struct csm_err *err)
{
	struct agent *a = named(r, e, 1, err);
	char *end;
	int b;

	if (a == NULL)
		return -1;
	if (strcmp(e->key, "groups") == 0) {
		free(a->groups);
		return csm_conf_list(e, &a->groups, &a->ngroups, err);
	}
	if (strcmp(e->key, "skills") == 0) {
		free(a->skills);
		return csm_conf_list(e, &a->skills, &a->nskills, err);
	}
	if (strcmp(e->key, "capacity") == 0) {
		long v = strtol(e->value, &end, 10);

		if (e->value[0] == '\0' || *end != '\0' || v < 0 ||
		    v > INT_MAX)
			return csm_conf_error(e, err, "capacity: expected a "
			    "number of open tickets, got '%s'", e->value);
		a->capacity = v;
		return 0;
	}
	if (strcmp(e->key, "away") == 0) {
		if ((b = csm_conf_bool(e->value)) < 0)
			return csm_conf_error(e, err, "away: expected true or "
			    "false, got '%s'", e->value);
		a->away = b;
		return 0;
	}
	if (strcmp(e->key, "shift") == 0)
		return agent_shift(a, conf, e, err);
	if (strcmp(e->key, "description") == 0)
		return 0;
	return csm_conf_unknown_key(e, agent_keys, err);
}

/* The entry of each group's members, read once every agent is known. */
static int
group_entry(struct csm_rules *r, const struct csm_conf_entry *e,
    const struct csm_conf_entry **members, struct csm_err *err)
{
	struct group *g = named(r, e, 0, err);
	size_t i;

	if (g == NULL)
		return -1;
	if (strcmp(e->key, "members") == 0) {
		members[g - r->groups] = e;
		return 0;
	}
	if (strcmp(e->key, "strategy") == 0) {
		for (i = 1; strategies[i] != NULL; i++)
			if (strcmp(e->value, strategies[i]) == 0)
				break;
		if (strategies[i] == NULL)
			return csm_conf_error(e, err, "strategy: unknown '%s' "
			    "(expected round-robin, least-loaded, capacity or "
			    "skills)", e->value);
		g->strategy = (int)i;
		return 0;
	}
	if (strcmp(e->key, "fallback") == 0) {
		free(g->fallback);
		if ((g->fallback = strdup(e->value)) == NULL)
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory");
		g->fallback_at = e;
		return 0;
	}
	if (strcmp(e->key, "description") == 0)
		return 0;
	return csm_conf_unknown_key(e, group_keys, err);
}

static int
agent_in(const struct agent *a, const char *group)
{
	size_t i;

	for (i = 0; i < a->ngroups; i++)
		if (strcmp(a->groups[i], group) == 0)
			return 1;
	return 0;
}

/* A group's members: its members list (each a declared agent), else the
 * agents that name the group, in file order. */
static int
resolve_members(struct csm_rules *r, struct group *g,
    const struct csm_conf_entry *e, struct csm_err *err)
{
	char **names = NULL;
	size_t n = 0, i;
	struct agent *a;

	if ((g->members = calloc(r->nagents + 1, sizeof(size_t))) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if (e == NULL) {
		for (i = 0; i < r->nagents; i++)
			if (agent_in(&r->agents[i], g->name))
				g->members[g->nmembers++] = i;
		return 0;
	}
	if (csm_conf_list(e, &names, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((a = agent_named(r, names[i])) == NULL) {
			csm_conf_error(e, err, "members: unknown agent '%s' "
			    "(declare it with [agent \"%s\"])", names[i],
			    names[i]);
			free(names);
			return -1;
		}
		if (g->nmembers < r->nagents)
			g->members[g->nmembers++] = (size_t)(a - r->agents);
	}
	free(names);
	return 0;
}

/* Whether name is a group the configuration knows. */
static int
known_group(const struct csm_rules *r, const char *name)
{
	size_t i;

	if (group_named(r, name) != NULL)
		return 1;
	for (i = 0; i < r->nagents; i++)
		if (agent_in(&r->agents[i], name))
			return 1;
	return 0;
}

/* What a desk may not mean: a group that shares tickets among no one, an
 * agent in no group. */
static int
warn_idle(struct csm_rules *r, struct csm_err *err)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		if (r->groups[i].strategy != S_NONE &&
		    r->groups[i].nmembers == 0 && rules_warn(r, err, "group "
		    "'%s' has no members: its tickets wait in its queue%s",
		    r->groups[i].name, r->groups[i].fallback != NULL ?
		    ", then go to its fallback" : "") < 0)
			return -1;
	for (i = 0; i < r->nagents; i++)
		if (r->agents[i].ngroups == 0 && rules_warn(r, err, "agent "
		    "'%s' is in no group: no ticket will be assigned to them",
		    r->agents[i].name) < 0)
			return -1;
	return 0;
}

/* Fallbacks that lead back to where they started would move a ticket no
 * one can take round them on every run. */
static int
fallback_cycle(struct csm_rules *r, struct csm_err *err)
{
	const struct group *g;
	size_t i, steps;

	for (i = 0; i < r->ngroups; i++) {
		g = &r->groups[i];
		for (steps = 0; g != NULL && g->fallback != NULL &&
		    steps <= r->ngroups; steps++) {
			g = group_named(r, g->fallback);
			if (g == &r->groups[i])
				return csm_conf_error(r->groups[i].fallback_at,
				    err, "fallback: '%s' leads back to group "
				    "'%s' (a ticket no one can take would go "
				    "round for ever)", r->groups[i].fallback,
				    r->groups[i].name);
		}
	}
	return 0;
}

/* Groups and agents that rules name must exist once any is declared. */
static int
check_names(struct csm_rules *r, struct csm_err *err)
{
	size_t i, k;

	if (r->ngroups == 0 && r->nagents == 0)
		return 0;
	for (i = 0; i < r->ngroups; i++)
		if (r->groups[i].fallback != NULL &&
		    !known_group(r, r->groups[i].fallback))
			return csm_conf_error(r->groups[i].fallback_at, err,
			    "fallback: '%s' is no group of the configuration",
			    r->groups[i].fallback);
	if (fallback_cycle(r, err) < 0)
		return -1;
	for (i = 0; i < r->nrules; i++)
		for (k = 0; k < r->rules[i].nacts; k++) {
			char label[300];

			snprintf(label, sizeof(label), "rule '%s'",
			    r->rules[i].name);
			if (assign_check_action(r, &r->rules[i].acts[k],
			    r->rules[i].file, r->rules[i].line, label, err) < 0)
				return -1;
		}
	return 0;
}

/* An action naming a group or an agent the configuration lacks, once it
 * declares any (rules.h).  0, or -1 with err. */
int
assign_check_action(const struct csm_rules *r, const struct action *a,
    const char *file, long line, const char *label, struct csm_err *err)
{
	const char *g = NULL;

	if (r->ngroups == 0 && r->nagents == 0)
		return 0;
	if (a->kind == A_TASK || a->kind == A_ESCALATE)
		g = a->arg;
	else if (a->kind == A_SET && strcmp(a->field, "group") == 0)
		g = json_string_value(a->value);
	if (g != NULL && !known_group(r, g))
		return csm_err_set(err, CSM_ECONFIG, "%s:%ld: %s: '%s': no "
		    "group '%s' in the configuration", file, line, label,
		    a->src, g);
	if (a->kind == A_SET && strcmp(a->field, "assignee") == 0 &&
	    json_is_string(a->value) && !agent_known(r,
	    json_string_value(a->value)) && r->nagents > 0)
		return csm_err_set(err, CSM_ECONFIG, "%s:%ld: %s: '%s': no "
		    "agent '%s'", file, line, label, a->src,
		    json_string_value(a->value));
	return 0;
}

/* Reads [agent] and [group] (see the top of this file). */
int
assign_parse(struct csm_rules *r, const struct csm_conf *conf,
    struct csm_err *err)
{
	const struct csm_conf_entry *v, **members;
	size_t n, i;
	int rc = 0;

	if (csm_conf_once(conf, "agent", err) < 0 ||
	    csm_conf_once(conf, "group", err) < 0)
		return -1;
	v = csm_conf_entries(conf, &n);
	for (i = 0; i < n && rc == 0; i++)
		if (strcmp(v[i].section, "agent") == 0)
			rc = agent_entry(r, conf, &v[i], err);
	if (rc < 0)
		return -1;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): pointers */
	if ((members = calloc(n + 1, sizeof(*members))) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	for (i = 0; i < n && rc == 0; i++)
		if (strcmp(v[i].section, "group") == 0)
			rc = group_entry(r, &v[i], members, err);
	for (i = 0; i < r->ngroups && rc == 0; i++)
		rc = resolve_members(r, &r->groups[i], members[i], err);
	free(members);
	if (rc < 0 || check_names(r, err) < 0)
		return -1;
	if ((r->load = calloc(r->nagents + 1, sizeof(*r->load))) == NULL ||
	    (r->load_known = calloc(r->nagents + 1, 1)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return warn_idle(r, err);
}

/* Choosing. */

/* Open tickets assigned to name: *n.  0 or -1 with err. */
static int
load_of(struct csm_desk *d, const char *name, int64_t *n,
    struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "SELECT count(*) FROM tickets "
	    "WHERE assignee = ?1 AND status NOT IN ('resolved', 'closed') AND "
	    "merged_into IS NULL", err);
	int rc;

	if (s == NULL)
		return -1;
	csm_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : csm_store_sqlerr(d->st, rc, err);
}

/* Agent i's open tickets: counted once, then kept while nothing they
 * depend on changes (see struct csm_rules). */
static int
agent_load(struct rules_ctx *c, size_t i, int64_t *n, struct csm_err *err)
{
	struct csm_rules *r = c->r;

	if (r->load_desk != c->d || r->load_epoch != c->d->load_epoch ||
	    r->load_commits != c->d->commits) {
		memset(r->load_known, 0, r->nagents);
		r->load_desk = c->d;
		r->load_epoch = c->d->load_epoch;
		r->load_commits = c->d->commits;
	}
	if (!r->load_known[i]) {
		if (load_of(c->d, r->agents[i].name, &r->load[i], err) < 0)
			return -1;
		r->load_known[i] = 1;
	}
	*n = r->load[i];
	return 0;
}

/* Agent i was given an open ticket, by the one change since epoch: the
 * counts stay good, with one more for i. */
static void
agent_given(struct rules_ctx *c, size_t i, uint64_t epoch)
{
	struct csm_rules *r = c->r;

	if (r->load_desk != c->d || r->load_epoch != epoch ||
	    c->d->load_epoch != epoch + 1 || r->load_commits !=
	    c->d->commits)
		return;
	r->load_epoch = c->d->load_epoch;
	if (r->load_known[i])
		r->load[i]++;
}

/* The last member of g given a ticket, into buf (size n; "" if none). */
static int
rotation(struct csm_desk *d, const struct group *g, char *buf, size_t n,
    struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "SELECT last FROM rotations "
	    "WHERE grp = ?1", err);
	int rc;

	buf[0] = '\0';
	if (s == NULL)
		return -1;
	csm_bind_text(s, 1, g->name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    csm_store_sqlerr(d->st, rc, err);
}

static int
rotate(struct csm_desk *d, const struct group *g, const char *name,
    struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, "INSERT INTO rotations (grp, "
	    "last, at) VALUES (?1, ?2, ?3) ON CONFLICT (grp) DO UPDATE SET "
	    "last = excluded.last, at = excluded.at", err);

	if (s == NULL)
		return -1;
	csm_bind_text(s, 1, g->name);
	csm_bind_text(s, 2, name);
	sqlite3_bind_int64(s, 3, d->now);
	return csm_store_done(d->st, s, err);
}

/* How many of the ticket's tags, product, category and language an
 * agent's skills meet. */
static int
skill_score(const struct agent *a, const json_t *rec)
{
	static const char *const fields[] = {
		"product", "category", "language", "lang"
	};
	const json_t *tags = json_object_get(rec, "tags"), *e;
	size_t i, k;
	int score = 0;

	for (i = 0; i < a->nskills; i++) {
		json_array_foreach(tags, k, e)
			if (strcmp(json_string_value(e), a->skills[i]) == 0)
				score++;
		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			const char *v = json_string_value(json_object_get(rec,
			    fields[k]));

			if (v != NULL && strcmp(v, a->skills[i]) == 0)
				score++;
		}
	}
	return score;
}

/*
 * The member of g to give the ticket (record rec) to: *who (an index into
 * the agents), or -1 when nobody can take it.  0 or -1 with err.
 */
static int
choose(struct rules_ctx *c, const struct group *g, const json_t *rec,
    long *who, struct csm_err *err)
{
	char last[256];
	size_t i, k, start = 0;
	long best = -1;
	int64_t load, best_load = 0, room, best_room = 0;
	int score, best_score = -1;

	*who = -1;
	if (g->strategy == S_ROUND_ROBIN) {
		if (rotation(c->d, g, last, sizeof(last), err) < 0)
			return -1;
		for (i = 0; i < g->nmembers; i++)
			if (strcmp(c->r->agents[g->members[i]].name, last) ==
			    0)
				start = i + 1;
	}
	for (k = 0; k < g->nmembers; k++) {
		i = g->strategy == S_ROUND_ROBIN ? (start + k) % g->nmembers :
		    k;
		const struct agent *a = &c->r->agents[g->members[i]];

		if (a->away || !on_shift(a, c->d->now))
			continue;
		/* Round robin and skills look at loads only for capacity. */
		load = 0;
		if ((a->capacity > 0 || g->strategy == S_LEAST_LOADED ||
		    g->strategy == S_CAPACITY) && agent_load(c, g->members[i],
		    &load, err) < 0)
			return -1;
		if (a->capacity > 0 && load >= a->capacity)
			continue;
		room = a->capacity > 0 ? a->capacity - load : INT64_MAX - load;
		switch (g->strategy) {
		case S_ROUND_ROBIN:
			*who = (long)g->members[i];
			return 0;
		case S_LEAST_LOADED:
			if (best < 0 || load < best_load) {
				best = (long)g->members[i];
				best_load = load;
			}
			break;
		case S_CAPACITY:
			if (best < 0 || room > best_room) {
				best = (long)g->members[i];
				best_room = room;
			}
			break;
		case S_SKILLS:
			score = skill_score(a, rec);
			if (best < 0 || score > best_score) {
				best = (long)g->members[i];
				best_score = score;
			}
			break;
		}
	}
	*who = best;
	return 0;
}

/*
 * Assigns t if it is in a group with a strategy and has no assignee (see
 * the top of this file).  *done says whether it was assigned or moved.
 * 0, or -1 with err.
 */
int
assign_ticket(struct rules_ctx *c, struct csm_ticket *t, int *done,
    struct csm_err *err)
{
	struct csm_actor who = c->who;
	const struct group *g;
	const json_t *rec;
	const char *name;
	long pick;
	int hops;
	json_t *v;

	*done = 0;
	for (hops = 0; hops < 8; hops++) {
		/* From the row: most tickets need no record made. */
		const struct trow *row = desk_ticket_row(t);

		/* Only a ticket still to be worked on has a queue place. */
		if (row->s[TC_ASSIGNEE] != NULL || row->i[TC_MERGED_INTO] != 0 ||
		    is_done(row->s[TC_STATUS]))
			return 0;
		name = row->s[TC_GRP];
		g = group_named(c->r, name);
		if (g == NULL || g->strategy == S_NONE)
			return 0;
		if ((rec = csm_ticket_record(c->d, t, err)) == NULL ||
		    choose(c, g, rec, &pick, err) < 0)
			return -1;
		if (who.why == NULL)
			who.why = g->name;
		if (pick >= 0) {
			uint64_t epoch = c->d->load_epoch;

			v = json_string(c->r->agents[pick].name);
			if (v == NULL || csm_ticket_set(c->d, t, "assignee", v,
			    &who, err) < 0) {
				json_decref(v);
				return -1;
			}
			json_decref(v);
			agent_given(c, (size_t)pick, epoch);
			if (g->strategy == S_ROUND_ROBIN && rotate(c->d, g,
			    c->r->agents[pick].name, err) < 0)
				return -1;
			*done = 1;
			return 0;
		}
		if (g->fallback == NULL) {
			if (c->h != NULL && c->h->queued != NULL)
				c->h->queued(c->h->arg, csm_ticket_id(t),
				    g->name, "every member is away, off shift or at "
				    "capacity");
			return 0;
		}
		v = json_string(g->fallback);
		if (v == NULL || csm_ticket_set(c->d, t, "group", v, &who,
		    err) < 0) {
			json_decref(v);
			return -1;
		}
		json_decref(v);
		*done = 1;
	}
	return 0;
}
