"""数据核验: find figures in Chinese prose that do not add up.

Pure Python, no Django. ``check_text(text)`` returns a ``Finding`` for every relation the text
states between its figures, verified at the precision the text states, each with a message for
people ("分项合计 130 处，超过总数 120 处"):

* **sum**: ``累计核查26098人，其中落地人员15739人，……`` (a total and the parts after 其中,
  包括, 主要是 or 分别为, nested lists included; parts of other kinds are separate parallel sums;
  万元 and 亿元, 公里 and 米 … are brought to one unit), or a total after its parts
  (甲2,000万元，乙1,500万元，共计3,500万元);
* **rate**: ``共调处1495宗，成功化解1466宗，化解率为98.06%`` (numerator named by the rate);
* **share**: ``共有企业500家，其中小微企业450家，占比90%`` (or 占总数的, 占企业总数的);
* **change**: ``2023年1650万人次，2022年为1500万人次，同比增长10%`` (both periods' figures
  stated; 增长/增幅/下降 … x%, or 增加/减少 a count).

Policy (precision over recall: a finding must be right when it is shown):

* A figure written with decimals or a 万/亿 multiplier is a rounded value; a plain integer count
  is exact. Two figures are consistent when the intervals they may stand for overlap.
* A percentage with k decimals is consistent when the computed value rounds half-up **or**
  truncates to it at k decimals (offices do both; truncation is not an error).
* Approximate figures (约/近/余/多/以上/超过 …, either end of a range 20至30人) never yield an
  "inconsistent" finding.
* A sum is shown as consistent when a run of parts adds up to the total. It is inconsistent
  only when the parts are plainly delimited (nothing but words follow them before ``；``/``。``)
  and either they exceed the total — unless they may overlap (attributes of two dimensions such
  as 女干部/党员, or of one that allows several values such as 低保户/无房户 or 已开工/已竣工; one
  part inside another; a state beside a type; cases beside their 满意 count) — or they fall
  short and the text says the list names every part (分别为, 两类 with two parts, 其余, X/非X):
  其中 and 包括 may leave some out.
* A rate's numerator is the nearest earlier figure whose words name the rate (成功化解 for 化解率;
  not 待化解, 化解中 or 按期化解); its total is the head of its 其中 list, or the figure just before
  it when that one is marked as a total (共/累计/受理/调处/辖区…).
* A change needs exactly two figures of a kind before it, one plainly of the earlier period
  (上年为, 去年同期, 比上年的, or the earlier of two years).
* Weaker readings are shown only when they verify, never as "inconsistent": a numerator named by
  the last two characters of the rate only (单独组建率 from 共组建94个), or a part that is not
  plainly of the total (the second part of a 其中 list that does not add up).
* Kinds: 人/名/位 count people, 宗/件 count cases; 人次, 户次 … are kinds of their own. Figures
  in quotes or titles, in parentheses (asides), per unit (每人300元) or relative to another
  period (同比增加200件) take part in no sum or rate.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import cn2an

# ---------------------------------------------------------------------------
# Units. Each unit belongs to a kind; only figures of one kind can be added or divided.
# Factors bring units of a kind to one base (平方公里 -> 平方米).

_UNIT_KINDS: dict[str, tuple[str, int]] = {
    "人次": ("人次", 1), "人": ("人", 1), "名": ("人", 1), "位": ("人", 1),
    "宗": ("件", 1), "件": ("件", 1), "件次": ("件次", 1),
    "户次": ("户次", 1), "家次": ("家次", 1), "车次": ("车次", 1), "架次": ("架次", 1),
    "场次": ("场次", 1), "批次": ("批次", 1), "台次": ("台次", 1), "班次": ("班次", 1),
    "美元": ("美元", 1), "港元": ("港元", 1), "欧元": ("欧元", 1), "元": ("元", 1),
    "平方公里": ("平方米", 1_000_000), "平方千米": ("平方米", 1_000_000),
    "平方米": ("平方米", 1), "立方米": ("立方米", 1), "公顷": ("公顷", 1), "亩": ("亩", 1),
    "公里": ("米", 1000), "千米": ("米", 1000), "米": ("米", 1),
    "吨": ("公斤", 1000), "公斤": ("公斤", 1), "千克": ("公斤", 1),
    "个百分点": ("百分点", 1),
}
for _unit in ("个 家 套 次 场 项 户 辆 间 份 条 起 处 张 台 所 座 批 篇 本 册 期 类 块 只 头 "
              "株 棵 艘 架 部 支 幅 笔 例 栋 幢 床 单").split():
    _UNIT_KINDS[_unit] = (_unit, 1)

# Characters after a unit that turn it into another word (3个月, 3部门, 一次性, 一件事).
_BAD_NEXT = {
    "个": "多?(月|小时|工作日|星期|季度|自然日|年度)", "部": "门|分|署|委", "处": "罚|理|置|分|长|室|级",
    "条": "例|件|款|规", "项": "目", "场": "所|地|景|馆", "家": "庭|长|属|乡|园|人",
    "名": "单|称|义|额", "所": "有|得|在|属|以|述", "台": "账|湾|阶", "件": "事", "次": "性|年|日",
    "本": "级|市|区|县|法|条|部|单|人|次|办", "单": "位|独|一", "位": "置|于", "间": "隔",
    "期": "间|限|满", "批": "准|复|示", "支": "持|付|出", "起": "来|诉|草", "类": "似", "例": "如",
    "座": "谈", "架": "构", "只": "有|要|能", "份": "额", "元": "素|旦|首", "人": "民|员|大|口|工",
    "户": "籍|口|外", "笔": "记", "床": "位", "头": "部", "米": "粮",
}
_BAD_NEXT_RE = {unit: re.compile(words) for unit, words in _BAD_NEXT.items()}

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# 1,234,567 groups only from a 1-3 digit lead: in "男1200,女900人" the comma ends a clause.
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_CHINESE = rf"[{_CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"
_MULTIPLIERS = {"": 1, "千": 1000, "万": 10**4, "百万": 10**6, "千万": 10**7, "亿": 10**8,
                "万亿": 10**12}
_UNITS_RE = "|".join(sorted(_UNIT_KINDS, key=len, reverse=True))
# The lookahead first lets the regex engine skip to the next digit instead of trying the
# lookbehind at every character: twice as fast, same matches.
_QUANTITY_RE = re.compile(
    rf"(?=[\d{_CN_DIGITS}])(?<![\d.{_CN_DIGITS}A-Za-z])(?P<num>{_ARABIC}|{_CHINESE})"
    rf"(?P<mult>万亿|千万|百万|亿|万|千)?(?P<approx>余|多)?(?P<unit>{_UNITS_RE})"
)
_PERCENT_RE = re.compile(
    rf"(?=[\d百])(?:(?<![\d.A-Za-z])(?P<num>{_ARABIC})\s*[%％]|百分之(?P<cn>{_CHINESE}))")

# Qualifiers that make a figure approximate (约2000人次, 近200名, 3346余人, 90%以上).
_APPROX_BEFORE = re.compile(r"(约|近|逾|超过|超|大约|将近|接近|不足|不到|不少于|至少|最多|上)(?:为|有|达)?$")
_APPROX_AFTER = re.compile(r"^(以上|以下|以内|左右|上下|之多|有余|多)")
# The upper end of a range (20至30人, 10万～30万元) stands for any figure in it.
_RANGE_BEFORE = re.compile(rf"(?:\d|[{_CN_DIGITS}])(?:万|亿|千)?(?:{_UNITS_RE})?(?:至|到|~|～|－)$")
_RANGE_AFTER = re.compile(rf"(?:至|到|~|～|－|-)[\d{_CN_DIGITS}]")
# A figure per something is a price or a ratio, not a tally (每人100元, 30元/吨).
_PER_BEFORE = re.compile(r"(每|人均|户均|平均|单价|均价)[\u4e00-\u9fff]{0,3}$")
# Ordinals and similar: 第十二条, 初三, 周五, 星期一.
_ORDINAL_BEFORE = re.compile(r"(第|初|周|星期|礼拜)$")

# Full-width digits and signs (１４９５宗, ９８．０６％) read as their ASCII twins.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_FULL_WIDTH = re.compile("[０１２３４５６７８９．％]")
_QUOTES = {"“": "”", "「": "」", "『": "』", "《": "》", "‘": "’", "〔": "〕", "【": "】"}
_QUOTE_REACH = 100  # an opening quote without a close this near is a typo, not a quote
_OPENERS = re.compile("[" + re.escape("".join(_QUOTES)) + "]")


@dataclass(frozen=True)
class Quantity:
    """A figure in the text. ``value`` is exact, in the base unit of its kind (1.2万人 -> 12000)."""

    value: Decimal
    unit: str  # as written, multiplier included: "万元", "人次", "%"
    span: tuple[int, int]  # in the text given to extract_quantities
    approximate: bool
    text: str  # the figure as written: "1.2万人"
    number: str  # the digits as written: "1.2", "三千"
    kind: str  # figures of one kind can be compared: 人/名 -> "人", 宗/件 -> "件"
    half_ulp: Decimal  # half a unit of the last written digit, 0 for exact counts
    per_unit: bool = False  # 每人100元: a price, not a tally
    label: str = field(default="", compare=False)  # the words before the figure in its clause

    @property
    def start(self) -> int:
        return self.span[0]

    @property
    def end(self) -> int:
        return self.span[1]

    @property
    def is_percent(self) -> bool:
        return self.kind == "%"

    def to_dict(self) -> dict:
        return {"value": _plain(self.value), "unit": self.unit, "span": list(self.span),
                "approximate": self.approximate, "text": self.text, "kind": self.kind}


# ---------------------------------------------------------------------------
# Extraction


def extract_quantities(text: str) -> list[Quantity]:
    """Every numeric claim in ``text``: counts, amounts, measures and percentages, in order."""
    text = _half_width(text)  # one character for one: spans stay valid
    return _quantities(text, _matches(text))


def _half_width(text: str) -> str:
    # translate() costs a dict lookup per character; most texts have nothing to translate.
    return text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text


def _matches(text: str) -> list[re.Match]:
    """The figures of a half-width text as regex matches, units before percentages: cheap
    enough to tell a sentence with fewer than two figures (which relates none) from the rest."""
    found = [m for m in _QUANTITY_RE.finditer(text) if not _is_not_a_quantity(text, m)]
    if "%" in text or "％" in text or "百分之" in text:  # the percent regex alone costs as much as the rest
        found += _PERCENT_RE.finditer(text)
    return found


def _quantities(text: str, matches: list[re.Match]) -> list[Quantity]:
    """The Quantity of each match outside quotes, in order of position, labelled."""
    quoted = _quoted_spans(text)
    figures = []
    for m in matches:
        if quoted and _inside(quoted, m.start()):
            continue
        percent = m.re is _PERCENT_RE
        num = (m["num"] or m["cn"]) if percent else m["num"]
        value, decimals = _parse_number(num)
        if value is not None:
            figures.append((m, percent, num, value, decimals))
    figures.sort(key=lambda f: f[0].start())
    breaks = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text))]
    found, previous_end = [], 0
    for m, percent, num, value, decimals in figures:
        label = _label(text, m.start(), previous_end, breaks)
        found.append(_percent(text, m, num, value, decimals, label) if percent
                     else _unit_figure(text, m, num, value, decimals, label))
        previous_end = m.end()
    return found


def _unit_figure(text: str, m: re.Match, num: str, value: Decimal, decimals: int,
                 label: str) -> Quantity:
    unit_kind, factor = _UNIT_KINDS[m["unit"]]
    mult = _MULTIPLIERS[m["mult"] or ""]
    rounded = decimals > 0 or mult > 1  # 2207.6万元 and 851万元 are rounded, 1495宗 is not
    return Quantity(
        value=value * mult * factor, unit=(m["mult"] or "") + m["unit"], span=m.span(),
        approximate=_is_approximate(text, m), text=m.group(), number=num,
        kind=unit_kind, half_ulp=_half_ulp(decimals, mult, factor) if rounded else _ZERO,
        per_unit=_is_per_unit(text, m), label=label,
    )


def _percent(text: str, m: re.Match, num: str, value: Decimal, decimals: int,
             label: str) -> Quantity:
    return Quantity(
        value=value, unit="%", span=m.span(), approximate=_is_approximate(text, m),
        text=m.group(), number=num, kind="%", half_ulp=_half_ulp(decimals), label=label,
    )


_ZERO = Decimal(0)


@lru_cache(maxsize=256)
def _half_ulp(decimals: int, mult: int = 1, factor: int = 1) -> Decimal:
    """Half a unit of the last written digit, in base units: 0.05 for 1.2%, 5000 for 1.2万."""
    return Decimal(5) * Decimal(10) ** (-decimals - 1) * mult * factor


def _is_not_a_quantity(text: str, m: re.Match) -> bool:
    before, after = text[max(0, m.start() - 2):m.start()], text[m.end():m.end() + 4]
    if _ORDINAL_BEFORE.search(before) or before.endswith(("-", "—", "/")):
        return True  # 第十二条; a phone number or code fragment
    bad = _BAD_NEXT_RE.get(m["unit"])
    if bad and bad.match(after):
        return True
    num = m["num"]
    if num[0] in _CN_DIGITS and (num[0] in "百千万亿" or set(num) <= _ZEROS or num == "一"):
        return True  # 百场党课, 千家万户, 零件, 其中一个, 未发生一起: idioms and articles
    return False


_ZEROS = frozenset("零〇")


def _parse_number(num: str) -> tuple[Decimal | None, int]:
    """The value of an Arabic or Chinese numeral and how many decimals it was written with."""
    if num[0].isdigit():
        digits = num.replace(",", "")
        return Decimal(digits), len(digits.partition(".")[2])
    try:
        value = cn2an.cn2an(num, "normal")
    except (ValueError, KeyError, IndexError):
        return None, 0
    decimals = len(num.partition("点")[2])
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals)), decimals


def _is_approximate(text: str, m: re.Match) -> bool:
    if m.groupdict().get("approx"):
        return True
    before, after = text[max(0, m.start() - 4):m.start()], text[m.end():m.end() + 3]
    if m.group()[0] in _CN_DIGITS and before.endswith(("数", "几", "若干")):
        return True  # 数十人, 几百家; but 套数1369套 is exact
    return bool(_APPROX_BEFORE.search(before) or _APPROX_AFTER.match(after)
                or _RANGE_BEFORE.search(text[max(0, m.start() - 12):m.start()])
                or _RANGE_AFTER.match(after))


def _is_per_unit(text: str, m: re.Match) -> bool:
    after = text[m.end():m.end() + 1]
    return after in ("/", "／", "每") or bool(_PER_BEFORE.search(text[max(0, m.start() - 6):m.start()]))


_CLAUSE_BREAK = re.compile(r"[，,、；;：:。！？!?\n]")


def _label(text: str, start: int, previous_end: int, breaks: list[int]) -> str:
    """The words before a figure, back to its clause start (the last of the sorted clause
    ``breaks`` before it) or the figure before it."""
    clause_start = breaks[bisect_right(breaks, start) - 1]
    return text[max(clause_start, previous_end):start]


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where “…”, 《…》, 〔…〕 etc. are, first and last character: slogans, titles and 文号 are
    not tallies. Sorted and disjoint."""
    spans = []
    after = 0  # openers inside a quotation already found are not openers
    # Only the openers are looked at (found by one regex scan, not a Python loop per character).
    for m in _OPENERS.finditer(text):
        i = m.start()
        if i < after:
            continue
        end = text.find(_QUOTES[m.group()], i + 1, i + _QUOTE_REACH)
        if end == -1 or "\n" in text[i:end]:
            continue
        spans.append((i, end))
        after = end + 1
    return spans


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is pos within one of the sorted, disjoint (first, last) spans?"""
    i = bisect_right(spans, (pos, _INFINITY)) - 1
    return i >= 0 and pos <= spans[i][1]


_INFINITY = float("inf")


# ---------------------------------------------------------------------------
# Findings


@dataclass(frozen=True)
class Finding:
    sentence: str
    claim: str  # "化解率 98.06% = 1466 / 1495", "26098人 = 15739 + 3034 + …"
    stated: int | float  # the figure as the text states it (percent for rates)
    computed: int | float  # the same figure computed from the others
    difference: int | float  # computed - stated
    status: str  # "consistent" | "inconsistent"
    kind: str  # "sum" | "rate" | "share" | "change"
    unit: str  # unit of stated and computed: "%", "人", "万元"
    span: tuple[int, int] = (0, 0)  # of the sentence in the text checked
    message: str = ""  # for people: "分项合计 130 处，超过总数 120 处"

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "claim": self.claim, "stated": self.stated,
                "computed": self.computed, "status": self.status, "difference": self.difference,
                "kind": self.kind, "unit": self.unit, "message": self.message}


CONSISTENT, INCONSISTENT = "consistent", "inconsistent"


def check_text(text: str) -> list[Finding]:
    """Every relation between figures that ``text`` states clearly, verified."""
    findings = []
    half_width = _half_width(text)  # once for the text, not for each sentence
    for start, end in _candidate_sentences(half_width):
        words = half_width[start:end]
        if not _may_relate(words):
            continue
        matches = _matches(words)
        # Every relation is between two figures at least (a total and a part, a rate and its
        # numerator, …).
        if len(matches) < 2:
            continue
        sentence = _Sentence(words, _quantities(words, matches))
        for finding in sentence.check():
            findings.append(_with_span(finding, text[start:end], start))
    return findings


def _with_span(finding: Finding, sentence: str, offset: int) -> Finding:
    stripped = sentence.strip()
    lead = len(sentence) - len(sentence.lstrip())
    return replace(finding, sentence=stripped, span=(offset + lead, offset + lead + len(stripped)))


_SENTENCE_ENDS = "。！？!?\n"
_SENTENCE_END = re.compile(f"[{_SENTENCE_ENDS}]")


def _sentence_spans(text: str):
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start:m.end()].strip():
            yield start, m.end()
        start = m.end()
    if text[start:].strip():
        yield start, len(text)


def _candidate_sentences(text: str):
    """The spans _sentence_spans gives for the sentences that hold a word some check needs
    (see _may_relate), without walking every sentence of a long text: a statute has
    thousands, and only a few say 其中 or 合计."""
    end = 0
    for m in _CANDIDATE_RE.finditer(text):  # no candidate word holds a sentence end
        if m.start() < end:
            continue  # in the sentence already given
        start = max(end, *(text.rfind(c, end, m.start()) + 1 for c in _SENTENCE_ENDS))
        stop = _SENTENCE_END.search(text, m.end())
        end = stop.end() if stop else len(text)
        yield start, end


# ---------------------------------------------------------------------------
# Sums: a total, 其中, and its parts


# Words that open the list of parts after a total (累计核查26098人，其中…; 共215件，分别为…).
_LIST_MARKERS = ("其中", "包括", "包含", "主要是", "主要有", "主要包括", "分别为", "分别是")
_MARKER_RE = re.compile(rf"(?:{'|'.join(sorted(_LIST_MARKERS, key=len, reverse=True))})[，,：:]?")
# Words that say a list names every part, so the parts cannot fall short of the total either:
# 分别为, 全部为, or a count of the parts (城镇岗位和乡村岗位两类).
_EVERY_PART_RE = re.compile(r"分别为|分别是|全部为|全部是")
_PART_COUNT_RE = re.compile(r"(?<![\d第])([二两三四五六七八九十]|\d)(?:大类|类|种|部分|个方面)")
_GROUP_END_RE = re.compile(r"[；;]")
# A part named by a negated verb, or as a stage of a process: the parts split the total, so they
# cannot exceed it (不在辖区, 无法落地, 未启动, 待受理, 化解中, 其余). 无房户 or 非公企业 are
# attributes that may overlap other parts; they count only as the complement of another part.
_PARTITION_RE = re.compile(r"^(不|未|待|无法|没有|尚未|其余|其他|剩余|余下|另)|[^集其之当空心城]中的?$")
# Nouns that merely start with a negation: 未成年人 and 不动产 are groups, not complements.
_NOT_NEGATION = re.compile(r"^(未成年|不动产|不良|待遇)")
# A figure introduced by 含 is inside the part before it, not another part.
_INCLUDED_RE = re.compile(r"^(其中)?(含|内含)")
# A part that names "the rest": the parts are exhaustive, so they cannot fall short either.
_REMAINDER_RE = re.compile(r"^(其余|其他|剩余|余下|另外|另有)")
# Attributes parts are named by, by dimension, and whether a person or thing has one value
# only. Parts that differ by values of one such dimension are disjoint (男/女, 本专科生/研究生,
# 党员/群众); parts that differ otherwise may overlap (女干部 and 党员, 已开工 and 已竣工,
# 高新技术企业 and 产值超亿元企业): their sum may exceed the total without an error.
_ATTRIBUTES = [(True, re.compile(words)) for words in (
    "男|女", "党员|团员|群众|民主党派", r"\d+岁以[上下]|老年|老人|未成年|儿童|青少年|青年",
    "大专|专科|本科|研究生|硕士|博士", "少数民族|汉族", "高级职称|中级职称|初级职称")] + [
    (False, re.compile(words)) for words in (
        "低保|特困|困难|无房|残疾|退役|妇女|骨干",
        "开工|完工|竣工|投产|开业|签约|交付|验收|启动|完成|达产",
        "重点|规上|规模以上|高新|龙头|示范|专精特新|上市|超亿|亿元以上|星级")]


# A change against another period is neither a total nor a part (同比增加200件, 比上年减少3家).
_DELTA_RE = re.compile(r"同比|环比|[比较](上|去|前|20\d\d)|(增加|减少|增长|下降|上升|提高|降低|增幅|降幅|"
                       r"多出|少了)了?$")


def _aside_spans(text: str) -> list[tuple[int, int]]:
    """Inside （…）, first and last character: an aside (2020年立案1宗) is not one of the listed
    parts. Sorted and disjoint."""
    spans, depth, start = [], 0, 0
    for m in _PARENTHESES.finditer(text):  # only the brackets, not every character
        i = m.start()
        if m.group() in "（(":
            start = i if depth == 0 else start
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    if depth > 0:  # never closed: an aside to the end
        spans.append((start, len(text) - 1))
    return spans


_PARENTHESES = re.compile(r"[（()）]")


@dataclass
class _Group:
    head: Quantity
    marker_end: int
    candidates: list[Quantity]  # same-kind figures after 其中, nested groups folded in
    sizes: list[int]  # how many figures after 其中 each candidate covers (itself + nested parts)
    truncated: bool  # an unresolved nested group hides what follows
    ambiguous: bool = False  # several figures of the kind before 其中: which one is divided?
    rivals: list[Quantity] = field(default_factory=list)  # other totals a nested list may be of
    list_start: int = 0  # where the list's own ； boundary is looked for (after nested lists)
    parts: list[Quantity] = field(default_factory=list)  # the run that adds up, if any
    members: list[Quantity] = field(default_factory=list)  # parts, or the delimited run

    @property
    def consumed(self) -> int:
        return sum(self.sizes[:len(self.parts)])


# A "sentence" with more figures than this is a table run together (no 。 or line breaks):
# which figure relates to which cannot be read from it, and relating them all costs n².
_MAX_FIGURES = 200


class _Sentence:
    def __init__(self, text: str, quantities: list[Quantity] | None = None):
        """``quantities``: extract_quantities(text), when the caller has them already."""
        self.text = text
        if quantities is None:
            quantities = extract_quantities(text)
        if len(quantities) > _MAX_FIGURES:
            quantities = []
        aside = _aside_spans(text)
        if aside:
            quantities = [q for q in quantities if not _inside(aside, q.start)]
        self.quantities = quantities
        self.figures = [q for q in quantities if not q.is_percent and not q.per_unit
                        and not _DELTA_RE.search(q.label)]
        self.percents = [q for q in quantities if q.is_percent]
        quoted = _quoted_spans(text)
        self.markers = [m for m in _MARKER_RE.finditer(text)
                        if not (quoted and _inside(quoted, m.start()))]
        self.groups: dict[tuple[int, int], _Group] = {}
        for marker in reversed(self.markers):  # inner groups first: outer ones fold them in
            for head, ambiguous, rivals in self._heads(marker):
                self.groups[head.span] = self._group(head, marker, ambiguous, rivals)

    def check(self) -> list[Finding]:
        findings = []
        for group in sorted(self.groups.values(), key=lambda g: g.head.start):
            findings += _sum_findings(self.text, group)
        findings += self._rate_findings()
        findings += self._share_findings()
        findings += _trailing_total_findings(self)
        findings += _change_findings(self)
        return findings

    def _heads(self, marker: re.Match) -> list[tuple[Quantity, bool, list[Quantity]]]:
        """For each kind, the last figure before 其中 in its segment: the total it divides.
        Within an outer list (其中城区18所，农村24所，其中…) that is the nearest part, but the
        inner list may also be of the outer total: the figures before the outer 其中 are its
        rivals (not the other parts: 城区18所 is no total of what follows 农村24所)."""
        start = self._head_search_start(marker.start())
        if not self._figures_between(start, marker.start()) and start > 0:
            start = self._head_search_start(start - 1)  # "…1万余人次参加；其中，…"
        outer = [m.start() for m in self.markers if m.end() == start]
        by_kind: dict[str, list[Quantity]] = {}
        for q in self._figures_between(start, marker.start()):
            by_kind.setdefault(q.kind, []).append(q)
        heads = []
        for qs in by_kind.values():
            head = qs[-1]
            rivals = ([q for q in self.figures if q.kind == head.kind and q.end <= outer[0]]
                      if outer else [])
            heads.append((head, len(qs) > 1 and not outer, rivals))
        return heads

    def parts_before(self, total: Quantity) -> list[Quantity]:
        """Figures of the total's kind back to the previous ；, 其中 or 。: what 共计 sums."""
        start = self._head_search_start(total.start)
        return [q for q in self._figures_between(start, total.start) if q.kind == total.kind
                and not _INCLUDED_RE.match(q.label) and not _TOTAL_AFTER_RE.search(q.label)]

    def segment_start(self, pos: int) -> int:
        """Where the ；-separated segment holding pos begins."""
        return max((m.end() for m in _GROUP_END_RE.finditer(self.text, 0, pos)), default=0)

    def _head_search_start(self, pos: int) -> int:
        """A total before 其中 is looked for back to the previous ； or 其中."""
        ends = [m.end() for m in _GROUP_END_RE.finditer(self.text, 0, pos)]
        ends += [m.end() for m in self.markers if m.end() <= pos]
        return max(ends, default=0)

    def _figures_between(self, start: int, end: int) -> list[Quantity]:
        return [q for q in self.figures if start <= q.start and q.end <= end]

    def _group(self, head: Quantity, marker: re.Match, ambiguous: bool,
               rivals: list[Quantity]) -> _Group:
        after = [q for q in self.figures if q.kind == head.kind and q.start >= marker.end()]
        group = _Group(head, marker.end(), [], [], False, ambiguous, rivals, marker.end())
        i = 0
        while i < len(after):
            q, child = after[i], self.groups.get(after[i].span)
            if _INCLUDED_RE.match(q.label) or _TOTAL_AFTER_RE.search(q.label):
                i += 1  # 含按期办结850件 is inside the part before it; 共计3500万元 sums them
                continue
            if child is not None and not child.parts:
                group.truncated = True
                break
            size = 1 + (child.consumed if child else 0)
            if child is not None:  # the ； that ends a nested list does not end this one
                group.list_start = max(child.parts[-1].end,
                                       _group_boundary(self.text, child.list_start) + 1)
            group.candidates.append(q)
            group.sizes.append(size)
            i += size
        _resolve(group, self.text)
        return group

    def group_of(self, q: Quantity) -> _Group | None:
        for group in self.groups.values():
            if q in group.members:
                return group
        return None

    def _rate_findings(self) -> list[Finding]:
        return [f for f in (_rate_finding(self, p) for p in self.percents) if f]

    def _share_findings(self) -> list[Finding]:
        return [f for f in (_share_finding(self, p) for p in self.percents) if f]


