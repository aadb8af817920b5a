/*
 * report_spec.c - what a csm-report query asks for: the metrics of -m,
 * the group keys of --by, the FCR definition, and the one SELECT that
 * reads the facts of every ticket for them.  The SQL is put together
 * from the constants below only; field names from the command line
 * reach it as bound parameters ('$."name"' paths), never as text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const metric_names[NRMETRICS + 1] = {
	"created", "resolved", "reopened", "frt", "resolution",
	"first_resolution", "fcr", "csat", "nps", "sla", "backlog",
	"workload", NULL
};

const char *const rspec_fcr_names[NFCR + 1] = {
	"one-touch", "at-most-one-reply", "no-reopen", "no-follow-up", NULL
};

const char *const rspec_sla_targets[NRSLA] = {
	"first_response", "next_response", "resolution"
};

/* The default of -m: what a manager asks first. */
static const int default_metrics[] = {
	RM_CREATED, RM_FRT, RM_RESOLUTION, RM_FCR, RM_CSAT, RM_NPS, RM_SLA
};

/* Ticket fields --by groups by, and their columns. */
static const struct {
	const char *name, *sql;
} ticket_cols[] = {
	{"source", "t.source"}, {"status", "t.status"},
	{"stage", "coalesce(t.stage, t.status)"},
	{"priority", "t.priority"}, {"category", "t.category"},
	{"product", "t.product"}, {"region", "t.region"},
	{"group", "t.grp"}, {"assignee", "t.assignee"},
	{"ticket_type", "t.ticket_type"},
	{"name", "coalesce(c.name, t.name)"},
	{"tier", "coalesce(c.tier, t.tier)"},
	{"org", "coalesce(c.org, t.org)"},
	{"customer", "CASE WHEN t.customer IS NULL THEN NULL ELSE "
	    "printf('C-%06d', t.customer) END"},
	{"phone", "t.phone"}, {"email", "t.email"}, {"wechat", "t.wechat"},
	{"thread_id", "t.thread_id"},
};

/* The customer's own profile columns (customer.X). */
static const struct {
	const char *name, *sql;
} customer_cols[] = {
	{"name", "c.name"}, {"tier", "c.tier"}, {"org", "c.org"},
	{"id", "CASE WHEN c.id IS NULL THEN NULL ELSE "
	    "printf('C-%06d', c.id) END"},
};

/* Fields that hold no single value to group by. */
static const char *const no_group[] = {
	"id", "tags", "subject", "body", "created_at", "updated_at",
	"first_response_at", "resolved_at", "closed_at", "reopens",
	"merged_into", "attrs", "type", "op", "source_id", NULL
};

const char *const *
csm_report_metric_names(void)
{
	return metric_names;
}

const char *const *
csm_report_fcr_names(void)
{
	return rspec_fcr_names;
}

int
rspec_fcr(const char *s)
{
	int i;

	for (i = 0; i < NFCR; i++)
		if (strcmp(s, rspec_fcr_names[i]) == 0)
			return i;
	return -1;
}

static int
metric_of(const char *s)
{
	int i;

	for (i = 0; i < NRMETRICS; i++)
		if (strcmp(s, metric_names[i]) == 0)
			return i;
	return -1;
}

/* The next comma-separated item of *p into buf: its length, or -1 when
 * it is empty or too long.  *p moves past it. */
static int
next_item(const char **p, char *buf, size_t n)
{
	const char *s = *p, *e = strchr(s, ',');
	size_t len = e != NULL ? (size_t)(e - s) : strlen(s);

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*p = e != NULL ? e + 1 : s + strlen(s);
	if (len == 0 || len >= n)
		return -1;
	/* A trailing comma is an empty last item. */
	if (e != NULL && e[1 + strspn(e + 1, " \t")] == '\0')
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (int)len;
}

