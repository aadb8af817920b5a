/*
 * csm.h - the one public header of libcsm, the library every csm tool is
 * built on.
 *
 * The library never prints and never exits: each call that can fail returns
 * a status and fills a struct csm_err.  Running out of memory is one such
 * failure, CSM_EINTERNAL "out of memory", never an abort and never
 * ignored: calls that return a status return it at once; writers, whose
 * appends return nothing, remember it and return it from the next
 * csm_writer_flush or csm_writer_finish.  Pointer comments say who owns what:
 * "new" (the caller frees it), "borrowed" (valid until the stated event) or
 * "takes" (the callee owns it from then on).
 */
#ifndef CSM_H
#define CSM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define CSM_VERSION "0.1.0"

struct csm_conf;
struct csm_expr;
struct csm_model;
struct csm_reader;
struct csm_store;
struct csm_tz;
struct csm_writer;

/* Records and lines larger than this are a data error, not an allocation. */
#define CSM_MAX_RECORD (16u * 1024 * 1024)

/*
 * Errors.  Each code maps to one exit status of the tools (csm(7)).
 */
enum {
	CSM_OK = 0,
	CSM_EDATA,	/* bad input data (65) */
	CSM_ENOINPUT,	/* an input cannot be opened (66) */
	CSM_EINTERNAL,	/* internal error, out of memory (70) */
	CSM_ECANTCREAT,	/* cannot create output or store (73) */
	CSM_EIO,	/* read or write error (74) */
	CSM_EBUSY,	/* store busy after the timeout: retry (75) */
	CSM_ECONFIG,	/* bad configuration (78) */
	CSM_EUSAGE	/* bad argument (64) */
};

struct csm_err {
	int	code;		/* CSM_OK, CSM_EDATA, ... */
	long	line;		/* 1-based input line, 0 if none */
	long	col;		/* 1-based column (characters in expressions,
				 * bytes in configuration), 0 if none */
	char	msg[256];	/* filled at the failure site */
};