def _resolve(group: _Group, text: str) -> None:
    """Find the run of parts that adds up to the total, else the run 其中 clearly delimits."""
    if n := _shortest_fitting_run(group.head, group.candidates):
        group.parts = group.members = group.candidates[:n]
        return
    boundary = _group_boundary(text, group.list_start)
    group.members = [q for q in group.candidates if q.end <= boundary]


def _group_boundary(text: str, list_start: int) -> int:
    """Where a 其中 list plainly ends: the next ； or the end of the sentence."""
    end = _GROUP_END_RE.search(text, list_start)
    return end.start() if end else len(text.rstrip("。！？!?\n "))


def _sum_fits(total: Quantity, parts: list[Quantity]) -> bool:
    return bool(parts) and _shortest_fitting_run(total, parts, len(parts)) == len(parts)


def _shortest_fitting_run(total: Quantity, parts: list[Quantity], shortest: int = 2) -> int:
    """The least n >= shortest for which parts[:n] add up to the total, else 0 (running sums:
    a page with thousands of figures in one sentence stays linear)."""
    lo = hi = Decimal(0)
    for n, part in enumerate(parts, 1):
        slack = _part_slack(part, total)
        lo, hi = lo + part.value - slack, hi + part.value + slack
        if n >= shortest and lo <= total.value + total.half_ulp and total.value - total.half_ulp <= hi:
            return n
    return 0


