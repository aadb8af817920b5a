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
 * Identity resolution gets work: the same phone is written six ways, emails
 * in varied case, one customer writes from several channels, about 1% of
 * tickets are anonymous, and a few "split" customers (index 7 mod 50) are
 * first seen by email only, then by phone only, and only later tied by one
 * ticket carrying both.  Split customers never appear in the CRM or ERP
 * exports, nor in other tickets, so nothing ties them earlier.
 *
 * Times: tickets from 2026-01-01 to 2026-11-20, in ticket order give or
 * take some hours, mostly with +08:00, some in UTC ("Z"), some without an
 * offset ("2026-03-14 09:30:12", local +08:00 time); messages, events and
 * surveys follow their ticket and stop at the end of 2026-11-20.  Events
 * are legal in the default workflow, starting from the status the ticket
 * arrived with, and assume that messages do not change the status.
 *
 * With -o, tickets.jsonl holds the first 80% of the tickets and
 * tickets.csv the rest, the same records as -f jsonl and -f csv write.
 *
 * Only libc: this tool must build before anything else in the tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "csm-gen"
#define VERSION "0.1.0" /* kept equal to CSM_VERSION in lib/csm.h */

#define EX_OK 0
#define EX_USAGE 64
#define EX_SOFTWARE 70
#define EX_CANTCREAT 73
#define EX_IOERR 74

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_TICKETS 100000000ULL

#define DAY 86400L
#define HOUR 3600L
#define MIN 60L
/* Local (+08:00) seconds since 2026-01-01 00:00; tickets until 11-20. */
#define SPAN (324L * DAY)
#define DAYS_2026 20454LL /* 2026-01-01 in days since 1970-01-01 */
#define TZ_OFF (8 * HOUR)

#define OUT_CAP (1U << 20)
#define ARENA_CAP (1U << 18)
#define MAXF 24

static const char usage_line[] = "usage: " PROG " [-n TICKETS] [-s SEED] "
                                 "[-f jsonl|csv] [--kind KIND] [-o DIR] "
                                 "[--help]\n";

/* ---------------------------------------------------------------- PRNG */

struct rng {
	uint64_t s[4];
};

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_init(struct rng *r, uint64_t seed, uint64_t idx, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	uint64_t h = splitmix(&x);

	x = h ^ (idx * 0xa0761d6478bd642fULL);
	r->s[0] = splitmix(&x);
	r->s[1] = splitmix(&x);
	r->s[2] = splitmix(&x);
	r->s[3] = splitmix(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* A number in [0, n), n < 2^32, by multiply-shift (no division). */
static uint32_t
below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((next(r) >> 32) * n) >> 32);
}

static long
between(struct rng *r, long lo, long hi)
{
	return lo + (long)(next(r) % (uint64_t)(hi - lo + 1));
}

static int
pct(struct rng *r, uint32_t p)
{
	return below(r, 100) < p;
}

