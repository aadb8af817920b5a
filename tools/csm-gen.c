/*
 * csm-gen: a deterministic generator of realistic customer service data.
 *
 * Every value comes from our own PRNG (xoshiro256** seeded by splitmix64),
 * reseeded per ticket, per customer and per order from --seed and the
 * record's number, so the same arguments give the same bytes on any machine,
 * and the JSONL and CSV of one run describe the same tickets.  No floating
 * point, no locale, no time(), no rand(), no hash order.
 *
 * Ticket i is made from its own stream (ticket number, stream 0), its
 * messages, events and survey from a second stream (stream 1), customer c
 * from stream 2, order k of customer c from stream 3 (4 and 5 format the
 * CRM and ERP rows), so any kind can be written alone and still agree with
 * the others.
 *
 * The desk: 启明智家 (Qiming Home) sells home appliances and gadgets
 * online, repairs and installs them, and runs a concierge for its
 * members (出行服务).  Tickets arrive from 2026-01-01 to 2026-11-20, a day's
 * volume after the weekday, the holidays of 2026 and the 618 and 11.11
 * sales (gen-cal.c), at the hours people write on each channel.
 *
 * How a ticket arrives and what follows, so that csm-ingest, reading
 * tickets, then messages, then events (the order of scripts/demo and of
 * the test harnesses), builds the history as it happened:
 *
 * - Calls, chats and instant messages (phone, chat, WeChat, WeCom,
 *   DingTalk, mini program) arrive when the session ends: with the time
 *   the agent picked up (first_response_at) and, if it was solved there,
 *   resolved (IM) or closed (phone, chat) with its times; else escalated
 *   to a team, open or new in its queue.  The chat's lines are messages
 *   before that end.
 * - Mail, forms, the app, Weibo, device alarms and partners' systems
 *   arrive new; an automatic acknowledgement, the agent's first answer
 *   in the team's hours, a question and answer, a note are messages.
 * - Everything after the conversation is an event: a transfer, waiting on
 *   a part or a courier (on_hold), on the customer (pending, resolved by
 *   the system after seven days of silence), resolved, closed seven days
 *   later by the system (a repair: by the agent's follow-up call), a
 *   lead's reopen after a quality check.  No event is older than the
 *   ticket's last message, so none is stale.
 * - Some customers write again to a call or chat that was solved: within
 *   the 14-day reopen window of sample/csm.conf (or to a resolved ticket)
 *   the message reopens it; later, it starts a follow-up ticket.  Either
 *   way an answer, then events, follow.
 * - Weibo mentions since 2026-10-08 are a deliberate backlog: nobody has
 *   looked at them since the social media agent left (sample/README.md).
 * - Nothing happens after 2026-11-20: the last tickets are still in
 *   progress.
 *
 * Identity resolution gets work: the same phone is written many ways
 * (spreadsheet floats in the ERP export, office lines with extensions),
 * emails in varied case, one customer writes from several channels
 * (phone, email, WeChat, WeCom, DingTalk, Weibo, CRM id), about 1% of
 * tickets are anonymous, and a few "split" customers (index 7 mod 50) are
 * first seen by email only, then by phone only, and only later tied by one
 * ticket carrying both.  Split customers never appear in the CRM or ERP
 * exports, nor in other tickets, so nothing ties them earlier.
 *
 * Times are mostly written with +08:00, some in UTC ("Z"), some without
 * an offset ("2026-03-14 09:30:12", local +08:00 time).
 *
 * With -o, tickets.jsonl holds the first 80% of the tickets and
 * tickets.csv the rest, the same records as -f jsonl and -f csv write.
 *
 * Only libc: this tool must build before anything else in the tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

#define VERSION "0.1.0" /* kept equal to CSM_VERSION in lib/csm.h */

#define EX_OK 0
#define EX_USAGE 64
#define EX_SOFTWARE 70
#define EX_CANTCREAT 73
#define EX_IOERR 74

#define MAX_TICKETS 100000000ULL
#define OUT_CAP (1U << 20)

static const char usage_line[] = "usage: " PROG " [-n TICKETS] [-s SEED] "
                                 "[-f jsonl|csv] [--kind KIND] [-o DIR] "
                                 "[--help]\n";

/* The tables are laid out by hand. */
/* clang-format off */

static const char *const srcname[S_N] = {
	"email", "phone", "chat", "wechat", "wecom", "dingtalk",
	"weibo", "app", "miniprogram", "web", "iot", "api",
};
static const char *const srcpfx[S_N] = {
	"", "call-", "chat-", "wx-", "wecom-", "dd-", "wb-", "app-", "mp-",
	"web-", "dev-", "api-",
};
/* Shares of the channels on working days and on other days. */
static const unsigned char srcw_work[S_N] = {15, 14, 6, 20, 5, 4, 3, 10, 7,
					     10, 2, 3};
static const unsigned char srcw_off[S_N] = {9, 14, 7, 24, 1, 1, 4, 12, 9,
					    10, 2, 1};

const char *const groups[G_N] = {
	"一线客服组", "资深客服组", "售后", "财务组", "技术支持", "VIP专席",
	"English Desk", "礼宾组", "新媒体组",
};
static const char *const ag_l1[] = {"zhangwei", "lina", "wangfang",
				    "liuyang", "chenjing", "zhaomin",
				    "sunyue", "houjie"};
static const char *const ag_senior[] = {"alice", "zhaolei", "sunli"};
static const char *const ag_after[] = {"zhoujie", "wuhao", "maxin",
				       "tanglei"};
static const char *const ag_fin[] = {"huangmin", "xulin", "guoyan"};
static const char *const ag_tech[] = {"bob", "gaofeng", "heqiang", "luoyi"};
static const char *const ag_vip[] = {"alice", "lijuan"};
static const char *const ag_en[] = {"emma", "david", "sophia", "bob"};
static const char *const ag_conc[] = {"xiaoyu", "wenjing"};
static const char *const ag_social[] = {"qiaoqiao"};
const struct list agents[G_N] = {
	L(ag_l1), L(ag_senior), L(ag_after), L(ag_fin), L(ag_tech),
	L(ag_vip), L(ag_en), L(ag_conc), L(ag_social),
};
static const char *const leads[] = {"lead.sun", "lead.chen"};

static const char *const stname[] = {"new", "open", "pending", "on_hold",
				     "resolved", "closed"};
/* The stages of sample/csm.conf's repair workflow, by default status. */
static const char *const stage[] = {"受理", "维修中", "待客户", "等配件",
				    "已修复", "已回访"};
static const char *const prioname[] = {"low", "normal", "high", "urgent"};
static const char *const tiername[] = {"normal", "vip", "gold", "platinum"};
static const unsigned char tierw[] = {84, 10, 5, 1};

/* Mobile prefixes as the MIIT allocated them (13x, 15x, 17x, 18x, 19x;
 * 134 left out: 1349 is satellite), weighted roughly by subscribers. */
