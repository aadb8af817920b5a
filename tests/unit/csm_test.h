/*
 * csm_test.h - the in-tree unit test harness (after Redis testhelp.h and
 * MinUnit): no dependency, one process, so the sanitizers see every leak.
 * Each test binary ends with TEST_REPORT(), whose last line the runner reads.
 */
#ifndef CSM_TEST_H
#define CSM_TEST_H

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int csm_t_pass, csm_t_fail;

#define CHECK(c) do { if (c) csm_t_pass++; else { csm_t_fail++; \
	fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #c); } \
	} while (0)

/* Compares two C strings, printing both on failure. */
#define CHECK_STR(a, b) do { const char *csm_t_a = (a), *csm_t_b = (b); \
	if (csm_t_a && csm_t_b && strcmp(csm_t_a, csm_t_b) == 0) \
		csm_t_pass++; \
	else { csm_t_fail++; fprintf(stderr, \
	    "%s:%d: FAIL: %s == %s\n  got:      \"%s\"\n  expected: \"%s\"\n", \
	    __FILE__, __LINE__, #a, #b, csm_t_a ? csm_t_a : "(null)", \
	    csm_t_b ? csm_t_b : "(null)"); } } while (0)

/* Compares two integers, printing both on failure. */
#define CHECK_INT(a, b) do { long long csm_t_a = (a), csm_t_b = (b); \
	if (csm_t_a == csm_t_b) csm_t_pass++; \
	else { csm_t_fail++; fprintf(stderr, \
	    "%s:%d: FAIL: %s == %s\n  got:      %lld\n  expected: %lld\n", \
	    __FILE__, __LINE__, #a, #b, csm_t_a, csm_t_b); } } while (0)

/*
 * Removes the directory path and everything in it (the mkdtemp directory
 * of a test binary).  Returns rmdir's result for the directory itself.
 */
static inline int
csm_t_rmtree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[4096];
	struct stat sb;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..")
		    == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%.255s", path,
		    de->d_name) >= sizeof(sub))
			continue;
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			csm_t_rmtree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	return rmdir(path);
}

#define TEST_REPORT() (printf("%d passed, %d failed\n", csm_t_pass, \
	csm_t_fail), csm_t_fail != 0)

#endif /* CSM_TEST_H */
