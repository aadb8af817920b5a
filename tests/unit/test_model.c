/*
 * test_model.c - the form and process engine (lib/form.c): record kinds,
 * the default status machine, workflows, the reopen window and custom
 * field declarations.
 */
#include <string.h>

#include "csm.h"
#include "csm_test.h"

static struct csm_model *
model(const char *text, struct csm_err *err)
{
	struct csm_conf *c;
	struct csm_model *m;

	csm_err_clear(err);
	c = csm_conf_parse(text, strlen(text), "test.conf", err);
	if (c == NULL)
		return NULL;
	m = csm_model_new(c, err);
	csm_conf_free(c);
	return m;
}

/* A move from status "from" (no workflow) to "to"; returns the result. */
static int
move(const struct csm_model *m, const char *from, const char *to)
{
	struct csm_ticket_state cur = {NULL, from, NULL, 0};
	const char *st, *sg;

	return csm_model_move(m, &cur, NULL, to, 0, &st, &sg, NULL);
}

static void
test_kinds(void)
{
	CHECK_INT(csm_kind_parse("ticket"), CSM_KIND_TICKET);
	CHECK_INT(csm_kind_parse("tickets"), CSM_KIND_TICKET);
	CHECK_INT(csm_kind_parse("survey"), CSM_KIND_SURVEY);
	CHECK_INT(csm_kind_parse("asset"), CSM_KIND_ORDER);
	CHECK_INT(csm_kind_parse("ticketss"), -1);
	CHECK_INT(csm_kind_parse(""), -1);
	CHECK_STR(csm_kind_name(CSM_KIND_EVENT), "event");
	CHECK_INT(csm_status_parse("on_hold"), CSM_ST_ON_HOLD);
	CHECK_INT(csm_status_parse("solved"), CSM_ST_RESOLVED);
	CHECK_INT(csm_status_parse("Open"), -1);
	CHECK_STR(csm_status_name(CSM_ST_CLOSED), "closed");
	CHECK(csm_status_name(CSM_NSTATUS) == NULL);
}

static void
test_default_machine(void)
{
	static const char *const all[] = {
		"new", "open", "pending", "on_hold", "resolved", "closed"
	};
	/* allowed[from] lists the targets; everything else is refused. */
	static const char *const allowed[] = {
		"open pending on_hold resolved", "pending on_hold resolved",
		"open on_hold resolved", "open pending resolved",
		"open closed", "open"
	};
	struct csm_err err;
	struct csm_model *m = model("", &err);
	const char *st, *sg;
	size_t i, j;

	CHECK(m != NULL);
	for (i = 0; i < 6; i++)
		for (j = 0; j < 6; j++) {
			char list[64], word[16];
			int want;

			snprintf(list, sizeof(list), " %s ", allowed[i]);
			snprintf(word, sizeof(word), " %s ", all[j]);
			want = i == j ? 0 : strstr(list, word) ? 1 : -1;
			if (move(m, all[i], all[j]) != want)
				fprintf(stderr, "  %s -> %s\n", all[i], all[j]);
			CHECK_INT(move(m, all[i], all[j]), want);
		}
	/* The refusal says why. */
	csm_err_clear(&err);
	{
		struct csm_ticket_state cur = {NULL, "new", NULL, 0};

		CHECK_INT(csm_model_move(m, &cur, NULL, "closed", 0, &st, &sg,
		    &err), -1);
		CHECK_STR(err.msg, "cannot go from 'new' to 'closed'");
		CHECK_INT(csm_model_move(m, &cur, NULL, "done", 0, &st, &sg,
		    &err), -1);
		CHECK(strstr(err.msg, "unknown status 'done'") != NULL);
	}
	/* A new ticket starts as new, or as the status it names. */
	CHECK_INT(csm_model_move(m, NULL, NULL, NULL, 0, &st, &sg, NULL), 1);
	CHECK_STR(st, "new");
	CHECK(sg == NULL);
	CHECK_INT(csm_model_move(m, NULL, NULL, "closed", 0, &st, &sg, NULL),
	    1);
	CHECK_STR(st, "closed");
	csm_model_free(m);
}

