"""The words of the hazard ledger's decisions: taking back, voiding, sending back, accepting,
more time, more photos — and the refusals and negations that must never be read as the
positive action (整改不了, 还没改, 不合格, 退回, 误报, 作废, 撤销, 重复了, 不是隐患 …).

``ledger_intent`` reads only these; it returns None when the words are none of them, and
``not_fixed`` tells a fix report from a statement that something is not fixed.
"""

from __future__ import annotations

import re

from bot.chat import hazard_numbers
from bot.chat.asking_words import PROGRESS
from bot.chat.intents import Intent

UNDO = re.compile(
    r"((撤回|撤销|删掉|删除|收回|取消)(一下)?(刚才|刚刚|上一条|最后一条|那条|这条|我刚)|"
    r"(刚才|刚刚|上一条|那条|这条).{0,14}(发错|报错|弄错|填错|错了|点错|误发).{0,8}(撤|删|取消|作废|不算)|"
    r"^(撤回|撤销|undo)[!！。]*$|^undo\s*(上一条|刚才|那条)|^(发错|弄错|填错|点错)了?[\s,，。!！]*(撤回|撤销|删掉|删了|不算)[!！。]*$|"
    # "把我刚才补登的删了"
    r"(刚才|刚刚)[^，,。\s]{0,6}(报|登|发|录|填)[^，,。\s]{0,2}的[^，,。\s]{0,6}(删了|删掉|撤回|撤销|不要了|作废)|"
    r"^(前一条|上一条|前面那条|上面那条|刚才那条|刚刚那条|最后一条)(记录)?(取消|撤回|撤销|删掉|删了|不要了|作废)|"
    # "上一条党工委会议登记撤销 那次会没研究安全生产"
    r"^(前一条|上一条|前面那条|上面那条|刚才那条|刚刚那条|最后一条)[^，,。\s]{0,12}(登记|记录)(取消|撤回|撤销|删掉|删了|作废)|"
    # "点错了 刚那个不要"
    r"^(发错|弄错|填错|点错)了?[\s,，。!！]*(刚才|刚刚|刚)(那个|那条|发的)?(不要|不算|作废)了?[!！。]*$)"
)
VOID = re.compile(
    r"((?<!不是)(?<!并非)(?<!没有)误报|报错了|报重了|报重复|重复(了|报|登记|上报)|重了|(?<!不)是同一(处|个)|不是隐[患换幻]|不算隐[患换幻]|算不上隐[患换幻]|"
    r"不属于(本|我们|我|这个|该|咱们)?(辖区|街道|社区|村|片区|管辖|范围)|不归(我们|本|咱)|不在(我们|本)(辖区|片区)|"
    r"作废|(撤销|撤掉|删掉|删除|取消|撤回).{0,6}(号|隐患)|(我|是我)(弄错|搞错|报错|填错)了[^。]{0,6}(撤销|删掉|删了|作废)|(号|隐患).{0,6}(撤销|撤掉|撤了|删掉|删除|取消|不要了)|"
    r"(-\d{1,5}|(?<!\d)0\d{2,4})\s*(撤销|删掉|删除))"  # "连然-2026-0001 撤销 当时地址填错了"
)
REJECT_STRONG = re.compile(
    r"(退回|打回|驳回|(复核|复查|验收|审核)(不|没有?|未)(通)?过|不予(销号|通过)|不能销号|暂不销号|不同意销号|"
    r"重新整改|重改|返工|重新拍(?!的)|重拍(?!的)|再拍(?!的))"
)
# A void or more time said not to be wanted ("19号不是误报哈 确实是隐患", "48号不作废", "33号不用
# 延期了 … 直接通过"): never that action ("要不作废了吧" suggests one)
NOT_VOID = re.compile(
    r"((不是|并非|没有)误报|(不用|不要|别|先别|不能|不该|不必|无需|不予|(?<!要)不)(再)?(作废|撤销|删)(?!不行|不得|不可)|"
    # a void thought of and then dropped ("原来说19号要作废 … 确实是隐患 不作废了")
    r"(本来|原本|原来|之前)(说|想|打算|准备)?[^，,。\s]{0,8}(要)?(作废|撤销)(?=.{0,30}不(再)?(作废|撤销)))"
)
NOT_EXTEND = re.compile(
    r"((不用|不需要|无需|不必|不要|用不着|不)(再)?(申请)?延期|延期(就)?(不|不用)(申请|要)了?)"
)
# "本来想退回的 … 其实改好了 13号通过", "13号先不退回了 通过": a sendback thought of, not made
NOT_SENT_BACK = re.compile(
    r"(本来|原本|本想|差点|差一点|先不|不)(想|要|准备|打算)?(直接)?(退回|打回|驳回)|"
    r"(点错|按错|选错|弄错)(成|了)?(退回|打回|驳回)|"  # "22号是复核通过 刚才点错成退回了"
    # an earlier sendback told ("25号这次改得可以 之前退回的问题都解决了 同意销号")
    r"(之前|上次|以前|前面|上回)(被)?(退回|打回|驳回)(的|过)"
)


