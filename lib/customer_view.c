/*
 * customer_view.c - a ticket's customer as rules and --where see it
 * (csm_ticket_customer_record, csm_ticket_lookup): the profile, the
 * identities, and the figures rules need.  Each part is read from the
 * store only when a name asks for it, and kept with the ticket until it
 * changes: a rule that asks for customer.tier costs one row, not the five
 * queries of the whole record.
 */
#include <string.h>

#include "desk.h"

/* The parts of the customer record, as bits of t->cust_have. */
enum {
	CUST_PROFILE = 1u << 0,		/* id, name, tier, org, times, custom */
	CUST_IDS = 1u << 1,		/* identities */
	CUST_FIG0 = 1u << 2		/* the figures, one bit each */
};

static const struct {
	const char *name, *sql;
	int boolean;
} figures[] = {
	{"open_tickets", "SELECT count(*) FROM tickets WHERE customer = ?1 "
	    "AND status NOT IN ('resolved', 'closed') AND merged_into IS NULL "
	    "AND ?2 = ?2", 0},
	{"tickets_30d", "SELECT count(*) FROM tickets WHERE customer = ?1 AND "
	    "created_at > ?2 - 2592000 AND created_at <= ?2", 0},
	{"orders", "SELECT count(*) FROM orders WHERE customer = ?1 AND "
	    "?2 = ?2", 0},
	{"under_warranty", "SELECT EXISTS (SELECT 1 FROM orders WHERE "
	    "customer = ?1 AND warranty_until > ?2)", 1},
};
#define NFIGURES (sizeof(figures) / sizeof(figures[0]))
#define CUST_ALL (CUST_PROFILE | CUST_IDS | \
	(((1u << NFIGURES) - 1) * CUST_FIG0))

static int
view_nomem(struct csm_err *err)
{
	return csm_err_set(err, CSM_EINTERNAL, "out of memory");
}