static const char mobile3[][4] = {
	"130", "131", "132", "133", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"170", "171", "172", "173", "175", "176", "177", "178",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
	"190", "191", "192", "193", "195", "196", "197", "198", "199",
};
static const unsigned char mobile3w[] = {
	4, 4, 4, 4, 4, 4, 4, 4, 4,
	3, 3, 3, 3, 2, 3, 3, 3, 3,
	1, 1, 1, 1, 1, 1, 1, 1,
	2, 2, 2, 2, 2, 3, 3, 3, 3, 3,
	1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Customers. */
struct zname {
	const char *han, *py;
};
static const struct zname zsur[] = {
	{"王", "wang"}, {"李", "li"},	{"张", "zhang"},   {"刘", "liu"},
	{"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"},   {"赵", "zhao"},
	{"吴", "wu"},	{"周", "zhou"}, {"徐", "xu"},	    {"孙", "sun"},
	{"马", "ma"},	{"朱", "zhu"},	{"胡", "hu"},	    {"郭", "guo"},
	{"何", "he"},	{"林", "lin"},	{"高", "gao"},	    {"罗", "luo"},
	{"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"},   {"宋", "song"},
	{"唐", "tang"}, {"韩", "han"},	{"冯", "feng"},	    {"邓", "deng"},
	{"曹", "cao"},	{"欧阳", "ouyang"}, {"司马", "sima"}, {"诸葛", "zhuge"},
};
static const struct zname zgiven[] = {
	{"伟", "wei"},	     {"芳", "fang"},	 {"娜", "na"},
	{"敏", "min"},	     {"静", "jing"},	 {"丽", "li"},
	{"强", "qiang"},     {"磊", "lei"},	 {"军", "jun"},
	{"洋", "yang"},	     {"勇", "yong"},	 {"艳", "yan"},
	{"杰", "jie"},	     {"娟", "juan"},	 {"涛", "tao"},
	{"明", "ming"},	     {"超", "chao"},	 {"秀英", "xiuying"},
	{"霞", "xia"},	     {"平", "ping"},	 {"刚", "gang"},
	{"桂英", "guiying"}, {"子涵", "zihan"},	 {"欣怡", "xinyi"},
	{"浩然", "haoran"},  {"宇轩", "yuxuan"}, {"梓萱", "zixuan"},
	{"一诺", "yinuo"},   {"俊杰", "junjie"}, {"思远", "siyuan"},
	{"雨桐", "yutong"},  {"建国", "jianguo"}, {"海燕", "haiyan"},
	{"晓东", "xiaodong"},
};
static const char *const efirst[] = {
	"Alice", "Bob",	  "Charlie", "David", "Emma",  "Olivia", "Liam",
	"Noah",	 "Sophia", "James",  "Mia",   "Lucas", "Chloe",	 "Daniel",
	"Grace", "Ethan", "Hannah",  "Jack",  "Zoe",   "Ryan",	 "Amelia",
	"Oliver", "Renée", "José",
};
static const char *const efirst_a[] = {
	"alice", "bob",	  "charlie", "david", "emma",  "olivia", "liam",
	"noah",	 "sophia", "james",  "mia",   "lucas", "chloe",	 "daniel",
	"grace", "ethan", "hannah",  "jack",  "zoe",   "ryan",	 "amelia",
	"oliver", "renee", "jose",
};
static const char *const elast[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
	"Wilson", "Taylor", "Clark",   "Lee",	"Wang",	 "Chen",   "Liu",
	"Nguyen", "Kim",    "Patel",   "O'Brien", "Müller", "García",
	"Tanaka",
};
static const char *const elast_a[] = {
	"smith", "johnson", "williams", "brown", "jones", "miller", "davis",
	"wilson", "taylor", "clark",   "lee",	"wang",	 "chen",   "liu",
	"nguyen", "kim",    "patel",   "obrien", "muller", "garcia",
	"tanaka",
};
static const char *const nick_pre[] = {
	"小", "阿", "大", "爱吃火锅的", "不吃香菜的", "快乐的", "",
};
static const char *const nick_post[] = {
	"同学", "酱", "_", "呀", "", "在路上",
};
static const char *const maildom[] = {
	"example.com", "example.net", "example.org",
	"example.cn",  "mail.example.com", "inbox.example.net",
};
static const char *const us_area[] = {"415", "212", "646", "206", "312",
				      "617"};

static const unsigned char csatw[3][5] = {	/* scores 1..5 */
	{2, 2, 6, 25, 65},	/* it went well */
	{7, 7, 18, 32, 36},	/* so-so */
	{32, 20, 22, 15, 11},	/* it went badly */
};
static const unsigned char npsw[3][11] = {	/* scores 0..10 */
	{1, 0, 1, 1, 1, 3, 4, 9, 15, 23, 42},
	{3, 2, 3, 4, 5, 8, 11, 18, 19, 15, 12},
	{14, 9, 11, 12, 12, 11, 10, 8, 6, 4, 3},
};

/* clang-format on */

/* ------------------------------------------------------ output buffers */

struct out {
	int fd;
	const char *name; /* borrowed: for messages */
	size_t len;
	char *buf;
};

static _Noreturn void
die(int code, const char *what, const char *name)
{
	int e = errno;

	if (name)
		fprintf(stderr, "%s: %s: %s: %s\n", PROG, name, what,
		        strerror(e));
	else
		fprintf(stderr, "%s: %s\n", PROG, what);
	exit(code);
}

_Noreturn void
gen_toobig(void)
{
	fprintf(stderr, "%s: internal error: record too big\n", PROG);
	exit(EX_SOFTWARE);
}

static void
flush(struct out *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				exit(EX_OK); /* a closed pipe is a normal end */
			die(EX_IOERR, "write error", o->name);
		}
		off += (size_t)w;
	}
	o->len = 0;
}

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n > OUT_CAP) {
		flush(o);
		if (n > OUT_CAP) {
			memcpy(o->buf, s, OUT_CAP);
			o->len = OUT_CAP;
			flush(o);
			put(o, s + OUT_CAP, n - OUT_CAP);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static struct out *
out_new(int fd, const char *name)
{
	struct out *o = malloc(sizeof(*o));

	if (!o || !(o->buf = malloc(OUT_CAP))) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		exit(EX_SOFTWARE);
	}
	o->fd = fd;
	o->name = name;
	o->len = 0;
	return o;
}

/* Flush, close and free; a failure to close is a write error too. */
static void
out_close(struct out *o)
{
	flush(o);
	if (o->fd != STDOUT_FILENO && close(o->fd) != 0)
		die(EX_IOERR, "write error", o->name);
	free(o->buf);
	free(o);
}

/* -------------------------------------------------- records and writers */

/* Column kinds: 's' string, 'r' raw JSON (number, boolean), 'T' tags. */
struct schema {
	int nf;
	const char *const *cols;
	const char *types;
};

/* clang-format off */
static const char *const tcols[] = {
	"type", "source", "source_id", "thread_id", "subject", "body",
	"created_at", "updated_at", "first_response_at", "resolved_at",
	"closed_at", "priority", "category", "product", "region", "tags",
	"status", "group", "assignee", "phone", "email", "wechat", "wecom",
	"dingtalk", "weibo", "crm_id", "name", "tier", "org", "ticket_type",
	"serial_no", "order_no",
};
enum {
	T_TYPE, T_SOURCE, T_SOURCE_ID, T_THREAD, T_SUBJECT, T_BODY, T_CREATED,
	T_UPDATED, T_FIRST_RESPONSE, T_RESOLVED, T_CLOSED, T_PRIO, T_CAT,
	T_PRODUCT, T_REGION, T_TAGS, T_STATUS, T_GROUP, T_ASSIGNEE, T_PHONE,
	T_EMAIL, T_WECHAT, T_WECOM, T_DINGTALK, T_WEIBO, T_CRM, T_NAME,
	T_TIER, T_ORG, T_TTYPE, T_SERIAL, T_ORDER, T_NF
};
static const char *const mcols[] = {"type", "source", "thread_id",
				    "source_id", "direction", "author", "body",
				    "at", "public", "auto"};
enum { M_TYPE, M_SOURCE, M_THREAD, M_ID, M_DIR, M_AUTHOR, M_BODY, M_AT,
       M_PUBLIC, M_AUTO, M_NF };
static const char *const ecols[] = {"type", "source", "thread_id", "action",
				    "at", "by", "assignee", "group", "status",
				    "priority"};
enum { E_TYPE, E_SOURCE, E_THREAD, E_ACTION, E_AT, E_BY, E_ASSIGNEE,
       E_GROUP, E_STATUS, E_PRIO, E_NF };
static const char *const vcols[] = {"type", "source", "thread_id", "kind",
				    "score", "comment", "at"};
enum { V_TYPE, V_SOURCE, V_THREAD, V_KIND, V_SCORE, V_COMMENT, V_AT,
       V_NF };
static const char *const ccols[] = {"type", "crm_id", "name", "phone",
				    "email", "wechat", "wecom", "dingtalk",
				    "weibo", "tier", "org", "city",
				    "created_at", "updated_at"};
enum { C_TYPE, C_CRM, C_NAME, C_PHONE, C_EMAIL, C_WECHAT, C_WECOM,
       C_DINGTALK, C_WEIBO, C_TIER, C_ORG, C_CITY, C_CREATED, C_UPDATED,
       C_NF };
static const char *const ocols[] = {"type", "order_no", "crm_id", "phone",
				    "product", "purchased_at",
				    "warranty_until", "amount", "updated_at"};
enum { O_TYPE, O_NO, O_CRM, O_PHONE, O_PRODUCT, O_PURCHASED, O_WARRANTY,
       O_AMOUNT, O_UPDATED, O_NF };

static const struct schema sch_ticket = {T_NF, tcols,
					  "sssssssssssssssTssssssssssssssss"};
static const struct schema sch_message = {M_NF, mcols, "ssssssssrr"};
static const struct schema sch_event = {E_NF, ecols, "ssssssssss"};
static const struct schema sch_survey = {V_NF, vcols, "ssssrss"};
static const struct schema sch_customer = {C_NF, ccols, "ssssssssssssss"};
static const struct schema sch_order = {O_NF, ocols, "sssssssrs"};

/* clang-format on */

static unsigned char jesc[256]; /* 1: byte must be escaped in JSON */

static void
put_jstr(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	put(o, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];

		if (!jesc[c])
			continue;
		put(o, s + run, i - run);
		run = i + 1;
		e[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			e[1] = (char)c;
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\t':
			e[1] = 't';
			break;
		default:
			put(o, "\\u00", 4);
			e[0] = hex[c >> 4];
			e[1] = hex[c & 15];
			break;
		}
		put(o, e, 2);
	}
	put(o, s + run, n - run);
	put(o, "\"", 1);
}

static void
put_json(struct out *o, const struct schema *sc, const struct rec *r)
{
	int i, first = 1;

	put(o, "{", 1);
	for (i = 0; i < sc->nf; i++) {
		const char *v = r->v[i], *end, *p;

		if (!v)
			continue;
		if (!first)
			put(o, ",", 1);
		first = 0;
		put(o, "\"", 1);
		put_str(o, sc->cols[i]);
		put(o, "\":", 2);
		switch (sc->types[i]) {
		case 'r':
			put(o, v, r->n[i]);
			break;
		case 'T': /* tags, ';'-separated in the record */
			put(o, "[", 1);
			end = v + r->n[i];
			while (v < end) {
				p = memchr(v, ';', (size_t)(end - v));
				if (!p)
					p = end;
				put_jstr(o, v, (size_t)(p - v));
				v = p + 1;
				if (v < end)
					put(o, ",", 1);
			}
			put(o, "]", 1);
			break;
		default:
			put_jstr(o, v, r->n[i]);
			break;
		}
	}
	put(o, "}\n", 2);
}

static void
put_csvfield(struct out *o, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			break;
	if (i == n) {
		put(o, s, n);
		return;
	}
	put(o, "\"", 1);
	for (i = 0; i < n; i++) {
		if (s[i] != '"')
			continue;
		put(o, s + run, i + 1 - run); /* the quote, then again */
		run = i;
	}
	put(o, s + run, n - run);
	put(o, "\"", 1);
}

static void
put_csv(struct out *o, const struct schema *sc, const struct rec *r)
{
	int i;

	for (i = 0; i < sc->nf; i++) {
		if (i)
			put(o, ",", 1);
		if (r->v[i])
			put_csvfield(o, r->v[i], r->n[i]);
	}
	put(o, "\n", 1);
}

static void
put_csvhead(struct out *o, const struct schema *sc)
{
	int i;

	for (i = 0; i < sc->nf; i++) {
		if (i)
			put(o, ",", 1);
		put_str(o, sc->cols[i]);
	}
	put(o, "\n", 1);
}

/* A sink: where one kind of record goes, and how; NULL out: nowhere. */
struct sink {
	struct out *out;
	int csv;
};

static void
emit(const struct sink *k, const struct schema *sc, const struct rec *r)
{
	if (!k->out)
		return;
	if (k->csv)
		put_csv(k->out, sc, r);
	else
		put_json(k->out, sc, r);
}

/* Set field f of r to the arena text from mark to the end. */
static void
a_set(struct arena *a, struct rec *r, int f, size_t mark)
{
	r->v[f] = a->buf + mark;
	r->n[f] = a->len - mark;
}

static void
setc(struct rec *r, int f, const char *s)
{
	r->v[f] = s;
	r->n[f] = strlen(s);
}

/* Field f of r: time t written as events are, mostly +08:00. */
static void
set_time(struct arena *a, struct rng *r, struct rec *rc, int f, long t)
{
	size_t mk = a->len;

	a_time(a, t, pct(r, 92) || t < TZ_OFF ? TF_LOCAL : TF_UTC);
	a_set(a, rc, f, mk);
}

/* ------------------------------------------------------- the generator */

struct gen {
	uint64_t seed;
	uint64_t n;       /* tickets */
	uint32_t m;       /* customers in the pool */
	uint32_t nsplit;  /* split customers */
	uint64_t ntriple; /* reserved ticket slots per phase */
	int tagw;         /* digits in email and wechat tags */
	uint32_t tagmod;  /* 9 * 10^(tagw - 1) */
	uint32_t tagoff[3];
	uint64_t phoneoff; /* seed-dependent offset of phone numbers */
};

static int
is_split(const struct gen *g, uint32_t c)
{
	return c % 50 == 7 && c / 50 < g->nsplit;
}

/* A unique fixed-width tag of tagw digits for customer c. */
static uint32_t
tag_of(const struct gen *g, uint32_t c, int which)
{
	uint64_t v = ((uint64_t)c * 7919 + g->tagoff[which]) % g->tagmod;

	return (uint32_t)(v + g->tagmod / 9);
}

static char *
pcpy(char *d, const char *s)
{
	while (*s)
		*d++ = *s++;
	*d = '\0';
	return d;
}

static char *
pnum(char *d, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (width-- > n)
		*d++ = '0';
	while (n)
		*d++ = tmp[--n];
	*d = '\0';
	return d;
}