def said_not(norm: str) -> str:
    """The message without the actions it says are not taken (不是误报, 不用延期, 本来想退回),
    for matching the ones it takes."""
    for words in (NOT_VOID, NOT_EXTEND, NOT_SENT_BACK):
        norm = words.sub(" ", norm)
    return norm


REJECT_WEAK = re.compile(
    # not "15号不是不合格，是合格的，刚才那条说反了" (batch 205): the fail denied is a pass
    r"((?<!不是)(?<!并非)(?<!没有)不合格|(?<!不是)(?<!并非)不到位|(?<!不是)不通过|没通过|未通过|看不出|不清楚|不彻底|没改好|没整改好|"
    r"(没有|没能|未能|不能|无法|难以|不算|算不上|不太|不可能|还没有?)\s*(合格|通过)|不\s+合格|未\s+通过)"
)
VERIFY = re.compile(
    r"(复核通过|复查通过|复核合格|复查合格|复核没问题|验收(合格|通过)|核查通过|同意销号|可以销号|准予销号|"
    r"予以销号|销号吧|给(予)?销号|通过销号|确认销号|审核通过|整改合格|整改到位.{0,4}销号|"
    r"(^|(?<![不没未否])[\s，,。])(合格|通过)[了啦的!！。\s]*$)"
)
EXTEND = re.compile(
    r"(延期|严期|延其|宽限|延长(期限|时间|几天)|推迟|缓(几|两|一|三)?天|多给.{0,3}(天|时间)|再给.{0,4}(天|时间)|"
    r"来不及|改不完|整改不完|弄不完|搞不完|完不成|没法按期|不能按期|按期.{0,2}完不成|晚几天|往后(推|延|挪)|"
    r"(月底|年底|周末|下周|这周|本周|期限|按时).{0,4}(弄|搞|整|改|修)不好|"  # "月底前弄不好"
    # "0042 鱼塘边的棚子年前拆不掉 要到明年1月底" (fresh batch 189, dev)
    r"(年前|月底前?|期限内|按期|这周|本周)[^，,。\s]{0,2}(拆|清|搬|挪|改|修)不(掉|完|走|好)|"
    r"(拆|清|搬|挪)不(掉|完|走)[^。]{0,6}要(等)?到)"
)
EXTEND_DECISION = re.compile(
    r"((同意|准予|批准|不同意|不批准|驳回|不予).{0,8}延期|延期.{0,6}(同意|批准|通过|不行|不同意|驳回))"
)
REFUSED = re.compile(r"(不同意|不批准|驳回|不予|不行|不通过|没通过|未通过)")
NOT_FIXED = re.compile(
    # not a denial denied ("不是没改哦 十九号早就改了": batch 215)
    r"((?<!不是)(?<!并非)(还没|还未|没有|没|未|尚未|暂未|暂时没|仍未|依然没|还莫得|莫得|还没得)(有)?(能)?(完全|彻底|全部|全)?"
    r"(整改|改|修|处理|弄|搞|清|拆|换|装|挪|搬|买|开始|动|加固|维修|更换|封堵|抽|排)|"
    r"(还没|还未|没)(克|去|过去|来得及)看|(要|得|等)(到)?(下周|下个月|明天|月底|过几天).{0,4}才|"
    # the work set for later ("工程队来看过了 说开春动工"): not put right yet
    r"(说|打算|准备|计划|定在|要|等)(到)?(开春|明年|年后|过完?年|下个?月|下周|月底|年底)[^，,。]{0,3}"
    r"(再)?(动工|开工|施工|整改|改|弄|修|搞|做)|"
    r"整改不了|改不了|修不了|处理不了|弄不了|搞不了|清不了|拆不了|还在(整改|改|修|处理|整(?!理)|搞|清(?![理单]))|正在(整改|改|修|处理)|"
    r"不好(改|整改)|没法(改|整改|修)|不配合|还在等|在等(材料|料|货|配件)|等材料|"
    # under way, or half done ("55号整改中", "改好了一半"): not put right
    r"(整改|处理|维修|施工|改造)中(?![心的]|发现)|(改|弄|搞|整|修|清)好了?一半(?!的)|"
    # "整改仍在进行，暂未完成", "整改进行中…约完成一半"
    r"(暂未|尚未|仍未|还未|还没|未)完成(?!的)|整改(工作)?(正在|仍在|还在)进行|(整改|施工|维修|处理)进行中|"
    r"完成了?(约|大约|差不多)?一半|"
    r"(约|大约|差不多)完成了?一半)"
)
# A hazard still as it was, or the owner out of reach ("还是老样子", "还堆着", "改了一半",
# "老板又跑了", "电话打不通"): not fixed, unless the message also says it is now fixed ("之前
# 电话打不通 今天找到老板 改好了"); then the fix is asked about, never dropped.
# "插座是换了 但线路还没重新走 还不算改好": not put right, whatever 改好 says
NOT_COUNTED = re.compile(r"不算(?:改|整改|弄|搞|修)?(?:好|完|到位)")
STILL_OPEN = re.compile(
    r"((还没|还未|没有|没|未)(填|砌|封|补|盖)(?!.{0,2}的)|联系不上|打不通|找不到(人|老板|房东|业主)|"
    r"(老板|房东|业主|店主|人)(又)?跑了(?=$|[\s，,。!！])|不见人|还是(老样子|那样|这样|原样|没动)|"
    r"(还没|还未|没)到货|还(是|在)?(堆|占|锁|堵)着|原封不动|(改|弄|搞|整|修|清|装|换|拆|填|砌|挪|搬)了?(一半|一大半|大半)(?!的)|"
    r"只(改|弄|搞|整|修|清)了(一|几|部分)|" + NOT_COUNTED.pattern + r"|"
    r"又(掉|漏|塌|裂|坏|冒|倒|断|堆|占|堵)了?|"  # "45号外墙今天又掉了几块": worse, not fixed
    # a fix promised ("房东说周末之前把电线换掉"), unless it is since said done
    r"(答应|保证|承诺|说(?!明(?!天)))(了)?.{0,3}(周末|明天|后天|下周|月底|过几天|年前|年底|这几天)"
    r".{0,10}(换|改|修|弄|搞|拆|清|装|整)|"
    # a fix waited on ("老板说等拉走就好了", "等材料到了就改")
    r"(?<![不别莫])等(?![^，,。\s]{0,4}(复核|验收|审核|复查|街道|领导|销号))[^，,。\s]{1,8}(就|再)"
    r"((好|行)|(改|修|弄|搞|清|拆|换)(?![了过完好掉]))(?![^。]{0,12}(现在|已经)))"
)
FIXED_SAID = re.compile(
    r"(改好|弄好|搞好|修好|整改好|整改完|已整改|整改到位|搞定|弄完|搞完|清走|(已|已经|都|全部|全)清完|(?<![能会要])清完(了|毕|啦|喽|咯)|清干净|装好|换好|"
    r"(?<![能会要得前])(改|修|装|换|拆|搬|挪|填|砌)完(了|毕|啦)|封好|填平|填好|盖上|补上|补齐|都.{0,4}(好|完)了)"
)
PHOTO = re.compile(
    r"((现场|补|再发|补发|补一张|补几张|加|追加|补充)(一|几|两)?(张|下)?(的)?(照片|图|相片|图片|现场照)|"
    r"隐患现场$|号现场|现场照|现场图|(又|再|多|重新)拍了?(一|几|两)?张|照片(补上|补齐|补发|补来)|"
    r"(正面|侧面|背面|全景|近景|远景)(的|照)?$|(补|补发|追加|再发)(一|几|两)张|"
    r"(整改前|改之前|原来|之前)的?(照片|图|样子)|^(这|这个|这张)(就)?是|(照片|图片|图)(发|传)(给|上来|过来))"
)
# The writer says a picture goes with the words ("见图"): when none came, it is asked for.
PICTURE_MENTIONED = re.compile(
    r"(见图|如图|看图|附图|见照片|看照片|照片见|见附件|图片见|见下图|上图|"
    r"(现在|今天|目前)的?(样子|情况|状态))"  # "序号26 边坡现在的样子" + a photo
)
# Asks whether a described condition is a hazard, or should be reported ("…算隐患吗",
# "要不要报"): answered, then offered as a hazard report.
_IS_IT_A_HAZARD = re.compile(
    r"(算(不算)?(是)?(个|一个)?隐患|是不是(个|一个)?隐患|属于隐患|算不算隐患)"
)
_SHOULD_I_REPORT = re.compile(
    r"(要不要|需不需要|用不用|该不该|要|需要|用)(上)?报(一下|上去|上来)?(吗|不|么|嘛)?[？?。]*$"
)
ASKS_IF_HAZARD = re.compile(f"({_IS_IT_A_HAZARD.pattern}|{_SHOULD_I_REPORT.pattern})")
# what is reported as paperwork, not as a hazard ("巡查记录要报吗", "演练总结需要报吗")
PAPERS = re.compile(r"(记录|材料|总结|照片|表|报告|信息|台账|方案|预案|名单|数据|情况|月报|统计)")
_HAZARD_TALK = re.compile(r"(隐患|整改|销号|复核|复查|验收|这处|那处)")


