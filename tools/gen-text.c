/*
 * gen-text.c - what csm-gen's customers and agents write.
 *
 * Text comes from templates: "[a|b|c]" is one of a, b or c (nested as
 * deep as wanted, "[a|]" is a or nothing), and "{X}" a slot filled from
 * the ticket: {P} its product, {Y} a symptom of it, {Q} a part of it, {E}
 * one of its error codes, {O} the order number, {A} the amount, {D} a
 * recent date, {B} the date of purchase, {K} a tracking number, {R} a
 * courier, {X} a small number, {C} the customer's city, {H} their phone,
 * {G} a company name, {I} a taxpayer id, {S} the serial number, {U} a
 * user name, {T} a recent time, {N} the customer's name, {M} a bank, {F}
 * a payment error code, {W} a time for a visit, {V} an app version.  A
 * few dozen templates a category, each with a few choices in it, give
 * some ten thousand different sentences, so that no sentence comes back
 * in every other ticket.
 *
 * The text was written for this generator, after the subjects and
 * phrasing of real Chinese and English support desks; the concierge
 * conversations (出行服务) are real utterances of CrossWOZ (gen-woz.c).
 */
#include "gen.h"

/* ------------------------------------------------------ the arena */

void
a_put(struct arena *a, const char *s, size_t n)
{
	if (a->len + n > ARENA_CAP)
		gen_toobig();
	memcpy(a->buf + a->len, s, n);
	a->len += n;
}

void
a_str(struct arena *a, const char *s)
{
	a_put(a, s, strlen(s));
}

/* Decimal v, zero-padded to width digits. */
void
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

void
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

/*
 * Local time t (seconds since 2026-01-01 00:00 +08:00) as RFC 3339 with
 * +08:00, as UTC with Z, bare ("2026-03-14 09:30:12", read in the
 * configured zone), a date, or the digits of an order number or Message-ID.
 */
void
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

