/*
 * fuzz.h - what the fuzz targets of tests/fuzz share.
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput, the entry point
 * of libFuzzer (make fuzz) and of replay.c, which feeds it the files of
 * a corpus (make check).  A target must be deterministic, must free
 * everything it allocates for an input (LeakSanitizer watches), and
 * checks its invariants with FUZZ_ASSERT, which aborts so that libFuzzer
 * keeps the input.
 */
#ifndef CSM_FUZZ_H
#define CSM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with file, line and condition unless c holds. */
#define FUZZ_ASSERT(c) do { if (!(c)) fuzz_fail(__FILE__, __LINE__, #c); \
	} while (0)
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

/*
 * Replaces the contents of scratch file slot (0 .. 3) with data[0..size)
 * and returns a path that opens it (borrowed, valid for the process).
 * The file is made once per slot in $TMPDIR (else /tmp) and removed at
 * once where /proc/self/fd can name it, else at exit.  Returns NULL if
 * the file cannot be made or written.
 */
const char *fuzz_file(int slot, const void *data, size_t size);

/* Whether word (lowercase) is in s[0..len), in any case. */
int fuzz_contains_ci(const uint8_t *s, size_t len, const char *word);

struct csm_store;
/* The first column of the one row of sql (a count) on st; asserts it
 * prepares. */
long fuzz_count(struct csm_store *st, const char *sql);

struct csm_reader;
struct csm_rec;
/*
 * The next good record of r (an input of size bytes) into rec: returns 1
 * (rec->obj is the caller's), or 0 at the end, or -2 when reading must
 * stop.  Checks the reader's contract on the way: a bad record (-1) has
 * no object, a CSM_EDATA error with its line and a message; no record's
 * raw bytes are longer than the input; every error has a message.
 */
int fuzz_next(struct csm_reader *r, size_t size, struct csm_rec *rec);

/* A NUL-terminated copy of data[0..size) (new; free it). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif /* CSM_FUZZ_H */
