"""Personal data in government text: what a reviewer must see before a page goes public.

Pure functions, no Django. ``find_pii(text)`` returns every finding of the kinds below, each
checked as far as its format allows (check digits, dates, prefixes), so the figures that
government texts are full of — 文号, 索引号, dates, article numbers, amounts, statistics,
postcodes — are not taken for personal data:

* 居民身份证号 (GB 11643): 18 characters with a valid region, date of birth and ISO 7064
  MOD 11-2 check character; the 15-digit first-generation form with a valid region and date;
* 手机号: 11 digits with a prefix in use (1[3-9]x), also written 138 1234 5678 or 138-1234-5678;
* 固定电话: an area code (010, 02x, 0xxx) and a 7- or 8-digit local number;
* 银行卡号: 16–19 digits with a card-scheme prefix and a valid Luhn check digit;
* 电子邮箱;
* 统一社会信用代码 of an individual business (个体工商户, GB 32100: starts with 92, valid check);
* 车牌号: a province abbreviation, a letter and five (six for new-energy cars) characters;
* 姓名 next to the above, or after 姓名：— kept conservative (a common surname, two or three
  characters, no common word).

A number on ``allow`` (an agency's published contact numbers) is not a finding, nor is a name
next to it. Positions are indexes into the text given; the masked form has the same length
as the text it replaces, so masking never moves anything else.
"""

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from gongkai.lib.identifiers import credit_code_check_char

ID_CARD, MOBILE, LANDLINE, BANK_CARD, EMAIL, CREDIT_CODE, PLATE, NAME = (
    "id_card", "mobile", "landline", "bank_card", "email", "credit_code", "plate", "name")
KIND_LABELS = {
    ID_CARD: "身份证号", MOBILE: "手机号", LANDLINE: "固定电话", BANK_CARD: "银行卡号",
    EMAIL: "电子邮箱", CREDIT_CODE: "个体工商户信用代码", PLATE: "车牌号", NAME: "姓名",
}
CONTEXT = 20  # characters of context on each side

# Full-width digits and letters read as ASCII; one character for one, so positions hold.
_FULL_WIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str
    masked: str
    before: str  # the context, as written
    after: str
    masked_context: str  # the context with every finding in it masked

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def context(self) -> str:
        return self.before + self.text + self.after

    def to_dict(self) -> dict:
        return {**asdict(self), "label": self.label, "context": self.context}


# -- checks of each kind ------------------------------------------------------------------

# GB/T 2260 provinces (the first two digits of an ID number).
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
              46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


def id_check_char(body: str) -> str:
    """The 18th character of a 居民身份证号 whose first 17 digits are ``body`` (ISO 7064
    MOD 11-2, as GB 11643 gives it)."""
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def _valid_date(text: str, today: dt.date) -> bool:
    try:
        born = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= today


def is_id_number(value: str, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    value = value.upper()
    if int(value[:2]) not in _PROVINCES:
        return False
    if len(value) == 18:
        return (value[:17].isdigit() and _valid_date(value[6:14], today)
                and id_check_char(value[:17]) == value[17])
    return len(value) == 15 and value.isdigit() and _valid_date("19" + value[6:12], today)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


# 2021 list of the Ministry's mobile number segments (号段), by their first three digits.
_MOBILE_PREFIXES = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])")
# UnionPay (62), Visa (4), Mastercard (51–55, 22–27), JCB (35), and the banks' own old
# 9-series cards (9558 ICBC, 9559 ABC …).
_CARD_PREFIXES = re.compile(r"62|4|5[1-5]|2[2-7]|35|95")

_PROVINCE_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # no I or O on a plate


# -- the patterns ------------------------------------------------------------------------

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z_.\-/@*])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z_*]|[.\-/][0-9])"
# What follows a figure that is an amount or a count, not a number to call.
_UNIT_AFTER = re.compile(r"\s*(?:[元万亿千百人件个户次吨米年月日号条款项%％‰]|平方|公里|余|多)")