static int
add_metric(struct rspec *sp, int m)
{
	if (sp->want & (1u << m))
		return 0;
	sp->want |= 1u << m;
	sp->metric[sp->nmetric++] = m;
	return 0;
}

static int
parse_metrics(struct rspec *sp, const char *list, struct csm_err *err)
{
	char item[64], esc[160];
	const char *p = list;
	size_t i;
	int m;

	if (list == NULL) {
		for (i = 0; i < sizeof(default_metrics) /
		    sizeof(default_metrics[0]); i++)
			add_metric(sp, default_metrics[i]);
		return 0;
	}
	while (*p != '\0') {
		if (next_item(&p, item, sizeof(item)) < 0)
			return csm_err_set(err, CSM_EUSAGE, "-m: an empty or "
			    "too long metric name in '%s'", csm_escape(list,
			    strlen(list), esc, sizeof(esc)));
		if ((m = metric_of(item)) < 0) {
			const char *near = csm_conf_suggest(item,
			    metric_names);

			csm_escape(item, strlen(item), esc, sizeof(esc));
			if (near != NULL)
				return csm_err_set(err, CSM_EUSAGE, "-m: "
				    "unknown metric '%s' (did you mean "
				    "'%s'?)", esc, near);
			return csm_err_set(err, CSM_EUSAGE, "-m: unknown "
			    "metric '%s' (expected created, resolved, "
			    "reopened, frt, resolution, first_resolution, "
			    "fcr, csat, nps, sla, backlog, workload)", esc);
		}
		add_metric(sp, m);
	}
	return 0;
}

/* '$."name"' for a custom field (new), NULL when out of memory. */
static char *
json_path(const char *name)
{
	size_t n = strlen(name), i;
	char *p = malloc(2 * n + 6), *q = p;

	if (p == NULL)
		return NULL;
	*q++ = '$', *q++ = '.', *q++ = '"';
	for (i = 0; i < n; i++) {
		if (name[i] == '"' || name[i] == '\\')
			*q++ = '\\';
		*q++ = name[i];
	}
	*q++ = '"', *q = '\0';
	return p;
}

static int
time_key(struct rkey *k, const char *name)
{
	static const char *const units[] = {"day", "week", "month"};
	const char *u = name;
	int i;

	k->kind = RK_CREATED;
	if (strncmp(name, "resolved_", 9) == 0) {
		k->kind = RK_RESOLVED;
		u = name + 9;
	} else if (strncmp(name, "created_", 8) == 0)
		u = name + 8;
	for (i = 0; i < 3; i++)
		if (strcmp(u, units[i]) == 0) {
			k->unit = i;
			return 1;
		}
	return 0;
}

static int
listed(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

/* Whether a and b (of one length) differ by one letter or by two
 * neighbours swapped: a typo, not another name. */
static int
near_miss(const char *a, const char *b)
{
	size_t n = strlen(a), i, diff = 0, first = 0;

	if (n != strlen(b) || n < 4)
		return 0;
	for (i = 0; i < n; i++)
		if (a[i] != b[i] && diff++ == 0)
			first = i;
	return diff == 1 || (diff == 2 && first + 1 < n &&
	    a[first] == b[first + 1] && a[first + 1] == b[first]);
}

/* A custom field's name a typo away from a ticket field's (--by
 * categroy): -1 with err, else 0.  esc: the name, escaped. */
static int
typo_of_field(const char *name, const char *esc, struct csm_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(ticket_cols) / sizeof(ticket_cols[0]); i++)
		if (near_miss(name, ticket_cols[i].name))
			return csm_err_set(err, CSM_EUSAGE, "--by: unknown "
			    "field '%s' (did you mean '%s'?)", esc,
			    ticket_cols[i].name);
	return 0;
}

/* The key for one --by name; -1 with err for a name that has no single
 * value. */