def asks_if_hazard(text: str, unsafe: bool) -> bool:
    """A question whether a condition it describes is a hazard (at least four characters of
    description besides the asking words; "什么算隐患" describes nothing). "…要报吗" counts
    only for an ``unsafe`` condition, never for paperwork ("巡查记录要报吗")."""
    if not _IS_IT_A_HAZARD.search(text) and not (
        _SHOULD_I_REPORT.search(text) and unsafe and not PAPERS.search(text)
    ):
        return False
    rest = ASKS_IF_HAZARD.sub("", re.sub(r"(这个|这种|这样|那个|的话|吗|呢|啊|嘛)", "", text))
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 4


def without_asking(text: str) -> str:
    """The condition a "…算隐患吗" question describes, without the asking words (what is
    proposed as the hazard's description, for the person to confirm)."""
    rest = ASKS_IF_HAZARD.sub("", text)
    rest = re.sub(
        r"[\s，,。？?！!]*(这个|这种|这样|那个|这|的话)?[\s，,。？?！!吗呢啊嘛]*$", "", rest
    )
    return rest.strip() or text


def _unfixed_words(norm: str) -> bool:
    return bool(NOT_FIXED.search(norm)) or (
        bool(STILL_OPEN.search(norm))
        and not FIXED_SAID.search(rest := NOT_COUNTED.sub(" ", norm))
        and not VERIFY.search(rest)  # "上次不算改好 这次复查合格了 销号"
    )


