/*
 * customer.c - one customer across channels: resolving the customer of a
 * record by its identities, creating customers, giving them identities
 * and profiles, and merging two that turn out to be one.
 *
 * Identities are looked up one by one in the store while a run is small
 * (a cron ingest of a few records, a rule's task ticket); after
 * BULK_LOOKUPS lookups the desk loads the whole identity table into its
 * cache instead, which is cheaper for a long run.
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"

#define BULK_LOOKUPS 4096

static const int prof_fields[3] = {F_NAME, F_TIER, F_ORG};
static const unsigned prof_flags[3] = {CSM_PROF_NAME, CSM_PROF_TIER,
	CSM_PROF_ORG};

/* Makes sure the cache may be asked: loads it whole for a long run. */
static int
cache_ready(struct csm_desk *d, struct csm_err *err)
{
	if (csm_idcache_loaded(d->ids) || d->lookups < BULK_LOOKUPS)
		return 0;
	d->id_loaded = 1;
	return csm_idcache_load(d->ids, d->st, err) < 0 ? -2 : 0;
}

/* Loads a customer's parent and profile flags into the cache. */
static int
load_customer(struct csm_desk *d, int64_t cust, struct csm_err *err)
{
	sqlite3_stmt *s;
	unsigned f = CSM_PROF_ABSENT;
	uint32_t parent = 0;
	int rc;

	if (cust <= 0 || cust > UINT32_MAX)
		return 0;
	d->lookups++;
	STMT(s, "SELECT merged_into, name IS NOT NULL, tier IS NOT NULL, "
	    "org IS NOT NULL FROM customers WHERE id = ?1");
	sqlite3_bind_int64(s, 1, cust);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		parent = (uint32_t)sqlite3_column_int64(s, 0);
		f = CSM_PROF_EXISTS;
		f |= sqlite3_column_int(s, 1) ? CSM_PROF_NAME : 0;
		f |= sqlite3_column_int(s, 2) ? CSM_PROF_TIER : 0;
		f |= sqlite3_column_int(s, 3) ? CSM_PROF_ORG : 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return desk_fatal(d, rc, err);
	if (csm_idcache_customer(d->ids, (uint32_t)cust, parent, f) < 0)
		return nomem(err);
	return 0;
}

/* A customer's profile flags (CSM_PROF_*), from the store if need be;
 * 0 with err->code set on a store error. */
static unsigned
cust_flags(struct csm_desk *d, int64_t cust, struct csm_err *err)
{
	unsigned f;

	if (cust <= 0 || cust > UINT32_MAX)
		return CSM_PROF_ABSENT;
	f = csm_idcache_flags(d->ids, (uint32_t)cust);
	if (f == 0 && !csm_idcache_loaded(d->ids)) {
		if (load_customer(d, cust, err) < 0)
			return 0;
		f = csm_idcache_flags(d->ids, (uint32_t)cust);
	}
	return f == 0 ? CSM_PROF_ABSENT : f;
}

/* The customer a customer was merged into, in the end (itself if none).
 * 0 with err on a store error. */
static int64_t
cust_root(struct csm_desk *d, int64_t cust, struct csm_err *err)
{
	int64_t r = cust;
	int steps;

	for (steps = 0; steps < 64; steps++) {
		uint32_t p;

		if (cust_flags(d, r, err) == 0)
			return 0;
		p = csm_idcache_root(d->ids, (uint32_t)r);
		if (p == (uint32_t)r)
			return r;
		r = p;
	}
	return r;
}

/* Whether customer cust exists: 1, 0, or -2 with err. */
int
desk_customer_exists(struct csm_desk *d, int64_t cust, struct csm_err *err)
{
	unsigned f;

	csm_err_clear(err);
	f = cust_flags(d, cust, err);
	if (f == 0)
		return -2;
	return (f & CSM_PROF_EXISTS) != 0;
}

/* The customer that holds an identity (root), or 0: *cust.  0 or -2. */
static int
ident_owner(struct csm_desk *d, const struct csm_ident *id, int64_t *cust,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	uint32_t c;
	int rc;

	*cust = 0;
	if (cache_ready(d, err) < 0)
		return -2;
	if (!csm_idcache_find(d->ids, id->kind, id->value, id->len, &c)) {
		d->lookups++;
		STMT(s, "SELECT customer FROM identities WHERE kind = ?1 AND "
		    "value = ?2");
		sqlite3_bind_text(s, 1, csm_id_name(id->kind), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 2, id->value, (int)id->len,
		    SQLITE_STATIC);
		rc = sqlite3_step(s);
		c = rc == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return desk_fatal(d, rc, err);
		if (csm_idcache_put(d->ids, id->kind, id->value, id->len,
		    c) < 0)
			return nomem(err);
	}
	*cust = c;
	if (c != 0 && (*cust = cust_root(d, c, err)) == 0)
		return -2;
	return 0;
}

