/*
 * fields.h - the one table of the fields records carry and of the ticket
 * columns that hold them; internal to libcsm.
 *
 * Everything that used to be a parallel list (the record fields prep.c
 * reads, the columns apply.c loads, their output names, the events a
 * change logs) is expanded from the two X-macro tables below, so adding a
 * field is one line here (and a migration if it is a new column).
 *
 *	CSM_FIELDS(X): X(slot, name, type, kinds, derived, idkind)
 *		every field a record may carry, in slot order;
 *	CSM_TICKET_COLUMNS(X): X(tc, column, select, slot, action)
 *		the columns of a loaded ticket, in output order: the column
 *		name, the SQL expression that reads it, the field slot it
 *		holds (-1: none) and the event action a change logs.
 *
 * SQL is made of these by literal concatenation at compile time, so it
 * stays literal text with bound parameters (tests/lint checks that).
 */
#ifndef CSM_FIELDS_H
#define CSM_FIELDS_H

/* Field types, as prep.c reads them. */
enum csm_ftype {
	FV_TEXT,	/* a string (integers are taken as their digits) */
	FV_TIME,	/* RFC 3339, or integer seconds since the epoch */
	FV_BOOL,
	FV_INT,
	FV_TAGS,	/* array of strings, or "a;b;c" */
	FV_IDENT,	/* a customer identity */
	FV_IDENTS,	/* an object of identities by kind, as output */
	FV_REF_T,	/* a ticket: "T-000042" */
	FV_REF_C,	/* a customer: "C-000007" */
	FV_SELF,	/* the record's own id: T-, C-, M-, E- or S- by kind */
	FV_DERIVED	/* computed by the store; read back, never stored */
};

/* Record kinds as bits of a field's kinds. */
#define KT (1u << 1)	/* CSM_KIND_TICKET */
#define KM (1u << 2)	/* CSM_KIND_MESSAGE */
#define KE (1u << 3)	/* CSM_KIND_EVENT */
#define KC (1u << 4)	/* CSM_KIND_CUSTOMER */
#define KO (1u << 5)	/* CSM_KIND_ORDER */
#define KS (1u << 6)	/* CSM_KIND_SURVEY */
#define KALL (KT | KM | KE | KC | KO | KS)

/*
 * X(slot, name, type, kinds, derived, idkind): kinds are the record kinds
 * that read the field; derived those whose records, read back, ignore it
 * as something the store computed (every kind: a name csm prints is never
 * a custom field).  "attrs" is the custom fields themselves (prep.c).
 */
