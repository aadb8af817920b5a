/*
 * prep.c - turning an input record into a prepared item: the record kind,
 * field types, times, identities and custom fields, checked and normalized
 * without touching the store, so that it can run on the parser thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define fdefs csm_fdefs

/* Formats a reference such as "T-000042" into buf. */
void
csm_ref_format(char prefix, int64_t id, char *buf)
{
	snprintf(buf, 24, "%c-%06lld", prefix, (long long)id);
}

/* Parses "T-42", "T-000042" or "42"; 0 when it is not a reference. */
int64_t
csm_ref_parse(char prefix, const char *s, size_t len)
{
	int64_t v = 0;
	size_t i = 0;

	if (len >= 2 && (s[0] == prefix || s[0] == prefix + 32) &&
	    s[1] == '-')
		i = 2;
	if (i == len || len - i > 15)
		return 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
nomem_(struct csm_err *err)
{
	return csm_err_set(err, CSM_EINTERNAL, "out of memory");
}

/* The prefix of a record's own id, by kind. */
static const char self_prefix[CSM_NKINDS] = {
	0, 'T', 'M', 'E', 'C', 'O', 'S'
};

static int
field_err(struct csm_err *err, const char *field, const char *what,
    const json_t *v)
{
	char esc[96];

	if (v == NULL)
		return csm_err_set(err, CSM_EDATA, "%s: %s", field, what);
	return csm_err_set(err, CSM_EDATA, "%s: %s, got %s", field, what,
	    csm_escape_json(v, esc, sizeof(esc)));
}

/* Sets a text slot from a string or integer JSON value. */
static int
set_text(struct csm_arena *ar, struct csm_item *it, int f, json_t *v,
    struct csm_err *err)
{
	char num[32];
	const char *s;
	size_t len;

	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		s = num;
		len = strlen(num);
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
	} else
		return field_err(err, fdefs[f].name, "expected a string", v);
	if (len == 0)
		return 0;	/* empty is absent */
	it->v[f].s = csm_arena_strndup(ar, s, len);
	if (it->v[f].s == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	it->v[f].len = (uint32_t)len;
	it->v[f].set = 1;
	return 0;
}

/* A JSON value's compact text, copied into the arena. */
static const char *
json_text(struct csm_arena *ar, const json_t *v)
{
	char *text = csm_json_text(v);
	const char *out;

	if (text == NULL)
		return NULL;
	out = csm_arena_strndup(ar, text, strlen(text));
	free(text);
	return out;
}

static int
set_time(const struct csm_prep_opts *o, struct csm_item *it, int f,
    json_t *v, struct csm_err *err)
{
	char msg[sizeof(err->msg)];

	if (json_is_integer(v)) {
		it->v[f].i = json_integer_value(v);
	} else if (!json_is_string(v)) {
		return field_err(err, fdefs[f].name, "expected a time", v);
	} else if (json_string_length(v) == 0) {
		return 0;
	} else if (csm_time_parse(json_string_value(v), json_string_length(v),
	    csm_model_tz(o->model), &it->v[f].i, err) < 0) {
		memcpy(msg, err->msg, sizeof(msg));
		return csm_err_set(err, CSM_EDATA, "%s: %s",
		    fdefs[f].name, msg);
	}
	if (!csm_time_check(it->v[f].i, err)) {
		memcpy(msg, err->msg, sizeof(msg));
		return csm_err_set(err, CSM_EDATA, "%s: %s", fdefs[f].name,
		    msg);
	}
	it->v[f].set = 1;
	return 0;
}

static int
set_bool(struct csm_item *it, int f, json_t *v, struct csm_err *err)
{
	int b = -1;

	if (json_is_boolean(v))
		b = json_is_true(v);
	else if (json_is_string(v))
		b = csm_conf_bool(json_string_value(v));
	else if (json_is_integer(v) && (json_integer_value(v) == 0 ||
	    json_integer_value(v) == 1))
		b = (int)json_integer_value(v);
	if (b < 0)
		return field_err(err, fdefs[f].name, "expected true or false",
		    v);
	it->v[f].i = b;
	it->v[f].set = 1;
	return 0;
}

/* An integer: the one reading of numbers of libcsm (num.c), so that 42,
 * 42.0 and "42" agree and " 42", "0x1A" and 1e300 are refused alike. */
static int
set_int(struct csm_item *it, int f, json_t *v, struct csm_err *err)
{
	int64_t n;

	if (csm_int_json(v, &n, NULL) < 0)
		return field_err(err, fdefs[f].name, "expected an integer", v);
	it->v[f].i = n;
	it->v[f].set = 1;
	return 0;
}

/* Tags: an array of strings or "a;b;c"; trimmed, empty ones dropped. */
static int
set_tags(struct csm_arena *ar, struct csm_item *it, json_t *v,
    struct csm_err *err)
{
	json_t *arr = json_array(), *e;
	size_t i;

	if (arr == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if (json_is_string(v)) {
		const char *s = json_string_value(v), *end;

		while (*s != '\0') {
			size_t len;

			end = strchr(s, ';');
			len = end ? (size_t)(end - s) : strlen(s);
			while (len > 0 && (*s == ' ' || *s == '\t')) {
				s++;
				len--;
			}
			while (len > 0 && (s[len - 1] == ' ' ||
			    s[len - 1] == '\t'))
				len--;
			if (len > 0)
				json_array_append_new(arr,
				    json_stringn_nocheck(s, len));
			if (end == NULL)
				break;
			s = end + 1;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			if (!json_is_string(e)) {
				json_decref(arr);
				return field_err(err, "tags", "expected "
				    "strings", e);
			}
			/* CSV joins tags with ';': one containing it could
			 * not be read back whole. */
			if (memchr(json_string_value(e), ';',
			    json_string_length(e)) != NULL) {
				json_decref(arr);
				return field_err(err, "tags", "a tag cannot "
				    "contain ';'", e);
			}
			if (json_string_length(e) > 0)
				json_array_append(arr, e);
		}
	} else {
		json_decref(arr);
		return field_err(err, "tags", "expected an array of strings",
		    v);
	}
	it->tags = json_text(ar, arr);
	json_decref(arr);
	if (it->tags == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	it->v[F_TAGS].set = 1;
	return 0;
}

/* Appends a normalized identity, once.  0, or -1 with err. */
static int
add_ident(struct csm_item *it, int kind, const char *value, size_t len,
    struct csm_err *err)
{
	int i;

	for (i = 0; i < it->nids; i++)
		if (it->ids[i].kind == kind && it->ids[i].len == len &&
		    memcmp(it->ids[i].value, value, len) == 0)
			return 0;
	if (it->nids == CSM_MAXIDS)
		return csm_err_set(err, CSM_EDATA, "identities: more than %d",
		    CSM_MAXIDS);
	it->ids[it->nids].kind = kind;
	it->ids[it->nids].value = value;
	it->ids[it->nids].len = len;
	it->nids++;
	return 0;
}

/* Normalizes an identity into the arena: 0 and *out, or -1 with err
 * naming field. */
static int
norm_ident(struct csm_arena *ar, int kind, const char *field, const char *s,
    size_t len, const char **out, size_t *outlen, struct csm_err *err)
{
	char norm[320], msg[sizeof(err->msg)];
	int n;

	*out = NULL;
	*outlen = 0;
	n = csm_id_norm(kind, s, len, norm, sizeof(norm), err);
	if (n < 0) {
		memcpy(msg, err->msg, sizeof(msg));
		csm_err_set(err, CSM_EDATA, "%s: %s", field, msg);
		return -1;
	}
	if ((size_t)n == len && memcmp(norm, s, len) == 0) {
		*out = s;
	} else if ((*out = csm_arena_strndup(ar, norm, (size_t)n)) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return -1;
	}
	*outlen = (size_t)n;
	return 0;
}

static int
set_ident(struct csm_arena *ar, struct csm_item *it, int f, json_t *v,
    struct csm_err *err)
{
	const char *s;
	size_t len;

	if (set_text(ar, it, f, v, err) < 0)
		return -1;
	if (!it->v[f].set)
		return 0;
	if (norm_ident(ar, fdefs[f].idkind, fdefs[f].name, it->v[f].s,
	    it->v[f].len, &s, &len, err) < 0)
		return -1;
	it->v[f].s = s;
	it->v[f].len = (uint32_t)len;
	return add_ident(it, fdefs[f].idkind, s, len, err);
}

/*
 * "identities": {"phone": ["13812345678"], "email": [...]} as customer
 * records print them, so that one read back finds its customer.
 */
static int
set_idents(struct csm_arena *ar, struct csm_item *it, json_t *v,
    struct csm_err *err)
{
	const char *name, *s;
	json_t *vals, *e;
	size_t i, len;
	int kind;

	if (json_is_string(v)) {
		/* CSV: the object as JSON text. */
		json_t *o = json_loads(json_string_value(v), 0, NULL);
		int rc;

		if (o == NULL || !json_is_object(o)) {
			json_decref(o);
			return field_err(err, "identities", "expected an "
			    "object of identities by kind", v);
		}
		rc = set_idents(ar, it, o, err);
		json_decref(o);
		return rc;
	}
	if (!json_is_object(v))
		return field_err(err, "identities", "expected an object of "
		    "identities by kind", v);
	json_object_foreach(v, name, vals) {
		kind = csm_id_kind(name);
		if (kind < 0)
			return csm_err_set(err, CSM_EDATA, "identities: "
			    "unknown kind '%.40s'", name);
		if (json_is_string(vals)) {
			s = json_string_value(vals);
			if (norm_ident(ar, kind, "identities", s,
			    json_string_length(vals), &s, &len, err) < 0 ||
			    (s == json_string_value(vals) && (s =
			    csm_arena_strndup(ar, s, len)) == NULL) ||
			    add_ident(it, kind, s, len, err) < 0)
				return err->code ? -1 : nomem_(err);
			continue;
		}
		if (!json_is_array(vals))
			return field_err(err, "identities", "expected arrays "
			    "of identities", vals);
		json_array_foreach(vals, i, e) {
			if (!json_is_string(e))
				return field_err(err, "identities", "expected "
				    "strings", e);
			s = csm_arena_strndup(ar, json_string_value(e),
			    json_string_length(e));
			if (s == NULL)
				return nomem_(err);
			if (norm_ident(ar, kind, "identities", s,
			    json_string_length(e), &s, &len, err) < 0 ||
			    add_ident(it, kind, s, len, err) < 0)
				return -1;
		}
	}
	return 0;
}

/* The custom fields object, made on first use.  Borrowed, or NULL. */
static json_t *
attrs_of(json_t **attrs)
{
	if (*attrs == NULL)
		*attrs = json_object();
	return *attrs;
}

/*
 * "attrs": the custom fields as one value, as CSV and tables print them
 * (a JSON object's text) so that they never fill a built-in column.  Its
 * members become custom fields unless the record names them itself.
 */
static int
set_attrs(int kind, json_t *attrs, json_t *v, struct csm_err *err)
{
	json_t *o = v, *e;
	const char *k;

	if (attrs == NULL)
		return nomem_(err);
	if (json_is_null(v) || (json_is_string(v) &&
	    json_string_length(v) == 0))
		return 0;
	if (json_is_string(v))
		o = json_loads(json_string_value(v), 0, NULL);
	if (o == NULL || !json_is_object(o)) {
		if (o != v)
			json_decref(o);
		return field_err(err, "attrs", "expected an object of custom "
		    "fields", v);
	}
	json_object_foreach(o, k, e)
		if (csm_field_builtin(kind, k)) {
			if (o != v)
				json_decref(o);
			return csm_err_set(err, CSM_EDATA, "attrs: '%.40s' is a "
			    "built-in field, not a custom one", k);
		} else if (json_object_get(attrs, k) == NULL && !json_is_null(e))
			json_object_set(attrs, k, e);
	if (o != v)
		json_decref(o);
	return 0;
}

static int
set_ref(struct csm_item *it, int f, char prefix, json_t *v,
    struct csm_err *err)
{
	int64_t id = 0;

	if (json_is_integer(v))
		id = json_integer_value(v);
	else if (json_is_string(v))
		id = csm_ref_parse(prefix, json_string_value(v),
		    json_string_length(v));
	if (id <= 0) {
		char what[40];

		snprintf(what, sizeof(what), "expected an id like %c-000042",
		    prefix);
		return field_err(err, fdefs[f].name, what, v);
	}
	it->v[f].i = id;
	it->v[f].set = 1;
	return 0;
}

/* Two 64-bit FNV-style hashes of the record's canonical text. */
static void
content_key(struct csm_item *it, const json_t *obj, unsigned bit)
{
	json_t *copy = NULL, *v;
	const char *k;
	char *text;
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
	size_t i;
	int f;

	/* What the store computed ("op" of a record read back) is not
	 * content: leave it out, so the record's key is the one it had. */
	json_object_foreach((json_t *)(uintptr_t)obj, k, v) {
		f = csm_field_slot(k);
		if (f < 0 || !(fdefs[f].derived & bit))
			continue;
		if (copy == NULL && (copy = json_copy((json_t *)(uintptr_t)
		    obj)) == NULL)
			break;
		json_object_del(copy, k);
	}
	text = json_dumps(copy ? copy : obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);

	for (i = 0; text != NULL && text[i] != '\0'; i++) {
		a = (a ^ (unsigned char)text[i]) * 0x100000001b3ULL;
		b = (b ^ (unsigned char)text[i]) * 0x9E3779B97F4A7C15ULL;
		b ^= b >> 31;
	}
	free(text);
	snprintf(it->key, sizeof(it->key), "h:%016llx%016llx",
	    (unsigned long long)a, (unsigned long long)b);
}

/* The kind from --type or the record's "type". */
static int
kind_of(const struct csm_prep_opts *o, json_t *obj, struct csm_err *err)
{
	json_t *t = json_object_get(obj, "type");
	int k;

	if (t == NULL || json_is_null(t)) {
		if (o->kind > 0)
			return o->kind;
		return csm_err_set(err, CSM_EDATA, "type: missing (a "
		    "record says what it is, or use --type ticket)");
	}
	if (!json_is_string(t))
		return field_err(err, "type", "expected a string", t);
	k = csm_kind_parse(json_string_value(t));
	/* What csm-route prints for a notifier is no record of the
	 * store: read back, it is passed over. */
	if (k < 0 && strcmp(json_string_value(t), "notify") == 0)
		return 0;
	if (k < 0)
		return field_err(err, "type", "expected ticket, message, "
		    "event, customer, order or survey", t);
	if (o->kind > 0 && k != o->kind) {
		char esc[64];

		return csm_err_set(err, CSM_EDATA, "type: \"%s\" but "
		    "--type %s", csm_escape(json_string_value(t),
		    json_string_length(t), esc, sizeof(esc)),
		    csm_kind_name(o->kind));
	}
	return k;
}

static int
check_priority(struct csm_item *it, const json_t *obj, struct csm_err *err)
{
	static const struct {
		const char *in, *out;
	} map[] = {
		{"low", "low"}, {"normal", "normal"}, {"high", "high"},
		{"urgent", "urgent"}, {"medium", "normal"}, {"低", "low"},
		{"中", "normal"}, {"普通", "normal"}, {"高", "high"},
		{"紧急", "urgent"}, {"p1", "urgent"}, {"p2", "high"},
		{"p3", "normal"}, {"p4", "low"}, {"P1", "urgent"},
		{"P2", "high"}, {"P3", "normal"}, {"P4", "low"},
	};
	size_t i;
	struct csm_val *p = &it->v[F_PRIORITY];

	if (!p->set)
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(p->s, map[i].in) == 0) {
			p->s = map[i].out;
			p->len = (uint32_t)strlen(map[i].out);
			return 0;
		}
	return field_err(err, "priority", "expected low, normal, high or "
	    "urgent", json_object_get(obj, "priority"));
}

/* A channel name: lowercase letters, digits, '-' and '_'. */
static int
check_source(struct csm_item *it, const json_t *obj, struct csm_err *err)
{
	size_t i;
	const struct csm_val *v = &it->v[F_SOURCE];

	for (i = 0; i < v->len; i++) {
		char c = v->s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.'))
			return field_err(err, "source", "expected a channel "
			    "name such as email, wechat or web",
			    json_object_get(obj, "source"));
	}
	if (v->len > 64)
		return field_err(err, "source", "longer than 64 bytes", NULL);
	return 0;
}

/* Kind-specific rules once every field is in its slot. */
static int
check_kind(const struct csm_prep_opts *o, struct csm_item *it,
    const json_t *obj, json_t *attrs, struct csm_arena *ar,
    struct csm_err *err)
{
	struct csm_val *v = it->v;
	const char *ttype = v[F_TICKET_TYPE].set ? v[F_TICKET_TYPE].s : NULL;

	if (!v[F_SOURCE].set && o->source != NULL &&
	    (it->kind == CSM_KIND_TICKET || it->kind == CSM_KIND_MESSAGE ||
	    it->kind == CSM_KIND_EVENT || it->kind == CSM_KIND_SURVEY)) {
		v[F_SOURCE].s = o->source;
		v[F_SOURCE].len = (uint32_t)strlen(o->source);
		v[F_SOURCE].set = 1;
	}
	if (v[F_SOURCE].set && check_source(it, obj, err) < 0)
		return -1;
	if (check_priority(it, obj, err) < 0)
		return -1;
	switch (it->kind) {
	case CSM_KIND_TICKET:
		if (!v[F_SOURCE].set && !v[F_ID].set)
			return field_err(err, "source", "missing (the channel "
			    "it came from; or use --source)", NULL);
		break;
	case CSM_KIND_MESSAGE:
	case CSM_KIND_EVENT:
	case CSM_KIND_SURVEY:
		if (!v[F_TICKET].set && !(v[F_SOURCE].set &&
		    v[F_THREAD_ID].set))
			return field_err(err, "ticket", "missing (give "
			    "'ticket', or 'source' and 'thread_id')", NULL);
		if (it->kind == CSM_KIND_MESSAGE) {
			if (!v[F_DIRECTION].set)
				return field_err(err, "direction", "missing "
				    "(in or out)", NULL);
			if (strcmp(v[F_DIRECTION].s, "in") != 0 &&
			    strcmp(v[F_DIRECTION].s, "out") != 0)
				return field_err(err, "direction", "expected "
				    "in or out", json_object_get(obj,
				    "direction"));
		}
		if (it->kind == CSM_KIND_EVENT && !v[F_ACTION].set)
			return field_err(err, "action", "missing", NULL);
		if (it->kind == CSM_KIND_SURVEY) {
			int nps;

			if (!v[F_KIND].set)
				return field_err(err, "kind", "missing (csat "
				    "or nps)", NULL);
			if (strcmp(v[F_KIND].s, "csat") != 0 &&
			    strcmp(v[F_KIND].s, "nps") != 0)
				return field_err(err, "kind", "expected csat or "
				    "nps", json_object_get(obj, "kind"));
			if (!v[F_SCORE].set)
				return field_err(err, "score", "missing", NULL);
			nps = v[F_KIND].s[0] == 'n';
			if (v[F_SCORE].i < (nps ? 0 : 1) ||
			    v[F_SCORE].i > (nps ? 10 : 5))
				return field_err(err, "score", nps ?
				    "expected 0 to 10 for nps" :
				    "expected 1 to 5 for csat",
				    json_object_get(obj, "score"));
		}
		break;
	case CSM_KIND_CUSTOMER:
		if (it->nids == 0 && !v[F_ID].set)
			return field_err(err, "phone", "missing: a customer "
			    "needs an identity (phone, email, wechat, wecom, "
			    "dingtalk, weibo or crm_id) or an id", NULL);
		break;
	case CSM_KIND_ORDER:
		if (!v[F_ORDER_NO].set)
			return field_err(err, "order_no", "missing", NULL);
		break;
	}
	if (csm_model_check_fields(o->model, it->kind, ttype, attrs,
	    err) < 0)
		return -1;
	/* Required fields bind only records that create something, which
	 * only the store can tell: note it for apply. */
	if (csm_model_check_required(o->model, it->kind, ttype, attrs,
	    err) < 0) {
		it->missing = csm_arena_strndup(ar, err->msg, strlen(err->msg));
		csm_err_clear(err);
		if (it->missing == NULL)
			return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	return 0;
}

/*
 * Prepares a record (see model.h).  Returns 0, or -1 with err naming the
 * field.
 */
int
csm_prep(const struct csm_prep_opts *o, json_t *obj, struct csm_arena *ar,
    struct csm_item *it, struct csm_err *err)
{
	const char *key;
	json_t *v, *attrs = NULL;
	void *iter;
	int f, rc = 0, k;
	unsigned bit;

	memset(it, 0, sizeof(*it));
	k = kind_of(o, obj, err);
	if (k < 0)
		return -1;
	if (k == 0)
		return 1;	/* a notify record: nothing to store */
	it->kind = k;
	bit = 1u << k;
	/* "stage" is read as "status" (a workflow stage is one). */
	if ((k == CSM_KIND_TICKET || k == CSM_KIND_EVENT) &&
	    json_object_get(obj, "status") == NULL &&
	    (v = json_object_get(obj, "stage")) != NULL)
		json_object_set(obj, "status", v);
	for (iter = json_object_iter(obj); iter != NULL && rc == 0;
	    iter = json_object_iter_next(obj, iter)) {
		key = json_object_iter_key(iter);
		v = json_object_iter_value(iter);
		if (strcmp(key, "type") == 0 || strcmp(key, "stage") == 0)
			continue;
		f = csm_field_slot(key);
		if (f >= 0 && (fdefs[f].derived & bit))
			continue;	/* computed by the store: read back */
		if (f == F_ATTRS) {
			rc = set_attrs(k, attrs_of(&attrs), v, err);
			continue;
		}
		if (f < 0 || !(fdefs[f].kinds & bit)) {
			if (attrs_of(&attrs) == NULL)
				return csm_err_set(err, CSM_EINTERNAL,
				    "out of memory");
			/* An explicit field wins over "attrs". */
			if (!json_is_null(v))
				json_object_set(attrs, key, v);
			continue;
		}
		if (json_is_null(v))
			continue;
		switch (fdefs[f].type) {
		case FV_DERIVED:
			break;
		case FV_TEXT:
			rc = set_text(ar, it, f, v, err);
			break;
		case FV_TIME:
			rc = set_time(o, it, f, v, err);
			break;
		case FV_BOOL:
			rc = set_bool(it, f, v, err);
			break;
		case FV_INT:
			rc = set_int(it, f, v, err);
			break;
		case FV_TAGS:
			rc = set_tags(ar, it, v, err);
			break;
		case FV_IDENT:
			rc = set_ident(ar, it, f, v, err);
			break;
		case FV_REF_T:
			rc = set_ref(it, f, 'T', v, err);
			break;
		case FV_REF_C:
			rc = set_ref(it, f, 'C', v, err);
			break;
		case FV_IDENTS:
			rc = set_idents(ar, it, v, err);
			break;
		case FV_SELF:
			rc = set_ref(it, f, self_prefix[k], v, err);
			break;
		}
	}
	if (rc == 0)
		rc = check_kind(o, it, obj, attrs, ar, err);
	if (rc == 0 && attrs != NULL && json_object_size(attrs) > 0 &&
	    (it->attrs = json_text(ar, attrs)) == NULL)
		rc = csm_err_set(err, CSM_EINTERNAL, "out of memory");
	json_decref(attrs);
	if (rc < 0)
		return -1;
	if (!it->v[F_SOURCE_ID].set && !it->v[F_ID].set)
		content_key(it, obj, bit);
	return 0;
}