def _part_slack(part: Quantity, total: Quantity) -> Decimal:
    """How far a part may be from its written value. Next to 128.5万元, a part written 100万元
    was counted to the same 0.1万, not rounded to the 万; an approximate part keeps its slack."""
    if part.approximate or not total.half_ulp:
        return part.half_ulp
    return min(part.half_ulp, total.half_ulp)


def _sum_findings(text: str, group: _Group) -> list[Finding]:
    if group.parts:
        return [_sum_finding(text, group.head, group.parts, CONSISTENT)]
    if any(_sum_fits(rival, group.members) for rival in group.rivals):
        return []  # the list is of an earlier total, not of the part just before it
    if _is_clear_list(text, group) and (_overshoots(group) or _falls_short(text, group)):
        return [_sum_finding(text, group.head, group.members, INCONSISTENT)]
    return []


def _is_clear_list(text: str, group: _Group) -> bool:
    """Is it plain which figures are the parts? Not when several totals precede the list, a
    nested list does not resolve, a figure is approximate, or the parts are followed by more
    figures (the list may go on in other words: 注销租赁合同155份，代征税款810万元)."""
    if not group.members or group.ambiguous or group.truncated:
        return False
    if any(q.approximate for q in [group.head, *group.members]):
        return False
    rest = text[group.members[-1].end:_group_boundary(text, group.list_start)]
    return not any(not q.is_percent for q in extract_quantities(rest))


