/*
 * read.c - streaming record readers: JSON Lines (jansson), CSV (libcsv,
 * RFC 4180) and TSV, over a line reader that never holds more than one
 * record in memory and converts legacy encodings (GBK, GB18030) with
 * iconv(3) line by line.
 *
 * Splitting on '\n' before decoding is safe for every encoding we accept:
 * in GBK and GB18030 no byte of a multibyte character is 0x0A or 0x0D.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

#include "internal.h"

#define BLOCK	(1u << 20)

struct reader_field {
	size_t	off, len;
};

struct csm_reader {
	int		 fd;
	char		*name;
	enum csm_fmt	 fmt;
	uint64_t	 done, total;

	/* Block buffer: bytes [start, end) are read and not yet consumed. */
	char		*buf;
	size_t		 cap, start, end;
	int		 eof;
	long		 lineno;	/* lines returned so far */
	const volatile sig_atomic_t *stop;	/* set: end the input now */
	int		 stopped;	/* it was ended so */

	struct csm_buf	 jtmp;		/* scratch of the JSON fast path */

	/* iconv, when the input is not UTF-8. */
	iconv_t		 cd;
	struct csm_buf	 conv;

	/* The current record's raw bytes (multi-line CSV records). */
	struct csm_buf	 raw;

	/* CSV and TSV. */
	struct csv_parser csv;
	int		 csv_ok;
	struct csm_buf	 fbuf;		/* field bytes */
	struct reader_field *fields;
	size_t		 nfields, fcap;
	int		 rowdone;
	int		 rows;		/* rows ended by this line */
	int		 toobig;
	char		**hdr;
	size_t		 nhdr;
	struct csm_buf	 hdrraw;
	int		 have_hdr;
};

/* Growable buffers. */