#define CSM_FIELDS(X) \
	X(F_SOURCE, "source", FV_TEXT, KT | KM | KE | KS, 0, 0) \
	X(F_SOURCE_ID, "source_id", FV_TEXT, KT | KM | KE, 0, 0) \
	X(F_THREAD_ID, "thread_id", FV_TEXT, KT | KM | KE | KS, 0, 0) \
	X(F_TICKET_TYPE, "ticket_type", FV_TEXT, KT, 0, 0) \
	X(F_SUBJECT, "subject", FV_TEXT, KT, 0, 0) \
	X(F_BODY, "body", FV_TEXT, KT | KM, 0, 0) \
	X(F_STATUS, "status", FV_TEXT, KT | KE, 0, 0) \
	X(F_PRIORITY, "priority", FV_TEXT, KT | KE, 0, 0) \
	X(F_CATEGORY, "category", FV_TEXT, KT, 0, 0) \
	X(F_PRODUCT, "product", FV_TEXT, KT | KO, 0, 0) \
	X(F_REGION, "region", FV_TEXT, KT, 0, 0) \
	X(F_TAGS, "tags", FV_TAGS, KT, 0, 0) \
	X(F_GROUP, "group", FV_TEXT, KT | KE, 0, 0) \
	X(F_ASSIGNEE, "assignee", FV_TEXT, KT | KE, 0, 0) \
	X(F_PHONE, "phone", FV_IDENT, KT | KC | KO, 0, CSM_ID_PHONE) \
	X(F_EMAIL, "email", FV_IDENT, KT | KC | KO, 0, CSM_ID_EMAIL) \
	X(F_WECHAT, "wechat", FV_IDENT, KT | KC | KO, 0, CSM_ID_WECHAT) \
	X(F_NAME, "name", FV_TEXT, KT | KC, 0, 0) \
	X(F_TIER, "tier", FV_TEXT, KT | KC, 0, 0) \
	X(F_ORG, "org", FV_TEXT, KT | KC, 0, 0) \
	X(F_CREATED_AT, "created_at", FV_TIME, KT | KC | KO, 0, 0) \
	X(F_UPDATED_AT, "updated_at", FV_TIME, KT | KC | KO, 0, 0) \
	X(F_FIRST_RESPONSE_AT, "first_response_at", FV_TIME, KT, 0, 0) \
	X(F_RESOLVED_AT, "resolved_at", FV_TIME, KT, 0, 0) \
	X(F_CLOSED_AT, "closed_at", FV_TIME, KT, 0, 0) \
	X(F_ID, "id", FV_SELF, KALL, 0, 0) \
	X(F_TICKET, "ticket", FV_REF_T, KM | KE | KS, 0, 0) \
	X(F_CUSTOMER, "customer", FV_REF_C, KT | KC | KO, KS, 0) \
	X(F_DIRECTION, "direction", FV_TEXT, KM, 0, 0) \
	X(F_AUTHOR, "author", FV_TEXT, KM, 0, 0) \
	X(F_AT, "at", FV_TIME, KM | KE | KS, 0, 0) \
	X(F_PUBLIC, "public", FV_BOOL, KM, 0, 0) \
	X(F_AUTO, "auto", FV_BOOL, KM, 0, 0) \
	X(F_ACTION, "action", FV_TEXT, KE, 0, 0) \
	X(F_BY, "by", FV_TEXT, KE, 0, 0) \
	X(F_INTO, "into", FV_REF_T, KE, 0, 0) \
	X(F_KIND, "kind", FV_TEXT, KS, 0, 0) \
	X(F_SCORE, "score", FV_INT, KS, 0, 0) \
	X(F_COMMENT, "comment", FV_TEXT, KS, 0, 0) \
	X(F_ORDER_NO, "order_no", FV_TEXT, KO, 0, 0) \
	X(F_PURCHASED_AT, "purchased_at", FV_TIME, KO, 0, 0) \
	X(F_WARRANTY_UNTIL, "warranty_until", FV_TIME, KO, 0, 0) \
	X(F_WECOM, "wecom", FV_IDENT, KT | KC | KO, 0, CSM_ID_WECOM) \
	X(F_DINGTALK, "dingtalk", FV_IDENT, KT | KC | KO, 0, CSM_ID_DINGTALK) \
	X(F_WEIBO, "weibo", FV_IDENT, KT | KC | KO, 0, CSM_ID_WEIBO) \
	X(F_CRM_ID, "crm_id", FV_IDENT, KT | KC | KO, 0, CSM_ID_CRM) \
	X(F_KEY, "key", FV_TEXT, KE, 0, 0) \
	X(F_WHY, "why", FV_TEXT, KE, 0, 0) \
	X(F_IDENTITIES, "identities", FV_IDENTS, KT | KC | KO, 0, 0) \
	X(F_FIELD, "field", FV_DERIVED, 0, KALL, 0) \
	X(F_OLD, "old", FV_DERIVED, 0, KALL, 0) \
	X(F_NEW, "new", FV_DERIVED, 0, KALL, 0) \
	X(F_OP, "op", FV_DERIVED, 0, KALL, 0) \
	X(F_REOPENS, "reopens", FV_DERIVED, 0, KALL, 0) \
	X(F_MERGED_INTO, "merged_into", FV_DERIVED, 0, KALL, 0) \
	X(F_MERGED, "merged", FV_DERIVED, 0, KALL, 0) \
	X(F_STALE, "stale", FV_DERIVED, 0, KALL, 0) \
	X(F_DATA, "data", FV_DERIVED, 0, KALL, 0) \
	X(F_LINKS, "links", FV_DERIVED, 0, KALL, 0) \
	X(F_ATTRS, "attrs", FV_DERIVED, 0, 0, 0)

#define CSM_X_SLOT(slot, name, type, kinds, derived, idkind) slot,
enum csm_field {
	CSM_FIELDS(CSM_X_SLOT)
	NFIELDS
};
#undef CSM_X_SLOT

