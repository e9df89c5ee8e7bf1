"""The citizen's forms: the application (条例 art. 29), the status look-up and the 补正.
Every message names the field and says how to put it right; nothing typed is lost when the
form comes back."""

import re

from django import forms

from gongkai.lib.identifiers import is_valid_credit_code, is_valid_id_card, normalize_doc_no

from .models import ApplicantType, Application, DeliveryWanted

PHONE = re.compile(r"\+?[0-9][0-9 \-]{5,18}[0-9]")


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["applicant_type", "name", "id_number", "contact_person", "phone", "email",
                  "address", "postcode", "title", "doc_no", "description", "purpose",
                  "form_wanted", "delivery_wanted"]
        widgets = {
            "applicant_type": forms.RadioSelect,
            "form_wanted": forms.RadioSelect,
            "delivery_wanted": forms.RadioSelect,
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code",
                                               "inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"name": "申请人姓名或名称"}
        help_texts = {
            "applicant_type": "法人或其他组织请选择所属类别。",
            "id_number": "自然人填写18位居民身份证号；法人或其他组织填写18位统一社会信用代码。",
            "contact_person": "法人或其他组织必填。",
            "phone": "联系电话和电子邮箱至少填写一项，查询办理进度时需要输入其中之一。",
            "title": "如知道信息的名称，请填写。",
            "doc_no": "如知道文号，请填写，例如：深府办〔2021〕3号。",
            "purpose": "选填。",
        }
        error_messages = {
            "applicant_type": {"required": "请选择申请人类型。"},
            "name": {"required": "请填写申请人姓名或名称。"},
            "id_number": {"required": "请填写身份证明号码。"},
            "description": {"required": "请描述所需的政府信息：名称、文号或者便于查询的其他特征。"},
            "form_wanted": {"required": "请选择获取信息的载体形式。"},
            "delivery_wanted": {"required": "请选择获取信息的方式。"},
            "email": {"invalid": "电子邮箱格式不正确，例如：name@example.com。"},
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("form_wanted", "delivery_wanted"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.fields["applicant_type"].choices = [
            (value, label if value == ApplicantType.PERSON else f"法人或其他组织：{label}")
            for value, label in ApplicantType.choices]

    def clean_id_number(self):
        return re.sub(r"\s+", "", self.cleaned_data["id_number"]).upper()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError("联系电话格式不正确：请填写手机号或带区号的固定电话，例如 0755-12345678。")
        return phone

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not re.fullmatch(r"\d{6}", postcode):
            raise forms.ValidationError("邮政编码应为6位数字。")
        return postcode

    def clean_doc_no(self):
        return normalize_doc_no(self.cleaned_data["doc_no"])

    def clean(self):
        data = super().clean()
        kind, number = data.get("applicant_type"), data.get("id_number")
        if kind and number:
            if kind == ApplicantType.PERSON and not is_valid_id_card(number):
                self.add_error("id_number", "居民身份证号不正确：应为18位，最后一位是数字或X，请逐位核对。")
            elif kind != ApplicantType.PERSON and not is_valid_credit_code(number):
                self.add_error("id_number", "统一社会信用代码不正确：应为18位数字或大写字母"
                                            "（不含I、O、Z、S、V），请逐位核对。")
        if kind and kind != ApplicantType.PERSON and not data.get("contact_person"):
            self.add_error("contact_person", "法人或其他组织请填写联系人。")
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors \
                and "email" not in self.errors:
            self.add_error("phone", "请至少填写联系电话或电子邮箱中的一项。")
        delivery = data.get("delivery_wanted")
        if delivery == DeliveryWanted.POST and not data.get("address"):
            self.add_error("address", "选择邮寄时请填写通信地址。")
        if delivery == DeliveryWanted.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "选择电子邮件获取时请填写电子邮箱。")
        return data


def normalize_contact(value: str) -> str:
    """A phone number or e-mail address as it is compared: no spaces or dashes, lower case."""
    return re.sub(r"[\s\-]", "", value or "").lower()


class StatusForm(forms.Form):
    label_suffix = ""
    code = forms.CharField(label="查询码", max_length=30,
                           help_text="提交申请后页面和邮件中给出的查询码，例如 GK-ABCD-EFGH-JKMN。",
                           error_messages={"required": "请填写查询码。"},
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "spellcheck": "false"}))
    contact = forms.CharField(label="联系电话或电子邮箱", max_length=254,
                              help_text="填写申请时留下的联系电话或电子邮箱。",
                              error_messages={"required": "请填写联系电话或电子邮箱。"})

    def clean_code(self):
        code = re.sub(r"[\s\-]", "", self.cleaned_data["code"]).upper()
        if code.startswith("GK"):
            code = code[2:]
        if len(code) != 12:
            raise forms.ValidationError("查询码应为 GK- 加12位字母或数字，请核对。")
        return f"GK-{code[:4]}-{code[4:8]}-{code[8:]}"


class SupplementForm(forms.Form):
    label_suffix = ""
    text = forms.CharField(label="补正内容", widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=5000, error_messages={"required": "请填写补正内容。"},
                           help_text="请按补正通知的要求，写明所需信息的名称、文号或其他特征。")
