/*
 * test_report_html.c - the HTML dashboard (lib/report_html.c): a full
 * dashboard, empty ones, hostile strings, a single period, write errors.
 *
 * With an argument, also writes the full dashboard to that file, the
 * sample that tests/report/chromium-check and tests/report/screenshot
 * look at:  build/tests/test_report_html /tmp/dash.html
 */
#include <stdlib.h>
#include <string.h>

#include "csm.h"
#include "csm_test.h"

/* A dashboard as csm-report builds it, CJK and emoji included. */
static const char full[] =
    "{\"title\":\"Support \xe6\x94\xaf\xe6\x8c\x81 weekly\","
    "\"generated_at\":\"2026-12-02T15:00:00+08:00\","
    "\"since\":\"2026-11-18T00:00:00+08:00\","
    "\"until\":\"2026-12-02T00:00:00+08:00\","
    "\"timezone\":\"Asia/Shanghai\",\"calendar\":\"cn-office\","
    "\"kpis\":["
    "{\"name\":\"created\",\"label\":\"Created\",\"value\":1234,"
    "\"unit\":\"count\"},"
    "{\"name\":\"resolved\",\"label\":\"Resolved\",\"value\":1101,"
    "\"unit\":\"count\"},"
    "{\"name\":\"frt_p50\",\"label\":\"First response p50\","
    "\"value\":3900,\"unit\":\"seconds\"},"
    "{\"name\":\"resolution_p50\",\"label\":\"Resolution p50\","
    "\"value\":183600,\"unit\":\"seconds\"},"
    "{\"name\":\"frt_min\",\"label\":\"Fastest reply\",\"value\":45,"
    "\"unit\":\"seconds\"},"
    "{\"name\":\"csat\",\"label\":\"CSAT\",\"value\":87.5,"
    "\"unit\":\"percent\"},"
    "{\"name\":\"csat_mean\",\"label\":\"CSAT mean\",\"value\":4.21,"
    "\"unit\":\"score\"},"
    "{\"name\":\"nps\",\"label\":\"NPS\",\"value\":null,"
    "\"unit\":\"score\"}],"
    "\"volume\":["
    "{\"period\":\"2026-11-18\",\"created\":92,\"resolved\":80},"
    "{\"period\":\"2026-11-19\",\"created\":101,\"resolved\":95},"
    "{\"period\":\"2026-11-20\",\"created\":88,\"resolved\":97},"
    "{\"period\":\"2026-11-21\",\"created\":75,\"resolved\":70},"
    "{\"period\":\"2026-11-22\",\"created\":40,\"resolved\":22},"
    "{\"period\":\"2026-11-23\",\"created\":35,\"resolved\":0},"
    "{\"period\":\"2026-11-24\",\"created\":120,\"resolved\":110},"
    "{\"period\":\"2026-11-25\",\"created\":130,\"resolved\":118},"
    "{\"period\":\"2026-11-26\",\"created\":98,\"resolved\":105},"
    "{\"period\":\"2026-11-27\",\"created\":91,\"resolved\":99},"
    "{\"period\":\"2026-11-28\",\"created\":84,\"resolved\":76},"
    "{\"period\":\"2026-11-29\",\"created\":44,\"resolved\":30},"
    "{\"period\":\"2026-11-30\",\"created\":38,\"resolved\":20},"
    "{\"period\":\"2026-12-01\",\"created\":198,\"resolved\":79}],"
    "\"frt\":["
    "{\"period\":\"2026-11-18\",\"p50\":3600,\"p90\":7200},"
    "{\"period\":\"2026-11-19\",\"p50\":2700,\"p90\":9000},"
    "{\"period\":\"2026-11-20\",\"p50\":3100,\"p90\":8100},"
    "{\"period\":\"2026-11-21\",\"p50\":null,\"p90\":null},"
    "{\"period\":\"2026-11-22\",\"p50\":5400,\"p90\":14400},"
    "{\"period\":\"2026-11-23\",\"p50\":6000,\"p90\":null},"
    "{\"period\":\"2026-11-24\",\"p50\":1800,\"p90\":6300}],"
    "\"resolution\":["
    "{\"period\":\"2026-11-18\",\"p50\":86400,\"p90\":259200},"
    "{\"period\":\"2026-11-19\",\"p50\":72000,\"p90\":302400},"
    "{\"period\":\"2026-11-20\",\"p50\":90000,\"p90\":200000},"
    "{\"period\":\"2026-11-21\",\"p50\":100000,\"p90\":400000}],"
    "\"sla\":["
    "{\"target\":\"first_response\",\"met\":1010,\"breached\":202,"
    "\"pct\":83.3},"
    "{\"target\":\"next_response\",\"met\":0,\"breached\":5,\"pct\":0},"
    "{\"target\":\"resolution\",\"met\":900,\"breached\":0,"
    "\"pct\":100}],"
    "\"backlog\":[{\"bucket\":\"< 1d\",\"count\":45},"
    "{\"bucket\":\"1-3d\",\"count\":31},{\"bucket\":\"3-7d\",\"count\":12},"
    "{\"bucket\":\"7-30d\",\"count\":6},{\"bucket\":\"30d+\",\"count\":0}],"
    "\"csat\":{\"pct\":87.5,\"mean\":4.21,\"count\":40,"
    "\"scores\":[1,2,3,10,24]},"
    "\"nps\":{\"nps\":12.5,\"count\":40,\"promoters\":20,\"passives\":5,"
    "\"detractors\":15},"
    "\"categories\":["
    "{\"name\":\"\xe6\x94\xaf\xe4\xbb\x98\xe5\xa4\xb1\xe8\xb4\xa5\","
    "\"count\":340},"
    "{\"name\":\"\xe9\x80\x80\xe6\xac\xbe\",\"count\":210},"
    "{\"name\":\"shipping\",\"count\":180},"
    "{\"name\":\"\xe8\xb4\xa6\xe5\x8f\xb7\xe7\x99\xbb\xe5\xbd\x95\xe9\x97\xae"
    "\xe9\xa2\x98\xe4\xb8\x8e\xe5\xaf\x86\xe7\xa0\x81\xe9\x87\x8d\xe7\xbd\xae"
    "\xe5\x92\x8c\xe5\xae\x89\xe5\x85\xa8\",\"count\":150},"
    "{\"name\":\"\xf0\x9f\x8e\x81 gift cards\",\"count\":95},"
    "{\"name\":\"invoices\",\"count\":60},"
    "{\"name\":\"returns\",\"count\":55},"
    "{\"name\":\"app crash\",\"count\":40},"
    "{\"name\":\"delivery\",\"count\":30},"
    "{\"name\":null,\"count\":25},"
    "{\"name\":\"promo\",\"count\":20},"
    "{\"name\":\"misc\",\"count\":29}],"
    "\"channels\":[{\"name\":\"wechat\",\"count\":800},"
    "{\"name\":\"email\",\"count\":300},{\"name\":\"phone\",\"count\":120},"
    "{\"name\":\"web\",\"count\":14}],"
    "\"agents\":["
    "{\"assignee\":\"alice\",\"assigned\":400,\"resolved\":350,"
    "\"replies\":1900,\"open\":5,\"frt_p50\":1800,\"csat\":90.0},"
    "{\"assignee\":\"\xe7\x8e\x8b\xe8\x8a\xb3\",\"assigned\":380,"
    "\"resolved\":360,\"replies\":1500,\"open\":12,\"frt_p50\":3900,"
    "\"csat\":85.5},"
    "{\"assignee\":\"bob\",\"assigned\":10,\"resolved\":2,\"replies\":3,"
    "\"open\":8,\"frt_p50\":null,\"csat\":null},"
    "{\"assignee\":null,\"assigned\":0,\"resolved\":0,\"replies\":0,"
    "\"open\":40,\"frt_p50\":null,\"csat\":null}]}";

