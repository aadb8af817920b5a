/*
 * action.c - the actions of a rule's "then =" (csm.conf(5)): parsing each
 * item of the list once, and doing it on a ticket through the ticket API.
 *
 *	FIELD = VALUE		set a ticket field or a custom field; VALUE
 *				is a literal (csm_value_parse)
 *	tags += TAG, tags -= TAG
 *	assign			by the group's strategy (assign.c)
 *	note TEXT		an internal note
 *	reply TEXT		an automatic reply, never a response
 *	task GROUP TEXT		a task ticket for GROUP, linked both ways
 *	notify [CHANNEL] TEXT	a record on the output for a notifier
 *	escalate [GROUP]	priority one step up, and the group
 *
 * TEXT is a quoted string (or one word); "{name}" in it is the ticket's
 * field, customer.name or message.body, as when = sees them.
 */
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static const char *const priorities[] = {"low", "normal", "high", "urgent"};

/* Fields a rule may not set: the ticket's identity and what the store
 * keeps by itself. */
static int
fixed(const char *f)
{
	static const char *const names[] = {
		"id", "customer", "source", "source_id", "created_at",
		"updated_at", "first_response_at", "resolved_at", "closed_at",
		"type", "tags", "identities"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(f, names[i]) == 0)
			return 1;
	return csm_field_slot(f) >= 0 && !csm_field_builtin(CSM_KIND_TICKET, f);
}

void
action_free(struct action *a)
{
	free(a->field);
	json_decref(a->value);
	free(a->arg);
	free(a->text);
	free(a->src);
	memset(a, 0, sizeof(*a));
}

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * The next argument at *s: a quoted string (with the escapes of the
 * expression language) or a run of non-blanks.  New text, or NULL with
 * err; *s moves past it.
 */