def _overshoots(group: _Group) -> bool:
    """Parts of a total cannot add up to more than it, whether or not the list names them all;
    unless they may overlap (女干部 and 党员) or one is inside another (工业企业, 规上工业企业)."""
    least = sum(p.value - _part_slack(p, group.head) for p in group.members)
    if least <= group.head.value + group.head.half_ulp:
        return False
    if _mixes_measures([q.label for q in group.members]):
        return False
    labels = [_part_label(q) for q in group.members]
    return _are_disjoint(labels) or not _may_overlap(labels)


def _are_disjoint(labels: list[str]) -> bool:
    """Parts the text marks as a split: 男/女, X/非X, 已X/未X, 待受理, 其余."""
    return _is_gender_split(labels) or _has_complement(labels) or any(
        _PARTITION_RE.search(label) and not _NOT_NEGATION.match(label) for label in labels)


def _may_overlap(labels: list[str]) -> bool:
    """Parts named by attributes of several dimensions (女干部, 党员) or of one that allows
    several values (已开工, 已竣工), or one inside another (工业企业, 规上工业企业), may count
    some things twice."""
    cores = [re.sub(r"^(其中|包括|主要是)", "", label) for label in labels]
    if any(len(a) >= 2 and a in b for a in cores for b in cores if a is not b):
        return True
    hits = [{(i, m.group()) for i, (_, words) in enumerate(_ATTRIBUTES)
             for m in words.finditer(label)} for label in labels]
    if not any(hits):
        return False
    shared = set.intersection(*hits)  # 党员 in 男党员 and 女党员 is the noun, not the split
    rest = [h - shared for h in hits]
    dimensions = {i for h in rest for i, _ in h}
    return not (all(rest) and len(dimensions) == 1 and _ATTRIBUTES[dimensions.pop()][0])