/* Every panel there, every array empty. */
static const char empty_arrays[] =
    "{\"title\":\"x\",\"generated_at\":\"2026-12-02T15:00:00+08:00\","
    "\"since\":null,\"until\":\"2026-12-02T00:00:00+08:00\","
    "\"timezone\":\"UTC\",\"calendar\":null,\"kpis\":[],\"volume\":[],"
    "\"frt\":[],\"resolution\":[],\"sla\":[],\"backlog\":[],"
    "\"csat\":{\"pct\":null,\"mean\":null,\"count\":0,\"scores\":[]},"
    "\"nps\":{\"nps\":null,\"count\":0,\"promoters\":0,\"passives\":0,"
    "\"detractors\":0},\"categories\":[],\"channels\":[],\"agents\":[]}";

/* User data that must come out as text. */
static const char hostile[] =
    "{\"title\":\"<script>alert(1)</script>\","
    "\"timezone\":\"a\\\"b\",\"calendar\":\"x'y&z\","
    "\"kpis\":[{\"label\":\"<img src=x onerror=alert(1)>\",\"value\":1,"
    "\"unit\":\"count\"}],"
    "\"volume\":[{\"period\":\"</svg><script>\",\"created\":3,"
    "\"resolved\":1}],"
    "\"categories\":[{\"name\":\"\xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87"
    "\",\"count\":3},{\"name\":\"bell\\u0007\\u0000nul\\u001b[31m\","
    "\"count\":2},{\"name\":\"\\u202eevil\",\"count\":1}],"
    "\"agents\":[{\"assignee\":\"<b>&amp;\",\"assigned\":1}]}";

