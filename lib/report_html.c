/*
 * report_html.c - the HTML dashboard of csm-report: one self-contained
 * HTML5 document for the dashboard JSON of the report contract, with
 * inline CSS and inline SVG charts, no script, no URL and no web font,
 * so that it reads the same in a browser, offline and in a mail client.
 *
 * Every string of the JSON is user data and goes through esc().  Each
 * panel is one function; a panel without data keeps its place with a
 * "no data" note.  Drawn data elements carry class="mark", which
 * tests/report/chromium-check measures.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csm.h"

#define BLUE	"#4e79a7"
#define GREEN	"#59a14f"
#define ORANGE	"#f28e2b"
#define RED	"#e15759"
#define GREY	"#bab0ac"
#define TEAL	"#76b7b2"

/* Width of every chart's viewBox, and of a text column, in pixels. */
#define CHART_W	520
#define COL_PX	6.5

/* "—", for a number that is null. */
#define DASH	"\xe2\x80\x94"
/* Narrow no-break space: the thin grouping of "12 345". */
#define NNBSP	"\xe2\x80\xaf"

enum unit { U_COUNT, U_SECONDS, U_PERCENT, U_SCORE, U_OTHER };

/* One series of a vertical chart. */
struct series {
	const char	*key;	/* member of each row; NULL: the row itself */
	const char	*label;	/* legend and tooltips */
	const char	*color;
};

/* A vertical chart: rows along x, one bar or line per series. */
struct vchart {
	const char		*title;	/* <title> and aria-label */
	const json_t		*rows;	/* array (borrowed) */
	const char		*xkey;	/* member naming x; NULL: 1, 2 ... */
	const struct series	*ser;
	int			 nser;
	enum unit		 unit;	/* of the y axis */
};

/* A linear axis from 0 to top, ticks every step. */
struct scale {
	double	top;
	double	step;
	int	nstep;	/* top / step */
};

static const char css[] =
    "body{margin:0;background:#f4f5f7;color:#1f2329;"
    "font:14px/1.45 -apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,"
    "\"Helvetica Neue\",Arial,\"PingFang SC\",\"Hiragino Sans GB\","
    "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
    "\"WenQuanYi Micro Hei\",sans-serif}\n"
    ".wrap{max-width:1100px;margin:0 auto;padding:24px 16px}\n"
    "h1{font-size:22px;margin:0 0 4px}\n"
    "h2{font-size:15px;margin:0 0 8px}\n"
    ".meta{color:#5f6670;font-size:13px;margin:0 0 20px}\n"
    ".meta b{color:#1f2329;font-weight:600}\n"
    ".kpis{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(150px,1fr));gap:12px;margin:0 0 16px}\n"
    ".kpi{background:#fff;border:1px solid #e3e5e8;"
    "border-radius:8px;padding:10px 14px}\n"
    ".kv{font-size:22px;font-weight:600;white-space:nowrap}\n"
    ".kl{color:#5f6670;font-size:12px}\n"
    ".grid{display:flex;flex-wrap:wrap;gap:16px}\n"
    ".panel{box-sizing:border-box;flex:0 1 calc(50% - 8px);min-width:0;"
    "background:#fff;border:1px solid #e3e5e8;border-radius:8px;"
    "padding:12px 14px;margin:0 0 16px}\n"
    ".grid .panel{margin:0}\n"
    ".panel.wide{flex-basis:100%}\n"
    "@media (max-width:760px){.panel{flex-basis:100%}}\n"
    "svg.chart{display:block;width:100%;max-width:520px;height:auto}\n"
    "svg.chart text{font-size:11px;fill:#5f6670}\n"
    "svg.chart text.v{fill:#1f2329}\n"
    "svg.chart text.big{font-size:22px;font-weight:600;fill:#1f2329}\n"
    ".nodata{color:#8a9099;font-style:italic;text-align:center;"
    "margin:28px 0}\n"
    ".caption{color:#5f6670;font-size:13px;margin:6px 0 0}\n"
    ".scroll{overflow-x:auto}\n"
    "table.agents{border-collapse:collapse;width:100%;font-size:13px}\n"
    "table.agents th{text-align:right;color:#5f6670;font-weight:600;"
    "border-bottom:1px solid #d0d3d8;padding:6px 8px}\n"
    "table.agents td{text-align:right;border-bottom:1px solid #eceef1;"
    "padding:5px 8px;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "table.agents th:first-child,table.agents td:first-child"
    "{text-align:left;white-space:normal}\n"
    ".foot{color:#8a9099;font-size:12px;margin:16px 0 0}\n";