# Words of one measure among parts: a state (已办结, 未办结, 化解中) or an evaluation (满意).
_MEASURES = [re.compile(r"^(其中)?[，,：:]?(已|未(?!成年)|待(?!遇)|尚未|正在|仍|还)|[^集其之当空心城]中的?$"),
             re.compile(r"满意|评价")]


def _mixes_measures(raw_labels: list[str]) -> bool:
    """A list that counts a type and a state (消费投诉150件，已办结140件，未办结20件) or cases
    and their evaluation (办结8846件、不予受理867件、满意6197件) counts things twice."""
    for measure in _MEASURES:
        hits = [bool(measure.search(label)) for label in raw_labels]
        if any(hits) and not all(hits):
            return True
    return False


def _falls_short(text: str, group: _Group) -> bool:
    """A shortfall is an error only when the text says the list names every part."""
    parts = group.members
    most = sum(p.value + _part_slack(p, group.head) for p in parts)
    if len(parts) < 2 or most >= group.head.value - group.head.half_ulp:
        return False
    labels = [_part_label(q) for q in parts]
    return (_says_every_part(text[group.head.end:parts[0].start], len(parts))
            or bool(_REMAINDER_RE.search(labels[-1])) or len(labels) == 2 and _has_complement(labels))


def _says_every_part(words: str, count: int) -> bool:
    if _EVERY_PART_RE.search(words):
        return True
    m = _PART_COUNT_RE.search(words)
    return bool(m) and _parse_number(m[1])[0] == count