/*
 * The columns of a ticket as loaded, in the order a ticket record prints
 * them after its id and customer.  name, tier and org are the customer's
 * (one source of truth), or the ticket's own when it has no customer.
 *
 * X(tc, column, select, slot, action)
 */
#define CSM_TICKET_COLUMNS(X) \
	X(TC_NAME, "name", "coalesce(c.name, t.name)", F_NAME, "update") \
	X(TC_TIER, "tier", "coalesce(c.tier, t.tier)", F_TIER, "update") \
	X(TC_ORG, "org", "coalesce(c.org, t.org)", F_ORG, "update") \
	X(TC_SOURCE, "source", "t.source", F_SOURCE, NULL) \
	X(TC_SOURCE_ID, "source_id", "t.source_id", F_SOURCE_ID, NULL) \
	X(TC_THREAD_ID, "thread_id", "t.thread_id", F_THREAD_ID, "update") \
	X(TC_TICKET_TYPE, "ticket_type", "t.ticket_type", F_TICKET_TYPE, \
	    "update") \
	X(TC_SUBJECT, "subject", "t.subject", F_SUBJECT, "update") \
	X(TC_BODY, "body", "t.body", F_BODY, "update") \
	X(TC_STATUS, "status", "t.status", F_STATUS, NULL) \
	X(TC_STAGE, "stage", "t.stage", -1, NULL) \
	X(TC_PRIORITY, "priority", "t.priority", F_PRIORITY, "priority") \
	X(TC_CATEGORY, "category", "t.category", F_CATEGORY, "update") \
	X(TC_PRODUCT, "product", "t.product", F_PRODUCT, "update") \
	X(TC_REGION, "region", "t.region", F_REGION, "update") \
	X(TC_TAGS, "tags", "t.tags", F_TAGS, "update") \
	X(TC_GRP, "grp", "t.grp", F_GROUP, "transfer") \
	X(TC_ASSIGNEE, "assignee", "t.assignee", F_ASSIGNEE, "assign") \
	X(TC_PHONE, "phone", "t.phone", F_PHONE, "update") \
	X(TC_EMAIL, "email", "t.email", F_EMAIL, "update") \
	X(TC_WECHAT, "wechat", "t.wechat", F_WECHAT, "update") \
	X(TC_CREATED_AT, "created_at", "t.created_at", F_CREATED_AT, NULL) \
	X(TC_UPDATED_AT, "updated_at", "t.updated_at", F_UPDATED_AT, NULL) \
	X(TC_FIRST_RESPONSE_AT, "first_response_at", "t.first_response_at", \
	    F_FIRST_RESPONSE_AT, NULL) \
	X(TC_RESOLVED_AT, "resolved_at", "t.resolved_at", F_RESOLVED_AT, NULL) \
	X(TC_CLOSED_AT, "closed_at", "t.closed_at", F_CLOSED_AT, NULL) \
	X(TC_REOPENS, "reopens", "t.reopens", F_REOPENS, NULL) \
	X(TC_MERGED_INTO, "merged_into", "t.merged_into", F_MERGED_INTO, \
	    NULL) \
	X(TC_ATTRS, "attrs", "t.attrs", -1, "update") \
	X(TC_CUSTOMER, "customer", "t.customer", F_CUSTOMER, NULL)

#define CSM_X_TC(tc, column, select, slot, action) tc,
enum csm_tcol {
	CSM_TICKET_COLUMNS(CSM_X_TC)
	NTCOLS
};
#undef CSM_X_TC

/* The SELECT list of a ticket: every column, then t.id (column NTCOLS). */
#define CSM_X_SEL(tc, column, select, slot, action) select ", "
#define CSM_TICKET_SELECT \
	"SELECT " CSM_TICKET_COLUMNS(CSM_X_SEL) "t.id FROM tickets t " \
	"LEFT JOIN customers c ON c.id = t.customer "

/* Whether a column holds a time, an integer or text. */
#define TC_IS_TIME(tc) ((tc) >= TC_CREATED_AT && (tc) <= TC_CLOSED_AT)
#define TC_IS_INT(tc) (TC_IS_TIME(tc) || ((tc) >= TC_REOPENS && \
	(tc) != TC_ATTRS))

#endif /* CSM_FIELDS_H */