/* Characters left out of the page: C0, DEL, C1, bidi overrides. */
static int
dropped(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Writes s[0..len) as HTML text or attribute value: & < > " ' as
 * references, dropped() characters left out, a byte that does not start
 * valid UTF-8 as U+FFFD.  When maxw is not 0 and the text is wider than
 * maxw columns, it is cut there with an ellipsis.
 */
static void
esc(FILE *fp, const char *s, size_t len, size_t maxw)
{
	size_t i, n;
	uint32_t cp;
	int cut = 0;

	if (maxw != 0 && csm_width(s, len) > maxw) {
		len = csm_width_fit(s, len, maxw - 1, NULL);
		cut = 1;
	}
	for (i = 0; i < len; i += n) {
		n = 1;
		switch (s[i]) {
		case '&':
			fputs("&amp;", fp);
			continue;
		case '<':
			fputs("&lt;", fp);
			continue;
		case '>':
			fputs("&gt;", fp);
			continue;
		case '"':
			fputs("&quot;", fp);
			continue;
		case '\'':
			fputs("&#39;", fp);
			continue;
		default:
			break;
		}
		if ((unsigned char)s[i] < 0x80) {
			if (!dropped((unsigned char)s[i]))
				putc(s[i], fp);
			continue;
		}
		n = csm_utf8_decode(s + i, len - i, &cp);
		if (n == 0 || n > len - i || !csm_utf8_valid(s + i, n, NULL)) {
			fputs("\xef\xbf\xbd", fp);
			n = 1;
		} else if (!dropped(cp))
			fwrite(s + i, 1, n, fp);
	}
	if (cut)
		fputs("\xe2\x80\xa6", fp);
}

/*
 * Writes the JSON value v escaped: a string as esc() does, an integer in
 * decimal, anything else as dflt (not escaped: a literal of ours).
 */
static void
put_str(FILE *fp, const json_t *v, size_t maxw, const char *dflt)
{
	if (json_is_string(v))
		esc(fp, json_string_value(v), json_string_length(v), maxw);
	else if (json_is_integer(v))
		fprintf(fp, "%lld", (long long)json_integer_value(v));
	else
		fputs(dflt, fp);
}

/* Display width of the string v (or of its decimal form), in columns. */
static size_t
str_width(const json_t *v)
{
	char buf[32];

	if (json_is_string(v))
		return csm_width(json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		return (size_t)snprintf(buf, sizeof(buf), "%lld",
		    (long long)json_integer_value(v));
	return 0;
}

/*
 * The number at key of the object row, or row itself when key is NULL,
 * into *v.  Returns 0 when it is missing, null or not a number.
 */
static int
num(const json_t *row, const char *key, double *v)
{
	const json_t *n = key != NULL ? json_object_get(row, key) : row;

	if (!json_is_number(n))
		return 0;
	*v = json_number_value(n);
	return isfinite(*v);
}

/* The number at key, or 0 when there is none. */
static double
num0(const json_t *row, const char *key)
{
	double v;

	return num(row, key, &v) ? v : 0;
}

/* An integer count with thin grouping: "12 345". */
static void
fmt_count(char *buf, size_t n, double v)
{
	char dig[32];
	long long x;
	size_t len, i, o = 0;

	if (!(fabs(v) < 1e15)) {
		snprintf(buf, n, "%.3g", v);
		return;
	}
	x = llround(v);
	if (x < 0) {
		buf[o++] = '-';
		x = -x;
	}
	len = (size_t)snprintf(dig, sizeof(dig), "%lld", x);
	for (i = 0; i < len && o + 5 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			memcpy(buf + o, NNBSP, 3);
			o += 3;
		}
		buf[o++] = dig[i];
	}
	buf[o] = '\0';
}

/* A duration for people: "45s", "5m 30s", "1h 05m", "2d 3h". */
static void
fmt_dur(char *buf, size_t n, double v)
{
	const char *sign = "";
	long long s, m, h;

	if (v < 0) {
		sign = "-";
		v = -v;
	}
	if (!(v < 1e12)) {
		snprintf(buf, n, "%s%.3gd", sign, v / 86400);
		return;
	}
	s = llround(v);
	if (s < 60) {
		snprintf(buf, n, "%s%llds", sign, s);
	} else if (s < 3600) {
		if (s % 60 == 0)
			snprintf(buf, n, "%s%lldm", sign, s / 60);
		else
			snprintf(buf, n, "%s%lldm %02llds", sign, s / 60,
			    s % 60);
	} else if ((m = (s + 30) / 60) < 24 * 60) {
		if (m % 60 == 0)
			snprintf(buf, n, "%s%lldh", sign, m / 60);
		else
			snprintf(buf, n, "%s%lldh %02lldm", sign, m / 60,
			    m % 60);
	} else {
		h = (s + 1800) / 3600;
		if (h % 24 == 0)
			snprintf(buf, n, "%s%lldd", sign, h / 24);
		else
			snprintf(buf, n, "%s%lldd %lldh", sign, h / 24, h % 24);
	}
}

/* A value in its unit: count, duration, "87.5%", score "4.21". */
static void
fmt_value(char *buf, size_t n, double v, enum unit u)
{
	switch (u) {
	case U_COUNT:
		fmt_count(buf, n, v);
		break;
	case U_SECONDS:
		fmt_dur(buf, n, v);
		break;
	case U_PERCENT:
		snprintf(buf, n, "%.1f%%", v);
		break;
	case U_SCORE:
		snprintf(buf, n, "%.2f", v);
		break;
	default:
		snprintf(buf, n, "%g", v);
		break;
	}
}

/* An axis tick: a count of ten thousand or more as "50k", "1.5M". */
static void
fmt_tick(char *buf, size_t n, double v, enum unit u)
{
	if (u != U_COUNT || v < 1e4)
		fmt_value(buf, n, v, u);
	else if (v < 1e6)
		snprintf(buf, n, "%gk", v / 1e3);
	else if (v < 1e9)
		snprintf(buf, n, "%gM", v / 1e6);
	else
		snprintf(buf, n, "%gG", v / 1e9);
}

/* The unit named in a KPI. */
static enum unit
unit_of(const json_t *kpi)
{
	static const char *const names[] = {"count", "seconds", "percent",
	    "score"};
	const char *s = json_string_value(json_object_get(kpi, "unit"));
	size_t i;

	for (i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum unit)i;
	return U_OTHER;
}

/*
 * A scale from 0 to at least max, about five ticks: 1-2-5 steps (whole
 * numbers for counts), or for durations steps of whole seconds, minutes,
 * hours or days.  A max of 0 or less gives a scale of 0..1 step.
 */
static void
nice_scale(struct scale *sc, double max, enum unit u)
{
	static const double dur[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
	    900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 432000,
	    864000};
	double raw, mag, f;
	size_t i;

	raw = (max > 0 ? max : 1) / 5;
	sc->step = 0;
	if (u == U_SECONDS) {
		for (i = 0; i < sizeof(dur) / sizeof(dur[0]); i++)
			if (dur[i] >= raw) {
				sc->step = dur[i];
				break;
			}
	}
	if (sc->step == 0) {
		mag = pow(10, floor(log10(raw)));
		f = raw / mag;
		sc->step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
		if (u == U_COUNT && sc->step < 1)
			sc->step = 1;
	}
	sc->nstep = (int)ceil((max > 0 ? max : 1) / sc->step - 1e-9);
	sc->top = sc->nstep * sc->step;
}

/* Opens an inline SVG chart of w x h pixels; title is ours, not escaped. */
static void
svg_open(FILE *fp, int w, int h, const char *title)
{
	fprintf(fp, "<svg class=\"chart\" role=\"img\" aria-label=\"%s\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">"
	    "<title>%s</title>\n", title, w, h, w, h, title);
}

/* A legend along the top, from x. */
static void
svg_legend(FILE *fp, double x, const struct series *ser, int nser)
{
	int i;

	for (i = 0; i < nser; i++) {
		fprintf(fp, "<rect x=\"%.1f\" y=\"4\" width=\"10\" "
		    "height=\"10\" rx=\"2\" fill=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"13\">%s</text>\n", x, ser[i].color,
		    x + 14, ser[i].label);
		x += 14 + COL_PX * (double)strlen(ser[i].label) + 16;
	}
}

/* A <title> tooltip "x · label: value" for a mark, x from row. */
static void
svg_tip(FILE *fp, const json_t *row, const char *xkey, size_t i,
    const char *label, const char *value)
{
	fputs("<title>", fp);
	if (xkey != NULL)
		put_str(fp, json_object_get(row, xkey), 0, "");
	else
		fprintf(fp, "%zu", i + 1);
	fprintf(fp, " \xc2\xb7 %s: %s</title>", label, value);
}

/* Whether the chart has a value to draw: any number, or any above 0. */
static int
has_data(const struct vchart *c, int positive)
{
	size_t i;
	int s;
	double v;

	for (i = 0; i < json_array_size(c->rows); i++)
		for (s = 0; s < c->nser; s++)
			if (num(json_array_get(c->rows, i), c->ser[s].key,
			    &v) && (!positive || v > 0))
				return 1;
	return 0;
}

/* Geometry of a vertical chart's plot area. */
struct frame {
	double		left, top, width, height;
	double		gw;	/* width of one row's slot */
	struct scale	sc;
};

/* The y of value v in frame f. */
static double
fy(const struct frame *f, double v)
{
	if (v < 0)
		v = 0;
	return f->top + f->height - v / f->sc.top * f->height;
}

/* The y grid of a vertical chart, with tick labels in c's unit. */
static void
svg_y_axis(FILE *fp, const struct vchart *c, const struct frame *f)
{
	char buf[64];
	double t;
	int k;

	for (k = 0; k <= f->sc.nstep; k++) {
		t = k * f->sc.step;
		fmt_tick(buf, sizeof(buf), t, c->unit);
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\">%s</text>\n", f->left,
		    f->left + f->width, fy(f, t), fy(f, t),
		    k == 0 ? "#8a9099" : "#eceef1", f->left - 6, fy(f, t) + 4,
		    buf);
	}
}

