/*
 * xlsx.c - the .xlsx workbook writer of csm-report, on libxlsxwriter.
 *
 * A book is checked whole first, so a malformed one fails before any file
 * exists.  libxlsxwriter writes to a file name: the workbook goes to a
 * mkstemp(3) file that we keep open, unlink once it is written, and copy
 * to the caller's stream.  Its own scratch files go to the same directory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "csm.h"

#define CELL_MAX	32767	/* Excel's limit of a cell, in UTF-16 units */
#define SHEET_MAX	31	/* of a sheet name, in UTF-16 units */
#define SHEET_BUF	(SHEET_MAX * 4 + 1)
#define WIDTH_MAX	60	/* widest column, in characters */
#define FILTER_WIDTH	2	/* the header's filter button */
#define DIGITS_MAX	999999999999999LL	/* Excel keeps 15 digits */
#define NUMBER_MAX	9.99999999999999e307	/* Excel's largest number */
#define DATE_MIN_YEAR	1900	/* Excel's first date */

enum col_type {
	T_STRING,
	T_INT,
	T_NUMBER,
	T_PERCENT,
	T_SECONDS,
	T_TIME,
	T_BOOL,
	T_COUNT
};

static const char *const type_names[T_COUNT] = {
	"string", "int", "number", "percent", "seconds", "time", "bool"
};

/* The number format of each column type; NULL is Excel's General. */
static const char *const type_formats[T_COUNT] = {
	NULL, "0", NULL, "0.0%", "#,##0", "yyyy-mm-dd hh:mm:ss", NULL
};

/* Widths of what Excel shows for a time and a boolean ("FALSE"). */
#define TIME_WIDTH	19
#define BOOL_WIDTH	5

struct col {
	enum col_type	 type;
	size_t		 width;		/* widest cell so far */
};

/* One workbook being written. */
struct xl {
	lxw_workbook	*wb;		/* ours: workbook_close frees it */
	lxw_format	*fmt[T_COUNT];	/* owned by wb */
	lxw_format	*bold;		/* owned by wb */
	char		*buf;		/* ours: a cell's text, cut, escaped */
	size_t		 cap;
};

static char default_tmpdir[] = "/tmp";

/* The type named by column c, or -1. */
static int
col_type(const json_t *c)
{
	const json_t *t = json_object_get(c, "type");
	const char *name;
	int i;

	if (t == NULL)
		return T_STRING;
	if ((name = json_string_value(t)) == NULL)
		return -1;
	for (i = 0; i < T_COUNT; i++)
		if (strcmp(name, type_names[i]) == 0)
			return i;
	return -1;
}

/* Checks the columns of sheet number no.  0, or -1 with err. */
static int
check_columns(const json_t *cols, size_t no, struct csm_err *err)
{
	const json_t *c;
	size_t i;

	if (!json_is_array(cols))
		return csm_err_set(err, CSM_EDATA,
		    "sheet %zu: 'columns' missing or not an array", no);
	if (json_array_size(cols) > LXW_COL_MAX)
		return csm_err_set(err, CSM_EDATA,
		    "sheet %zu: %zu columns, more than a sheet holds (%d)", no,
		    json_array_size(cols), LXW_COL_MAX);
	json_array_foreach(cols, i, c) {
		if (!json_is_object(c) ||
		    !json_is_string(json_object_get(c, "name")))
			return csm_err_set(err, CSM_EDATA,
			    "sheet %zu: column %zu: not an object with a "
			    "'name' string", no, i + 1);
		if (col_type(c) < 0)
			return csm_err_set(err, CSM_EDATA,
			    "sheet %zu: column %zu: 'type' is not one of "
			    "string, int, number, percent, seconds, time, bool",
			    no, i + 1);
	}
	return 0;
}

/* Checks the rows of sheet number no, of ncols columns.  0, or -1. */
static int
check_rows(const json_t *rows, size_t ncols, size_t no,
    struct csm_err *err)
{
	const json_t *r;
	size_t i;

	if (!json_is_array(rows))
		return csm_err_set(err, CSM_EDATA,
		    "sheet %zu: 'rows' missing or not an array", no);
	if (json_array_size(rows) >= LXW_ROW_MAX)
		return csm_err_set(err, CSM_EDATA,
		    "sheet %zu: %zu rows, more than a sheet holds (%d)", no,
		    json_array_size(rows), LXW_ROW_MAX - 1);
	json_array_foreach(rows, i, r) {
		if (!json_is_array(r))
			return csm_err_set(err, CSM_EDATA,
			    "sheet %zu: row %zu: not an array", no, i + 1);
		if (json_array_size(r) > ncols)
			return csm_err_set(err, CSM_EDATA,
			    "sheet %zu: row %zu: %zu values for %zu columns",
			    no, i + 1, json_array_size(r), ncols);
	}
	return 0;
}