static int
buf_reserve(struct csm_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->len + more <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->oom = 1;	/* sticky: see csm.h, "Errors" */
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Appends len bytes of s to b.  Returns 0, or -1 when out of memory. */
int
csm_buf_add(struct csm_buf *b, const char *s, size_t len)
{
	if (buf_reserve(b, len + 1) < 0)
		return -1;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

/* Appends one byte to b.  Returns 0, or -1 when out of memory. */
int
csm_buf_addc(struct csm_buf *b, char c)
{
	if (buf_reserve(b, 2) < 0)
		return -1;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
	return 0;
}

/* Frees b's memory and empties it; b itself is the caller's. */
void
csm_buf_free(struct csm_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Formats. */

/* Parses a format name; returns an enum csm_fmt, or -1 if unknown. */
int
csm_fmt_parse(const char *name)
{
	if (strcmp(name, "jsonl") == 0 || strcmp(name, "json") == 0 ||
	    strcmp(name, "ndjson") == 0)
		return CSM_FMT_JSONL;
	if (strcmp(name, "csv") == 0)
		return CSM_FMT_CSV;
	if (strcmp(name, "tsv") == 0)
		return CSM_FMT_TSV;
	if (strcmp(name, "table") == 0)
		return CSM_FMT_TABLE;
	return -1;
}

/* The format implied by a file name's extension, else CSM_FMT_AUTO. */
enum csm_fmt
csm_fmt_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return CSM_FMT_AUTO;
	dot++;
	if (strcasecmp(dot, "csv") == 0)
		return CSM_FMT_CSV;
	if (strcasecmp(dot, "tsv") == 0 || strcasecmp(dot, "tab") == 0)
		return CSM_FMT_TSV;
	if (strcasecmp(dot, "jsonl") == 0 || strcasecmp(dot, "ndjson") == 0 ||
	    strcasecmp(dot, "json") == 0)
		return CSM_FMT_JSONL;
	return CSM_FMT_AUTO;
}

/* libcsv trims spaces and tabs around unquoted fields by default; RFC
 * 4180 says they belong to the field. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* A CSV parser in strict mode that keeps every byte of a field. */
static int
csv_start(struct csv_parser *p)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return -1;
	csv_set_space_func(p, no_space);
	return 0;
}

/*
 * Whether an encoding writes ASCII, newlines and quotes included, as the
 * same single bytes: lines are found before decoding (GBK and GB18030
 * yes; UTF-16 and UTF-32 no).
 */
static int
ascii_compatible(const char *encoding)
{
	static const char probe[] = "a,\"\t\r\n";
	char in[sizeof(probe)], out[64], *ip = in, *op = out;
	size_t il = sizeof(probe) - 1, ol = sizeof(out);
	iconv_t cd = iconv_open(encoding, "UTF-8");
	int ok;

	if (cd == (iconv_t)-1)
		return 0;
	memcpy(in, probe, sizeof(probe));
	ok = iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0 &&
	    (size_t)(op - out) == sizeof(probe) - 1 &&
	    memcmp(out, probe, sizeof(probe) - 1) == 0;
	iconv_close(cd);
	return ok;
}

/* Opening and closing. */

/*
 * Opens path ("-" is stdin) for records of format fmt in the given
 * encoding.  Returns new, or NULL with err.
 */
struct csm_reader *
csm_reader_open(const char *path, enum csm_fmt fmt, const char *encoding,
    struct csm_err *err)
{
	struct csm_reader *r;
	struct stat st;

	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		return NULL;
	}
	r->fd = -1;
	r->cd = (iconv_t)-1;
	if (fmt == CSM_FMT_AUTO && strcmp(path, "-") != 0)
		fmt = csm_fmt_of_path(path);
	r->fmt = fmt == CSM_FMT_AUTO ? CSM_FMT_JSONL : fmt;
	r->name = strdup(strcmp(path, "-") == 0 ? "stdin" : path);
	r->cap = BLOCK;
	r->buf = malloc(r->cap);
	if (r->name == NULL || r->buf == NULL) {
		csm_err_set(err, CSM_EINTERNAL, "out of memory");
		goto fail;
	}
	if (encoding != NULL && strcasecmp(encoding, "utf-8") != 0 &&
	    strcasecmp(encoding, "utf8") != 0) {
		r->cd = iconv_open("UTF-8", encoding);
		if (r->cd == (iconv_t)-1) {
			csm_err_set(err, CSM_EUSAGE, "unknown encoding '%s'",
			    encoding);
			goto fail;
		}
		if (!ascii_compatible(encoding)) {
			csm_err_set(err, CSM_EUSAGE, "encoding '%s' does not "
			    "keep ASCII as is, so lines cannot be found in "
			    "it; convert the input first (iconv -f %s -t "
			    "UTF-8)", encoding, encoding);
			goto fail;
		}
	}
	if (strcmp(path, "-") == 0)
		r->fd = STDIN_FILENO;
	else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			csm_err_set(err, CSM_ENOINPUT, "%s", strerror(errno));
			goto fail;
		}
	}
	if (fstat(r->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			csm_err_set(err, CSM_ENOINPUT, "is a directory");
			goto fail;
		}
		if (S_ISREG(st.st_mode))
			r->total = (uint64_t)st.st_size;
	}
	if (r->fmt == CSM_FMT_CSV) {
		if (csv_start(&r->csv) != 0) {
			csm_err_set(err, CSM_EINTERNAL, "out of memory");
			goto fail;
		}
		r->csv_ok = 1;
	}
	return r;
fail:
	csm_reader_close(r);
	return NULL;
}

/* Closes the input (not stdin) and frees r; NULL is a no-op. */
void
csm_reader_close(struct csm_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->csv_ok)
		csv_free(&r->csv);
	for (i = 0; i < r->nhdr; i++)
		free(r->hdr[i]);
	free(r->hdr);
	free(r->fields);
	csm_buf_free(&r->fbuf);
	csm_buf_free(&r->raw);
	csm_buf_free(&r->hdrraw);
	csm_buf_free(&r->conv);
	csm_buf_free(&r->jtmp);
	free(r->buf);
	free(r->name);
	free(r);
}

