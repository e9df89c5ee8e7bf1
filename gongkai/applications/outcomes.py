"""The outcomes of an application, coded to the leaf rows of the annual report's Table 3
(国办公开办函〔2021〕30号; domain.md §6), with the form's own labels.

A reply is coded once, to one leaf; the annual report (issue 13) counts them through
``gongkai.applications.stats``. ``GROUPS`` keeps the form's order: group label, then its
leaves as (code, leaf label); a group without numbered leaves has one leaf labelled as itself.
"""

from django.db import models

RESULTS = "三、本年度办理结果"
NEW = "一、本年新收政府信息公开申请数量"
CARRIED_IN = "二、上年结转政府信息公开申请数量"
TOTAL = "（七）总计"
CARRIED_OUT = "四、结转下年度继续办理"

DISCLOSED = "（一）予以公开"
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
WITHHELD = "（三）不予公开"
UNAVAILABLE = "（四）无法提供"
NOT_PROCESSED = "（五）不予处理"
OTHER = "（六）其他处理"


class Outcome(models.TextChoices):
    DISCLOSED = "disclosed", "予以公开"
    PARTIAL = "partial", "部分公开"
    SECRET = "withheld_secret", "不予公开：属于国家秘密"
    FORBIDDEN = "withheld_law", "不予公开：其他法律行政法规禁止公开"
    SECURITY = "withheld_security", "不予公开：危及“三安全一稳定”"
    THIRD_PARTY = "withheld_third_party", "不予公开：保护第三方合法权益"
    INTERNAL = "withheld_internal", "不予公开：属于三类内部事务信息"
    PROCESS = "withheld_process", "不予公开：属于四类过程性信息"
    ENFORCEMENT = "withheld_enforcement", "不予公开：属于行政执法案卷"
    INQUIRY = "withheld_inquiry", "不予公开：属于行政查询事项"
    NOT_HELD = "unavailable_not_held", "无法提供：本机关不掌握相关政府信息"
    NEEDS_MAKING = "unavailable_needs_making", "无法提供：没有现成信息需要另行制作"
    STILL_UNCLEAR = "unavailable_unclear", "无法提供：补正后申请内容仍不明确"
    PETITION = "rejected_petition", "不予处理：信访举报投诉类申请"
    REPEAT = "rejected_repeat", "不予处理：重复申请"
    PUBLICATION = "rejected_publication", "不予处理：要求提供公开出版物"
    EXCESSIVE = "rejected_excessive", "不予处理：无正当理由大量反复申请"
    CONFIRMATION = "rejected_confirmation", "不予处理：要求行政机关确认或重新出具已获取信息"
    NO_SUPPLEMENT = "other_no_supplement", "其他处理：逾期不补正，不再处理"
    FEE_UNPAID = "other_fee_unpaid", "其他处理：逾期未缴纳信息处理费，不再处理"
    OTHER = "other", "其他处理：其他"


# Table 3's rows, in the form's order and with its exact labels (domain.md §6).
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (DISCLOSED, [(Outcome.DISCLOSED, DISCLOSED)]),
    (PARTIAL, [(Outcome.PARTIAL, PARTIAL)]),
    (WITHHELD, [
        (Outcome.SECRET, "1.属于国家秘密"),
        (Outcome.FORBIDDEN, "2.其他法律行政法规禁止公开"),
        (Outcome.SECURITY, '3.危及"三安全一稳定"'),
        (Outcome.THIRD_PARTY, "4.保护第三方合法权益"),
        (Outcome.INTERNAL, "5.属于三类内部事务信息"),
        (Outcome.PROCESS, "6.属于四类过程性信息"),
        (Outcome.ENFORCEMENT, "7.属于行政执法案卷"),
        (Outcome.INQUIRY, "8.属于行政查询事项"),
    ]),
    (UNAVAILABLE, [
        (Outcome.NOT_HELD, "1.本机关不掌握相关政府信息"),
        (Outcome.NEEDS_MAKING, "2.没有现成信息需要另行制作"),
        (Outcome.STILL_UNCLEAR, "3.补正后申请内容仍不明确"),
    ]),
    (NOT_PROCESSED, [
        (Outcome.PETITION, "1.信访举报投诉类申请"),
        (Outcome.REPEAT, "2.重复申请"),
        (Outcome.PUBLICATION, "3.要求提供公开出版物"),
        (Outcome.EXCESSIVE, "4.无正当理由大量反复申请"),
        (Outcome.CONFIRMATION, "5.要求行政机关确认或重新出具已获取信息"),
    ]),
    (OTHER, [
        (Outcome.NO_SUPPLEMENT, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        (Outcome.FEE_UNPAID, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        (Outcome.OTHER, "3.其他"),
    ]),
]


def row_key(outcome: str) -> tuple[str, ...]:
    """Table 3's row of ``outcome``: (三、本年度办理结果, group[, leaf])."""
    for group, leaves in GROUPS:
        for code, label in leaves:
            if code == outcome:
                return (RESULTS, group) if label == group else (RESULTS, group, label)
    raise KeyError(outcome)


# What the applicant is told each outcome rests on (the letter's default wording cites it).
ARTICLES = {
    Outcome.DISCLOSED: "第三十六条第（二）项", Outcome.PARTIAL: "第三十七条",
    Outcome.SECRET: "第十四条", Outcome.FORBIDDEN: "第十四条", Outcome.SECURITY: "第十四条",
    Outcome.THIRD_PARTY: "第十五条", Outcome.INTERNAL: "第十六条第一款",
    Outcome.PROCESS: "第十六条第二款", Outcome.ENFORCEMENT: "第十六条第二款",
    Outcome.INQUIRY: "第三十六条第（七）项", Outcome.NOT_HELD: "第三十六条第（四）项",
    Outcome.NEEDS_MAKING: "第三十八条", Outcome.STILL_UNCLEAR: "第三十条",
    Outcome.PETITION: "第三十九条第一款", Outcome.REPEAT: "第三十六条第（六）项",
    Outcome.PUBLICATION: "第三十九条第二款", Outcome.EXCESSIVE: "第三十五条",
    Outcome.CONFIRMATION: "第三十六条", Outcome.NO_SUPPLEMENT: "第三十条",
    Outcome.FEE_UNPAID: "《政府信息公开信息处理费管理办法》", Outcome.OTHER: "",
}