/* Checks that book is one csm_xlsx_write can write.  0, or -1 with err. */
static int
check_book(const json_t *book, struct csm_err *err)
{
	const json_t *sheets = json_object_get(book, "sheets"), *s, *name;
	size_t i;

	if (!json_is_array(sheets))
		return csm_err_set(err, CSM_EDATA,
		    "book: 'sheets' missing or not an array");
	if (json_array_size(sheets) == 0)
		return csm_err_set(err, CSM_EDATA, "book: no sheets");
	json_array_foreach(sheets, i, s) {
		if (!json_is_object(s))
			return csm_err_set(err, CSM_EDATA,
			    "sheet %zu: not an object", i + 1);
		name = json_object_get(s, "name");
		if (name != NULL && !json_is_string(name))
			return csm_err_set(err, CSM_EDATA,
			    "sheet %zu: 'name' is not a string", i + 1);
		if (check_columns(json_object_get(s, "columns"), i + 1, err) !=
		    0)
			return -1;
		if (check_rows(json_object_get(s, "rows"),
		    json_array_size(json_object_get(s, "columns")), i + 1,
		    err) != 0)
			return -1;
	}
	return 0;
}

/* The bytes of s[0..len) (valid UTF-8) that fit in max UTF-16 units,
 * Excel's measure of text, without splitting a character. */
static size_t
u16_fit(const char *s, size_t len, size_t max)
{
	size_t i = 0, units = 0, n;
	uint32_t cp;

	while (i < len) {
		n = csm_utf8_decode(s + i, len - i, &cp);
		units += cp > 0xFFFF ? 2 : 1;
		if (units > max)
			break;
		i += n;
	}
	return i;
}

/*
 * Writes into buf (SHEET_BUF bytes) name (NULL or empty: "Sheet<no>") as
 * a sheet name Excel takes, cut to leave room for a suffix of
 * room UTF-16 units: []:*?/\ and control characters become '_', as does
 * an apostrophe at either end.
 */