static void
test_reopen_window(void)
{
	struct csm_err err;
	struct csm_model *m = model("[core]\n\treopen_window = 2d\n", &err);
	struct csm_ticket_state cur = {NULL, "closed", NULL, 1000000};
	const char *st, *sg;

	CHECK(m != NULL);
	CHECK_INT(csm_model_reopen(m, &cur, 1000000 + 86400, &st, &sg, &err),
	    1);
	CHECK_STR(st, "open");
	CHECK_INT(csm_model_reopen(m, &cur, 1000000 + 3 * 86400, &st, &sg,
	    &err), -1);
	CHECK(strstr(err.msg, "longer ago than the reopen window") != NULL);
	/* Only resolved and closed tickets reopen. */
	cur.status = "pending";
	CHECK_INT(csm_model_reopen(m, &cur, 1000000, &st, &sg, &err), -1);
	CHECK_STR(err.msg, "only a resolved or closed ticket can be reopened, "
	    "not one in 'pending'");
	/* Resolved tickets reopen whatever the time. */
	cur.status = "resolved";
	CHECK_INT(csm_model_reopen(m, &cur, 1000000 + 300 * 86400, &st, &sg,
	    &err), 1);
	csm_model_free(m);
	m = model("[core]\n\treopen_window = soon\n", &err);
	CHECK(m == NULL);
	CHECK_INT(err.code, CSM_ECONFIG);
	CHECK(strstr(err.msg, "test.conf:2:") != NULL);
}

static const char repair[] =
    "[workflow \"repair\"]\n"
    "\tstatus = 受理 new\n"
    "\tstatus = 派工 open\n"
    "\tstatus = 上门 open\n"
    "\tstatus = 维修 on_hold\n"
    "\tstatus = 回访 resolved\n"
    "\tstatus = 完成 closed\n"
    "\ttransition = 受理 -> 派工 -> 上门 -> 维修 -> 回访 -> 完成\n"
    "\ttransition = 回访 -> 维修\n"
    "\treopen = 维修\n";

static void
test_workflow(void)
{
	struct csm_err err;
	struct csm_model *m = model(repair, &err);
	struct csm_ticket_state cur = {"repair", "new", "受理", 0};
	const char *st, *sg;

	CHECK(m != NULL);
	/* The first stage is where a new ticket starts. */
	CHECK_INT(csm_model_move(m, NULL, "repair", NULL, 0, &st, &sg, &err),
	    1);
	CHECK_STR(sg, "受理");
	CHECK_STR(st, "new");
	CHECK_INT(csm_model_move(m, &cur, "repair", "派工", 0, &st, &sg, &err),
	    1);
	CHECK_STR(sg, "派工");
	CHECK_STR(st, "open");
	CHECK_INT(csm_model_move(m, &cur, "repair", "维修", 0, &st, &sg, &err),
	    -1);
	CHECK_STR(err.msg, "cannot go from stage '受理' to '维修' in "
	    "workflow 'repair'");
	/* A default status means the one stage it can be from here. */
	cur.stage = "上门";
	cur.status = "open";
	CHECK_INT(csm_model_move(m, &cur, "repair", "on_hold", 0, &st, &sg,
	    &err), 1);
	CHECK_STR(sg, "维修");
	CHECK_INT(csm_model_move(m, &cur, "repair", "resolved", 0, &st, &sg,
	    &err), -1);
	CHECK_INT(csm_model_move(m, &cur, "repair", "上门", 0, &st, &sg, &err),
	    0);
	/* Reopening goes to the declared stage. */
	cur.stage = "回访";
	cur.status = "resolved";
	CHECK_INT(csm_model_reopen(m, &cur, 0, &st, &sg, &err), 1);
	CHECK_STR(sg, "维修");
	CHECK_STR(st, "on_hold");
	/* Other ticket types keep the default machine. */
	CHECK_INT(csm_model_move(m, NULL, "install", "open", 0, &st, &sg,
	    &err), 1);
	CHECK(sg == NULL);
	csm_model_free(m);

	/* Two stages counting as open make "open" ambiguous from a. */
	m = model("[workflow \"x\"]\n\tstatus = a new\n\tstatus = b open\n"
	    "\tstatus = c open\n\ttransition = a -> b\n\ttransition = a -> c\n",
	    &err);
	CHECK(m != NULL);
	cur.type = "x";
	cur.stage = "a";
	cur.status = "new";
	CHECK_INT(csm_model_move(m, &cur, "x", "open", 0, &st, &sg, &err), -1);
	CHECK(strstr(err.msg, "ambiguous") != NULL);
	csm_model_free(m);
}

static void
test_workflow_errors(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"[workflow]\n\tstatus = a new\n",
		    "test.conf:1:2: [workflow] needs the ticket type"},
		{"[workflow \"r\"]\n\tstatus = a\n",
		    "test.conf:2:11: expected a stage and the default status"},
		{"[workflow \"r\"]\n\tstatus = a later\n",
		    "test.conf:2:11: unknown default status 'later'"},
		{"[workflow \"r\"]\n\tstatus = a new\n\ttransition = a -> z\n",
		    "test.conf:3:15: unknown stage 'z'"},
		{"[workflow \"r\"]\n\tstatus = a new\n\ttransition = a\n",
		    "test.conf:3:15: expected 'a -> b'"},
		{"[workflow \"r\"]\n\tstatus = a new\n\tstatus = a open\n",
		    "test.conf:3:11: stage declared twice"},
		{"[workflow \"r\"]\n\tcolour = red\n",
		    "test.conf:2:11: unknown key 'colour' in [workflow]"},
	};
	struct csm_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct csm_model *m = model(bad[i].text, &err);

		CHECK(m == NULL);
		CHECK_INT(err.code, CSM_ECONFIG);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fprintf(stderr, "  got %s\n", err.msg);
		CHECK(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0);
		csm_model_free(m);
	}
}