_ID = re.compile(_NOT_ALNUM_BEFORE + r"(\d{17}[\dXx]|\d{15})" + _NOT_ALNUM_AFTER)
_MOBILE = re.compile(_NOT_ALNUM_BEFORE + r"(?:\+?86[ \-]?)?(1\d{2}(?:[ \-]?\d{4}){2})"
                     + _NOT_ALNUM_AFTER)
_LANDLINE = re.compile(
    _NOT_ALNUM_BEFORE
    + r"(?:[(（]\s*(0(?:10|2\d|[3-9]\d{2}))\s*[)）]\s*|(0(?:10|2\d|[3-9]\d{2}))(?:\s*[-－—]\s*|\s))"
    + r"([2-9]\d{2,3}[ \-]?\d{4})"
    + r"(?:\s*(?:[-－]|转)\s*\d{1,5})?" + _NOT_ALNUM_AFTER)
_CARD = re.compile(_NOT_ALNUM_BEFORE + r"(\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?)"
                   + _NOT_ALNUM_AFTER)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@"
                    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
                    r"(?![A-Za-z0-9\-])")
_CREDIT = re.compile(r"(?<![0-9A-Z])92[1-8]\d{5}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_PLATE = re.compile(
    rf"(?<![A-Za-z0-9])[{_PROVINCE_ABBR}][{_PLATE_LETTER}][·•.\s]?"
    rf"(?:[DF][{_PLATE_LETTER}0-9]\d{{4}}|\d{{5}}[DF]|[{_PLATE_LETTER}0-9]{{4}}[{_PLATE_LETTER}0-9挂学警])"
    r"(?![A-Za-z0-9])")


# -- names ---------------------------------------------------------------------------------

_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "皇甫", "令狐", "慕容", "东方", "夏侯",
                      "尉迟", "公孙", "长孙", "宇文", "司徒", "端木", "澹台", "呼延", "南宫")
# Words that begin with a surname's character but name no one.
_NOT_NAMES = set(
    "于是 方式 方面 向着 程序 任何 任务 和平 文件 安全 时间 金额 金融 周期 高度 高新 常务 常住 "
    "江苏 湖南 湖北 广东 广州 山东 山西 河南 河北 江西 安徽 福建 云南 四川 贵州 甘肃 青海 宁夏 "
    "新疆 西藏 吉林 辽宁 陕西 上海 北京 天津 重庆 香港 澳门 台湾 海南 海关 单位 司法 解释 原告 "
    "被告 支付 车辆 严重 邮编 邮箱 传真 地址 编号 代码 银行 开户 户名 账户 公安 公司 全部 全市 "
    "全区 全县 全省 国家 万元 许可 联系 电话 手机 号码 证件 身份 本人 其他 其中 以上 以下 如下 "
    "办公 服务 投诉 举报 咨询 热线 监督 受理 值班 应急 管理 建设 发展 改革 工作 市民 群众 居民 "
    "农民 学生 患者 法人 个人 户主 业主 车主 负责 经办 申请 当事 代理 委托 法定 代表 主任 局长 "
    "处长 科长 所长 站长 书记 部长 厅长 主席 秘书 通讯 信箱 网址 网站 邮件 卡号 账号 帐号".split())
_ROLES = ("申请人", "被申请人", "当事人", "联系人", "经办人", "负责人", "举报人", "投诉人",
          "代理人", "委托人", "法定代表人", "户主", "车主", "业主", "持卡人", "收款人", "姓名",
          "患者", "同志")
# Between a name and the number that follows it: punctuation and what the number is.
_NUMBER_LABEL = re.compile(
    r"(?:\s*[（(，,：:、\s]\s*|)(?:(?:公民)?身份(?:证)?(?:号码|号)?|身份证|证件号码?|手机(?:号码|号)?"
    r"|(?:联系)?电话(?:号码)?|银行卡号?|卡号|账号|帐号|车牌号?码?|号牌号?码?)?\s*[:：]?\s*$")
_HAN_RUN_END = re.compile(r"[\u4e00-\u9fff]+$")
_NAME_LABEL = re.compile(r"姓\s*名\s*[:：]\s*([\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff])")
# Kinds whose neighbour is taken for a person's name.
_NAMED_KINDS = {ID_CARD, MOBILE, BANK_CARD, LANDLINE, PLATE}


