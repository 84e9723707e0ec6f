"""The words of reports: what tells work done, a hazard, a fix, a plan or someone else's news
in a message (bot/chat/understand.py reads by them; bot/chat/learned.py gives them to its model
as signals). Nothing here knows people, items or the database.

Invariant: each group matches the words of one meaning only; a group that a negation or a
plan would turn into the positive action (未完成, 准备去) has its own group that says so.
"""

from __future__ import annotations

import re

from knowledge.textnorm import normalize

FIX_WORDS = re.compile(
    r"(已整改|整[改该](完成|完毕|好|完|到位|了|ok)|改(好|完)了?|已改|修(好|复)|处理(好|完)|已(经)?处理(?![中不])|"
    r"已排除|排除了|清理(好|完|干净)|搬走了|拆除|已更换|换(好|了)|固定(好|了)|销号(?!率)|好了|加固|"
    r"重新(布线|安装|设置|张贴|配备)|复[查核](过|合格|通过|没问题)|验收(合格|通过)|整改|恢复正常|清走|清除|"
    r"可以销号|同意销号)"
)
FIX_ONLY = re.compile(
    r"(整[改该]|修(好|复)|加固|拆除|重新(布线|安装|设置)|复[查核]|销号(?!率)|清理|清走|清除|更换|固定(好|了))"
)
# Physical repairs ("栏杆焊好了", "出口已经打开了"): a fix when no task of the person is named.
REPAIR = re.compile(
    r"(焊|补|装|换|修|清|搬|拆|封|堵|挪|移|打开|撤|收|扶正|加装|配齐|配上)\S{0,2}(好|了|走|掉)"
)
# A thing replaced by a safe one ("沼气池盖板换成钢的了", "软管换成金属波纹管了"): on tuned+dev of
# batches 1-179, 119 messages say so; of the 104 that name no item's words, 98 were fixes, 4
# the office's decisions (read before this, by their own words) and 2 renewed signs; of the 15
# that do, 8 were an item's work (signs, plans: left to the model). Not a plan ("要换成水泥的").
SWAPPED = re.compile(r"(?<![要得该算备议])换成(了)?[^，,。\s]{1,8}")
# "岁末年初那个排查 莫得整完 只跑了一半": not finished (fresh batch 181, dev)
UNFINISHED = (
    r"(没|莫|还没|还莫)(得|有)?(整|弄|搞|做|跑|查|排查)完|"
    r"只(跑|查|做|搞|弄|整|巡)了?(一半|一部分|小半)"
)
NEGATED = re.compile(
    r"(还没|还未|尚未|没有|没|还莫)(有)?(巡查|检查|交|报|开|做|完成|搞|弄|签|组织|召开|参加|整改|更新|上交|"
    r"上报|提交|下村|入户)|(?<![从并有])未(交|上交|提交|报|上报|完成)(?!的)|" + UNFINISHED
)
# a hazard left out of an earlier report, now told ("11.20那次巡查漏报了一个：小石坝砖厂传送带没有
# 防护罩，现在补报"), not the round itself reported late
COMPLAINT_ANSWERED = re.compile(r"(投诉|举报|12345|热线|信访).{0,30}(办结|回复|答复|反馈)")
MISSED_HAZARD = re.compile(r"漏(报|登|说|掉)了?(一|两|三|几)(个|处|条|家|户)")
# an unsafe condition seen earlier and told late ("11月3日查的那家砖厂 传送带没有防护罩
# 当时忘记报了"; tuned+dev: 66 such messages hazards, 4 reports)
LATE_TOLD = re.compile(r"(忘记报|忘了报|忘报|没来得及报|当时没报|补报|漏报)")
LATE_ENTRY = re.compile(r"(补登|补录|补报|补记|补上|登记一下|录一下)")
WEAK_HAZARD = re.compile(r"(发现|存在|有(个|一处|一个|处)?(安全)?隐患|隐患[:：]|隐患)")
HAZARD_WORDS = re.compile(
    r"(堵塞|堵住|堵死|占用|被占|乱拉|乱接|私拉|私接|私搭|乱搭|"
    r"破损|损坏|坏了|过期|失效|未(按|配|设|固定|安装|配备|悬挂|戴|系|办)|没(有)?(固定|配|装|设|挂|戴|系|证|水|电)|"
    r"不戴|脱落|裂缝|裂了|漏(气|水|电|油)|泄漏|泄露|积水|倾斜|松动|锈蚀|违规|违章|违建|三合一|堆放|堆满|堆积|杂物|"
    r"无证|超载|超员|缺失|不足|易燃|住人|明火|抽烟|吸烟|乱停|乱放|冒烟|起火|冒火|火花|短路|垮塌|塌方|滑坡|"
    r"落石|往下掉|滚下来|往下滚|掉落|危房|开裂|裸露|老化|锁死|锁闭|上锁|被锁|锁了|不亮|不响|不能用|挖断|断了|断裂|断股|断丝|占道|无人看管|烂了|破了|"
    r"塌了|歪了|烧黑|烧焦|大功率|没审批|未审批|没(做|办|搞)\S{0,4}(手续|审批|支护|监测|防护)|有点危险|很危险|"
    r"危险|堆了|乱堆|充电|飞线|没人管|超高|超限|(没|未|没有)(年检|年审|检验|定检)(?!报告)|"
    # too close, blocked, shut or rebuilt: "取暖器紧挨着窗帘", "通道被货车占了", "楼梯间隔成单间"
    r"紧挨|挨着|贴着|太近|占了|锁起来|锁上了|隔成|隔出|改成.{0,4}(住|租|宿舍)|划成|烧荒|焚烧|烧秸秆|"
    r"没通风|不通风|通风不好|没(有)?(打|做|装|建|加)?(圈梁|护栏|防护|围挡|围栏|盖板)|"
    r"(?<!隐患)(?<!问题)(?<!毛病)(一个|一瓶|一具|一把|一根|一样)(都|也)(没有|莫得|没得|没)|串插|串接|插线板串)"
)
NO_HAZARD = re.compile(
    r"(没|未|莫)(发现|有|得)?(啥|什么|任何)?(大)?(隐患|问题|异常)|无(隐患|异常)|"
    r"一切正常|都正常|没啥事|(没|莫)(得|有)?(啥|什么)?(动静|变化)|"
    r"(没|莫|无|未)(有|得)?(发现|看到|看见|见)?(有)?(啥子?|什么|任何)?"
    r"(滑坡|塌方|垮塌|坍塌|裂缝|开裂|渗水|变形|位移)?的?(迹象|险情)|"
    r"(?<!不)(?<!不太)(?<!不够)畅通|(没|莫|无)(有|得)?(占道|乱堆|乱放|乱拉|乱停|私拉|堆放|堵塞)|"
    r"(?<!有)(没|莫|无)(有|得)(新的?)?(裂缝|裂口|渗水|变形|位移|垮塌)|"  # 莫得新的裂缝, not 有没有
    # "房屋也没发现裂缝"
    r"(没|未|莫)(有)?(发现|看到|看见)(有)?(明显的?|新的?)?(裂缝|裂口|渗水|变形|位移|垮塌|倒塌)"
)  # "边坡都看了一遍 没有什么滑坡的迹象", "消防通道畅通 没有占道经营": a check that found nothing
DONE_WORDS = re.compile(
    r"(已完成|完成了|已经完成|完了|好了|完毕|结束了|搞完|做完|弄完|办完|干完|搞定|办结(?![吗没])|ok了|ok啦|(?<![a-z/])done(?![a-z])|"
    r"(已经?|都)(交|报|报送|上报|提交|签|签订|开|召开|组织|开展|参加|学习|检查|巡查|演练|修订|更新|"
    r"分析|述职|培训|宣传|观看|部署|制定|梳理|发布|写|汇总|研究|登记|上传)|"
    r"(交|报|报送|上报|提交|签|开|召开|组织|开展|参加|学|学习|检查|巡查|巡察|巡|查|演练|演习|修订|更新|分析|"
    r"述职|培训|宣传|观看|看|部署|制定|梳理|发布|转|走访|去|研究|写|汇总|做|搞|弄|办|拍|印发|下发|出台|瞧|跑|"
    # 下村了 is the writer's round ("今天下村了 大屯三组四组"), not a leader's ("今天领导下村了")
    r"上传|(?<!领导)(?<!主任)(?<!书记)下村|下组|进村|入户)"
    r"(了|过(?!来(?!了))|完|好|掉|上去)|(报|交|送|签|印发|下发)[^，。,.!?？\s]{1,8}了(?![吗没])|ok|完事|"
    r"(日|号|天|周[一二三四五六日天])\S{0,12}(搞|开|做|组织|办|弄|开展)的)"
)
GENERIC_DONE = re.compile(
    r"^(那个|这个|都|已经|也)?(弄|搞|做|办|整|好|完)(了|好了|完了|完|好)[啊啦了哈吧]*$|"
    # "材料交了", "上午那个活整完了 记一下": something handed in or finished, but not what
    r"^(今天|上午|下午|刚才|刚刚|早上)?(那个|这个|那些|这些|那件|这件)?(材料|资料|东西|表|表格|活|事|事情|任务)"
    r"(今天|上午|下午)?(都|也|已经|我)?(交|报|弄|搞|做|整|办|填|写)(完|好|上去|过去|齐)?(了)"
    r"(记一下|登记一下|记上|登记上|帮我记一下)?[啊啦了哈吧]*$|"
    # "演练搞完了", "会开了", "宣传活动搞了": an activity of several items, but not which
    r"^(今天|上午|下午|昨天|刚才|刚刚)?(那个|这个)?(演练|演习|培训|宣传|宣传活动|活动|会|会议|学习)"
    r"(也|都|已经)?(搞|开|弄|做|办|整|组织|开展)?(完|好|过)?了[啊啦了哈吧]*$"
)
FUTURE = re.compile(
    r"(明天|后天|下周|下个月|待会|等会|一会儿|准备|打算|计划(去|要)|要去|将要|马上去|"
    r"回头|月底前?要|说要|(说|讲|让|叫).{0,10}要|之前要|前要把|过两天|这两天(?![^，,。]*了))"
)