/*
 * The x labels of a vertical chart, cut at maxw columns: every few rows
 * so that they fit, each centred under its slot but inside the chart,
 * and left out if it would still touch the one before.
 */
static void
svg_x_labels(FILE *fp, const struct vchart *c, const struct frame *f,
    size_t maxw)
{
	size_t n = json_array_size(c->rows), i, every, w;
	const json_t *xv = NULL;
	double half, x, right = 0;

	every = (size_t)ceil((double)n * (COL_PX * (double)maxw + 10) /
	    f->width);
	for (i = 0; i < n; i += every > 1 ? every : 1) {
		if (c->xkey != NULL)
			xv = json_object_get(json_array_get(c->rows, i),
			    c->xkey);
		w = c->xkey != NULL ? str_width(xv) : 1;
		half = COL_PX / 2 * (double)(w < maxw ? w : maxw);
		x = fmin(fmax(f->left + f->gw * ((double)i + 0.5), f->left +
		    half), CHART_W - 2 - half);
		if (x - half < right + 8)
			continue;
		right = x + half;
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">", x, f->top + f->height + 16);
		if (c->xkey != NULL)
			put_str(fp, xv, maxw, "");
		else
			fprintf(fp, "%zu", i + 1);
		fputs("</text>\n", fp);
	}
}