def _plausible_name(name: str) -> bool:
    if name in _NOT_NAMES or name[:2] in _NOT_NAMES:
        return False
    if name[:2] in _COMPOUND_SURNAMES:
        return 3 <= len(name) <= 4
    return name[0] in _SURNAMES and 2 <= len(name) <= 3


def _name_before(text: str, start: int) -> tuple[int, int] | None:
    """The span of a person's name written right before position ``start`` (张三（身份证号…),
    申请人李四，电话…), or None."""
    window = text[max(0, start - 24):start]
    label = _NUMBER_LABEL.search(window)
    run = _HAN_RUN_END.search(window[:label.start()]) if label else None
    if run is None:
        return None
    word = run.group()
    for role in _ROLES:  # 申请人张三 → 张三
        at = word.rfind(role)
        if at >= 0 and 2 <= len(word) - at - len(role) <= 4:
            word = word[at + len(role):]
            break
    if not _plausible_name(word):
        return None
    end = max(0, start - 24) + label.start()
    return end - len(word), end


# -- masking ---------------------------------------------------------------------------------

_KEEP = {  # (characters kept at the start, at the end), counting letters and digits
    ID_CARD: (4, 4), BANK_CARD: (4, 4), CREDIT_CODE: (4, 4), MOBILE: (3, 4), PLATE: (2, 1),
    NAME: (1, 0),
}


def mask(kind: str, text: str) -> str:
    """``text`` with the identifying part replaced by ``*``, one for one: 4403**********1234,
    138****5678, 0755-****8888, z******@example.com, 粤B****5, 张*."""
    if kind == EMAIL:
        local, _, domain = text.partition("@")
        return local[:1] + "*" * (len(local) - 1) + "@" + domain
    significant = [i for i, c in enumerate(text) if c.isalnum()]
    if kind == LANDLINE:
        area = re.match(r"[(（]?\s*0(?:10|2\d|[3-9]\d{2})", text).end()
        local = [i for i in significant if i >= area]
        hidden = local[:-4] if len(local) > 4 else local
    else:
        head, tail = _KEEP[kind]
        hidden = significant[head:len(significant) - tail]
    chars = list(text)
    for i in hidden:
        chars[i] = "*"
    return "".join(chars)


# -- finding ---------------------------------------------------------------------------------

def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def allow_key(value: str) -> str:
    """How an allowed contact is compared: an address in lower case, a number as its digits."""
    value = value.strip().translate(_FULL_WIDTH)
    return value.lower() if "@" in value else _digits(value)


def _allowed(kind: str, text: str, allow: set[str]) -> bool:
    key = allow_key(text)
    if key in allow:
        return True
    # A landline allowed by its local number alone, or written with an extension.
    return kind == LANDLINE and any(len(a) >= 7 and a in key for a in allow)


def _candidates(text: str, today: dt.date):
    """(kind, start, end) of every match that passes its kind's checks, overlapping."""
    for m in _ID.finditer(text):
        if is_id_number(m.group(1), today):
            yield ID_CARD, m.start(1), m.end(1)
    for m in _MOBILE.finditer(text):
        digits = _digits(m.group(1))
        if len(digits) == 11 and _MOBILE_PREFIXES.match(digits) \
                and not _UNIT_AFTER.match(text, m.end()):
            yield MOBILE, m.start(1), m.end(1)
    for m in _LANDLINE.finditer(text):
        if not _UNIT_AFTER.match(text, m.end()):
            yield LANDLINE, m.start(), m.end()
    for m in _CARD.finditer(text):
        digits = _digits(m.group(1))
        # An 18-digit number is a card only with UnionPay's prefix: an ID-shaped number
        # with a wrong check digit is a statistic, not a card.
        if 16 <= len(digits) <= 19 and _CARD_PREFIXES.match(digits) and luhn_ok(digits) \
                and (len(digits) != 18 or digits.startswith("62")) \
                and not _UNIT_AFTER.match(text, m.end()):
            yield BANK_CARD, m.start(1), m.end(1)
    for m in _EMAIL.finditer(text):
        yield EMAIL, m.start(), m.end()
    for m in _CREDIT.finditer(text):
        if credit_code_check_char(m.group()[:17]) == m.group()[17]:
            yield CREDIT_CODE, m.start(), m.end()
    for m in _PLATE.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 3:
            yield PLATE, m.start(), m.end()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _findings(source: str, spans: list[tuple[str, int, int]]) -> list[Finding]:
    masked = list(source)
    for kind, start, end in spans:
        masked[start:end] = mask(kind, source[start:end])
    masked = "".join(masked)
    return [Finding(kind, start, end, source[start:end], masked[start:end],
                    _flat(source[max(0, start - CONTEXT):start]), _flat(source[end:end + CONTEXT]),
                    _flat(masked[max(0, start - CONTEXT):end + CONTEXT]))
            for kind, start, end in spans]