static const char fields[] =
    "[field \"serial_no\"]\n"
    "\ttype = string\n"
    "\trequired = yes\n"
    "\tpattern = ^SN-[0-9]+$\n"
    "\ttypes = repair, install\n"
    "[field \"qty\"]\n"
    "\ttype = int\n"
    "[field \"weight\"]\n"
    "\ttype = number\n"
    "[field \"paid\"]\n"
    "\ttype = bool\n"
    "[field \"due\"]\n"
    "\ttype = date\n"
    "[field \"seen\"]\n"
    "\ttype = time\n"
    "[field \"colour\"]\n"
    "\tvalues = 红, \"绿\", blue\n"
    "[field \"city\"]\n"
    "\trecord = customer\n"
    "\trequired = true\n"
    "[core]\n"
    "\ttimezone = Asia/Shanghai\n";

/* Whether the required fields are in the JSON text. */
static int
required(const struct csm_model *m, int kind, const char *ttype,
    const char *json, struct csm_err *err)
{
	json_t *o = json_loads(json, 0, NULL);
	int rc;

	csm_err_clear(err);
	rc = csm_model_check_required(m, kind, ttype, o, err);
	json_decref(o);
	return rc;
}

/* Checks the custom fields in JSON text; returns the result and, on
 * success, the normalized JSON in out. */
static int
check(const struct csm_model *m, int kind, const char *ttype,
    const char *json, char *out, size_t n, struct csm_err *err)
{
	json_t *o = json_loads(json, 0, NULL);
	int rc;
	char *text;

	csm_err_clear(err);
	rc = csm_model_check_fields(m, kind, ttype, o, err);
	text = json_dumps(o, JSON_COMPACT);
	snprintf(out, n, "%s", text ? text : "");
	free(text);
	json_decref(o);
	return rc;
}

static void
test_fields(void)
{
	struct csm_err err;
	struct csm_model *m = model(fields, &err);
	char out[512];

	CHECK(m != NULL);
	if (m == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	/* Values are normalized to their declared types. */
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"qty\":\"12\","
	    "\"weight\":\"1.5\",\"paid\":\"yes\",\"seen\":\"2026-11-20 09:30\","
	    "\"due\":\"2026-12-01\",\"colour\":\"绿\",\"other\":[1]}", out,
	    sizeof(out), &err), 0);
	CHECK_STR(out, "{\"qty\":12,\"weight\":1.5,\"paid\":true,"
	    "\"seen\":\"2026-11-20T09:30:00+08:00\",\"due\":\"2026-12-01\","
	    "\"colour\":\"绿\",\"other\":[1]}");
	/* Required only for the listed ticket types, and checked apart:
	 * it binds only records that create something. */
	CHECK_INT(required(m, CSM_KIND_TICKET, NULL, "{}", &err), 0);
	CHECK_INT(required(m, CSM_KIND_TICKET, "repair", "{}", &err), -1);
	CHECK_STR(err.msg, "serial_no: required for ticket type 'repair'");
	CHECK_INT(required(m, CSM_KIND_TICKET, "repair", "{\"serial_no\":"
	    "null}", &err), -1);
	CHECK_INT(required(m, CSM_KIND_TICKET, "repair", "{\"serial_no\":"
	    "\"x\"}", &err), 0);
	CHECK_INT(check(m, CSM_KIND_TICKET, "repair", "{}", out, sizeof(out),
	    &err), 0);
	CHECK_INT(check(m, CSM_KIND_TICKET, "install", "{\"serial_no\":"
	    "\"SN-7\"}", out, sizeof(out), &err), 0);
	CHECK_INT(check(m, CSM_KIND_TICKET, "install", "{\"serial_no\":"
	    "\"sn-7\"}", out, sizeof(out), &err), -1);
	CHECK_STR(err.msg, "serial_no: \"sn-7\" does not match ^SN-[0-9]+$");
	/* Each type's refusals. */
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"qty\":\"1.5\"}", out,
	    sizeof(out), &err), -1);
	CHECK_STR(err.msg, "qty: expected an integer, got \"1.5\"");
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"qty\":"
	    "\"99999999999999999999\"}", out, sizeof(out), &err), -1);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"weight\":\"heavy\"}", out,
	    sizeof(out), &err), -1);
	/* Found by tests/fuzz (fuzz_config): strtod reads these as
	 * infinity, which JSON cannot hold, and the text stayed. */
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"weight\":\"inf\"}", out,
	    sizeof(out), &err), -1);
	CHECK_STR(err.msg, "weight: expected a number, got \"inf\"");
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"weight\":\"1e999\"}",
	    out, sizeof(out), &err), -1);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"paid\":2}", out,
	    sizeof(out), &err), -1);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"due\":\"2026-02-30\"}",
	    out, sizeof(out), &err), -1);
	CHECK_STR(err.msg, "due: expected a date (YYYY-MM-DD), got "
	    "\"2026-02-30\"");
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"seen\":\"tuesday\"}", out,
	    sizeof(out), &err), -1);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"colour\":\"红色\"}", out,
	    sizeof(out), &err), -1);
	CHECK_STR(err.msg, "colour: expected one of the declared values, got "
	    "\"红色\"");
	/* Fields of another record kind do not apply. */
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"city\":5}", out,
	    sizeof(out), &err), 0);
	CHECK_INT(required(m, CSM_KIND_CUSTOMER, NULL, "{}", &err), -1);
	CHECK_STR(err.msg, "city: required");
	CHECK_INT(csm_model_check_required(m, CSM_KIND_ORDER, NULL, NULL,
	    &err), 0);
	/* A record without custom fields at all. */
	CHECK_INT(csm_model_check_fields(m, CSM_KIND_ORDER, NULL, NULL, &err),
	    0);
	csm_model_free(m);
}