/*
 * Opens the SVG of a vertical chart, sets f from the rows and draws the
 * frame: legend, y grid, x labels.
 */
static void
vchart_frame(FILE *fp, const struct vchart *c, struct frame *f)
{
	size_t n = json_array_size(c->rows), i, maxw = 1, w;
	const json_t *row;
	double max = 0, v;
	int s;

	for (i = 0; i < n; i++) {
		row = json_array_get(c->rows, i);
		for (s = 0; s < c->nser; s++)
			if (num(row, c->ser[s].key, &v) && v > max)
				max = v;
		if (c->xkey != NULL &&
		    (w = str_width(json_object_get(row, c->xkey))) > maxw)
			maxw = w;
	}
	nice_scale(&f->sc, max, c->unit);
	f->left = c->unit == U_SECONDS ? 58 : 48;
	f->top = c->nser > 1 ? 28 : 14;
	f->width = CHART_W - f->left - 10;
	f->height = 180;
	f->gw = f->width / (double)(n > 0 ? n : 1);

	svg_open(fp, CHART_W, (int)(f->top + f->height + 30), c->title);
	if (c->nser > 1)
		svg_legend(fp, f->left, c->ser, c->nser);
	svg_y_axis(fp, c, f);
	svg_x_labels(fp, c, f, maxw < 12 ? maxw : 12);
}

/*
 * Grouped vertical bars, one per series and row; a value of 0 or null
 * draws no bar.  Values are written above the bars when there are few.
 */
static void
svg_bar_chart(FILE *fp, const struct vchart *c)
{
	struct frame f;
	size_t n = json_array_size(c->rows), i;
	const json_t *row;
	double v, bw, x;
	char buf[64];
	int s, labels = n * (size_t)c->nser <= 12;

	vchart_frame(fp, c, &f);
	bw = fmin(f.gw * 0.8 / c->nser, 48);
	for (i = 0; i < n; i++) {
		row = json_array_get(c->rows, i);
		for (s = 0; s < c->nser; s++) {
			if (!num(row, c->ser[s].key, &v) || v <= 0)
				continue;
			x = f.left + f.gw * ((double)i + 0.5) -
			    bw * c->nser / 2 + bw * s;
			fmt_value(buf, sizeof(buf), v, c->unit);
			fprintf(fp, "<rect class=\"mark\" x=\"%.1f\" "
			    "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"%s\">", x, fy(&f, v), bw, fy(&f, 0) -
			    fy(&f, v), c->ser[s].color);
			svg_tip(fp, row, c->xkey, i, c->ser[s].label, buf);
			fputs("</rect>\n", fp);
			if (labels)
				fprintf(fp, "<text class=\"v\" x=\"%.1f\" "
				    "y=\"%.1f\" text-anchor=\"middle\">%s"
				    "</text>\n", x + bw / 2, fy(&f, v) - 4,
				    buf);
		}
	}
	fputs("</svg>\n", fp);
}

/*
 * Lines, one per series, broken where a value is null, with a dot on
 * each value (so that a lone value still shows).
 */
static void
svg_line_chart(FILE *fp, const struct vchart *c)
{
	struct frame f;
	size_t n = json_array_size(c->rows), i;
	const json_t *row;
	double v, w, r = n > 40 ? 1.5 : 3;
	char buf[64];
	int s, prev, next;

	vchart_frame(fp, c, &f);
	for (s = 0; s < c->nser; s++) {
		for (i = 0; i < n; i++) {
			if (!num(json_array_get(c->rows, i), c->ser[s].key, &v))
				continue;
			prev = i > 0 && num(json_array_get(c->rows, i - 1),
			    c->ser[s].key, &w);
			next = i + 1 < n && num(json_array_get(c->rows, i + 1),
			    c->ser[s].key, &w);
			if (!prev && next)
				fprintf(fp, "<polyline class=\"mark\" "
				    "fill=\"none\" stroke=\"%s\" "
				    "stroke-width=\"2\" points=\"",
				    c->ser[s].color);
			if (prev || next)
				fprintf(fp, "%.1f,%.1f ", f.left + f.gw *
				    ((double)i + 0.5), fy(&f, v));
			if (prev && !next)
				fputs("\"/>\n", fp);
		}
		for (i = 0; i < n; i++) {
			row = json_array_get(c->rows, i);
			if (!num(row, c->ser[s].key, &v))
				continue;
			fmt_value(buf, sizeof(buf), v, c->unit);
			fprintf(fp, "<circle class=\"mark\" cx=\"%.1f\" "
			    "cy=\"%.1f\" r=\"%.1f\" fill=\"%s\">", f.left +
			    f.gw * ((double)i + 0.5), fy(&f, v), r,
			    c->ser[s].color);
			svg_tip(fp, row, c->xkey, i, c->ser[s].label, buf);
			fputs("</circle>\n", fp);
		}
	}
	fputs("</svg>\n", fp);
}