/* The profile row, as the first part of t->cust. */
static int
profile(struct csm_desk *d, struct csm_ticket *t, struct csm_err *err)
{
	static const char *const names[3] = {"name", "tier", "org"};
	const struct csm_tz *tz = csm_model_tz(d->model);
	int64_t cust = t->row.i[TC_CUSTOMER];
	struct csm_writer *w;
	sqlite3_stmt *s;
	const char *attrs;
	char ref[24], buf[40];
	size_t n;
	int rc, i;

	if ((w = scratch_writer(d)) == NULL)
		return view_nomem(err);
	if ((s = csm_store_stmt(d->st, "SELECT name, tier, org, attrs, "
	    "created_at, updated_at FROM customers WHERE id = ?1",
	    err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, cust);
	csm_writer_begin(w);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		csm_ref_format('C', cust, ref);
		csm_writer_str(w, "id", ref, strlen(ref));
		for (i = 0; i < 3; i++)
			if (sqlite3_column_type(s, i) != SQLITE_NULL)
				csm_writer_str(w, names[i],
				    (const char *)sqlite3_column_text(s, i),
				    (size_t)sqlite3_column_bytes(s, i));
		n = csm_time_format(sqlite3_column_int64(s, 4), tz, buf);
		csm_writer_str(w, "created_at", buf, n);
		n = csm_time_format(sqlite3_column_int64(s, 5), tz, buf);
		csm_writer_str(w, "updated_at", buf, n);
		attrs = (const char *)sqlite3_column_text(s, 3);
		if (attrs != NULL)
			csm_writer_custom(w, attrs, strlen(attrs));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		csm_writer_discard(w);
		return csm_store_sqlerr(d->st, rc, err);
	}
	csm_writer_end(w);
	json_decref(t->cust);
	if ((t->cust = scratch_json(d, 0)) == NULL)
		return view_nomem(err);
	return 0;
}

/* The identities, an object of arrays by kind. */
static int
identities(struct csm_desk *d, struct csm_ticket *t, struct csm_err *err)
{
	sqlite3_stmt *s;
	json_t *ids = NULL;
	const char *text;
	int rc;

	if ((s = csm_store_stmt(d->st, "SELECT json_group_object(kind, "
	    "json(v)) FROM (SELECT kind, json_group_array(value) AS v FROM "
	    "(SELECT kind, value FROM identities WHERE customer = ?1 ORDER BY "
	    "kind, value) GROUP BY kind)", err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, t->row.i[TC_CUSTOMER]);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && (text = (const char *)sqlite3_column_text(s,
	    0)) != NULL)
		ids = json_loads(text, 0, NULL);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return csm_store_sqlerr(d->st, rc, err);
	if (ids == NULL && (ids = json_object()) == NULL)
		return view_nomem(err);
	return json_object_set_new(t->cust, "identities", ids) < 0 ?
	    view_nomem(err) : 0;
}

/* Figure k: a count, or a 0/1 answer. */
static int
figure(struct csm_desk *d, struct csm_ticket *t, size_t k,
    struct csm_err *err)
{
	sqlite3_stmt *s = csm_store_stmt(d->st, figures[k].sql, err);
	int64_t n;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, t->row.i[TC_CUSTOMER]);
	sqlite3_bind_int64(s, 2, d->now);
	rc = sqlite3_step(s);
	n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return csm_store_sqlerr(d->st, rc, err);
	return json_object_set_new(t->cust, figures[k].name, figures[k].boolean ?
	    json_boolean(n != 0) : json_integer(n)) < 0 ? view_nomem(err) : 0;
}

/* Makes the parts of want that t->cust lacks.  0, or -1 with err. */
static int
have(struct csm_desk *d, struct csm_ticket *t, unsigned want,
    struct csm_err *err)
{
	size_t k;

	if (t->cust == NULL)
		t->cust_have = 0;
	want &= ~t->cust_have;
	if (want == 0)
		return 0;
	if (t->row.i[TC_CUSTOMER] <= 0) {
		/* No customer: an empty record, whole. */
		if (t->cust == NULL && (t->cust = json_object()) == NULL)
			return view_nomem(err);
		t->cust_have = CUST_ALL;
		return 0;
	}
	if (!(t->cust_have & CUST_PROFILE)) {
		if (profile(d, t, err) < 0)
			return -1;
		t->cust_have = CUST_PROFILE;
		want |= CUST_PROFILE;
		want &= ~t->cust_have;
	}
	if ((want & CUST_IDS) && identities(d, t, err) < 0)
		return -1;
	t->cust_have |= want & CUST_IDS;
	for (k = 0; k < NFIGURES; k++) {
		if (!(want & (CUST_FIG0 << k)))
			continue;
		if (figure(d, t, k, err) < 0)
			return -1;
		t->cust_have |= CUST_FIG0 << k;
	}
	return 0;
}

/* The ticket's customer as a record (see csm.h).  Borrowed, or NULL. */
const json_t *
csm_ticket_customer_record(struct csm_desk *d, struct csm_ticket *t,
    struct csm_err *err)
{
	return have(d, t, CUST_ALL, err) < 0 ? NULL : t->cust;
}

/* The part of the customer record that name (after "customer.") is in. */
static unsigned
part_of(const char *name)
{
	size_t k, len = strcspn(name, ".");

	if (len == 10 && memcmp(name, "identities", 10) == 0)
		return CUST_IDS;
	for (k = 0; k < NFIGURES; k++)
		if (strlen(figures[k].name) == len &&
		    memcmp(figures[k].name, name, len) == 0)
			return CUST_FIG0 << k;
	return CUST_PROFILE;
}

/* "customer.NAME" from the customer record (see csm.h). */
json_t *
csm_ticket_lookup(void *arg, const char *name)
{
	struct csm_ticket *t = arg;
	const json_t *c;
	const char *p, *dot;
	char part[128];
	size_t len;

	if (strncmp(name, "customer.", 9) != 0)
		return NULL;
	if (have(t->d, t, part_of(name + 9), NULL) < 0)
		return NULL;
	/* Dotted names reach in: customer.identities.phone. */
	for (c = t->cust, p = name + 9; c != NULL; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			return json_object_get(c, p);
		if ((len = (size_t)(dot - p)) >= sizeof(part))
			return NULL;
		memcpy(part, p, len);
		part[len] = '\0';
		c = json_object_get(c, part);
	}
	return NULL;
}