def fix_denied(norm: str) -> bool:
    """Whether a fix's own note denies it: words that it is not put right, and none that it
    is outside them ("老板说明天弄", "还没改好", "改好了一半"); not "之前一直没整改 今天终于改好了"
    nor "已整改完成，无未完成事项"."""
    spans = [m.span() for p in (NOT_FIXED, STILL_OPEN) for m in p.finditer(norm)]
    if not spans:
        return False
    return not any(
        all(m.end() <= a or m.start() >= b for a, b in spans) for m in FIXED_SAID.finditer(norm)
    )


def not_fixed(norm: str) -> bool:
    """Whether the message says a hazard is not put right, of the one it reports on: in
    "18号改好了 20号还没动" the words of 20 do not undo the fix of 18."""
    return _unfixed_words(norm) and fixed_apart(norm) is None


def about_one_unfixed(norm: str) -> bool:
    """A message that opens with one hazard's number, names no other, and says it is not put
    right ("1号改好了一半 剩下的下周弄"): only its news, nothing else to read in it."""
    spots = hazard_numbers.mentions(norm)
    return (
        len({number for _, number in spots}) <= 1
        and hazard_numbers.opens_with(norm)
        and not_fixed(norm)
    )


def fixed_apart(norm: str) -> str | None:
    """Of two hazards named, the one said to be put right when the others are said not to
    be ("18号改好了 20号还没动" → 18); None unless exactly one is, with nothing unfixed said
    before the first number."""
    spots = hazard_numbers.mentions(norm)
    if len({number for _, number in spots}) < 2 or _unfixed_words(norm[: spots[0][0]]):
        return None
    ends = [start for start, _ in spots[1:]] + [len(norm)]
    fixed, still = set(), set()
    for (start, number), end in zip(spots, ends, strict=True):
        clause = norm[start:end]
        if _unfixed_words(clause):
            still.add(number)
        elif FIXED_SAID.search(clause) and not _NOT_SURELY_FIXED.search(clause):
            fixed.add(number)
        else:
            return None  # a clause that says neither ("18号 20号都改好了"): asked
    if len(fixed) == 1 and still and not fixed & still:
        return str(next(iter(fixed)))
    return None


