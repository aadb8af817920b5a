/*
 * replay.c - runs a fuzz target without libFuzzer: each file named on the
 * command line, and each file of each directory named (in name order,
 * dot files skipped, not recursive), is read into a buffer of exactly its
 * size and passed to LLVMFuzzerTestOneInput once.  Arguments starting
 * with '-' are libFuzzer options and are ignored, so that a crash file
 * can be replayed with the command line libFuzzer printed.
 *
 * Before each input its name goes to stderr, so that a sanitizer report
 * or an abort follows the name of the input that caused it.  Exits 0
 * after the last input with "N inputs" on stdout, 66 if an input cannot
 * be read, 64 without arguments.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static long ninputs;

static int
run_file(const char *path)
{
	FILE *fp;
	struct stat st;
	unsigned char *buf;
	size_t len;

	fp = fopen(path, "rb");
	if (fp == NULL || fstat(fileno(fp), &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	len = (size_t)st.st_size;
	/* Exactly len bytes (one for an empty input, which stays unread),
	 * so that AddressSanitizer sees a read past the end. */
	buf = malloc(len ? len : 1);
	if (buf == NULL || fread(buf, 1, len, fp) != len) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	ninputs++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **p, path[4096];
	size_t n = 0, i;
	int rc = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = realloc(names, (n + 1) * sizeof(*names));
		if (p == NULL)
			abort();
		names = p;
		names[n] = strdup(de->d_name);
		if (names[n] == NULL)
			abort();
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!(stat(path, &st) == 0 && S_ISDIR(st.st_mode)) &&
		    run_file(path) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0, any = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		any = 1;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]) < 0)
				rc = 66;
		} else if (run_file(argv[i]) < 0)
			rc = 66;
	}
	if (!any) {
		fprintf(stderr, "usage: %s FILE|DIR ...\n", argv[0]);
		return 64;
	}
	printf("%ld inputs\n", ninputs);
	return rc;
}