static char *
next_arg(const char **s, const struct csm_model *m, struct csm_err *err)
{
	const char *p = skip_space(*s), *e = p;
	char *word, *out = NULL;
	json_t *v;

	if (*p == '"' || *p == '\'') {
		for (e = p + 1; *e != '\0' && *e != *p; e++)
			if (*e == '\\' && e[1] != '\0')
				e++;
		if (*e != *p) {
			csm_err_set(err, CSM_EDATA, "unterminated string");
			return NULL;
		}
		e++;
	} else
		while (*e != '\0' && *e != ' ' && *e != '\t')
			e++;
	if (e == p) {
		csm_err_set(err, CSM_EDATA, "expected a word or a quoted "
		    "string");
		return NULL;
	}
	if ((word = strndup(p, (size_t)(e - p))) == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	if (*p == '"' || *p == '\'') {
		v = csm_value_parse(word, csm_model_tz(m), err);
		if (json_is_string(v))
			out = strdup(json_string_value(v));
		else if (v != NULL)
			csm_err_set(err, CSM_EDATA, "expected a string");
		json_decref(v);
		free(word);
		word = out;
		if (word == NULL && err != NULL && err->code == CSM_OK)
			csm_err_set(err, CSM_EINTERNAL, "out of memory");
	}
	*s = e;
	return word;
}

/* The rest of the text must be empty. */
static int
at_end(const char *s, struct csm_err *err)
{
	if (*skip_space(s) != '\0')
		return csm_err_set(err, CSM_EDATA, "unexpected '%.40s' (quote "
		    "text with spaces)", skip_space(s));
	return 0;
}

/* "FIELD = VALUE", "tags += TAG", "tags -= TAG". */
static int
parse_set(const char *src, const char *op, const struct csm_model *m,
    struct action *a, struct csm_err *err)
{
	size_t flen = (size_t)(op - src);
	int plus = op[0] == '+', minus = op[0] == '-';

	while (flen > 0 && (src[flen - 1] == ' ' || src[flen - 1] == '\t'))
		flen--;
	if (flen == 0)
		return csm_err_set(err, CSM_EDATA, "expected a field before "
		    "'%s'", plus ? "+=" : minus ? "-=" : "=");
	if ((a->field = strndup(src, flen)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	a->value = csm_value_parse(skip_space(op + (plus || minus ? 2 : 1)),
	    csm_model_tz(m), err);
	if (a->value == NULL)
		return -1;
	if (plus || minus) {
		if (strcmp(a->field, "tags") != 0)
			return csm_err_set(err, CSM_EDATA, "'%s' only adds to "
			    "and takes from tags", plus ? "+=" : "-=");
		if (!json_is_string(a->value) ||
		    json_string_length(a->value) == 0)
			return csm_err_set(err, CSM_EDATA, "expected a tag");
		a->kind = plus ? A_TAG_ADD : A_TAG_DEL;
		return 0;
	}
	if (strcmp(a->field, "tags") == 0)
		return csm_err_set(err, CSM_EDATA, "tags change one at a "
		    "time: tags += TAG, tags -= TAG");
	if (fixed(a->field))
		return csm_err_set(err, CSM_EDATA, "'%s' cannot be set by a "
		    "rule", a->field);
	if (strcmp(a->field, "priority") == 0 && json_is_string(a->value)) {
		size_t i;

		for (i = 0; i < 4; i++)
			if (strcmp(json_string_value(a->value),
			    priorities[i]) == 0)
				break;
		if (i == 4)
			return csm_err_set(err, CSM_EDATA, "priority: expected "
			    "low, normal, high or urgent");
	}
	a->kind = A_SET;
	return 0;
}

/* The first '=' (or '+=', '-=') outside quotes, or NULL. */
static const char *
find_op(const char *s)
{
	char q = 0;

	for (; *s != '\0'; s++) {
		if (q != 0) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == q)
				q = 0;
		} else if (*s == '"' || *s == '\'')
			q = *s;
		else if ((*s == '+' || *s == '-') && s[1] == '=')
			return s;
		else if (*s == '=')
			return s;
	}
	return NULL;
}

/*
 * Parses one action (see the top of this file) into a.  Returns 0, or -1
 * with err (CSM_EDATA: what is wrong with it); a->src is set either way
 * when memory allows.
 */
int
action_parse(const char *src, const struct csm_model *m, struct action *a,
    struct csm_err *err)
{
	static const struct {
		const char	*word;
		int		 kind, args;	/* args: 1 group, 2 text, 4
						 * optional first */
	} words[] = {
		{"assign", A_ASSIGN, 0}, {"note", A_NOTE, 2},
		{"reply", A_REPLY, 2}, {"task", A_TASK, 3},
		{"notify", A_NOTIFY, 2 | 4}, {"escalate", A_ESCALATE, 1 | 4},
	};
	const char *op, *s;
	size_t i, wlen;

	memset(a, 0, sizeof(*a));
	csm_err_clear(err);
	if ((a->src = strdup(src)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if ((op = find_op(src)) != NULL)
		return parse_set(src, op, m, a, err);
	wlen = strcspn(src, " \t");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == wlen &&
		    strncmp(src, words[i].word, wlen) == 0)
			break;
	if (i == sizeof(words) / sizeof(words[0]))
		return csm_err_set(err, CSM_EDATA, "unknown action (expected "
		    "FIELD = VALUE, tags += TAG, tags -= TAG, assign, note, "
		    "reply, task, notify or escalate)");
	a->kind = words[i].kind;
	s = src + wlen;
	if (words[i].args == 0)
		return at_end(s, err);
	if (words[i].args & 4) {
		/* notify "text" | notify CHANNEL "text"; escalate [GROUP] */
		if (*skip_space(s) == '\0') {
			if (a->kind == A_NOTIFY)
				return csm_err_set(err, CSM_EDATA, "expected "
				    "the text to send");
			return 0;
		}
		if ((a->arg = next_arg(&s, m, err)) == NULL)
			return -1;
		if (a->kind == A_ESCALATE)
			return at_end(s, err);
		if (*skip_space(s) == '\0') {
			a->text = a->arg;
			a->arg = NULL;
			return 0;
		}
	} else if (words[i].args & 1) {
		if ((a->arg = next_arg(&s, m, err)) == NULL)
			return -1;
	}
	if (*skip_space(s) == '\0')
		return csm_err_set(err, CSM_EDATA, "expected the text (in "
		    "quotes if it has spaces)");
	if ((a->text = next_arg(&s, m, err)) == NULL)
		return -1;
	return at_end(s, err);
}

/* Doing them. */

/* A value as template text: strings as they are, numbers and the rest as
 * JSON, missing as nothing. */
static int
add_value(struct csm_buf *b, const json_t *v)
{
	char *text;
	int rc;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return csm_buf_add(b, json_string_value(v),
		    json_string_length(v));
	if ((text = csm_json_text(v)) == NULL)
		return -1;
	rc = csm_buf_add(b, text, strlen(text));
	free(text);
	return rc;
}

/* The value of a template's {name} for ticket t in this run. */
static const json_t *
template_value(struct rules_ctx *c, struct csm_ticket *t, const char *name)
{
	const json_t *rec;

	if (c->run->extra != NULL) {
		if (strncmp(name, "message.", 8) == 0)
			return json_object_get(c->run->extra, name + 8);
		if (strncmp(name, "survey.", 7) == 0)
			return json_object_get(c->run->extra, name + 7);
	}
	if (strncmp(name, "customer.", 9) == 0)
		return csm_ticket_lookup(t, name);
	rec = csm_ticket_record(c->d, t, NULL);
	return rec ? json_object_get(rec, name) : NULL;
}

/* TEXT with its {name}s filled in ("{{" is a brace).  New, or NULL. */
static char *
render(struct rules_ctx *c, struct csm_ticket *t, const char *text)
{
	struct csm_buf b = {0};
	const char *p, *close;
	char name[128];
	int bad = 0;

	for (p = text; *p != '\0' && !bad; p++) {
		if (*p == '{' && p[1] == '{') {
			bad = csm_buf_addc(&b, '{') < 0;
			p++;
		} else if (*p == '{' && (close = strchr(p, '}')) != NULL &&
		    (size_t)(close - p - 1) < sizeof(name)) {
			memcpy(name, p + 1, (size_t)(close - p - 1));
			name[close - p - 1] = '\0';
			bad = add_value(&b, template_value(c, t, name)) < 0;
			p = close;
		} else
			bad = csm_buf_addc(&b, *p) < 0;
	}
	if (bad || csm_buf_addc(&b, '\0') < 0) {
		csm_buf_free(&b);
		return NULL;
	}
	return b.p;
}

/* The key of what a rule makes on t: its firing's key and the action's
 * place, so stable across reruns (a rule fires once for each change) and
 * new at each firing. */
static void
made_key(struct rules_ctx *c, struct csm_ticket *t, const struct action *a,
    char *buf, size_t n)
{
	char ref[24];

	if (c->firing != NULL) {
		snprintf(buf, n, "%s:%ld", c->firing, (long)(a -
		    c->rule->acts));
		return;
	}
	csm_ref_format('T', csm_ticket_id(t), ref);
	snprintf(buf, n, "rule:%s:%s:%s:%ld", c->rule ? c->rule->name : "",
	    ref, c->run->key ? c->run->key : "-", (long)(a - (c->rule ?
	    c->rule->acts : a)));
}

/* Gives the output hook a record. */
static void
put(struct rules_ctx *c, const json_t *rec)
{
	if (rec != NULL && c->h != NULL && c->h->record != NULL)
		c->h->record(c->h->arg, rec);
}

/* A note or an automatic reply. */
static int
do_message(struct rules_ctx *c, struct csm_ticket *t, const struct action *a,
    struct csm_err *err)
{
	json_t *msg, *rec = NULL;
	char key[512], *body;
	int64_t mid = 0;
	int rc;

	if ((body = render(c, t, a->text)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	made_key(c, t, a, key, sizeof(key));
	msg = json_pack("{sssssssbsbss}", "source_id", key, "direction",
	    "out", "body", body, "public", a->kind == A_REPLY, "auto", 1,
	    "author", c->who.by ? c->who.by : c->d->by);
	free(body);
	if (msg == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	rc = csm_ticket_add_message(c->d, t, msg, &c->who, &mid, err);
	json_decref(msg);
	if (rc > 0 && desk_message_record(c->d, mid, &rec, err) == 0) {
		put(c, rec);
		json_decref(rec);
	}
	return rc;
}

/* A task ticket for another group, linked both ways. */
static int
do_task(struct rules_ctx *c, struct csm_ticket *t, const struct action *a,
    struct csm_err *err)
{
	struct csm_ticket *task = NULL;
	const json_t *rec = csm_ticket_record(c->d, t, err);
	json_t *nt;
	char key[512], ref[24], *subject;
	int rc, done;

	if (rec == NULL || (subject = render(c, t, a->text)) == NULL)
		return rec == NULL ? -1 : csm_err_set(err, CSM_EINTERNAL,
		    "out of memory");
	made_key(c, t, a, key, sizeof(key));
	csm_ref_format('T', csm_ticket_id(t), ref);
	nt = json_pack("{ssssssss}", "source", "csm-route", "source_id", key,
	    "subject", subject, "group", a->arg);
	free(subject);
	if (nt == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if (json_object_get(rec, "customer") != NULL)
		json_object_set(nt, "customer", json_object_get(rec,
		    "customer"));
	if (json_object_get(rec, "priority") != NULL)
		json_object_set(nt, "priority", json_object_get(rec,
		    "priority"));
	json_object_set_new(nt, "body", json_sprintf("A task from %s, made by "
	    "rule %s.", ref, c->rule ? c->rule->name : "?"));
	rc = csm_ticket_create(c->d, nt, &c->who, &task, err);
	json_decref(nt);
	if (rc < 0)
		return -1;
	if (csm_ticket_link(c->d, t, csm_ticket_id(task), "task", "task_of",
	    &c->who, err) < 0) {
		csm_ticket_free(task);
		return -1;
	}
	/* The task is its group's to assign. */
	if (assign_ticket(c, task, &done, err) < 0) {
		csm_ticket_free(task);
		return -1;
	}
	if (rc > 0) {
		json_t *out = json_deep_copy(csm_ticket_record(c->d, task,
		    err));

		if (out != NULL) {
			json_object_set_new(out, "type", json_string("ticket"));
			json_object_set_new(out, "op", json_string("created"));
			put(c, out);
			json_decref(out);
		}
	}
	csm_ticket_free(task);
	return 1;
}

/* A notify record for a notifier downstream. */
static int
do_notify(struct rules_ctx *c, struct csm_ticket *t, const struct action *a,
    struct csm_err *err)
{
	const json_t *rec = csm_ticket_record(c->d, t, err);
	json_t *n;
	char *text, ref[24], when[40];

	if (rec == NULL)
		return -1;
	if ((text = render(c, t, a->text)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	csm_ref_format('T', csm_ticket_id(t), ref);
	csm_time_format(c->who.at > 0 ? c->who.at : c->d->now,
	    csm_model_tz(c->d->model), when);
	/* In this order: type, rule, ticket, customer, channel, text, at. */
	if ((n = json_object()) != NULL) {
		json_object_set_new(n, "type", json_string("notify"));
		json_object_set_new(n, "rule", json_string(c->rule ?
		    c->rule->name : ""));
		json_object_set_new(n, "ticket", json_string(ref));
		if (json_object_get(rec, "customer") != NULL)
			json_object_set(n, "customer", json_object_get(rec,
			    "customer"));
		if (a->arg != NULL)
			json_object_set_new(n, "channel", json_string(a->arg));
		json_object_set_new(n, "text", json_string(text));
		json_object_set_new(n, "at", json_string(when));
		put(c, n);
	}
	json_decref(n);
	free(text);
	return n == NULL ? csm_err_set(err, CSM_EINTERNAL, "out of memory") :
	    0;
}

/* Priority one step up (urgent stays), and the group if given. */
static int
do_escalate(struct rules_ctx *c, struct csm_ticket *t,
    const struct action *a, struct csm_err *err)
{
	const json_t *rec = csm_ticket_record(c->d, t, err);
	const char *p;
	json_t *ch;
	size_t i;
	int rc;

	if (rec == NULL)
		return -1;
	p = json_string_value(json_object_get(rec, "priority"));
	for (i = 0; i < 3 && p != NULL; i++)
		if (strcmp(p, priorities[i]) == 0)
			break;
	ch = json_object();
	if (ch == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	if (p != NULL && i < 3)
		json_object_set_new(ch, "priority", json_string(priorities[i +
		    1]));
	if (a->arg != NULL)
		json_object_set_new(ch, "group", json_string(a->arg));
	rc = json_object_size(ch) > 0 ? csm_ticket_change(c->d, t, ch,
	    &c->who, err) : 0;
	json_decref(ch);
	return rc;
}

/*
 * Does action a on t as c->who.  Returns 1 if it changed the ticket (or
 * made a record), 0 if not, -1 with err (CSM_EDATA: refused).
 */
int
action_do(struct rules_ctx *c, struct csm_ticket *t, const struct action *a,
    struct csm_err *err)
{
	int done = 0;

	switch (a->kind) {
	case A_SET:
		return csm_ticket_set(c->d, t, a->field, a->value, &c->who,
		    err);
	case A_TAG_ADD:
	case A_TAG_DEL:
		return csm_ticket_tag(c->d, t, json_string_value(a->value),
		    a->kind == A_TAG_ADD, &c->who, err);
	case A_ASSIGN:
		if (assign_ticket(c, t, &done, err) < 0)
			return -1;
		return done;
	case A_NOTE:
	case A_REPLY:
		return do_message(c, t, a, err);
	case A_TASK:
		return do_task(c, t, a, err);
	case A_NOTIFY:
		return do_notify(c, t, a, err);
	case A_ESCALATE:
		return do_escalate(c, t, a, err);
	}
	return csm_err_set(err, CSM_EINTERNAL, "unknown action");
}