/* The kept customer gains the custom fields it lacks.  0 or -2. */
static int
merge_attrs(struct csm_desk *d, int64_t keep, int64_t from,
    struct csm_err *err)
{
	sqlite3_stmt *s;
	json_t *k = NULL, *f = NULL;
	const char *text;
	char *out = NULL;
	int rc;

	STMT(s, "SELECT id, attrs FROM customers WHERE id IN (?1, ?2) AND "
	    "attrs IS NOT NULL");
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(s, 1);
		if (sqlite3_column_int64(s, 0) == keep)
			k = json_loads(text, 0, NULL);
		else
			f = json_loads(text, 0, NULL);
	}
	sqlite3_reset(s);
	rc = rc == SQLITE_DONE ? 0 : desk_fatal(d, rc, err);
	if (rc == 0 && f != NULL && json_is_object(f)) {
		if (k == NULL || !json_is_object(k)) {
			json_decref(k);
			k = json_object();
		}
		json_object_update_missing(k, f);
		if ((out = csm_json_text(k)) == NULL)
			rc = nomem(err);
		else if ((s = csm_store_stmt(d->st, "UPDATE customers SET "
		    "attrs = ?2 WHERE id = ?1", err)) == NULL) {
			free(out);
			rc = -2;
		} else {
			sqlite3_bind_int64(s, 1, keep);
			sqlite3_bind_text(s, 2, out, -1, free);
			rc = desk_done(d, s, err);
		}
	}
	json_decref(k);
	json_decref(f);
	return rc;
}

/* Collects the undo data of a merge of from: its identities, tickets and
 * orders.  New object, or NULL with err (-2 semantics). */
static json_t *
merge_undo(struct csm_desk *d, int64_t keep, int64_t from,
    struct csm_err *err)
{
	static const char *const sql[3] = {
		"SELECT kind, value FROM identities WHERE customer = ?1",
		"SELECT id FROM tickets WHERE customer = ?1",
		"SELECT order_no FROM orders WHERE customer = ?1",
	};
	static const char *const keys[3] = {"identities", "tickets", "orders"};
	json_t *data = json_object(), *arr;
	sqlite3_stmt *s;
	char ref[24];
	int i, rc;

	if (data == NULL) {
		nomem(err);
		return NULL;
	}
	csm_ref_format('C', from, ref);
	json_object_set_new(data, "from", json_string(ref));
	csm_ref_format('C', keep, ref);
	json_object_set_new(data, "into", json_string(ref));
	for (i = 0; i < 3; i++) {
		if ((s = csm_store_stmt(d->st, sql[i], err)) == NULL) {
			json_decref(data);
			return NULL;
		}
		arr = json_array();
		sqlite3_bind_int64(s, 1, from);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (i == 0)
				json_array_append_new(arr, json_pack("[ss]",
				    (const char *)sqlite3_column_text(s, 0),
				    (const char *)sqlite3_column_text(s, 1)));
			else if (i == 1) {
				csm_ref_format('T', sqlite3_column_int64(s, 0),
				    ref);
				json_array_append_new(arr, json_string(ref));
			} else
				json_array_append_new(arr, json_string(
				    (const char *)sqlite3_column_text(s, 0)));
		}
		sqlite3_reset(s);
		json_object_set_new(data, keys[i], arr);
		if (rc != SQLITE_DONE) {
			/* The undo data would be incomplete: no merge. */
			json_decref(data);
			desk_fatal(d, rc, err);
			return NULL;
		}
	}
	return data;
}

/*
 * Moves everything of customer from into keep and records how to undo
 * it in the merge event.  0 or -2.
 */