def find_pii(text: str, allow: Iterable[str] = (), today: dt.date | None = None) -> list[Finding]:
    """Every finding in ``text``, in order; where two overlap, the first (then longest)."""
    source, text = text, text.translate(_FULL_WIDTH)
    today = today or dt.date.today()
    allowed = {allow_key(a) for a in allow} - {""}
    spans = sorted(_candidates(text, today), key=lambda c: (c[1], -(c[2] - c[1])))
    kept, refused, taken = [], [], -1
    for kind, start, end in spans:
        if start < taken:
            continue
        taken = end
        if _allowed(kind, text[start:end], allowed):
            refused.append((start, end))
        else:
            kept.append((kind, start, end))
    names = []
    for kind, start, _ in kept:
        span = _name_before(text, start) if kind in _NAMED_KINDS else None
        if span:
            names.append((NAME, *span))
    for m in _NAME_LABEL.finditer(text):
        if _plausible_name(m.group(1)):
            names.append((NAME, m.start(1), m.end(1)))
    found = {(s, e): (k, s, e) for k, s, e in kept + names}
    return _findings(source, [found[key] for key in sorted(found)])


# -- HTML ----------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
# Tags between which text does not run on: a table cell is not the next cell's number.
_BREAK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|tr|td|th|h[1-6]|table|thead|tbody|caption|blockquote|pre|hr)\b",
    re.I)


def _segments(body: str) -> list[tuple[int, int, str]]:
    """The text runs of an HTML fragment: (start, end) in the HTML and the decoded text, with
    ``"\\n"`` (and no position) where a block tag separates two runs."""
    runs, at = [], 0
    for tag in _TAG.finditer(body):
        if tag.start() > at:
            runs.append((at, tag.start(), html.unescape(body[at:tag.start()])))
        if _BREAK_TAG.match(tag.group()):
            runs.append((tag.start(), tag.start(), "\n"))
        at = tag.end()
    if at < len(body):
        runs.append((at, len(body), html.unescape(body[at:])))
    return runs


def html_text(body: str) -> str:
    """The visible text of an HTML fragment, a line break wherever a block or cell ends."""
    return re.sub(r"\n\s*\n+", "\n", "".join(t for _, _, t in _segments(body))).strip()


def mask_html(body: str, chosen: Callable[[Finding], bool], allow: Iterable[str] = (),
              today: dt.date | None = None) -> tuple[str, list[Finding]]:
    """``body`` with every finding for which ``chosen`` is true masked in place (tags and the
    rest of the text untouched), and those findings."""
    runs = _segments(body)
    text = "".join(t for _, _, t in runs)
    masked = list(text)
    done = [f for f in find_pii(text, allow, today) if chosen(f)]
    for f in done:
        masked[f.start:f.end] = f.masked
    if not done:
        return body, []
    out, at, offset = [], 0, 0
    for start, end, decoded in runs:
        new = "".join(masked[offset:offset + len(decoded)])
        offset += len(decoded)
        if start == end:
            continue
        out.append(body[at:start])
        out.append(body[start:end] if new == decoded else html.escape(new, quote=False))
        at = end
    out.append(body[at:])
    return "".join(out), done
