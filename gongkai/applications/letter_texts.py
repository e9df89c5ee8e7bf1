"""The default wording of each letter, in Django template syntax. Staff change the wording in
the admin (告知书模板); these are what a new installation starts from (migration 0001) and what
a deleted template falls back to. Variables: ``app`` (the case), ``agency``, ``date`` (the
letter's date), ``documents`` and ``files`` (what the reply sends), ``due`` (the extended due
date), ``fee`` (the amount)."""

from .outcomes import Outcome

LAW = "《中华人民共和国政府信息公开条例》"

OPENING = (
    "{{ app.name }}：\n\n"
    "本机关于{{ app.received_on|date:'Y年n月j日' }}收到您（单位）提出的政府信息公开申请"
    "（查询码 {{ app.tracking_code }}），申请获取："
    "{% if app.title %}“{{ app.title }}”{% else %}{{ app.description|truncatechars:80 }}{% endif %}。"
    "{% if app.supplemented_on %}本机关于{{ app.supplemented_on|date:'Y年n月j日' }}收到您的补正材料。{% endif %}\n\n"
)
EXPLANATION = "{% if app.reply_explanation %}{{ app.reply_explanation }}\n\n{% endif %}"
ATTACHED = ("{% if documents or files %}随本告知书提供：{% for d in documents %}"
            "\n《{{ d.title }}》{% if d.doc_no %}（{{ d.doc_no }}）{% endif %}{% endfor %}"
            "{% for f in files %}\n{{ f.name }}{% endfor %}\n\n{% endif %}")
REMEDY = ("如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
          "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。\n\n")
SIGNATURE = "{{ agency.name }}\n{{ date|date:'Y年n月j日' }}"

REASONS = {
    Outcome.DISCLOSED: f"经审查，您申请获取的政府信息属于公开范围，根据{LAW}第三十六条第（二）项的规定，现予以公开。",
    Outcome.PARTIAL: f"经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据{LAW}第三十七条的规定，现向您提供可以公开的部分，不予公开部分的理由见下。",
    Outcome.SECRET: f"经审查，您申请获取的政府信息属于国家秘密，根据{LAW}第十四条的规定，不予公开。",
    Outcome.FORBIDDEN: f"经审查，您申请获取的政府信息属于法律、行政法规禁止公开的信息，根据{LAW}第十四条的规定，不予公开。",
    Outcome.SECURITY: f"经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，根据{LAW}第十四条的规定，不予公开。",
    Outcome.THIRD_PARTY: f"经审查，您申请获取的政府信息涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害，根据{LAW}第十五条的规定，不予公开。",
    Outcome.INTERNAL: f"经审查，您申请获取的政府信息属于人事管理、后勤管理、内部工作流程等内部事务信息，根据{LAW}第十六条第一款的规定，不予公开。",
    Outcome.PROCESS: f"经审查，您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，根据{LAW}第十六条第二款的规定，不予公开。",
    Outcome.ENFORCEMENT: f"经审查，您申请获取的政府信息属于行政执法案卷信息，根据{LAW}第十六条第二款的规定，不予公开。",
    Outcome.INQUIRY: f"经审查，您申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的行政查询事项，根据{LAW}第三十六条第（七）项的规定，请按照有关规定办理。",
    Outcome.NOT_HELD: f"经检索查找，本机关未制作、获取您申请的政府信息，根据{LAW}第三十六条第（四）项、第（五）项的规定，告知如下。",
    Outcome.NEEDS_MAKING: f"经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析，根据{LAW}第三十八条的规定，本机关可以不予提供。",
    Outcome.STILL_UNCLEAR: f"本机关已通知您补正申请，补正后申请内容仍不明确，根据{LAW}第三十条的规定，无法提供。",
    Outcome.PETITION: f"经审查，您提出的申请属于信访、投诉、举报等诉求，根据{LAW}第三十九条第一款的规定，不作为政府信息公开申请处理，请通过相应渠道提出。",
    Outcome.REPEAT: f"经审查，您就同一政府信息重复提出公开申请，本机关已作出答复，根据{LAW}第三十六条第（六）项的规定，不予重复处理。",
    Outcome.PUBLICATION: f"经审查，您要求提供的是政府公报、报刊、书籍等公开出版物，根据{LAW}第三十九条第二款的规定，请通过相应渠道获取。",
    Outcome.EXCESSIVE: f"经审查，您申请公开政府信息的数量、频次明显超过合理范围且说明的理由不合理，根据{LAW}第三十五条的规定，不予处理。",
    Outcome.CONFIRMATION: "经审查，您的申请系要求行政机关确认或者重新出具已获取的信息，不属于政府信息公开申请的范围，不予处理。",
    Outcome.NO_SUPPLEMENT: f"本机关已于{{{{ app.supplement_requested_on|date:'Y年n月j日' }}}}通知您补正申请，您未在{{{{ app.supplement_deadline|date:'Y年n月j日' }}}}前补正，根据{LAW}第三十条的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
    Outcome.FEE_UNPAID: "本机关已于{{ app.fee_notice_on|date:'Y年n月j日' }}向您发出收费通知，您未在{{ app.fee_deadline|date:'Y年n月j日' }}前缴纳信息处理费，根据《政府信息公开信息处理费管理办法》的规定，本机关不再处理该政府信息公开申请。",
    Outcome.OTHER: "经审查，本机关对您的申请答复如下。",
}


def reply_body(outcome: str) -> str:
    return OPENING + REASONS[outcome] + "\n\n" + EXPLANATION + ATTACHED + REMEDY + SIGNATURE


NOTICES = {
    "supplement": ("补正申请告知书",
                   OPENING + f"经审查，您的申请内容不明确，根据{LAW}第三十条的规定，请您作出补正："
                   "\n\n{{ app.supplement_request }}\n\n"
                   "请于{{ app.supplement_deadline|date:'Y年n月j日' }}前补正（可在本平台凭查询码提交）。"
                   "答复期限自本机关收到补正之日起重新计算。无正当理由逾期不补正的，视为放弃申请。\n\n"
                   + SIGNATURE),
    "extension": ("延期答复告知书",
                  OPENING + f"因情况复杂，不能在规定期限内答复，经政府信息公开工作机构负责人同意，"
                  f"根据{LAW}第三十三条的规定，答复期限延长{{{{ app.extension_days }}}}个工作日，"
                  "最迟于{{ due|date:'Y年n月j日' }}前答复{% if app.due_provisional %}（该年度放假安排公布后可能调整）{% endif %}。"
                  "{% if app.extension_reason %}\n\n延期理由：{{ app.extension_reason }}{% endif %}\n\n"
                  + SIGNATURE),
    "fee": ("收费通知书",
            OPENING + "根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，"
            "您的申请需缴纳信息处理费{{ app.fee_amount }}元（{{ app.get_fee_method_display }}"
            "{% if app.fee_pages %}，共{{ app.fee_pages }}页{% endif %}）。"
            "请于{{ app.fee_deadline|date:'Y年n月j日' }}前缴纳。逾期未缴纳的，本机关不再处理该申请。"
            "收费通知发出至缴费之日不计入答复期限。\n\n" + SIGNATURE),
}


def defaults() -> dict[str, tuple[str, str]]:
    """{kind: (title, body)} of every letter."""
    letters = {code: (f"政府信息公开申请答复告知书（{label}）", reply_body(code))
               for code, label in Outcome.choices}
    letters.update(NOTICES)
    return letters