/*
 * Tick labels 0% .. 100% under horizontal bars that run from x0 to x1,
 * with grid lines from y0 to y1.
 */
static void
svg_pct_axis(FILE *fp, double x0, double x1, double y0, double y1)
{
	int p;
	double x;

	for (p = 0; p <= 100; p += 25) {
		x = x0 + (x1 - x0) * p / 100;
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#eceef1\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d%%"
		    "</text>\n", x, x, y0, y1, x, y1 + 14, p);
	}
}

/* Starts a panel titled title (ours); wide: the whole row. */
static void
panel_open(FILE *fp, const char *title, int wide)
{
	fprintf(fp, "<div class=\"panel%s\"><h2>%s</h2>\n",
	    wide ? " wide" : "", title);
}

static void
panel_close(FILE *fp)
{
	fputs("</div>\n", fp);
}

static void
nodata(FILE *fp)
{
	fputs("<p class=\"nodata\">no data</p>\n", fp);
}

/* A panel with a vertical chart (bars, or lines), or "no data". */
static void
panel_vchart(FILE *fp, const char *title, const struct vchart *c,
    int lines)
{
	panel_open(fp, title, 0);
	if (!has_data(c, !lines))
		nodata(fp);
	else if (lines)
		svg_line_chart(fp, c);
	else
		svg_bar_chart(fp, c);
	panel_close(fp);
}

/*
 * Writes an RFC 3339 time as "2026-12-02 15:00" (the zone is in the
 * header), anything else as it is.
 */
static void
put_time(FILE *fp, const json_t *v, const char *dflt)
{
	const char *s = json_string_value(v);

	if (s != NULL && json_string_length(v) >= 16 && s[10] == 'T' &&
	    s[13] == ':' && strspn(s, "0123456789-") == 10) {
		esc(fp, s, 10, 0);
		fputc(' ', fp);
		esc(fp, s + 11, 5, 0);
	} else
		put_str(fp, v, 0, dflt);
}

/* The document head, the title and the window of the report. */
static void
header(FILE *fp, const json_t *dash)
{
	const json_t *title = json_object_get(dash, "title");
	const json_t *cal = json_object_get(dash, "calendar");

	fputs("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>", fp);
	put_str(fp, title, 0, "csm dashboard");
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
	    "<div class=\"wrap\">\n<h1>", css);
	put_str(fp, title, 0, "csm dashboard");
	fputs("</h1>\n<p class=\"meta\"><b>", fp);
	put_time(fp, json_object_get(dash, "since"), "the beginning");
	fputs("</b> to <b>", fp);
	put_time(fp, json_object_get(dash, "until"), "now");
	fputs("</b> \xc2\xb7 time zone <b>", fp);
	put_str(fp, json_object_get(dash, "timezone"), 0, DASH);
	fputs("</b>", fp);
	if (json_is_string(cal)) {
		fputs(" \xc2\xb7 calendar <b>", fp);
		put_str(fp, cal, 0, "");
		fputs("</b>", fp);
	}
	fputs(" \xc2\xb7 generated ", fp);
	put_time(fp, json_object_get(dash, "generated_at"), DASH);
	fputs("</p>\n", fp);
}

/* The KPI cards. */
static void
kpis(FILE *fp, const json_t *dash)
{
	const json_t *a = json_object_get(dash, "kpis"), *k;
	size_t i;
	double v;
	char buf[64];

	if (json_array_size(a) == 0) {
		panel_open(fp, "Key figures", 1);
		nodata(fp);
		panel_close(fp);
		return;
	}
	fputs("<div class=\"kpis\">\n", fp);
	json_array_foreach(a, i, k) {
		if (num(k, "value", &v))
			fmt_value(buf, sizeof(buf), v, unit_of(k));
		else
			snprintf(buf, sizeof(buf), "%s", DASH);
		fprintf(fp, "<div class=\"kpi\"><div class=\"kv\">%s</div>"
		    "<div class=\"kl\">", buf);
		put_str(fp, json_object_get(k, "label"), 0, "");
		fputs("</div></div>\n", fp);
	}
	fputs("</div>\n", fp);
}

static void
panel_volume(FILE *fp, const json_t *dash)
{
	static const struct series ser[] = {
		{"created", "Created", BLUE},
		{"resolved", "Resolved", GREEN},
	};
	struct vchart c = {"Tickets created and resolved per period",
	    json_object_get(dash, "volume"), "period", ser, 2, U_COUNT};

	/* Bars for a month of days or fewer, else lines. */
	panel_vchart(fp, "Volume", &c, json_array_size(c.rows) > 31);
}

/* FRT or resolution time, p50 and p90 per period (key: frt, resolution). */
static void
panel_times(FILE *fp, const json_t *dash, const char *key,
    const char *title, const char *desc)
{
	static const struct series ser[] = {
		{"p50", "p50", BLUE},
		{"p90", "p90", ORANGE},
	};
	struct vchart c = {desc, json_object_get(dash, key), "period", ser,
	    2, U_SECONDS};

	panel_vchart(fp, title, &c, 1);
}