/* Fills err (which may be NULL) and returns -1, so "return csm_err_set()". */
int csm_err_set(struct csm_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void csm_err_clear(struct csm_err *err);
/* The exit status (sysexits) that a tool uses for an error code. */
int csm_err_exit(int code);

/*
 * Text: UTF-8 checks, display width, escaping for messages.
 */

/* Returns 1 if s[0..len) is valid UTF-8 without NUL, else 0 and *bad the
 * offset of the first bad byte (bad may be NULL). Overlong forms and
 * surrogates are invalid. */
int csm_utf8_valid(const char *s, size_t len, size_t *bad);
/* Decodes one code point at s (valid UTF-8 assumed); returns its length. */
size_t csm_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Display width of a code point: 0 combining/control, 2 East Asian wide
 * and emoji, else 1 (ambiguous counts 1). */
int csm_width_cp(uint32_t cp);
/* Display width of a UTF-8 string. */
size_t csm_width(const char *s, size_t len);
/* Number of bytes of s that fit in maxw columns without splitting a
 * character; the width used is stored in *used (may be NULL). */
size_t csm_width_fit(const char *s, size_t len, size_t maxw, size_t *used);
/*
 * Writes s into buf (size n) for a one-line message: control characters,
 * quotes and backslashes escaped as in JSON, invalid bytes as \xNN, cut
 * with "..." when longer than the buffer.  Returns buf.
 */
char *csm_escape(const char *s, size_t len, char *buf, size_t n);
/* As csm_escape, but leaving quotes and backslashes alone: for text that
 * is JSON already, and for table cells. */
char *csm_escape_controls(const char *s, size_t len, char *buf, size_t n);
/* Writes a JSON value for a message into buf: a string quoted and escaped
 * as csm_escape does, anything else as compact JSON, cut to fit.
 * Returns buf. */
char *csm_escape_json(const json_t *v, char *buf, size_t n);

/*
 * Time: instants are int64_t seconds since the epoch (UTC).  Time zones are
 * IANA zones read from the system's TZif files, or fixed offsets.
 */
struct csm_tz;

/* A broken-down local time. */
struct csm_tm {
	int	year;		/* 0 .. 9999 */
	int	mon;		/* 1 .. 12 */
	int	day;		/* 1 .. 31 */
	int	hour, min, sec;
	int	wday;		/* 0 = Sunday */
	int	yday;		/* 0 .. 365 */
	int	off;		/* seconds east of UTC */
};

/*
 * Loads a zone: "UTC", an IANA name ("Asia/Shanghai"), a fixed offset
 * ("+08:00"), or NULL/"" for the system zone ($TZ, else /etc/localtime,
 * else UTC).  Returns new, or NULL with err (CSM_ECONFIG) for an unknown
 * zone.
 */
struct csm_tz *csm_tz_load(const char *name, struct csm_err *err);
void csm_tz_free(struct csm_tz *tz);
/* The zone's name as given (borrowed, valid while tz lives). */
const char *csm_tz_name(const struct csm_tz *tz);
/* Offset from UTC in seconds at instant t. */
int csm_tz_offset(const struct csm_tz *tz, int64_t t);
/* Instant to local broken-down time. */
void csm_tz_local(const struct csm_tz *tz, int64_t t, struct csm_tm *tm);
/*
 * Local wall time (year..sec of tm, other fields ignored) to an instant.  A
 * time in a DST gap is moved forward by the gap; an ambiguous time takes the
 * earlier instant.
 */
int64_t csm_tz_utc(const struct csm_tz *tz, const struct csm_tm *tm);

/* Days since 1970-01-01 of a civil date, and back. */
int64_t csm_days_from_civil(int y, int m, int d);
void csm_civil_from_days(int64_t days, int *y, int *m, int *d);

/*
 * Parses an ISO 8601 / RFC 3339 time: "2026-11-20T09:30:00+08:00", "Z",
 * a space for "T", fractions of a second (dropped), minutes without
 * seconds, a date alone (local midnight).  Without an offset the time is
 * local to tz (NULL: UTC).  Returns 0, or -1 with err (CSM_EDATA).
 */
int csm_time_parse(const char *s, size_t len, const struct csm_tz *tz,
    int64_t *t, struct csm_err *err);
/*
 * The instants a record may carry: from 1970-01-01T00:00:01Z (0 means "no
 * time" in the store) to 9999-12-30T00:00:00Z (so that every zone writes it
 * with a four-digit year).  Tools refuse times outside with a data error.
 */
#define CSM_TIME_MIN 1LL
#define CSM_TIME_MAX 253402128000LL
/* Returns 1 if t is within CSM_TIME_MIN..CSM_TIME_MAX, else 0 and err
 * (CSM_EDATA) says so, naming the time. */
int csm_time_check(int64_t t, struct csm_err *err);
/* Writes t as RFC 3339 in zone tz into buf (at least 32 bytes); returns the
 * length.  "2026-11-20T09:30:00+08:00"; "Z" is never used. */
size_t csm_time_format(int64_t t, const struct csm_tz *tz, char *buf);
/* Parses a duration: "90s", "45m", "2h", "3d", "1w", "1h30m", or plain
 * seconds.  Returns 0, or -1 with err. */
int csm_dur_parse(const char *s, size_t len, int64_t *secs,
    struct csm_err *err);
/* Writes a duration in its largest exact unit ("2h", "90s", "3d") into buf
 * (at least 24 bytes); returns the length. */
size_t csm_dur_format(int64_t secs, char *buf);

/*
 * Business calendars: [calendar "name"] of csm.conf(5), csm-sla(1).  A
 * calendar is a time zone, weekly opening hours, holidays and worked days
 * (调休).  Its business intervals are those instants at which it is open:
 * each range belongs to the local day it starts on, its end is exclusive,
 * a holiday removes the ranges of its local day and the part on it of the
 * previous day's overnight ranges, and local times follow the zone across
 * DST (csm_tz_utc).  Overlapping and touching ranges are one (never
 * counted twice), a date both holiday and worked day is worked, and
 * nothing is open before 1970-01-01T00:00:00Z or from CSM_TIME_MAX on.
 * Business time is counted in seconds; a "d" in a duration is 24 hours of
 * it, as everywhere in csm.  A calendar is read-only once built: threads
 * may share it.
 */
struct csm_cal;

/* Ceiling of the walks: an instant past this is "never". */
#define CSM_CAL_NEVER INT64_MAX

/*
 * Builds the calendar [calendar "name"] of conf (borrowed during the
 * call); "holidays = FILE" is read relative to the file that names it.
 * Without "timezone =" the zone is [core]'s, else the system's.  Returns
 * new, or NULL with err: CSM_ECONFIG naming file:line:col for a bad entry
 * (an .ics file's own line too), or for an unknown calendar "no
 * [calendar \"x\"] in the configuration" (no place); CSM_EINTERNAL when
 * out of memory.
 */
struct csm_cal *csm_cal_new(const struct csm_conf *conf, const char *name,
    struct csm_err *err);
/* A calendar open at every instant (from 1970 to CSM_TIME_MAX, so its
 * one interval is [0, CSM_TIME_MAX)), in zone tz (borrowed for its
 * life): the one a policy without "calendar =" uses.  new, or NULL (out
 * of memory). */
struct csm_cal *csm_cal_always(const struct csm_tz *tz);
void csm_cal_free(struct csm_cal *c);
/* Its name ("always" for csm_cal_always) and zone (borrowed). */
const char *csm_cal_name(const struct csm_cal *c);
const struct csm_tz *csm_cal_tz(const struct csm_cal *c);
/* Business seconds in [a, b); 0 when b <= a. */
int64_t csm_cal_elapsed(const struct csm_cal *c, int64_t a, int64_t b);
/*
 * The due time of start + secs: the earliest instant t >= start at which
 * csm_cal_elapsed(c, start, t) reaches secs (secs 0: start itself; landing
 * on a closing time gives the closing time).  CSM_CAL_NEVER when the
 * calendar does not open enough before CSM_TIME_MAX.
 */
int64_t csm_cal_due(const struct csm_cal *c, int64_t start, int64_t secs);
/*
 * The business interval that holds t, or else the first that starts after
 * t: 1 and [*open, *close), or 0 when there is none before CSM_TIME_MAX.
 * Adjacent intervals (23:00-24:00 then 00:00-01:00) are one, so *open
 * may be far before t and *close far after it (at most CSM_TIME_MAX).
 */
int csm_cal_interval(const struct csm_cal *c, int64_t t, int64_t *open,
    int64_t *close);

/*
 * Records: streaming readers and writers of JSONL, CSV and TSV, and an
 * aligned table writer.  A record is a JSON object; CSV and TSV fields
 * arrive as strings keyed by the header, an empty field is absent.
 */
enum csm_fmt {
	CSM_FMT_AUTO = 0,	/* readers: by extension, else JSONL */
	CSM_FMT_JSONL,
	CSM_FMT_CSV,
	CSM_FMT_TSV,
	CSM_FMT_TABLE		/* writers only */
};

/* "jsonl" (or "json", "ndjson"), "csv", "tsv", "table"; -1 if unknown. */
int csm_fmt_parse(const char *name);
/* The format a file name implies by its extension, else CSM_FMT_AUTO. */
enum csm_fmt csm_fmt_of_path(const char *path);

struct csm_reader;

struct csm_rec {
	json_t		*obj;	 /* new: the caller owns it (NULL on error) */
	long		 line;	 /* the line the record starts on */
	const char	*raw;	 /* borrowed until the next read: the record's
				  * bytes as read, without its last newline */
	size_t		 rawlen;
};

/*
 * Opens path ("-" for stdin) for reading records in format fmt (AUTO: by
 * extension, else JSONL).  encoding NULL or "utf-8" reads UTF-8; any other
 * iconv(3) name ("gbk", "gb18030") is converted line by line.  Returns
 * new, or NULL with err (CSM_ENOINPUT, CSM_EUSAGE for an unknown encoding).
 */
struct csm_reader *csm_reader_open(const char *path, enum csm_fmt fmt,
    const char *encoding, struct csm_err *err);
/* Reads the next record into rec.  Returns 1 for a record, 0 at the end,
 * -1 for a bad record (err names line and reason, rec->raw holds its bytes;
 * reading can go on), -2 for an I/O error (reading must stop). */
int csm_reader_next(struct csm_reader *r, struct csm_rec *rec,
    struct csm_err *err);
/* "stdin" or the path (borrowed, valid while r lives). */
const char *csm_reader_name(const struct csm_reader *r);
/* Ends the input, as if at its end, once *stop (borrowed, set by a
 * signal handler) is non-zero, within about 0.1 s even while a pipe stays
 * quiet; csm_reader_stopped then says so. */
void csm_reader_interrupt(struct csm_reader *r,
    const volatile sig_atomic_t *stop);
int csm_reader_stopped(const struct csm_reader *r);
/* 1 if the next record can be read without waiting for input, else 0
 * (a pipe that has gone quiet). */
int csm_reader_ready(struct csm_reader *r);
/* Bytes consumed so far and the input's size (0 if not a regular file). */
void csm_reader_progress(const struct csm_reader *r, uint64_t *done,
    uint64_t *total);
/* The header line of CSV or TSV input as read, without its newline
 * (borrowed, valid while r lives), or NULL before it is read. */
const char *csm_reader_header(const struct csm_reader *r, size_t *len);
void csm_reader_close(struct csm_reader *r);

/* Writer flags. */
#define CSM_W_BOM	 0x01	/* CSV: UTF-8 byte order mark first */
#define CSM_W_CRLF	 0x02	/* CSV: \r\n line ends */
#define CSM_W_EXCEL_SAFE 0x04	/* CSV: ' before = + - @ */
#define CSM_W_COLOR	 0x08	/* table: bold header */

struct csm_writer;

/*
 * A writer of records in fmt to fp (borrowed until csm_writer_free).  cols
 * (NULL-terminated, borrowed for the writer's life) fixes the columns of
 * CSV, TSV and tables; JSONL writes whatever fields are given, in the order
 * given.  Output is buffered until csm_writer_flush (tables: until the
 * writer is finished).  Returns new.
 */
struct csm_writer *csm_writer_new(FILE *fp, enum csm_fmt fmt,
    const char *const *cols, unsigned flags);
/* Starts a record. */
void csm_writer_begin(struct csm_writer *w);
/* Adds a field: a string of len bytes (valid UTF-8), an integer, a boolean,
 * or any JSON value (arrays are written ';'-joined in CSV, TSV, tables).
 * A field not among cols is dropped by CSV/TSV/table writers. */
void csm_writer_str(struct csm_writer *w, const char *key, const char *s,
    size_t len);
void csm_writer_int(struct csm_writer *w, const char *key, int64_t v);
void csm_writer_bool(struct csm_writer *w, const char *key, int v);
void csm_writer_json(struct csm_writer *w, const char *key, const json_t *v);
/* Adds a field whose value is JSON text (as written by jansson): copied
 * as is into JSONL, decoded for the other formats. */
void csm_writer_raw(struct csm_writer *w, const char *key, const char *json,
    size_t len);
/* A record's custom fields (the JSON object text obj): its fields in
 * JSONL; in CSV, TSV and tables the text in the "attrs" column, if the
 * writer has one, and never in a built-in column. */
void csm_writer_custom(struct csm_writer *w, const char *obj, size_t len);
/* Adds every field of the JSON object text obj, in order. */
void csm_writer_raw_fields(struct csm_writer *w, const char *obj,
    size_t len);
/* Ends the record. */
void csm_writer_end(struct csm_writer *w);
/* Bytes buffered and not yet written. */
size_t csm_writer_pending(const struct csm_writer *w);
/* The writer's format. */
enum csm_fmt csm_writer_format(const struct csm_writer *w);
/* The bytes buffered (borrowed until the next call on w), for a caller
 * that uses a writer to format text; and dropping them. */
const char *csm_writer_buffer(const struct csm_writer *w, size_t *len);
void csm_writer_discard(struct csm_writer *w);
/* A mark of what is buffered, and dropping what was added after it (a
 * record taken back); marks are invalid after a flush. */
size_t csm_writer_mark(const struct csm_writer *w);
void csm_writer_rewind(struct csm_writer *w, size_t mark);
/* Writes what is buffered (tables wait for csm_writer_finish).  Returns 0,
 * or -1 with err (CSM_EIO; a closed pipe gives CSM_EIO with errno EPIPE in
 * *eno when eno is not NULL). */
int csm_writer_flush(struct csm_writer *w, int *eno, struct csm_err *err);
/* Writes everything, tables included, and flushes fp.  Same returns. */
int csm_writer_finish(struct csm_writer *w, int *eno, struct csm_err *err);
void csm_writer_free(struct csm_writer *w);
/* Appends s as a JSON string (quoted, escaped) to a growable buffer; used
 * by writers and by tools that build JSON by hand.  Returns -1 on ENOMEM. */
struct csm_buf {
	char	*p;
	size_t	 len, cap;
	int	 oom;		/* an append failed: out of memory (sticky) */
};
int csm_buf_add(struct csm_buf *b, const char *s, size_t len);
int csm_buf_addc(struct csm_buf *b, char c);
int csm_buf_json_str(struct csm_buf *b, const char *s, size_t len);
/* Any JSON value as compact text, keys in order, reals in their shortest
 * exact form (the one serializer of libcsm).  Returns new, or NULL. */
char *csm_json_text(const json_t *v);
void csm_buf_free(struct csm_buf *b);

/*
 * The model: record kinds, ticket statuses and workflows, custom fields
 * ([field] and [workflow] in csm.conf(5)).
 */
enum csm_kind {
	CSM_KIND_TICKET = 1,
	CSM_KIND_MESSAGE,
	CSM_KIND_EVENT,
	CSM_KIND_CUSTOMER,
	CSM_KIND_ORDER,
	CSM_KIND_SURVEY
};
#define CSM_NKINDS 7

/* Formats an id as records show it, "T-000042", "C-000007", "M-...",
 * "E-...", "S-...", "O-...", into buf (>= 24 bytes). */
void csm_ref_format(char prefix, int64_t id, char *buf);
/* Parses "T-42", "T-000042", "t-42" or "42" for prefix 'T'; 0 if it is
 * not one. */
int64_t csm_ref_parse(char prefix, const char *s, size_t len);
/* Whether a name is reserved: a field of some record kind, or one the
 * records csm prints carry ("op", "type", "stage", ...).  Custom fields
 * may not take these names. */
int csm_field_reserved(const char *name);
/* "ticket" .. "survey" (also plural) to a kind; -1 if unknown. */
int csm_kind_parse(const char *name);
const char *csm_kind_name(int kind);

/* The default statuses, in lifecycle order. */
enum csm_status {
	CSM_ST_NEW,
	CSM_ST_OPEN,
	CSM_ST_PENDING,
	CSM_ST_ON_HOLD,
	CSM_ST_RESOLVED,
	CSM_ST_CLOSED,
	CSM_NSTATUS
};
int csm_status_parse(const char *name);
const char *csm_status_name(int status);

struct csm_model;

/*
 * Builds the model from a configuration: [core] (timezone,
 * reopen_window), [field "name"] and [workflow "type"] sections.  conf may
 * be NULL for the defaults.  Returns new, or NULL with err (CSM_ECONFIG,
 * naming file:line:column).
 */
struct csm_model *csm_model_new(const struct csm_conf *conf,
    struct csm_err *err);
void csm_model_free(struct csm_model *m);
/* The configured time zone (borrowed, valid while m lives). */
const struct csm_tz *csm_model_tz(const struct csm_model *m);
/*
 * The i-th warning about the configuration the model was built from, as
 * "file:line:col: message", or NULL when there are no more (borrowed,
 * valid while m lives).  Warnings are what the tools go on without: a
 * section that no tool knows.  The tools print them; the library never
 * does.
 */
const char *csm_model_warning(const struct csm_model *m, size_t i);

/* A ticket's place in its lifecycle. */
struct csm_ticket_state {
	const char	*type;		/* ticket_type, or NULL */
	const char	*status;	/* a default status */
	const char	*stage;		/* its workflow stage, or NULL */
	int64_t		 closed_at;	/* when it was closed, if it was */
};

/*
 * Checks a move of a ticket in state cur to "to", a default status or a
 * stage of the ticket type's workflow, at time now.  On success stores the
 * new default status and stage (borrowed from m or static; stage NULL
 * without a workflow) and returns 1 if anything changes, 0 if not.
 * Returns -1 with err (CSM_EDATA) for an unknown status or an illegal
 * move.  cur NULL asks for the initial state of a new ticket.
 */
int csm_model_move(const struct csm_model *m,
    const struct csm_ticket_state *cur, const char *type, const char *to,
    int64_t now, const char **status, const char **stage,
    struct csm_err *err);
/* The default status (enum csm_status) a status or stage name stands
 * for on a ticket of type (NULL: none); -1 when it is neither. */
int csm_model_status_of(const struct csm_model *m, const char *type,
    const char *name);
/* The state a reopen moves to (customer reply on a resolved ticket);
 * same returns as csm_model_move. */
int csm_model_reopen(const struct csm_model *m,
    const struct csm_ticket_state *cur, int64_t now, const char **status,
    const char **stage, struct csm_err *err);
/*
 * Validates the custom fields of a record of kind (for a ticket of type
 * ttype) against the [field] declarations, normalizing values in place
 * (integers, numbers, booleans, dates).  attrs is an object of the fields
 * that are not built in (or NULL).  Returns 0, or -1 with err naming the
 * field.
 */
int csm_model_check_fields(const struct csm_model *m, int kind,
    const char *ttype, json_t *attrs, struct csm_err *err);
/* The name of the i-th custom field declared for records of kind (by
 * [field] sections, in their order), or NULL after the last. */
const char *csm_model_custom(const struct csm_model *m, int kind,
    size_t i);
/*
 * Whether the required custom fields are there: they bind only records
 * that create something.  Returns 0, or -1 with err naming the first
 * missing field.
 */
int csm_model_check_required(const struct csm_model *m, int kind,
    const char *ttype, const json_t *attrs, struct csm_err *err);

/*
 * Customer identities: the keys by which records from every channel are
 * resolved to one customer.
 */
enum csm_idkind {
	CSM_ID_PHONE,
	CSM_ID_EMAIL,
	CSM_ID_WECHAT,
	CSM_ID_WECOM,
	CSM_ID_DINGTALK,
	CSM_ID_WEIBO,
	CSM_ID_CRM,
	CSM_NIDKINDS
};

/* The record field of an identity kind ("phone", ..., "crm_id") and the
 * name stored in the identities table ("phone", ..., "crm"). */
const char *csm_id_field(int kind);
const char *csm_id_name(int kind);
/*
 * Normalizes an identity value into out (size n).  Returns the length, or
 * -1 with err (CSM_EDATA) when the value is not one.
 *
 * Phones: the identity is the line, written as China dials it at home.
 * - Spaces, dashes, dots, slashes and parentheses go, fullwidth digits
 *   and separators too; "+44 (0)20" loses its "(0)".
 * - +86, 0086 and a bare 86 before an 11-digit mobile go: a mobile is
 *   11 digits from 1; 400 and 800 numbers (10 digits) and the short
 *   service numbers (95588, 10086, 12315: 5 or 6 digits from 1 or 9)
 *   stay as they are ("+86 400 820 8820" is "4008208820"); any other
 *   number after +86 is a landline and gets its trunk 0 ("+86 10
 *   12345678" is "01012345678").  A Chinese number may not start 00.
 * - Other countries become "+<digits>", 7 to 15 of them; a national
 *   number has 5 to 15 digits.
 * - An extension is dropped: after "ext", "ext.", "extn", "extension",
 *   "x", "#", ",", ";", "转", "分机", "分机号", "内线" (or fullwidth ＃ ，
 *   ；), optionally in parentheses, come 1 to 8 digits and nothing else;
 *   a marker followed by anything else is refused.  A Chinese landline
 *   with a last dash-separated group it has no room for (more than 11
 *   digits for 010 and 02x, 12 for others) loses that group as an
 *   extension: "010-8888 6666-123" is "01088886666".
 * - A spreadsheet's number is read as the digits it holds:
 *   "13812345678.0" (one or two zeros after the dot) and Excel's
 *   "1.3812345678E+10" are "13812345678"; a scientific form with fewer
 *   digits than its exponent ("1.38123E+10") has lost some and is
 *   refused ("digits lost to a spreadsheet's number format").
 * Emails are trimmed, unwrapped from "Name <...>" and "mailto:", and
 * lowercased; other ids are trimmed and kept as they are.
 */
int csm_id_norm(int kind, const char *s, size_t len, char *out, size_t n,
    struct csm_err *err);

/*
 * Redaction: records without personal data, for exports that leave the
 * team (redact.c says what is replaced and how).
 */
struct csm_redactor;
/* A redactor with a random key (NULL with err if /dev/urandom fails), or
 * with the given 16-byte key (tests; NULL if out of memory). */
struct csm_redactor *csm_redactor_new(struct csm_err *err);
struct csm_redactor *csm_redactor_with_key(const unsigned char key[16]);
void csm_redactor_free(struct csm_redactor *r);
/* Redacts a record in place: identities become keyed pseudonyms
 * ("phone:3fa9c01b22de"), names and addresses "***", e-mail addresses and
 * long digit runs in free text "***".  0, or -1 with err. */
int csm_redact(const struct csm_redactor *r, json_t *rec,
    struct csm_err *err);
/* The free-text masking alone: new text, its length in *outlen; NULL if
 * out of memory. */
char *csm_redact_text(const char *s, size_t len, size_t *outlen);
/* SipHash-2-4 of s[0..len) with the 128-bit key (k0, k1). */
uint64_t csm_siphash(uint64_t k0, uint64_t k1, const void *s, size_t len);

/*
 * The store: one SQLite file (csm(7), FILES).  Writers take the write lock
 * with BEGIN IMMEDIATE and wait up to the busy timeout for it.
 */
struct csm_store;

#define CSM_STORE_READONLY	0x01	/* open existing, never write */
#define CSM_STORE_MEMORY	0x02	/* a private in-memory store */
#define CSM_STORE_DRYRUN	0x04	/* write nothing that lasts: one
					 * transaction from open to close,
					 * the schema upgrade included */

/*
 * Resolves the store's path: opt (--db) if set, else $CSM_DB, else
 * $XDG_DATA_HOME/csm/csm.db, else ~/.local/share/csm/csm.db.  Returns new,
 * or NULL with err (CSM_ECONFIG when no location can be made).
 */
char *csm_store_path(const char *opt, struct csm_err *err);
/*
 * Opens (creating with mode 0600 and its directory with 0700 unless
 * READONLY) and upgrades the schema in one transaction.  busy_ms is how
 * long a writer waits for the lock.  Returns new, or NULL with err:
 * CSM_ENOINPUT (READONLY and missing), CSM_ECANTCREAT, CSM_EBUSY.
 */
struct csm_store *csm_store_open(const char *path, unsigned flags,
    int busy_ms, struct csm_err *err);
/* Closes the store; NULL is a no-op.  Returns 0 or -1 with err. */
int csm_store_close(struct csm_store *st, struct csm_err *err);
/* BEGIN IMMEDIATE, COMMIT, ROLLBACK.  0, or -1 with err (CSM_EBUSY when
 * the lock was not had in time).  A DRYRUN store holds its one
 * transaction from open to close: begin and commit do nothing, and
 * rollback undoes everything since the store was opened (after which, as
 * after csm_store_dryrun_forget, begin takes the lock again). */
int csm_store_begin(struct csm_store *st, struct csm_err *err);
int csm_store_commit(struct csm_store *st, struct csm_err *err);
int csm_store_rollback(struct csm_store *st);
/* A DRYRUN store lets go of its transaction (and the write lock),
 * forgetting its writes; csm_store_begin takes it again.  Not when it
 * holds a schema upgrade; a no-op for other stores. */
void csm_store_dryrun_forget(struct csm_store *st);
/*
 * For a long run of writes (csm-ingest): WAL checkpoints move to a
 * background thread with its own connection, so that copying pages into
 * the database and syncing it overlap with the writes; the writer waits
 * for the checkpointer only when the WAL passes 256 MB, so that it can
 * start over.  A no-op for in-memory and read-only stores.  0, or -1 with
 * err.
 */
int csm_store_bulk_begin(struct csm_store *st, struct csm_err *err);
/* Stops the background checkpointer (a no-op if none runs). */
void csm_store_bulk_end(struct csm_store *st);
/* Whether another connection has committed since the last call (1/0). */
int csm_store_changed(struct csm_store *st);
/* The schema version this library writes, and the store's. */
int csm_store_schema_latest(void);
int csm_store_schema_version(struct csm_store *st);
/* "ok", or the first problem PRAGMA integrity_check finds (new). */
char *csm_store_check(struct csm_store *st, struct csm_err *err);
/*
 * Copies the store at src (of any schema version) into a new file dest,
 * mode 0600, online: one consistent snapshot while writers go on; then
 * checks the copy's integrity.  An existing dest is refused.  Returns 0,
 * or -1 with err (CSM_ENOINPUT, CSM_ECANTCREAT, CSM_EBUSY, CSM_EIO) and
 * dest removed.
 */
int csm_store_backup(const char *src, const char *dest, int busy_ms,
    struct csm_err *err);

/*
 * Tickets: the one write path.  A desk is a store, a model and what they
 * need to change tickets (the identity cache, the output of changes).
 * Every change to a ticket, from any tool, is made through it: the state
 * machine and workflows of csm.conf(5) decide status moves, custom fields
 * are checked against the ticket's stored type, and each change is
 * appended to the events with who made it, when and why, in the caller's
 * transaction (csm_store_begin .. csm_store_commit).  csm(7), TICKET API,
 * shows a whole program.
 *
 * Writes return 1 when they changed something, 0 when there was nothing
 * to change, and -1 with err: CSM_EDATA when the change is refused
 * (nothing of it was written: the transaction may go on), anything else
 * when the store failed (roll the transaction back).
 */
struct csm_desk;
struct csm_ticket;
struct csm_ticket_iter;

/* Who makes a change, when, and why: the by, at and why of its events. */
struct csm_actor {
	const char	*by;		/* a person or a tool; NULL: the desk's */
	int64_t		 at;		/* 0: the desk's now */
	const char	*why;		/* what made it (a rule's name), or NULL */
};

/*
 * A desk on st with model m (both borrowed for the desk's life).  by is
 * the actor of changes that name none ("csm-route"; borrowed), now the
 * time of changes that carry none.  Returns new, or NULL with err.
 */
struct csm_desk *csm_desk_new(struct csm_store *st, const struct csm_model *m,
    const char *by, int64_t now, struct csm_err *err);
void csm_desk_free(struct csm_desk *d);
/*
 * Writes a line to w (borrowed until the desk is freed or another writer
 * is set; NULL: none) for every record a change creates or changes, as
 * csm-ingest prints them: customers created or merged, follow-up and
 * linked tickets, messages, events.  verbose also writes the unchanged.
 */
void csm_desk_output(struct csm_desk *d, struct csm_writer *w, int verbose);

/*
 * Loads ticket id, following merges to the ticket it now lives in unless
 * exact.  Returns 1 and *t (new), 0 when there is no such ticket, or -1
 * with err.
 */
int csm_ticket_load(struct csm_desk *d, int64_t id, int exact,
    struct csm_ticket **t, struct csm_err *err);
/* Loads the ticket of a channel's key (source, source_id); as above. */
int csm_ticket_find(struct csm_desk *d, const char *source,
    const char *source_id, struct csm_ticket **t, struct csm_err *err);
void csm_ticket_free(struct csm_ticket *t);
/* The ticket's id and customer id (0: none). */
int64_t csm_ticket_id(const struct csm_ticket *t);
int64_t csm_ticket_customer(const struct csm_ticket *t);
/*
 * The ticket as the record csm-ingest prints (id, customer, name, tier,
 * org, its fields and times, reopens, merged_into, custom fields), without
 * "op" and "type".  Borrowed: valid until t is changed or freed.  NULL
 * with err when out of memory or the store fails.
 */
const json_t *csm_ticket_record(struct csm_desk *d, struct csm_ticket *t,
    struct csm_err *err);
/*
 * The ticket's customer: id, name, tier, org, custom fields, identities
 * (an object of arrays by kind) and the figures rules use: open_tickets
 * (not resolved or closed, this one included), tickets_30d (created in
 * the 30 days before the desk's now), orders, under_warranty (an order's
 * warranty_until is after now).  An empty object when the ticket has no
 * customer.  Borrowed, as csm_ticket_record.
 */
const json_t *csm_ticket_customer_record(struct csm_desk *d,
    struct csm_ticket *t, struct csm_err *err);
/*
 * A lookup for struct csm_expr_ctx (arg: the ticket): "customer.NAME"
 * names what csm_ticket_customer_record holds, other names fall through to
 * the record.  With ctx.lookup = csm_ticket_lookup and ctx.arg = t,
 * evaluate against csm_ticket_record(d, t).
 */
json_t *csm_ticket_lookup(void *t, const char *name);
/* Evaluates e against the ticket with that lookup: 1, 0, or -1 with err. */
int csm_ticket_match(struct csm_desk *d, struct csm_ticket *t,
    const struct csm_expr *e, struct csm_err *err);

/* Which tickets an iteration visits, in id order. */
struct csm_ticket_query {
	int			 open;		/* 1: not resolved, closed or
						 * merged */
	int64_t			 updated_since;	/* 0: any */
	int64_t			 after;		/* ids above this */
	const struct csm_expr	*where;		/* NULL: all (with lookup) */
};
/* Starts an iteration (q borrowed for its life).  new, or NULL with err. */
struct csm_ticket_iter *csm_ticket_iter_new(struct csm_desk *d,
    const struct csm_ticket_query *q, struct csm_err *err);
/* The next ticket: 1 and *t (borrowed until the next call), 0 at the end,
 * -1 with err.  Changing *t, or any ticket, through the desk is allowed:
 * tickets are read 256 at a time, and one the desk changed since is read
 * again; so is the rest of the page when the caller commits between two
 * tickets and another program committed since the page was read.  One
 * iteration at a time per store connection (it holds the connection's
 * update and commit hooks). */
int csm_ticket_iter_next(struct csm_ticket_iter *it, struct csm_ticket **t,
    struct csm_err *err);
void csm_ticket_iter_free(struct csm_ticket_iter *it);

/*
 * A ticket's history: its events (as event records, see csm-records(5)),
 * oldest first, then by id.  Returns 0 and *events (new array), or -1.
 */
int csm_ticket_events(struct csm_desk *d, int64_t id, json_t **events,
    struct csm_err *err);
/* Its messages, in the same way. */
int csm_ticket_messages(struct csm_desk *d, int64_t id, json_t **messages,
    struct csm_err *err);

/*
 * Changes fields of t: fields is an object of ticket fields as a ticket
 * record carries them (status or stage through the state machine, tags
 * as a whole, custom fields checked against the ticket's type; null
 * clears a field).  All are checked before any is written.  1, 0 or -1.
 */
int csm_ticket_change(struct csm_desk *d, struct csm_ticket *t,
    const json_t *fields, const struct csm_actor *who, struct csm_err *err);
/* One field; value a string, number or null (borrowed). */
int csm_ticket_set(struct csm_desk *d, struct csm_ticket *t,
    const char *field, const json_t *value, const struct csm_actor *who,
    struct csm_err *err);
/* Adds (add 1) or removes (0) one tag.  1, 0 or -1. */
int csm_ticket_tag(struct csm_desk *d, struct csm_ticket *t,
    const char *tag, int add, const struct csm_actor *who,
    struct csm_err *err);
/*
 * Creates a ticket from rec, a ticket record (borrowed): its customer is
 * resolved from its identities as csm-ingest does.  A record whose source
 * and source_id name a ticket that exists creates nothing: 0 and *t that
 * ticket.  1 and *t (new) when created, -1 with err.
 */
int csm_ticket_create(struct csm_desk *d, const json_t *rec,
    const struct csm_actor *who, struct csm_ticket **t, struct csm_err *err);
/*
 * Adds a message record (borrowed; "ticket" is t) to t: an agent's first
 * public reply sets first_response_at and opens a new ticket, a
 * customer's reopens a resolved one or starts a follow-up after the
 * reopen window, auto replies never count as a response.  *mid (may be
 * NULL) gets its id.  1 added, 0 the same message was there, -1.
 */
int csm_ticket_add_message(struct csm_desk *d, struct csm_ticket *t,
    const json_t *msg, const struct csm_actor *who, int64_t *mid,
    struct csm_err *err);
/*
 * Links t and ticket other both ways: kind is the link seen from t
 * ("link", "task", "follow_up"), back the one seen from other ("link",
 * "task_of", "follow_up_of").  1, 0 (linked already) or -1.
 */
int csm_ticket_link(struct csm_desk *d, struct csm_ticket *t, int64_t other,
    const char *kind, const char *back, const struct csm_actor *who,
    struct csm_err *err);
/* Merges t into ticket into (closing t); refuses cycles and merged
 * tickets.  1, 0 (merged there already) or -1. */
int csm_ticket_merge(struct csm_desk *d, struct csm_ticket *t, int64_t into,
    const struct csm_actor *who, struct csm_err *err);
/*
 * Appends an event to t's history that changes no field: action (say
 * "sla_breach"), the unique key (NULL: none) and data (an object or NULL,
 * borrowed).  With a key that is there already, nothing is written and 0
 * is returned (the exactly-once guarantee of a cron sweep).  *eid (may be
 * NULL) gets the event's id, the one there when 0.  1, 0 or -1.
 */
int csm_ticket_event(struct csm_desk *d, struct csm_ticket *t,
    const char *action, const char *key, const json_t *data,
    const struct csm_actor *who, int64_t *eid, struct csm_err *err);

/*
 * Rules and assignment: [rule], [agent] and [group] of csm.conf(5),
 * compiled once and run on tickets through a desk (csm-route(1)).  Every
 * change a rule makes is made through the ticket API with the rule's name
 * as its why, and a rule fires on a ticket at most once for each thing
 * that happened to it (its creation, an update, a message, a survey
 * answer, or, for time rules, the ticket as it last changed): the firing
 * is recorded as a keyed event, so reruns and concurrent runs never
 * repeat it.
 */
struct csm_rules;

/* What a rule runs on ("on ="), as bits. */
#define CSM_ON_CREATED	0x01
#define CSM_ON_UPDATED	0x02
#define CSM_ON_MESSAGE	0x04
#define CSM_ON_SURVEY	0x08
#define CSM_ON_TIME	0x10

/*
 * Compiles the rules, agents and groups of conf (borrowed during the call)
 * for model m (borrowed for the rules' life).  Returns new, or NULL with
 * err (CSM_ECONFIG naming file:line:col).
 */
struct csm_rules *csm_rules_new(const struct csm_conf *conf,
    const struct csm_model *m, struct csm_err *err);
void csm_rules_free(struct csm_rules *r);
/* How many enabled rules run on any of the kinds in on. */
size_t csm_rules_count(const struct csm_rules *r, unsigned on);
/* The i-th thing --check should warn about (a group with a strategy and
 * no one in it, an agent in no group), or NULL past the last (borrowed,
 * valid while r lives). */
const char *csm_rules_warning(const struct csm_rules *r, size_t i);

struct csm_rules_hooks {
	/* A rule considered on ticket id: fired or not, and why not (the
	 * false part of its when, with values), or what it did.  Borrowed
	 * for the call.  NULL: no explanations are made. */
	void	(*explain)(void *arg, int64_t ticket, const char *rule,
		    int fired, const char *why);
	/* A record a rule made for the output: a task ticket, a note or
	 * reply, a notify record (borrowed for the call). */
	void	(*record)(void *arg, const json_t *rec);
	/* A ticket left in its group's queue: no agent could take it. */
	void	(*queued)(void *arg, int64_t ticket, const char *group,
		    const char *why);
	void	*arg;
};

/* One run of the rules on a ticket. */
struct csm_rules_run {
	unsigned	 on;		/* one CSM_ON_* */
	const json_t	*extra;		/* on message or survey: that record,
					 * seen as message.* or survey.* */
	const char	*key;		/* what happened, for the firing key:
					 * the message's or answer's id, the
					 * updated_at of an updated record;
					 * NULL for created rules and for
					 * sweeps (the key is then the ticket
					 * as the rule leaves it) */
};

/*
 * Runs the enabled rules of run->on on ticket t, in file order, in the
 * caller's transaction: each whose when matches does its actions (each
 * rule sees what the ones before it did), a stop rule ends the run; then
 * a ticket of a group with a strategy and no assignee is assigned.  A
 * rule whose action is refused is undone whole and reported in err
 * (CSM_EDATA) after the others ran.  *changed (may be NULL) says whether
 * the ticket changed.  Returns 0, -1 with err (CSM_EDATA: a rule was
 * refused, the rest stand; else the store failed: roll back).
 */
int csm_rules_apply(struct csm_rules *r, struct csm_desk *d,
    struct csm_ticket *t, const struct csm_rules_run *run,
    const struct csm_rules_hooks *h, int *changed, struct csm_err *err);

/*
 * SLA policies: [sla] and [calendar] of csm.conf(5), run on tickets
 * through a desk (csm-sla(1)).  A ticket's clocks (first_response, each
 * cycle of next_response, resolution) are computed from its history alone:
 * its status events and its messages up to now, so that a late or
 * back-dated record gives the same answer as a live one.  Each level a
 * clock reaches (a warning, the breach, an escalation) is recorded once
 * as a keyed event, with the policy's actions for it.
 */
struct csm_sla;

/*
 * Compiles the policies of conf (borrowed during the call) for model m
 * (borrowed for the result's life); rules (borrowed, from the same conf)
 * runs the policies' on_warn, on_breach and on_escalate actions.  Returns
 * new, or NULL with err (CSM_ECONFIG naming file:line:col).
 */
struct csm_sla *csm_sla_new(const struct csm_conf *conf,
    const struct csm_model *m, struct csm_rules *rules, struct csm_err *err);
void csm_sla_free(struct csm_sla *s);
/* How many policies there are. */
size_t csm_sla_count(const struct csm_sla *s);
/* The i-th thing --check should warn about (a target given for some
 * priorities and not others), or NULL past the last (borrowed, valid
 * while s lives). */
const char *csm_sla_warning(const struct csm_sla *s, size_t i);

struct csm_sla_hooks {
	/* A level reached for the first time: the record the sweep prints
	 * (type "sla", event warn, breach or escalate; borrowed). */
	void	(*fired)(void *arg, const json_t *rec);
	/* A record an action made (a task, a note, a notify record). */
	void	(*record)(void *arg, const json_t *rec);
	/* The actions of a level were refused and undone (the level stays
	 * recorded): the ticket and why. */
	void	(*refused)(void *arg, int64_t ticket, const char *msg);
	/* A line of the arithmetic behind each clock (csm-sla explain);
	 * NULL: none are made. */
	void	(*explain)(void *arg, const char *line);
	void	*arg;
};

struct csm_sla_stats {
	uint64_t	tickets;	/* tickets computed */
	uint64_t	fired;		/* levels recorded */
	uint64_t	refused;	/* levels whose actions were refused */
	int		full;		/* every ticket was computed */
};

#define CSM_SLA_KEEP	0x01	/* keep the clocks in the store */
#define CSM_SLA_FIRE	0x02	/* record the levels reached, do their
				 * actions */

/*
 * Computes the clocks of t as of now under the first policy whose when
 * matches it, in the caller's transaction when flags write.  *clocks (may
 * be NULL) gets a new array of clock records (target, cycle, policy,
 * calendar, state, start, target_seconds, due, elapsed, left, paused,
 * met_at or ended_at, breached_at).  stats may be NULL.  Returns 1, 0
 * when no policy applies (an empty array), or -1 with err.
 */
int csm_sla_ticket(struct csm_sla *s, struct csm_desk *d,
    struct csm_ticket *t, int64_t now, unsigned flags,
    const struct csm_sla_hooks *h, json_t **clocks,
    struct csm_sla_stats *stats, struct csm_err *err);
/* The clocks kept in the store for t by the last sweep or filter, as
 * records like csm_sla_ticket's, with elapsed and paused as of "since",
 * the clock's last change: *clocks new.  0, or -1 with err. */
int csm_sla_kept(struct csm_desk *d, struct csm_ticket *t, json_t **clocks,
    struct csm_err *err);
/*
 * The cron sweep: computes, keeps and fires (as csm_sla_ticket) the
 * tickets created, changed or written to since the last sweep and those
 * with a level falling due by now; every ticket when all is set or the
 * policies and calendars changed (stats->full).  It makes its own
 * transactions, of batch tickets each.  0, or -1 with err (what was
 * committed stays; a rerun does the rest, never twice).
 */
int csm_sla_sweep(struct csm_sla *s, struct csm_desk *d, int64_t now,
    int all, long batch, const struct csm_sla_hooks *h,
    struct csm_sla_stats *stats, struct csm_err *err);

/*
 * Reports (csm-report): metrics by group, the 360-degree views, exports.
 * They read the store through a desk and never write.  A table is a JSON
 * object {"columns": [{"name": N, "type": T}, ...], "rows": [[v, ...],
 * ...]}, T one of "string", "int", "seconds", "percent", "number",
 * "time" (RFC 3339 text) or "bool", a missing value null: what every
 * output format (csm_xlsx_write included) is written from.
 */
struct csm_report_query {
	const char		*metrics;	/* "frt,resolution"; NULL: the
						 * default list */
	const char		*by;		/* "category,month"; NULL: none */
	const struct csm_expr	*where;		/* NULL: every ticket */
	int64_t			 since;		/* INT64_MIN: the beginning */
	int64_t			 until;		/* the window's end (excluded) */
	long			 top;		/* 0: every group */
	const struct csm_cal	*cal;		/* NULL: calendar seconds */
	const char		*fcr;		/* definition; NULL: one-touch */
};

/*
 * The grouped metrics of csm-report(1) over the tickets of d's store:
 * one row per group, the --by fields then each metric's columns (the
 * names csm-report(1) documents).  Returns a new table, or NULL with err
 * (CSM_EUSAGE for an unknown metric or field, naming it; store errors
 * as they come).
 */
json_t *csm_report_metrics(struct csm_desk *d,
    const struct csm_report_query *q, struct csm_err *err);
/* The metric names -m knows and the FCR definitions, NULL-terminated
 * (static). */
const char *const *csm_report_metric_names(void);
const char *const *csm_report_fcr_names(void);
/*
 * The 360-degree view of the customer key names (C-000007, or any
 * identity: a phone, an e-mail address, a WeChat id ...), merges
 * followed, and a ticket's timeline (T-000042 or 42).  Each returns a new
 * array of named tables [{"name": ..., "columns", "rows"}, ...] (a view's
 * sections: profile, identities, merges, orders, tickets, surveys,
 * totals; ticket, sla, timeline), or NULL with err (CSM_EDATA when there
 * is no such customer or ticket).
 */
json_t *csm_report_customer(struct csm_desk *d, const char *key,
    struct csm_err *err);
json_t *csm_report_ticket(struct csm_desk *d, const char *ref,
    struct csm_err *err);
/* The tables export knows: tickets, messages, events, customers; the
 * index of name, or -1. */
int csm_report_export_kind(const char *name);
/*
 * Writes every row of table kind that where (NULL: all) matches to w as
 * records (csm-records(5)), redacted by r unless NULL, flushing as it
 * goes.  0, or -1 with err (a write error: CSM_EIO, errno in *eno).
 */
int csm_report_export(struct csm_desk *d, int kind,
    const struct csm_expr *where, const struct csm_redactor *r,
    struct csm_writer *w, int *eno, struct csm_err *err);
/* The dashboard of q's window (csm-report(1) DASHBOARD, the JSON
 * csm_report_html draws): new, or NULL with err. */
json_t *csm_report_dashboard(struct csm_desk *d,
    const struct csm_report_query *q, struct csm_err *err);

/*
 * Ingest: the one write path for records from outside.  A parser thread
 * reads and checks records while the calling thread applies them to the
 * store in batches, one transaction each, and writes a line per record
 * created or changed once its batch is committed.
 */
struct csm_ingest;

struct csm_ingest_opts {
	int			 kind;		/* --type, or 0: "type" field */
	const char		*source;	/* --source default, or NULL */
	const char		*by;		/* actor named in events */
	const struct csm_expr	*where;		/* only matching records */
	int			 strict;	/* first bad record: roll back */
	int			 dry_run;	/* roll back at the end */
	int			 verbose;	/* also emit unchanged records */
	int			 keep_raw;	/* pass raw bytes to reject() */
	int64_t			 now;		/* time of records without one */
	long			 batch;		/* records per transaction */
	int			 idle_ms;	/* commit when the input has been
						 * quiet this long (0: 1000) */
	const volatile sig_atomic_t *stop;	/* set by a signal: end the
						 * input, commit what is whole */
};

struct csm_ingest_hooks {
	/* A refused record: its file, line, the reason, and (keep_raw) its
	 * bytes as read (borrowed for the call). */
	void	(*reject)(void *arg, const char *file, long line,
		    const char *msg, const char *raw, size_t rawlen);
	/* About ten times a second: bytes read of the current input, its
	 * size (0 if unknown) and records so far. */
	void	(*progress)(void *arg, uint64_t done, uint64_t total,
		    uint64_t records);
	void	*arg;
	/* A warning about the run that refuses nothing, such as a
	 * regular expression of --where stopped at its limit (the message
	 * is escaped already); it may come from the parser thread. */
	void	(*warn)(void *warnarg, const char *msg);
	void	*warnarg;
};

struct csm_ingest_stats {
	uint64_t	read;		/* records read */
	uint64_t	rejected;
	uint64_t	skipped;	/* not matching --where */
	uint64_t	ops[CSM_NKINDS][4];	/* created, updated, merged,
						 * unchanged, by kind */
	uint64_t	id_lookups;	/* identities looked up one by one */
	int		id_loaded;	/* the identity table was loaded whole */
	int		epipe;		/* output reader went away */
};

/*
 * An ingest into st with model m, writing to out (all borrowed for the
 * ingest's life; in strict and dry-run modes out should write to a
 * temporary file, since output is flushed before the final decision).
 * Returns new, or NULL with err.
 */
struct csm_ingest *csm_ingest_new(struct csm_store *st,
    const struct csm_model *m, struct csm_writer *out,
    const struct csm_ingest_opts *o, const struct csm_ingest_hooks *h,
    struct csm_err *err);
/*
 * Ingests every record of r.  Returns 0 (bad records are reported through
 * the reject hook and counted); -1 with err when the ingest must stop:
 * CSM_EDATA (strict mode: everything was rolled back), CSM_EBUSY, CSM_EIO
 * (stats.epipe when the output was closed), CSM_EINTERNAL; or -2 with err
 * (err->line set) when r itself cannot be read on, a bad CSV header or a
 * read error: what came before stays and the ingest may go on with the
 * next input.
 */
int csm_ingest_read(struct csm_ingest *ing, struct csm_reader *r,
    struct csm_err *err);
/* Commits what is pending (or rolls back a dry run) and flushes the
 * output.  0, or -1 with err. */
int csm_ingest_end(struct csm_ingest *ing, struct csm_err *err);
void csm_ingest_stats(const struct csm_ingest *ing,
    struct csm_ingest_stats *stats);
/* Frees ing, rolling back anything not ended. */
void csm_ingest_free(struct csm_ingest *ing);

/*
 * Configuration: the git-config style of csm.conf(5).
 */
struct csm_conf;

struct csm_conf_entry {
	const char	*section;	/* lowercased: "sla" */
	const char	*name;		/* subsection, as written, or NULL */
	const char	*key;		/* lowercased: "first_response" */
	const char	*value;		/* unquoted when wholly quoted */
	const char	*raw;		/* as written, quotes kept (the same
					 * string as value unless wholly
					 * quoted); what lists split */
	const char	*file;		/* where it was read */
	long		 line;
	long		 col;		/* column of the value */
};

/* A section header, [section] or [section "name"], where it was read. */
struct csm_conf_section {
	const char	*section;	/* lowercased */
	const char	*name;		/* as written, or NULL */
	const char	*file;
	long		 line;
	long		 col;		/* column of the section's name */
};

/* Parses a file (following [include] path = ...).  Returns new, or NULL
 * with err (CSM_ECONFIG, "file:line:col: ..." in msg; CSM_ENOINPUT when
 * the file itself is missing). */
struct csm_conf *csm_conf_load(const char *path, struct csm_err *err);
/* Parses text held in memory; name is used in messages. */
struct csm_conf *csm_conf_parse(const char *text, size_t len,
    const char *name, struct csm_err *err);
/* An empty configuration (never NULL unless out of memory). */
struct csm_conf *csm_conf_new(void);
void csm_conf_free(struct csm_conf *conf);
/* All entries in file order; *n gets the count (borrowed, valid while conf
 * lives). */
const struct csm_conf_entry *csm_conf_entries(const struct csm_conf *conf,
    size_t *n);
/* All section headers in file order, including those of included files
 * and those with no entries; *n gets the count (borrowed, valid while
 * conf lives). */
const struct csm_conf_section *csm_conf_sections(const struct csm_conf *conf,
    size_t *n);
/* The last value of section[.name].key, or NULL (borrowed). name NULL
 * matches only entries without a subsection. */
const struct csm_conf_entry *csm_conf_get(const struct csm_conf *conf,
    const char *section, const char *name, const char *key);
/* Formats "file:line:col: " of an entry followed by the message into err
 * with code CSM_ECONFIG; returns -1. */
int csm_conf_error(const struct csm_conf_entry *e, struct csm_err *err,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for the header of section s. */
int csm_conf_section_error(const struct csm_conf_section *s,
    struct csm_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Parses a boolean value (true/false/yes/no/on/off/1/0); -1 if none. */
int csm_conf_bool(const char *value);
/*
 * Splits the value of e as a list, the one list syntax of csm.conf(5)
 * (values, types, groups = a, b; first_response = urgent 30m, high 1h;
 * then = priority = urgent, group = "a, b"): items are separated by commas
 * outside double quotes and lose the white space around them.  An item
 * that is one quoted string as a whole loses its quotes, and the escapes
 * of quoted values (\n, \t, \c for any other c) are undone in it; any
 * other item is kept as written, quotes and backslashes included, for the
 * caller's own parser.  It reads e->raw (e->value if raw is NULL), so
 * 'values = "a, b"' is the one item "a, b".
 *
 * On success returns 0, sets *n to the count (at least 1) and *items to a
 * new NULL-terminated array of the items, allocated as one block with
 * their text: the caller frees it all with one free(*items).  An empty
 * value, an empty item ("a, , b", a trailing comma) and an unterminated
 * quote are errors: returns -1 with err (CSM_ECONFIG naming the entry's
 * file:line:col and key, or CSM_EINTERNAL when out of memory), *items
 * NULL and *n 0.  A quoted empty item ("") is an item.
 */
int csm_conf_list(const struct csm_conf_entry *e, char ***items, size_t *n,
    struct csm_err *err);
/*
 * The word of candidates (a NULL-terminated array; borrowed) that word is
 * most likely a typo of: a letter or two wrong, missing, extra or
 * swapped, '-' for '_'.  Returns it (borrowed), or NULL when none is
 * that close.
 */
const char *csm_conf_suggest(const char *word,
    const char *const *candidates);
/*
 * Fills err (CSM_ECONFIG) for an entry whose key its section does not
 * know: "file:line:col: unknown key 'k' in [s] (did you mean 'x'?)", or
 * "(expected a, b, c)" naming known (NULL-terminated) when no key is
 * close.  Returns -1.
 */
int csm_conf_unknown_key(const struct csm_conf_entry *e,
    const char *const *known, struct csm_err *err);
/*
 * Every key of every [section] and [section "name"] of conf given once:
 * else -1 with err (CSM_ECONFIG) "file:line:col: 'key' in [section
 * "name"] is set twice (first at file:line)" for the first key given
 * again (the last would win in silence).  0 when none is.
 */
int csm_conf_once(const struct csm_conf *conf, const char *section,
    struct csm_err *err);

/*
 * Expressions: the filter language of `when =` and `--where` (csm(7)).
 * Parsed once, evaluated per record against a JSON object.
 */
struct csm_expr;

struct csm_expr_ctx {
	const struct csm_tz	*tz;	/* for times without an offset */
	int64_t			 now;	/* for age and now */
	/* Optional: a value for a name before the record is consulted
	 * (borrowed until csm_expr_eval returns), or NULL to fall
	 * through. */
	json_t			*(*lookup)(void *arg, const char *name);
	void			*arg;
	/*
	 * Optional: told when a regular expression match was stopped at
	 * its limit (csm(7)): "~" and "!~" were then both false.  msg
	 * names the pattern, escaped for a terminal (borrowed for the
	 * call), as in "regular expression '(.*a){200}x' stopped at its
	 * limit; the value counts as not matching".  Called from the
	 * thread that evaluates, once per match stopped: a tool prints
	 * "prog: warning: msg" the first time.
	 */
	void			 (*warn)(void *warnarg, const char *msg);
	void			*warnarg;
};

/* Parses src; on error returns NULL with err->col set to the 1-based
 * column, counted in characters, and code CSM_EDATA (CSM_EINTERNAL when
 * out of memory). Returns new. */
struct csm_expr *csm_expr_parse(const char *src, struct csm_err *err);
void csm_expr_free(struct csm_expr *e);
/* Evaluates e against rec (a JSON object; dotted names reach into nested
 * objects).  Returns 1 (true), 0 (false), or -1 with err.  Threads may
 * evaluate one e at once, each with its own ctx. */
int csm_expr_eval(const struct csm_expr *e, const json_t *rec,
    const struct csm_expr_ctx *ctx, struct csm_err *err);
/*
 * A literal of the expression language as a JSON value, for the right
 * side of an action's FIELD = VALUE: a quoted string, a number, a
 * duration ("2h", kept as written), a time (RFC 3339 in tz), true, false,
 * null, or a bare word, which is a string ("urgent").  Returns new, or
 * NULL with err (CSM_EDATA, err->col set).
 */
json_t *csm_value_parse(const char *src, const struct csm_tz *tz,
    struct csm_err *err);
/*
 * Evaluates e as csm_expr_eval does and, when it is false, writes into
 * buf (size n) why: the innermost part that was false, as written, with
 * the values of the fields it compared ("priority = \"urgent\": priority
 * is \"normal\""; "none of: A; B" for an "or").  buf is "" when e is
 * true.  Returns 1, 0, or -1 with err.
 */
int csm_expr_explain(const struct csm_expr *e, const json_t *rec,
    const struct csm_expr_ctx *ctx, char *buf, size_t n,
    struct csm_err *err);

/*
 * Reports: workbooks and the dashboard page for csm-report.
 */

/*
 * Writes book (borrowed during the call) to fp as an .xlsx workbook:
 * {"sheets": [{"name": "Report", "columns": [{"name": "category",
 * "type": "string"}, ...], "rows": [[value, ...], ...]}, ...]}.  A column's
 * type is "string" (the default), "int", "number", "percent" (87.5 is
 * written as 87.5%), "seconds" (a count of seconds, "#,##0"), "time" (an
 * RFC 3339 string, written as an Excel date and time in the wall-clock
 * time it shows) or "bool".  null is an empty cell, and a value whose
 * JSON type does not fit its column is written as text, as is an integer
 * of more than 15 digits (Excel would round it).  Each sheet has a bold,
 * frozen header row with a filter, and columns as wide as their content
 * (at most 60).  Sheet names are made ones Excel takes ([]:*?/\ become
 * '_', cut to 31 characters, " (2)" after a repeated name) and text is
 * cut to 32,767 characters, on character boundaries.
 *
 * The workbook is built in a temporary file of $TMPDIR (else /tmp),
 * removed before returning, then copied to fp, which is flushed; so fp
 * may be a pipe.  Returns 0, or -1 with err: CSM_EDATA naming what is
 * malformed in book (nothing was written), CSM_EIO for a read or write
 * error, CSM_EINTERNAL for an error of libxlsxwriter or out of memory.
 */
int csm_xlsx_write(FILE *fp, const json_t *book, struct csm_err *err);

/*
 * Writes the dashboard dash (borrowed; the "Dashboard JSON" of
 * csm-report) to fp as one self-contained HTML5 document: UTF-8, inline
 * CSS and inline SVG charts, no script, no URL, no web font, readable in
 * a mail client.  Every string of dash is escaped; a missing, empty or
 * null part gives its panel a "no data" note.  Returns 0, or -1 with err:
 * CSM_EDATA when dash is not an object, CSM_EIO when writing or flushing
 * fp fails (with strerror).
 */
int csm_report_html(FILE *fp, const json_t *dash, struct csm_err *err);

#endif /* CSM_H */