static const char *const emonth[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* A date for prose: "3月14日" or "March 14". */
void
a_prosedate(struct arena *a, long t, int lang)
{
	long long days = DAYS_2026 + day_of(t);
	int y, m, d;

	civil(days, &y, &m, &d);
	if (lang == ZH) {
		if (y != 2026) {
			a_num(a, (uint64_t)y, 4);
			a_str(a, "年");
		}
		a_num(a, (uint64_t)m, 0);
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
void
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

long
spread(struct rng *r, const long *lo, const unsigned char *w, int n)
{
	int k = pickw(r, w, n);

	return between(r, lo[k], lo[k + 1]);
}

/* The tables are laid out by hand. */
/* clang-format off */

/* ------------------------------------------------------- the world */

const struct product products[] = {
	{"KF-35GW", "KF-35GW 空调", "KF-35GW air conditioner", 3299, 3, "AC35",
	 P_NET | P_HOME | P_INSTALL | P_IOT,
	 {"[开了两个小时|开了一下午]屋里还是[30|31|29]度，出风口吹出来的[是热风|一点都不凉]",
	  "室外机噪音[特别大|很大]，[像拖拉机一样|嗡嗡响]，晚上根本睡不着",
	  "开机[十几分钟|半小时]就自动停机，屏幕上显示“{E}”",
	  "室内机[一直往下滴水|漏水]，墙面都[湿了|泡起皮了]"},
	 {"it has been running for [two hours|all afternoon] and the room is "
	  "still [30|31] degrees; the vents blow warm air",
	  "the outdoor unit is [extremely loud|as loud as a tractor] at night",
	  "it shuts itself off after [ten minutes|half an hour] and shows "
	  "\"{E}\"",
	  "the indoor unit [keeps dripping water|leaks] down the wall"},
	 {"压缩机", "室外机风扇电机", "主控板"},
	 {"compressor", "outdoor fan motor", "control board"},
	 {"E1", "E6", "F0"}},
	{"R7", "R7 扫地机器人", "R7 robot vacuum", 2199, 1, "RV07",
	 P_NET | P_IOT,
	 {"每次打扫完都找不到充电座，一直在[客厅|卧室]里转圈",
	  "主刷不转了，吸力也明显变小",
	  "APP里的地图[每天都要重建一次|总是丢失]，划的禁区也没了",
	  "[拖地的时候|工作时]一直提示“{E}”，然后就停下不动了"},
	 {"after every run it can't find the dock and circles the [living "
	  "room|bedroom]",
	  "the main brush stopped spinning and suction is much weaker",
	  "the map in the app [is rebuilt every day|keeps disappearing] and "
	  "my no-go zones are gone",
	  "it keeps showing \"{E}\" and stops in the middle of a run"},
	 {"主刷电机", "激光雷达", "电池"},
	 {"brush motor", "lidar sensor", "battery"},
	 {"E13", "E21", "E07"}},
	{"L3", "L3 智能门锁", "L3 smart lock", 1599, 2, "LK03",
	 P_NET | P_HOME | P_INSTALL | P_IOT,
	 {"指纹识别越来越慢，经常要按[好几次|三四次]才能开",
	  "半夜突然[滴滴报警|响警报]，说有人撬锁，其实[没人|门口什么都没有]",
	  "换了新电池还是提示电量低",
	  "[密码|指纹]开不了门，只能用[机械钥匙|应急电源]"},
	 {"the fingerprint reader is getting slower; it often takes [several "
	  "tries|three or four tries]",
	  "it started beeping at night saying someone was forcing the lock, "
	  "but nobody was there",
	  "it still says \"battery low\" after I put in new batteries",
	  "neither the code nor my fingerprint opens it; only the key works"},
	 {"指纹模组", "锁体电机", "主板"},
	 {"fingerprint module", "lock motor", "main board"},
	 {"E02", "E05", "LOW-BAT"}},
	{"W5", "W5 净水器", "W5 water purifier", 2699, 2, "WP05",
	 P_NET | P_HOME | P_INSTALL | P_IOT,
	 {"机器下面一直在滴水，[厨房地板|橱柜里]都泡了",
	  "滤芯才换了[一个月|不到两个月]就提示要更换",
	  "出水有一股[怪味|塑料味]，[不敢喝|家里人都不敢喝了]",
	  "[一直响个不停|制水的声音特别大]，出水量也变小了"},
	 {"it keeps dripping underneath and the [kitchen floor|cabinet] is "
	  "soaked",
	  "it asks for a new filter [one month|six weeks] after I replaced it",
	  "the water has a [strange|plastic] taste; we stopped drinking it",
	  "it hums all the time and gives much less water"},
	 {"增压泵", "进水电磁阀", "RO滤芯"},
	 {"booster pump", "inlet valve", "RO filter"},
	 {"E3", "E4", "FILTER"}},
	{"BCD-520", "BCD-520 冰箱", "BCD-520 fridge", 4999, 3, "RF52",
	 P_NET | P_HOME | P_IOT,
	 {"冷藏室结冰，[蔬菜|水果]全冻坏了", "压缩机一直响，停不下来",
	  "冷冻室温度只有零下[5|3|6]度，设置的是零下18度",
	  "门封条[不严|变形了]，门关不紧"},
	 {"the fridge compartment ices up and the [vegetables|fruit] froze",
	  "the compressor never stops running",
	  "the freezer only reaches [-5|-3] C although it is set to -18 C",
	  "the door seal is [loose|warped] and the door doesn't close"},
	 {"压缩机", "温控板", "风扇电机"},
	 {"compressor", "thermostat board", "fan motor"},
	 {"E0", "F2", "HI-TEMP"}},
	{"XQG100", "XQG100 洗衣机", "XQG100 washing machine", 2899, 3, "WM10",
	 P_HOME | P_INSTALL,
	 {"脱水的时候整台机器都在[跳|晃]，声音很吓人",
	  "洗到一半显示“{E}”然后就不动了，门也打不开",
	  "排水很慢，洗完衣服还是湿漉漉的",
	  "[滚筒|机器]里有[怪味|一股霉味]，洗完的衣服也有味道"},
	 {"the whole machine [jumps|shakes] during the spin cycle",
	  "halfway through it shows \"{E}\" and stops; the door stays locked",
	  "it drains very slowly and the clothes come out soaking wet",
	  "the drum smells [musty|bad] and so do the clothes"},
	 {"排水泵", "门锁", "减震器"},
	 {"drain pump", "door lock", "shock absorber"},
	 {"E21", "E30", "UE"}},
	{"65E8", "65E8 电视", "65E8 TV", 5999, 2, "TV65",
	 P_NET | P_HOME | P_INSTALL,
	 {"屏幕[左边|右边]有一条竖线，越来越明显", "开机以后一直停在开机画面",
	  "有声音没图像，[重启也没用|拔了电源也一样]",
	  "[连不上Wi-Fi|网络一直断]，投屏也用不了"},
	 {"there is a vertical line on the [left|right] of the screen",
	  "it gets stuck on the boot logo",
	  "sound but no picture, even after [a restart|unplugging it]",
	  "it won't stay on Wi-Fi, so casting doesn't work"},
	 {"背光灯条", "主板", "电源板"},
	 {"backlight strip", "main board", "power board"},
	 {"E-101", "E-203", "0x13"}},
	{"AX3000", "AX3000 路由器", "AX3000 router", 399, 1, "RT30",
	 P_NET,
	 {"每天晚上都会断网几次，要拔电源才能恢复",
	  "5G信号特别弱，隔一堵墙就没了",
	  "管理后台登不上去，提示“密码错误”",
	  "[升级固件以后|昨天升级完]指示灯一直红色，连不上网"},
	 {"it drops the connection several times every evening",
	  "the 5 GHz signal dies behind a single wall",
	  "I can't log in to the admin page: \"wrong password\"",
	  "since the firmware update the light stays red and there's no "
	  "internet"},
	 {"电源适配器", "主板", "天线"},
	 {"power adapter", "main board", "antenna"},
	 {"WAN-DOWN", "E-502", "0x8007000d"}},
	{"BudsPro", "Buds Pro 无线耳机", "Buds Pro earbuds", 899, 1, "BP01",
	 0,
	 {"[右耳|左耳]没有声音，重新配对也不行",
	  "充电盒充不进电，指示灯不亮", "降噪开了以后有很大的电流声",
	  "[打电话|通话时]对方说听不清我说话"},
	 {"the [right|left] earbud has no sound, even after re-pairing",
	  "the charging case won't charge and the light stays off",
	  "there's a loud hiss with noise cancelling on",
	  "people on calls say they can't hear me"},
	 {"电池", "充电盒", "麦克风"},
	 {"battery", "charging case", "microphone"},
	 {"E1", "E2", "LED-RED"}},
	{"WatchS2", "Watch S2 智能手表", "Watch S2 smartwatch", 1299, 1, "WS02",
	 P_NET,
	 {"心率数据明显不准，躺着显示[150|140]", "同步不了数据，APP里一直转圈",
	  "表带接口松了，走路会掉", "[续航|电池]只有半天，以前能用一周"},
	 {"the heart rate is clearly wrong: [150|140] while lying down",
	  "it won't sync; the app just spins",
	  "the strap connector is loose and falls off when I walk",
	  "the battery lasts half a day; it used to last a week"},
	 {"屏幕", "表带接口", "电池"},
	 {"screen", "strap connector", "battery"},
	 {"SYNC-04", "E-11", "BT-LOST"}},
};
const unsigned nproducts = NELEM(products);

const struct city cities[] = {
	{"上海", "Shanghai", "华东", 86, "21"},
	{"北京", "Beijing", "华北", 86, "10"},
	{"深圳", "Shenzhen", "华南", 86, "755"},
	{"广州", "Guangzhou", "华南", 86, "20"},
	{"杭州", "Hangzhou", "华东", 86, "571"},
	{"成都", "Chengdu", "西南", 86, "28"},
	{"武汉", "Wuhan", "华中", 86, "27"},
	{"南京", "Nanjing", "华东", 86, "25"},
	{"西安", "Xi'an", "西北", 86, "29"},
	{"重庆", "Chongqing", "西南", 86, "23"},
	{"沈阳", "Shenyang", "东北", 86, "24"},
	{"苏州", "Suzhou", "华东", 86, "512"},
	{"天津", "Tianjin", "华北", 86, "22"},
	{"长沙", "Changsha", "华中", 86, "731"},
	{"旧金山", "San Francisco", "海外", 1, ""},
	{"纽约", "New York", "海外", 1, ""},
	{"伦敦", "London", "海外", 44, ""},
	{"曼彻斯特", "Manchester", "海外", 44, ""},
	{"新加坡", "Singapore", "海外", 65, ""},
};
const unsigned ncities = NELEM(cities);

const struct org zorgs[] = {
	{"上海恒信贸易有限公司", "hengxin"},
	{"深圳市云启科技有限公司", "yunqi"},
	{"北京华泰物业管理有限公司", "huatai"},
	{"杭州青禾餐饮管理有限公司", "qinghe"},
	{"成都蓝海酒店管理有限公司", "lanhai"},
	{"武汉中联建材有限公司", "zhonglian"},
	{"南京星河教育科技有限公司", "xinghe"},
	{"广州顺达物流有限公司", "shunda"},
};
const unsigned nzorgs = NELEM(zorgs);
const struct org eorgs[] = {
	{"Acme Logistics Ltd.", "acme"},
	{"Smith, Jones & Co.", "smithjones"},
	{"Northwind Traders", "northwind"},
	{"Blue Harbor Hotels, Inc.", "blueharbor"},
	{"Contoso Retail", "contoso"},
	{"\"Bright Future\" Education Ltd.", "brightfuture"},
};
const unsigned neorgs = NELEM(eorgs);

static const char *const payerr[] = {
	"ERR_PAY_4012", "E-1024", "PAYMENT_TIMEOUT", "BANK_REJECT_51",
	"CODE_9001", "交易超时", "TIMEOUT_30S", "503",
};
static const char *const zbanks[] = {
	"招商银行", "工商银行", "建设银行", "中国银行", "农业银行",
	"交通银行", "浦发银行", "平安银行",
};
static const char *const ebanks[] = {
	"Chase", "HSBC", "Barclays", "DBS", "Citibank", "Bank of America",
};
static const char *const zcouriers[] = {
	"顺丰", "京东物流", "中通", "圆通", "韵达", "EMS",
};
static const char *const ecouriers[] = {
	"SF Express", "DHL", "FedEx", "UPS", "EMS",
};
static const char *const zslots[] = {
	"周六上午", "周六下午", "周日上午", "明天下午", "工作日晚上六点以后",
	"这周五上午", "下周一",
};
static const char *const eslots[] = {
	"Saturday morning", "Saturday afternoon", "Sunday morning",
	"tomorrow afternoon", "a weekday after 6 pm", "Friday morning",
};
static const char *const cxs[] = {
	"白色大众帕萨特", "黑色丰田凯美瑞", "银色本田雅阁", "白色比亚迪秦",
	"蓝色现代伊兰特", "黑色别克君越",
};

/* ------------------------------------------------------- categories */

/*
 * Per category and language: subjects (s), the problem in the customer's
 * words (p), the agent's note of a call (m), the agent's first answer
 * (r), what the agent asks (q) and the customer answers (a), the
 * solution (x), the customer writing again after it was closed (o), and
 * internal notes (n).
 */

/* 支付失败 */
static const char *const z_pay_s[] = {
	"[订单|]支付失败", "付款[失败|不成功]，[钱已经扣了|但是扣款了|银行卡被扣款了]",
	"支付时提示“{F}”", "[微信|支付宝|银行卡]支付扣款成功[但|可是]订单[未支付|还是待付款]",
	"[信用卡|花呗|银行卡]付款一直失败", "重复扣款了，请退回一笔",
	"[付不了款|无法付款|付款页面报错]", "订单{O}支付异常",
};
static const char *const z_pay_p[] = {
	"下单后付款的时候一直提示“[支付失败，请稍后重试|交易失败|系统繁忙，请稍后再试]”，[换了两张银行卡都不行|换了微信和支付宝都一样|试了好几次都这样]。",
	"[银行已经发短信说|银行卡账单显示|支付宝里显示]扣款{A}元了，但是订单里还是显示[待支付|未付款|已取消]。",
	"我用的是[微信支付|支付宝|{M}信用卡|云闪付]，付款页面转了半天圈然后就报错了，错误码{F}。",
	"[刚才|早上]付了一次没成功，又付了一次，结果[两次都扣钱了|被扣了两次{A}元]。",
	"订单号{O}，付款时间大概是{D}[晚上八点多|中午十二点左右|下午三点多]。",
	"你们系统是不是[出问题了|在维护]？[同事|我朋友|家里人]也说[今天|这两天]付不了款。",
	"我已经确认过[银行卡余额充足|卡里钱是够的]，限额也没有问题。",
	"截图里可以看到扣款记录，交易流水号是{K}。",
	"[参加的是|下单时用了][满减活动|优惠券]，付款的时候优惠突然没了，金额变成了{A}元。",
	"页面提示订单[已超时取消|支付超时]，可是钱[已经扣了|扣掉了]。",
};
static const char *const z_pay_m[] = {
	"客户来电反映订单{O}支付[失败|异常]，[银行已扣款{A}元|提示{F}]，订单仍显示待支付。",
	"客户称[微信|支付宝|信用卡]付款时被重复扣款，要求退回多扣的{A}元。",
	"客户来电咨询付款失败问题，[已指导更换支付方式|经核实为银行单笔限额导致]。",
};
static const char *const z_pay_r[] = {
	"您反映的支付问题我们已经收到，[正在|已经]联系财务核实扣款情况。",
	"经查询，订单{O}的款项[银行已扣款但支付结果未回传|还在支付处理中]，一般[24小时内|1-3个工作日内]会自动[退回|到账]。",
	"麻烦您先不要重复付款，我们核实后会第一时间给您答复。",
};
static const char *const z_pay_q[] = {
	"麻烦提供一下[扣款截图|银行流水号|付款时间和金额]，方便我们核实。",
	"请问您是用哪种方式付款的？[微信、支付宝还是银行卡？|]",
};
static const char *const z_pay_a[] = {
	"[好的，截图[已经发过去了|发你了]，请查收。|交易流水号是{K}。]",
	"用的是{M}的卡，[扣了{A}元|时间是{D}晚上]。",
};
static const char *const z_pay_x[] = {
	"经核实，重复扣款的{A}元已原路退回，预计1-3个工作日到账。",
	"订单{O}已确认支付成功，仓库会尽快为您发货。",
	"支付系统的问题已修复，您现在可以重新支付了。",
};
static const char *const z_pay_o[] = {
	"[上次说的|之前说会退的]钱到现在还没到账。",
	"又出现支付失败了，[跟上次一样|还是那个错误码{F}]。",
};
static const char *const z_pay_n[] = {
	"已提交财务核查扣款，流水号{K}。", "支付网关{D}有异常告警，疑似批量问题。",
	"客户情绪[较激动|有点急]，需尽快回复。",
};
static const char *const e_pay_s[] = {
	"Payment failed[| again]", "Charged but [the |]order [is |]still unpaid",
	"Card declined at checkout", "Double charged for order {O}",
	"Payment error {F}[, please help|]", "Can't pay for my order",
};
static const char *const e_pay_p[] = {
	"I tried to pay for order {O}, but checkout keeps saying \"[Payment failed, please try again later|Transaction declined]\".",
	"My bank already shows a charge of {A} CNY, yet the order is still \"[awaiting payment|unpaid]\".",
	"The error code on the screen was {F}.",
	"I tried twice and now I've been charged twice.",
	"My card works everywhere else, so it's not the card.",
	"This happened on {D}, around [8 pm|noon|3 pm].",
	"The bank's transaction reference is {K}.",
	"The coupon disappeared at checkout and the total jumped to {A} CNY.",
	"The page says the order timed out, but the money has left my account.",
};
static const char *const e_pay_m[] = {
	"Customer called: payment for order {O} failed [with {F}|but {A} CNY was charged]; order still unpaid.",
	"Customer reports a double charge of {A} CNY and wants one refunded.",
};
static const char *const e_pay_r[] = {
	"Thanks for reporting this. [We're checking the charge with our finance team.|Finance is looking into the payment now.]",
	"Order {O} shows the payment as pending; banks usually release or settle it within [24 hours|1-3 business days].",
	"Please don't pay again for now; we'll get back to you as soon as we've checked.",
};
static const char *const e_pay_q[] = {
	"Could you send [a screenshot of the charge|the bank reference|the time and amount of the payment]?",
	"Which payment method did you use?",
};
static const char *const e_pay_a[] = {
	"[Screenshot attached.|Sent you the screenshot.|The reference is {K}.]",
	"It was my {M} card, {A} CNY on {D}.",
};
static const char *const e_pay_x[] = {
	"We've confirmed the duplicate charge: {A} CNY has gone back to your original payment method and should arrive within 1-3 business days.",
	"Order {O} is now marked as paid and will ship shortly.",
	"The payment issue on our side is fixed; you can pay again now.",
};
static const char *const e_pay_o[] = {
	"The refund you promised still hasn't arrived.",
	"Payment failed again, [same as last time|same error {F}].",
};
static const char *const e_pay_n[] = {
	"Asked finance to check the gateway, ref {K}.",
	"Gateway alert on {D}; probably not the only customer.",
	"Customer is upset, please reply today.",
};

/* 退款 */
static const char *const z_ref_s[] = {
	"退款进度查询", "退款[一直|还]没到账", "申请退款{X}天了还没[处理|到账]",
	"退款金额不对", "退货后什么时候退款？", "订单{O}退款[问题|催一下]",
};
static const char *const z_ref_p[] = {
	"我在{D}申请了退款，订单号{O}，到现在还没收到钱。",
	"页面上显示“退款[处理中|审核中]”已经好几天了，一直没有变化。",
	"退款金额应该是{A}元，但是只退了一部分。",
	"之前客服说[3-5个工作日|一周内]到账，现在已经超过[一周|十天]了。",
	"[退款是原路退回吗？|钱会退回原来的卡吗？|请问是原路退回吗？]我那张{M}的卡[已经注销了|换掉了]，怎么办？",
	"麻烦帮我查一下退款到哪一步了，[能不能加急处理|什么时候能到]。",
	"商品已经寄回去了，{R}单号{K}，仓库也签收了。",
	"[运费险|优惠券]的钱也没退回来。",
	"我是[用花呗|分期]付的款，退款以后分期还在扣。",
};
static const char *const z_ref_m[] = {
	"客户来电催退款：订单{O}于{D}申请退款，至今未到账。",
	"客户反映退款金额与实付{A}元不符，要求补退差额。",
	"客户询问退货退款进度，退货已由{R}签收（单号{K}）。",
};
static const char *const z_ref_r[] = {
	"已查询到订单{O}的退款申请，目前[处于财务审核阶段|已提交银行处理]。",
	"退款会原路退回到您的支付账户，[银行处理需要1-3个工作日|信用卡可能要到下个账单日才显示]。",
	"已为您[催促|加急]财务处理，有进展会第一时间通知您。",
};
static const char *const z_ref_q[] = {
	"麻烦提供一下[退货快递单号|退款申请截图]。",
	"请问您的原支付卡是否还能正常使用？",
};
static const char *const z_ref_a[] = {
	"[单号是{K}，{R}的。|截图发你了。]",
	"卡已经注销了，能不能退到[微信|支付宝|新卡]？",
};
static const char *const z_ref_x[] = {
	"您的退款{A}元已于今天退回原支付账户，请注意查收。",
	"已为您补退差额，[预计1-3个工作日到账|银行处理后即可到账]。",
	"退款已改为退回您的[微信零钱|支付宝余额]，已到账。",
};
static const char *const z_ref_o[] = {
	"说好的退款[还没到|到现在也没看到]，[银行说没有收到款|查了流水也没有]。",
	"退款只到了一半，剩下的呢？",
};
static const char *const z_ref_n[] = {
	"已提交财务加急，退款单号{K}。", "原卡已注销，需走线下退款流程。",
	"仓库已确认签收退货，可以退款。",
};
static const char *const e_ref_s[] = {
	"Refund status", "Where is my refund?", "Refund not received after {X} days",
	"Wrong refund amount", "Refund for order {O}",
};
static const char *const e_ref_p[] = {
	"I asked for a refund on {D} for order {O} and still haven't received anything.",
	"The page has said \"refund in progress\" for days.",
	"The refund should be {A} CNY, but only part of it arrived.",
	"Your agent told me [3-5 business days|a week]; it has been over [a week|ten days].",
	"Will it go back to the original card? That {M} card has been closed.",
	"I sent the item back with {R}, tracking number {K}, and your warehouse signed for it.",
	"The shipping insurance wasn't refunded either.",
};
static const char *const e_ref_m[] = {
	"Customer called about the refund for order {O}, requested on {D}; not received yet.",
	"Customer says the refund doesn't match the {A} CNY paid.",
};
static const char *const e_ref_r[] = {
	"We've found the refund for order {O}; it is [with finance for approval|with the bank now].",
	"Refunds go back to the original payment method; banks take 1-3 business days[, credit cards until the next statement|].",
	"I've asked finance to speed this up and will let you know.",
};
static const char *const e_ref_q[] = {
	"Could you send [the return tracking number|a screenshot of the refund request]?",
	"Is the original card still active?",
};
static const char *const e_ref_a[] = {
	"[Tracking is {K} with {R}.|Screenshot attached.]",
	"The card is closed; can you refund to another account?",
};
static const char *const e_ref_x[] = {
	"Your refund of {A} CNY went to your original payment method today.",
	"We've refunded the difference; it should arrive within 1-3 business days.",
};
static const char *const e_ref_o[] = {
	"The refund still hasn't arrived[; my bank sees nothing|].",
	"Only half of the refund arrived. Where is the rest?",
};
static const char *const e_ref_n[] = {
	"Finance asked to expedite, refund ref {K}.",
	"Original card closed: manual refund needed.",
	"Warehouse confirmed the return.",
};

/* 发票 */
static const char *const z_inv_s[] = {
	"发票开具", "申请开具增值税专用发票", "发票抬头开错了，需要重开",
	"电子发票在哪里下载？", "[公司报销|报销]需要发票", "订单{O}的发票[还没收到|怎么开]",
};
static const char *const z_inv_p[] = {
	"订单{O}需要开具发票，抬头是“{G}”，税号{I}。",
	"之前开的发票抬头写错了，麻烦作废后重新开一张。",
	"我需要的是增值税专用发票，不是普通发票。",
	"电子发票的下载链接打不开，提示“链接已过期”。",
	"财务这边月底要报销，麻烦尽快处理。",
	"发票金额应该是{A}元，请核对一下。",
	"[纸质发票|发票]寄到哪里了？一直没收到。",
	"开票信息里的[地址电话|开户行]也要写上，我们财务要求的。",
};
static const char *const z_inv_m[] = {
	"客户来电申请为订单{O}开具增值税专用发票，抬头“{G}”。",
	"客户反映发票抬头有误，要求红冲后重开。",
};
static const char *const z_inv_r[] = {
	"已收到您的开票申请，[电子发票一般1-3个工作日内开具|财务会在3个工作日内处理]。",
	"发票重开需要先将原发票红冲，[我们已为您提交申请|已经帮您提交了]。",
};
static const char *const z_inv_q[] = {
	"麻烦提供一下[税号和开户行信息|完整的开票信息|收票邮箱]。",
	"请问需要开普通发票还是专用发票？",
};
static const char *const z_inv_a[] = {
	"[税号{I}，其他信息见附件。|税号{I}，发到我邮箱就行。]",
	"专票，[谢谢|麻烦了]。",
};
static const char *const z_inv_x[] = {
	"发票已开具，电子发票已发送到您预留的邮箱，请查收。",
	"原发票已红冲，新发票已重新开具。", "纸质发票已通过{R}寄出，单号{K}。",
};
static const char *const z_inv_o[] = {
	"发票[还是没收到|又开错了]，麻烦再看一下。",
	"报销被财务退回来了，说发票信息不对。",
};
static const char *const z_inv_n[] = {
	"已转财务开票，抬头{G}。", "红冲申请已提交，等待税务系统处理。",
};
static const char *const e_inv_s[] = {
	"Invoice request", "Need a VAT invoice for order {O}",
	"Invoice has the wrong company name", "Can't download the e-invoice",
	"Invoice not received",
};
static const char *const e_inv_p[] = {
	"Please issue an invoice for order {O}, made out to \"{G}\", tax ID {I}.",
	"The invoice you sent has the wrong company name; please cancel it and issue a new one.",
	"I need a VAT special invoice, not a regular one.",
	"The e-invoice link says \"link expired\".",
	"Our finance team closes the month on Friday, so this is urgent.",
	"The invoice amount should be {A} CNY.",
};
static const char *const e_inv_m[] = {
	"Customer called asking for a VAT invoice for order {O}, to \"{G}\".",
	"Customer reports the wrong company name on the invoice.",
};
static const char *const e_inv_r[] = {
	"We've received your invoice request; e-invoices are issued within 1-3 business days.",
	"To reissue it we first cancel the old invoice; that's been requested.",
};
static const char *const e_inv_q[] = {
	"Could you send the full billing details (tax ID, bank, address)?",
	"Do you need a regular or a VAT special invoice?",
};
static const char *const e_inv_a[] = {
	"Tax ID {I}; the rest is attached.", "VAT special, please.",
};
static const char *const e_inv_x[] = {
	"The invoice has been issued and emailed to you.",
	"The old invoice was cancelled and a new one issued.",
	"The paper invoice went out with {R}, tracking {K}.",
};
static const char *const e_inv_o[] = {
	"Still no invoice.", "Our finance team rejected it again: wrong details.",
};
static const char *const e_inv_n[] = {
	"Sent to finance for invoicing, title {G}.",
	"Cancellation requested in the tax system.",
};

/* 物流 */
static const char *const z_ship_s[] = {
	"快递[未送达|还没到]", "物流信息[一直不更新|{X}天没动了]",
	"显示已签收但我没收到", "快递什么时候能到？", "包裹破损", "催一下发货",
	"订单{O}[怎么还没发货|物流异常]",
};
static const char *const z_ship_p[] = {
	"订单{O}已经发货{X}天了，物流信息一直停在{C}转运中心。",
	"快递单号{K}，显示已签收，但我本人根本没有收到，[也没有放在快递柜|门卫也说没有]。",
	"打[快递员|{R}][电话|客服电话][一直没人接|也打不通]。",
	"收到的包裹外箱破了，里面的{P}也有划痕。",
	"当时说好{D}之前送到的，现在已经过了好几天。",
	"[能不能|麻烦]帮我联系一下[快递公司|{R}][？|，催一下。]",
	"下单的时候写的是“[24小时内发货|48小时内发货]”，结果[三天|五天]了还没发。",
	"地址填错了，想改成{C}的新地址，还来得及吗？",
	"{R}说是[地址不详|联系不上收件人]被退回了，可我电话一直开着。",
};
static const char *const z_ship_m[] = {
	"客户来电催件：订单{O}已发货{X}天，物流停在{C}转运中心。",
	"客户反映{R}显示已签收但本人未收到，单号{K}。",
	"客户反映包裹破损，{P}外壳有划痕，要求换货。",
};
static const char *const z_ship_r[] = {
	"已为您查询，[{R}反馈包裹目前在派送中|包裹在{C}转运中心滞留]，[预计明天送达|我们已提交催件]。",
	"已为您提交物流催件，有进展会第一时间通知您。",
	"签收异常我们已联系{R}核实，[24小时内|48小时内]给您答复。",
};
static const char *const z_ship_q[] = {
	"麻烦拍一下[外包装和商品|快递面单]的照片发给我们。",
	"请确认一下收货地址和电话是否正确？",
};
static const char *const z_ship_a[] = {
	"照片发了，外箱[都压扁了|破了一个大洞]。",
	"地址没错，电话是{H}[，门卫那里我也问过了|]。",
};
static const char *const z_ship_x[] = {
	"快递已于今天送达，请查收。",
	"经核实包裹丢失，已为您重新补发，新单号{K}。",
	"破损商品已为您安排换货，新的{P}已发出。",
};
static const char *const z_ship_o[] = {
	"补发的[包裹|快递]又没收到。", "换货的{P}[还没到|到了又是坏的]。",
};
static const char *const z_ship_n[] = {
	"已在{R}系统提交催件，工单{K}。", "快递员确认误投，正在追回。",
	"疑似丢件，{X}天无轨迹，申请补发。",
};
static const char *const e_ship_s[] = {
	"Package not delivered", "Tracking not updated for {X} days",
	"Marked as delivered, but not received", "Damaged package",
	"When will order {O} ship?",
};
static const char *const e_ship_p[] = {
	"Order {O} shipped {X} days ago and tracking has been stuck at the {C} hub since.",
	"Tracking number {K} says \"delivered\", but nothing arrived, not even in the parcel locker.",
	"The courier doesn't answer the phone.",
	"The box arrived crushed and the {P} is scratched.",
	"It was promised by {D}.", "Could you contact {R} for me?",
	"It said \"ships in 24 hours\", and it's been [three|five] days.",
};
static const char *const e_ship_m[] = {
	"Customer called: order {O} shipped {X} days ago, tracking stuck in {C}.",
	"Customer says {R} shows delivered (tracking {K}) but nothing arrived.",
};
static const char *const e_ship_r[] = {
	"I've checked: {R} says the parcel is [out for delivery|held at the {C} hub]; [it should arrive tomorrow|we've asked them to chase it].",
	"We've chased the courier and will update you as soon as we hear back.",
};
static const char *const e_ship_q[] = {
	"Could you send photos of the box and the item?",
	"Can you confirm the delivery address and phone number?",
};
static const char *const e_ship_a[] = {
	"Photos attached; the box was crushed.",
	"The address is right; my number is {H}.",
};
static const char *const e_ship_x[] = {
	"The parcel was delivered today.",
	"The parcel is lost; we've sent a replacement, tracking {K}.",
	"A replacement {P} is on its way.",
};
static const char *const e_ship_o[] = {
	"The replacement didn't arrive either.",
	"The new {P} arrived damaged too.",
};
static const char *const e_ship_n[] = {
	"Trace opened with {R}, ref {K}.",
	"No scans for {X} days: likely lost, replacement requested.",
};

/* 退换货 */
static const char *const z_ret_s[] = {
	"申请退货", "七天无理由退货", "换货申请", "收到的商品与描述不符",
	"{P}[想退|能退吗]",
};
static const char *const z_ret_p[] = {
	"订单{O}的{P}收到后不太满意，想申请七天无理由退货。",
	"包装都还在，没怎么用过。", "[颜色|外观]和页面上的图片差别很大，想[换一个|换个颜色]。",
	"退货[运费|的快递费]谁来[承担|出]？", "请告诉我退货地址，我[这两天|周末]寄回去。",
	"收到的型号[不对|跟下单的不一样]，[少了配件|说明书都没有]。",
	"在APP里点申请退货一直提示“[超过退货期限|系统异常]”，可是明明才[五天|三天]。",
};
static const char *const z_ret_m[] = {
	"客户来电申请七天无理由退货，订单{O}，{P}未使用。",
	"客户反映收到商品与描述不符，要求换货。",
};
static const char *const z_ret_r[] = {
	"已为您提交退货申请，[审核通过后|稍后]会短信通知您退货地址。",
	"商品未使用且在七天内，可以为您办理无理由退货，[运费由我们承担|退货运费您先垫付，签收后补偿给您]。",
};
static const char *const z_ret_q[] = {
	"麻烦提供一下商品和包装的照片。", "请问您是想退货还是换货？",
};
static const char *const z_ret_a[] = {
	"[照片发了|已上传照片]，包装都在。", "换货吧，换[同款新的|白色的]。",
};
static const char *const z_ret_x[] = {
	"退货申请已审核通过，{R}会上门取件。",
	"换货商品已发出，单号{K}，旧商品快递员会同时取回。",
	"已收到退货，退款{A}元已原路退回。",
};
static const char *const z_ret_o[] = {
	"说好上门取件的，[{R}|快递员]一直没来。", "换回来的还是有问题。",
};
static const char *const z_ret_n[] = {
	"已审核退货，安排{R}上门取件。", "客户超过七天，特批退货。",
};
static const char *const e_ret_s[] = {
	"Return request", "I'd like to return my {P}", "Exchange request",
	"Item not as described",
};
static const char *const e_ret_p[] = {
	"I'd like to return the {P} from order {O}; it's within 7 days.",
	"It's unused, still in the original box.",
	"The colour is nothing like the photos, so I want an exchange.",
	"Who pays for return shipping?", "Please send me the return address.",
	"I received the wrong model.",
};
static const char *const e_ret_m[] = {
	"Customer called to return order {O} ({P}) within 7 days, unused.",
	"Customer says the item is not as described and wants an exchange.",
};
static const char *const e_ret_r[] = {
	"Your return request is in; you'll get the return address by text once it's approved.",
	"Unused and within 7 days, so the return is fine[; we cover the shipping|].",
};
static const char *const e_ret_q[] = {
	"Could you send photos of the item and the packaging?",
	"Would you prefer a refund or an exchange?",
};
static const char *const e_ret_a[] = {
	"Photos attached; everything is in the box.", "An exchange, please.",
};
static const char *const e_ret_x[] = {
	"The return is approved and {R} will pick it up.",
	"The exchange went out with tracking {K}; the courier will take the old one.",
	"We received the return and refunded {A} CNY.",
};
static const char *const e_ret_o[] = {
	"The courier never came to pick it up.",
	"The exchanged one has the same problem.",
};
static const char *const e_ret_n[] = {
	"Return approved, pickup booked with {R}.",
	"Outside the 7 days, approved as an exception.",
};

/* 设备故障 */
static const char *const z_dev_s[] = {
	"{P}[出故障了|坏了|有问题]", "[设备|{P}]离线", "APP连不上[设备|{P}]",
	"{P}开不了机", "{P}用了没多久就坏了", "{P}报错{E}",
	"{P}[显示|提示]{E}怎么处理",
};
static const char *const z_dev_p[] = {
	"家里的{P}从{D}开始就不太对劲，{Y}。",
	"{Y}，[不知道是什么原因|是不是坏了]？",
	"开机以后显示屏上出现错误代码{E}，说明书上也查不到。",
	"[APP里|手机APP上]一直[显示|提示]设备离线，[路由器和网络都是正常的|别的设备都能上网|家里Wi-Fi没问题]。",
	"我已经[按照说明书重置过了|恢复出厂设置了|把APP删了重装]，[还是不行|一点用都没有]。",
	"用了不到[半年|三个月]就出问题了，质量也太差了吧。",
	"断电重启试了[好几次|三四次]，每次过[一会儿|半天]又这样。",
	"APP版本是{V}，[手机是iPhone|手机是安卓的]，都更新到最新了。",
	"[保修卡|发票]都还在，应该在保修期内。",
};
static const char *const z_dev_m[] = {
	"客户来电反映{P}故障：{Y}。[已指导断电重启，问题未解决|已远程排查]。",
	"客户反映{P}在APP中显示离线，已指导重新配网。",
};
static const char *const z_dev_r[] = {
	"请您先尝试[断电重启设备，等待1分钟后|长按复位键5秒后]重新连接APP。",
	"您描述的情况我们已经记录，[技术同事会进一步排查|我们先远程帮您看一下]。",
	"从日志看设备最后在线时间是{T}，[可能是网络配置变化导致的|需要重新配网]。",
};
static const char *const z_dev_q[] = {
	"麻烦提供一下设备背面的序列号和故障照片[或者视频|]。",
	"请问是什么时候开始出现这个问题的？[有没有停过电|最近有没有换过路由器]？",
};
static const char *const z_dev_a[] = {
	"序列号{S}，[视频|照片]发了。",
	"前天[停过一次电|换了新的路由器]，之后就这样了[。|，按你们说的重启也没用😞]",
};
static const char *const z_dev_x[] = {
	"已远程为您推送固件修复，设备已恢复在线。",
	"问题已解决：[重新配网后设备正常了|切换到2.4G频段后已恢复]。",
	"经确认需要维修，已为您转售后安排。",
};
static const char *const z_dev_o[] = {
	"[又|再次]出现同样的问题了，{Y}。", "设备[又离线了|又开始报{E}]。",
	"按你们说的[试了|做了]，还是不行😞",
};
static const char *const z_dev_n[] = {
	"已查日志：设备最后在线时间{T}。", "疑似固件{V}的已知问题，已反馈研发。",
	"远程诊断无果，建议转售后。",
};
static const char *const e_dev_s[] = {
	"{P} not working", "Device offline", "App can't connect to device",
	"{P} won't turn on", "Problem with my {P}", "{P} shows error {E}",
};
static const char *const e_dev_p[] = {
	"My {P} has been acting up since {D}: {Y}.", "{Y}; is it broken?",
	"The display shows error code {E}, which isn't in the manual.",
	"The app says the device is offline, but my Wi-Fi is fine.",
	"I already did a factory reset, no change.",
	"It's less than [six|three] months old!",
	"Power-cycling helps for a while, then it happens again.",
	"The app is version {V} on [an iPhone|Android], both up to date.",
};
static const char *const e_dev_m[] = {
	"Customer called: {P} fault, {Y}. [Power cycle didn't help.|Checked remotely.]",
	"Customer's {P} shows offline in the app; walked them through pairing it again.",
};
static const char *const e_dev_r[] = {
	"Please unplug the device for a minute, then reconnect it in the app.",
	"We've logged this[ and a technician will look into it|; let us check remotely first].",
	"The logs show the device was last online at {T}; it probably needs to be paired again.",
};
static const char *const e_dev_q[] = {
	"Could you send the serial number on the back and a photo of the error?",
	"When did it start? Any power cut or new router lately?",
};
static const char *const e_dev_a[] = {
	"Serial {S}, [video|photo] attached.",
	"We had a power cut [two days ago|on {D}], it started after that[.|; restarting didn't help :(]",
};
static const char *const e_dev_x[] = {
	"We pushed a firmware fix and the device is back online.",
	"Solved: after pairing it on the 2.4 GHz band it works.",
	"It needs a repair; we've passed it to after-sales.",
};
static const char *const e_dev_o[] = {
	"Same problem again: {Y}.", "It's offline again.",
};
static const char *const e_dev_n[] = {
	"Logs: device last seen {T}.",
	"Looks like the known firmware {V} bug; reported to R&D.",
	"Remote diagnosis failed, suggest after-sales.",
};

/* 售后维修 */
static const char *const z_rep_s[] = {
	"申请[上门维修|维修]", "{P}需要维修", "预约师傅上门", "维修师傅没按时上门",
	"保修期内维修收费吗？", "{P}[寄修|送修]进度查询",
};
static const char *const z_rep_p[] = {
	"机身序列号是{S}，应该还在保修期内。",
	"{Y}，[想预约师傅看看|需要维修]。",
	"希望师傅能{W}上门，[工作日家里没人|白天家里没人]。",
	"上次师傅来看过，说要换{Q}，到现在配件还没到。",
	"约好的是{D}下午上门，等了一下午也没人来。",
	"地址在{C}，小区门口需要登记，麻烦师傅提前打电话。",
	"师傅上门[检查费|上门费]要收多少钱？[保内也收吗？|]",
	"寄修的{P}已经寄出{X}天了，[一直没有消息|维修进度页面也没更新]。",
};
static const char *const z_rep_m[] = {
	"客户来电报修{P}：{Y}。序列号{S}，预约{W}。",
	"客户反映维修师傅未按约定时间上门，要求重新安排。",
};
static const char *const z_rep_r[] = {
	"已为您预约维修师傅，师傅会在24小时内电话联系您确认上门时间。",
	"您的{P}在保修期内，[维修不收取费用|更换{Q}免费]。",
	"已为您登记维修，[寄修地址会短信发给您|师傅会先电话联系您]。",
};
static const char *const z_rep_q[] = {
	"麻烦提供一下[购买凭证|机身序列号|故障视频]。", "请问{W}方便师傅上门吗？",
};
static const char *const z_rep_a[] = {
	"序列号{S}，发票也拍了。", "[{W}可以，家里有人。|[周末|晚上]都行。]",
};
static const char *const z_rep_x[] = {
	"师傅已上门更换{Q}，{P}已恢复正常。",
	"维修完成，{P}已通过{R}寄回，单号{K}。",
	"配件已到，维修已完成，请您验收。",
};
static const char *const z_rep_o[] = {
	"修好没几天又坏了，{Y}。", "师傅走了以后[又出现了|还是一样]。",
};
static const char *const z_rep_n[] = {
	"已派单给{C}网点，预约{W}。", "{Q}缺货，预计下周到货。",
	"师傅反馈需更换{Q}，已申请配件。",
};
static const char *const e_rep_s[] = {
	"Repair request", "{P} needs repair", "Book a technician visit",
	"Technician didn't show up", "Is the repair covered by warranty?",
};
static const char *const e_rep_p[] = {
	"The serial number is {S}; it should still be under warranty.",
	"{Y}, so I'd like a technician to look at it.",
	"{W} would be best; nobody is home on weekdays.",
	"Your technician said the {Q} must be replaced, and the part still hasn't arrived.",
	"The visit was booked for {D} afternoon, and nobody came.",
	"I live in {C}; please call before coming.",
	"How much is the inspection fee?",
};
static const char *const e_rep_m[] = {
	"Customer called to book a repair of the {P}: {Y}. Serial {S}, visit {W}.",
	"Customer says the technician didn't come as agreed.",
};
static const char *const e_rep_r[] = {
	"We've booked a technician, who will call you within 24 hours to confirm the time.",
	"Your {P} is under warranty, so the repair is free.",
	"The repair is registered; [we'll text you the address to send it to|the technician will call you first].",
};
static const char *const e_rep_q[] = {
	"Could you send the proof of purchase and the serial number?",
	"Would {W} work for the visit?",
};
static const char *const e_rep_a[] = {
	"Serial {S}; receipt attached.", "{W} is fine.",
};
static const char *const e_rep_x[] = {
	"The technician replaced the {Q} and the {P} works again.",
	"Repaired and sent back with {R}, tracking {K}.",
	"The part arrived and the repair is done.",
};
static const char *const e_rep_o[] = {
	"It broke again a few days after the repair: {Y}.",
	"Same problem since the technician left.",
};
static const char *const e_rep_n[] = {
	"Dispatched to the {C} service point, visit {W}.",
	"{Q} out of stock, ETA next week.",
	"Technician says the {Q} needs replacing; part ordered.",
};

/* 安装预约 */
static const char *const z_ins_s[] = {
	"预约安装", "{P}安装预约", "[新买的|刚到的]{P}什么时候来装？",
	"安装师傅[没来|迟到了]", "安装[收费|辅材费]问题",
};
static const char *const z_ins_p[] = {
	"{B}买的{P}今天到货了，想预约{W}安装。",
	"[安装|上门]需要额外收费吗？[打孔|高空作业]怎么算？",
	"师傅说要加{Z}元的辅材费，[这个合理吗|之前没说过]？",
	"约的是{D}安装，到现在还没人联系我。",
	"地址在{C}，[电梯房|老小区没有电梯]，[十二楼|六楼]。",
};
static const char *const z_ins_m[] = {
	"客户来电预约{P}安装，时间{W}，地址{C}。",
	"客户反映安装师傅额外收取辅材费{Z}元，要求核实。",
};
static const char *const z_ins_r[] = {
	"已为您预约安装，安装师傅会提前一天电话联系您。",
	"[标准安装免费|基础安装不收费]，辅材按官方价目表收取，[可以要求师傅出示|价目表已发给您]。",
};
static const char *const z_ins_q[] = {
	"请问{W}家里有人吗？", "麻烦提供一下详细安装地址。",
};
static const char *const z_ins_a[] = {
	"{W}有人，[地址就是订单上的|地址不变]。", "好的，麻烦让师傅来之前打个电话。",
};
static const char *const z_ins_x[] = {
	"{P}已安装完成，[试机正常|师傅已讲解使用方法]。", "多收的辅材费已退回。",
};
static const char *const z_ins_o[] = {
	"装好以后{Y}。", "师傅装完[墙上留了个洞|没清理]，怎么处理？",
};
static const char *const z_ins_n[] = {
	"已派单安装网点，{W}。", "客户投诉辅材费，已核实价目表。",
};
static const char *const e_ins_s[] = {
	"Installation booking", "When will someone install my {P}?",
	"Installer didn't come", "Extra installation charges",
};
static const char *const e_ins_p[] = {
	"The {P} I bought on {B} arrived today; I'd like it installed {W}.",
	"Does installation cost extra? What about drilling?",
	"The installer wants {Z} CNY for extra materials; is that right?",
	"Installation was booked for {D} and nobody has called me.",
};
static const char *const e_ins_m[] = {
	"Customer called to book installation of the {P} {W}, in {C}.",
	"Customer disputes an extra charge of {Z} CNY for materials.",
};
static const char *const e_ins_r[] = {
	"Installation is booked; the installer will call the day before.",
	"Standard installation is free; materials follow the official price list.",
};
static const char *const e_ins_q[] = {
	"Will someone be home {W}?", "Could you confirm the full address?",
};
static const char *const e_ins_a[] = {
	"Yes, {W} is fine.", "Same address as the order.",
};
static const char *const e_ins_x[] = {
	"The {P} has been installed and tested.",
	"The extra charge has been refunded.",
};
static const char *const e_ins_o[] = {
	"Since the installation, {Y}.", "The installer left a mess.",
};
static const char *const e_ins_n[] = {
	"Sent to the installation partner, {W}.",
	"Checked the materials price list.",
};

/* 账号 */
static const char *const z_acc_s[] = {
	"密码重置", "账号被锁定", "收不到验证码", "手机号换了怎么改绑",
	"账号[被盗了？|异地登录]", "[登录不上|无法登录]", "注销账号",
};
static const char *const z_acc_p[] = {
	"登录的时候提示“[账号或密码错误|用户不存在]”，但我确定密码没记错。",
	"连续输错几次以后账号就被锁定了。",
	"点了“忘记密码”，手机[一直|半天都]收不到验证码[。|，换了网络也一样。]",
	"原来的手机号[已经不用了|停机了|注销了]，想[换绑新号码|改绑到新手机上]。",
	"今天收到[异地登录提醒|{C}的登录提醒]，但不是我本人操作的，担心账号被盗。",
	"APP提示“会话已过期”，重新登录[又闪退|又卡住了]。",
	"APP版本{V}，[换了手机以后|更新以后]就登不上了。",
	"想注销账号，[在哪里操作|找不到入口]？",
};
static const char *const z_acc_m[] = {
	"客户来电反映账号无法登录，[已锁定|收不到验证码]，已核实身份。",
	"客户反映收到异地登录提醒，担心账号被盗，已协助冻结。",
};
static const char *const z_acc_r[] = {
	"已为您[解除账号锁定|重置账号状态]，请使用“忘记密码”重新设置密码。",
	"验证码收不到可能是被手机拦截了，请检查一下垃圾短信[，或者换成语音验证码|]。",
	"为了账号安全，我们已[临时冻结|暂时锁定]您的账号，[核实身份后|验证后]即可恢复。",
};
static const char *const z_acc_q[] = {
	"麻烦提供一下[注册手机号|注册邮箱|最近一次登录时间]，方便核实身份。",
	"请问最近有没有在其他设备上登录过？",
};
static const char *const z_acc_a[] = {
	"注册手机是{H}。", "没有，[只在自己手机上登过|我只有一台手机]。",
};
static const char *const z_acc_x[] = {
	"身份核实通过，账号已解锁并更换绑定手机。",
	"已为您重置密码，[现在可以正常登录了|请登录后尽快修改]。",
	"账号安全检查完成，未发现异常交易。",
};
static const char *const z_acc_o[] = {
	"[又|还是]登不上了，[提示一样|还是收不到验证码]。", "账号又被锁了。",
};
static const char *const z_acc_n[] = {
	"已核实身份，解锁账号。", "疑似撞库，已通知安全组。",
	"短信网关延迟，{D}有批量投诉。",
};
static const char *const e_acc_s[] = {
	"Password reset", "Account locked", "Not receiving the verification code",
	"Can't log in", "Suspicious login on my account", "Delete my account",
};
static const char *const e_acc_p[] = {
	"Login says \"wrong username or password\", but I'm sure the password is right.",
	"After a few failed attempts my account was locked.",
	"I clicked \"Forgot password\" but the SMS code never arrives.",
	"I changed my phone number and need to update it.",
	"I got a login alert from {C} that wasn't me.",
	"The reset link in the email says \"token expired\".",
	"The app log at C:\\Users\\{U}\\AppData\\Local\\Csm\\app.log says \"401 Unauthorized\".",
};
static const char *const e_acc_m[] = {
	"Customer called: can't log in, [account locked|no SMS code]; identity verified.",
	"Customer got a login alert from elsewhere; account frozen as a precaution.",
};
static const char *const e_acc_r[] = {
	"Your account is unlocked; please use \"Forgot password\" to set a new one.",
	"SMS codes are sometimes filtered as spam; please check, or try the voice code.",
	"For your safety we've frozen the account until we confirm it's you.",
};
static const char *const e_acc_q[] = {
	"Could you confirm the phone number or email you registered with?",
	"Have you signed in on another device lately?",
};
static const char *const e_acc_a[] = {
	"It's {H}.", "No, only on my phone.",
};
static const char *const e_acc_x[] = {
	"Identity confirmed; the account is unlocked and your new number is linked.",
	"Password reset; you can sign in now.",
	"Security check done; no unusual activity found.",
};
static const char *const e_acc_o[] = {
	"Locked out again.", "Still no verification code.",
};
static const char *const e_acc_n[] = {
	"Identity verified, account unlocked.",
	"Possible credential stuffing; told the security team.",
};

/* 投诉 */
static const char *const z_cmp_s[] = {
	"投诉客服态度", "对处理结果不满意", "投诉维修师傅", "多次反映问题没人处理",
	"要求主管回电", "[我要|]投诉",
};
static const char *const z_cmp_p[] = {
	"上次打电话，客服态度很差，问题没说完就挂了。",
	"同一个问题已经反映了{X}次，每次都说会跟进，结果都没有下文。",
	"维修师傅上门迟到[两个小时|一个多小时]，还多收了{Z}元的费用。",
	"我要求你们[主管|经理]给我回电话，给一个明确的[说法|处理方案]。",
	"如果再不处理，我会向[消费者协会|12315]投诉。",
	"[在线客服|客服]一直用模板回复，[根本不看我说什么|答非所问]。",
	"承诺的[赔偿|补偿]到现在也没兑现。",
};
static const char *const z_cmp_m[] = {
	"客户来电投诉：问题反映{X}次未解决，情绪激动，要求主管回电。",
	"客户投诉维修师傅迟到并多收费{Z}元。",
};
static const char *const z_cmp_r[] = {
	"非常抱歉给您带来不好的体验，您的投诉我们已经升级给[主管|客服经理]处理。",
	"我们会在24小时内由主管给您回电，[给您一个明确的处理方案|核实后给您答复]。",
};
static const char *const z_cmp_q[] = {
	"麻烦提供一下当时的[通话时间|订单号|聊天记录截图]，方便我们核实。",
};
static const char *const z_cmp_a[] = {
	"[时间是{D}下午，订单{O}。|截图都在这里了。]",
};
static const char *const z_cmp_x[] = {
	"经核实情况属实，已对相关人员进行处理，并为您[退还多收的{Z}元|补偿一张优惠券]。",
	"主管已与您电话沟通，[处理方案您已确认|会按约定跟进]。",
};
static const char *const z_cmp_o[] = {
	"[说好的|承诺的][补偿|回电]到现在也没有。",
	"[问题还是没解决|又出现同样的情况]，我要继续投诉。",
};
static const char *const z_cmp_n[] = {
	"已升级客服经理，{X}次重复来电。", "客户提到12315，需优先处理。",
	"已调取通话录音核实。",
};
static const char *const e_cmp_s[] = {
	"Complaint about your service", "Unhappy with how this was handled",
	"Complaint about the technician", "Nobody is fixing my problem",
	"I want to speak to a supervisor",
};
static const char *const e_cmp_p[] = {
	"Your agent was rude and hung up before I finished.",
	"I've reported this {X} times and nobody follows up.",
	"The technician was two hours late and charged me {Z} CNY extra.",
	"I want a supervisor to call me back with a clear answer.",
	"If this isn't resolved, I'll file a complaint with the consumer association.",
	"Your chat agents only paste templates.",
};
static const char *const e_cmp_m[] = {
	"Customer called to complain: reported {X} times, unresolved; wants a supervisor.",
	"Complaint about a late technician and an extra {Z} CNY charge.",
};
static const char *const e_cmp_r[] = {
	"I'm sorry about this; your complaint has been escalated to a supervisor.",
	"A supervisor will call you within 24 hours.",
};
static const char *const e_cmp_q[] = {
	"Could you send the time of the call or a screenshot of the chat?",
};
static const char *const e_cmp_a[] = {
	"[It was {D} afternoon, order {O}.|Screenshots attached.]",
};
static const char *const e_cmp_x[] = {
	"We've confirmed what happened, refunded the extra {Z} CNY and spoken to the staff involved.",
	"Our supervisor called you and agreed on the next steps.",
};
static const char *const e_cmp_o[] = {
	"The compensation you promised never came.",
	"Same problem again; I'm taking this further.",
};
static const char *const e_cmp_n[] = {
	"Escalated to the supervisor; {X} repeat contacts.",
	"Call recording reviewed.",
};

/* 咨询 */
/* Aligned by topic (the ticket's sym): warranty, trade-in, points,
 * stores. */
static const char *const z_inf_s[] = {
	"[质保期|保修期]咨询", "{P}有没有以旧换新活动？", "会员[权益|积分]咨询",
	"请问[有线下门店吗|{C}有体验店吗]",
};
static const char *const z_inf_p[] = {
	"想问一下{P}的保修期是多久，从哪天开始算？",
	"现在有没有以旧换新的活动？旧[机器|的那台]可以抵多少钱？",
	"会员积分[可以抵现金吗|能当钱用吗]？[积分快过期了。|]",
	"我在{C}，附近有没有可以体验的门店？",
	"这款{P}和上一代有什么区别？",
	"{P}[能接入小爱同学吗|支持HomeKit吗|可以接入米家吗]？",
	"[说明书丢了|说明书看不懂]，{P}的[定时功能|童锁]怎么设置？",
};
static const char *const z_inf_m[] = {
	"客户来电咨询{P}[保修政策|以旧换新活动|使用方法]，已解答。",
	"客户咨询{C}线下门店地址，已告知。",
};
static const char *const z_inf_r[] = {
	"{P}整机保修[一|两|三]年，[自购买之日起计算|以发票日期为准]。",
	"目前有以旧换新活动，旧机[按品牌和成色|评估后]最高可抵[300|500]元。",
	"会员积分100分可抵1元，[在下单时直接抵扣|每单最多抵扣订单金额的10%]。",
	"我们在{C}有[两家|一家]门店，[都可以体验|周末也营业]。",
};
static const char *const z_inf_q[] = {
	"请问您指的是哪一款型号？", "请问旧机是什么品牌、用了几年？",
	"请问您的积分是什么时候到期的？", "请问您所在的城市是？",
};
static const char *const z_inf_a[] = {
	"就是{P}。", "[格力|美的|海尔]的，用了[五年|七八年]了。",
	"[下个月底|年底]就过期了。", "我在{C}。",
};
static const char *const z_inf_x[] = {
	"保修政策和电子保修卡已发送给您，[请查收|注意保存]。",
	"以旧换新的预约链接已发您，上门评估免费。",
	"已为您查询，您的积分可在下单时直接抵扣，[过期前记得使用|本月底前有效]。",
	"{C}的门店地址已发送给您，[营业时间10:00-22:00|周末也营业]。",
};
static const char *const z_inf_o[] = {
	"[按你们说的|按说明]设置了，还是不行。", "门店说没有这个活动。",
};
static const char *const z_inf_n[] = {
	"售前咨询，已解答。", "客户有购买意向，转销售跟进。",
};
static const char *const e_inf_s[] = {
	"Warranty question", "Trade-in offer for {P}?", "Membership points",
	"Is there a store near me?",
};
static const char *const e_inf_p[] = {
	"How long is the warranty on the {P}, and when does it start?",
	"Do you have a trade-in offer? How much is my old one worth?",
	"Can I use membership points as cash?",
	"I'm in {C}; is there a store where I can try it?",
	"What's the difference between this {P} and the previous model?",
	"Does the {P} work with Google Home or HomeKit?",
};
static const char *const e_inf_m[] = {
	"Customer called about the {P} [warranty|trade-in|settings]; answered.",
	"Customer asked for a store in {C}; address given.",
};
static const char *const e_inf_r[] = {
	"The {P} has a [one|two|three]-year warranty from the date on the invoice.",
	"There is a trade-in offer; old devices are worth up to 500 CNY depending on brand and condition.",
	"100 points are worth 1 CNY at checkout.",
	"We have [a store|two stores] in {C} where you can try it.",
};
static const char *const e_inf_q[] = {
	"Which model do you mean?", "What brand is the old one, and how old?",
	"When do your points expire?", "Which city are you in?",
};
static const char *const e_inf_a[] = {
	"The {P}.", "A [Haier|Midea|Gree], about [five|eight] years old.",
	"At the end of [next month|the year].", "I'm in {C}.",
};
static const char *const e_inf_x[] = {
	"I've sent you the warranty terms and your e-warranty card.",
	"Here's the link to book a free trade-in valuation.",
	"Your points can be used at checkout[ until the end of the month|].",
	"I've sent you the address of our {C} store; it's open 10:00-22:00.",
};
static const char *const e_inf_o[] = {
	"I did what you said and it still doesn't work.",
	"The store says there's no such offer.",
};
static const char *const e_inf_n[] = {
	"Pre-sales question, answered.", "Interested in buying; passed to sales.",
};

/* 出行服务: the concierge of the membership; its conversations are
 * CrossWOZ's (gen-woz.c), these are the rest. */
static const char *const z_trv_s[] = {
	"出行咨询", "会员礼宾服务咨询", "北京出行安排",
};
static const char *const z_trv_p[] = {
	"[下周|这周末]要去北京，想请礼宾帮忙安排一下。",
};
static const char *const z_trv_m[] = {
	"会员来电咨询北京[酒店|餐馆|景点]，已推荐。",
	"会员来电咨询北京出行安排，已按需求推荐。",
};
static const char *const z_trv_r[] = {
	"[好的|没问题]，我再帮您[找一找|看一看]，[请稍等|马上回复您]。",
	"抱歉给您添麻烦了，[我这就|马上]为您重新[安排|推荐]。",
};
static const char *const z_trv_q[] = {
	"请问您对[价格|位置|评分]有什么要求？",
};
static const char *const z_trv_a[] = { "[评分高一点的|离地铁近一点的]就行。", };
static const char *const z_trv_x[] = {
	"[已为您预订|已帮您确认]，[预订信息已短信发送|确认短信稍后发到您手机]。",
};
static const char *const z_trv_o[] = {
	"[上次|之前]推荐的[酒店已经满房了|餐馆那天没开门]，还能再推荐一个吗？",
	"[上次|之前]推荐的景点[在维修，没开放|人太多了]，有没有别的？",
};
static const char *const z_trv_n[] = {
	"会员礼宾，已推荐。", "客户要求预订，已转礼宾组跟进。",
};
static const char *const z_trv_hotel[] = {
	"[酒店|住宿]咨询", "[帮忙|麻烦]推荐[一家|个]酒店", "北京酒店推荐",
};
static const char *const z_trv_food[] = {
	"餐厅推荐", "[附近|北京]有什么好吃的", "餐馆咨询",
};
static const char *const z_trv_sight[] = {
	"景点推荐", "[周末|这周末]去哪玩", "景点门票咨询",
};
static const char *const z_trv_ride[] = {
	"打车[咨询|预约]", "地铁怎么走", "出行路线咨询",
};

struct stext {
	struct list s, p, m, r, q, a, x, o, n;
};
#define ST(z) {L(z##_s), L(z##_p), L(z##_m), L(z##_r), L(z##_q), L(z##_a), \
	L(z##_x), L(z##_o), L(z##_n)}
static const struct stext texts[SC_N][2] = {
	[SC_PAY] = {ST(z_pay), ST(e_pay)},
	[SC_REFUND] = {ST(z_ref), ST(e_ref)},
	[SC_INVOICE] = {ST(z_inv), ST(e_inv)},
	[SC_SHIP] = {ST(z_ship), ST(e_ship)},
	[SC_RETURN] = {ST(z_ret), ST(e_ret)},
	[SC_DEVICE] = {ST(z_dev), ST(e_dev)},
	[SC_REPAIR] = {ST(z_rep), ST(e_rep)},
	[SC_INSTALL] = {ST(z_ins), ST(e_ins)},
	[SC_ACCOUNT] = {ST(z_acc), ST(e_acc)},
	[SC_COMPLAIN] = {ST(z_cmp), ST(e_cmp)},
	[SC_INFO] = {ST(z_inf), ST(e_inf)},
	[SC_TRAVEL] = {ST(z_trv), ST(z_trv)},
};

const struct scen_info scens[SC_N] = {
	[SC_PAY] = {"支付失败", 9, 1, K_FIN, 0, 0, 0, 60,
		    {"支付", "重复扣款", "催单"}},
	[SC_REFUND] = {"退款", 10, 1, K_FIN, 0, 150, 0, 30,
		       {"退款", "催单", "财务"}},
	[SC_INVOICE] = {"发票", 5, 1, K_FIN, 0, 365, 0, 45,
			{"发票", "企业客户", "财务"}},
	[SC_SHIP] = {"物流", 12, 1, K_SHIP, 0, 45, 0, 50,
		     {"物流", "催单", "丢件"}},
	[SC_RETURN] = {"退换货", 6, 1, K_SHIP, 0, 45, 0, 35,
		       {"退货", "换货", "七天无理由"}},
	[SC_DEVICE] = {"设备故障", 12, 0, K_TECH, 0, -1, 0, 45,
		       {"故障", "设备离线", "远程指导"}},
	[SC_REPAIR] = {"售后维修", 9, 1, K_REPAIR, 1, -1, 0, 3,
		       {"上门", "质保内", "配件"}},
	[SC_INSTALL] = {"安装预约", 5, 1, K_REPAIR, 0, 60, P_INSTALL, 10,
			{"安装", "预约", "辅材"}},
	[SC_ACCOUNT] = {"账号", 8, 0, K_ACCOUNT, 0, -1, 0, 75,
			{"账号", "安全", "验证码"}},
	[SC_COMPLAIN] = {"投诉", 5, 0, K_COMPLAIN, 0, -1, 0, 15,
			 {"投诉", "升级", "回访"}},
	[SC_INFO] = {"咨询", 9, 0, K_INFO, 0, -1, 0, 85,
		     {"咨询", "售前", "会员"}},
	[SC_TRAVEL] = {"出行服务", 6, 0, K_TRAVEL, 0, 0, 0, 90,
		       {"礼宾", "出行", "会员"}},
};

/* ------------------------------------------------- generic phrases */

static const char *const z_greet[] = {
	"您好，", "你好，", "客服你好，", "在吗？", "亲，", "你好！", "您好！",
	"客服您好，", "打扰一下，",
};
static const char *const e_greet[] = {
	"Hi!", "Hello!", "Hi there!", "Hello support!", "Good morning!", "Hey!",
};
static const char *const z_mail_greet[] = {
	"尊敬的客服：\n\n", "客服您好：\n\n", "您好，\n\n", "售后部门：\n\n",
	"你好！\n\n",
};
static const char *const e_mail_greet[] = {
	"Dear Support,\n\n", "Hello,\n\n", "Hi team,\n\n",
	"To whom it may concern,\n\n", "Hi there,\n\n",
};
static const char *const z_intro[] = {
	"我在{B}买的{P}，订单号{O}。", "订单{O}，",
	"{B}在你们官方商城下的单（{O}），买的是{P}。", "我的订单号是：{O}\n",
	"{B}在[官网|APP|京东旗舰店|天猫旗舰店]买了一台{P}（订单{O}）。",
};
static const char *const e_intro[] = {
	"I bought a {P} on {B}, order {O}.", "Order {O}:",
	"Regarding my order {O} (a {P}, bought {B}):",
	"On {B} I ordered a {P} from your [website|app] (order {O}).",
};
static const char *const z_hist[] = {
	"{D}第一次联系了[在线客服|热线]，客服说{X}个工作日内给答复。",
	"后来又打了热线，客服让我[再等等|耐心等待]，说[已经加急了|会有专人联系]。",
	"[前天|上周]又在[APP|小程序]里留言了，到现在[还是没有回复|也没人理]。",
	"[昨天|前天]收到一条短信说“已处理”，但问题[根本没有解决|一点没变]。",
	"中间有个客服打电话过来，问了一遍情况就[没有下文了|再也没消息了]。",
};
static const char *const e_hist[] = {
	"On {D} I first contacted your [live chat|hotline] and was told I'd hear back within {X} business days.",
	"Then I called the hotline and was told it had been escalated.",
	"[Two days ago|Last week] I left a message in the app; still no answer.",
	"Yesterday I got a text saying \"resolved\", but nothing has changed.",
	"Someone called me once, asked the same questions, and never called back.",
};
static const char *const z_fill[] = {
	"麻烦[尽快|早点|抓紧]帮我处理一下[，谢谢|，辛苦了|]。",
	"我已经等了[好几天|一个多星期|三天]了，[一直没有人联系我|到现在都没人管|还是没有结果]。",
	"之前也打过你们的[客服电话|400热线|售后电话]，排队排了[半个小时|二十多分钟|快一个小时]。",
	"这个问题已经[影响到我正常使用了|严重影响生活了|让我很头疼]。",
	"如果需要[照片|视频|截图]，我可以[补充|再发]。",
	"[你们的APP里|官网上|小程序里]找不到相关的入口，只能在这里留言。",
	"希望[给一个明确的处理时间|今天之内给我答复|尽快给个说法]。",
	"[朋友推荐|同事推荐|看了测评]我[买的|才选的]你们家的产品，没想到会遇到这种[情况|事]。",
	"我是[老客户了|你们的会员|用了你们家好几年的产品]，一直[很信任|挺认可]你们的品牌。",
	"[工作日白天|上班时间]不方便接电话，最好[晚上七点以后|中午十二点到一点|周末]联系我。",
	"看了[网上的常见问题解答|帮助中心的文章|说明书]，没有找到解决办法。",
	"如果实在解决不了，我要求[退货退款|换一台新的|一个说法]。",
	"请不要再让我重复描述问题了，[之前已经说过很多遍|前面两个客服都问过了|电话里也讲过]。",
	"另外，[上次的问题也还没有彻底解决|之前申请的发票也还没收到|上回说的优惠券也没给]。",
	"[附件是截图|截图在附件里|我拍了照片]，请[查收|看一下]。",
	"我在{C}，不知道这边有没有[服务网点|售后网点|维修点]。",
	"购买渠道是[官方旗舰店|京东自营|线下门店|官网商城]，有购买凭证。",
	"[产品本身|东西本身]我还是挺满意的，就是这个问题[比较闹心|太折腾人了|有点影响心情]。",
	"离我第一次反馈已经过去[一周|五天|快半个月]了。",
	"我把问题[描述得尽量详细|都写清楚]了，希望[一次解决|别再来回问了]。",
	"刚才在线客服说转人工，结果前面排了[二十多|三十多|十几]人[。|，等了半天。]",
	"你们的[售后电话|400电话|客服热线][一直占线|总是忙音|老是打不通]，[根本打不进去|打了十几次都没人接]。",
	"这已经是我第{X}次联系你们了。",
	"[麻烦|请]回复的时候[注明|带上]订单号，免得又[对不上|搞错]。",
	"今天[下午|晚上]我都在，可以随时[沟通|电话联系]。",
	"[说实话|坦白讲]，[有点后悔买了|体验挺差的]。",
};
static const char *const e_fill[] = {
	"Could you please look into this [as soon as possible|today]?",
	"I've been waiting for [several days|over a week] and nobody has contacted me.",
	"I already called your hotline, but I was on hold for [30|45] minutes.",
	"This is really [affecting my daily routine|annoying].",
	"I can send [photos|a video] if that helps.",
	"I'm a long-time customer and have always [trusted|liked] your brand.",
	"I'm not available during working hours, so [email|a text] is best.",
	"I checked the [FAQ|help center] on your website, but it didn't help.",
	"If this can't be fixed, I'd like [a full refund|a replacement].",
	"Please don't ask me to describe the problem again; I've done that [twice|three times] already.",
	"Also, the [issue|problem] from last time still isn't [fully solved|sorted].",
	"[Screenshot attached.|I've attached a screenshot.]",
	"I'm based in {C}; is there a service center nearby?",
	"I bought it from your [official store|website] and [have the receipt|kept the invoice].",
	"Overall I [like|am happy with] the product, it's just this one issue.",
	"It has been [a week|five days] since I first reported this.",
	"The chat bot kept sending me in circles, so I'm [writing here|emailing you] instead.",
	"Your hotline is [always busy|never answered].",
	"I've contacted you {X} times now.",
	"[Honestly|Frankly], I'm starting to regret this purchase.",
};
/* For products: a fault, a repair, an installation. */
static const char *const z_fill_dev[] = {
	"说明书第[12|8|23]页写的方法我试过了，[没用|还是不行]。",
	"我[周末|晚上]都在家，随时可以上门。",
	"家里有[老人和小孩|孕妇|刚出生的宝宝]，希望能优先安排。",
	"顺便问一下，有没有[延保服务|以旧换新活动]？",
	"我上网查了一下，好像[很多人|不少人]都遇到过同样的问题。",
	"[这台|这个]{P}[买了才|用了]不到[一年|两年]，[质量真的不行|不应该这样吧]。",
	"[保修卡|发票|购物小票]我都[留着|拍照存了]。",
};
static const char *const e_fill_dev[] = {
	"I tried the steps on page [12|8] of the manual, no luck.",
	"I'm home [all weekend|in the evenings] if someone needs to come by.",
	"By the way, do you offer an extended warranty?",
	"Apparently many people online have the same problem.",
	"The {P} is less than [a year|two years] old.",
};
static const char *const z_emo[] = {
	"真的很着急！！！", "😡😡😡", "太失望了。", "急急急！", "拜托了🙏",
	"已经第三次反馈了，再不处理我就去12315投诉了。", "唉……", "🙏🙏",
	"[心累|无语]了。",
};
static const char *const e_emo[] = {
	"Please help ASAP!!!", "Really frustrated 😡", "So disappointed.",
	"¯\\_(ツ)_/¯", "Please, please fix this 🙏", "This is unacceptable.",
};
static const char *const z_contact[] = {
	"我的电话是{H}，方便的话请回电。", "联系电话：{H}",
	"有问题可以打我电话{H}[，晚上也可以|]。",
};
static const char *const e_contact[] = {
	"You can reach me at {H}.", "My number is {H}.",
	"Call me on {H}, any time after 6 pm.",
};
static const char *const z_close[] = {
	"谢谢！", "麻烦了🙏", "辛苦了😊", "谢谢你们。", "等你们回复。", "👍",
	"[盼复|期待回复]。",
};
static const char *const e_close[] = {
	"Thanks!", "Thanks in advance 🙏", "Cheers 👍", "Regards", "Thank you.",
	"Best,",
};
static const char *const z_agent_gen[] = {
	"如有其他问题，欢迎随时联系我们。", "给您带来的不便，我们深表歉意。",
	"处理结果会通过短信通知您，请留意。",
	"[感谢您的耐心等待|感谢您的理解与支持]。",
	"[有任何问题|如需帮助]，可以直接回复[本邮件|这条消息]。",
};
static const char *const e_agent_gen[] = {
	"Let us know if there's anything else we can do.",
	"We're sorry for the trouble.", "You'll get a text message once it's done.",
	"[Thanks for your patience.|Thank you for bearing with us.]",
	"Just reply to this [email|message] if you need anything.",
};
static const char *const z_auto[] = {
	"【自动回复】您好，您的[消息|来信]已收到，客服将在工作时间内尽快回复您。工作时间：周一至周五 9:00-18:00。",
	"【自动回复】感谢您的来信，我们已收到您的问题，会在24小时内回复。",
	"您的问题已提交，正在排队处理，[预计|一般]{X}小时内会有客服联系您。",
};
static const char *const e_auto[] = {
	"(Auto-reply) Thanks for contacting us. We've received your message and will reply within one business day.",
	"(Auto-reply) Your request is in the queue; an agent will reply within {X} hours.",
};
static const char *const z_offhours[] = {
	"亲，现在是非工作时间，客服上班时间为每天8:00-22:00，您可以先留言，上班后第一时间回复您~",
	"【自动回复】当前不在服务时间（8:00-22:00），请留言，客服上线后会按顺序回复。",
};
static const char *const e_offhours[] = {
	"(Auto-reply) We're offline now; agents are available 8:00-22:00 Beijing time and will reply in order.",
};
static const char *const z_thanks[] = {
	"好的，谢谢！", "[收到|好的]，辛苦了。", "[明白了|懂了]，谢谢你们。",
	"已经[好了|可以了]，谢谢！", "好的，那我等[你们消息|通知]。",
	"行，麻烦[尽快|快一点]。",
};
static const char *const e_thanks[] = {
	"OK, thanks!", "Got it, thank you.", "It works now, thanks!",
	"Fine, I'll wait to hear from you.", "Thanks, please be quick.",
};
static const char *const z_bye[] = {
	"不客气，[祝您生活愉快|有问题随时联系我们]！", "感谢您的耐心，[祝您生活愉快|再见]！",
	"[好的|嗯嗯]，有问题随时找我们哦~",
};
static const char *const e_bye[] = {
	"You're welcome, [have a nice day|take care]!",
	"Thanks for your patience; bye for now!",
};
static const char *const z_chase[] = {
	"请问现在处理得怎么样了？", "还没有人联系我。", "[能不能|可以]快一点吗？？",
	"已经过去{X}天了，[怎么还没消息|到底什么时候处理]？",
	"[说好的电话也没打|一直没等到回复]，怎么回事？",
};
static const char *const e_chase[] = {
	"Any update on this?", "Still waiting to hear from you.",
	"Can you hurry, please?", "It's been {X} days. What's happening?",
};
static const char *const z_again_reply[] = {
	"非常抱歉问题再次出现，[我们马上为您处理|已重新为您登记]。",
	"抱歉让您久等了，这次我们会[跟进到底|安排专人负责]。",
};
static const char *const e_again_reply[] = {
	"I'm sorry it happened again; [we're on it now|I've reopened your case].",
	"Sorry for the wait; this time one person will follow it to the end.",
};
static const char *const z_transfer[] = {
	"您的问题需要[售后|专业|财务]同事处理，已为您转交，[请保持电话畅通|会有专人联系您]。",
};
static const char *const e_transfer[] = {
	"This needs our [after-sales|specialist|finance] team; I've passed it on and they'll contact you.",
};
static const char *const z_callend[] = {
	"已告知处理时效。", "已安抚客户情绪。", "客户表示认可。", "待跟进。",
};
static const char *const e_callend[] = {
	"Told them the timeline.", "Customer calmed down.", "Customer agreed.",
	"To follow up.",
};
static const char *const z_ostype[] = {
	"iOS 17.5", "iOS 18.1", "Android 14", "Android 13", "HarmonyOS 4.2",
};

static const char *const zc_good[] = {
	"[处理很及时|回复很快]，[满意|点赞]", "客服态度很好👍",
	"问题解决了，谢谢[小姐姐|客服]", "师傅很专业[，还帮忙清理了现场|]",
	"速度快，点赞", "非常满意！", "[一次就解决了|没让我跑第二趟]，好评",
	"[耐心|专业]，解释得很清楚",
};
static const char *const zc_mid[] = {
	"还行吧", "解决了，就是等得有点久", "一般", "回复有点慢",
	"[问题解决了|还可以]，但是[流程太复杂|要等好几天]", "态度可以，效率一般",
};
static const char *const zc_bad[] = {
	"等太久了", "问题没有解决", "态度敷衍😡", "一直在踢皮球", "再也不买了",
	"[同一个问题|一件小事]反复沟通了好几次", "[承诺的|说好的]回电一直没有",
};
static const char *const ec_good[] = {
	"Quick and helpful", "Great service, thanks!",
	"Solved on the first contact 👍", "Very professional technician",
	"[Friendly|Patient] and clear",
};
static const char *const ec_mid[] = {
	"OK", "Fixed, but it took a while", "Average", "Slow replies",
	"Solved, but too many steps",
};
static const char *const ec_bad[] = {
	"Took far too long", "Problem not solved", "Nobody listened 😡",
	"Passed around between teams", "Had to explain it three times",
};
/* A good word about what was done, by kind (K_*). */
static const char *const zc_kind[] = {
	"[退款|钱]很快就到账了", "[快递|包裹]第二天就到了", "远程就搞定了，不用等师傅",
	"师傅[准时上门|很专业]，{P}修好了", "账号很快就恢复了", "主管亲自回电，态度诚恳",
	"[问题|疑问]一下就讲清楚了", "推荐的[酒店|餐馆|地方]很不错",
};
static const char *const ec_kind[] = {
	"The refund came quickly", "The parcel arrived the next day",
	"Fixed remotely, no visit needed", "The technician fixed the {P} on time",
	"Got my account back fast", "The supervisor called me himself",
	"Clear answer straight away", "Great recommendations",
};

/* clang-format on */

/* ------------------------------------------------------ expansion */

static void expand_n(struct arena *a, struct rng *r, const struct ticket *t,
                     const char *s, size_t n);

/* A day shortly before the ticket, after the order if there is one. */
static long
recent(struct rng *r, const struct ticket *t)
{
	long d = t->at - between(r, 1, 10) * DAY;

	if (t->has_order && d < t->od.bought)
		d = t->od.bought + (t->at - t->od.bought) / 2;
	return d;
}

static void
slot(struct arena *a, struct rng *r, const struct ticket *t, char c)
{
	static const char alnum[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	const struct product *pr = &products[t->prod];
	int zh = t->lang == ZH, k;

	switch (c) {
	case 'P':
		a_str(a, zh ? pr->zh : pr->en);
		break;
	case 'Y':
		expand(a, r, t, zh ? pr->zsym[t->sym] : pr->esym[t->sym]);
		break;
	case 'Q':
		a_str(a, zh ? pr->zpart[below(r, 3)] : pr->epart[below(r, 3)]);
		break;
	case 'E': /* the ticket's error code: the same in all its text */
		a_str(a, pr->err[(unsigned)t->sym % 3]);
		break;
	case 'F':
		a_str(a, PICK(r, payerr));
		break;
	case 'O':
		if (t->order_no)
			a_put(a, t->order_no, t->order_len);
		else
			a_str(a, zh ? "（订单号找不到了）" : "(lost the number)");
		break;
	case 'A':
		a_amount(a, t->cents, !zh);
		break;
	case 'D':
		a_prosedate(a, recent(r, t), t->lang);
		break;
	case 'B':
		a_prosedate(a, t->has_order ? t->od.bought : recent(r, t),
		            t->lang);
		break;
	case 'K':
		k = (int)below(r, 3);
		a_str(a, k == 0 ? "SF" : k == 1 ? "JD" : "YT");
		a_num(a, next(r) % 1000000000000ULL, 12);
		break;
	case 'R':
		a_str(a, zh ? PICK(r, zcouriers) : PICK(r, ecouriers));
		break;
	case 'X':
		a_num(a, (uint64_t)between(r, 3, 9), 0);
		break;
	case 'C':
		k = t->anon ? (int)below(r, NCITY_CN) : t->cu.city;
		a_str(a, zh ? cities[k].zh : cities[k].en);
		break;
	case 'H':
		if (!t->anon)
			a_phone(a, r, &t->cu);
		else
			a_str(a, zh ? "（电话稍后补充）" : "(will send later)");
		break;
	case 'G':
		if (t->cu.org >= 0)
			a_str(a, t->cu.lang == ZH ? zorgs[t->cu.org].name
			                          : eorgs[t->cu.org].name);
		else
			a_str(a, zh ? PICK(r, zorgs).name : PICK(r, eorgs).name);
		break;
	case 'I':
		a_str(a, "91");
		a_num(a, 310000 + below(r, 90000), 6);
		a_str(a, "MA");
		for (k = 0; k < 9; k++)
			a_put(a, &alnum[below(r, sizeof(alnum) - 1)], 1);
		a_put(a, &alnum[below(r, 10)], 1);
		break;
	case 'S':
		if (t->serial) {
			a_put(a, t->serial, t->serial_len);
		} else {
			a_str(a, "SN-");
			a_str(a, pr->sn);
			a_put(a, "-", 1);
			a_num(a, next(r) % 100000000, 8);
		}
		break;
	case 'U':
		a_str(a, t->anon ? "user" : t->cu.name2);
		break;
	case 'T':
		a_time(a, t->at - between(r, 0, 6 * HOUR), TF_BARE);
		break;
	case 'N': /* how the customer is known on this channel */
		a_str(a, t->anon                                ? ""
		         : t->src == S_WEIBO && t->cu.wbname[0] ? t->cu.wbname
		                                                : t->cu.name);
		break;
	case 'M':
		a_str(a, zh ? PICK(r, zbanks) : PICK(r, ebanks));
		break;
	case 'W':
		a_str(a, zh ? PICK(r, zslots) : PICK(r, eslots));
		break;
	case 'V':
		a_str(a, "v3.");
		a_num(a, below(r, 9), 0);
		a_put(a, ".", 1);
		a_num(a, below(r, 20), 0);
		break;
	case 'Z':
		a_num(a, 30 + 10 * below(r, 28), 0);
		a_str(a, ".00");
		break;
	case 'J':
		if (zh)
			a_str(a, t->festival == 1 ? "618" : "双11");
		else
			a_str(a, t->festival == 1 ? "618 sale" : "Singles' Day");
		break;
	default:
		a_put(a, "{", 1);
		a_put(a, &c, 1);
		a_put(a, "}", 1);
		break;
	}
}

/* Expands s[0..n): "[a|b]" picks one, "{X}" fills a slot. */
static void
expand_n(struct arena *a, struct rng *r, const struct ticket *t,
         const char *s, size_t n)
{
	size_t i = 0, run = 0, j, depth, alt[16], nalt, end;
	uint32_t k;

	while (i < n) {
		/* Text bytes (most of them, and all of UTF-8's) first. */
		while (i < n && s[i] != '{' && s[i] != '[')
			i++;
		if (i == n)
			break;
		if (s[i] == '{' && i + 2 < n && s[i + 2] == '}' &&
		    s[i + 1] >= 'A' && s[i + 1] <= 'Z') {
			a_put(a, s + run, i - run);
			slot(a, r, t, s[i + 1]);
			i += 3;
			run = i;
			continue;
		}
		if (s[i] != '[') {
			i++;
			continue;
		}
		nalt = 0;
		alt[nalt++] = i + 1;
		for (j = i + 1, depth = 0; j < n; j++) {
			if (s[j] == '[') {
				depth++;
			} else if (s[j] == ']') {
				if (depth == 0)
					break;
				depth--;
			} else if (s[j] == '|' && depth == 0 &&
			           nalt < NELEM(alt)) {
				alt[nalt++] = j + 1;
			}
		}
		if (j == n) { /* no "]": a "[" of the text */
			i++;
			continue;
		}
		a_put(a, s + run, i - run);
		k = below(r, (uint32_t)nalt);
		if (k >= nalt) /* never: below() is less than nalt */
			k = 0;
		end = k + 1 < nalt ? alt[k + 1] - 1 : j;
		expand_n(a, r, t, s + alt[k], end - alt[k]);
		i = j + 1;
		run = i;
	}
	a_put(a, s + run, n - run);
}

void
expand(struct arena *a, struct rng *r, const struct ticket *t, const char *s)
{
	expand_n(a, r, t, s, strlen(s));
}

static void
expand_list(struct arena *a, struct rng *r, const struct ticket *t,
            const struct list *l)
{
	expand(a, r, t, l->v[below(r, l->n)]);
}

#define TPICK(a, r, t, z, e)                                                   \
	expand((a), (r), (t),                                                  \
	       (t)->lang == ZH ? PICK((r), z) : PICK((r), e))

/*
 * Append n sentences of l, a window from start (-1: a random one), in the
 * order of the table (so that an opening sentence comes first),
 * separated by sep.
 */
static void
sentences_at(struct arena *a, struct rng *r, const struct ticket *t,
             const struct list *l, uint32_t n, const char *sep, int from)
{
	uint32_t start = from >= 0 ? (uint32_t)from % l->n : below(r, l->n);
	uint32_t j, first = 1;

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

static void
sentences(struct arena *a, struct rng *r, const struct ticket *t,
          const struct list *l, uint32_t n, const char *sep)
{
	sentences_at(a, r, t, l, n, sep, -1);
}

/* Item k of l, wrapping: what a ticket's topic (its sym) picks. */
static void
expand_topic(struct arena *a, struct rng *r, const struct ticket *t,
             const struct list *l)
{
	expand(a, r, t, l->v[(uint32_t)t->sym % l->n]);
}

static const struct stext *
stx(const struct ticket *t)
{
	return &texts[t->scen][t->lang == ZH ? 0 : 1];
}

void
woz_say(struct arena *a, struct rng *r, int w, unsigned k)
{
	const char *s = woz_text[woz_dialogs[w].first + k], *p;

	while ((p = strchr(s, '#')) != NULL && (p[1] == 'C') &&
	       (p[2] == 'X' || p[2] == 'P')) {
		a_put(a, s, (size_t)(p - s));
		if (p[2] == 'X') {
			a_str(a, PICK(r, cxs));
		} else {
			a_str(a, "京");
			a_put(a, &"ABCEFGHJKLNPQ"[below(r, 13)], 1);
			a_str(a, "·");
			a_num(a, below(r, 100000), 5);
		}
		s = p + 3;
	}
	a_str(a, s);
}

/* A subject for a concierge ticket, from what its conversation is about. */
static void
woz_subject(struct arena *a, struct rng *r, const struct ticket *t)
{
	static const struct list hotel = L(z_trv_hotel), food = L(z_trv_food),
	                         sight = L(z_trv_sight), ride = L(z_trv_ride),
	                         other = L(z_trv_s);
	unsigned dom = woz_dialogs[t->woz].dom;
	const char *s;
	size_t mk;

	if (pct(r, 35)) {
		/* The chat's first line, cut to 16 characters, as chat
		 * systems title their tickets. */
		mk = a->len;
		woz_say(a, r, t->woz, 0);
		s = a->buf + mk;
		{
			size_t i = 0, chars = 0, len = a->len - mk;

			while (i < len && chars < 16) {
				unsigned char c = (unsigned char)s[i];

				i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
				chars++;
			}
			if (i < len) {
				a->len = mk + i;
				a_str(a, "…");
			}
		}
		return;
	}
	expand_list(a, r, t,
	            dom & 1   ? &hotel
	            : dom & 2 ? &food
	            : dom & 4 ? &sight
	            : dom & 24 ? &ride
	                      : &other);
}

void
make_subject(struct arena *a, struct rng *r, const struct ticket *t)
{
	static const char *const zre[] = {"回复：", "Re: ", "转发："};
	const struct stext *x = stx(t);
	int zh = t->lang == ZH;

	if (t->src == S_IOT) {
		expand(a, r, t, zh ? "设备告警：{P} {E}" : "Device alert: {P} {E}");
		return;
	}
	if (t->woz >= 0) {
		woz_subject(a, r, t);
		return;
	}
	if (t->src == S_EMAIL && pct(r, 8))
		a_str(a, zh ? PICK(r, zre) : "Re: ");
	else if (t->prio == 3 && pct(r, 40))
		a_str(a, zh ? "【紧急】" : "URGENT: ");
	if (t->festival && pct(r, 25) &&
	    (t->scen == SC_SHIP || t->scen == SC_PAY || t->scen == SC_REFUND)) {
		expand(a, r, t,
		       zh ? "{J}订单[还没发货|物流不动了|退款问题|付款异常]"
		          : "{J} order [not shipped yet|stuck|refund|payment "
		            "problem]");
		return;
	}
	if (t->scen == SC_INFO)
		expand_topic(a, r, t, &x->s);
	else
		expand_list(a, r, t, &x->s);
}

/* The problem as the customer tells it: n sentences, in order. */
static void
problem(struct arena *a, struct rng *r, const struct ticket *t, uint32_t n,
        const char *sep)
{
	const struct stext *x = stx(t);

	sentences_at(a, r, t, &x->p, n, sep, t->sym);
	if ((t->scen == SC_DEVICE || t->scen == SC_REPAIR) && pct(r, 50)) {
		a_str(a, sep);
		expand(a, r, t, t->lang == ZH ? "{Y}。" : "Also, {Y}.");
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
	uint32_t n = 6 + below(r, 18), k;

	a_str(a, t->lang == ZH ? "\n\n日志如下：\n" : "\n\nLog:\n");
	for (k = 0; k < n; k++) {
		tt += between(r, 1, 90);
		a_time(a, tt, TF_BARE);
		a_str(a, PICK(r, lines));
		a_put(a, "\n", 1);
	}
}

/* n sentences that say little, some about the product when it is one
 * that broke. */
static void
fillers(struct arena *a, struct rng *r, const struct ticket *t, uint32_t n,
        const char *sep)
{
	static const struct list zf = L(z_fill), ef = L(e_fill);
	static const struct list zd = L(z_fill_dev), ed = L(e_fill_dev);
	int dev = t->scen == SC_DEVICE || t->scen == SC_REPAIR ||
	          t->scen == SC_INSTALL;

	if (dev && n > 1 && pct(r, 60)) {
		sentences(a, r, t, t->lang == ZH ? &zd : &ed, 1 + below(r, 2),
		          sep);
		a_str(a, sep);
		n--;
	}
	sentences(a, r, t, t->lang == ZH ? &zf : &ef, n, sep);
}

static void
signature(struct arena *a, struct rng *r, const struct ticket *t)
{
	a_str(a, "\n\n--\n");
	a_str(a, t->cu.name);
	if (t->cu.org >= 0) {
		a_put(a, "\n", 1);
		a_str(a, t->cu.lang == ZH ? zorgs[t->cu.org].name
		                          : eorgs[t->cu.org].name);
	}
	if (pct(r, 40)) {
		a_str(a, t->lang == ZH ? "\n手机：" : "\nMobile: ");
		a_phone(a, r, &t->cu);
	}
	if (pct(r, 35))
		expand(a, r, t,
		       t->lang == ZH
		           ? "\n地址：{C}[朝阳区|浦东新区|南山区|天河区|西湖区|武侯区|"
		             "江汉区|鼓楼区]"
		             "[建国路|世纪大道|科技园路|中山路|文三路|人民南路]"
		             "[18|66|88|128|203]号[|[3|5|7]栋[1|2]单元[802|1501|603]]"
		           : "\n[12|48|221] [High Street|Park Road|Station Road], "
		             "{C}");
}

/* An e-mail: greeting, order, the problem, what was tried, more words,
 * feelings, signature, the quoted earlier mail. */
static void
mail_body(struct arena *a, struct rng *r, const struct ticket *t)
{
	static const struct list zhist = L(z_hist), ehist = L(e_hist);
	static const unsigned char fillw[] = {4, 7, 9, 10, 9, 7, 5, 3, 2};
	int zh = t->lang == ZH;
	const char *sep = zh ? "" : " ";

	if (pct(r, 85))
		a_str(a, zh ? PICK(r, z_mail_greet) : PICK(r, e_mail_greet));
	if (t->order_no && t->scen != SC_INSTALL && pct(r, 60)) {
		TPICK(a, r, t, z_intro, e_intro);
		a_str(a, sep);
	}
	problem(a, r, t, 5 + below(r, 3), sep);
	if (pct(r, 70)) {
		a_str(a, "\n\n");
		sentences(a, r, t, zh ? &zhist : &ehist, 1 + below(r, 4), sep);
	}
	a_str(a, "\n\n");
	fillers(a, r, t, 3 + (uint32_t)pickw(r, fillw, NELEM(fillw)), sep);
	if ((t->scen == SC_DEVICE || t->scen == SC_ACCOUNT) && pct(r, 8))
		a_log(a, r, t);
	if (pct(r, 25)) {
		a_str(a, sep);
		TPICK(a, r, t, z_emo, e_emo);
	}
	if (pct(r, 60)) {
		a_str(a, "\n\n");
		TPICK(a, r, t, z_close, e_close);
	}
	if (pct(r, 80))
		signature(a, r, t);
	if (pct(r, 30)) {
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

void
make_body(struct arena *a, struct rng *r, const struct ticket *t)
{
	const struct stext *x = stx(t);
	const struct product *pr = &products[t->prod];
	int zh = t->lang == ZH;
	const char *sep = zh ? "" : " ";

	if (t->src == S_IOT) {
		expand(a, r, t,
		       zh ? "设备告警\n设备：{P}\n序列号：{S}\n告警代码：{E}\n"
		            "告警时间：{T}\n描述："
		          : "Device alert\nDevice: {P}\nSerial: {S}\n"
		            "Code: {E}\nTime: {T}\nDetails: ");
		expand(a, r, t, zh ? pr->zsym[t->sym] : pr->esym[t->sym]);
		a_str(a, zh ? "\n固件版本：v2.3." : "\nFirmware: v2.3.");
		a_num(a, below(r, 9), 0);
		a_str(a, zh ? "\n信号强度：-" : "\nRSSI: -");
		a_num(a, 50 + below(r, 45), 0);
		a_str(a, "dBm");
		return;
	}
	if (t->woz >= 0) {
		woz_say(a, r, t->woz, 0);
		return;
	}
	switch (t->src) {
	case S_EMAIL:
		mail_body(a, r, t);
		return;
	case S_PHONE:
		/* The agent writes a call up. */
		expand_list(a, r, t, &x->m);
		if (pct(r, 65)) {
			a_str(a, zh ? "客户原话：“" : " In the customer's words: \"");
			sentences(a, r, t, &x->p, 1 + below(r, 3), sep);
			a_str(a, zh ? "”" : "\"");
		}
		a_str(a, sep);
		TPICK(a, r, t, z_callend, e_callend);
		return;
	case S_WEIBO:
		a_str(a, zh ? "@启明智家客服 " : "@QimingHome_Care ");
		problem(a, r, t, 1 + below(r, 2), sep);
		if (pct(r, 50)) {
			a_str(a, sep);
			TPICK(a, r, t, z_emo, e_emo);
		}
		if (zh && pct(r, 40))
			a_str(a, " #启明智家售后#");
		return;
	case S_API:
		expand(a, r, t,
		       zh ? "【渠道工单】门店：{G}\n问题描述："
		          : "[Partner ticket] Store: {G}\nIssue: ");
		problem(a, r, t, 2 + below(r, 3), sep);
		if (pct(r, 50)) {
			a_str(a, zh ? "\n顾客补充：" : "\nThe customer adds: ");
			fillers(a, r, t, 1 + below(r, 3), sep);
		}
		return;
	case S_WEB:
	case S_APP:
		if (t->src == S_APP && pct(r, 50))
			a_str(a, zh ? "【APP反馈】" : "(App feedback) ");
		a_str(a, zh ? "问题描述：" : "Description: ");
		problem(a, r, t, 3 + below(r, 3), sep);
		if (pct(r, 75)) {
			a_str(a, zh ? "\n" : " ");
			fillers(a, r, t, 2 + below(r, 4), sep);
		}
		if (t->src == S_APP) {
			expand(a, r, t,
			       zh ? "\n\n设备型号：{P}\nAPP版本：{V}\n系统："
			          : "\n\nDevice: {P}\nApp: {V}\nOS: ");
			a_str(a, PICK(r, z_ostype));
		} else if (!t->anon && pct(r, 50)) {
			a_str(a, zh ? "\n联系方式：" : "\nContact: ");
			a_phone(a, r, &t->cu);
		}
		return;
	default:
		break;
	}
	/* Chat and instant messages: short, often a line a thought. */
	if (pct(r, 45))
		sep = "\n";
	if (pct(r, 55)) {
		TPICK(a, r, t, z_greet, e_greet);
		a_str(a, sep);
	}
	if (t->order_no && t->scen != SC_INSTALL && pct(r, 40)) {
		TPICK(a, r, t, z_intro, e_intro);
		a_str(a, sep);
	}
	problem(a, r, t, 2 + below(r, 3), sep);
	if (pct(r, 60)) {
		a_str(a, sep);
		fillers(a, r, t, 1 + below(r, 3), sep);
	}
	if (pct(r, 20)) {
		a_str(a, sep);
		TPICK(a, r, t, z_emo, e_emo);
	}
	if (!t->anon && pct(r, 10)) {
		a_str(a, sep);
		TPICK(a, r, t, z_contact, e_contact);
	}
}

void
make_text(struct arena *a, struct rng *r, const struct ticket *t, int what,
          const char *agent)
{
	const struct stext *x = stx(t);
	int zh = t->lang == ZH, mail = t->src == S_EMAIL;
	const char *sep = zh ? "" : " ";

	switch (what) {
	case TX_AUTO:
		TPICK(a, r, t, z_auto, e_auto);
		return;
	case TX_OFFHOURS:
		TPICK(a, r, t, z_offhours, e_offhours);
		return;
	case TX_ASK:
		expand_topic(a, r, t, &x->q);
		return;
	case TX_ANSWER:
		expand_topic(a, r, t, &x->a);
		return;
	case TX_THANKS:
		TPICK(a, r, t, z_thanks, e_thanks);
		return;
	case TX_BYE:
		TPICK(a, r, t, z_bye, e_bye);
		return;
	case TX_AGAIN:
		if (pct(r, 30)) {
			TPICK(a, r, t, z_greet, e_greet);
			a_str(a, sep);
		}
		expand_list(a, r, t, &x->o);
		return;
	case TX_CHASE:
		TPICK(a, r, t, z_chase, e_chase);
		return;
	case TX_NOTE:
		expand_list(a, r, t, &x->n);
		return;
	case TX_CALLNOTE:
		a_str(a, zh ? "通话小结：" : "Call notes: ");
		expand_list(a, r, t, &x->n);
		a_str(a, sep);
		TPICK(a, r, t, z_callend, e_callend);
		return;
	default:
		break;
	}
	/* The agent writes: a greeting for mail, the words, a signature. */
	if (mail && !t->anon)
		expand(a, r, t, zh ? "{N}您好：\n\n" : "Dear {N},\n\n");
	else if (!t->anon && pct(r, 50))
		expand(a, r, t, zh ? "您好，{N}！" : "Hi {N}, ");
	switch (what) {
	case TX_REPLY:
		expand_topic(a, r, t, &x->r);
		break;
	case TX_SOLVE:
		expand_topic(a, r, t, &x->x);
		break;
	case TX_AGAIN_REPLY:
		if (t->scen != SC_TRAVEL) {
			TPICK(a, r, t, z_again_reply, e_again_reply);
			a_str(a, sep);
		}
		expand_list(a, r, t, &x->r);
		break;
	default: /* TX_TRANSFER */
		TPICK(a, r, t, z_transfer, e_transfer);
		break;
	}
	if (mail || pct(r, 50)) {
		a_str(a, sep);
		TPICK(a, r, t, z_agent_gen, e_agent_gen);
	}
	if (mail) {
		a_str(a, zh ? "\n\n客服 " : "\n\n-- ");
		a_str(a, agent);
		a_str(a, zh ? "\n启明智家客户服务中心" : "\nQiming Home Customer Care");
	} else if (pct(r, 30)) {
		a_str(a, zh ? "（客服 " : " (");
		a_str(a, agent);
		a_str(a, zh ? "）" : ")");
	}
}

void
make_comment(struct arena *a, struct rng *r, const struct ticket *t, int nps,
             int score)
{
	int good = nps ? score >= 9 : score >= 4;
	int bad = nps ? score <= 6 : score <= 2;
	int k = scens[t->scen].kind;

	if (good && pct(r, 35)) {
		expand(a, r, t, t->lang == ZH ? zc_kind[k] : ec_kind[k]);
		return;
	}
	if (good)
		TPICK(a, r, t, zc_good, ec_good);
	else if (bad)
		TPICK(a, r, t, zc_bad, ec_bad);
	else
		TPICK(a, r, t, zc_mid, ec_mid);
}