/* An index into w[0..n-1], each with probability w[i] / sum(w). */
static int
pickw(struct rng *r, const unsigned char *w, int n)
{
	uint32_t sum = 0, x;
	int i;

	for (i = 0; i < n; i++)
		sum += w[i];
	x = below(r, sum);
	for (i = 0; i < n - 1; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(r, a) ((a)[below((r), NELEM(a))])

/* ----------------------------------------------------------- the text */

/* The tables are laid out by hand. */
/* clang-format off */

struct list {
	const char *const *v;
	uint32_t n;
};
#define L(a)                                                                   \
	{                                                                      \
		a, NELEM(a)                                                    \
	}

enum { ZH, EN };

struct product {
	const char *code; /* the product field, in orders too */
	const char *zh, *en;
	int price;	/* yuan */
	int wyears; /* warranty */
	const char *sn; /* serial number prefix */
	const char *zsym[3], *esym[3];
};

static const struct product products[] = {
	{"KF-35GW", "KF-35GW 空调", "KF-35GW air conditioner", 3299, 3, "AC35",
	 {"开了两个小时屋里还是30度，出风口吹出来的是热风。",
	  "室外机噪音特别大，像拖拉机一样，晚上根本睡不着。",
	  "开机十几分钟就自动停机，屏幕上显示\"E1\"。"},
	 {"It has been running for two hours and the room is still 30 "
	  "degrees; the vents blow warm air.",
	  "The outdoor unit is extremely loud, like a tractor.",
	  "It shuts itself off after ten minutes and shows \"E1\"."}},
	{"R7", "R7 扫地机器人", "R7 robot vacuum", 2199, 1, "RV07",
	 {"每次打扫完都找不到充电座，一直在客厅里转圈。",
	  "主刷不转了，吸力也明显变小。",
	  "APP里的地图每天都要重建一次，划的禁区也没了。"},
	 {"After every run it can't find the dock and circles the living "
	  "room.",
	  "The main brush stopped spinning and suction is much weaker.",
	  "The map in the app is rebuilt every day and my no-go zones are "
	  "gone."}},
	{"L3", "L3 智能门锁", "L3 smart lock", 1599, 2, "LK03",
	 {"指纹识别越来越慢，经常要按好几次才能开。",
	  "半夜突然滴滴报警，说有人撬锁，其实没人。",
	  "换了新电池还是提示电量低。"},
	 {"The fingerprint reader is getting slower; it often takes several "
	  "tries.",
	  "It started beeping at night saying someone was forcing the lock, "
	  "but nobody was there.",
	  "It still says \"battery low\" after I put in new batteries."}},
	{"W5", "W5 净水器", "W5 water purifier", 2699, 2, "WP05",
	 {"机器下面一直在滴水，厨房地板都泡了。",
	  "滤芯才换了一个月就提示要更换。", "出水有一股怪味，不敢喝。"},
	 {"It keeps dripping underneath and the kitchen floor is soaked.",
	  "It asks for a new filter one month after I replaced it.",
	  "The water has a strange taste; we stopped drinking it."}},
	{"BCD-520", "BCD-520 冰箱", "BCD-520 fridge", 4999, 3, "RF52",
	 {"冷藏室结冰，蔬菜全冻坏了。", "压缩机一直响，停不下来。",
	  "冷冻室温度只有零下5度，设置的是零下18度。"},
	 {"The fridge compartment ices up and the vegetables froze.",
	  "The compressor never stops running.",
	  "The freezer only reaches -5 C although it is set to -18 C."}},
	{"XQG100", "XQG100 洗衣机", "XQG100 washing machine", 2899, 3, "WM10",
	 {"脱水的时候整台机器都在跳，声音很吓人。",
	  "洗到一半显示\"E21\"然后就不动了，门也打不开。",
	  "排水很慢，洗完衣服还是湿漉漉的。"},
	 {"The whole machine jumps during the spin cycle.",
	  "Halfway through it shows \"E21\" and stops; the door stays "
	  "locked.",
	  "It drains very slowly and the clothes come out soaking wet."}},
	{"65E8", "65E8 电视", "65E8 TV", 5999, 2, "TV65",
	 {"屏幕左边有一条竖线，越来越明显。", "开机以后一直停在开机画面。",
	  "有声音没图像，重启也没用。"},
	 {"There is a vertical line on the left of the screen.",
	  "It gets stuck on the boot logo.",
	  "Sound but no picture, even after a restart."}},
	{"AX3000", "AX3000 路由器", "AX3000 router", 399, 1, "RT30",
	 {"每天晚上都会断网几次，要拔电源才能恢复。",
	  "5G信号特别弱，隔一堵墙就没了。",
	  "管理后台登不上去，提示\"密码错误\"。"},
	 {"It drops the connection several times every evening.",
	  "The 5 GHz signal dies behind a single wall.",
	  "I can't log in to the admin page: \"wrong password\"."}},
	{"BudsPro", "Buds Pro 无线耳机", "Buds Pro earbuds", 899, 1, "BP01",
	 {"右耳没有声音，重新配对也不行。", "充电盒充不进电，指示灯不亮。",
	  "降噪开了以后有很大的电流声。"},
	 {"The right earbud has no sound, even after re-pairing.",
	  "The charging case won't charge and the light stays off.",
	  "There's a loud hiss with noise cancelling on."}},
	{"WatchS2", "Watch S2 智能手表", "Watch S2 smartwatch", 1299, 1,
	 "WS02",
	 {"心率数据明显不准，躺着显示150。", "同步不了数据，APP里一直转圈。",
	  "表带接口松了，走路会掉。"},
	 {"The heart rate is clearly wrong: 150 while lying down.",
	  "It won't sync; the app just spins.",
	  "The strap connector is loose and falls off when I walk."}},
};

/* Scenario kinds, for routing to a group. */
enum { K_FIN, K_SHIP, K_TECH, K_REPAIR, K_ACCOUNT, K_COMPLAIN, K_INFO };

static const char *const zs_pay[] = {
	"订单支付失败",		   "付款失败，钱已经扣了",
	"支付时提示\"交易失败\"", "微信支付扣款成功但订单未支付",
	"信用卡付款一直失败",	   "重复扣款了，请退回一笔",
};
static const char *const es_pay[] = {
	"Payment failed",
	"Charged but order still unpaid",
	"Card declined at checkout",
	"Double charged for order {O}",
	"Payment error {E}, please help",
};
static const char *const zp_pay[] = {
	("下单后付款的时候一直提示\"支付失败，请稍后重试\"，"
	 "换了两张银行卡都不行。"),
	"银行已经发短信说扣款{A}元了，但是订单里还是显示待支付。",
	"我用的是微信支付，付款页面转了半天圈然后就报错了，错误码{E}。",
	"刚才付了一次没成功，又付了一次，结果两次都扣钱了。",
	"订单号{O}，付款时间大概是{D}晚上八点多。",
	"你们系统是不是出问题了？同事也说今天付不了款。",
	"我已经确认过银行卡余额充足，限额也没有问题。",
	"截图里可以看到扣款记录，交易流水号是{K}。",
};
static const char *const ep_pay[] = {
	"I tried to pay for order {O}, but checkout keeps saying \"Payment "
	"failed, please try again later\".",
	"My bank already shows a charge of {A} CNY, yet the order is still "
	"\"awaiting payment\".",
	"The error code on the screen was {E}.",
	"I tried twice and now I've been charged twice.",
	"My card works everywhere else, so it's not the card.",
	"This happened on {D}, around 8 pm.",
	"The bank's transaction reference is {K}.",
};
static const char *const zs_refund[] = {
	"退款进度查询", "退款一直没到账", "申请退款{X}天了还没处理",
	"退款金额不对", "退货后什么时候退款？",
};
static const char *const es_refund[] = {
	"Refund status",
	"Where is my refund?",
	"Refund not received after {X} days",
	"Wrong refund amount",
	"Refund for order {O}",
};
static const char *const zp_refund[] = {
	"我在{D}申请了退款，订单号{O}，到现在还没收到钱。",
	"页面上显示\"退款处理中\"已经好几天了，一直没有变化。",
	"退款金额应该是{A}元，但是只退了一部分。",
	"之前客服说3-5个工作日到账，现在已经超过一周了。",
	"退款是原路退回吗？我那张卡已经注销了，怎么办？",
	"麻烦帮我查一下退款到哪一步了，能不能加急处理。",
	"商品已经寄回去了，快递单号{K}，仓库也签收了。",
};
static const char *const ep_refund[] = {
	"I asked for a refund on {D} for order {O} and still haven't "
	"received anything.",
	"The page has said \"refund in progress\" for days.",
	"The refund should be {A} CNY, but only part of it arrived.",
	"Your agent told me 3-5 business days; it has been over a week.",
	"Will it go back to the original card? That card has been closed.",
	"I sent the item back with tracking number {K}, and your warehouse "
	"signed for it.",
};
static const char *const zs_inv[] = {
	"发票开具",
	"申请开具增值税专用发票",
	"发票抬头开错了，需要重开",
	"电子发票在哪里下载？",
	"公司报销需要发票",
};
static const char *const es_inv[] = {
	"Invoice request",
	"Need a VAT invoice for order {O}",
	"Invoice has the wrong company name",
	"Can't download the e-invoice",
};
static const char *const zp_inv[] = {
	"订单{O}需要开具发票，抬头是\"{G}\"，税号稍后发给您。",
	"之前开的发票抬头写错了，麻烦作废后重新开一张。",
	"我需要的是增值税专用发票，不是普通发票。",
	"电子发票的下载链接打不开，提示\"链接已过期\"。",
	"财务这边月底要报销，麻烦尽快处理。",
	"发票金额应该是{A}元，请核对一下。",
};
static const char *const ep_inv[] = {
	"Please issue an invoice for order {O}, made out to \"{G}\".",
	("The invoice you sent has the wrong company name; please cancel "
	 "it and issue a new one."),
	"I need a VAT special invoice, not a regular one.",
	"The e-invoice link says \"link expired\".",
	"Our finance team closes the month on Friday, so this is urgent.",
	"The invoice amount should be {A} CNY.",
};
static const char *const zs_ship[] = {
	"快递未送达",	    "物流信息一直不更新", "显示已签收但我没收到",
	"快递什么时候能到？", "包裹破损",		"催一下发货",
};
static const char *const es_ship[] = {
	"Package not delivered",
	"Tracking not updated for {X} days",
	"Marked as delivered, but not received",
	"Damaged package",
	"When will order {O} ship?",
};
static const char *const zp_ship[] = {
	"订单{O}已经发货{X}天了，物流信息一直停在{C}转运中心。",
	"快递单号{K}，显示已签收，但我本人根本没有收到，也没有放在快递柜。",
	"打快递员电话一直没人接。",
	"收到的包裹外箱破了，里面的{P}也有划痕。",
	"当时说好{D}之前送到的，现在已经过了好几天。",
	"能不能帮我联系一下快递公司？",
	"下单的时候写的是\"24小时内发货\"，结果三天了还没发。",
};
static const char *const ep_ship[] = {
	"Order {O} shipped {X} days ago and tracking has been stuck at the "
	"{C} hub since.",
	"Tracking number {K} says \"delivered\", but nothing arrived, not "
	"even in the parcel locker.",
	"The courier doesn't answer the phone.",
	"The box arrived crushed and the {P} is scratched.",
	"It was promised by {D}.",
	"Could you contact the courier for me?",
};
static const char *const zs_dev[] = {
	"{P}出故障了", "设备离线", "APP连不上设备", "{P}开不了机",
	"{P}用了没多久就坏了", "空调不制冷",
};
static const char *const es_dev[] = {
	"{P} not working", "Device offline",   "App can't connect to device",
	"{P} won't turn on", "Problem with my {P}",
};
static const char *const zp_dev[] = {
	"家里的{P}从{D}开始就不太对劲。",
	"开机以后显示屏上出现错误代码{E}，说明书上也查不到。",
	"APP里一直显示设备离线，路由器和网络都是正常的。",
	"我已经按照说明书重置过了，还是不行。",
	"用了不到半年就出问题了，质量也太差了吧。",
	"断电重启试了好几次，每次过一会儿又这样。",
};
static const char *const ep_dev[] = {
	"My {P} has been acting up since {D}.",
	"The display shows error code {E}, which isn't in the manual.",
	"The app says the device is offline, but my Wi-Fi is fine.",
	"I already did a factory reset, no change.",
	"It's less than six months old!",
	"Power-cycling helps for a while, then it happens again.",
};
static const char *const zs_rep[] = {
	"申请上门维修", "{P}需要维修", "预约师傅上门",
	"维修师傅没按时上门", "保修期内维修收费吗？",
};
static const char *const es_rep[] = {
	"Repair request",
	"{P} needs repair",
	"Book a technician visit",
	"Technician didn't show up",
	"Is the repair covered by warranty?",
};
static const char *const zp_rep[] = {
	"机身序列号是{S}，应该还在保修期内。",
	"希望师傅能周末上门，工作日家里没人。",
	"上次师傅来看过，说要换主板，到现在配件还没到。",
	"约好的是{D}下午上门，等了一下午也没人来。",
	"地址在{C}，小区门口需要登记，麻烦师傅提前打电话。",
	"师傅上门检查费要收多少钱？",
};
static const char *const ep_rep[] = {
	"The serial number is {S}; it should still be under warranty.",
	"A weekend visit would be best; nobody is home on weekdays.",
	("Your technician said the mainboard must be replaced, and the "
	 "part still hasn't arrived."),
	"The visit was booked for {D} afternoon, and nobody came.",
	"I live in {C}; please call before coming.",
	"How much is the inspection fee?",
};
static const char *const zs_acct[] = {
	"密码重置",
	"账号被锁定",
	"收不到验证码",
	"手机号换了怎么改绑",
	"账号被盗了？",
};
static const char *const es_acct[] = {
	"Password reset", "Account locked",
	"Not receiving the verification code", "Can't log in",
	"Suspicious login on my account",
};
static const char *const zp_acct[] = {
	"登录的时候提示\"账号或密码错误\"，但我确定密码没记错。",
	"连续输错几次以后账号就被锁定了。",
	"点了\"忘记密码\"，手机一直收不到验证码。",
	"原来的手机号已经不用了，想换绑新号码。",
	"今天收到异地登录提醒，但不是我本人操作的，担心账号被盗。",
	"APP提示\"会话已过期\"，重新登录又闪退。",
};
static const char *const ep_acct[] = {
	"Login says \"wrong username or password\", but I'm sure the "
	"password is right.",
	"After a few failed attempts my account was locked.",
	"I clicked \"Forgot password\" but the SMS code never arrives.",
	"I changed my phone number and need to update it.",
	"I got a login alert from another city that wasn't me.",
	"The reset link in the email says \"token expired\".",
	"The app log at C:\\Users\\{U}\\AppData\\Local\\Csm\\app.log says "
	"\"401 Unauthorized\".",
};
static const char *const zs_comp[] = {
	"投诉客服态度",
	"对处理结果不满意",
	"投诉维修师傅",
	"多次反映问题没人处理",
	"要求主管回电",
};
static const char *const es_comp[] = {
	"Complaint about your service", "Unhappy with how this was handled",
	"Complaint about the technician", "Nobody is fixing my problem",
	"I want to speak to a supervisor",
};
static const char *const zp_comp[] = {
	"上次打电话，客服态度很差，问题没说完就挂了。",
	"同一个问题已经反映了{X}次，每次都说会跟进，结果都没有下文。",
	"维修师傅上门迟到两个小时，还多收了{A}元的费用。",
	"我要求你们主管给我回电话，给一个明确的说法。",
	"如果再不处理，我会向消费者协会投诉。",
};
static const char *const ep_comp[] = {
	"Your agent was rude and hung up before I finished.",
	"I've reported this {X} times and nobody follows up.",
	"The technician was two hours late and charged me {A} CNY extra.",
	"I want a supervisor to call me back with a clear answer.",
	("If this isn't resolved, I'll file a complaint with the consumer "
	 "association."),
};
static const char *const zs_info[] = {
	"质保期咨询", "产品使用咨询", "{P}有没有以旧换新活动？", "会员权益咨询",
	"请问有线下门店吗",
};
static const char *const es_info[] = {
	"Warranty question", "How do I use the {P}?", "Trade-in offer for {P}?",
	"Membership benefits", "Is there a store near me?",
};
static const char *const zp_info[] = {
	"想问一下{P}的保修期是多久，从哪天开始算？",
	"这款{P}和上一代有什么区别？",
	"现在有没有以旧换新的活动？旧机器可以抵多少钱？",
	"会员积分可以抵现金吗？",
	"我在{C}，附近有没有可以体验的门店？",
};
static const char *const ep_info[] = {
	"How long is the warranty on the {P}, and when does it start?",
	"What's the difference between this {P} and the previous model?",
	"Do you have a trade-in offer? How much is my old one worth?",
	"Can I use membership points as cash?",
	"I'm in {C}; is there a store where I can try it?",
};
static const char *const zs_ret[] = {
	"申请退货", "七天无理由退货", "换货申请", "收到的商品与描述不符",
};
static const char *const es_ret[] = {
	"Return request", "I'd like to return my {P}", "Exchange request",
	"Item not as described",
};
static const char *const zp_ret[] = {
	"订单{O}的{P}收到后不太满意，想申请七天无理由退货。",
	"包装都还在，没怎么用过。",
	"颜色和页面上的图片差别很大，想换一个。",
	"退货运费谁来承担？",
	"请告诉我退货地址，我这两天寄回去。",
};
static const char *const ep_ret[] = {
	"I'd like to return the {P} from order {O}; it's within 7 days.",
	"It's unused, still in the original box.",
	"The colour is nothing like the photos, so I want an exchange.",
	"Who pays for return shipping?",
	"Please send me the return address.",
};

/* Agent replies, by scenario and generic. */
static const char *const zr_fin[] = {
	"经核实，您的订单{O}款项已于今日提交退回，预计1-3个工作日原路到账。",
	"已为您联系财务核实扣款情况，如确认重复扣款会全额退回。",
	"发票已重新开具，电子发票会发送到您预留的邮箱。",
};
static const char *const er_fin[] = {
	"We've checked order {O}: the money has been sent back and should "
	"reach your card within 1-3 business days.",
	"Finance is verifying the charge; any duplicate payment will be "
	"refunded in full.",
	"The corrected invoice has been issued and emailed to you.",
};
static const char *const zr_ship[] = {
	"快递公司反馈包裹目前在派送中，预计明天送达。",
	"已为您提交物流催件，有进展会第一时间通知您。",
	"如确认丢件，我们会为您重新补发。",
};
static const char *const er_ship[] = {
	"The courier says the parcel is out for delivery and should arrive "
	"tomorrow.",
	"We've chased the courier and will update you as soon as we hear "
	"back.",
	"If the parcel is lost, we'll send a replacement.",
};
static const char *const zr_tech[] = {
	"请您尝试断电重启设备，等待1分钟后重新连接APP。",
	"麻烦提供一下设备背面的序列号和故障照片，方便我们进一步排查。",
	"已为您预约维修师傅，师傅会在24小时内电话联系您确认上门时间。",
	"已为您重置账号状态，请使用\"忘记密码\"重新设置密码。",
};
static const char *const er_tech[] = {
	"Please unplug the device for one minute, then reconnect it in the "
	"app.",
	"Could you send the serial number on the back and a photo of the "
	"error?",
	"We've booked a technician, who will call you within 24 hours.",
	"Your account has been unlocked; please use \"Forgot password\" to "
	"set a new one.",
};
static const char *const zr_gen[] = {
	"关于您反馈的问题，我们已经记录并转交相关同事处理。",
	"给您带来的不便，我们深表歉意。",
	"如有其他问题，欢迎随时联系我们。",
	"处理结果会通过短信通知您，请留意。",
};
static const char *const er_gen[] = {
	"We've logged your request and passed it to the right team.",
	"We're sorry for the trouble.",
	"Let us know if there's anything else we can do.",
	"You'll get a text message once it's done.",
};
static const char *const zn_note[] = {
	"已联系财务核实，等待回复。", "客户情绪较激动，建议主管回访。",
	"物流工单已提交，等待快递公司回复。", "已查日志：设备最后在线时间{T}。",
	"VIP客户，优先处理。", "配件缺货，预计下周到货。",
	"客户要求只在晚上七点后联系。", "重复工单，之前的已关闭。",
};
static const char *const en_note[] = {
	"Asked finance to check the payment gateway.",
	"Customer is upset; suggest a supervisor callback.",
	"Opened a trace with the courier.",
	"Logs: device last seen {T}.",
	"VIP, handle first.",
	"Part on backorder, ETA next week.",
	"Customer prefers email, not phone.",
	"Possible duplicate of an earlier ticket.",
};
static const char *const z_auto[] = {
	("【自动回复】您好，您的消息已收到，客服将在工作时间内尽快回复您。"
	 "工作时间：周一至周五 9:00-18:00。"),
	"【自动回复】感谢您的来信，我们已收到您的问题，会在24小时内回复。",
	"亲，您好！当前咨询人数较多，请耐心等待，我们会按顺序为您服务~",
};
static const char *const e_auto[] = {
	"[Auto-reply] Thanks for contacting us. We've received your message "
	"and will reply within one business day.",
	"[Auto-reply] We're experiencing high volumes; an agent will be with "
	"you shortly.",
};
static const char *const z_follow[] = {
	"请问现在处理得怎么样了？",
	"还没有人联系我。",
	"好的，谢谢，我等你们消息。",
	"师傅今天没来，怎么回事？",
	"已经收到了，谢谢！",
	"照片已经发过去了，请查收。",
	"按你们说的方法试了，还是不行😞",
	"能不能快一点？？",
};
static const char *const e_follow[] = {
	"Any update on this?", "Still waiting to hear from you.",
	"OK, thanks, I'll wait.", "The technician didn't come today.",
	"Got it, thank you!", "Photos attached.",
	"Tried that, still not working :(", "Can you hurry, please?",
};

/* Generic sentences, to make bodies of realistic and varied length. */
static const char *const z_fill[] = {
	"麻烦尽快帮我处理一下，谢谢。",
	"我已经等了好几天了，一直没有人联系我。",
	"之前也打过你们的客服电话，排队排了半个小时。",
	"这个问题已经影响到我正常使用了。",
	"如果需要照片或者视频，我可以补充。",
	"家里有老人和小孩，希望能优先安排。",
	"你们的APP里找不到相关的入口，只能在这里留言。",
	"希望给一个明确的处理时间。",
	"朋友推荐我买的你们家的产品，没想到会遇到这种情况。",
	"我是老客户了，一直很信任你们的品牌。",
	"工作日白天不方便接电话，最好晚上七点以后联系我。",
	"看了网上的常见问题解答，没有找到解决办法。",
	"如果实在解决不了，我要求退货退款。",
	"请不要再让我重复描述问题了，之前已经说过很多遍。",
	"另外，上次的问题也还没有彻底解决。",
	"附件是截图，请查收。",
	"我在{C}，不知道这边有没有服务网点。",
	"购买渠道是官方旗舰店，有购买凭证。",
	"产品本身我还是挺满意的，就是这个问题比较闹心。",
	"离我第一次反馈已经过去一周了。",
	"顺便问一下，有没有延保服务可以购买？",
	"我把问题描述得尽量详细，希望一次解决。",
	"说明书第12页写的方法我试过了，没用。",
	"刚才在线客服说转人工，结果前面排了二十多人。",
	"我周末都在家，随时可以上门。",
	"你们的售后电话一直占线，根本打不进去。",
	"我上网查了一下，好像很多人都遇到过同样的问题。",
	"这已经是我第{X}次联系你们了。",
};
static const char *const e_fill[] = {
	"Could you please look into this as soon as possible?",
	"I've been waiting for several days and nobody has contacted me.",
	"I already called your hotline, but I was on hold for 30 minutes.",
	"This is really affecting my daily routine.",
	"I can send photos or a video if that helps.",
	"I'm a long-time customer and have always trusted your brand.",
	"I'm not available during working hours, so email is best.",
	"I checked the FAQ on your website, but it didn't help.",
	"If this can't be fixed, I'd like a full refund.",
	"Please don't ask me to describe the problem again; I've done that twice already.",
	"Also, the issue from last time still isn't fully solved.",
	"Screenshot attached.",
	"I'm based in {C}; is there a service center nearby?",
	"I bought it from your official store and have the receipt.",
	"Overall I like the product, it's just this one issue.",
	"It has been a week since I first reported this.",
	"By the way, do you offer an extended warranty?",
	"I tried the steps on page 12 of the manual, no luck.",
	"The chat bot kept sending me in circles, so I'm writing here instead.",
	"I'm home all weekend if someone needs to come by.",
	"Your hotline is always busy.",
	"Apparently many people online have the same problem.",
	"I've contacted you {X} times now.",
};
static const char *const z_hist[] = {
	"{D}第一次联系了在线客服，客服说{X}个工作日内给答复。",
	"后来又打了热线，客服让我再等等，说已经加急了。",
	"前天又在APP里留言了，到现在还是没有回复。",
	"昨天收到一条短信说\"已处理\"，但问题根本没有解决。",
	"中间有个客服打电话过来，问了一遍情况就没有下文了。",
};
static const char *const e_hist[] = {
	"On {D} I first contacted your live chat and was told I'd hear back "
	"within {X} business days.",
	"Then I called the hotline and was told it had been escalated.",
	"Two days ago I left a message in the app; still no answer.",
	"Yesterday I got a text saying \"resolved\", but nothing has changed.",
	"Someone called me once, asked the same questions, and never called "
	"back.",
};
static const char *const z_greet[] = {
	"您好，", "你好，", "客服你好，", "在吗？", "亲，", "你好！", "您好！",
};
static const char *const e_greet[] = {
	"Hi,", "Hello,", "Hi there,", "Hello support,", "Good morning,",
};
static const char *const z_mail_greet[] = {
	"尊敬的客服：\n\n", "客服您好：\n\n", "您好，\n\n",
};
static const char *const e_mail_greet[] = {
	"Dear Support,\n\n",
	"Hello,\n\n",
	"Hi team,\n\n",
	"To whom it may concern,\n\n",
};
static const char *const z_emo[] = {
	"真的很着急！！！", "😡😡😡", "太失望了。", "急急急！", "拜托了🙏",
	"已经第三次反馈了，再不处理我就去12315投诉了。", "唉……", "🙏🙏",
};
static const char *const e_emo[] = {
	"Please help ASAP!!!", "Really frustrated 😡", "So disappointed.",
	"¯\\_(ツ)_/¯", "Please, please fix this 🙏", "This is unacceptable.",
};
static const char *const z_close[] = {
	"谢谢！", "麻烦了🙏", "辛苦了😊", "谢谢你们。", "等你们回复。", "👍",
};
static const char *const e_close[] = {
	"Thanks!", "Thanks in advance 🙏", "Cheers 👍", "Regards", "Thank you.",
	"Best,",
};
static const char *const z_intro[] = {
	"我在{B}买的{P}，订单号{O}。", "订单{O}，",
	"{B}在你们官方商城下的单（{O}），买的是{P}。",
	"我的订单号是：{O}\n",
};
static const char *const e_intro[] = {
	"I bought a {P} on {B}, order {O}.", "Order {O}:",
	"Regarding my order {O} (a {P}, bought {B}):",
};
static const char *const z_contact[] = {
	"我的电话是{H}，方便的话请回电。",
	"联系电话：{H}",
	"有问题可以打我电话{H}。",
};
static const char *const e_contact[] = {
	"You can reach me at {H}.", "My number is {H}.",
	"Call me on {H}, any time after 6 pm.",
};

struct scen {
	const char *cat; /* category, one taxonomy for both languages */
	int weight;
	int order; /* 1: carries an order number */
	int kind;
	int repair; /* 1: ticket_type repair, with a serial number */
	int maxage; /* days: the ERP orders it may be about; -1 any */
	struct list zs, es, zp, ep;
	const char *tag[3];
};

static const struct scen scens[] = {
	{"支付失败", 12, 1, K_FIN, 0, 0, L(zs_pay), L(es_pay), L(zp_pay),
	 L(ep_pay), {"支付", "重复扣款", "催单"}},
	{"退款", 12, 1, K_FIN, 0, 150, L(zs_refund), L(es_refund), L(zp_refund),
	 L(ep_refund), {"退款", "催单", "财务"}},
	{"发票", 7, 1, K_FIN, 0, 365, L(zs_inv), L(es_inv), L(zp_inv),
	 L(ep_inv),
	 {"发票", "企业客户", "财务"}},
	{"物流", 13, 1, K_SHIP, 0, 45, L(zs_ship), L(es_ship), L(zp_ship),
	 L(ep_ship), {"物流", "催单", "丢件"}},
	{"设备故障", 14, 0, K_TECH, 0, -1, L(zs_dev), L(es_dev), L(zp_dev),
	 L(ep_dev), {"故障", "质保内", "远程指导"}},
	{"售后维修", 10, 1, K_REPAIR, 1, -1, L(zs_rep), L(es_rep), L(zp_rep),
	 L(ep_rep), {"上门", "质保内", "配件"}},
	{"账号", 9, 0, K_ACCOUNT, 0, -1, L(zs_acct), L(es_acct), L(zp_acct),
	 L(ep_acct), {"账号", "安全", "验证码"}},
	{"投诉", 6, 0, K_COMPLAIN, 0, -1, L(zs_comp), L(es_comp), L(zp_comp),
	 L(ep_comp), {"投诉", "升级", "回访"}},
	{"咨询", 10, 0, K_INFO, 0, -1, L(zs_info), L(es_info), L(zp_info),
	 L(ep_info), {"咨询", "售前", "会员"}},
	{"退换货", 7, 1, K_SHIP, 0, 45, L(zs_ret), L(es_ret), L(zp_ret),
	 L(ep_ret), {"退货", "换货", "七天无理由"}},
};
#define SC_DEVICE 4

static const char *const errcodes[] = {
	"E-1024", "E-2048", "ERR_PAY_4012", "0x8007000d", "E21", "F3", "503",
	"TIMEOUT_30S", "E-0417", "CODE_9001",
};

/* Channels, with their share of tickets and their id prefix. */
enum {
	S_EMAIL, S_PHONE, S_CHAT, S_WECHAT, S_WECOM, S_DINGTALK, S_WEIBO,
	S_APP, S_MINI, S_WEB, S_IOT, S_API, S_N
};
static const char *const srcname[S_N] = {
	"email", "phone", "chat", "wechat", "wecom", "dingtalk",
	"weibo", "app", "miniprogram", "web", "iot", "api",
};
static const char *const srcpfx[S_N] = {
	"", "call-", "chat-", "wx-", "wecom-", "dd-", "wb-", "app-", "mp-",
	"web-", "dev-", "api-",
};
static const unsigned char srcw[S_N] = {18, 16, 6, 24, 4, 3, 2, 9, 6, 8,
					2, 2};

enum { G_L1, G_SENIOR, G_AFTER, G_FIN, G_TECH, G_VIP, G_EN, G_N };
static const char *const groups[G_N] = {
	"一线客服组", "资深客服组", "售后", "财务组", "技术支持", "VIP专席",
	"English Desk",
};
static const char *const ag_l1[] = {"zhangwei", "lina", "wangfang",
				    "liuyang", "chenjing", "zhaomin"};
static const char *const ag_senior[] = {"alice", "zhaolei", "sunli"};
static const char *const ag_after[] = {"alice", "zhoujie", "wuhao",
				       "maxin"};
static const char *const ag_fin[] = {"huangmin", "xulin", "guoyan"};
static const char *const ag_tech[] = {"bob", "gaofeng", "heqiang",
				      "luoyi"};
static const char *const ag_vip[] = {"alice", "lijuan"};
static const char *const ag_en[] = {"emma", "david", "sophia", "bob"};
static const struct list agents[G_N] = {
	L(ag_l1), L(ag_senior), L(ag_after), L(ag_fin),
	L(ag_tech), L(ag_vip), L(ag_en),
};
static const char *const leads[] = {"lead.sun", "lead.chen", "router"};

enum { ST_NEW, ST_OPEN, ST_PENDING, ST_RESOLVED, ST_CLOSED };
static const char *const stname[] = {"new", "open", "pending", "resolved",
				     "closed"};
static const char *const prioname[] = {"low", "normal", "high", "urgent"};
static const char *const tiername[] = {"normal", "vip", "gold", "platinum"};
static const unsigned char tierw[] = {84, 10, 5, 1};

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

struct org {
	const char *name, *dom;
};
static const struct org zorgs[] = {
	{"上海恒信贸易有限公司", "hengxin"},
	{"深圳市云启科技有限公司", "yunqi"},
	{"北京华泰物业管理有限公司", "huatai"},
	{"杭州青禾餐饮管理有限公司", "qinghe"},
	{"成都蓝海酒店管理有限公司", "lanhai"},
	{"武汉中联建材有限公司", "zhonglian"},
	{"南京星河教育科技有限公司", "xinghe"},
	{"广州顺达物流有限公司", "shunda"},
};
static const struct org eorgs[] = {
	{"Acme Logistics Ltd.", "acme"},
	{"Smith, Jones & Co.", "smithjones"},
	{"Northwind Traders", "northwind"},
	{"Blue Harbor Hotels, Inc.", "blueharbor"},
	{"Contoso Retail", "contoso"},
	{"\"Bright Future\" Education Ltd.", "brightfuture"},
};
static const char *const maildom[] = {
	"example.com", "example.net", "example.org",
	"example.cn",  "mail.example.com", "inbox.example.net",
};

struct city {
	const char *zh, *en, *region;
	int cc; /* country calling code */
};
static const struct city cities[] = {
	{"上海", "Shanghai", "华东", 86},
	{"北京", "Beijing", "华北", 86},
	{"深圳", "Shenzhen", "华南", 86},
	{"广州", "Guangzhou", "华南", 86},
	{"杭州", "Hangzhou", "华东", 86},
	{"成都", "Chengdu", "西南", 86},
	{"武汉", "Wuhan", "华中", 86},
	{"南京", "Nanjing", "华东", 86},
	{"西安", "Xi'an", "西北", 86},
	{"重庆", "Chongqing", "西南", 86},
	{"沈阳", "Shenyang", "东北", 86},
	{"苏州", "Suzhou", "华东", 86},
	{"天津", "Tianjin", "华北", 86},
	{"长沙", "Changsha", "华中", 86},
	{"旧金山", "San Francisco", "海外", 1},
	{"纽约", "New York", "海外", 1},
	{"伦敦", "London", "海外", 44},
	{"曼彻斯特", "Manchester", "海外", 44},
	{"新加坡", "Singapore", "海外", 65},
};
#define NCITY_CN 14
static const char *const us_area[] = {"415", "212", "646", "206", "312",
				      "617"};

static const char *const zmonth[] = {"1", "2", "3", "4", "5", "6",
				     "7", "8", "9", "10", "11", "12"};
static const char *const emonth[] = {
	"January", "February", "March",	    "April",   "May",	   "June",
	"July",	   "August",   "September", "October", "November", "December",
};

static const char *const zc_good[] = {
	"处理很及时，满意", "客服态度很好👍", "问题解决了，谢谢", "师傅很专业",
	"速度快，点赞", "非常满意！",
};
static const char *const zc_mid[] = {
	"还行吧", "解决了，就是等得有点久", "一般", "回复有点慢",
};
static const char *const zc_bad[] = {
	"等太久了", "问题没有解决", "态度敷衍😡", "一直在踢皮球", "再也不买了",
};
static const char *const ec_good[] = {
	"Quick and helpful",
	"Great service, thanks!",
	"Solved on the first contact 👍",
	"Very professional technician",
};
static const char *const ec_mid[] = {
	"OK", "Fixed, but it took a while", "Average", "Slow replies",
};
static const char *const ec_bad[] = {
	"Took far too long", "Problem not solved", "Nobody listened 😡",
	"Passed around between teams",
};
static const unsigned char csatw[] = {8, 5, 10, 22, 55};	   /* 1..5 */
static const unsigned char npsw[] = {3, 1, 1, 2, 3, 4, 6, 9, 14, 22, 35};

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

/* A record: field i is absent when v[i] is NULL. */
struct rec {
	const char *v[MAXF];
	size_t n[MAXF];
};

/* Column kinds: 's' string, 'r' raw JSON (number, boolean), 't' tags. */
struct schema {
	int nf;
	const char *const *cols;
	const char *types;
};

/* clang-format off */
static const char *const tcols[] = {
	"type",	    "source",	"source_id", "thread_id", "subject",
	"body",	    "created_at", "priority",  "category",  "product",
	"region",   "tags",	"status",    "group",	  "assignee",
	"phone",    "email",	"wechat",    "name",	  "tier",
	"org",	    "ticket_type", "serial_no", "order_no",
};
enum {
	T_TYPE, T_SOURCE, T_SOURCE_ID, T_THREAD, T_SUBJECT, T_BODY, T_CREATED,
	T_PRIO, T_CAT, T_PRODUCT, T_REGION, T_TAGS, T_STATUS, T_GROUP,
	T_ASSIGNEE, T_PHONE, T_EMAIL, T_WECHAT, T_NAME, T_TIER, T_ORG,
	T_TTYPE, T_SERIAL, T_ORDER, T_NF
};
static const char *const mcols[] = {"type",   "source",	  "thread_id",
				    "source_id", "direction", "author",
				    "body",   "at",	  "public",
				    "auto"};
enum { M_TYPE, M_SOURCE, M_THREAD, M_ID, M_DIR, M_AUTHOR, M_BODY, M_AT,
       M_PUBLIC, M_AUTO, M_NF };
static const char *const ecols[] = {"type", "source", "thread_id",
				    "action", "at",	"by",
				    "assignee", "group", "status"};
enum { E_TYPE, E_SOURCE, E_THREAD, E_ACTION, E_AT, E_BY, E_ASSIGNEE,
       E_GROUP, E_STATUS, E_NF };
static const char *const vcols[] = {"type", "source", "thread_id", "kind",
				    "score", "comment", "at"};
enum { V_TYPE, V_SOURCE, V_THREAD, V_KIND, V_SCORE, V_COMMENT, V_AT,
       V_NF };
static const char *const ccols[] = {"type",   "crm_id", "name",
				    "phone",  "email",	"wechat",
				    "tier",   "org",	"city"};
enum { C_TYPE, C_CRM, C_NAME, C_PHONE, C_EMAIL, C_WECHAT, C_TIER, C_ORG,
       C_CITY, C_NF };
static const char *const ocols[] = {"type",	"order_no",
				    "crm_id",	"phone",
				    "product",	"purchased_at",
				    "warranty_until", "amount"};
enum { O_TYPE, O_NO, O_CRM, O_PHONE, O_PRODUCT, O_PURCHASED, O_WARRANTY,
       O_AMOUNT, O_NF };

static const struct schema sch_ticket = {T_NF, tcols,
					  "sssssssssssTssssssssssss"};
static const struct schema sch_message = {M_NF, mcols, "ssssssssrr"};
static const struct schema sch_event = {E_NF, ecols, "sssssssss"};
static const struct schema sch_survey = {V_NF, vcols, "ssssrss"};
static const struct schema sch_customer = {C_NF, ccols, "sssssssss"};
static const struct schema sch_order = {O_NF, ocols, "sssssssr"};

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

/* ------------------------------------------------ the per-record arena */

struct arena {
	size_t len;
	char buf[ARENA_CAP];
};

static void
a_put(struct arena *a, const char *s, size_t n)
{
	if (a->len + n > ARENA_CAP) {
		fprintf(stderr, "%s: internal error: record too big\n", PROG);
		exit(EX_SOFTWARE);
	}
	memcpy(a->buf + a->len, s, n);
	a->len += n;
}

static void
a_str(struct arena *a, const char *s)
{
	a_put(a, s, strlen(s));
}

/* Decimal v, zero-padded to width digits. */
static void
a_num(struct arena *a, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (width-- > n)
		a_put(a, "0", 1);
	while (n)
		a_put(a, &tmp[--n], 1);
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

/* ------------------------------------------------------------- time */

static void
civil(long long z, int *y, int *m, int *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)((long long)yoe + era * 400 + (*m <= 2));
}

enum { TF_LOCAL, TF_UTC, TF_BARE, TF_DATE, TF_YYMMDD, TF_YMDHMS };

/*
 * Local time t (seconds since 2026-01-01 00:00 +08:00) as RFC 3339 with
 * +08:00, as UTC with Z, bare ("2026-03-14 09:30:12", read in the
 * configured zone), a date, or the digits of an order number or Message-ID.
 */
static void
a_time(struct arena *a, long t, int style)
{
	long long s = DAYS_2026 * DAY + t - (style == TF_UTC ? TZ_OFF : 0);
	long long days = (s >= 0 ? s : s - DAY + 1) / DAY;
	long sod = (long)(s - days * DAY);
	int y, m, d;

	civil(days, &y, &m, &d);
	if (style == TF_YYMMDD) {
		a_num(a, (uint64_t)(y % 100), 2);
		a_num(a, (uint64_t)m, 2);
		a_num(a, (uint64_t)d, 2);
		return;
	}
	if (style == TF_YMDHMS) {
		a_num(a, (uint64_t)y, 4);
		a_num(a, (uint64_t)m, 2);
		a_num(a, (uint64_t)d, 2);
		a_num(a, (uint64_t)(sod / HOUR), 2);
		a_num(a, (uint64_t)(sod / MIN % 60), 2);
		a_num(a, (uint64_t)(sod % 60), 2);
		return;
	}
	a_num(a, (uint64_t)y, 4);
	a_put(a, "-", 1);
	a_num(a, (uint64_t)m, 2);
	a_put(a, "-", 1);
	a_num(a, (uint64_t)d, 2);
	if (style == TF_DATE)
		return;
	a_put(a, style == TF_BARE ? " " : "T", 1);
	a_num(a, (uint64_t)(sod / HOUR), 2);
	a_put(a, ":", 1);
	a_num(a, (uint64_t)(sod / MIN % 60), 2);
	a_put(a, ":", 1);
	a_num(a, (uint64_t)(sod % 60), 2);
	if (style == TF_LOCAL)
		a_put(a, "+08:00", 6);
	else if (style == TF_UTC)
		a_put(a, "Z", 1);
}

/* A date for prose: "3月14日" or "March 14". */
static void
a_prosedate(struct arena *a, long t, int lang)
{
	long long days = DAYS_2026 + (t >= 0 ? t : t - DAY + 1) / DAY;
	int y, m, d;

	civil(days, &y, &m, &d);
	if (lang == ZH) {
		if (y != 2026) {
			a_num(a, (uint64_t)y, 4);
			a_str(a, "年");
		}
		a_str(a, zmonth[m - 1]);
		a_str(a, "月");
		a_num(a, (uint64_t)d, 0);
		a_str(a, "日");
	} else {
		a_str(a, emonth[m - 1]);
		a_put(a, " ", 1);
		a_num(a, (uint64_t)d, 0);
		if (y != 2026) {
			a_put(a, ", ", 2);
			a_num(a, (uint64_t)y, 4);
		}
	}
}

/* Amount in cents as "1299.00", or "1,299.00" with grouping. */
static void
a_amount(struct arena *a, uint64_t cents, int group)
{
	uint64_t y = cents / 100;

	if (group && y >= 1000) {
		a_num(a, y / 1000, 0);
		a_put(a, ",", 1);
		a_num(a, y % 1000, 3);
	} else {
		a_num(a, y, 0);
	}
	a_put(a, ".", 1);
	a_num(a, cents % 100, 2);
}

/* How to write time t of an event: mostly +08:00, a few in UTC. */
static int
evstyle(struct rng *r, long t)
{
	return pct(r, 92) || t < TZ_OFF ? TF_LOCAL : TF_UTC;
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
	uint32_t tagoff[2];
	uint64_t phoneoff; /* seed-dependent offset of phone numbers */
};

struct cust {
	uint32_t id;
	int lang, split, city, tier, org, in_crm, norders;
	const char *name2; /* borrowed: ascii given/first name */
	const char *sur2;  /* borrowed: ascii surname */
	int cc;            /* 86, 1, 44, 65 */
	char name[48];
	char nat[16];    /* national number, digits only */
	char email[80];  /* lowercase; empty: none */
	char wechat[40]; /* empty: none */
};

struct order {
	int prod;
	long bought; /* local seconds, may be before 2026 */
	int wyears;
	uint64_t cents;
	uint64_t num; /* c * 4 + k */
};

struct ticket {
	uint64_t i;
	int lang, src, scen, prod, prio, status, group, agent, anon;
	int has_order; /* od is set: from the ERP or a new web order */
	int erp;       /* od is an order of the ERP export */
	long at;       /* created, local seconds */
	uint64_t cents;
	struct cust cu;
	struct order od;
	const char *order_no, *serial; /* borrowed: in the arena */
	size_t order_len, serial_len;
	struct rec r;
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

/*
 * Customer c of the pool, the same wherever it is needed.  Phones, emails
 * and WeChat ids are unique: their digits are bijections of c.
 */
static void
cust_make(const struct gen *g, uint32_t c, struct cust *cu)
{
	static const unsigned char nordw[] = {45, 35, 15, 5};
	struct rng r;
	char *p;
	uint32_t tag = tag_of(g, c, 0), tag2 = tag_of(g, c, 1);
	uint64_t x;
	int k, han_given = 0, has_email, has_wx;

	rng_init(&r, g->seed, c, 2);
	memset(cu, 0, sizeof(*cu));
	cu->id = c;
	cu->split = is_split(g, c);
	cu->lang = pct(&r, 30) ? EN : ZH;
	if (cu->lang == ZH) {
		const struct zname *s = &PICK(&r, zsur);
		const struct zname *gv = &PICK(&r, zgiven);

		p = pcpy(cu->name, s->han);
		pcpy(p, gv->han);
		cu->sur2 = s->py;
		cu->name2 = gv->py;
		han_given = 1;
		cu->city = pct(&r, 98) ? (int)below(&r, NCITY_CN)
		                       : (int)NELEM(cities) - 1;
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

	/* Phone numbers are unique: the tail is a bijection of c. */
	x = (uint64_t)c * 387420489 + g->phoneoff; /* 3^18: coprime to 10 */
	switch (cu->cc) {
	case 86:
		p = pcpy(cu->nat, "1");
		*p++ = (char)('3' + below(&r, 7));
		pnum(p, x % 1000000000, 9);
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

	has_email = cu->split || pct(&r, cu->lang == ZH ? 80 : 95);
	cu->org = pct(&r, 18) ? (int)below(&r, cu->lang == ZH ? NELEM(zorgs)
	                                                      : NELEM(eorgs))
	                      : -1;
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
	                               : cu->lang == ZH ? 65
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
	cu->tier = pickw(&r, tierw, NELEM(tierw));
	cu->in_crm = !cu->split && pct(&r, 70);
	cu->norders = cu->split ? 0 : pickw(&r, nordw, NELEM(nordw));
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
	od->prod = (int)below(&r, NELEM(products));
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

/* The customer's phone, in one of the ways people write it. */
static void
a_phone(struct arena *a, struct rng *r, const struct cust *cu)
{
	static const unsigned char cnw[] = {40, 15, 12, 13, 8, 12};
	const char *n = cu->nat;

	switch (cu->cc) {
	case 86:
		switch (pickw(r, cnw, NELEM(cnw))) {
		case 0:
			a_str(a, n);
			break;
		case 1:
			a_put(a, n, 3);
			a_put(a, " ", 1);
			a_put(a, n + 3, 4);
			a_put(a, " ", 1);
			a_str(a, n + 7);
			break;
		case 2:
			a_put(a, n, 3);
			a_put(a, "-", 1);
			a_put(a, n + 3, 4);
			a_put(a, "-", 1);
			a_str(a, n + 7);
			break;
		case 3:
			a_str(a, "+86 ");
			a_put(a, n, 3);
			a_put(a, " ", 1);
			a_put(a, n + 3, 4);
			a_put(a, " ", 1);
			a_str(a, n + 7);
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

static const char *
prodname(const struct ticket *t)
{
	const struct product *p = &products[t->prod];

	return t->lang == ZH ? p->zh : p->en;
}

/* A day shortly before the ticket, after the order if there is one. */
static long
recent(struct rng *r, const struct ticket *t)
{
	long d = t->at - between(r, 1, 10) * DAY;

	if (t->has_order && d < t->od.bought)
		d = t->od.bought + (t->at - t->od.bought) / 2;
	return d;
}

/* Append template s with its {X} placeholders filled in from ticket t. */
static void
expand(struct arena *a, struct rng *r, const struct ticket *t, const char *s)
{
	const char *p;
	int k;

	while ((p = strchr(s, '{')) != NULL && p[1] && p[2] == '}') {
		a_put(a, s, (size_t)(p - s));
		switch (p[1]) {
		case 'P':
			a_str(a, prodname(t));
			break;
		case 'O':
			if (t->order_no)
				a_put(a, t->order_no, t->order_len);
			else
				a_str(a, t->lang == ZH ? "（订单号找不到了）"
				                       : "(lost the number)");
			break;
		case 'A':
			a_amount(a, t->cents, t->lang == EN);
			break;
		case 'D':
			a_prosedate(a, recent(r, t), t->lang);
			break;
		case 'B':
			a_prosedate(a,
			            t->has_order ? t->od.bought : recent(r, t),
			            t->lang);
			break;
		case 'E':
			a_str(a, PICK(r, errcodes));
			break;
		case 'K':
			a_str(a, pct(r, 60) ? "SF" : "YT");
			a_num(a, next(r) % 1000000000000ULL, 12);
			break;
		case 'X':
			a_num(a, between(r, 3, 9), 0);
			break;
		case 'C':
			k = t->anon ? (int)below(r, NCITY_CN) : t->cu.city;
			a_str(a, t->lang == ZH ? cities[k].zh : cities[k].en);
			break;
		case 'H':
			if (!t->anon)
				a_phone(a, r, &t->cu);
			break;
		case 'G':
			if (t->cu.org >= 0)
				a_str(a, t->cu.lang == ZH
				             ? zorgs[t->cu.org].name
				             : eorgs[t->cu.org].name);
			else
				a_str(a, t->lang == ZH ? PICK(r, zorgs).name
				                       : PICK(r, eorgs).name);
			break;
		case 'S':
			if (t->serial)
				a_put(a, t->serial, t->serial_len);
			break;
		case 'U':
			a_str(a, t->anon ? "user" : t->cu.name2);
			break;
		case 'T':
			a_time(a, t->at - between(r, 0, 6 * HOUR), TF_BARE);
			break;
		case 'N':
			a_str(a, t->anon ? "" : t->cu.name);
			break;
		default:
			a_put(a, p, 3);
			break;
		}
		s = p + 3;
	}
	a_str(a, s);
}

static void
expand_list(struct arena *a, struct rng *r, const struct ticket *t,
            const struct list *l)
{
	expand(a, r, t, l->v[below(r, l->n)]);
}

/*
 * Append n sentences of l, a window from a random start, in the order of
 * the table (so that an opening sentence comes first), separated by sep.
 */
static void
sentences(struct arena *a, struct rng *r, const struct ticket *t,
          const struct list *l, uint32_t n, const char *sep)
{
	uint32_t start = below(r, l->n), j, first = 1;

	if (n > l->n)
		n = l->n;
	for (j = 0; j < l->n; j++) {
		if ((j + l->n - start) % l->n >= n)
			continue;
		if (!first)
			a_str(a, sep);
		first = 0;
		expand(a, r, t, l->v[j]);
	}
}

/* A pasted log, for some technical tickets. */
static void
a_log(struct arena *a, struct rng *r, const struct ticket *t)
{
	static const char *const lines[] = {
	    (" ERROR [net] connect to iot.example.com:8883 failed: "
	     "timeout (errno=110)"),
	    " WARN  [wifi] rssi=-82dBm, retrying",
	    " INFO  [ota] current=v2.3.1 latest=v2.4.0",
	    " ERROR [auth] token refresh failed: 401 {\"code\":\"EXPIRED\"}",
	    " DEBUG [ui] path=C:\\Program Files\\Csm\\app.exe",
	    " INFO  [sync] 0 records pushed",
	};
	long tt = t->at - between(r, HOUR, 12 * HOUR);
	uint32_t n = 8 + below(r, 24), k;

	a_str(a, t->lang == ZH ? "\n\n日志如下：\n" : "\n\nLog:\n");
	for (k = 0; k < n; k++) {
		tt += between(r, 1, 90);
		a_time(a, tt, TF_BARE);
		a_str(a, PICK(r, lines));
		a_put(a, "\n", 1);
	}
}

static int
chatty(int src)
{
	return src == S_CHAT || src == S_WECHAT || src == S_WECOM ||
	       src == S_MINI || src == S_DINGTALK || src == S_WEIBO;
}

/*
 * The body: a greeting, the order, 2-5 sentences about the problem, what
 * the customer already tried, filler of varied length (so that a JSONL
 * line is about 1.1 KB on average), feelings, a phone number, thanks, and
 * for email a signature and a quoted earlier mail.  IoT alarms are terse.
 */
static void
make_body(struct rng *r, const struct ticket *t, struct arena *a)
{
	static const unsigned char fillw[] = {5, 6, 7, 8, 9, 9, 9, 9, 8,
	                                      7, 6, 5, 4, 3, 2, 2, 1};
	const struct scen *s = &scens[t->scen];
	const struct product *pr = &products[t->prod];
	int zh = t->lang == ZH, mail = t->src == S_EMAIL;
	const char *sep = zh ? "" : " ";
	const struct list fill =
	    zh ? (struct list)L(z_fill) : (struct list)L(e_fill);
	static const struct list zhist = L(z_hist), ehist = L(e_hist);
	uint32_t n;

	if (t->src == S_IOT) {
		expand(a, r, t,
		       zh ? "设备告警\n设备：{P}\n序列号：{S}\n告警代码：{E}\n"
		            "告警时间：{T}\n描述："
		          : "Device alert\nDevice: {P}\nSerial: {S}\n"
		            "Code: {E}\nTime: {T}\nDetails: ");
		a_str(a, zh ? pr->zsym[below(r, 3)] : pr->esym[below(r, 3)]);
		a_str(a, zh ? "\n固件版本：v2.3." : "\nFirmware: v2.3.");
		a_num(a, below(r, 9), 0);
		a_str(a, zh ? "\n信号强度：-" : "\nRSSI: -");
		a_num(a, 50 + below(r, 45), 0);
		a_str(a, "dBm");
		return;
	}
	if (chatty(t->src) && pct(r, 45))
		sep = "\n";
	if (mail && pct(r, 80)) {
		a_str(a, zh ? PICK(r, z_mail_greet) : PICK(r, e_mail_greet));
	} else if (pct(r, 55)) {
		a_str(a, zh ? PICK(r, z_greet) : PICK(r, e_greet));
		a_str(a, sep);
	}
	if (t->order_no && pct(r, 60)) {
		expand(a, r, t, zh ? PICK(r, z_intro) : PICK(r, e_intro));
		a_str(a, sep);
	}
	sentences(a, r, t, zh ? &s->zp : &s->ep, 2 + below(r, 3) + mail, sep);
	if (t->scen == SC_DEVICE || s->repair) {
		a_str(a, sep);
		a_str(a, zh ? pr->zsym[below(r, 3)] : pr->esym[below(r, 3)]);
	}
	if (pct(r, 40)) {
		a_str(a, mail ? "\n\n" : sep);
		sentences(a, r, t, zh ? &zhist : &ehist, 1 + below(r, 3), sep);
	}
	n = (uint32_t)pickw(r, fillw, NELEM(fillw)) + (mail ? 3 : 1);
	a_str(a, mail ? "\n\n" : sep);
	sentences(a, r, t, &fill, n, sep);
	if ((s->kind == K_TECH || s->kind == K_ACCOUNT) && pct(r, 4))
		a_log(a, r, t);
	if (pct(r, 30)) {
		a_str(a, sep);
		a_str(a, zh ? PICK(r, z_emo) : PICK(r, e_emo));
	}
	if (!t->anon && t->src != S_PHONE && pct(r, 20)) {
		a_str(a, sep);
		expand(a, r, t, zh ? PICK(r, z_contact) : PICK(r, e_contact));
	}
	if (pct(r, 55)) {
		a_str(a, mail ? "\n\n" : sep);
		a_str(a, zh ? PICK(r, z_close) : PICK(r, e_close));
	}
	if (mail && pct(r, 75)) {
		a_str(a, "\n\n--\n");
		a_str(a, t->cu.name);
		if (t->cu.org >= 0) {
			a_put(a, "\n", 1);
			a_str(a, t->cu.lang == ZH ? zorgs[t->cu.org].name
			                          : eorgs[t->cu.org].name);
		}
		if (pct(r, 40)) {
			a_str(a, zh ? "\n手机：" : "\nMobile: ");
			a_phone(a, r, &t->cu);
		}
	}
	if (mail && pct(r, 25)) {
		if (zh)
			expand(a, r, t,
			       "\n\n-----原始邮件-----\n发件人：客服中心 "
			       "<support@service.example.com>\n发送时间：{T}\n"
			       "主题：Re: 您的咨询已收到\n\n"
			       "您好，您的问题已记录，我们会尽快处理。\n"
			       "如需补充信息，请直接回复本邮件。");
		else
			expand(a, r, t,
			       "\n\nOn {D}, Support <support@service.example"
			       ".com> wrote:\n> Thanks for reaching out, {N}. "
			       "We have logged your request.\n> Reply to this "
			       "email to add details.");
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

/* The group a ticket of this kind goes to. */
static int
route(struct rng *r, const struct ticket *t)
{
	const struct scen *s = &scens[t->scen];

	if (t->lang == EN && pct(r, 60))
		return G_EN;
	if (!t->anon && t->cu.tier >= 1 && pct(r, 40))
		return G_VIP;
	switch (s->kind) {
	case K_FIN:
		return pct(r, 50) ? G_FIN : G_L1;
	case K_TECH:
	case K_ACCOUNT:
		return pct(r, 60) ? G_TECH : G_L1;
	case K_REPAIR:
		return pct(r, 70) ? G_AFTER : G_L1;
	case K_COMPLAIN:
		return pct(r, 70) ? G_SENIOR : G_L1;
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
	if (src == S_EMAIL)
		return !cu->email[0];
	if (src == S_WECHAT || src == S_WECOM)
		return !cu->wechat[0];
	return 0;
}

/*
 * The channel: a realistic mix, with another customer (up to four tries)
 * when this one has no email or WeChat id for it.
 */
static int
pick_source(const struct gen *g, struct rng *r, struct ticket *t, int phase)
{
	static const int alt[] = {S_EMAIL, S_CHAT, S_WEB, S_APP};
	int src, k;

	if (phase >= 0)
		return phase == 0 ? S_EMAIL : phase == 1 ? S_PHONE : S_WEB;
	if (t->anon)
		return pct(r, 60) ? S_WEB : S_CHAT;
	src = pickw(r, srcw, S_N);
	for (k = 0; k < 4 && lacks(src, &t->cu); k++)
		cust_make(g, ordinary(g, r), &t->cu);
	if (t->cu.lang == EN && pct(r, 75) &&
	    (src == S_WECHAT || src == S_WECOM || src == S_DINGTALK ||
	     src == S_WEIBO || src == S_MINI))
		src = PICK(r, alt);
	if (src == S_EMAIL && !t->cu.email[0])
		src = S_PHONE;
	if ((src == S_WECHAT || src == S_WECOM) && !t->cu.wechat[0])
		src = S_MINI;
	return src;
}

/* When the ticket arrives: spread over the year, in the daytime mostly. */
static long
pick_time(const struct gen *g, struct rng *r, uint64_t i)
{
	long t = g->n ? (long)(i * (uint64_t)SPAN / g->n) : 0, h;

	t += between(r, -3 * HOUR, 3 * HOUR);
	h = (t % DAY + DAY) % DAY / HOUR;
	if (h < 7 && pct(r, 70))
		t += (8 - h + (long)below(r, 4)) * HOUR;
	if (t < 0)
		t = between(r, 0, 6 * HOUR) + 9 * HOUR;
	if (t >= SPAN)
		t = SPAN - 1 - between(r, 0, 3 * HOUR);
	return t;
}

/*
 * Look for an ERP order of the customer placed at least a day before the
 * ticket and at most maxage days (-1: any age, 0: none).
 */
static void
pick_order(const struct gen *g, struct rng *r, struct ticket *t, int maxage)
{
	uint32_t k0, k, n = (uint32_t)t->cu.norders;

	t->erp = 0;
	if (t->anon || n == 0 || maxage == 0)
		return;
	k0 = below(r, n);
	for (k = 0; k < n; k++) {
		order_make(g, t->cu.id, (int)((k0 + k) % n), &t->od);
		if (t->od.bought < t->at - DAY &&
		    (maxage < 0 || t->od.bought >= t->at - maxage * DAY)) {
			t->erp = 1;
			return;
		}
	}
}

/* Set the identity fields a ticket from this channel would carry. */
static void
identity(struct rng *r, struct ticket *t, struct arena *a, int phase)
{
	const struct cust *cu = &t->cu;
	struct rec *rc = &t->r;
	int ph = 0, em = 0, wx = 0, has_e = cu->email[0] != 0;
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
		case S_DINGTALK:
		case S_IOT:
			ph = 1;
			break;
		case S_WECHAT:
		case S_WECOM:
			wx = 1;
			ph = pct(r, 25);
			break;
		case S_MINI:
			if (cu->wechat[0] && pct(r, 60))
				wx = 1;
			else
				ph = 1;
			ph |= pct(r, 15);
			break;
		case S_WEIBO:
			if (has_e && pct(r, 40))
				em = 1;
			else
				ph = 1;
			break;
		default: /* chat, app, web, api */
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
	if (pct(r, t->src == S_PHONE ? 70 : 92))
		setc(rc, T_NAME, cu->name);
	if (pct(r, (t->src == S_APP || t->src == S_MINI || t->src == S_WEB)
	               ? 80
	               : 20))
		setc(rc, T_TIER, tiername[cu->tier]);
	if (cu->org >= 0 &&
	    pct(r, (t->src == S_EMAIL || t->src == S_WEB || t->src == S_API)
	               ? 60
	               : 15))
		setc(rc, T_ORG,
		     cu->lang == ZH ? zorgs[cu->org].name
		                    : eorgs[cu->org].name);
}

/* Ticket i, into t; its strings live in a until the next ticket. */
static void
gen_ticket(const struct gen *g, uint64_t i, struct ticket *t, struct arena *a)
{
	static const unsigned char prw[] = {15, 65, 15, 5};
	static const unsigned char stw[] = {0, 40, 15, 25, 20};
	static const unsigned char tagw[] = {45, 30, 17, 8};
	static unsigned char scw[NELEM(scens)];
	struct rng rr, *r = &rr;
	struct rec *rc = &t->r;
	const struct scen *s;
	int phase, k, ntag, first;
	size_t mk;

	if (!scw[0])
		for (k = 0; k < (int)NELEM(scens); k++)
			scw[k] = (unsigned char)scens[k].weight;
	rng_init(r, g->seed, i, 0);
	memset(rc, 0, sizeof(*rc));
	a->len = 0;
	t->i = i;
	t->anon = 0;
	t->order_no = t->serial = NULL;
	t->order_len = t->serial_len = 0;
	pick_customer(g, r, t, &phase);
	t->lang = t->cu.lang;
	t->src = pick_source(g, r, t, phase);
	t->scen =
	    t->src == S_IOT ? SC_DEVICE : pickw(r, scw, (int)NELEM(scens));
	s = &scens[t->scen];
	t->at = pick_time(g, r, i);
	pick_order(g, r, t, s->order ? s->maxage : -1);
	if (!t->erp && s->order) {
		/* A new order from the web shop, not yet in the ERP export. */
		t->od.prod = (int)below(r, NELEM(products));
		t->od.bought =
		    t->at -
		    between(r, 10 * MIN, (s->maxage > 0 ? s->maxage : 2) * DAY);
		t->od.cents = (uint64_t)products[t->od.prod].price * 100;
		t->od.wyears = products[t->od.prod].wyears;
		t->od.num = 0;
	}
	t->has_order = t->erp || s->order;
	t->prod = t->has_order && (s->order || pct(r, 60))
	              ? t->od.prod
	              : (int)below(r, NELEM(products));
	t->cents = t->has_order ? t->od.cents
	                        : (uint64_t)products[t->prod].price * 100;

	setc(rc, T_TYPE, "ticket");
	setc(rc, T_SOURCE, srcname[t->src]);

	/* Custom fields first: the body may quote them. */
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

	mk = a->len;
	if (t->src == S_IOT)
		expand(a, r, t,
		       t->lang == ZH ? "设备告警：{P} {E}"
		                     : "Device alert: {P} {E}");
	else
		expand_list(a, r, t, t->lang == ZH ? &s->zs : &s->es);
	a_set(a, rc, T_SUBJECT, mk);
	mk = a->len;
	make_body(r, t, a);
	if (t->src == S_EMAIL && pct(r, 20))
		crlf(a, mk);
	a_set(a, rc, T_BODY, mk);

	mk = a->len;
	k = (int)below(r, 100);
	if (k >= 82 && k < 92 && t->at < TZ_OFF)
		k = 0; /* not 2025-12-31T..Z */
	a_time(a, t->at, k < 82 ? TF_LOCAL : k < 92 ? TF_UTC : TF_BARE);
	a_set(a, rc, T_CREATED, mk);

	k = pickw(r, prw, NELEM(prw));
	if (s->kind == K_COMPLAIN && k < 2 && pct(r, 50))
		k = 2;
	if (t->src == S_IOT && k < 3 && pct(r, 30))
		k++;
	if (!t->anon && t->cu.tier >= 1 && k < 3 && pct(r, 30))
		k++;
	t->prio = k;
	setc(rc, T_PRIO, prioname[k]);
	if (t->src == S_IOT || pct(r, 65))
		setc(rc, T_CAT, s->cat);
	if (t->has_order || t->src == S_IOT || pct(r, 75))
		setc(rc, T_PRODUCT, products[t->prod].code);
	if (pct(r, t->anon ? 40 : 85))
		setc(rc, T_REGION, cities[t->cu.city].region);

	ntag = pickw(r, tagw, NELEM(tagw));
	mk = a->len;
	first = 1;
	k = (int)below(r, 3);
	while (ntag-- > 0) {
		if (!first)
			a_put(a, ";", 1);
		first = 0;
		a_str(a, s->tag[k++ % 3]);
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

	/* Most arrive new; older ones sometimes come with a history. */
	t->status =
	    pct(r, i < g->n / 4 ? 30 : 8) ? pickw(r, stw, NELEM(stw)) : ST_NEW;
	setc(rc, T_STATUS, stname[t->status]);
	t->group = t->agent = -1;
	if (t->status != ST_NEW || pct(r, 15)) {
		t->group = route(r, t);
		setc(rc, T_GROUP, groups[t->group]);
	}
	if (t->status != ST_NEW) {
		t->agent = (int)below(r, agents[t->group].n);
		setc(rc, T_ASSIGNEE, agents[t->group].v[t->agent]);
	}
	identity(r, t, a, phase);
}

/* ---------------------------------------- messages, events and surveys */

struct follow {
	const struct sink *ms, *es, *vs;
	struct arena *a;
	struct rng r;
	const struct ticket *t;
	long tc; /* the time of the last thing that happened */
};

/* Move the clock on by lo..hi seconds; 0 if that is past the data set. */
static int
tick(struct follow *f, long lo, long hi)
{
	f->tc += between(&f->r, lo, hi);
	return f->tc < SPAN;
}

static void
common(struct follow *f, struct rec *rc, const char *type)
{
	memset(rc, 0, sizeof(*rc));
	setc(rc, 0, type);
	rc->v[1] = f->t->r.v[T_SOURCE];
	rc->n[1] = f->t->r.n[T_SOURCE];
	rc->v[2] = f->t->r.v[T_THREAD];
	rc->n[2] = f->t->r.n[T_THREAD];
}

enum { MK_AUTO, MK_REPLY, MK_FOLLOW, MK_NOTE };

static void
message(struct follow *f, int kind, int k, const char *agent)
{
	const struct ticket *t = f->t;
	struct rng *r = &f->r;
	struct arena *a = f->a;
	size_t mark = a->len, mk;
	struct rec rc;
	int zh = t->lang == ZH;
	const struct list *sl;
	static const struct list zr[] = {L(zr_fin),  L(zr_ship), L(zr_tech),
	                                 L(zr_tech), L(zr_tech), L(zr_gen),
	                                 L(zr_gen)};
	static const struct list er[] = {L(er_fin),  L(er_ship), L(er_tech),
	                                 L(er_tech), L(er_tech), L(er_gen),
	                                 L(er_gen)};
	static const struct list zgen = L(zr_gen), egen = L(er_gen);

	common(f, &rc, "message");
	mk = a->len;
	a_str(a, "m-");
	a_num(a, t->i + 1, 8);
	a_put(a, "-", 1);
	a_num(a, (uint64_t)k + 1, 0);
	a_set(a, &rc, M_ID, mk);
	setc(&rc, M_DIR, kind == MK_FOLLOW ? "in" : "out");
	if (kind == MK_AUTO)
		setc(&rc, M_AUTHOR, "bot");
	else if (kind == MK_FOLLOW)
		setc(&rc, M_AUTHOR,
		     t->anon ? (zh ? "访客" : "visitor") : t->cu.name);
	else
		setc(&rc, M_AUTHOR, agent);
	mk = a->len;
	switch (kind) {
	case MK_AUTO:
		a_str(a, zh ? PICK(r, z_auto) : PICK(r, e_auto));
		break;
	case MK_FOLLOW:
		a_str(a, zh ? PICK(r, z_follow) : PICK(r, e_follow));
		break;
	case MK_NOTE:
		expand(a, r, t, zh ? PICK(r, zn_note) : PICK(r, en_note));
		break;
	default:
		if (!t->anon)
			expand(a, r, t, zh ? "您好，{N}！" : "Hi {N},\n\n");
		sl = zh ? &zr[scens[t->scen].kind] : &er[scens[t->scen].kind];
		expand_list(a, r, t, sl);
		a_str(a, zh ? "" : " ");
		sentences(a, r, t, zh ? &zgen : &egen, 1 + below(r, 2),
		          zh ? "" : " ");
		a_str(a, zh ? "\n——客服 " : "\n\n-- ");
		a_str(a, agent);
		break;
	}
	a_set(a, &rc, M_BODY, mk);
	mk = a->len;
	a_time(a, f->tc, evstyle(r, f->tc));
	a_set(a, &rc, M_AT, mk);
	setc(&rc, M_PUBLIC, kind == MK_NOTE ? "false" : "true");
	setc(&rc, M_AUTO, kind == MK_AUTO ? "true" : "false");
	emit(f->ms, &sch_message, &rc);
	a->len = mark;
}

/* One event: action with field f (E_ASSIGNEE, E_GROUP, E_STATUS) = v. */
static void
event(struct follow *f, const char *action, const char *by, int fld,
      const char *v)
{
	struct arena *a = f->a;
	size_t mark = a->len;
	struct rec rc;

	common(f, &rc, "event");
	setc(&rc, E_ACTION, action);
	a_time(a, f->tc, evstyle(&f->r, f->tc));
	a_set(a, &rc, E_AT, mark);
	setc(&rc, E_BY, by);
	setc(&rc, fld, v);
	emit(f->es, &sch_event, &rc);
	a->len = mark;
}

static void
survey(struct follow *f, long resolved)
{
	const struct ticket *t = f->t;
	struct rng *r = &f->r;
	struct arena *a = f->a;
	size_t mark = a->len, mk;
	struct rec rc;
	int nps = pct(r, 25), score, good, bad, zh = t->lang == ZH;
	long at = resolved + between(r, 10 * MIN, 2 * DAY);

	if (at >= SPAN)
		return;
	common(f, &rc, "survey");
	setc(&rc, V_KIND, nps ? "nps" : "csat");
	score = nps ? pickw(r, npsw, NELEM(npsw))
	            : 1 + pickw(r, csatw, NELEM(csatw));
	mk = a->len;
	a_num(a, (uint64_t)score, 0);
	a_set(a, &rc, V_SCORE, mk);
	good = nps ? score >= 9 : score >= 4;
	bad = nps ? score <= 6 : score <= 2;
	if (pct(r, 55))
		setc(&rc, V_COMMENT,
		     good  ? (zh ? PICK(r, zc_good) : PICK(r, ec_good))
		     : bad ? (zh ? PICK(r, zc_bad) : PICK(r, ec_bad))
		           : (zh ? PICK(r, zc_mid) : PICK(r, ec_mid)));
	mk = a->len;
	a_time(a, at, evstyle(r, at));
	a_set(a, &rc, V_AT, mk);
	emit(f->vs, &sch_survey, &rc);
	a->len = mark;
}

/*
 * What happens to ticket t after it arrives: 1-4 messages for half the
 * tickets, then status changes that the default workflow allows
 * (new -> open -> pending <-> open -> resolved -> closed), assignments and
 * transfers, then a survey for about 30% of resolved tickets.  The same
 * random draws are made whichever sinks are set.
 */
static void
gen_follow(const struct gen *g, const struct ticket *t, struct arena *a,
           const struct sink *ms, const struct sink *es, const struct sink *vs)
{
	static const unsigned char nmw[] = {35, 30, 20, 15};
	static const unsigned char lifew[] = {80, 70, 70, 50, 0};
	struct follow f;
	struct rng *r = &f.r;
	int grp, ag, st = t->status, k, nm, kind, prev = -1, ng;
	long resolved = st >= ST_RESOLVED ? t->at : -1;
	const char *who;

	f.ms = ms;
	f.es = es;
	f.vs = vs;
	f.a = a;
	f.t = t;
	f.tc = t->at;
	rng_init(r, g->seed, t->i, 1);
	grp = t->group >= 0 ? t->group : route(r, t);
	ag = t->agent >= 0 ? t->agent : (int)below(r, agents[grp].n);
	who = agents[grp].v[ag];

	if (pct(r, 50)) {
		nm = 1 + pickw(r, nmw, NELEM(nmw));
		for (k = 0; k < nm; k++) {
			if (k == 0)
				kind = pct(r, 30) ? MK_AUTO : MK_REPLY;
			else if (prev == MK_AUTO)
				kind = MK_REPLY;
			else
				kind = (int)below(r, 10) < 4  ? MK_FOLLOW
				       : (int)below(r, 6) < 2 ? MK_NOTE
				                              : MK_REPLY;
			/* A customer writing again on a ticket that arrived
			 * resolved would reopen it: keep exports consistent. */
			if (kind == MK_FOLLOW && st >= ST_RESOLVED)
				kind = MK_REPLY;
			if (!tick(&f,
			          kind == MK_AUTO   ? 5
			          : kind == MK_NOTE ? MIN
			                            : 2 * MIN,
			          kind == MK_AUTO ? 120
			          : kind == MK_REPLY
			              ? (pct(r, 60) ? HOUR : 8 * HOUR)
			          : kind == MK_NOTE ? 2 * HOUR
			                            : DAY))
				break;
			message(&f, kind, k, who);
			prev = kind;
		}
	}

	if (st == ST_CLOSED || !pct(r, lifew[st]))
		goto done;
	if (st == ST_RESOLVED) {
		if (tick(&f, HOUR, 7 * DAY))
			event(&f, "status", pct(r, 60) ? "system" : who,
			      E_STATUS, "closed");
		goto done;
	}
	if (st == ST_NEW) {
		if (!tick(&f, MIN, 2 * HOUR))
			goto done;
		event(&f, "status", who, E_STATUS, "open");
		if (!tick(&f, 0, 10 * MIN))
			goto done;
		event(&f, "assign", PICK(r, leads), E_ASSIGNEE, who);
	} else if (st == ST_PENDING) {
		if (!tick(&f, HOUR, 2 * DAY))
			goto done;
		event(&f, "status", who, E_STATUS, "open");
	}
	if (pct(r, 12)) {
		ng = (grp + 1 + (int)below(r, G_N - 1)) % G_N;
		if (!tick(&f, 10 * MIN, DAY))
			goto done;
		event(&f, "transfer", who, E_GROUP, groups[ng]);
		grp = ng;
		who = agents[grp].v[below(r, agents[grp].n)];
		if (!tick(&f, 0, HOUR))
			goto done;
		event(&f, "assign", PICK(r, leads), E_ASSIGNEE, who);
	}
	if (pct(r, 30)) {
		if (!tick(&f, HOUR, 2 * DAY))
			goto done;
		event(&f, "status", who, E_STATUS, "pending");
		if (!pct(r, 80) || !tick(&f, HOUR, 3 * DAY))
			goto done;
		event(&f, "status", who, E_STATUS, "open");
	}
	if (!pct(r, 85) || !tick(&f, HOUR, 5 * DAY))
		goto done;
	event(&f, "status", who, E_STATUS, "resolved");
	resolved = f.tc;
	if (pct(r, 55) && tick(&f, DAY, 7 * DAY))
		event(&f, "status", pct(r, 60) ? "system" : who, E_STATUS,
		      "closed");
done:
	if (resolved >= 0 && pct(r, 30))
		survey(&f, resolved);
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
		a_phone(a, &r, &cu);
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
		setc(&rc, C_TIER, tiername[cu.tier]);
		if (cu.org >= 0)
			setc(&rc, C_ORG,
			     cu.lang == ZH ? zorgs[cu.org].name
			                   : eorgs[cu.org].name);
		setc(&rc, C_CITY,
		     cu.lang == ZH ? cities[cu.city].zh : cities[cu.city].en);
		emit(k, &sch_customer, &rc);
	}
}

/* The date years after local time t, as "2028-03-14" (Feb 29: 28). */
static void
a_warranty(struct arena *a, long t, int years)
{
	long long days = DAYS_2026 + (t >= 0 ? t : t - DAY + 1) / DAY;
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
			a_phone(a, &r, &cu);
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
		gen_follow(g, &tk, &arena, &k[2], &k[3], &k[4]);
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
				gen_follow(g, &tk, &arena,
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