static void
test_field_errors(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"[field \"x\"]\n\ttype = blob\n",
		    "test.conf:2:9: unknown field type 'blob'"},
		{"[field \"x\"]\n\ttype = enum\n",
		    "test.conf:2:9: enum field 'x' needs 'values = a, b, c'"},
		{"[field \"x\"]\n\tpattern = (\n",
		    "test.conf:2:12: bad pattern:"},
		/* Found by tests/fuzz (fuzz_config): glibc's regcomp took
		 * gigabytes over these; PCRE2 refuses them at once. */
		{"[field \"x\"]\n\tpattern = ^S+++++++++++++++++++++N\n",
		    "test.conf:2:12: bad pattern: quantifier does not follow a "
		    "repeatable item at character 5"},
		{"[field \"x\"]\n\tpattern = ((a{255}){255}){255}\n",
		    "test.conf:2:12: bad pattern: regular expression is too "
		    "large at character 21"},
		{"[field \"x\"]\n\trequired = maybe\n",
		    "test.conf:2:13: expected true or false, got 'maybe'"},
		{"[field \"subject\"]\n\ttype = string\n",
		    "test.conf:1:2: 'subject' is a built-in field of ticket"},
		{"[field \"x\"]\n\trecord = gadget\n",
		    "test.conf:2:11: unknown record kind 'gadget'"},
		{"[field]\n\ttype = int\n",
		    "test.conf:1:2: [field] needs a name"},
		{"[field \"x\"]\n\tsize = 3\n",
		    "test.conf:2:9: unknown key 'size' in [field]"},
		{"[core]\n\ttimezone = Nowhere/Land\n",
		    "test.conf:2:13: unknown time zone 'Nowhere/Land'"},
	};
	struct csm_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct csm_model *m = model(bad[i].text, &err);

		CHECK(m == NULL);
		CHECK_INT(err.code, CSM_ECONFIG);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fprintf(stderr, "  got %s\n", err.msg);
		CHECK(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0);
		csm_model_free(m);
	}
	/* Found by tests/fuzz (fuzz_config): a second "values =" or
	 * "types =" of a field leaked the first list (LeakSanitizer tells).
	 * The second one silently won; now it is refused, naming the
	 * first, and nothing leaks on the way out. */
	{
		struct csm_model *m = model("[field \"c\"]\n\tvalues = a, b\n"
		    "\ttypes = t1\n[field \"c\"]\n\tvalues = x\n"
		    "\ttypes = t2, t3\n", &err);

		CHECK(m == NULL);
		CHECK_STR(err.msg, "test.conf:5:11: 'values' of field 'c' is "
		    "set twice (first at test.conf:2)");
	}
	/* order_no is built into orders, so tickets may declare it. */
	{
		struct csm_model *m = model("[field \"order_no\"]\n\ttype = "
		    "string\n", &err);

		CHECK(m != NULL);
		csm_model_free(m);
		m = model("[field \"order_no\"]\n\trecord = order\n", &err);
		CHECK(m == NULL);
	}
}

/* A config the model must refuse, with its exact message. */
static void
check_refused(const char *text, const char *want, int line)
{
	struct csm_err err;
	struct csm_model *m = model(text, &err);

	if (m == NULL && err.code == CSM_ECONFIG && strcmp(err.msg, want) == 0)
		csm_t_pass++;
	else {
		csm_t_fail++;
		fprintf(stderr, "%s:%d: FAIL: refused\n  got:      %s\n"
		    "  expected: %s\n", __FILE__, line, m ? "(accepted)" :
		    err.msg, want);
	}
	csm_model_free(m);
}