def _is_gender_split(labels: list[str]) -> bool:
    return {label[:1] for label in labels} == {"男", "女"}


def _part_label(q: Quantity) -> str:
    return re.sub(r"^(其中|另外)?[，,：:]?(已|尚|仍|还)?", "", q.label).strip()


def _has_complement(labels: list[str]) -> bool:
    """住宅合同 / 非住宅, 有物业 / 无物业, 已化解 / 未化解: one part is X, another not-X."""
    for b in labels:
        m = re.match(r"(非|未|不|无|没有|尚未)(.{2})", b)
        if m and any(m[2] in a for a in labels if a is not b):
            return True
    return False


def _sum_finding(text: str, head: Quantity, parts: list[Quantity], status: str) -> Finding:
    scale = _scale(head)  # show the sum in the unit the total is written in (万元 stays 万元)
    stated = (head.value / scale).normalize()
    computed = (sum(p.value for p in parts) / scale).normalize()
    terms = " + ".join(_part_text(p, head) for p in parts)
    compared = "超过" if computed > stated else "少于" if computed < stated else "等于"
    what = "分项合计" if len(parts) > 1 else "分项"
    message = f"{what} {_plain(computed)} {head.unit}，{compared}总数 {_plain(stated)} {head.unit}"
    return Finding(sentence=text, claim=f"{head.text} = {terms}", stated=_plain(stated),
                   computed=_plain(computed), difference=_plain(computed - stated),
                   status=status, kind="sum", unit=head.unit, message=message)


def _scale(q: Quantity) -> Decimal:
    """Base units per written unit: 10000 for 万元, 1 for 人."""
    written = _parse_number(q.number)[0]
    return q.value / written if written else Decimal(1)


def _part_text(part: Quantity, head: Quantity) -> str:
    text = part.number if part.unit == head.unit else part.text
    return ("约" + text) if part.approximate else text


# ---------------------------------------------------------------------------
# Totals after their parts: 市本级投入2,000万元，区县投入1,500万元，共计3,500万元

_TOTAL_AFTER_WORDS = ("合计", "共计", "总计")
_TOTAL_AFTER_RE = re.compile(rf"({'|'.join(_TOTAL_AFTER_WORDS)})(?:为|达|达到)?[：:]?$")


def _trailing_total_findings(sentence: _Sentence) -> list[Finding]:
    findings = []
    for total in sentence.figures:
        parts = sentence.parts_before(total) if _TOTAL_AFTER_RE.search(total.label) else []
        if len(parts) >= 2 and not any(q.approximate for q in [total, *parts]):
            findings += _trailing_total_finding(sentence.text, total, parts)
    return findings


def _trailing_total_finding(text: str, total: Quantity, parts: list[Quantity]) -> list[Finding]:
    """The parts are the figures of the kind back to the clause group's start; the first ones
    may be something else, so a sum is inconsistent only when every run ending at the total is:
    the last two already exceed it, or all of them fall short of it."""
    if n := _shortest_fitting_run(total, parts[::-1]):
        return [_sum_finding(text, total, parts[-n:], CONSISTENT)]
    least = sum(p.value - _part_slack(p, total) for p in parts[-2:])
    most = sum(p.value + _part_slack(p, total) for p in parts)
    if least > total.value + total.half_ulp or most < total.value - total.half_ulp:
        return [_sum_finding(text, total, parts, INCONSISTENT)]
    return []


# ---------------------------------------------------------------------------
# Rates: X率为Y%, computed from the figure named by X and the total it is taken from

_RATE_RE = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{1,6}?)率(?:为|达|达到|是|约为)?[：:]?\s*$"
)
# Rates that compare with another period or are prices, not a share of a stated total.
_RATE_STOP = re.compile(r"(增长|增速|下降|降低|提高|上升|减少|增加|增幅|降幅|涨幅|利|税|汇|费|频|概|效|"
                        r"贴现|收益|回报|折旧|负债|占有|同比|环比)$")
_GENERIC_PREFIX = re.compile(r"^(总|综合|整体|平均|全年|年度|全区|全市|全县|全镇|全省|街道|累计)")
# What the numerator may be called when the rate's own verb is not used (成功率 of disputes).
_SYNONYMS = {"成功": ("成功", "化解"), "结案": ("结案", "审结", "办结"), "办结": ("办结", "结案"),
             "答复": ("答复", "回复"), "回复": ("回复", "答复"), "签约": ("签约", "签订")}