/* The name people read for an SLA target. */
static const char *
target_label(const char *t)
{
	if (t == NULL)
		return NULL;
	if (strcmp(t, "first_response") == 0)
		return "First response";
	if (strcmp(t, "next_response") == 0)
		return "Next response";
	if (strcmp(t, "resolution") == 0)
		return "Resolution";
	return NULL;
}

/* The share met of an SLA row, from pct or else met and breached. */
static int
sla_pct(const json_t *row, double *pct)
{
	double met = num0(row, "met"), br = num0(row, "breached");

	if (num(row, "pct", pct)) {
		*pct = *pct < 0 ? 0 : *pct > 100 ? 100 : *pct;
		return 1;
	}
	if (met < 0 || br < 0 || met + br <= 0)
		return 0;
	*pct = 100 * met / (met + br);
	return 1;
}

/* SLA attainment: a bar per target, met then breached, 0-100%. */
static void
svg_sla_chart(FILE *fp, const json_t *rows)
{
	static const struct series ser[] = {
		{NULL, "Met", GREEN},
		{NULL, "Breached", RED},
	};
	const double x0 = 120, x1 = 450, rh = 36, top = 24;
	size_t n = json_array_size(rows), i;
	const json_t *row;
	const char *t;
	double pct, y, xm;
	char met[64], br[64];

	svg_open(fp, CHART_W, (int)(top + rh * (double)n + 22),
	    "SLA attainment per target");
	svg_legend(fp, x0, ser, 2);
	svg_pct_axis(fp, x0, x1, top - 4, top + rh * (double)n);
	json_array_foreach(rows, i, row) {
		y = top + rh * (double)i;
		t = json_string_value(json_object_get(row, "target"));
		fprintf(fp, "<text class=\"v\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"end\">", x0 - 8, y + 12);
		if (target_label(t) != NULL)
			fputs(target_label(t), fp);
		else
			put_str(fp, json_object_get(row, "target"), 17, DASH);
		fputs("</text>\n", fp);
		if (!sla_pct(row, &pct)) {
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\">no data"
			    "</text>\n", x0 + 4, y + 12);
			continue;
		}
		fmt_count(met, sizeof(met), num0(row, "met"));
		fmt_count(br, sizeof(br), num0(row, "breached"));
		xm = x0 + (x1 - x0) * pct / 100;
		if (pct > 0)
			fprintf(fp, "<rect class=\"mark\" x=\"%.1f\" "
			    "y=\"%.1f\" "
			    "width=\"%.1f\" height=\"16\" fill=\"%s\">"
			    "<title>%s met</title></rect>\n", x0, y, xm - x0,
			    GREEN, met);
		if (pct < 100)
			fprintf(fp, "<rect class=\"mark\" x=\"%.1f\" "
			    "y=\"%.1f\" "
			    "width=\"%.1f\" height=\"16\" fill=\"%s\">"
			    "<title>%s breached</title></rect>\n", xm, y,
			    x1 - xm, RED, br);
		fprintf(fp, "<text class=\"v\" x=\"%.1f\" y=\"%.1f\" "
		    "font-weight=\"600\">%.1f%%</text>\n"
		    "<text x=\"%.1f\" y=\"%.1f\">%s met \xc2\xb7 %s breached"
		    "</text>\n", x1 + 8, y + 12, pct, x0, y + 29, met, br);
	}
	fputs("</svg>\n", fp);
}

static void
panel_sla(FILE *fp, const json_t *dash)
{
	const json_t *rows = json_object_get(dash, "sla"), *row;
	size_t i;
	double pct;
	int any = 0;

	json_array_foreach(rows, i, row)
		any |= sla_pct(row, &pct);
	panel_open(fp, "SLA attainment", 0);
	if (any)
		svg_sla_chart(fp, rows);
	else
		nodata(fp);
	panel_close(fp);
}

static void
panel_backlog(FILE *fp, const json_t *dash)
{
	static const struct series ser[] = {
		{"count", "Open tickets", TEAL},
	};
	struct vchart c = {"Open tickets by age",
	    json_object_get(dash, "backlog"), "bucket", ser, 1, U_COUNT};

	panel_vchart(fp, "Backlog by age", &c, 0);
}

/* "1 response", "40 responses". */
static void
fmt_responses(char *buf, size_t n, double v)
{
	char c[64];

	fmt_count(c, sizeof(c), v);
	snprintf(buf, n, "%s response%s", c, strcmp(c, "1") == 0 ? "" : "s");
}