static char *
palnum(char *d, struct rng *r, int n)
{
	static const char set[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	while (n-- > 0)
		*d++ = set[below(r, sizeof(set) - 1)];
	*d = '\0';
	return d;
}

/*
 * Customer c of the pool, the same wherever it is needed.  Phones, emails
 * and channel ids are unique: their digits are bijections of c.
 */
static void
cust_make(const struct gen *g, uint32_t c, struct cust *cu)
{
	static const unsigned char nordw[] = {45, 35, 15, 5};
	struct rng r;
	char *p;
	uint32_t tag = tag_of(g, c, 0), tag2 = tag_of(g, c, 1);
	uint32_t tag3 = tag_of(g, c, 2);
	uint64_t x;
	int k, han_given = 0, has_email, has_wx;

	rng_init(&r, g->seed, c, 2);
	memset(cu, 0, sizeof(*cu));
	cu->id = c;
	cu->split = is_split(g, c);
	cu->lang = pct(&r, 28) ? EN : ZH;
	if (cu->lang == ZH) {
		const struct zname *s = &PICK(&r, zsur);
		const struct zname *gv = &PICK(&r, zgiven);

		p = pcpy(cu->name, s->han);
		pcpy(p, gv->han);
		cu->sur2 = s->py;
		cu->name2 = gv->py;
		han_given = 1;
		cu->city = pct(&r, 98) ? (int)below(&r, NCITY_CN)
		                       : (int)ncities - 1;
	} else {
		k = (int)below(&r, NELEM(efirst));
		p = pcpy(cu->name, efirst[k]);
		cu->name2 = efirst_a[k];
		k = (int)below(&r, NELEM(elast));
		*p++ = ' ';
		pcpy(p, elast[k]);
		cu->sur2 = elast_a[k];
		cu->city = pct(&r, 55) ? (int)below(&r, NCITY_CN)
		                       : NCITY_CN + (int)below(&r, 5);
	}
	cu->cc = cities[cu->city].cc;
	cu->org = pct(&r, 18) ? (int)below(&r, cu->lang == ZH ? nzorgs : neorgs)
	                      : -1;

	/* Phone numbers are unique: the tail is a bijection of c. */
	x = (uint64_t)c * 387420489 + g->phoneoff; /* 3^18: coprime to 10 */
	switch (cu->cc) {
	case 86:
		if (cu->org >= 0 && !cu->split && pct(&r, 40)) {
			/* An office line, with an extension. */
			cu->office = 1;
			p = pcpy(cu->nat, "0");
			p = pcpy(p, cities[cu->city].area);
			pnum(p, 20000000 + x % 80000000, 8);
			pnum(cu->ext, 100 + below(&r, 9900), 0);
		} else {
			p = pcpy(cu->nat,
			         mobile3[pickw(&r, mobile3w, NELEM(mobile3w))]);
			pnum(p, x % 100000000, 8);
		}
		break;
	case 1:
		p = pcpy(cu->nat, PICK(&r, us_area));
		pnum(p, 2000000 + x % 8000000, 7);
		break;
	case 44:
		p = pcpy(cu->nat, "7");
		pnum(p, x % 1000000000, 9);
		break;
	default:
		p = pcpy(cu->nat, pct(&r, 50) ? "8" : "9");
		pnum(p, x % 10000000, 7);
		break;
	}

	has_email = cu->split || pct(&r, cu->lang == ZH ? 78 : 95);
	if (has_email) {
		const char *dom;

		p = cu->email;
		switch (below(&r, han_given ? 6 : 5)) {
		case 0:
			p = pcpy(p, cu->name2);
			*p++ = '.';
			p = pcpy(p, cu->sur2);
			break;
		case 1:
			p = pcpy(p, cu->sur2);
			p = pcpy(p, cu->name2);
			break;
		case 2:
			*p++ = cu->name2[0];
			p = pcpy(p, cu->sur2);
			break;
		case 3:
			p = pcpy(p, cu->sur2);
			*p++ = '_';
			p = pcpy(p, cu->name2);
			break;
		case 4:
			p = pcpy(p, cu->sur2);
			*p++ = '.';
			p = pcpy(p, cu->name2);
			break;
		default:
			*p++ = cu->sur2[0];
			*p++ = cu->name2[0];
			break;
		}
		p = pnum(p, tag, 0);
		*p++ = '@';
		if (cu->org >= 0 && pct(&r, 70)) {
			p = pcpy(p, cu->lang == ZH ? zorgs[cu->org].dom
			                           : eorgs[cu->org].dom);
			dom = cu->lang == ZH ? ".example.cn" : ".example.com";
		} else {
			dom = PICK(&r, maildom);
		}
		pcpy(p, dom);
	}
	has_wx = !cu->split && pct(&r, cu->cc != 86     ? 5
	                               : cu->lang == ZH ? 70
	                                                : 30);
	if (has_wx) {
		p = cu->wechat;
		switch (below(&r, 3)) {
		case 0:
			p = pcpy(p, "wxid_");
			for (k = 0; k < 6; k++)
				*p++ = "abcdefghijkmnpqrstuvwxyz23456789"[below(
				    &r, 32)];
			break;
		case 1:
			p = pcpy(p, cu->sur2);
			p = pcpy(p, cu->name2);
			*p++ = '_';
			break;
		default:
			*p++ = (char)(cu->name2[0] - 'a' + 'A');
			p = pcpy(p, cu->name2 + 1);
			*p++ = '-';
			p = pcpy(p, cu->sur2);
			break;
		}
		pnum(p, tag2, 0);
	}
	/* WeCom: the company's business contacts and its best customers;
	 * DingTalk: Chinese companies; Weibo: some consumers. */
	cu->tier = pickw(&r, tierw, NELEM(tierw));
	if (!cu->split &&
	    pct(&r, cu->org >= 0 ? 60 : cu->tier >= 1 ? 25 : 2)) {
		p = pcpy(cu->wecom, "wm");
		p = palnum(p, &r, 12);
		pnum(p, tag3, 0);
	}
	if (!cu->split && cu->org >= 0 && cu->lang == ZH && pct(&r, 55)) {
		p = palnum(cu->dingtalk, &r, 10);
		pnum(p, tag2, 0);
	}
	if (!cu->split && cu->org < 0 &&
	    pct(&r, cu->lang == ZH ? 18 : 4)) {
		p = pcpy(cu->weibo, cu->lang == ZH ? "5" : "7");
		pnum(p, ((uint64_t)c * 1162261467 + g->phoneoff) % 1000000000,
		     9);
		if (cu->lang == ZH) {
			p = pcpy(cu->wbname, PICK(&r, nick_pre));
			p = pcpy(p, PICK(&r, zgiven).han);
			p = pcpy(p, PICK(&r, nick_post));
		} else {
			p = pcpy(cu->wbname, cu->name2);
			*p++ = '_';
			p = pcpy(p, cu->sur2);
		}
		pnum(p, tag3 % 10000, 0);
	}
	cu->in_crm = !cu->split && pct(&r, 70);
	cu->norders = cu->split ? 0 : pickw(&r, nordw, NELEM(nordw));
	cu->since = between(&r, -900 * DAY, SPAN - 60 * DAY);
}

/* Order k (0-3) of customer c, as in the ERP export. */
static void
order_make(const struct gen *g, uint32_t c, int k, struct order *od)
{
	const long start = -(long)(670 * DAY); /* 2024-03-02 */
	struct rng r;
	const struct product *pr;

	od->num = (uint64_t)c * 4 + (uint64_t)k;
	rng_init(&r, g->seed, od->num, 3);
	od->prod = (int)below(&r, nproducts);
	pr = &products[od->prod];
	od->bought = between(&r, start, SPAN - 20 * DAY);
	od->bought -= od->bought % MIN;
	od->wyears = pr->wyears;
	od->cents = (uint64_t)pr->price * 100 * (85 + below(&r, 16)) / 100;
	od->cents -= od->cents % 100;
	od->cents += pct(&r, 30) ? 0 : 99;
}

static void
a_order_no(struct arena *a, const struct order *od)
{
	a_str(a, "SO");
	a_time(a, od->bought, TF_YYMMDD);
	a_num(a, od->num, 7);
}

static void
a_serial(struct arena *a, const struct order *od)
{
	a_str(a, "SN-");
	a_str(a, products[od->prod].sn);
	a_put(a, "-", 1);
	a_num(a, (od->num * 48271 + 12345) % 100000000, 8);
}

/* n as "138 1234 5678" with the given separators after 3 and 7 digits. */
static void
a_cn(struct arena *a, const char *n, const char *s1, const char *s2)
{
	a_put(a, n, 3);
	a_str(a, s1);
	a_put(a, n + 3, 4);
	a_str(a, s2);
	a_str(a, n + 7);
}

/* An office line "021-6123 4567 转 8021", the extension often left off. */
static void
a_office(struct arena *a, struct rng *r, const struct cust *cu)
{
	static const char *const ext[] = {
	    " 转 ", "转", "-", " ext. ", " 分机 ", "#", " x",
	};
	size_t al = strlen(cu->nat) - 8; /* the area code with its 0 */
	const char *n = cu->nat;

	switch (below(r, 4)) {
	case 0:
		a_put(a, n, al);
		a_put(a, "-", 1);
		a_str(a, n + al);
		break;
	case 1:
		a_put(a, n, al);
		a_put(a, "-", 1);
		a_put(a, n + al, 4);
		a_put(a, " ", 1);
		a_str(a, n + al + 4);
		break;
	case 2:
		a_put(a, "(", 1);
		a_put(a, n, al);
		a_put(a, ") ", 2);
		a_str(a, n + al);
		break;
	default:
		a_str(a, "+86 ");
		a_put(a, n + 1, al - 1);
		a_put(a, " ", 1);
		a_put(a, n + al, 4);
		a_put(a, " ", 1);
		a_str(a, n + al + 4);
		break;
	}
	if (pct(r, 70)) {
		a_str(a, PICK(r, ext));
		a_str(a, cu->ext);
	}
}

void
a_phone(struct arena *a, struct rng *r, const struct cust *cu)
{
	static const unsigned char cnw[] = {40, 15, 12, 13, 8, 12};
	const char *n = cu->nat;

	if (cu->office) {
		a_office(a, r, cu);
		return;
	}
	switch (cu->cc) {
	case 86:
		switch (pickw(r, cnw, NELEM(cnw))) {
		case 0:
			a_str(a, n);
			break;
		case 1:
			a_cn(a, n, " ", " ");
			break;
		case 2:
			a_cn(a, n, "-", "-");
			break;
		case 3:
			a_str(a, "+86 ");
			a_cn(a, n, " ", " ");
			break;
		case 4:
			a_str(a, "0086-");
			a_str(a, n);
			break;
		default:
			a_str(a, "+86");
			a_str(a, n);
			break;
		}
		break;
	case 1:
		switch (below(r, 5)) {
		case 0:
			a_str(a, "+1");
			a_str(a, n);
			break;
		case 1:
			a_str(a, "+1 ");
			a_put(a, n, 3);
			a_put(a, " ", 1);
			a_put(a, n + 3, 3);
			a_put(a, " ", 1);
			a_str(a, n + 6);
			break;
		case 2:
			a_str(a, "+1 (");
			a_put(a, n, 3);
			a_put(a, ") ", 2);
			a_put(a, n + 3, 3);
			a_put(a, "-", 1);
			a_str(a, n + 6);
			break;
		case 3:
			a_str(a, "001-");
			a_put(a, n, 3);
			a_put(a, "-", 1);
			a_put(a, n + 3, 3);
			a_put(a, "-", 1);
			a_str(a, n + 6);
			break;
		default:
			a_str(a, "+1-");
			a_put(a, n, 3);
			a_put(a, "-", 1);
			a_put(a, n + 3, 3);
			a_put(a, "-", 1);
			a_str(a, n + 6);
			break;
		}
		break;
	case 44:
		switch (below(r, 4)) {
		case 0:
			a_str(a, "+44");
			a_str(a, n);
			break;
		case 1:
			a_str(a, "+44 ");
			a_put(a, n, 4);
			a_put(a, " ", 1);
			a_str(a, n + 4);
			break;
		case 2:
			a_str(a, "0044 ");
			a_put(a, n, 4);
			a_put(a, " ", 1);
			a_str(a, n + 4);
			break;
		default:
			a_str(a, "+44 (0)");
			a_put(a, n, 4);
			a_put(a, " ", 1);
			a_str(a, n + 4);
			break;
		}
		break;
	default:
		switch (below(r, 3)) {
		case 0:
			a_str(a, "+65");
			a_str(a, n);
			break;
		case 1:
			a_str(a, "+65 ");
			a_put(a, n, 4);
			a_put(a, " ", 1);
			a_str(a, n + 4);
			break;
		default:
			a_str(a, "0065 ");
			a_put(a, n, 4);
			a_put(a, " ", 1);
			a_str(a, n + 4);
			break;
		}
		break;
	}
}

/* The phone as a spreadsheet exported it: some Chinese mobiles became
 * numbers ("13812345678.0", "1.3812345678E+10"). */
static void
a_sheet_phone(struct arena *a, struct rng *r, const struct cust *cu, int p)
{
	if (cu->cc != 86 || cu->office || !pct(r, (uint32_t)p)) {
		a_phone(a, r, cu);
		return;
	}
	if (pct(r, 50)) {
		a_str(a, cu->nat);
		a_str(a, ".0");
	} else {
		a_put(a, cu->nat, 1);
		a_put(a, ".", 1);
		a_str(a, cu->nat + 1);
		a_str(a, "E+10");
	}
}

/*
 * An email as people type it: as it is (72%), Alice.Wang3817@example.com
 * (14%), Alice.Wang3817@Example.COM (8%) or in capitals (6%).
 */
static void
a_email(struct arena *a, struct rng *r, const char *e)
{
	static const unsigned char w[] = {72, 14, 8, 6};
	int style = pickw(r, w, NELEM(w)), up = 1, dom = 0, cap;
	const char *last = strrchr(e, '.');

	for (; *e; e++) {
		char ch = *e;

		if (ch == '@')
			dom = 1;
		cap = style == 3 || (style == 2 && dom && e > last) ||
		      (up && (style == 2 || (style == 1 && !dom)));
		if (cap && ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		up = ch == '.' || ch == '_' || ch == '@';
		a_put(a, &ch, 1);
	}
}

/* Rewrite the arena text from mark with CRLF line ends, as some mail has. */
static void
crlf(struct arena *a, size_t mark)
{
	size_t end = a->len, i;

	for (i = mark; i < end; i++) {
		if (a->buf[i] == '\n')
			a_put(a, "\r", 1);
		a_put(a, &a->buf[i], 1);
	}
	memmove(a->buf + mark, a->buf + end, a->len - end);
	a->len = mark + (a->len - end);
}

static int
session_src(int src)
{
	return src == S_PHONE || src == S_CHAT || src == S_WECHAT ||
	       src == S_WECOM || src == S_DINGTALK || src == S_MINI;
}

/* The team that handles a ticket of this kind. */
static int
route(struct rng *r, const struct ticket *t)
{
	int k = scens[t->scen].kind;

	if (k == K_TRAVEL)
		return G_CONCIERGE;
	if (t->lang == EN && pct(r, 70))
		return G_EN;
	if (!t->anon && t->cu.tier >= 1 && pct(r, 40))
		return G_VIP;
	switch (k) {
	case K_FIN:
		return pct(r, 70) ? G_FIN : G_L1;
	case K_TECH:
	case K_ACCOUNT:
		return pct(r, 65) ? G_TECH : G_L1;
	case K_REPAIR:
		return pct(r, 85) ? G_AFTER : G_L1;
	case K_COMPLAIN:
		return pct(r, 75) ? G_SENIOR : G_L1;
	default:
		return G_L1;
	}
}

/* A customer for an ordinary ticket: never a split one. */
static uint32_t
ordinary(const struct gen *g, struct rng *r)
{
	uint32_t c, c2;

	/* Low numbers write more often: the minimum of two, half the time. */
	c = below(r, g->m);
	if (pct(r, 50) && (c2 = below(r, g->m)) < c)
		c = c2;
	if (is_split(g, c))
		c = (c + 1) % g->m;
	return c;
}

static void
pick_customer(const struct gen *g, struct rng *r, struct ticket *t, int *phase)
{
	uint64_t slot;

	*phase = -1;
	if (t->i % 40 == 23 && g->ntriple) {
		slot = t->i / 40;
		if (slot < 3 * g->ntriple && slot % g->ntriple < g->nsplit) {
			*phase = (int)(slot / g->ntriple);
			cust_make(g, (uint32_t)(slot % g->ntriple) * 50 + 7,
			          &t->cu);
			return;
		}
	}
	if (below(r, 1000) < 10) {
		t->anon = 1;
		memset(&t->cu, 0, sizeof(t->cu));
		t->cu.org = -1;
		t->cu.lang = pct(r, 70) ? ZH : EN;
		t->cu.city = (int)below(r, NCITY_CN);
		return;
	}
	cust_make(g, ordinary(g, r), &t->cu);
}

/* 1 if the customer has no identity for a ticket from src. */
static int
lacks(int src, const struct cust *cu)
{
	switch (src) {
	case S_EMAIL:
		return !cu->email[0];
	case S_WECHAT:
		return !cu->wechat[0];
	case S_WECOM:
		return !cu->wecom[0];
	case S_DINGTALK:
		return !cu->dingtalk[0];
	case S_WEIBO:
		return !cu->weibo[0];
	default:
		return 0;
	}
}

/*
 * The channel: a realistic mix for the day, with another customer (up to
 * four tries) when this one has no identity for it.
 */
static int
pick_source(const struct gen *g, struct rng *r, struct ticket *t, int phase,
            int day)
{
	static const int alt[] = {S_EMAIL, S_CHAT, S_WEB, S_APP};
	int src, k;

	if (phase >= 0)
		return phase == 0 ? S_EMAIL : phase == 1 ? S_PHONE : S_WEB;
	if (t->anon)
		return pct(r, 60) ? S_WEB : S_CHAT;
	src = pickw(r, workday(day) ? srcw_work : srcw_off, S_N);
	for (k = 0; k < 4 && lacks(src, &t->cu); k++)
		cust_make(g, ordinary(g, r), &t->cu);
	if (t->cu.lang == EN && pct(r, 75) &&
	    (src == S_WECHAT || src == S_DINGTALK || src == S_WEIBO ||
	     src == S_MINI))
		src = PICK(r, alt);
	if (lacks(src, &t->cu))
		src = src == S_EMAIL || src == S_DINGTALK ? S_PHONE
		      : src == S_WEIBO                    ? S_WEB
		                                          : S_MINI;
	return src;
}

/* What the ticket is about, for this channel, customer and day. */
static int
pick_scen(struct rng *r, const struct ticket *t, int day)
{
	unsigned w[SC_N], sum = 0, x;
	int k;

	if (t->src == S_IOT)
		return SC_DEVICE;
	for (k = 0; k < SC_N; k++) {
		w[k] = (unsigned)scens[k].weight * 10;
		if (festival(day) && (k == SC_SHIP || k == SC_PAY ||
		                      k == SC_REFUND || k == SC_RETURN))
			w[k] = w[k] * 16 / 10;
		if (t->src == S_WEIBO && (k == SC_COMPLAIN || k == SC_SHIP))
			w[k] *= 3;
		if (t->src == S_API && k != SC_SHIP && k != SC_RETURN &&
		    k != SC_REPAIR && k != SC_INSTALL && k != SC_INVOICE)
			w[k] = 0;
		if (k == SC_TRAVEL &&
		    (t->lang != ZH || t->anon ||
		     !(t->src == S_CHAT || t->src == S_WECHAT ||
		       t->src == S_MINI || t->src == S_PHONE)))
			w[k] = 0;
		else if (k == SC_TRAVEL)
			w[k] *= 3;
		sum += w[k];
	}
	x = below(r, sum);
	for (k = 0; k < SC_N - 1; k++) {
		if (x < w[k])
			return k;
		x -= w[k];
	}
	return SC_N - 1;
}

/*
 * Look for an ERP order of the customer placed at least a day before the
 * ticket and at most maxage days (-1: any age, 0: none) whose product has
 * the flags wanted.
 */
static void
pick_order(const struct gen *g, struct rng *r, struct ticket *t, int maxage,
           unsigned want)
{
	uint32_t k0, k, n = (uint32_t)t->cu.norders;

	t->erp = 0;
	if (t->anon || n == 0 || maxage == 0)
		return;
	k0 = below(r, n);
	for (k = 0; k < n; k++) {
		order_make(g, t->cu.id, (int)((k0 + k) % n), &t->od);
		if (t->od.bought < t->at - DAY &&
		    (maxage < 0 || t->od.bought >= t->at - maxage * DAY) &&
		    (!want || (products[t->od.prod].flags & want))) {
			t->erp = 1;
			return;
		}
	}
}

/* A product with any of the flags (0: any); in summer often the AC. */
static int
pick_product(struct rng *r, unsigned want, int summer)
{
	int p;

	if (summer && (!want || (products[PR_AC].flags & want)) &&
	    pct(r, 30))
		return PR_AC;
	do
		p = (int)below(r, nproducts);
	while (want && !(products[p].flags & want));
	return p;
}

/* Set the identity fields a ticket from this channel would carry. */
static void
identity(struct rng *r, struct ticket *t, struct arena *a, int phase)
{
	const struct cust *cu = &t->cu;
	struct rec *rc = &t->r;
	int ph = 0, em = 0, wx = 0, crm = 0, has_e = cu->email[0] != 0;
	size_t mk;

	if (t->anon)
		return;
	switch (phase) {
	case 0:
		em = 1;
		break;
	case 1:
		ph = 1;
		break;
	case 2:
		em = ph = 1;
		break;
	default:
		switch (t->src) {
		case S_EMAIL:
			em = 1;
			ph = pct(r, 20);
			break;
		case S_PHONE:
		case S_IOT:
			ph = 1;
			break;
		case S_WECHAT:
			wx = 1;
			ph = pct(r, 25);
			break;
		case S_WECOM:
			setc(rc, T_WECOM, cu->wecom);
			ph = pct(r, 25);
			break;
		case S_DINGTALK:
			setc(rc, T_DINGTALK, cu->dingtalk);
			ph = pct(r, 50);
			break;
		case S_MINI:
			if (cu->wechat[0] && pct(r, 60))
				wx = 1;
			else
				ph = 1;
			ph |= pct(r, 15);
			crm = cu->in_crm && pct(r, 30);
			break;
		case S_WEIBO:
			setc(rc, T_WEIBO, cu->weibo);
			ph = pct(r, 15);
			break;
		case S_APP:
			/* A member signed in: the CRM id, often the phone. */
			crm = cu->in_crm && pct(r, 70);
			ph = !crm || pct(r, 50);
			break;
		default: /* chat, web, api */
			if (has_e && pct(r, 50))
				em = 1;
			else
				ph = 1;
			if (pct(r, 12)) {
				em = has_e;
				ph = 1;
			}
			break;
		}
	}
	if (ph) {
		mk = a->len;
		a_phone(a, r, cu);
		a_set(a, rc, T_PHONE, mk);
	}
	if (em && has_e) {
		mk = a->len;
		a_email(a, r, cu->email);
		a_set(a, rc, T_EMAIL, mk);
	}
	if (wx && cu->wechat[0])
		setc(rc, T_WECHAT, cu->wechat);
	if (crm) {
		mk = a->len;
		a_str(a, "CRM-");
		a_num(a, (uint64_t)cu->id + 1, 6);
		a_set(a, rc, T_CRM, mk);
	}
	if (t->src == S_WEIBO && pct(r, 80))
		setc(rc, T_NAME, cu->wbname);
	else if (pct(r, t->src == S_PHONE ? 75 : 90))
		setc(rc, T_NAME, cu->name);
	if (pct(r, (t->src == S_APP || t->src == S_MINI || t->src == S_WEB)
	               ? 80
	               : 20))
		setc(rc, T_TIER, tiername[cu->tier]);
	if (cu->org >= 0 &&
	    pct(r, (t->src == S_EMAIL || t->src == S_WEB || t->src == S_API ||
	            t->src == S_WECOM || t->src == S_DINGTALK)
	               ? 60
	               : 15))
		setc(rc, T_ORG,
		     cu->lang == ZH ? zorgs[cu->org].name
		                    : eorgs[cu->org].name);
}

/* Per cent of tickets from a channel that come with a category. */
static const unsigned char catpct[S_N] = {25, 95, 60, 50, 60, 60, 20, 85,
                                          80, 90, 100, 100};

/* The first day of the Weibo backlog: 2026-10-08. */
#define WEIBO_GONE (280L * DAY)

/*
 * How a call or chat went: the wait for an agent, how long it took, and
 * whether it was solved there.  Sets fr, end, fcr and the status.
 */
static void
plan_session(struct rng *r, struct ticket *t)
{
	static const long waitlo[] = {10, 40, 90, 240, 600};
	static const unsigned char waitw[] = {40, 35, 20, 5};
	long wait, len;
	int fcr = scens[t->scen].fcr;

	wait = spread(r, waitlo, waitw, NELEM(waitw));
	if (t->src == S_PHONE) {
		len = between(r, 2 * MIN, 15 * MIN);
		fcr += 5;
	} else if (t->woz >= 0) {
		len = (long)woz_dialogs[t->woz].n * between(r, 40, 100);
	} else {
		len = between(r, 4 * MIN, 30 * MIN);
		if (t->src != S_CHAT)
			fcr -= 5;
	}
	/* A call or chat in the queue at closing time is still answered;
	 * out of hours an instant message waits for the morning. */
	t->fr = t->at + wait;
	if (t->src != S_PHONE && t->src != S_CHAT &&
	    cal_next(CAL_HOT, t->fr) > t->fr)
		t->fr = cal_next(CAL_HOT, t->fr) + between(r, MIN, 25 * MIN);
	t->end = t->fr + len;
	if (t->end >= SPAN - HOUR) {
		/* Not over yet: it comes in as a new ticket. */
		t->session = 0;
		t->fr = t->end = -1;
		return;
	}
	t->fcr = pct(r, (uint32_t)(fcr < 0 ? 0 : fcr));
	if (t->fcr)
		t->status = t->src == S_PHONE || t->src == S_CHAT ? ST_CLOSED
		                                                  : ST_RESOLVED;
	else
		t->status = pct(r, 50) ? ST_OPEN : ST_NEW;
}

/* Ticket i, into t; its strings live in a until the next ticket. */
static void
gen_ticket(const struct gen *g, uint64_t i, struct ticket *t, struct arena *a)
{
	static const unsigned char prw[] = {15, 65, 15, 5};
	static const unsigned char tagw[] = {40, 32, 20, 8};
	struct rng rr, *r = &rr;
	struct rec *rc = &t->r;
	const struct scen_info *s;
	int phase, k, ntag, first, day, summer;
	size_t mk;

	rng_init(r, g->seed, i, 0);
	memset(rc, 0, sizeof(*rc));
	a->len = 0;
	t->i = i;
	t->anon = t->session = t->fcr = t->backlog = 0;
	t->woz = -1;
	t->fr = t->end = -1;
	t->order_no = t->serial = NULL;
	t->order_len = t->serial_len = 0;
	pick_customer(g, r, t, &phase);
	day = ticket_day(i, g->n);
	t->src = pick_source(g, r, t, phase, day);
	t->lang = t->cu.lang; /* the customer may have changed */
	t->at = (long)day * DAY + (long)ticket_hour(r, t->src, day) * HOUR +
	        between(r, 0, HOUR - 1);
	t->festival = !festival(day) ? 0 : day < 200 ? 1 : 2;
	summer = day >= 165 && day <= 242;
	t->scen = pick_scen(r, t, day);
	s = &scens[t->scen];
	if (t->scen == SC_TRAVEL && t->src != S_PHONE)
		t->woz = (int)below(r, woz_ndialogs);
	pick_order(g, r, t, s->order ? s->maxage : -1, s->pflags);
	if (!t->erp && s->order) {
		/* A new order from the web shop, not yet in the ERP export. */
		t->od.prod = pick_product(r, s->pflags, summer);
		t->od.bought =
		    t->at -
		    between(r, 10 * MIN, (s->maxage > 0 ? s->maxage : 2) * DAY);
		t->od.cents = (uint64_t)products[t->od.prod].price * 100;
		t->od.wyears = products[t->od.prod].wyears;
		t->od.num = 0;
	}
	t->has_order = t->erp || s->order;
	if (t->src == S_IOT)
		t->prod = pick_product(r, P_IOT, summer);
	else if (t->has_order && (s->order || pct(r, 60)))
		t->prod = t->od.prod;
	else
		t->prod = pick_product(r, s->pflags, summer);
	t->sym = (int)below(r, 4);
	t->cents = t->has_order ? t->od.cents
	                        : (uint64_t)products[t->prod].price * 100;

	setc(rc, T_TYPE, "ticket");
	setc(rc, T_SOURCE, srcname[t->src]);

	/* Custom fields first: the text may quote them. */
	if (s->order || (s->repair && t->erp && pct(r, 70))) {
		mk = a->len;
		if (t->erp) {
			a_order_no(a, &t->od);
		} else {
			a_str(a, "WO");
			a_time(a, t->od.bought, TF_YYMMDD);
			a_num(a, i + 1, 8);
		}
		a_set(a, rc, T_ORDER, mk);
		t->order_no = rc->v[T_ORDER];
		t->order_len = rc->n[T_ORDER];
	}
	if (s->repair || t->src == S_IOT) {
		setc(rc, T_TTYPE, t->src == S_IOT ? "alarm" : "repair");
		mk = a->len;
		if (t->erp && t->prod == t->od.prod) {
			a_serial(a, &t->od);
		} else {
			a_str(a, "SN-");
			a_str(a, products[t->prod].sn);
			a_put(a, "-", 1);
			a_num(a, next(r) % 100000000, 8);
		}
		a_set(a, rc, T_SERIAL, mk);
		t->serial = rc->v[T_SERIAL];
		t->serial_len = rc->n[T_SERIAL];
	}

	mk = a->len;
	if (t->src == S_EMAIL) {
		const char *dom = strchr(t->cu.email, '@');

		a_put(a, "<", 1);
		a_time(a, t->at, TF_YMDHMS);
		a_put(a, ".", 1);
		for (k = 0; k < 8; k++)
			a_put(a, &"0123456789abcdef"[below(r, 16)], 1);
		a_put(a, ".", 1);
		a_num(a, i + 1, 8);
		a_str(a, dom ? dom : "@mail.example.com");
		a_put(a, ">", 1);
	} else {
		a_str(a, srcpfx[t->src]);
		a_num(a, i + 1, 8);
	}
	a_set(a, rc, T_SOURCE_ID, mk);
	mk = a->len;
	a_str(a, "th-");
	a_str(a, srcname[t->src]);
	a_put(a, "-", 1);
	a_num(a, i + 1, 8);
	a_set(a, rc, T_THREAD, mk);

	k = pickw(r, prw, NELEM(prw));
	if (s->kind == K_COMPLAIN && k < 2 && pct(r, 50))
		k = 2;
	if (t->src == S_IOT && k < 3 && pct(r, 30))
		k++;
	if (!t->anon && t->cu.tier >= 1 && k < 3 && pct(r, 30))
		k++;
	t->prio = k;

	mk = a->len;
	make_subject(a, r, t);
	a_set(a, rc, T_SUBJECT, mk);
	mk = a->len;
	make_body(a, r, t);
	if (t->src == S_EMAIL && pct(r, 20))
		crlf(a, mk);
	a_set(a, rc, T_BODY, mk);

	mk = a->len;
	k = (int)below(r, 100);
	if (k >= 82 && k < 92 && t->at < TZ_OFF)
		k = 0; /* not 2025-12-31T..Z */
	a_time(a, t->at, k < 82 ? TF_LOCAL : k < 92 ? TF_UTC : TF_BARE);
	a_set(a, rc, T_CREATED, mk);

	setc(rc, T_PRIO, prioname[t->prio]);
	if (pct(r, catpct[t->src]))
		setc(rc, T_CAT, s->cat);
	if (t->scen != SC_TRAVEL &&
	    (t->has_order || t->src == S_IOT || pct(r, 75)))
		setc(rc, T_PRODUCT, products[t->prod].code);
	if (pct(r, t->anon ? 40 : 85))
		setc(rc, T_REGION, cities[t->cu.city].region);

	ntag = pickw(r, tagw, NELEM(tagw));
	mk = a->len;
	first = 1;
	k = (int)below(r, 3);
	if (t->woz >= 0) {
		static const char *const dtag[] = {"酒店", "餐馆", "景点",
		                                   "地铁", "出租"};
		unsigned d = woz_dialogs[t->woz].alldom, b;

		for (b = 0; b < 5; b++)
			if (d & (1u << b)) {
				a_str(a, first ? "" : ";");
				a_str(a, dtag[b]);
				first = 0;
			}
		ntag = 0;
	}
	while (ntag-- > 0) {
		if (!first)
			a_put(a, ";", 1);
		first = 0;
		a_str(a, s->tag[k++ % 3]);
	}
	if (t->festival && (s->kind == K_FIN || s->kind == K_SHIP) &&
	    pct(r, 60)) {
		a_str(a, first ? "" : ";");
		a_str(a, t->festival == 1 ? "618" : "双11");
		first = 0;
	}
	if (!t->anon && t->cu.tier >= 1 && pct(r, 50)) {
		a_str(a, first ? "VIP" : ";VIP");
		first = 0;
	}
	if (t->lang == EN && pct(r, 30)) {
		a_str(a, first ? "english" : ";english");
		first = 0;
	}
	if (!first)
		a_set(a, rc, T_TAGS, mk);

	/* How it arrives. */
	t->status = ST_NEW;
	t->group = t->agent = -1;
	t->session = session_src(t->src);
	if (t->session)
		plan_session(r, t);
	if (t->session) {
		/* The agent who took it; an escalated one goes to a team,
		 * assigned or in its queue. */
		t->group = t->lang == EN          ? G_EN
		           : t->woz >= 0          ? G_CONCIERGE
		           : t->cu.tier >= 1 && pct(r, 40) ? G_VIP
		                                  : G_L1;
		if (!t->fcr)
			t->group = route(r, t);
		if (t->status != ST_NEW)
			t->agent = (int)below(r, agents[t->group].n);
		set_time(a, r, rc, T_FIRST_RESPONSE, t->fr);
		set_time(a, r, rc, T_UPDATED, t->end);
		if (t->fcr)
			set_time(a, r, rc, T_RESOLVED, t->end);
		if (t->status == ST_CLOSED) {
			rc->v[T_CLOSED] = rc->v[T_RESOLVED];
			rc->n[T_CLOSED] = rc->n[T_RESOLVED];
		}
	} else if (t->src == S_WEIBO && t->at >= WEIBO_GONE && pct(r, 85)) {
		t->backlog = 1; /* nobody reads Weibo any more */
	} else if (t->src == S_WEIBO) {
		t->group = t->at < WEIBO_GONE ? G_SOCIAL : G_L1;
		t->agent = (int)below(r, agents[t->group].n);
	} else if (pct(r, 60)) {
		/* The channel's own rules routed it, most to someone. */
		t->group = route(r, t);
		if (pct(r, 70))
			t->agent = (int)below(r, agents[t->group].n);
	}
	setc(rc, T_STATUS, stname[t->status]);
	if (t->group >= 0)
		setc(rc, T_GROUP, groups[t->group]);
	if (t->agent >= 0)
		setc(rc, T_ASSIGNEE, agents[t->group].v[t->agent]);
	identity(r, t, a, phase);
}

/* ---------------------------------------- messages, events and surveys */

struct life {
	const struct sink *ms, *es, *vs;
	struct arena *a;
	struct rng r;
	const struct ticket *t;
	int nmsg;         /* messages written: their numbers */
	int st;           /* the status now */
	int grp;          /* the team now */
	int done;         /* reached the end of the data set */
	int bad;          /* something went wrong for the customer */
	const char *who;  /* the agent now */
	long last;        /* the last message: events come after it */
	long tc;          /* the last thing that happened */
	long resolved;    /* -1: not resolved */
};

static void
common(struct life *L, struct rec *rc, const char *type)
{
	memset(rc, 0, sizeof(*rc));
	setc(rc, 0, type);
	rc->v[1] = L->t->r.v[T_SOURCE];
	rc->n[1] = L->t->r.n[T_SOURCE];
	rc->v[2] = L->t->r.v[T_THREAD];
	rc->n[2] = L->t->r.n[T_THREAD];
}

/*
 * A message at time at (moved after the last thing that happened):
 * what (TX_*) said by the customer (in) or an agent; 0 if that is after
 * the end of the data set.
 */
static int
say(struct life *L, long at, int in, int what, int pub)
{
	const struct ticket *t = L->t;
	struct arena *a = L->a;
	struct rng *r = &L->r;
	size_t mark = a->len, mk;
	struct rec rc;
	int aut = what == TX_AUTO || what == TX_OFFHOURS;

	if (at <= L->tc)
		at = L->tc + between(r, 5, 40);
	if (L->done || at >= SPAN) {
		L->done = 1;
		return 0;
	}
	common(L, &rc, "message");
	mk = a->len;
	a_str(a, "m-");
	a_num(a, t->i + 1, 8);
	a_put(a, "-", 1);
	a_num(a, (uint64_t)++L->nmsg, 0);
	a_set(a, &rc, M_ID, mk);
	setc(&rc, M_DIR, in ? "in" : "out");
	if (aut)
		setc(&rc, M_AUTHOR, "bot");
	else if (in)
		setc(&rc, M_AUTHOR,
		     t->anon ? (t->lang == ZH ? "访客" : "visitor")
		             : t->src == S_WEIBO && t->cu.wbname[0]
		                 ? t->cu.wbname
		                 : t->cu.name);
	else
		setc(&rc, M_AUTHOR, L->who);
	mk = a->len;
	make_text(a, r, t, what, L->who);
	a_set(a, &rc, M_BODY, mk);
	set_time(a, r, &rc, M_AT, at);
	setc(&rc, M_PUBLIC, pub ? "true" : "false");
	setc(&rc, M_AUTO, aut ? "true" : "false");
	emit(L->ms, &sch_message, &rc);
	a->len = mark;
	L->last = L->tc = at;
	return 1;
}

/* A line of a CrossWOZ conversation: utterance k of the ticket's. */
static int
say_woz(struct life *L, long at, unsigned k)
{
	const struct ticket *t = L->t;
	struct arena *a = L->a;
	size_t mark = a->len, mk;
	struct rec rc;
	int in = !(woz_dialogs[t->woz].sys >> k & 1);

	if (at <= L->tc)
		at = L->tc + between(&L->r, 5, 40);
	common(L, &rc, "message");
	mk = a->len;
	a_str(a, "m-");
	a_num(a, t->i + 1, 8);
	a_put(a, "-", 1);
	a_num(a, (uint64_t)++L->nmsg, 0);
	a_set(a, &rc, M_ID, mk);
	setc(&rc, M_DIR, in ? "in" : "out");
	setc(&rc, M_AUTHOR, in ? t->cu.name : L->who);
	mk = a->len;
	woz_say(a, &L->r, t->woz, k);
	a_set(a, &rc, M_BODY, mk);
	set_time(a, &L->r, &rc, M_AT, at);
	setc(&rc, M_PUBLIC, "true");
	setc(&rc, M_AUTO, "false");
	emit(L->ms, &sch_message, &rc);
	a->len = mark;
	L->last = L->tc = at;
	return 1;
}

/*
 * An event at time at, never before the last message: action by whom,
 * with field f = v (and f2 = v2); 0 if that is after the end.
 */
static int
act(struct life *L, long at, const char *action, const char *by, int f,
    const char *v, int f2, const char *v2)
{
	struct arena *a = L->a;
	size_t mark = a->len;
	struct rec rc;

	if (at <= L->tc)
		at = L->tc + between(&L->r, 5, 90);
	if (L->done || at >= SPAN) {
		L->done = 1;
		return 0;
	}
	common(L, &rc, "event");
	setc(&rc, E_ACTION, action);
	set_time(a, &L->r, &rc, E_AT, at);
	setc(&rc, E_BY, by);
	if (f >= 0)
		setc(&rc, f, v);
	if (f2 >= 0)
		setc(&rc, f2, v2);
	emit(L->es, &sch_event, &rc);
	a->len = mark;
	L->tc = at;
	return 1;
}

/* A status change, named as the ticket's workflow names it. */
static int
move(struct life *L, long at, const char *by, int st)
{
	const char *v = L->t->r.v[T_TTYPE] && L->t->r.v[T_TTYPE][0] == 'r'
	                    ? stage[st]
	                    : stname[st];

	if (!act(L, at, "status", by, E_STATUS, v, -1, NULL))
		return 0;
	L->st = st;
	if (st == ST_RESOLVED)
		L->resolved = L->tc;
	return 1;
}

/* The calendar of the team that answers on this channel. */
static int
cal_of(const struct ticket *t, int grp)
{
	if (grp == G_AFTER)
		return CAL_FIELD;
	if (grp == G_FIN || grp == G_TECH || grp == G_SENIOR ||
	    t->src == S_API)
		return CAL_OFFICE;
	if (session_src(t->src))
		return CAL_HOT;
	return CAL_WEB;
}

/* How long the work takes after the conversation, in open hours of the
 * team's calendar. */
static long
work_time(struct rng *r, const struct ticket *t)
{
	static const long quick[] = {5 * MIN, 30 * MIN, 2 * HOUR, 6 * HOUR};
	static const long mid[] = {HOUR, 4 * HOUR, 9 * HOUR, 27 * HOUR};
	static const long slow[] = {4 * HOUR, 9 * HOUR, 27 * HOUR, 45 * HOUR};
	static const unsigned char w[] = {40, 40, 20};

	switch (t->scen) {
	case SC_ACCOUNT:
	case SC_INFO:
	case SC_TRAVEL:
		return spread(r, quick, w, 3);
	case SC_PAY:
	case SC_INVOICE:
	case SC_DEVICE:
	case SC_COMPLAIN:
		return spread(r, mid, w, 3);
	default:
		return spread(r, slow, w, 3);
	}
}

static void
survey(struct life *L, long done)
{
	const struct ticket *t = L->t;
	struct rng *r = &L->r;
	struct arena *a = L->a;
	size_t mark = a->len, mk;
	struct rec rc;
	int nps = pct(r, 20), score, mood;
	long at = done + (t->session ? between(r, MIN, 30 * MIN)
	                             : between(r, 10 * MIN, 2 * DAY));
	uint32_t rate = t->src == S_PHONE   ? 30
	                : t->session        ? 35
	                : t->src == S_EMAIL ? 12
	                                    : 18;

	if (!pct(r, rate) || at >= SPAN)
		return;
	/* Slow, reopened, escalated: the customer remembers. */
	mood = L->bad + (done - t->at > 4 * DAY) + (done - t->at > 10 * DAY);
	mood = mood >= 2 ? 2 : mood == 1 ? 1 : pct(r, 15) ? 1 : 0;
	common(L, &rc, "survey");
	setc(&rc, V_KIND, nps ? "nps" : "csat");
	score = nps ? pickw(r, npsw[mood], 11)
	            : 1 + pickw(r, csatw[mood], 5);
	mk = a->len;
	a_num(a, (uint64_t)score, 0);
	a_set(a, &rc, V_SCORE, mk);
	if (pct(r, 55)) {
		mk = a->len;
		make_comment(a, r, t, nps, score);
		a_set(a, &rc, V_COMMENT, mk);
	}
	set_time(a, r, &rc, V_AT, at);
	emit(L->vs, &sch_survey, &rc);
	a->len = mark;
}

/* The transcript of a chat or instant message session, before its end. */
static void
transcript(struct life *L)
{
	const struct ticket *t = L->t;
	struct rng *r = &L->r;
	long at, step;
	unsigned k, n;

	if (t->src == S_PHONE)
		return;
	if (t->fr > t->at + 10 * MIN && t->src != S_CHAT)
		say(L, t->at + between(r, 1, 5), 0, TX_OFFHOURS, 1);
	if (t->woz >= 0) {
		/* Utterance 0 is the ticket's body. */
		n = woz_dialogs[t->woz].n;
		step = (t->end - t->fr) / (long)(n > 1 ? n - 1 : 1);
		at = t->fr;
		for (k = 1; k < n; k++, at += step)
			say_woz(L, k == 1 ? t->fr : at + between(r, 0, step / 3),
			        k);
		return;
	}
	step = (t->end - t->fr) / 5;
	say(L, t->fr, 0, TX_REPLY, 1);
	if (pct(r, 55)) {
		say(L, t->fr + step, 0, TX_ASK, 1);
		say(L, t->fr + 2 * step, 1, TX_ANSWER, 1);
	}
	if (t->fcr) {
		say(L, t->fr + 3 * step, 0, TX_SOLVE, 1);
		if (pct(r, 60))
			say(L, t->fr + 4 * step, 1, TX_THANKS, 1);
		if (pct(r, 50))
			say(L, t->end - between(r, 5, 30), 0, TX_BYE, 1);
	} else {
		say(L, t->fr + 3 * step, 0, TX_TRANSFER, 1);
	}
}

/*
 * The work after the conversation, all events: a transfer, waiting on a
 * third party or on the customer, resolved; then closed.
 */
static void
work(struct life *L)
{
	const struct ticket *t = L->t;
	struct rng *r = &L->r;
	int repair = t->r.v[T_TTYPE] && t->r.v[T_TTYPE][0] == 'r';
	int kind = scens[t->scen].kind, cal, ng;
	long at = L->last;

	/* Repairs go to after-sales, complaints to a senior agent. */
	if ((kind == K_REPAIR && L->grp != G_AFTER && pct(r, 80)) ||
	    (kind == K_COMPLAIN && pct(r, 60)) || pct(r, 6)) {
		ng = kind == K_REPAIR     ? G_AFTER
		     : kind == K_COMPLAIN ? G_SENIOR
		                          : route(r, t);
		if (ng != L->grp) {
			at = cal_add(cal_of(t, L->grp), at,
			             between(r, 5 * MIN, 3 * HOUR));
			if (kind == K_COMPLAIN) {
				if (!act(L, at, "escalate", PICK(r, leads),
				         E_GROUP, groups[ng], E_PRIO,
				         t->prio >= 2 ? "urgent" : "high"))
					return;
				L->bad++;
			} else if (!act(L, at, "transfer", L->who, E_GROUP,
			                groups[ng], -1, NULL)) {
				return;
			}
			L->grp = ng;
			L->who = agents[ng].v[below(r, agents[ng].n)];
			if (!act(L, L->tc + between(r, MIN, 40 * MIN), "assign",
			         PICK(r, leads), E_ASSIGNEE, L->who, -1, NULL))
				return;
		}
	}
	cal = cal_of(t, L->grp);
	if (L->st == ST_NEW) {
		/* Never answered: whoever takes it opens it. */
		at = cal_add(cal, L->tc, between(r, 10 * MIN, 4 * HOUR));
		if (!move(L, at, L->who, ST_OPEN))
			return;
	}
	/* Waiting on a part, a courier, the bank. */
	if ((kind == K_REPAIR && pct(r, 35)) ||
	    ((kind == K_SHIP || t->scen == SC_REFUND) && pct(r, 40))) {
		at = cal_add(cal, L->tc, between(r, 30 * MIN, 6 * HOUR));
		if (!move(L, at, L->who, ST_HOLD))
			return;
		at = L->tc + between(r, 1 * DAY, kind == K_REPAIR ? 9 * DAY
		                                                 : 4 * DAY);
		if (kind == K_REPAIR && pct(r, 4))
			at += between(r, 20 * DAY, 50 * DAY); /* out of stock */
		if (!move(L, cal_next(cal, at), L->who, ST_OPEN))
			return;
		L->bad += pct(r, 40);
	}
	if (kind == K_REPAIR)
		cal = CAL_FIELD;
	at = cal_add(cal, L->tc, work_time(r, t));
	if (!move(L, at, L->who, ST_RESOLVED))
		return;
	/* Sometimes a lead finds it was not done properly. */
	if (below(r, 1000) < 12) {
		at = cal_add(CAL_OFFICE, L->tc, between(r, HOUR, 16 * HOUR));
		if (!act(L, at, "reopen", PICK(r, leads), -1, NULL, -1, NULL))
			return;
		L->st = ST_OPEN;
		L->bad++;
		at = cal_add(cal, L->tc, work_time(r, t));
		if (!move(L, at, L->who, ST_RESOLVED))
			return;
	}
	if (repair) /* 回访: the agent calls back, then closes */
		move(L, cal_add(CAL_OFFICE, L->tc, between(r, 2 * HOUR, 30 * HOUR)),
		     L->who, ST_CLOSED);
	else
		move(L, L->tc + 7 * DAY, "system", ST_CLOSED);
}

/*
 * What happens to ticket t after it arrives (see the top of this file).
 * The same random draws are made whichever sinks are set.
 */
static void
gen_life(const struct gen *g, const struct ticket *t, struct arena *a,
         const struct sink *ms, const struct sink *es, const struct sink *vs)
{
	static const long flo[S_N][5] = {
	    [S_EMAIL] = {15 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 9 * HOUR},
	    [S_WEB] = {10 * MIN, 30 * MIN, HOUR, 3 * HOUR, 6 * HOUR},
	    [S_APP] = {10 * MIN, 30 * MIN, HOUR, 3 * HOUR, 6 * HOUR},
	    [S_WEIBO] = {10 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR},
	    [S_API] = {10 * MIN, 30 * MIN, HOUR, 3 * HOUR, 5 * HOUR},
	    [S_IOT] = {5 * MIN, 15 * MIN, 30 * MIN, HOUR, 3 * HOUR},
	    /* Calls and chats that had not ended by the end of the data. */
	    [S_PHONE] = {MIN, 3 * MIN, 10 * MIN, 30 * MIN, HOUR},
	    [S_CHAT] = {MIN, 3 * MIN, 10 * MIN, 30 * MIN, HOUR},
	    [S_WECHAT] = {MIN, 3 * MIN, 10 * MIN, 30 * MIN, HOUR},
	    [S_WECOM] = {MIN, 3 * MIN, 10 * MIN, 30 * MIN, HOUR},
	    [S_DINGTALK] = {MIN, 3 * MIN, 10 * MIN, 30 * MIN, HOUR},
	    [S_MINI] = {MIN, 3 * MIN, 10 * MIN, 30 * MIN, HOUR},
	};
	static const unsigned char fw[] = {20, 35, 30, 15};
	struct life L;
	struct rng *r = &L.r;
	long at, fr;
	int again;

	memset(&L, 0, sizeof(L));
	L.ms = ms;
	L.es = es;
	L.vs = vs;
	L.a = a;
	L.t = t;
	L.st = t->status;
	L.resolved = -1;
	L.tc = L.last = t->at;
	rng_init(r, g->seed, t->i, 1);
	if (t->backlog)
		return;
	L.grp = t->group >= 0 ? t->group : route(r, t);
	L.who = t->agent >= 0 ? agents[L.grp].v[t->agent]
	                      : agents[L.grp].v[below(r, agents[L.grp].n)];

	if (t->session) {
		transcript(&L);
		L.tc = L.last > t->end ? L.last : t->end;
		if (t->src == S_PHONE)
			say(&L, t->end + between(r, 20, 3 * MIN), 0, TX_CALLNOTE,
			    0);
		if (!t->fcr) {
			/* Escalated: the team writes when it takes it. */
			fr = cal_add(cal_of(t, L.grp), t->end,
			             between(r, 20 * MIN, 5 * HOUR));
			if (t->status == ST_NEW) {
				L.who = agents[L.grp].v[below(r, agents[L.grp].n)];
				if (!say(&L, fr, 0, TX_REPLY, 1) ||
				    !act(&L, L.tc + between(r, 5, 60), "assign",
				         "system", E_ASSIGNEE, L.who, -1, NULL))
					return;
				L.st = ST_OPEN;
			} else if (pct(r, 40) && !say(&L, fr, 0, TX_REPLY, 1)) {
				return;
			}
			work(&L);
			if (L.resolved >= 0)
				survey(&L, L.resolved);
			return;
		}
		/* Solved in the session.  Does the customer come back? */
		L.resolved = t->end;
		again = pct(r, scens[t->scen].kind == K_TECH ||
		                       scens[t->scen].kind == K_REPAIR ||
		                       scens[t->scen].kind == K_SHIP
		                   ? 22
		                   : 10);
		if (!again) {
			if (t->status == ST_RESOLVED &&
			    !move(&L, t->end + 7 * DAY, "system", ST_CLOSED))
				return;
			survey(&L, t->end);
			return;
		}
		/* Weeks later: past the 14-day window of sample/csm.conf, a
		 * follow-up; still within csm's default 30 days, a reopen. */
		if (t->status == ST_CLOSED && pct(r, 30))
			at = t->end + between(r, 15 * DAY, 29 * DAY);
		else
			at = t->end + between(r, 2 * HOUR,
			                      t->status == ST_CLOSED ? 13 * DAY
			                                             : 6 * DAY);
		if (t->src == S_PHONE || t->src == S_CHAT)
			at = cal_next(CAL_HOT, at); /* they call back in hours */
		L.bad = 1;
		if (!say(&L, at, 1, TX_AGAIN, 1))
			return;
		L.st = ST_OPEN;
		L.resolved = -1;
		fr = cal_add(cal_of(t, L.grp), L.tc,
		             between(r, 2 * MIN, 2 * HOUR));
		if (!say(&L, fr, 0, TX_AGAIN_REPLY, 1))
			return;
		if (pct(r, 30) && (!say(&L, L.tc + between(r, 10 * MIN, 6 * HOUR),
		                        1, TX_THANKS, 1)))
			return;
		work(&L);
		if (L.resolved >= 0)
			survey(&L, L.resolved);
		return;
	}

	/* Mail, forms, the app, Weibo, alarms, partners: the acknowledgement,
	 * the first answer in the team's hours, a question. */
	if ((t->src == S_EMAIL || t->src == S_WEB || t->src == S_APP ||
	     t->src == S_API) &&
	    pct(r, 70))
		say(&L, t->at + between(r, 3, 90), 0, TX_AUTO, 1);
	fr = cal_add(t->src == S_API                        ? CAL_OFFICE
	             : t->src == S_IOT || session_src(t->src) ? CAL_HOT
	                                                     : CAL_WEB,
	             t->at, spread(r, flo[t->src], fw, NELEM(fw)));
	if (fr - t->at > 20 * HOUR && pct(r, 50)) {
		L.bad = 1;
		if (!say(&L, t->at + between(r, 12 * HOUR, fr - t->at - HOUR), 1,
		         TX_CHASE, 1))
			return;
	}
	if (!say(&L, fr, 0, TX_REPLY, 1))
		return;
	L.st = ST_OPEN;
	if (t->agent < 0) {
		/* Nobody had it: the first to answer gets it. */
		if (!act(&L, L.tc + between(r, 5, 60), "assign", "system",
		         E_ASSIGNEE, L.who, -1, NULL))
			return;
	} else if (pct(r, 35)) {
		if (!say(&L, L.tc + between(r, MIN, 30 * MIN), 0, TX_ASK, 1))
			return;
		if (pct(r, 15)) {
			/* No answer: waiting on the customer, then the system
			 * resolves it after seven days. */
			if (!move(&L, L.tc + between(r, 10, 5 * MIN), L.who,
			          ST_PENDING) ||
			    !move(&L, L.tc + 7 * DAY, "system", ST_RESOLVED) ||
			    !move(&L, L.tc + 7 * DAY, "system", ST_CLOSED))
				return;
			return;
		}
		at = L.tc + between(r, 10 * MIN, 30 * HOUR);
		if (!say(&L, at, 1, TX_ANSWER, 1))
			return;
		if (pct(r, 20) && !say(&L, L.tc + between(r, MIN, 2 * HOUR), 0,
		                       TX_NOTE, 0))
			return;
	}
	work(&L);
	if (L.resolved >= 0)
		survey(&L, L.resolved);
}

/* ------------------------------------------------ customers and orders */

static void
write_customers(const struct gen *g, const struct sink *k, struct arena *a)
{
	struct cust cu;
	struct rng r;
	struct rec rc;
	uint32_t c;
	size_t mk;
	long upd;

	for (c = 0; c < g->m; c++) {
		cust_make(g, c, &cu);
		if (!cu.in_crm)
			continue;
		rng_init(&r, g->seed, c, 4);
		memset(&rc, 0, sizeof(rc));
		a->len = 0;
		setc(&rc, C_TYPE, "customer");
		a_str(a, "CRM-");
		a_num(a, (uint64_t)c + 1, 6);
		a_set(a, &rc, C_CRM, 0);
		setc(&rc, C_NAME, cu.name);
		mk = a->len;
		a_sheet_phone(a, &r, &cu, 4);
		a_set(a, &rc, C_PHONE, mk);
		if (cu.email[0]) {
			mk = a->len;
			if (pct(&r, 70))
				a_str(a, cu.email);
			else
				a_email(a, &r, cu.email);
			a_set(a, &rc, C_EMAIL, mk);
		}
		if (cu.wechat[0])
			setc(&rc, C_WECHAT, cu.wechat);
		if (cu.wecom[0])
			setc(&rc, C_WECOM, cu.wecom);
		if (cu.dingtalk[0])
			setc(&rc, C_DINGTALK, cu.dingtalk);
		if (cu.weibo[0] && pct(&r, 50))
			setc(&rc, C_WEIBO, cu.weibo);
		setc(&rc, C_TIER, tiername[cu.tier]);
		if (cu.org >= 0)
			setc(&rc, C_ORG,
			     cu.lang == ZH ? zorgs[cu.org].name
			                   : eorgs[cu.org].name);
		setc(&rc, C_CITY,
		     cu.lang == ZH ? cities[cu.city].zh : cities[cu.city].en);
		mk = a->len;
		a_time(a, cu.since, TF_LOCAL);
		a_set(a, &rc, C_CREATED, mk);
		upd = cu.since > 0 ? cu.since : 0;
		upd = between(&r, upd, SPAN - HOUR);
		mk = a->len;
		a_time(a, upd, TF_LOCAL);
		a_set(a, &rc, C_UPDATED, mk);
		emit(k, &sch_customer, &rc);
	}
}

/* The date years after local time t, as "2028-03-14" (Feb 29: 28). */
static void
a_warranty(struct arena *a, long t, int years)
{
	long long days = DAYS_2026 + day_of(t);
	int y, m, d;

	civil(days, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	a_num(a, (uint64_t)y + (uint64_t)years, 4);
	a_put(a, "-", 1);
	a_num(a, (uint64_t)m, 2);
	a_put(a, "-", 1);
	a_num(a, (uint64_t)d, 2);
}

static void
write_orders(const struct gen *g, const struct sink *k, struct arena *a)
{
	struct cust cu;
	struct order od;
	struct rng r;
	struct rec rc;
	uint32_t c;
	size_t mk;
	int j;

	for (c = 0; c < g->m; c++) {
		cust_make(g, c, &cu);
		rng_init(&r, g->seed, c, 5);
		for (j = 0; j < cu.norders; j++) {
			order_make(g, c, j, &od);
			memset(&rc, 0, sizeof(rc));
			a->len = 0;
			setc(&rc, O_TYPE, "order");
			a_order_no(a, &od);
			a_set(a, &rc, O_NO, 0);
			if (cu.in_crm) {
				mk = a->len;
				a_str(a, "CRM-");
				a_num(a, (uint64_t)c + 1, 6);
				a_set(a, &rc, O_CRM, mk);
			}
			mk = a->len;
			a_sheet_phone(a, &r, &cu, 8);
			a_set(a, &rc, O_PHONE, mk);
			setc(&rc, O_PRODUCT, products[od.prod].code);
			mk = a->len;
			a_time(a, od.bought, TF_DATE);
			a_set(a, &rc, O_PURCHASED, mk);
			mk = a->len;
			a_warranty(a, od.bought, od.wyears);
			a_set(a, &rc, O_WARRANTY, mk);
			mk = a->len;
			a_amount(a, od.cents, 0);
			a_set(a, &rc, O_AMOUNT, mk);
			/* Delivered a few days later: the ERP's last change. */
			mk = a->len;
			a_time(a, od.bought + between(&r, DAY, 6 * DAY),
			       TF_LOCAL);
			a_set(a, &rc, O_UPDATED, mk);
			emit(k, &sch_order, &rc);
		}
	}
}

/* ------------------------------------------------------------- driver */

enum { KD_TICKET, KD_MESSAGE, KD_EVENT, KD_SURVEY, KD_CUSTOMER, KD_ORDER };
static const char *const kindname[] = {"ticket", "message",  "event",
                                       "survey", "customer", "order"};

struct opts {
	uint64_t n, seed;
	int csv, kind;
	int fmt_set, kind_set;
	const char *dir;
};

/* Close stdout and exit: 0, or 74 if what was written did not get out. */
static _Noreturn void
close_stdout(void)
{
	if (fclose(stdout) != 0 && errno != EPIPE)
		die(EX_IOERR, "write error", "stdout");
	exit(EX_OK);
}

static void
help(void)
{
	fputs(usage_line, stdout);
	fputs(
	    "\n"
	    "Write deterministic, realistic customer service data: the same\n"
	    "arguments give the same bytes on any machine.\n"
	    "\n"
	    "  -n, --tickets N   number of tickets (default 1000)\n"
	    "  -s, --seed N      seed, 0 to 2^64-1 (default 1)\n"
	    "  -f, --format FMT  jsonl (default) or csv\n"
	    "      --kind KIND   ticket (default), message, event, survey,\n"
	    "                    customer or order, to stdout\n"
	    "  -o, --outdir DIR  write a whole data set into DIR (made if\n"
	    "                    missing): tickets.jsonl (the first 80% of\n"
	    "                    the tickets), tickets.csv (the rest),\n"
	    "                    messages.jsonl, events.jsonl, surveys.jsonl,\n"
	    "                    customers.csv (CRM) and orders.csv (ERP)\n"
	    "  -h, --help        show this help and exit\n"
	    "      --version     show the version and exit\n"
	    "\n"
	    "Read the files in this order: tickets, customers, orders,\n"
	    "messages, events, surveys.  The events and the concierge\n"
	    "conversations assume sample/csm.conf (the repair workflow, a\n"
	    "14-day reopen window).\n"
	    "Customers in the pool: a fifth of the tickets, at least 10.\n"
	    "Exit status: 0 ok, 64 usage, 70 out of memory, 73 cannot\n"
	    "create DIR or a file in it, 74 write error.\n",
	    stdout);
}

/* Print value with control bytes escaped, as data in messages must be. */
static void
put_value(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\u%04x", c);
		else
			fputc(c, stderr);
	}
}

static _Noreturn void
usage_error(const char *what, const char *opt, const char *val)
{
	fprintf(stderr, "%s: ", PROG);
	if (opt) {
		fputs("option '", stderr);
		put_value(opt);
		fputs("': ", stderr);
	}
	fputs(what, stderr);
	if (val) {
		fputs(" \"", stderr);
		put_value(val);
		fputs("\"", stderr);
	}
	fputs("\n", stderr);
	fputs(usage_line, stderr);
	fputs("Try '" PROG " --help'.\n", stderr);
	exit(EX_USAGE);
}

static _Noreturn void
unknown(const char *opt)
{
	fprintf(stderr, "%s: unknown option '", PROG);
	put_value(opt);
	fputs("'\n", stderr);
	fputs(usage_line, stderr);
	fputs("Try '" PROG " --help'.\n", stderr);
	exit(EX_USAGE);
}

static uint64_t
parse_num(const char *opt, const char *s, uint64_t max)
{
	uint64_t v = 0;
	const char *p = s;

	if (!*p)
		usage_error("expected a number, got", opt, s);
	for (; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (d > 9 || v > (max - d) / 10)
			usage_error(d > 9 ? "expected a number, got"
			                  : "number too large:",
			            opt, s);
		v = v * 10 + d;
	}
	return v;
}

static void
set_option(struct opts *o, int c, const char *opt, const char *val)
{
	int k;

	switch (c) {
	case 'n':
		o->n = parse_num(opt, val, MAX_TICKETS);
		break;
	case 's':
		o->seed = parse_num(opt, val, UINT64_MAX);
		break;
	case 'f':
		if (strcmp(val, "jsonl") != 0 && strcmp(val, "csv") != 0)
			usage_error("expected jsonl or csv, got", opt, val);
		o->csv = val[0] == 'c';
		o->fmt_set = 1;
		break;
	case 'k':
		for (k = 0; k < (int)NELEM(kindname); k++)
			if (strcmp(val, kindname[k]) == 0)
				break;
		if (k == (int)NELEM(kindname))
			usage_error("expected ticket, message, event, survey, "
			            "customer or order, got",
			            opt, val);
		o->kind = k;
		o->kind_set = 1;
		break;
	case 'o':
		if (!*val)
			usage_error("expected a directory, got", opt, val);
		o->dir = val;
		break;
	}
}

static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct {
		const char *name;
		int c, arg;
	} lo[] = {
	    {"tickets", 'n', 1}, {"seed", 's', 1},         {"format", 'f', 1},
	    {"kind", 'k', 1},    {"outdir", 'o', 1},       {"help", 'h', 0},
	    {"version", 'V', 0}, {"list-options", 'L', 0},
	};
	int i, k, c;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char opt[64];
		size_t len;

		if (strcmp(a, "--") == 0) {
			if (i + 1 < argc)
				usage_error("unexpected argument", NULL,
				            argv[i + 1]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			usage_error("unexpected argument", NULL, a);
		if (a[1] == '-') {
			eq = strchr(a, '=');
			len = eq ? (size_t)(eq - a) : strlen(a);
			if (len >= sizeof(opt))
				len = sizeof(opt) - 1;
			memcpy(opt, a, len);
			opt[len] = '\0';
			for (k = 0; k < (int)NELEM(lo); k++)
				if (strcmp(opt + 2, lo[k].name) == 0)
					break;
			if (k == (int)NELEM(lo))
				unknown(opt);
			c = lo[k].c;
			if (lo[k].arg) {
				val = eq ? eq + 1 : argv[++i];
				if (!val)
					usage_error("requires an argument", opt,
					            NULL);
			} else if (eq) {
				usage_error("takes no argument", opt, NULL);
			}
		} else {
			opt[0] = '-';
			opt[1] = a[1];
			opt[2] = '\0';
			c = (unsigned char)a[1];
			if (c == '\0' || !strchr("nsfoh", c))
				unknown(opt);
			if (c == 'h') {
				if (a[2])
					usage_error("takes no argument", opt,
					            NULL);
			} else {
				val = a[2] ? a + 2 : argv[++i];
				if (!val)
					usage_error("requires an argument", opt,
					            NULL);
			}
		}
		switch (c) {
		case 'h':
			help();
			close_stdout();
		case 'V':
			puts(PROG " " VERSION);
			close_stdout();
		case 'L':
			puts("-n --tickets -s --seed -f --format --kind "
			     "-o --outdir -h --help --version");
			close_stdout();
		default:
			set_option(o, c, opt, val);
			break;
		}
	}
	if (o->dir && (o->kind_set || o->fmt_set))
		usage_error("writes every kind in its own format; drop "
		            "'--kind' and '-f'",
		            "-o", NULL);
}

static void
gen_setup(struct gen *g, uint64_t n, uint64_t seed)
{
	uint64_t x = seed, reserved;
	uint32_t mod = 9000;

	memset(g, 0, sizeof(*g));
	g->seed = seed;
	g->n = n;
	g->m = n / 5 > 10 ? (uint32_t)(n / 5) : 10;
	reserved = n > 23 ? (n - 24) / 40 + 1 : 0;
	g->ntriple = reserved / 3;
	g->nsplit = (uint32_t)((g->m + 42) / 50);
	if (g->nsplit > g->ntriple)
		g->nsplit = (uint32_t)g->ntriple;
	g->tagw = 4;
	while (mod < g->m) {
		mod *= 10;
		g->tagw++;
	}
	g->tagmod = mod;
	g->tagoff[0] = (uint32_t)(splitmix(&x) % mod);
	g->tagoff[1] = (uint32_t)(splitmix(&x) % mod);
	g->phoneoff = splitmix(&x) % 1000000000;
	g->tagoff[2] = (uint32_t)(splitmix(&x) % mod);
	cal_setup();
}

static int
open_out(const char *dir, const char *name, char **path)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	int fd;

	*path = malloc(n);
	if (!*path) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		exit(EX_SOFTWARE);
	}
	snprintf(*path, n, "%s/%s", dir, name);
	fd = open(*path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		die(EX_CANTCREAT, "cannot create", *path);
	return fd;
}

static struct ticket tk;
static struct arena arena;

/* Write the whole data set into dir; exits on error. */
static void
write_set(const struct gen *g, const char *dir)
{
	static const char *const names[] = {
	    "tickets.jsonl", "tickets.csv",   "messages.jsonl", "events.jsonl",
	    "surveys.jsonl", "customers.csv", "orders.csv",
	};
	struct sink k[NELEM(names)];
	char *path[NELEM(names)];
	uint64_t i, cut = g->n - g->n / 5;
	size_t j;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		die(EX_CANTCREAT, "cannot create directory", dir);
	for (j = 0; j < NELEM(names); j++) {
		int fd = open_out(dir, names[j], &path[j]);

		k[j].out = out_new(fd, path[j]);
		k[j].csv = strstr(names[j], ".csv") != NULL;
	}
	put_csvhead(k[1].out, &sch_ticket);
	put_csvhead(k[5].out, &sch_customer);
	put_csvhead(k[6].out, &sch_order);
	for (i = 0; i < g->n; i++) {
		gen_ticket(g, i, &tk, &arena);
		emit(&k[i < cut ? 0 : 1], &sch_ticket, &tk.r);
		gen_life(g, &tk, &arena, &k[2], &k[3], &k[4]);
	}
	write_customers(g, &k[5], &arena);
	write_orders(g, &k[6], &arena);
	for (j = 0; j < NELEM(names); j++) {
		out_close(k[j].out);
		free(path[j]);
	}
}

/* Write one kind to stdout. */
static void
write_kind(const struct gen *g, int kind, int csv)
{
	static const struct schema *const sch[] = {
	    &sch_ticket, &sch_message,  &sch_event,
	    &sch_survey, &sch_customer, &sch_order,
	};
	struct sink none = {NULL, 0}, k;
	uint64_t i;

	k.out = out_new(STDOUT_FILENO, "stdout");
	k.csv = csv;
	if (csv)
		put_csvhead(k.out, sch[kind]);
	if (kind == KD_CUSTOMER) {
		write_customers(g, &k, &arena);
	} else if (kind == KD_ORDER) {
		write_orders(g, &k, &arena);
	} else {
		for (i = 0; i < g->n; i++) {
			gen_ticket(g, i, &tk, &arena);
			if (kind == KD_TICKET)
				emit(&k, &sch_ticket, &tk.r);
			else
				gen_life(g, &tk, &arena,
				         kind == KD_MESSAGE ? &k : &none,
				         kind == KD_EVENT ? &k : &none,
				         kind == KD_SURVEY ? &k : &none);
		}
	}
	out_close(k.out);
}

int
main(int argc, char **argv)
{
	struct opts o = {1000, 1, 0, KD_TICKET, 0, 0, NULL};
	struct gen g;
	int fd, c;

	/* stdin, stdout and stderr must be open, or our files take them. */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return EX_SOFTWARE;
	signal(SIGPIPE, SIG_IGN);
	parse(argc, argv, &o);
	for (c = 0; c < 0x20; c++)
		jesc[c] = 1;
	jesc['"'] = jesc['\\'] = 1;
	gen_setup(&g, o.n, o.seed);
	if (o.dir)
		write_set(&g, o.dir);
	else
		write_kind(&g, o.kind, o.csv);
	close_stdout();
}