#define REFUSED(text, want) check_refused(text, want, __LINE__)

/* Issue 8, item 5: lists in [field] honour quotes. */
static void
test_conf_field_lists(void)
{
	struct csm_err err;
	struct csm_model *m;
	char out[128];

	m = model("[field \"visit\"]\n\tvalues = \"上门, 寄修\", 远程, "
	    "\"say \\\"hi\\\"\"\n\ttypes = \"repair, install\", web\n", &err);
	CHECK(m != NULL);
	if (m == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK_INT(check(m, CSM_KIND_TICKET, "web", "{\"visit\":\"上门, 寄修\"}",
	    out, sizeof(out), &err), 0);
	CHECK_INT(check(m, CSM_KIND_TICKET, "web", "{\"visit\":\"say "
	    "\\\"hi\\\"\"}", out, sizeof(out), &err), 0);
	CHECK_INT(check(m, CSM_KIND_TICKET, "web", "{\"visit\":\"上门\"}", out,
	    sizeof(out), &err), -1);
	/* "repair, install" is one ticket type; repair is not one. */
	CHECK_INT(check(m, CSM_KIND_TICKET, "repair, install", "{\"visit\":"
	    "\"x\"}", out, sizeof(out), &err), -1);
	CHECK_INT(check(m, CSM_KIND_TICKET, "repair", "{\"visit\":\"x\"}", out,
	    sizeof(out), &err), 0);
	csm_model_free(m);
	/* A wholly quoted value is one item. */
	m = model("[field \"v\"]\n\tvalues = \"a, b\"\n", &err);
	CHECK(m != NULL);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"v\":\"a, b\"}", out,
	    sizeof(out), &err), 0);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"v\":\"a\"}", out,
	    sizeof(out), &err), -1);
	csm_model_free(m);
	REFUSED("[field \"v\"]\n\tvalues = a, , b\n",
	    "test.conf:2:11: values: item 2 of the list is empty");
	REFUSED("[field \"v\"]\n\ttypes =\n",
	    "test.conf:2:9: types: expected a list, as in 'types = a, b'");
}

/* Issue 8, item 6: [field] declarations that cannot work. */
static void
test_conf_field_checks(void)
{
	struct csm_err err;
	struct csm_model *m;
	char out[64];

	/* values on a field that is not a string was ignored. */
	REFUSED("[field \"qty\"]\n\ttype = int\n\tvalues = 1, 2\n",
	    "test.conf:3:11: 'values' is for enum fields; field 'qty' is of "
	    "type int");
	REFUSED("[field \"qty\"]\n\tvalues = 1, 2\n\ttype = date\n",
	    "test.conf:2:11: 'values' is for enum fields; field 'qty' is of "
	    "type date");
	/* types on a field of another record kind never applied. */
	REFUSED("[field \"city\"]\n\trecord = customer\n\ttypes = repair\n",
	    "test.conf:3:10: 'types' is for ticket fields; field 'city' is of "
	    "customer records");
	REFUSED("[field \"x\"]\n\ttypes = repair\n[field \"x\"]\n\trecord = "
	    "order\n", "test.conf:2:10: 'types' is for ticket fields; field "
	    "'x' is of order records");
	/* [field ""] declared nothing, even with no entries. */
	REFUSED("[field \"\"]\n", "test.conf:1:2: [field] needs a name: "
	    "[field \"serial_no\"]");
	REFUSED("[field]\n", "test.conf:1:2: [field] needs a name: "
	    "[field \"serial_no\"]");
	/* Unknown keys, with a hint when close. */
	REFUSED("[field \"x\"]\n\tvalue = a, b\n", "test.conf:2:10: unknown "
	    "key 'value' in [field] (did you mean 'values'?)");
	REFUSED("[field \"x\"]\n\tcolour = red\n", "test.conf:2:11: unknown "
	    "key 'colour' in [field] (expected type, values, required, "
	    "pattern, types, record, label, description)");
	/* A key given twice silently overrode the first. */
	REFUSED("[field \"x\"]\n\ttype = int\n[core]\n\ttimezone = UTC\n"
	    "[field \"x\"]\n\ttype = string\n", "test.conf:6:9: 'type' of "
	    "field 'x' is set twice (first at test.conf:2)");
	REFUSED("[field \"x\"]\n\trequired = yes\n\trequired = no\n",
	    "test.conf:3:13: 'required' of field 'x' is set twice (first at "
	    "test.conf:2)");
	/* 'values' on an explicit string still makes an enum. */
	m = model("[field \"x\"]\n\ttype = string\n\tvalues = a\n", &err);
	CHECK(m != NULL);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"x\":\"b\"}", out,
	    sizeof(out), &err), -1);
	csm_model_free(m);
	/* A header alone declares a string field of tickets. */
	m = model("[field \"note\"]\n", &err);
	CHECK(m != NULL);
	CHECK_INT(check(m, CSM_KIND_TICKET, NULL, "{\"note\":5}", out,
	    sizeof(out), &err), -1);
	CHECK_STR(err.msg, "note: expected a string, got 5");
	csm_model_free(m);
	REFUSED("[field \"subject\"]\n", "test.conf:1:2: 'subject' is a "
	    "built-in field of ticket records and cannot be declared");
}