# a fix asked about, promised, expected or partial ("20号改好了没有", "18号应该快改好了",
# "18号限期一周改好", "改好了一部分"): not a fix said
_NOT_SURELY_FIXED = re.compile(
    r"(没|吗|么|嘛|[?？]|估计|应该|可能|大概|快|能|会|要|限期|争取|部分|说)"
)


def ledger_intent(norm: str, role: str, has_photo: bool, question: bool) -> Intent | None:
    """Undo, void, reject, verify, extend or photo, when the words say so; else None."""
    if question:
        return None
    if UNDO.search(norm):
        return Intent.UNDO
    number = hazard_numbers.find(norm)
    norm = said_not(norm)
    about_hazard = bool(number or _HAZARD_TALK.search(norm))
    office = role in ("street", "admin")
    if VOID.search(norm) and (about_hazard or has_photo or office):
        return Intent.VOID
    if EXTEND_DECISION.search(norm) and office:
        return Intent.EXTEND
    if office and REJECT_STRONG.search(norm) and about_hazard:
        return Intent.REJECT
    if office and REJECT_WEAK.search(norm) and number:
        return Intent.REJECT
    if office and VERIFY.search(norm) and about_hazard:
        return Intent.VERIFY
    if EXTEND.search(norm) and about_hazard:
        return Intent.EXTEND
    # a hazard still open: its picture goes with it ("25号 还是堆着" + photo), else nothing
    if not_fixed(norm) and about_hazard and not PROGRESS.search(norm):
        return Intent.PHOTO if (PHOTO.search(norm) or has_photo) and number else Intent.UNCLEAR
    pictured = PHOTO.search(norm) or (has_photo and PICTURE_MENTIONED.search(norm))  # "#38 附图"
    fixed = re.search(
        r"(整改(?!前)|修|好了|清|处理|完成|加固|没问题|解决)", norm
    ) or FIXED_SAID.search(norm)
    if pictured and number and not fixed:
        return Intent.PHOTO
    if has_photo and number and not fixed and len(norm) <= 8:  # "52号鱼塘" + a photo
        return Intent.PHOTO
    return None


def decision_words(norm: str) -> bool:
    """Words of a decision about a hazard (not a description of one)."""
    return any(
        p.search(norm)
        for p in (UNDO, VOID, REJECT_STRONG, REJECT_WEAK, VERIFY, EXTEND, EXTEND_DECISION)
    ) or not_fixed(norm)


def ledger_signals(norm: str) -> dict[str, bool]:
    """Which of these word groups a message has (features for the learned reader)."""
    taken = said_not(norm)
    return {
        "undo": bool(UNDO.search(norm)),
        "void": bool(VOID.search(taken)),
        "reject_s": bool(REJECT_STRONG.search(taken)),
        "reject_w": bool(REJECT_WEAK.search(norm)),
        "verify": bool(VERIFY.search(norm)),
        "extend": bool(EXTEND.search(taken)),
        "extend_dec": bool(EXTEND_DECISION.search(taken)),
        "notfixed": not_fixed(norm),
        "photo_w": bool(PHOTO.search(norm)),
        "haz_talk": bool(_HAZARD_TALK.search(norm)),
    }