/* CSAT: responses per score 1..5, the share satisfied and the mean. */
static void
panel_csat(FILE *fp, const json_t *dash)
{
	static const struct series ser[] = {
		{NULL, "Responses", BLUE},
	};
	const json_t *csat = json_object_get(dash, "csat");
	struct vchart c = {"CSAT responses per score (1 to 5)",
	    json_object_get(csat, "scores"), NULL, ser, 1, U_COUNT};
	char pct[64], mean[64], count[80];
	double v;

	panel_open(fp, "Customer satisfaction (CSAT)", 0);
	if (has_data(&c, 1))
		svg_bar_chart(fp, &c);
	else
		nodata(fp);
	if (num(csat, "pct", &v) || num(csat, "mean", &v)) {
		snprintf(pct, sizeof(pct), "%s", DASH);
		snprintf(mean, sizeof(mean), "%s", DASH);
		if (num(csat, "pct", &v))
			fmt_value(pct, sizeof(pct), v, U_PERCENT);
		if (num(csat, "mean", &v))
			fmt_value(mean, sizeof(mean), v, U_SCORE);
		fmt_responses(count, sizeof(count), num0(csat, "count"));
		fprintf(fp, "<p class=\"caption\">CSAT <b>%s</b> satisfied "
		    "(4 or 5) \xc2\xb7 mean <b>%s</b> \xc2\xb7 %s</p>\n", pct,
		    mean, count);
	}
	panel_close(fp);
}

/* NPS: the figure, and detractors, passives, promoters as one bar. */
static void
svg_nps_chart(FILE *fp, const json_t *nps)
{
	static const struct {
		const char	*key, *label, *color;
	} part[] = {
		{"detractors", "Detractors (0-6)", RED},
		{"passives", "Passives (7-8)", GREY},
		{"promoters", "Promoters (9-10)", GREEN},
	};
	const double x0 = 16, x1 = CHART_W - 20, y = 44;
	double total = 0, x = x0, w, v;
	char buf[64];
	size_t i;

	for (i = 0; i < 3; i++)
		total += fmax(num0(nps, part[i].key), 0);
	svg_open(fp, CHART_W, 142, "Net promoter score");
	if (!num(nps, "nps", &v))
		v = 100 * (num0(nps, "promoters") - num0(nps, "detractors")) /
		    total;
	fprintf(fp, "<text class=\"big\" x=\"%.1f\" y=\"30\">NPS %+.1f"
	    "</text>\n", x0, v);
	svg_pct_axis(fp, x0, x1, y - 4, y + 30);
	for (i = 0; i < 3; i++) {
		v = fmax(num0(nps, part[i].key), 0);
		w = (x1 - x0) * v / total;
		fmt_count(buf, sizeof(buf), v);
		if (w > 0)
			fprintf(fp, "<rect class=\"mark\" x=\"%.1f\" "
			    "y=\"%.1f\" width=\"%.1f\" height=\"24\" "
			    "fill=\"%s\"><title>%s: %s</title></rect>\n", x,
			    y, w, part[i].color, part[i].label, buf);
		fprintf(fp, "<rect x=\"%.1f\" y=\"100\" width=\"10\" "
		    "height=\"10\" rx=\"2\" fill=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"109\">%s</text>"
		    "<text class=\"v\" x=\"%.1f\" y=\"126\">%s (%.1f%%)"
		    "</text>\n", x0 + 170 * (double)i, part[i].color,
		    x0 + 170 * (double)i + 14, part[i].label,
		    x0 + 170 * (double)i + 14, buf, 100 * v / total);
		x += w;
	}
	fputs("</svg>\n", fp);
}

static void
panel_nps(FILE *fp, const json_t *dash)
{
	const json_t *nps = json_object_get(dash, "nps");
	double total = fmax(num0(nps, "promoters"), 0) +
	    fmax(num0(nps, "passives"), 0) + fmax(num0(nps, "detractors"), 0);
	char count[80];

	panel_open(fp, "Net promoter score (NPS)", 0);
	if (total > 0) {
		svg_nps_chart(fp, nps);
		/* "count" when there is one, else the sum of the three. */
		(void)num(nps, "count", &total);
		fmt_responses(count, sizeof(count), total);
		fprintf(fp, "<p class=\"caption\">%s</p>\n", count);
	} else
		nodata(fp);
	panel_close(fp);
}

/*
 * Horizontal bars of rows {"name", "count"}, biggest first: the first
 * ten, and the rest summed as "other".
 */