/* Occurrences of needle in the n bytes of hay. */
static int
count(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;
	int c = 0;

	for (i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			c++;
	return c;
}

/* Renders the dashboard json into *out (new) of *len bytes. */
static int
render(const char *json, char **out, size_t *len, struct csm_err *err)
{
	json_error_t jerr;
	json_t *dash = json_loads(json, JSON_ALLOW_NUL, &jerr);
	FILE *fp;
	int rc;

	if (dash == NULL) {
		fprintf(stderr, "fixture: line %d: %s\n", jerr.line, jerr.text);
		exit(1);
	}
	*out = NULL;
	fp = open_memstream(out, len);
	if (fp == NULL)
		exit(1);
	rc = csm_report_html(fp, dash, err);
	fclose(fp);
	json_decref(dash);
	return rc;
}

/* The checks every document passes. */
static void
check_document(const char *s, size_t n)
{
	CHECK(strncmp(s, "<!DOCTYPE html>\n", 16) == 0);
	CHECK(strstr(s, "<meta charset=\"utf-8\">") != NULL);
	CHECK(count(s, n, "<script") == 0);
	CHECK(count(s, n, "http") == 0);
	CHECK(count(s, n, "url(") == 0);
	CHECK(count(s, n, "@import") == 0);
	CHECK(strlen(s) == n);			/* no NUL */
	CHECK(csm_utf8_valid(s, n, NULL));
	CHECK(n > 7 && strcmp(s + n - 8, "</html>\n") == 0);
	CHECK_INT(count(s, n, "<svg"), count(s, n, "</svg>"));
	CHECK_INT(count(s, n, "<div"), count(s, n, "</div>"));
}

static void
test_full(const char *sample)
{
	struct csm_err err;
	char *s;
	size_t n;
	FILE *fp;

	csm_err_clear(&err);
	CHECK_INT(render(full, &s, &n, &err), 0);
	check_document(s, n);
	/* Nine charts, each with a title, no "no data" note. */
	CHECK_INT(count(s, n, "<svg class=\"chart\" role=\"img\""), 9);
	CHECK_INT(count(s, n, "class=\"chart\""), 9);
	/* A tooltip on every bar and dot, broken lines where null. */
	CHECK_INT(count(s, n, "<title>"), 10 + count(s, n, "class=\"mark\"") -
	    count(s, n, "<polyline"));
	CHECK_INT(count(s, n, "<polyline"), 5);
	CHECK_INT(count(s, n, "class=\"nodata\""), 0);
	CHECK(count(s, n, "aria-label=\"Tickets created and resolved") == 1);
	CHECK(count(s, n, "aria-label=\"First response time p50") == 1);
	CHECK(count(s, n, "aria-label=\"Resolution time p50") == 1);
	CHECK(count(s, n, "aria-label=\"SLA attainment") == 1);
	CHECK(count(s, n, "aria-label=\"Open tickets by age") == 1);
	CHECK(count(s, n, "aria-label=\"CSAT responses") == 1);
	CHECK(count(s, n, "aria-label=\"Net promoter score") == 1);
	CHECK(count(s, n, "aria-label=\"Categories") == 1);
	CHECK(count(s, n, "aria-label=\"Channels") == 1);
	/* The header. */
	CHECK(strstr(s, "<h1>Support \xe6\x94\xaf\xe6\x8c\x81 weekly</h1>"));
	CHECK(strstr(s, "<b>2026-11-18 00:00</b> to <b>2026-12-02 00:00</b>"));
	CHECK(strstr(s, "Asia/Shanghai"));
	CHECK(strstr(s, "calendar <b>cn-office</b>"));
	CHECK(strstr(s, "generated 2026-12-02 15:00"));
	/* KPIs in their units; a null one is a dash. */
	CHECK(strstr(s, "<div class=\"kv\">1\xe2\x80\xaf" "234</div>"));
	CHECK(strstr(s, "<div class=\"kv\">1h 05m</div>"));
	CHECK(strstr(s, "<div class=\"kv\">2d 3h</div>"));
	CHECK(strstr(s, "<div class=\"kv\">45s</div>"));
	CHECK(strstr(s, "<div class=\"kv\">87.5%</div>"));
	CHECK(strstr(s, "<div class=\"kv\">4.21</div>"));
	CHECK(strstr(s, "<div class=\"kv\">\xe2\x80\x94</div>"));
	/* Legends, CSAT and NPS figures, SLA counts. */
	CHECK(strstr(s, ">Created</text>") && strstr(s, ">Resolved</text>"));
	CHECK_INT(count(s, n, ">p50</text>"), 2);
	CHECK(strstr(s, "CSAT <b>87.5%</b>") && strstr(s, "<b>4.21</b>"));
	CHECK(strstr(s, "\xc2\xb7 40 responses</p>"));
	CHECK(strstr(s, "NPS +12.5"));
	CHECK(strstr(s, "1\xe2\x80\xaf" "010 met \xc2\xb7 202 breached"));
	CHECK(strstr(s, ">First response</text>"));
	/* Ten categories and the rest (two) as "other"; a null name. */
	CHECK(strstr(s, "other (2 more)"));
	CHECK(strstr(s, "(none)"));
	CHECK(strstr(s, "\xe6\x94\xaf\xe4\xbb\x98\xe5\xa4\xb1\xe8\xb4\xa5"));
	CHECK(strstr(s, "\xe2\x80\xa6</text>"));	/* long name cut */
	CHECK(count(s, n, ">promo<") == 0);
	/* Agents. */
	CHECK(strstr(s, "<table class=\"agents\">"));
	CHECK_INT(count(s, n, "<tr>"), 5);
	CHECK(strstr(s, "<td>\xe7\x8e\x8b\xe8\x8a\xb3</td>"));
	CHECK(strstr(s, "<td>(unassigned)</td>"));
	CHECK(strstr(s, "<td>1\xe2\x80\xaf" "900</td>"));
	CHECK(strstr(s, "<td>30m</td><td>90.0%</td>"));
	/* Axis ticks of durations are round. */
	CHECK(strstr(s, "text-anchor=\"end\">4h</text>"));
	if (sample != NULL) {
		fp = fopen(sample, "w");
		CHECK(fp != NULL);
		if (fp != NULL) {
			CHECK(fwrite(s, 1, n, fp) == n);
			CHECK(fclose(fp) == 0);
		}
	}
	free(s);
}

static void
test_empty(void)
{
	static const char *const docs[] = {"{}", empty_arrays,
	    "{\"agents\":null,\"kpis\":{},\"sla\":[{\"target\":\"x\"}],"
	    "\"csat\":[],\"nps\":\"x\",\"backlog\":[{\"bucket\":\"1d\","
	    "\"count\":0}],\"categories\":[{\"name\":\"a\",\"count\":0}],"
	    "\"volume\":[{\"period\":\"p\",\"created\":0,\"resolved\":null}],"
	    "\"frt\":[{\"period\":\"p\",\"p50\":null,\"p90\":null}]}"};
	struct csm_err err;
	char *s;
	size_t n, i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		csm_err_clear(&err);
		CHECK_INT(render(docs[i], &s, &n, &err), 0);
		check_document(s, n);
		CHECK_INT(count(s, n, "class=\"chart\""), 0);
		/* KPIs, nine charts, the agents. */
		CHECK_INT(count(s, n, "<p class=\"nodata\">no data</p>"), 11);
		CHECK_INT(count(s, n, "class=\"panel"), 11);
		CHECK(strstr(s, "<h1>") != NULL);
		free(s);
	}
	/* The header's defaults. */
	CHECK_INT(render("{}", &s, &n, &err), 0);
	CHECK(strstr(s, "<h1>csm dashboard</h1>"));
	CHECK(strstr(s, "<b>the beginning</b> to <b>now</b>"));
	CHECK(strstr(s, "calendar") == NULL);
	free(s);
}