_NEGATED = re.compile(r"(未|待|不|没|无法|尚未|难以|没有)$")
# Manner words that make a narrower count: 按期办结480件 is not the numerator of 办结率.
_NARROWED = re.compile(r"(按期|按时|及时|限时|提前|超期|逾期|当日|当天|即时|现场|首次|网上|线上|线下)$")
# Words that mark a figure as an intake or total a rate can be taken from.
_TOTAL_WORDS = re.compile(r"共|累计|总|合计|受理|调处|排查|收到|接到|接收|登记|办理|立案|摸排|核查|辖区|全")


def _rate_finding(sentence: _Sentence, percent: Quantity) -> Finding | None:
    text = sentence.text
    m = _RATE_RE.search(text, max(0, percent.start - 12), percent.start)
    if not m or percent.approximate or percent.value > 100:
        return None
    name = m["name"][-4:]
    stem = _GENERIC_PREFIX.sub("", name)
    if len(stem) < 2 or _RATE_STOP.search(stem):
        return None
    numerator, strong = _numerator(sentence, stem, percent.start)
    if numerator is None:
        return None
    denominator, certain = _denominator(sentence, numerator)
    if denominator is None:
        return None
    return _ratio_finding(text, f"{name}率", percent, numerator, denominator, strong and certain)


def _numerator(sentence: _Sentence, stem: str, before: int) -> tuple[Quantity | None, bool]:
    """The nearest earlier figure whose words name the rate's stem (成功化解1466宗 for 化解率)."""
    core = stem[-2:]
    names = _SYNONYMS.get(stem, (stem,))
    segment = sentence.segment_start(before)
    for q in reversed([q for q in sentence.figures if segment <= q.start and q.end <= before]):
        for word, strong in [(w, True) for w in names] + [(core, False)]:
            if _names(q.label, word):
                return q, strong
    return None, False


def _names(label: str, word: str) -> bool:
    """The label says the thing was done: 已化解 yes; 待化解, 化解中, 按期化解 no."""
    for m in re.finditer(re.escape(word), label):
        before = label[:m.start()]
        if _NEGATED.search(before) or _NARROWED.search(before) or label[m.end():].startswith("中"):
            continue
        return True
    return False


def _denominator(sentence: _Sentence, numerator: Quantity) -> tuple[Quantity | None, bool]:
    """The total a rate is taken from, and whether the text leaves no doubt about it."""
    group = sentence.group_of(numerator)
    if group is not None:
        return group.head, _plainly_of(group, numerator)
    earlier = [q for q in sentence.figures if q.kind == numerator.kind and q.end <= numerator.start]
    if not earlier:
        return None, False
    total = earlier[-1]
    between = sentence.text[total.end:numerator.start]
    if "其中" in between or re.search(r"[；;]", between):
        return None, False
    if total.value < numerator.value or not _TOTAL_WORDS.search(total.label):
        return None, False
    return total, True


def _plainly_of(group: _Group, part: Quantity) -> bool:
    """Is the part plainly a share of the group's total? In "共200件，其中消费投诉150件，已办结140件"
    the 140 may be of the 200 or of the 150; the first part after 其中, or a part of a list that
    adds up, is of the total."""
    return not group.ambiguous and (bool(group.parts) or part == group.members[0])


def _ratio_finding(text: str, name: str, percent: Quantity, part: Quantity, total: Quantity,
                   strong: bool, kind: str = "rate") -> Finding | None:
    if not total.value or part.value > total.value:
        return None
    computed = part.value / total.value * 100
    fits = _percent_fits(percent, part, total)
    approximate = part.approximate or total.approximate
    if not fits and (approximate or not strong):
        return None  # a loose reading or a loose figure may only confirm, never accuse
    places = max(len(percent.number.partition(".")[2]), 2)
    shown = computed.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    claim = f"{name} {percent.number}% = {_part_text(part, part)} / {_part_text(total, total)}"
    message = (f"{name}文中为 {percent.number}%，按 {_part_text(part, part)} ÷ "
               f"{_part_text(total, total)} 计算得 {shown}%")
    return Finding(sentence=text, claim=claim, stated=_plain(percent.value), computed=_plain(shown),
                   difference=_plain(shown - percent.value), status=CONSISTENT if fits else INCONSISTENT,
                   kind=kind, unit="%", message=message)


def _percent_fits(percent: Quantity, part: Quantity, total: Quantity) -> bool:
    """Does part/total, within the figures' own rounding, round half-up or truncate to percent?"""
    return _rounds_to(percent, *_ratio_bounds(part, total))


def _ratio_bounds(part: Quantity, total: Quantity) -> tuple[Decimal, Decimal]:
    """The least and the most part/total may be in percent, given how the figures are rounded."""
    lo = (part.value - part.half_ulp) / (total.value + total.half_ulp) * 100
    hi = (part.value + part.half_ulp) / max(total.value - total.half_ulp, Decimal("1e-9")) * 100
    return lo, hi


def _rounds_to(percent: Quantity, lo: Decimal, hi: Decimal) -> bool:
    """Does some value in [lo, hi] round half-up or truncate to the percent as written?"""
    ulp = percent.half_ulp * 2
    # Rounding half-up covers [p - ulp/2, p + ulp/2); truncation covers [p, p + ulp).
    return lo < percent.value + ulp and percent.value - percent.half_ulp <= hi


# ---------------------------------------------------------------------------
# Shares: 其中小微企业450家，占比90%

_SHARE_RE = re.compile(r"占(?P<ref>[\u4e00-\u9fff]{1,8}?)的?(?:比例|比重)?(?:为|达|约为|达到)?[：:]?\s*$")
# 占比, 占总数: of the list's total. 占总人口, 占志愿者总数, 占进出口总额: of the total when
# its words name it. 占全省小微企业, 占年度计划: of something else.
_SHARE_OF_TOTAL = {"比", "总数", "总量", "总额", "总计", "全部", "总体", "总人数", "总户数"}
_TOTAL_AFFIXES = re.compile(r"^(全部|总)|(总数|总量|总额|总人数|总户数|总和)$")


def _names_total(ref: str, total: Quantity) -> bool:
    if ref in _SHARE_OF_TOTAL:
        return True
    core = _TOTAL_AFFIXES.sub("", ref)
    return core != ref and len(core) >= 2 and core in total.label