static int
parse_key(struct rkey *k, const char *name, struct csm_err *err)
{
	char esc[160];
	size_t i;

	if (time_key(k, name))
		return 0;
	for (i = 0; i < sizeof(ticket_cols) / sizeof(ticket_cols[0]); i++)
		if (strcmp(name, ticket_cols[i].name) == 0) {
			k->kind = RK_COLUMN;
			k->sql = ticket_cols[i].sql;
			return 0;
		}
	csm_escape(name, strlen(name), esc, sizeof(esc));
	if (listed(name, no_group))
		return csm_err_set(err, CSM_EUSAGE, "--by: '%s' has no "
		    "value to group by (group by a field such as category, "
		    "or by day, week or month)", esc);
	if (strchr(name, '.') == NULL && typo_of_field(name, esc, err) < 0)
		return -1;
	if (strncmp(name, "customer.", 9) == 0 && name[9] != '\0') {
		for (i = 0; i < sizeof(customer_cols) /
		    sizeof(customer_cols[0]); i++)
			if (strcmp(name + 9, customer_cols[i].name) == 0) {
				k->kind = RK_CUSTOMER;
				k->sql = customer_cols[i].sql;
				return 0;
			}
		k->kind = RK_CUSTOMER_CUSTOM;
		k->path = json_path(name + 9);
	} else {
		k->kind = RK_CUSTOM;
		k->path = json_path(name);
	}
	if (k->path == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	return 0;
}

static int
parse_keys(struct rspec *sp, const char *list, struct csm_err *err)
{
	const char *p = list;
	struct rkey *k;
	char esc[160];
	int i;

	while (list != NULL && *p != '\0') {
		if (sp->nkey == RMAX_KEYS)
			return csm_err_set(err, CSM_EUSAGE, "--by: at most "
			    "%d fields", RMAX_KEYS);
		k = &sp->key[sp->nkey];
		if (next_item(&p, k->name, sizeof(k->name)) < 0)
			return csm_err_set(err, CSM_EUSAGE, "--by: an empty "
			    "or too long field name in '%s'", csm_escape(list,
			    strlen(list), esc, sizeof(esc)));
		if (!csm_utf8_valid(k->name, strlen(k->name), NULL))
			return csm_err_set(err, CSM_EUSAGE, "--by: '%s' is not "
			    "valid UTF-8", csm_escape(k->name, strlen(k->name),
			    esc, sizeof(esc)));
		for (i = 0; i < sp->nkey; i++)
			if (strcmp(sp->key[i].name, k->name) == 0)
				return csm_err_set(err, CSM_EUSAGE, "--by: "
				    "'%s' is given twice", csm_escape(k->name,
				    strlen(k->name), esc, sizeof(esc)));
		if (parse_key(k, k->name, err) < 0)
			return -1;
		sp->nkey++;
	}
	return 0;
}

/*
 * Parses q's metrics, keys and FCR definition into sp.  0, or -1 with
 * err (CSM_EUSAGE).  Workload alone groups by assignee.
 */
int
rspec_parse(struct rspec *sp, const struct csm_report_query *q,
    struct csm_err *err)
{
	char esc[160];

	memset(sp, 0, sizeof(*sp));
	sp->fcr = FCR_ONE_TOUCH;
	if (q->fcr != NULL && (sp->fcr = rspec_fcr(q->fcr)) < 0)
		return csm_err_set(err, CSM_EUSAGE, "--fcr-definition: "
		    "unknown definition '%s' (expected one-touch, "
		    "at-most-one-reply, no-reopen or no-follow-up)",
		    csm_escape(q->fcr, strlen(q->fcr), esc, sizeof(esc)));
	if (parse_metrics(sp, q->metrics, err) < 0 ||
	    parse_keys(sp, q->by, err) < 0)
		return -1;
	if (q->by == NULL && sp->want == 1u << RM_WORKLOAD)
		return parse_keys(sp, "assignee", err);
	return 0;
}

void
rspec_free(struct rspec *sp)
{
	int i;

	for (i = 0; i < sp->nkey; i++)
		free(sp->key[i].path);
}

/* Appends s to the buffer; -1 when out of memory. */
static int
add(struct csm_buf *b, const char *s)
{
	return csm_buf_add(b, s, strlen(s));
}

/* The parts of the SELECT that only some metrics need. */
/* (The messages_clock index holds exactly the messages that count.) */
static const char sql_replies[] =
    ", (SELECT count(*) FROM messages INDEXED BY messages_clock "
    "WHERE ticket = t.id AND auto = 0 AND (direction = 'in' OR "
    "public = 1) AND direction = 'out')";
static const char sql_followups[] =
    ", (SELECT count(*) FROM messages INDEXED BY messages_clock "
    "WHERE ticket = t.id AND auto = 0 AND (direction = 'in' OR "
    "public = 1) AND direction = 'in' AND at > t.created_at)";
static const char sql_csat[] =
    ", (SELECT score FROM surveys s WHERE s.ticket = t.id AND "
    "s.kind = 'csat')";
static const char sql_nps[] =
    ", (SELECT score FROM surveys s WHERE s.ticket = t.id AND "
    "s.kind = 'nps')";

/*
 * The scan: t.id, created_at, first_response_at, resolved_at, status,
 * reopens, assignee set, replies, follow-ups, csat, nps (columns 0-10,
 * NULL where the metrics do not need them), ticket_type (11), then one
 * column per key,
 * for the tickets not merged and created before ?1, in id order.
 */
char *
rspec_sql(const struct rspec *sp)
{
	struct csm_buf b = {0};
	int i, bound = 2, ok;
	int need_msgs = (sp->want & ((1u << RM_FCR) | (1u << RM_WORKLOAD)))
	    != 0;
	int need_cust = 0;
	char num[32];

	ok = add(&b, "SELECT t.id, t.created_at, t.first_response_at, "
	    "t.resolved_at, t.status IN ('resolved', 'closed'), t.reopens, "
	    "t.assignee IS NOT NULL") == 0;
	ok = ok && add(&b, need_msgs ? sql_replies : ", NULL") == 0;
	ok = ok && add(&b, need_msgs && sp->fcr == FCR_NO_FOLLOW_UP ?
	    sql_followups : ", NULL") == 0;
	ok = ok && add(&b, sp->want & (1u << RM_CSAT) ? sql_csat :
	    ", NULL") == 0;
	ok = ok && add(&b, sp->want & (1u << RM_NPS) ? sql_nps :
	    ", NULL") == 0;
	ok = ok && add(&b, ", t.ticket_type") == 0;
	for (i = 0; ok && i < sp->nkey; i++) {
		const struct rkey *k = &sp->key[i];

		switch (k->kind) {
		case RK_COLUMN:
		case RK_CUSTOMER:
			ok = add(&b, ", ") == 0 && add(&b, k->sql) == 0;
			need_cust |= strstr(k->sql, "c.") != NULL;
			break;
		case RK_CUSTOM:
		case RK_CUSTOMER_CUSTOM:
			snprintf(num, sizeof(num), "%d)", bound++);
			ok = add(&b, k->kind == RK_CUSTOM ?
			    ", json_extract(t.attrs, ?" :
			    ", json_extract(c.attrs, ?") == 0 &&
			    add(&b, num) == 0;
			need_cust |= k->kind == RK_CUSTOMER_CUSTOM;
			break;
		default:
			ok = add(&b, ", NULL") == 0;
		}
	}
	ok = ok && add(&b, " FROM tickets t") == 0;
	if (need_cust)
		ok = ok && add(&b, " LEFT JOIN customers c ON c.id = "
		    "t.customer") == 0;
	ok = ok && add(&b, " WHERE t.merged_into IS NULL AND t.created_at "
	    "< ?1 ORDER BY t.id") == 0 && csm_buf_addc(&b, '\0') == 0;
	if (!ok) {
		csm_buf_free(&b);
		return NULL;
	}
	return b.p;
}