static void
svg_hbar_chart(FILE *fp, const char *title, const json_t *rows,
    const char *color)
{
	const double x0 = 150, x1 = 410, rh = 24, top = 6;
	size_t n = json_array_size(rows), shown = n > 10 ? 11 : n, i;
	double max = 0, total = 0, other = 0, v, x, y;
	struct scale sc;
	char buf[64];
	const json_t *row;
	int k;

	json_array_foreach(rows, i, row) {
		v = fmax(num0(row, "count"), 0);
		total += v;
		if (i >= 10)
			other += v;
		else if (v > max)
			max = v;
	}
	if (other > max)
		max = other;
	nice_scale(&sc, max, U_COUNT);
	svg_open(fp, CHART_W, (int)(top + rh * (double)shown + 22), title);
	for (k = 0; k <= sc.nstep; k++) {
		v = k * sc.step;
		fmt_tick(buf, sizeof(buf), v, U_COUNT);
		x = x0 + (x1 - x0) * v / sc.top;
		fprintf(fp, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">%s</text>\n", x, x, top,
		    top + rh * (double)shown, v == 0 ? "#8a9099" : "#eceef1",
		    x, top + rh * (double)shown + 14, buf);
	}
	for (i = 0; i < shown; i++) {
		row = json_array_get(rows, i);
		v = i < 10 ? fmax(num0(row, "count"), 0) : other;
		y = top + rh * (double)i;
		fputs("<text class=\"v\" x=\"142\" text-anchor=\"end\" ", fp);
		fprintf(fp, "y=\"%.1f\">", y + 16);
		if (i < 10)
			put_str(fp, json_object_get(row, "name"), 20, "(none)");
		else
			fprintf(fp, "other (%zu more)", n - 10);
		fputs("</text>\n", fp);
		fmt_count(buf, sizeof(buf), v);
		if (v > 0) {
			fprintf(fp, "<rect class=\"mark\" x=\"%.1f\" "
			    "y=\"%.1f\" width=\"%.1f\" height=\"16\" "
			    "fill=\"%s\"><title>", x0, y + 4,
			    (x1 - x0) * v / sc.top, color);
			if (i < 10)
				put_str(fp, json_object_get(row, "name"), 0,
				    "(none)");
			else
				fputs("other", fp);
			fprintf(fp, ": %s</title></rect>\n", buf);
		}
		fprintf(fp, "<text class=\"v\" x=\"%.1f\" y=\"%.1f\">%s "
		    "<tspan fill=\"#8a9099\">%.1f%%</tspan></text>\n",
		    x0 + (x1 - x0) * v / sc.top + 6, y + 16, buf,
		    total > 0 ? 100 * v / total : 0);
	}
	fputs("</svg>\n", fp);
}

/* Categories or channels (key), top ten and "other". */
static void
panel_breakdown(FILE *fp, const json_t *dash, const char *key,
    const char *title, const char *color)
{
	const json_t *rows = json_object_get(dash, key), *row;
	size_t i;
	int any = 0;

	json_array_foreach(rows, i, row)
		any |= num0(row, "count") > 0;
	panel_open(fp, title, 0);
	if (any)
		svg_hbar_chart(fp, title, rows, color);
	else
		nodata(fp);
	panel_close(fp);
}

/* A table cell with the number at key in unit u, or a dash. */
static void
put_cell(FILE *fp, const json_t *row, const char *key, enum unit u)
{
	char buf[64];
	double v;

	if (num(row, key, &v))
		fmt_value(buf, sizeof(buf), v, u);
	else
		snprintf(buf, sizeof(buf), "%s", DASH);
	fprintf(fp, "<td>%s</td>", buf);
}

/* The agent table: one row per assignee. */
static void
panel_agents(FILE *fp, const json_t *dash)
{
	const json_t *rows = json_object_get(dash, "agents"), *row;
	size_t i;

	panel_open(fp, "Agents", 1);
	if (json_array_size(rows) == 0) {
		nodata(fp);
		panel_close(fp);
		return;
	}
	fputs("<div class=\"scroll\"><table class=\"agents\">\n"
	    "<thead><tr><th>Assignee</th>"
	    "<th>Assigned</th><th>Resolved</th><th>Replies</th>"
	    "<th>Open</th><th>FRT p50</th><th>CSAT</th></tr></thead>\n"
	    "<tbody>\n", fp);
	json_array_foreach(rows, i, row) {
		fputs("<tr><td>", fp);
		put_str(fp, json_object_get(row, "assignee"), 0,
		    "(unassigned)");
		fputs("</td>", fp);
		put_cell(fp, row, "assigned", U_COUNT);
		put_cell(fp, row, "resolved", U_COUNT);
		put_cell(fp, row, "replies", U_COUNT);
		put_cell(fp, row, "open", U_COUNT);
		put_cell(fp, row, "frt_p50", U_SECONDS);
		put_cell(fp, row, "csat", U_PERCENT);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table></div>\n", fp);
	panel_close(fp);
}

/*
 * Writes the dashboard dash (borrowed) to fp as one HTML5 document.
 * Returns 0, or -1 with err: CSM_EDATA when dash is not an object,
 * CSM_EIO when writing (or flushing) fp failed.
 */
int
csm_report_html(FILE *fp, const json_t *dash, struct csm_err *err)
{
	if (!json_is_object(dash))
		return csm_err_set(err, CSM_EDATA,
		    "dashboard: expected a JSON object");
	errno = 0;
	header(fp, dash);
	kpis(fp, dash);
	fputs("<div class=\"grid\">\n", fp);
	panel_volume(fp, dash);
	panel_times(fp, dash, "frt", "First response time",
	    "First response time p50 and p90 per period");
	panel_times(fp, dash, "resolution", "Resolution time",
	    "Resolution time p50 and p90 per period");
	panel_sla(fp, dash);
	panel_backlog(fp, dash);
	panel_csat(fp, dash);
	panel_nps(fp, dash);
	panel_breakdown(fp, dash, "categories", "Categories", BLUE);
	panel_breakdown(fp, dash, "channels", "Channels", TEAL);
	panel_agents(fp, dash);
	fputs("</div>\n", fp);
	fputs("<p class=\"foot\">csm " CSM_VERSION "</p>\n</div>\n</body>\n"
	    "</html>\n", fp);
	if (fflush(fp) == EOF || ferror(fp))
		return csm_err_set(err, CSM_EIO, "write error: %s",
		    strerror(errno != 0 ? errno : EIO));
	return 0;
}