/* Ends the input early once *stop is set (see csm.h). */
void
csm_reader_interrupt(struct csm_reader *r, const volatile sig_atomic_t *stop)
{
	r->stop = stop;
}

/* Whether the input was ended early by the stop flag. */
int
csm_reader_stopped(const struct csm_reader *r)
{
	return r->stopped;
}

/*
 * Whether the next record can be had without waiting: a whole line is
 * buffered, the input is at its end, or the descriptor has bytes (a
 * regular file always has).  1 or 0.
 */
int
csm_reader_ready(struct csm_reader *r)
{
	struct pollfd pfd = {r->fd, POLLIN, 0};

	if (r->eof || memchr(r->buf + r->start, '\n', r->end - r->start))
		return 1;
	return poll(&pfd, 1, 0) != 0;
}

/* The name used in messages: "stdin" or the path. */
const char *
csm_reader_name(const struct csm_reader *r)
{
	return r->name;
}

/* Bytes consumed and total size (0 when unknown), for progress meters. */
void
csm_reader_progress(const struct csm_reader *r, uint64_t *done,
    uint64_t *total)
{
	*done = r->done;
	*total = r->total;
}

/* Lines. */

/* Reads more bytes into the buffer.  Returns bytes read, 0 at EOF, -1. */
static ssize_t
fill(struct csm_reader *r, struct csm_err *err)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : BLOCK;
		char *p;

		if (cap > CSM_MAX_RECORD + BLOCK)
			cap = CSM_MAX_RECORD + BLOCK;
		p = realloc(r->buf, cap);
		if (p == NULL) {
			csm_err_set(err, CSM_EINTERNAL, "out of memory");
			return -1;
		}
		r->buf = p;
		r->cap = cap;
	}
	for (;;) {
		/* With a stop flag, wait in short slices, so that a signal
		 * that sets it ends a read from a pipe that stays quiet. */
		while (r->stop != NULL) {
			struct pollfd pfd = {r->fd, POLLIN, 0};
			int ready;

			if (*r->stop) {
				r->eof = r->stopped = 1;
				return 0;
			}
			ready = poll(&pfd, 1, 100);
			if (ready > 0 || (ready < 0 && errno != EINTR))
				break;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0) {
		csm_err_set(err, CSM_EIO, "read error: %s", strerror(errno));
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return n;
}

/*
 * Returns the next line (without '\n') in line and len, borrowed until the
 * next call.  Returns 1, 0 at EOF, -1 for a line over the size limit (which
 * is skipped; err names it), -2 on a read error.
 */
static int
next_line(struct csm_reader *r, const char **line, size_t *len,
    struct csm_err *err)
{
	char *nl;
	size_t scanned = 0;
	int toolong = 0;

	for (;;) {
		nl = memchr(r->buf + r->start + scanned, '\n',
		    r->end - r->start - scanned);
		if (nl != NULL)
			break;
		scanned = r->end - r->start;
		if (scanned > CSM_MAX_RECORD) {
			/* Drop what we have and keep looking for the end. */
			r->done += scanned;
			r->start = r->end;
			scanned = 0;
			toolong = 1;
		}
		if (r->eof) {
			if (r->end == r->start) {
				if (!toolong)
					return 0;
				r->lineno++;
				goto toobig;
			}
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->done += *len;
			r->start = r->end;
			r->lineno++;
			if (toolong || *len > CSM_MAX_RECORD)
				goto toobig;
			return 1;
		}
		if (fill(r, err) < 0)
			return -2;
	}
	r->lineno++;
	*line = r->buf + r->start;
	*len = (size_t)(nl - (r->buf + r->start));
	r->done += *len + 1;
	r->start += *len + 1;
	if (toolong || *len > CSM_MAX_RECORD)
		goto toobig;
	return 1;
toobig:
	err->line = r->lineno;
	return csm_err_set(err, CSM_EDATA, "line longer than %u MiB",
	    CSM_MAX_RECORD >> 20);
}

/*
 * Converts a line to UTF-8 when the input has another encoding.  On
 * success *line and *len point at the converted bytes (borrowed).
 */
static int
convert(struct csm_reader *r, const char **line, size_t *len,
    struct csm_err *err)
{
	char *in, *out;
	size_t inleft, outleft;

	if (r->cd == (iconv_t)-1)
		return 0;
	r->conv.len = 0;
	if (buf_reserve(&r->conv, *len * 2 + 16) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory");
	in = (char *)(uintptr_t)*line;
	inleft = *len;
	iconv(r->cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		out = r->conv.p + r->conv.len;
		outleft = r->conv.cap - r->conv.len - 1;
		if (iconv(r->cd, &in, &inleft, &out, &outleft) != (size_t)-1) {
			r->conv.len = (size_t)(out - r->conv.p);
			break;
		}
		r->conv.len = (size_t)(out - r->conv.p);
		if (errno == E2BIG) {
			if (buf_reserve(&r->conv, inleft * 4 + 16) < 0)
				return csm_err_set(err, CSM_EINTERNAL,
				    "out of memory");
			continue;
		}
		err->line = r->lineno;
		return csm_err_set(err, CSM_EDATA,
		    "byte %zu: not valid in the input encoding",
		    (size_t)(in - *line) + 1);
	}
	*line = r->conv.p;
	*len = r->conv.len;
	return 0;
}

/* Strips a UTF-8 byte order mark from the first line. */
static void
strip_bom(struct csm_reader *r, const char **line, size_t *len)
{
	if (r->lineno == 1 && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3)
	    == 0) {
		*line += 3;
		*len -= 3;
	}
}

/* JSON Lines. */

static int
only_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* jansson counts columns in characters; messages count bytes. */
static long
byte_column(const char *s, size_t len, int chars)
{
	size_t i = 0;
	uint32_t cp;
	int c;

	for (c = 1; c < chars && i < len; c++)
		i += csm_utf8_decode(s + i, len - i, &cp);
	return (long)i + 1;
}

static int
read_jsonl(struct csm_reader *r, struct csm_rec *rec, struct csm_err *err)
{
	const char *line = NULL, *text;
	size_t len = 0, tlen;
	json_error_t je;
	int rc;

	do {
		rc = next_line(r, &line, &len, err);
		if (rc <= 0) {
			if (rc == -1) {
				rec->line = err->line;
				rec->raw = "";
				rec->rawlen = 0;
			}
			return rc;
		}
		rec->line = r->lineno;
		rec->raw = line;
		rec->rawlen = len;
		text = line;
		tlen = len;
		if (convert(r, &text, &tlen, err) < 0)
			return -1;
		strip_bom(r, &text, &tlen);
		if (tlen > 0 && text[tlen - 1] == '\r')
			tlen--;
	} while (only_space(text, tlen));
	/* The common record the fast way; anything else, and every error,
	 * through jansson. */
	rec->obj = csm_json_fast(text, tlen, &r->jtmp);
	if (rec->obj == NULL)
		rec->obj = json_loadb(text, tlen, JSON_REJECT_DUPLICATES, &je);
	if (rec->obj == NULL) {
		err->line = r->lineno;
		err->col = byte_column(text, tlen, je.column);
		return csm_err_set(err, CSM_EDATA, "invalid JSON at column %ld: "
		    "%s", err->col, je.text);
	}
	if (!json_is_object(rec->obj)) {
		json_decref(rec->obj);
		rec->obj = NULL;
		err->line = r->lineno;
		return csm_err_set(err, CSM_EDATA, "not a JSON object");
	}
	return 1;
}

/* CSV (libcsv) and TSV. */

static void
on_field(void *s, size_t len, void *arg)
{
	struct csm_reader *r = arg;
	struct reader_field *f;

	if (r->toobig)
		return;
	if (r->nfields == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 32;

		f = realloc(r->fields, cap * sizeof(*f));
		if (f == NULL) {
			r->toobig = 1;
			return;
		}
		r->fields = f;
		r->fcap = cap;
	}
	f = &r->fields[r->nfields++];
	f->off = r->fbuf.len;
	f->len = len;
	if (csm_buf_add(&r->fbuf, s ? s : "", s ? len : 0) < 0 ||
	    csm_buf_addc(&r->fbuf, '\0') < 0)
		r->toobig = 1;
}

static void
on_row(int c, void *arg)
{
	struct csm_reader *r = arg;

	(void)c;
	r->rowdone = 1;
	r->rows++;
}

static void
reset_row(struct csm_reader *r)
{
	r->nfields = 0;
	r->fbuf.len = 0;
	r->rowdone = 0;
	r->toobig = 0;
	r->raw.len = 0;
}

/* Splits one TSV line into fields, undoing \t \n \r \\ escapes. */
static int
split_tsv(struct csm_reader *r, const char *s, size_t len)
{
	size_t i, start = 0;
	struct csm_buf field = {0};

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '\t')
			continue;
		field.len = 0;
		for (size_t j = start; j < i; j++) {
			char c = s[j];

			if (c == '\\' && j + 1 < i) {
				j++;
				c = s[j] == 't' ? '\t' : s[j] == 'n' ? '\n' :
				    s[j] == 'r' ? '\r' : s[j];
			}
			if (csm_buf_addc(&field, c) < 0) {
				csm_buf_free(&field);
				return -1;
			}
		}
		on_field(field.p, field.len, r);
		start = i + 1;
	}
	csm_buf_free(&field);
	r->rowdone = 1;
	return r->toobig ? -1 : 0;
}