static int
merge(struct csm_desk *d, int64_t keep, int64_t from,
    const struct csm_actor *who, struct csm_err *err)
{
	static const char *const moves[3] = {
		"UPDATE identities SET customer = ?1 WHERE customer = ?2",
		"UPDATE tickets SET customer = ?1 WHERE customer = ?2",
		"UPDATE orders SET customer = ?1 WHERE customer = ?2",
	};
	struct desk_event e = {0};
	sqlite3_stmt *s;
	json_t *data;
	char *text, ref[2][24];
	int i;

	if ((data = merge_undo(d, keep, from, err)) == NULL)
		return -2;
	text = csm_json_text(data);
	json_decref(data);
	if (text == NULL)
		return nomem(err);
	for (i = 0; i < 3; i++) {
		if ((s = csm_store_stmt(d->st, moves[i], err)) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, keep);
		sqlite3_bind_int64(s, 2, from);
		if (desk_done(d, s, err) < 0)
			goto fail;
	}
	/* The kept customer inherits what it lacks of the profile. */
	if ((s = csm_store_stmt(d->st, "UPDATE customers SET "
	    "name = coalesce(name, (SELECT name FROM customers WHERE id = ?2)),"
	    "tier = coalesce(tier, (SELECT tier FROM customers WHERE id = ?2)),"
	    "org = coalesce(org, (SELECT org FROM customers WHERE id = ?2)),"
	    "updated_at = max(updated_at, ?3) WHERE id = ?1", err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, who->at);
	if (desk_done(d, s, err) < 0 || merge_attrs(d, keep, from, err) < 0)
		goto fail;
	if ((s = csm_store_stmt(d->st, "UPDATE customers SET merged_into = "
	    "?1, updated_at = max(updated_at, ?3) WHERE id = ?2", err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, keep);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, who->at);
	if (desk_done(d, s, err) < 0)
		goto fail;
	csm_ref_format('C', from, ref[0]);
	csm_ref_format('C', keep, ref[1]);
	e.customer = keep;
	e.action = "merge";
	e.field = "customer";
	e.old = ref[0];
	e.new = ref[1];
	e.data = text;
	if (desk_event(d, who, &e, err) < 0)
		goto fail;
	free(text);
	if (csm_idcache_merge(d->ids, (uint32_t)from, (uint32_t)keep) < 0)
		return nomem(err);
	return 0;
fail:
	free(text);
	return -2;
}

/* A new customer with the record's profile and identities.  0 or -2. */
static int
create_customer(struct csm_desk *d, struct csm_item *it, int64_t at,
    int with_attrs, int64_t *cust, struct csm_err *err)
{
	sqlite3_stmt *s;
	unsigned flags = CSM_PROF_EXISTS;
	int i;

	STMT(s, "INSERT INTO customers (name, tier, org, attrs, created_at, "
	    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	for (i = 0; i < 3; i++) {
		bind_val(s, i + 1, &it->v[prof_fields[i]]);
		if (it->v[prof_fields[i]].set)
			flags |= prof_flags[i];
	}
	if (with_attrs && it->attrs != NULL)
		sqlite3_bind_text(s, 4, it->attrs, -1, SQLITE_STATIC);
	/* A CRM record may say when the customer was created. */
	sqlite3_bind_int64(s, 5, it->kind == CSM_KIND_CUSTOMER &&
	    it->v[F_CREATED_AT].set && it->v[F_CREATED_AT].i < at ?
	    it->v[F_CREATED_AT].i : at);
	sqlite3_bind_int64(s, 6, at);
	if (desk_done(d, s, err) < 0)
		return -2;
	*cust = sqlite3_last_insert_rowid(csm_store_db(d->st));
	if (*cust > UINT32_MAX)
		return csm_err_set(err, CSM_EINTERNAL, "too many customers"),
		    -2;
	if (csm_idcache_customer(d->ids, (uint32_t)*cust, 0, flags) < 0)
		return nomem(err);
	/* Creation is no event: the row's created_at records it. */
	return 0;
}

/* Gives cust the identities of the record it does not have yet; logs
 * them when log.  *changed is set when any was added and logged. */
static int
add_identities(struct csm_desk *d, struct csm_item *it, int64_t cust,
    const struct csm_actor *who, int log, int *changed, struct csm_err *err)
{
	struct desk_event e = {0};
	sqlite3_stmt *s;
	int64_t owner;
	int i, added = 0;

	for (i = 0; i < it->nids; i++) {
		const struct csm_ident *id = &it->ids[i];

		if (ident_owner(d, id, &owner, err) < 0)
			return -2;
		if (owner != 0)
			continue;
		STMT(s, "INSERT INTO identities (kind, value, customer) "
		    "VALUES (?1, ?2, ?3)");
		sqlite3_bind_text(s, 1, csm_id_name(id->kind), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 2, id->value, (int)id->len,
		    SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, cust);
		if (desk_done(d, s, err) < 0)
			return -2;
		if (csm_idcache_put(d->ids, id->kind, id->value, id->len,
		    (uint32_t)cust) < 0)
			return nomem(err);
		if (!log)
			continue;
		e.customer = cust;
		e.action = "identity";
		e.field = csm_id_name(id->kind);
		e.new = id->value;
		if (desk_event(d, who, &e, err) < 0)
			return -2;
		added = 1;
	}
	if (added) {
		STMT(s, "UPDATE customers SET updated_at = max(updated_at, ?2) "
		    "WHERE id = ?1");
		sqlite3_bind_int64(s, 1, cust);
		sqlite3_bind_int64(s, 2, who->at);
		if (desk_done(d, s, err) < 0)
			return -2;
		*changed = 1;
	}
	return 0;
}

/* The custom fields of a customer record, merged into the stored ones. */
static int
update_attrs(struct csm_desk *d, struct csm_item *it, int64_t cust,
    const struct csm_actor *who, int *changed, struct csm_err *err)
{
	struct desk_event e = {0};
	sqlite3_stmt *s;
	const char *text;
	char *new;
	int oom = 0, rc;

	STMT(s, "SELECT attrs FROM customers WHERE id = ?1");
	sqlite3_bind_int64(s, 1, cust);
	text = NULL;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		text = (const char *)sqlite3_column_text(s, 0);
	new = rc == SQLITE_ROW || rc == SQLITE_DONE ? merged_attrs(text,
	    it->attrs, &oom) : NULL;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return desk_fatal(d, rc, err);
	if (oom)
		return nomem(err);
	if (new == NULL)
		return 0;
	if ((s = csm_store_stmt(d->st, "UPDATE customers SET attrs = ?2, "
	    "updated_at = max(updated_at, ?3) WHERE id = ?1", err)) == NULL) {
		free(new);
		return -2;
	}
	sqlite3_bind_int64(s, 1, cust);
	sqlite3_bind_text(s, 2, new, -1, free);
	sqlite3_bind_int64(s, 3, who->at);
	e.customer = cust;
	e.action = "profile";
	e.field = "attrs";
	if (desk_done(d, s, err) < 0 || desk_event(d, who, &e, err) < 0)
		return -2;
	*changed = 1;
	return 0;
}

/* Updates the profile: every given field (authoritative) or only the
 * empty ones (records that merely mention the customer). */
static int
update_profile(struct csm_desk *d, struct csm_item *it, int64_t cust,
    const struct csm_actor *who, int authoritative, int *changed,
    struct csm_err *err)
{
	static const char *const fill_sql[3] = {
		"UPDATE customers SET name = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND name IS NULL",
		"UPDATE customers SET tier = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND tier IS NULL",
		"UPDATE customers SET org = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND org IS NULL",
	};
	static const char *const set_sql[3] = {
		"UPDATE customers SET name = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND name IS NOT ?2",
		"UPDATE customers SET tier = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND tier IS NOT ?2",
		"UPDATE customers SET org = ?2, updated_at = max(updated_at, "
		"?3) WHERE id = ?1 AND org IS NOT ?2",
	};
	static const char *const old_sql[3] = {
		"SELECT name FROM customers WHERE id = ?1",
		"SELECT tier FROM customers WHERE id = ?1",
		"SELECT org FROM customers WHERE id = ?1",
	};
	unsigned flags = cust_flags(d, cust, err);
	struct desk_event e = {0};
	sqlite3_stmt *s;
	char *old;
	int i, rc;

	if (flags == 0)
		return -2;
	for (i = 0; i < 3; i++) {
		const struct csm_val *v = &it->v[prof_fields[i]];

		if (!v->set || (!authoritative && (flags & prof_flags[i])))
			continue;
		STMT(s, old_sql[i]);
		sqlite3_bind_int64(s, 1, cust);
		rc = sqlite3_step(s);
		old = rc == SQLITE_ROW ? col_dup(s, 0) : NULL;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return desk_fatal(d, rc, err);
		if (old != NULL && (!authoritative || same(old, v))) {
			free(old);
			flags |= prof_flags[i];
			continue;
		}
		if ((s = csm_store_stmt(d->st, authoritative ? set_sql[i] :
		    fill_sql[i], err)) == NULL) {
			free(old);
			return -2;
		}
		sqlite3_bind_int64(s, 1, cust);
		bind_val(s, 2, v);
		sqlite3_bind_int64(s, 3, who->at);
		e.customer = cust;
		e.action = "profile";
		e.field = csm_field_name(prof_fields[i]);
		e.old = old;
		e.new = v->s;
		rc = desk_done(d, s, err) < 0 || desk_event(d, who, &e, err) < 0;
		free(old);
		if (rc)
			return -2;
		flags |= prof_flags[i];
		*changed = 1;
	}
	csm_idcache_set_flags(d->ids, (uint32_t)cust, flags);
	if (authoritative && it->attrs != NULL)
		return update_attrs(d, it, cust, who, changed, err);
	return 0;
}

/* Adds r to the set of roots once. */
static void
add_root(int64_t *roots, size_t *n, int64_t r)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (roots[i] == r)
			return;
	roots[(*n)++] = r;
}

/*
 * The customers a record names: its "customer" field, the hint (the
 * customer a known ticket already has) and the holders of its identities,
 * each as the customer it now lives in.  0, -1 (refused) or -2.
 */
static int
named_roots(struct csm_desk *d, struct csm_item *it, int64_t hint,
    int64_t *roots, size_t *n, struct csm_err *err)
{
	int64_t r;
	int i, rc;

	*n = 0;
	if (it->v[F_CUSTOMER].set) {
		char ref[24];

		rc = desk_customer_exists(d, it->v[F_CUSTOMER].i, err);
		if (rc < 0)
			return -2;
		if (rc == 0) {
			csm_ref_format('C', it->v[F_CUSTOMER].i, ref);
			return refuse(err, "customer: no customer %s", ref);
		}
		if ((r = cust_root(d, it->v[F_CUSTOMER].i, err)) == 0)
			return -2;
		add_root(roots, n, r);
	}
	if (hint > 0) {
		if ((r = cust_root(d, hint, err)) == 0)
			return -2;
		add_root(roots, n, r);
	}
	for (i = 0; i < it->nids; i++) {
		if (ident_owner(d, &it->ids[i], &r, err) < 0)
			return -2;
		if (r != 0)
			add_root(roots, n, r);
	}
	return 0;
}

/*
 * Resolves the record's customer: by its identities, its "customer" field
 * and hint.  Creates, merges and updates as needed (the oldest customer is
 * kept) and emits a customer line when anything changed.  *cust gets the
 * customer (0: the record names none), *op what happened to it.  Returns
 * 0, -1 with err (refused), -2.
 */
int
desk_resolve(struct csm_desk *d, struct csm_item *it, int64_t hint,
    int authoritative, int64_t at, const char *why, int64_t *cust, int *op,
    struct csm_err *err)
{
	struct csm_actor who = WHO(d, at);
	int64_t roots[CSM_MAXIDS + 2], keep = 0, merged[CSM_MAXIDS + 2];
	size_t nroots, i, nmerged = 0;
	int changed = 0, created = 0, rc;

	who.why = why;
	*op = OP_UNCHANGED;
	*cust = 0;
	if ((rc = named_roots(d, it, hint, roots, &nroots, err)) < 0)
		return rc;
	for (i = 0; i < nroots; i++)
		if (keep == 0 || roots[i] < keep)
			keep = roots[i];
	if (keep == 0) {
		if (it->nids == 0)
			return 0;
		if (it->kind == CSM_KIND_CUSTOMER && it->missing != NULL)
			return refuse(err, "%s", it->missing);
		if (create_customer(d, it, at, it->kind == CSM_KIND_CUSTOMER,
		    &keep, err) < 0)
			return -2;
		created = 1;
	}
	for (i = 0; i < nroots; i++) {
		if (roots[i] == keep)
			continue;
		if (merge(d, keep, roots[i], &who, err) < 0)
			return -2;
		merged[nmerged++] = roots[i];
	}
	if (add_identities(d, it, keep, &who, !created, &changed, err) < 0)
		return -2;
	if (!created && update_profile(d, it, keep, &who, authoritative,
	    &changed, err) < 0)
		return -2;
	*cust = keep;
	*op = created ? OP_CREATED : nmerged ? OP_MERGED :
	    changed ? OP_UPDATED : OP_UNCHANGED;
	if (*op == OP_CREATED) {
		emit_new_customer(d, it, keep, at);
		return 0;
	}
	if (*op != OP_UNCHANGED || it->kind == CSM_KIND_CUSTOMER)
		return emit_customer(d, *op, keep, merged, nmerged, err);
	return 0;
}