static void
sheet_name(const char *name, size_t no, size_t room, char *buf)
{
	size_t len, i;

	if (name == NULL || *name == '\0') {
		snprintf(buf, SHEET_BUF, "Sheet%zu", no);
		return;
	}
	len = u16_fit(name, strlen(name), SHEET_MAX - room);
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (i = 0; i < len; i++)
		if (strchr("[]:*?/\\", buf[i]) != NULL ||
		    (unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '_';
	if (buf[0] == '\'')
		buf[0] = '_';
	if (buf[len - 1] == '\'')
		buf[len - 1] = '_';
}

/*
 * Adds the worksheet for sheet number no, named after name (borrowed),
 * with " (2)", " (3)" ... after a name already taken (Excel compares
 * names without case).  Returns the sheet (owned by x->wb) or NULL with
 * *le set.
 */
static lxw_worksheet *
add_sheet(struct xl *x, const char *name, size_t no, lxw_error *le)
{
	char buf[SHEET_BUF + 16], sfx[16];
	size_t k;
	int n;
	lxw_worksheet *ws;

	sheet_name(name, no, 0, buf);
	for (k = 2; (*le = workbook_validate_sheet_name(x->wb, buf)) ==
	    LXW_ERROR_SHEETNAME_ALREADY_USED; k++) {
		n = snprintf(sfx, sizeof(sfx), " (%zu)", k);
		sheet_name(name, no, (size_t)n, buf);
		memcpy(buf + strlen(buf), sfx, (size_t)n + 1);
	}
	if (*le != LXW_NO_ERROR)
		return NULL;
	if ((ws = workbook_add_worksheet(x->wb, buf)) == NULL)
		*le = LXW_ERROR_MEMORY_MALLOC_FAILED;
	return ws;
}

/* Adds the header and number formats.  LXW_NO_ERROR, or out of memory. */
static lxw_error
add_formats(struct xl *x)
{
	int i;

	if ((x->bold = workbook_add_format(x->wb)) == NULL)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	format_set_bold(x->bold);
	for (i = 0; i < T_COUNT; i++) {
		if (type_formats[i] == NULL)
			continue;
		if ((x->fmt[i] = workbook_add_format(x->wb)) == NULL)
			return LXW_ERROR_MEMORY_MALLOC_FAILED;
		format_set_num_format(x->fmt[i], type_formats[i]);
	}
	return LXW_NO_ERROR;
}

/* Widens *width to w columns, as far as WIDTH_MAX. */
static void
widen(size_t *width, size_t w)
{
	if (w > WIDTH_MAX)
		w = WIDTH_MAX;
	if (w > *width)
		*width = w;
}

/* Whether s[i..len) starts like "_x0041_", which Excel reads as the
 * character U+0041 unless its '_' is written "_x005F_". */
static int
is_xescape(const char *s, size_t i, size_t len)
{
	size_t k;

	if (len - i < 7 || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_')
		return 0;
	for (k = i + 2; k < i + 6; k++)
		if (strchr("0123456789abcdefABCDEF", s[k]) == NULL ||
		    s[k] == '\0')
			return 0;
	return 1;
}

/* Whether the cell text s[0..len) needs a copy: a NUL or an "_xHHHH_". */
static int
needs_copy(const char *s, size_t len)
{
	const char *p = s;

	if (memchr(s, '\0', len) != NULL)
		return 1;
	while ((p = memchr(p, '_', len - (size_t)(p - s))) != NULL) {
		if (is_xescape(s, (size_t)(p - s), len))
			return 1;
		p++;
	}
	return 0;
}

/*
 * The text of a cell for s[0..len) (NUL-terminated at len): s itself,
 * or a copy in x->buf (borrowed until the next call) cut to CELL_MAX
 * (before escaping, as Excel counts), without NUL characters, which a C
 * string cannot hold, and with "_xHHHH_" escaped.  NULL when out of
 * memory.
 */
static const char *
cell_text(struct xl *x, const char *s, size_t len, size_t *outlen)
{
	size_t fit = u16_fit(s, len, CELL_MAX), i, n = 0;
	char *p;

	if (fit == len && !needs_copy(s, len)) {
		*outlen = len;
		return s;
	}
	/* An escape adds 6 bytes to 7: the copy is less than twice s. */
	if (2 * fit + 1 > x->cap) {
		if ((p = realloc(x->buf, 2 * fit + 1)) == NULL)
			return NULL;
		x->buf = p;
		x->cap = 2 * fit + 1;
	}
	for (i = 0; i < fit; i++) {
		if (s[i] == '\0')
			continue;
		if (is_xescape(s, i, fit)) {
			memcpy(x->buf + n, "_x005F", 6);
			n += 6;
		}
		x->buf[n++] = s[i];
	}
	x->buf[n] = '\0';
	*outlen = n;
	return x->buf;
}

/* Writes s[0..len) as a string cell in format f; widens *width. */
static lxw_error
put_string(struct xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    const char *s, size_t len, lxw_format *f, size_t *width)
{
	const char *t;
	size_t tlen, w;

	if ((t = cell_text(x, s, len, &tlen)) == NULL)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	csm_width_fit(t, tlen, WIDTH_MAX, &w);
	widen(width, w);
	return worksheet_write_string(ws, r, c, t, f);
}

/* Writes v as text: a string as it is, anything else as JSON. */
static lxw_error
put_text(struct xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    struct col *col, const json_t *v)
{
	char *json;
	lxw_error le;

	if (json_is_string(v))
		return put_string(x, ws, r, c, json_string_value(v),
		    json_string_length(v), NULL, &col->width);
	if ((json = csm_json_text(v)) == NULL)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	le = put_string(x, ws, r, c, json, strlen(json), NULL, &col->width);
	free(json);
	return le;
}

/* The width of number d as a column of type t shows it. */
static size_t
num_width(double d, enum col_type t)
{
	char buf[32];
	int n;

	switch (t) {
	case T_PERCENT:
		n = snprintf(buf, sizeof(buf), "%.1f%%", d);
		break;
	case T_SECONDS:
		n = snprintf(buf, sizeof(buf), "%.0f", d < 0 ? -d : d);
		n += (n - 1) / 3 + (d < 0);
		break;
	case T_INT:
		n = snprintf(buf, sizeof(buf), "%.0f", d);
		break;
	default:
		n = snprintf(buf, sizeof(buf), "%.10g", d);
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}

/* Writes the number v in a numeric column; Excel would round integers of
 * more than 15 digits and cannot hold the largest doubles: text then. */
static lxw_error
put_number(struct xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    struct col *col, const json_t *v)
{
	double d = json_number_value(v);
	json_int_t i;

	if (json_is_integer(v)) {
		i = json_integer_value(v);
		if (i > DIGITS_MAX || i < -DIGITS_MAX)
			return put_text(x, ws, r, c, col, v);
	}
	if (d > NUMBER_MAX || d < -NUMBER_MAX)
		return put_text(x, ws, r, c, col, v);
	widen(&col->width, num_width(d, col->type));
	if (col->type == T_PERCENT)
		d /= 100;
	return worksheet_write_number(ws, r, c, d, x->fmt[col->type]);
}

/*
 * The wall-clock time an RFC 3339 string shows (csm_time_parse's forms:
 * the offset, if any, is dropped, not applied), into dt.  0, or -1 when s
 * is not a time or is before Excel's first date.
 */
static int
wall_time(const char *s, size_t len, lxw_datetime *dt)
{
	struct csm_err e;
	int64_t t, days, secs;
	size_t k;

	if (csm_time_parse(s, len, NULL, &t, &e) != 0)
		return -1;
	for (k = 11; k < len; k++)
		if (s[k] == 'Z' || s[k] == 'z' || s[k] == '+' || s[k] == '-')
			break;
	if (k < len && csm_time_parse(s, k, NULL, &t, &e) != 0)
		return -1;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	csm_civil_from_days(days, &dt->year, &dt->month, &dt->day);
	if (dt->year < DATE_MIN_YEAR)
		return -1;
	dt->hour = (int)(secs / 3600);
	dt->min = (int)(secs / 60 % 60);
	dt->sec = (double)(secs % 60);
	return 0;
}

/* Writes v in a time column: a date and time, else text. */
static lxw_error
put_time(struct xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    struct col *col, const json_t *v)
{
	lxw_datetime dt;

	if (!json_is_string(v) || wall_time(json_string_value(v),
	    json_string_length(v), &dt) != 0)
		return put_text(x, ws, r, c, col, v);
	widen(&col->width, TIME_WIDTH);
	return worksheet_write_datetime(ws, r, c, &dt, x->fmt[T_TIME]);
}

/* Writes the value v (borrowed) of column col into cell (r, c). */
static lxw_error
put_cell(struct xl *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
    struct col *col, const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return LXW_NO_ERROR;
	switch (col->type) {
	case T_INT:
	case T_NUMBER:
	case T_PERCENT:
	case T_SECONDS:
		if (json_is_number(v))
			return put_number(x, ws, r, c, col, v);
		break;
	case T_TIME:
		return put_time(x, ws, r, c, col, v);
	case T_BOOL:
		if (json_is_boolean(v)) {
			widen(&col->width, BOOL_WIDTH);
			return worksheet_write_boolean(ws, r, c,
			    json_is_true(v), NULL);
		}
		break;
	default:
		break;
	}
	return put_text(x, ws, r, c, col, v);
}

/* Writes the header row of columns cols, setting col[] from them. */
static lxw_error
put_header(struct xl *x, lxw_worksheet *ws, const json_t *cols,
    struct col *col)
{
	const json_t *c, *name;
	size_t i;
	lxw_error le;

	json_array_foreach(cols, i, c) {
		col[i].type = (enum col_type)col_type(c);
		name = json_object_get(c, "name");
		le = put_string(x, ws, 0, (lxw_col_t)i, json_string_value(name),
		    json_string_length(name), x->bold, &col[i].width);
		if (le != LXW_NO_ERROR)
			return le;
		widen(&col[i].width, col[i].width + FILTER_WIDTH);
	}
	return LXW_NO_ERROR;
}

/* Writes the rows of a sheet after its header. */
static lxw_error
put_rows(struct xl *x, lxw_worksheet *ws, const json_t *rows,
    struct col *col)
{
	const json_t *row, *v;
	size_t i, j;
	lxw_error le;

	json_array_foreach(rows, i, row) {
		json_array_foreach(row, j, v) {
			le = put_cell(x, ws, (lxw_row_t)(i + 1), (lxw_col_t)j,
			    &col[j], v);
			if (le != LXW_NO_ERROR)
				return le;
		}
	}
	return LXW_NO_ERROR;
}

/* Sets column widths, freezes the header and puts a filter on it. */
static lxw_error
finish_sheet(lxw_worksheet *ws, const struct col *col, size_t ncols,
    size_t nrows)
{
	size_t i;
	lxw_error le;

	for (i = 0; i < ncols; i++) {
		le = worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i,
		    (double)(col[i].width < WIDTH_MAX ? col[i].width + 1 :
		    WIDTH_MAX), NULL);
		if (le != LXW_NO_ERROR)
			return le;
	}
	worksheet_freeze_panes(ws, 1, 0);
	if (ncols == 0)
		return LXW_NO_ERROR;
	return worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows,
	    (lxw_col_t)(ncols - 1));
}

/* Writes sheet number no (checked by check_book) into the workbook. */
static lxw_error
write_sheet(struct xl *x, const json_t *sheet, size_t no)
{
	const json_t *cols = json_object_get(sheet, "columns");
	const json_t *rows = json_object_get(sheet, "rows");
	size_t ncols = json_array_size(cols);
	struct col *col;
	lxw_worksheet *ws;
	lxw_error le;

	ws = add_sheet(x, json_string_value(json_object_get(sheet, "name")),
	    no, &le);
	if (ws == NULL)
		return le;
	if ((col = calloc(ncols + 1, sizeof(*col))) == NULL)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	le = put_header(x, ws, cols, col);
	if (le == LXW_NO_ERROR)
		le = put_rows(x, ws, rows, col);
	if (le == LXW_NO_ERROR)
		le = finish_sheet(ws, col, ncols, json_array_size(rows));
	free(col);
	return le;
}

/* Fills err from a libxlsxwriter error; returns -1.  Errors of its files
 * in tmpdir are CSM_EIO, the rest CSM_EINTERNAL. */
static int
lxw_fail(lxw_error le, const char *tmpdir, struct csm_err *err)
{
	char dir[128];

	switch (le) {
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	case LXW_ERROR_CREATING_XLSX_FILE:
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return csm_err_set(err, CSM_EIO, "xlsx: %s (in '%s')",
		    lxw_strerror(le),
		    csm_escape(tmpdir, strlen(tmpdir), dir, sizeof(dir)));
	default:
		return csm_err_set(err, CSM_EINTERNAL, "xlsx: %s",
		    lxw_strerror(le));
	}
}

/* Builds the workbook of book (checked) in the file path, libxlsxwriter's
 * scratch files in tmpdir.  0, or -1 with err. */
static int
build(const json_t *book, const char *path, char *tmpdir,
    struct csm_err *err)
{
	const json_t *sheets = json_object_get(book, "sheets"), *s;
	lxw_workbook_options o;
	struct xl x;
	lxw_error le, cle;
	size_t i;

	memset(&o, 0, sizeof(o));
	memset(&x, 0, sizeof(x));
	o.tmpdir = tmpdir;
	if ((x.wb = workbook_new_opt(path, &o)) == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	le = add_formats(&x);
	json_array_foreach(sheets, i, s) {
		if (le != LXW_NO_ERROR)
			break;
		le = write_sheet(&x, s, i + 1);
	}
	cle = workbook_close(x.wb);	/* frees it, whatever happened */
	free(x.buf);
	if (le == LXW_NO_ERROR)
		le = cle;
	return le == LXW_NO_ERROR ? 0 : lxw_fail(le, tmpdir, err);
}

/* Copies the file open at fd to fp and flushes fp.  0, or -1 with err. */
static int
copy_out(int fd, FILE *fp, struct csm_err *err)
{
	char buf[65536];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) == -1)
		return csm_err_set(err, CSM_EIO, "xlsx: temporary file: %s",
		    strerror(errno));
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return csm_err_set(err, CSM_EIO,
			    "xlsx: temporary file: %s", strerror(errno));
		if (fwrite(buf, 1, (size_t)n, fp) != (size_t)n)
			return csm_err_set(err, CSM_EIO, "write error: %s",
			    strerror(errno));
	}
	if (fflush(fp) == EOF)
		return csm_err_set(err, CSM_EIO, "write error: %s",
		    strerror(errno));
	return 0;
}

/*
 * Writes book to fp as an .xlsx workbook, built in a temporary file that
 * is removed on every path (csm.h).  Returns 0, or -1 with err.
 */
int
csm_xlsx_write(FILE *fp, const json_t *book, struct csm_err *err)
{
	char path[4096], dir[128], *tmpdir = getenv("TMPDIR");
	int fd, rc;

	if (check_book(book, err) != 0)
		return -1;
	if (tmpdir == NULL || *tmpdir == '\0')
		tmpdir = default_tmpdir;
	if ((size_t)snprintf(path, sizeof(path), "%s/csm-xlsx-XXXXXX",
	    tmpdir) >= sizeof(path))
		return csm_err_set(err, CSM_EIO,
		    "xlsx: temporary directory name too long");
	if ((fd = mkstemp(path)) == -1)
		return csm_err_set(err, CSM_EIO,
		    "xlsx: cannot create a temporary file in '%s': %s",
		    csm_escape(tmpdir, strlen(tmpdir), dir, sizeof(dir)),
		    strerror(errno));
	rc = build(book, path, tmpdir, err);
	unlink(path);
	if (rc == 0)
		rc = copy_out(fd, fp, err);
	close(fd);
	return rc;
}