static size_t
count_quotes(const char *s, size_t len)
{
	size_t n = 0;
	const char *q;

	while ((q = memchr(s, '"', len)) != NULL) {
		n++;
		len -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	return n;
}

/*
 * Reads the lines of one CSV or TSV row into r->fields.  Returns 1, 0 at
 * EOF, -1 for a bad row, -2 on a read error.
 */
static int
read_row(struct csm_reader *r, long *first, struct csm_err *err)
{
	const char *line = NULL, *text;
	size_t len = 0, tlen, quotes = 0;
	int rc;

	reset_row(r);
	*first = 0;
	while (!r->rowdone) {
		rc = next_line(r, &line, &len, err);
		if (rc == -2)
			return -2;
		if (rc == -1) {
			if (*first == 0)
				*first = r->lineno;
			goto bad;
		}
		if (rc == 0) {
			if (r->fmt == CSM_FMT_TSV || *first == 0)
				return 0;
			if (csv_fini(&r->csv, on_field, on_row, r) != 0) {
				err->line = *first;
				csm_err_set(err, CSM_EDATA,
				    "unterminated quoted field at end of input");
				goto bad;
			}
			r->rowdone = 1;
			break;
		}
		if (*first == 0 && r->raw.len == 0) {
			/* A blank line between rows; in TSV a line of tabs
			 * is a row of empty fields. */
			if (r->fmt == CSM_FMT_TSV ? len == 0 || (len == 1 &&
			    line[0] == '\r') : only_space(line, len))
				continue;
			*first = r->lineno;
		}
		if (r->raw.len > 0 && csm_buf_addc(&r->raw, '\n') < 0)
			goto nomem;
		quotes += count_quotes(line, len);
		if (csm_buf_add(&r->raw, line, len) < 0)
			goto nomem;
		if (r->raw.len > CSM_MAX_RECORD) {
			err->line = *first;
			csm_err_set(err, CSM_EDATA, "record longer than %u MiB",
			    CSM_MAX_RECORD >> 20);
			/* Skip to where the record really ends: a line end
			 * outside quotes.  (No GBK or GB18030 byte is a
			 * quote but the quote itself.) */
			r->raw.len = 0;
			while (quotes % 2 != 0) {
				rc = next_line(r, &line, &len, err);
				if (rc == 0 || rc == -2)
					break;
				if (rc == 1)
					quotes += count_quotes(line, len);
			}
			goto bad;
		}
		text = line;
		tlen = len;
		if (convert(r, &text, &tlen, err) < 0) {
			err->line = r->lineno;
			goto bad;
		}
		if (*first == r->lineno)
			strip_bom(r, &text, &tlen);
		if (r->fmt == CSM_FMT_TSV) {
			if (tlen > 0 && text[tlen - 1] == '\r')
				tlen--;
			if (split_tsv(r, text, tlen) < 0)
				goto nomem;
			break;
		}
		r->rows = 0;
		if (csv_parse(&r->csv, text, tlen, on_field, on_row, r) != tlen
		    || csv_parse(&r->csv, "\n", 1, on_field, on_row, r) != 1) {
			err->line = *first;
			if (csv_error(&r->csv) != CSV_EPARSE)
				csm_err_set(err, CSM_EDATA, "%s",
				    csv_strerror(csv_error(&r->csv)));
			else if (*first == r->lineno)
				csm_err_set(err, CSM_EDATA, "malformed quoting "
				    "(a quote must open a field, and be "
				    "doubled inside one)");
			else
				csm_err_set(err, CSM_EDATA, "malformed quoting "
				    "in the record ending on line %ld",
				    r->lineno);
			goto bad;
		}
		if (r->rows > 1) {
			err->line = *first;
			csm_err_set(err, CSM_EDATA, "carriage return inside an "
			    "unquoted field");
			goto bad;
		}
		if (r->toobig)
			goto nomem;
	}
	return 1;
nomem:
	if (err->code != CSM_EDATA) {
		err->line = *first;
		csm_err_set(err, CSM_EDATA, "record too large");
	}
bad:
	if (r->fmt == CSM_FMT_CSV) {
		csv_free(&r->csv);
		r->csv_ok = csv_start(&r->csv) == 0;
		if (!r->csv_ok)
			return -2;
	}
	return -1;
}

/* Checks a field is UTF-8 without NUL; names it in err if not. */
static int
check_field(struct csm_reader *r, size_t i, int header, struct csm_err *err)
{
	const char *s = r->fbuf.p + r->fields[i].off;
	const char *what;
	size_t bad;

	if (csm_utf8_valid(s, r->fields[i].len, &bad))
		return 0;
	what = s[bad] == '\0' ? "NUL byte" : "invalid UTF-8";
	if (header || i >= r->nhdr)
		return csm_err_set(err, CSM_EDATA, "%s %zu: %s at byte %zu",
		    header ? "header column" : "field", i + 1, what, bad + 1);
	return csm_err_set(err, CSM_EDATA, "%s: %s at byte %zu", r->hdr[i],
	    what, bad + 1);
}

struct name_at {
	const char	*name;
	size_t		 at;
};

static int
cmp_name_at(const void *a, const void *b)
{
	const struct name_at *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* The 1-based column of the first name that repeats an earlier one, 0 if
 * none, SIZE_MAX if out of memory. */
static size_t
first_duplicate(char *const *names, size_t n)
{
	struct name_at *v;
	size_t i, dup = 0;

	if (n < 2)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return SIZE_MAX;
	for (i = 0; i < n; i++) {
		v[i].name = names[i];
		v[i].at = i;
	}
	qsort(v, n, sizeof(*v), cmp_name_at);
	for (i = 1; i < n; i++)
		if (strcmp(v[i].name, v[i - 1].name) == 0 &&
		    (dup == 0 || v[i].at + 1 < dup))
			dup = v[i].at + 1;
	free(v);
	return dup;
}

static int
read_header(struct csm_reader *r, struct csm_err *err)
{
	long first;
	size_t i, j;
	int rc;

	rc = read_row(r, &first, err);
	if (rc <= 0)
		return rc;
	r->hdr = calloc(r->nfields, sizeof(*r->hdr));
	if (r->hdr == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory"), -2;
	for (i = 0; i < r->nfields; i++) {
		err->line = first;
		if (check_field(r, i, 1, err) < 0)
			return -2;
		if (r->fields[i].len == 0)
			return csm_err_set(err, CSM_EDATA,
			    "header column %zu: empty name", i + 1), -2;
		r->hdr[i] = strdup(r->fbuf.p + r->fields[i].off);
		if (r->hdr[i] == NULL)
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory"), -2;
		r->nhdr = i + 1;
	}
	/* Duplicate names, found by sorting: a header of 100,000 columns
	 * must not take n^2 comparisons. */
	j = first_duplicate(r->hdr, r->nhdr);
	if (j == SIZE_MAX)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory"), -2;
	if (j != 0)
		return csm_err_set(err, CSM_EDATA, "header column %zu: "
		    "duplicate name '%s'", j, r->hdr[j - 1]), -2;
	if (csm_buf_add(&r->hdrraw, r->raw.p ? r->raw.p : "", r->raw.len) < 0)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory"), -2;
	r->have_hdr = 1;
	return 1;
}

/* The header line as read, or NULL. */
const char *
csm_reader_header(const struct csm_reader *r, size_t *len)
{
	if (!r->have_hdr)
		return NULL;
	*len = r->hdrraw.len;
	return r->hdrraw.p ? r->hdrraw.p : "";
}

static int
read_table(struct csm_reader *r, struct csm_rec *rec, struct csm_err *err)
{
	long first;
	size_t i;
	int rc;

	if (!r->have_hdr) {
		rc = read_header(r, err);
		if (rc == -2 && err->code == CSM_EDATA) {
			/* A broken header makes every row meaningless. */
			err->line = err->line ? err->line : 1;
		}
		if (rc <= 0)
			return rc == -1 ? -2 : rc;
	}
	rc = read_row(r, &first, err);
	rec->line = first;
	rec->raw = r->raw.p ? r->raw.p : "";
	rec->rawlen = r->raw.len;
	if (rc <= 0)
		return rc;
	err->line = first;
	if (r->nfields != r->nhdr)
		return csm_err_set(err, CSM_EDATA,
		    "expected %zu fields, got %zu", r->nhdr, r->nfields);
	rec->obj = json_object();
	if (rec->obj == NULL)
		return csm_err_set(err, CSM_EINTERNAL, "out of memory"), -2;
	for (i = 0; i < r->nfields; i++) {
		const char *s = r->fbuf.p + r->fields[i].off;
		json_t *v;

		if (r->fields[i].len == 0)
			continue;
		if (check_field(r, i, 0, err) < 0) {
			json_decref(rec->obj);
			rec->obj = NULL;
			return -1;
		}
		v = json_stringn_nocheck(s, r->fields[i].len);
		if (v == NULL || json_object_set_new_nocheck(rec->obj,
		    r->hdr[i], v) != 0) {
			json_decref(rec->obj);
			rec->obj = NULL;
			return csm_err_set(err, CSM_EINTERNAL,
			    "out of memory"), -2;
		}
	}
	return 1;
}

/*
 * Reads the next record.  Returns 1 (rec->obj is new), 0 at the end, -1 for
 * a bad record (err has line and reason, rec->raw its bytes), -2 when
 * reading cannot go on (err says why).
 */
int
csm_reader_next(struct csm_reader *r, struct csm_rec *rec,
    struct csm_err *err)
{
	csm_err_clear(err);
	rec->obj = NULL;
	rec->line = 0;
	rec->raw = "";
	rec->rawlen = 0;
	if (r->fmt == CSM_FMT_JSONL)
		return read_jsonl(r, rec, err);
	return read_table(r, rec, err);
}