/* Issue 8, item 6: [core]. */
static void
test_conf_core_checks(void)
{
	REFUSED("[core]\n\treopen-window = 3d\n", "test.conf:2:18: unknown "
	    "key 'reopen-window' in [core] (did you mean 'reopen_window'?)");
	REFUSED("[core]\n\tcolour = red\n", "test.conf:2:11: unknown key "
	    "'colour' in [core] (expected timezone, reopen_window)");
	/* An empty timezone meant the system's zone, silently. */
	REFUSED("[core]\n\ttimezone =\n", "test.conf:2:12: timezone: expected "
	    "a time zone, as in 'timezone = Asia/Shanghai' (for the system's "
	    "zone, leave the key out)");
	REFUSED("[core]\n\ttimezone = \"\"\n", "test.conf:2:14: timezone: "
	    "expected a time zone, as in 'timezone = Asia/Shanghai' (for the "
	    "system's zone, leave the key out)");
	REFUSED("[core]\n\ttimezone = UTC\n[core]\n\ttimezone = "
	    "Asia/Shanghai\n", "test.conf:4:13: 'timezone' in [core] is set "
	    "twice (first at test.conf:2)");
	REFUSED("[core]\n\treopen_window = 1d\n\treopen_window = 2d\n",
	    "test.conf:3:18: 'reopen_window' in [core] is set twice (first at "
	    "test.conf:2)");
	/* [core "x"] was read as [core]. */
	REFUSED("[core \"x\"]\n\ttimezone = UTC\n",
	    "test.conf:1:2: [core] takes no name");
}

/* Issue 8, item 6: workflows that cannot work. */
static void
test_conf_workflow_checks(void)
{
	struct csm_err err;
	struct csm_model *m;
	const char *st, *sg;

	/* No stage a reopen can go to: the customer's reply left the
	 * ticket resolved. */
	REFUSED("[workflow \"r\"]\n\tstatus = a new\n\tstatus = b resolved\n"
	    "\ttransition = a -> b\n", "test.conf:1:2: workflow 'r' has no "
	    "stage to reopen to, so a customer's reply would leave a resolved "
	    "ticket resolved: declare a stage that counts as open, or set "
	    "'reopen = STAGE'");
	/* A reopen stage that counts as closed or resolved. */
	REFUSED("[workflow \"r\"]\n\tstatus = a new\n\tstatus = b open\n"
	    "\tstatus = c closed\n\treopen = c\n", "test.conf:5:11: reopen "
	    "stage 'c' counts as closed, so a reopened ticket would stay "
	    "closed: choose a stage that counts as new, open, pending or "
	    "on_hold");
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\tstatus = c resolved\n"
	    "\treopen = c\n", "test.conf:4:11: reopen stage 'c' counts as "
	    "resolved, so a reopened ticket would stay resolved: choose a "
	    "stage that counts as new, open, pending or on_hold");
	/* Stage names that a transition or a status would misread. */
	REFUSED("[workflow \"r\"]\n\tstatus = a->b open\n",
	    "test.conf:2:11: stage 'a->b': a stage name cannot hold '->'");
	REFUSED("[workflow \"r\"]\n\tstatus = open resolved\n\tstatus = x "
	    "open\n", "test.conf:2:11: a stage cannot be named 'open', a name "
	    "of a default status (events would move to it instead)");
	REFUSED("[workflow \"r\"]\n\tstatus = x open\n\tstatus = hold "
	    "on_hold\n", "test.conf:3:11: a stage cannot be named 'hold', a "
	    "name of a default status (events would move to it instead)");
	REFUSED("[workflow \"r\"]\n\tstatus = \"受理\" open\n",
	    "test.conf:2:11: stage '\"受理\"': stage names are written without "
	    "quotes");
	REFUSED("[workflow \"r\"]\n\tstatus = 待 客户 pending\n",
	    "test.conf:2:11: expected a stage and the default status it counts "
	    "as, as in 'status = 派工 open' (a stage name has no white space)");
	/* Transitions with a missing side. */
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\tstatus = b new\n"
	    "\ttransition = a ->\n", "test.conf:4:15: expected 'a -> b', with "
	    "a stage on each side of '->'");
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\ttransition = -> a\n",
	    "test.conf:3:15: expected 'a -> b', with a stage on each side of "
	    "'->'");
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\ttransition =\n",
	    "test.conf:3:14: expected 'a -> b'");
	/* Empty sections, names, keys. */
	REFUSED("[workflow \"r\"]\n", "test.conf:1:2: workflow 'r' declares no "
	    "stages ('status = 受理 new')");
	REFUSED("[workflow \"\"]\n", "test.conf:1:2: [workflow] needs the "
	    "ticket type it is for: [workflow \"repair\"]");
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\tstage = b new\n",
	    "test.conf:3:10: unknown key 'stage' in [workflow] (expected "
	    "status, transition, reopen)");
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\ttransitions = a\n",
	    "test.conf:3:16: unknown key 'transitions' in [workflow] (did you "
	    "mean 'transition'?)");
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\tstatus = b new\n"
	    "\treopen = a\n[workflow \"r\"]\n\treopen = b\n", "test.conf:6:11: "
	    "'reopen' of workflow 'r' is set twice (first at test.conf:4)");
	REFUSED("[workflow \"r\"]\n\tstatus = a open\n\treopen = z\n",
	    "test.conf:3:11: unknown stage 'z'");

	/* The reopen stage may come from an include-like later section, and
	 * one counting as new or on_hold is fine. */
	m = model("[workflow \"r\"]\n\tstatus = a new\n\tstatus = b on_hold\n"
	    "\tstatus = c resolved\n\ttransition = a -> b -> c\n"
	    "[workflow \"r\"]\n\treopen = b\n", &err);
	CHECK(m != NULL);
	if (m != NULL) {
		struct csm_ticket_state cur = {"r", "resolved", "c", 0};

		CHECK_INT(csm_model_reopen(m, &cur, 0, &st, &sg, &err), 1);
		CHECK_STR(sg, "b");
		CHECK_STR(st, "on_hold");
	}
	csm_model_free(m);
}