# someone's words before a deed ("小陈打电话说…少签了一个字"): theirs, not the writer's report
SAID_BY = re.compile(r"(说|讲|通知|叫我|让我|喊我|问我)")
# Someone else's news ("张姐说她们村的演练搞完了") is not the sender's own report.
REPORTED = re.compile(r"(说|讲|听说)(她|他|它)们?")
SEVERE = re.compile(r"重大(隐患)?|特别严重|非常严重")
ENTERPRISE = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9]{1,12}?(厂|公司|加油站|饭店|餐馆|餐厅|超市|工地|酒店|宾馆|市场|学校|仓库|作坊|"
    r"门店|商店|小卖部|网吧|养殖场|矿|站|店|馆|中心))"
)


def told_before_plans(norm: str) -> int | None:
    """Where the plans or others' words begin after work told done before them ("今天早上克大屯
    一组寻查了一圈 … 路上碰到村长说下礼拜街道要来检查"): the report is the message's, and its day
    is in the words before (fresh batch 187, dev: 4 long voice messages read as nothing); else
    None."""
    later = [m.start() for m in (FUTURE.search(norm), REPORTED.search(norm)) if m]
    done = DONE_WORDS.search(norm)
    if (
        done
        and later
        and done.end() <= min(later)
        and done.start() >= 4
        and not SAID_BY.search(norm, 0, done.start())  # "小陈打电话说…少签了一个字 叫我明天…"
    ):
        return min(later)
    return None


def names_unsafe(text: str) -> bool:
    """Whether the words tell of an unsafe condition (堵塞, 私拉, 紧挨着 …)."""
    return bool(HAZARD_WORDS.search(normalize(text)))


def generic_done(text: str) -> bool:
    """ "弄完了", "搞好了": something was finished, but the words do not say what."""
    return bool(GENERIC_DONE.match(re.sub(r"[\W_]+", "", normalize(text))))