static void
test_hostile(void)
{
	struct csm_err err;
	char *s;
	size_t n;

	CHECK_INT(render(hostile, &s, &n, &err), 0);
	check_document(s, n);
	CHECK(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	CHECK(strstr(s, "<b>a&quot;b</b>"));
	CHECK(strstr(s, "<b>x&#39;y&amp;z</b>"));
	CHECK(strstr(s, "&lt;img src=x onerror=alert(1)&gt;"));
	CHECK(count(s, n, "<img") == 0);
	CHECK(strstr(s, "&lt;/svg&gt;&lt;script&gt;"));
	CHECK(strstr(s, "<td>&lt;b&gt;&amp;amp;</td>"));
	CHECK(strstr(s, "\xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87"));
	/* Controls and bidi overrides dropped. */
	CHECK(strstr(s, "bellnul[31m"));
	CHECK(count(s, n, "\x07") == 0 && count(s, n, "\x1b") == 0);
	CHECK(count(s, n, "\xe2\x80\xae") == 0 && strstr(s, ">evil<"));
	/* One period still draws, with both series. */
	CHECK_INT(count(s, n, "class=\"chart\""), 2);
	CHECK_INT(count(s, n, "<rect class=\"mark\""), 2 + 3);
	free(s);
}

static void
test_single_and_bad_utf8(void)
{
	struct csm_err err;
	json_t *dash;
	char *s = NULL;
	size_t n;
	FILE *fp;

	/* One period of times: dots, no line of one point. */
	CHECK_INT(render("{\"frt\":[{\"period\":\"2026-W48\",\"p50\":0,"
	    "\"p90\":30}]}", &s, &n, &err), 0);
	CHECK_INT(count(s, n, "class=\"chart\""), 1);
	CHECK_INT(count(s, n, "<circle class=\"mark\""), 2);
	CHECK_INT(count(s, n, "<polyline"), 0);
	CHECK(strstr(s, ">2026-W48</text>"));
	free(s);

	/* A string jansson was given unchecked comes out valid UTF-8. */
	dash = json_pack("{s:o}", "title",
	    json_stringn_nocheck("a\xff\xc3(b\xe4\xb8", 8));
	fp = open_memstream(&s, &n);
	CHECK_INT(csm_report_html(fp, dash, &err), 0);
	fclose(fp);
	CHECK(csm_utf8_valid(s, n, NULL));
	CHECK(strstr(s, "<h1>a\xef\xbf\xbd\xef\xbf\xbd(b\xef\xbf\xbd"
	    "\xef\xbf\xbd</h1>"));
	free(s);
	json_decref(dash);
}

static void
test_errors(void)
{
	struct csm_err err;
	json_t *a = json_array();
	FILE *fp;

	csm_err_clear(&err);
	CHECK_INT(csm_report_html(stdout, a, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	csm_err_clear(&err);
	CHECK_INT(csm_report_html(stdout, NULL, &err), -1);
	CHECK_INT(err.code, CSM_EDATA);
	CHECK_INT(csm_report_html(stdout, a, NULL), -1);
	json_decref(a);

	if ((fp = fopen("/dev/full", "w")) != NULL) {
		a = json_loads(full, 0, NULL);
		csm_err_clear(&err);
		CHECK_INT(csm_report_html(fp, a, &err), -1);
		CHECK_INT(err.code, CSM_EIO);
		CHECK(strstr(err.msg, "No space left") != NULL);
		fclose(fp);
		json_decref(a);
	}
}

int
main(int argc, char **argv)
{
	test_full(argc > 1 ? argv[1] : NULL);
	test_empty();
	test_hostile();
	test_single_and_bad_utf8();
	test_errors();
	return TEST_REPORT();
}