/* Unknown sections: a warning, never an error; sections of tools still
 * to come: silently accepted. */
static void
test_conf_warnings(void)
{
	struct csm_err err;
	struct csm_model *m;

	m = model("[feild \"x\"]\n\ttype = int\n[calendar \"cn\"]\n\thours = "
	    "mon-fri\n[sla \"vip\"]\n\twhen = tier = \"vip\"\n[rule \"r\"]\n"
	    "[agent \"a\"]\n[group \"g\"]\n[route]\n[report]\n[kb]\n[notify]\n"
	    "[frobnicate]\n\tk = v\n[workflows \"r\"]\n", &err);
	CHECK(m != NULL);
	if (m == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK_STR(csm_model_warning(m, 0), "test.conf:1:2: unknown section "
	    "[feild] is ignored (did you mean [field]?)");
	CHECK_STR(csm_model_warning(m, 1), "test.conf:14:2: unknown section "
	    "[frobnicate] is ignored");
	CHECK_STR(csm_model_warning(m, 2), "test.conf:16:2: unknown section "
	    "[workflows] is ignored (did you mean [workflow]?)");
	CHECK(csm_model_warning(m, 3) == NULL);
	csm_model_free(m);
	m = model("", &err);
	CHECK(m != NULL);
	CHECK(csm_model_warning(m, 0) == NULL);
	csm_model_free(m);
	m = csm_model_new(NULL, &err);
	CHECK(m != NULL);
	CHECK(csm_model_warning(m, 0) == NULL);
	csm_model_free(m);
}

/*
 * Issue 8: [field] pattern is PCRE2 in every locale, and int and number
 * fields read numbers as expressions do (lib/num.c).
 */
static const char fields8[] =
    "[field \"code\"]\n"
    "\tpattern = ^退.$\n"
    "[field \"city\"]\n"
    "\tpattern = ^[一-龥]+$\n"
    "[field \"qty\"]\n"
    "\ttype = int\n"
    "[field \"weight\"]\n"
    "\ttype = number\n"
    "[field \"big\"]\n"
    "\ttype = number\n"
    "\tpattern = ^[0-9]+$\n"
    "[field \"sn\"]\n"
    "\tpattern = ^SN-[0-9]+$\n"
    "[field \"slow\"]\n"
    "\tpattern = (.*a){200}x\n";

static void
test_pattern_number(void)
{
	static const struct {
		const char	*in, *out, *msg;
	} cases[] = {
		{ "{\"code\":\"退款\"}", "{\"code\":\"退款\"}", NULL },
		{ "{\"code\":\"退\"}", NULL, "code: \"退\" does not match ^退.$" },
		{ "{\"city\":\"上海\"}", "{\"city\":\"上海\"}", NULL },
		{ "{\"city\":\"Shanghai\"}", NULL, "city: \"Shanghai\" does not "
		    "match ^[一-龥]+$" },
		{ "{\"sn\":\"SN-12\\n\"}", NULL, "sn: \"SN-12\\n\" does not "
		    "match ^SN-[0-9]+$" },
		/* One reading of integers: 42.0 is 42, spaces are not. */
		{ "{\"qty\":\"42.0\"}", "{\"qty\":42}", NULL },
		{ "{\"qty\":42.0}", "{\"qty\":42}", NULL },
		{ "{\"qty\":\"4.2e1\"}", "{\"qty\":42}", NULL },
		{ "{\"qty\":\"-7\"}", "{\"qty\":-7}", NULL },
		{ "{\"qty\":\" 42\"}", NULL, "qty: expected an integer, got "
		    "\" 42\"" },
		{ "{\"qty\":\"42 \"}", NULL, "qty: expected an integer, got "
		    "\"42 \"" },
		{ "{\"qty\":\"0x1A\"}", NULL, "qty: expected an integer, got "
		    "\"0x1A\"" },
		{ "{\"qty\":42.5}", NULL, "qty: expected an integer, got 42.5" },
		{ "{\"qty\":\"9223372036854775808\"}", NULL, "qty: expected an "
		    "integer, got \"9223372036854775808\" (too large)" },
		{ "{\"qty\":\"-9223372036854775809\"}", NULL, "qty: expected an "
		    "integer, got \"-9223372036854775809\" (too large)" },
		{ "{\"qty\":\"-9223372036854775808\"}",
		    "{\"qty\":-9223372036854775808}", NULL },
		{ "{\"qty\":1e19}", NULL, "qty: expected an integer, got "
		    "1e+19 (too large)" },
		{ "{\"qty\":true}", NULL, "qty: expected an integer, got true" },
		/* Numbers: decimal, in range; integers stay integers. */
		{ "{\"weight\":\"1.5\"}", "{\"weight\":1.5}", NULL },
		{ "{\"weight\":\"42\"}", "{\"weight\":42}", NULL },
		{ "{\"weight\":2.5}", "{\"weight\":2.5}", NULL },
		{ "{\"weight\":\"0x1A\"}", NULL, "weight: expected a number, got "
		    "\"0x1A\"" },
		{ "{\"weight\":\"1e-400\"}", NULL, "weight: expected a number, "
		    "got \"1e-400\" (too small)" },
		{ "{\"weight\":\"1e400\"}", NULL, "weight: expected a number, "
		    "got \"1e400\" (too large)" },
		{ "{\"weight\":\"nan\"}", NULL, "weight: expected a number, got "
		    "\"nan\"" },
		{ "{\"weight\":\" 1.5\"}", NULL, "weight: expected a number, "
		    "got \" 1.5\"" },
		{ "{\"weight\":\"1.\"}", NULL, "weight: expected a number, got "
		    "\"1.\"" },
		/* A number is matched in plain decimal, never 1e+21. */
		{ "{\"big\":1e21}", "{\"big\":1e21}", NULL },
		{ "{\"big\":\"1e21\"}", "{\"big\":1e21}", NULL },
		{ "{\"big\":1.5}", NULL, "big: \"1.5\" does not match ^[0-9]+$" },
		/* A check stopped at its limit refuses the value. */
		{ "{\"slow\":\"xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		    NULL, "slow: matching (.*a){200}x stopped at its limit" },
	};
	struct csm_err err;
	struct csm_model *m;
	char out[512];
	size_t i;
	int rc;

	m = model(fields8, &err);
	CHECK(m != NULL);
	if (m == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = check(m, CSM_KIND_TICKET, NULL, cases[i].in, out,
		    sizeof(out), &err);
		CHECK_INT(rc, cases[i].out != NULL ? 0 : -1);
		if (cases[i].out != NULL && rc == 0)
			CHECK_STR(out, cases[i].out);
		if (cases[i].msg != NULL && rc == -1)
			CHECK_STR(err.msg, cases[i].msg);
	}
	csm_model_free(m);
	/* Bad patterns: PCRE2's messages, with the pattern's own limit. */
	m = model("[field \"x\"]\n\tpattern = 退(\n", &err);
	CHECK(m == NULL);
	CHECK_STR(err.msg, "test.conf:2:12: bad pattern: missing closing "
	    "parenthesis at character 3");
	m = model("[field \"x\"]\n\tpattern = [[:alpha:]\n", &err);
	CHECK(m == NULL);
	CHECK_STR(err.msg, "test.conf:2:12: bad pattern: missing terminating "
	    "] for character class at character 11");
}

int
main(void)
{
	test_kinds();
	test_default_machine();
	test_reopen_window();
	test_workflow();
	test_workflow_errors();
	test_fields();
	test_field_errors();
	test_conf_field_lists();
	test_conf_field_checks();
	test_conf_core_checks();
	test_conf_workflow_checks();
	test_conf_warnings();
	test_pattern_number();
	csm_model_free(NULL);
	return TEST_REPORT();
}