def _share_finding(sentence: _Sentence, percent: Quantity) -> Finding | None:
    text = sentence.text
    m = _SHARE_RE.search(text, max(0, percent.start - 16), percent.start)
    if not m or percent.approximate or "分别" in text[max(0, m.start() - 4):m.start()]:
        return None
    earlier = [q for q in sentence.figures if q.end <= m.start()]
    if not earlier or re.search(r"[；;]", text[earlier[-1].end:m.start()]):
        return None
    part = earlier[-1]
    group = sentence.group_of(part)
    if group is None or not _names_total(m["ref"], group.head):
        return None
    return _ratio_finding(text, "占比", percent, part, group.head, _plainly_of(group, part), "share")


# ---------------------------------------------------------------------------
# Changes: 2023年1650万人次，2022年为1500万人次，同比增长10%; 2022年为4860户，同比增加370户

_CHANGE_WORDS = {"增长": 1, "增加": 1, "上升": 1, "提高": 1, "增幅": 1, "增速": 1, "增长率": 1,
                 "下降": -1, "减少": -1, "降低": -1, "降幅": -1}
_CHANGE_RE = re.compile(rf"(?P<word>{'|'.join(_CHANGE_WORDS)})了?为?$")
# How the text names the earlier period's figure: 上年为250件, 去年同期为60起, 比上年的758.3亿元.
_EARLIER_RE = re.compile(r"上年|去年|上一年|前一年")
_YEAR_RE = re.compile(r"((?:19|20)\d\d)年")


# ---------------------------------------------------------------------------
# What a sentence must say for any check to find a relation in it: a list marker (sums), a
# total after its parts, a change, or a percentage with 率 (rates) or 占 (shares). Most
# sentences say none of these and are skipped before their figures are read.

_RELATION_WORDS = re.compile("|".join([*_LIST_MARKERS, *_TOTAL_AFTER_WORDS, *_CHANGE_WORDS]))
# Every sentence for which _may_relate is true holds one of these.
_CANDIDATE_RE = re.compile("|".join([*_LIST_MARKERS, *_TOTAL_AFTER_WORDS, *_CHANGE_WORDS,
                                     "%", "百分之"]))


def _may_relate(text: str) -> bool:
    """False when no check can find a relation in the half-width sentence ``text``."""
    if _RELATION_WORDS.search(text):
        return True
    return ("率" in text or "占" in text) and ("%" in text or "百分之" in text)


def _change_findings(sentence: _Sentence) -> list[Finding]:
    findings = []
    for q in sentence.quantities:
        m = _CHANGE_RE.search(q.label)
        later, earlier = _periods(sentence, q) if m and not q.approximate else (None, None)
        if earlier and earlier.value and not (later.approximate or earlier.approximate):
            findings.append(_change_finding(sentence.text, m["word"], q, later, earlier))
    return findings


def _periods(sentence: _Sentence, change: Quantity) -> tuple[Quantity | None, Quantity | None]:
    """The figures of this and the earlier period that a change is computed from: the only
    two of a kind before it in its segment, one of them plainly of the earlier period."""
    start = sentence.segment_start(change.start)
    figures = [q for q in sentence.quantities if start <= q.start and q.end <= change.start
               and not q.is_percent and not q.per_unit and not _CHANGE_RE.search(q.label)]
    kinds = {q.kind for q in figures} if change.is_percent else {change.kind}
    for kind in kinds:
        pair = [q for q in figures if q.kind == kind]
        if len(pair) == 2:
            ranks = [_period_rank(q.label) for q in pair]
            # A year beside a figure that names no period (2022年为…, 全年…): not said which
            # is earlier.
            if len(set(ranks)) == 2 and None not in ranks and (-1 in ranks or 0 not in ranks):
                earlier, later = sorted(pair, key=lambda q: _period_rank(q.label))
                return later, earlier
    return None, None


def _period_rank(label: str) -> int | None:
    """Years order periods; 上年/去年 is the year before one that names none."""
    if _EARLIER_RE.search(label):
        return -1
    year = _YEAR_RE.search(label)
    if year:
        return int(year[1])
    return None if re.search(r"同期", label) else 0


def _change_finding(text: str, word: str, change: Quantity, later: Quantity,
                    earlier: Quantity) -> Finding:
    sign = _CHANGE_WORDS[word]
    if change.is_percent:
        fits, computed = _percent_change(change, later, earlier, sign)
        terms = f"{later.number} / {earlier.number} − 1"
    else:
        slack = later.half_ulp + earlier.half_ulp + change.half_ulp
        computed = sign * (later.value - earlier.value)
        fits = abs(computed - change.value) <= slack
        terms = f"{later.number} − {earlier.number}"
    places = max(len(change.number.partition(".")[2]), 2 if change.is_percent else 0)
    shown = (computed / _scale(change)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    stated = change.value / _scale(change)
    written = f"{_plain(change.value)}%" if change.is_percent else change.text
    message = (f"文中{word} {written}，按本期 {later.text}、上期 {earlier.text} 计算得"
               f"{_direction(word, shown)} {_plain(abs(shown))}{change.unit}")
    return Finding(sentence=text, claim=f"{word} {change.text} = {terms}", stated=_plain(stated),
                   computed=_plain(shown), difference=_plain(shown - stated),
                   status=CONSISTENT if fits else INCONSISTENT, kind="change", unit=change.unit,
                   message=message)


def _percent_change(change: Quantity, later: Quantity, earlier: Quantity,
                    sign: int) -> tuple[bool, Decimal]:
    """Does later/earlier − 1, in the direction the text says (sign), round to the percent?"""
    lo, hi = (bound - 100 for bound in _ratio_bounds(later, earlier))
    fits = _rounds_to(change, *sorted((sign * lo, sign * hi)))
    return fits, sign * (later.value / earlier.value - 1) * 100


def _direction(word: str, change: Decimal) -> str:
    """增长 for a rise, 下降 for a fall, in the words the text uses (增加/减少 for counts)."""
    rising = (change >= 0) == (_CHANGE_WORDS[word] > 0)
    counts = word in ("增加", "减少")
    return ("增加" if counts else "增长") if rising else ("减少" if counts else "下降")


# ---------------------------------------------------------------------------


def _plain(value: Decimal) -> int | float:
    """A Decimal as the JSON number a reader expects: 26098, 98.3."""
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        return int(value)
    return float(value)


__all__ = ["CONSISTENT", "INCONSISTENT", "Finding", "Quantity", "check_text", "extract_quantities"]
