/*
 * util.c - helpers of the fuzz targets (fuzz.h): invariant failures and
 * scratch files for the readers, which take a path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "fuzz.h"

#define NSLOTS 4

static struct {
	int	made;
	int	fd;
	char	path[4096];	/* what readers open */
	char	real[4096];	/* the file's name, "" once removed */
} slots[NSLOTS];

/* Prints where an invariant failed and aborts, so that libFuzzer (or the
 * replay driver's caller) sees a crash and keeps the input. */
void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line,
	    what);
	abort();
}

static void
remove_files(void)
{
	int i;

	for (i = 0; i < NSLOTS; i++)
		if (slots[i].real[0] != '\0')
			unlink(slots[i].real);
}

static int
make_slot(int i)
{
	static int registered;
	const char *tmp = getenv("TMPDIR");
	int fd, n;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	n = snprintf(slots[i].real, sizeof(slots[i].real),
	    "%s/csm-fuzz.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sizeof(slots[i].real))
		return -1;
	fd = mkstemp(slots[i].real);
	if (fd < 0) {
		slots[i].real[0] = '\0';
		return -1;
	}
	slots[i].fd = fd;
	slots[i].made = 1;
	/* Where the file can be opened through its descriptor, remove it
	 * now: nothing is left behind, even after a crash. */
	snprintf(slots[i].path, sizeof(slots[i].path), "/proc/self/fd/%d",
	    fd);
	n = open(slots[i].path, O_RDONLY | O_CLOEXEC);
	if (n >= 0) {
		close(n);
		unlink(slots[i].real);
		slots[i].real[0] = '\0';
		return 0;
	}
	memcpy(slots[i].path, slots[i].real, sizeof(slots[i].path));
	if (!registered) {
		registered = 1;
		atexit(remove_files);
	}
	return 0;
}

/* Scratch files (see fuzz.h). */
const char *
fuzz_file(int slot, const void *data, size_t size)
{
	const char *p = data;
	size_t done = 0;
	ssize_t n;

	if (slot < 0 || slot >= NSLOTS)
		return NULL;
	if (!slots[slot].made && make_slot(slot) < 0)
		return NULL;
	if (ftruncate(slots[slot].fd, 0) < 0)
		return NULL;
	while (done < size) {
		n = pwrite(slots[slot].fd, p + done, size - done,
		    (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		done += (size_t)n;
	}
	return slots[slot].path;
}

/* A NUL-terminated copy (see fuzz.h). */
char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The next good record, checking the reader's contract (see fuzz.h). */
int
fuzz_next(struct csm_reader *r, size_t size, struct csm_rec *rec)
{
	struct csm_err err;
	int rc;

	for (;;) {
		rc = csm_reader_next(r, rec, &err);
		if (rc == 0)
			return 0;
		FUZZ_ASSERT(rec->rawlen <= size);
		if (rc == -2) {
			FUZZ_ASSERT(err.msg[0] != '\0');
			return -2;
		}
		if (rc == 1)
			break;
		FUZZ_ASSERT(rc == -1 && rec->obj == NULL);
		FUZZ_ASSERT(err.code == CSM_EDATA);
		FUZZ_ASSERT(err.line >= 1 && err.msg[0] != '\0');
	}
	FUZZ_ASSERT(json_is_object(rec->obj) && rec->line >= 1);
	return 1;
}

int
fuzz_contains_ci(const uint8_t *s, size_t len, const char *word)
{
	size_t n = strlen(word), i, j;

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n; j++) {
			int c = s[i + j];

			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (c != word[j])
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

long
fuzz_count(struct csm_store *st, const char *sql)
{
	sqlite3_stmt *s;
	long n = -1;
	int rc;

	rc = sqlite3_prepare_v2(csm_store_db(st), sql, -1, &s, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql,
		    sqlite3_errmsg(csm_store_db(st)));
		FUZZ_ASSERT(rc == SQLITE_OK);
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}
