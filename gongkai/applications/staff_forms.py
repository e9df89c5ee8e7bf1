"""The staff's forms: registering an application handed in or posted, and one form per step
(field names are the keyword arguments of the step in ``cases``)."""

import datetime as dt

from django import forms
from django.utils import timezone

from gongkai.documents.models import Document
from gongkai.lib.identifiers import normalize_doc_no

from . import deadlines
from .forms import ApplicationForm
from .models import Channel, FeeMethod, Pause, PauseKind
from .outcomes import Outcome


def _date(label, required=False, help_text=""):
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class RegisterForm(ApplicationForm):
    """An application handed in, posted or faxed, registered by staff (art. 31 dates it)."""

    class Meta(ApplicationForm.Meta):
        fields = ["agency", "channel", "received_on", *ApplicationForm.Meta.fields]
        widgets = {**ApplicationForm.Meta.widgets,
                   "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.ONLINE]
        self.fields["received_on"].required = True
        self.fields["received_on"].initial = timezone.localdate

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received and received > timezone.localdate():
            raise forms.ValidationError("收到申请日期不能晚于今天。")
        return received


class EmptyForm(forms.Form):
    pass


class ConfirmForm(forms.Form):
    received_on = _date("收到申请日期", help_text="网上申请以双方确认之日为收到申请之日（条例第三十一条），默认今天。")


class SupplementRequestForm(forms.Form):
    request = forms.CharField(label="需补正的事项", widget=forms.Textarea(attrs={"rows": 4}))
    deadline = _date("补正期限", help_text=f"留空为通知之日起{deadlines.SUPPLEMENT_PERIOD_DAYS}个工作日。")


class SupplementReceivedForm(forms.Form):
    text = forms.CharField(label="补正内容", widget=forms.Textarea(attrs={"rows": 4}))
    on = _date("收到补正日期", help_text="留空为今天。答复期限自该日起重新计算。")


class ExtendForm(forms.Form):
    days = forms.IntegerField(label="延长工作日", min_value=1, max_value=deadlines.MAX_EXTENSION_DAYS,
                              initial=deadlines.MAX_EXTENSION_DAYS)
    approved_by = forms.CharField(label="批准人", max_length=100,
                                  help_text="政府信息公开工作机构负责人（条例第三十三条）。")
    reason = forms.CharField(label="延期理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PauseForm(forms.Form):
    kind = forms.ChoiceField(label="征求意见对象", choices=[
        (PauseKind.THIRD_PARTY, "第三方（条例第三十二条，15个工作日）"),
        (PauseKind.CO_AGENCY, "共同制作的行政机关（条例第三十四条，15个工作日）")])
    party = forms.CharField(label="名称", max_length=200, required=False)
    on = _date("开始日期", help_text="留空为今天。征求意见期间不计入答复期限。")


class ResumeForm(forms.Form):
    stop = forms.ModelChoiceField(label="征求意见", queryset=Pause.objects.none())
    on = _date("结束日期", help_text="收到答复之日（留空为今天）。")

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stop"].queryset = app.pauses.filter(ended_on__isnull=True).exclude(
            kind=PauseKind.FEE)


class FeeForm(forms.Form):
    method = forms.ChoiceField(label="收费方式", choices=FeeMethod.choices, widget=forms.RadioSelect)
    pages = forms.IntegerField(label="页数", min_value=1, required=False,
                               help_text="按量计收时填写：30页以内免费，31–100页10元/页，101–200页20元/页，201页以上40元/页。")
    deadline = _date("缴费期限", help_text=f"留空为通知之日起{deadlines.PAYMENT_PERIOD_DAYS}个工作日。")


class DateForm(forms.Form):
    on = _date("日期", help_text="留空为今天。")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(label="答复类型（年度报告表三）", choices=[("", "请选择")] + Outcome.choices)
    explanation = forms.CharField(
        label="答复说明", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写入告知书：不予公开的理由、获取方式、应向哪个机关申请等。")
    document_refs = forms.CharField(
        label="附带的政府信息", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个本机关政府信息的索引号或文号。")
    uploads = MultipleFileField(label="附件", required=False)
    on = _date("答复日期", help_text="留空为今天。")

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def clean_document_refs(self):
        found, missing = [], []
        for line in self.cleaned_data["document_refs"].splitlines():
            ref = line.strip()
            if not ref:
                continue
            document = Document.objects.filter(agency_id=self.app.agency_id).filter(
                index_no=ref).first() or Document.objects.filter(
                agency_id=self.app.agency_id, doc_no=normalize_doc_no(ref)).first()
            (found.append(document) if document else missing.append(ref))
        if missing:
            raise forms.ValidationError(f"本机关没有索引号或文号为“{'、'.join(missing)}”的政府信息。")
        return found


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="承办人", queryset=None, required=False,
                                      help_text="本机关的工作人员；留空为取消指派。")

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["assignee"].queryset = get_user_model().objects.filter(
            memberships__agency_id=app.agency_id, is_active=True).distinct()


class NoteForm(forms.Form):
    text = forms.CharField(label="内部备注", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="仅本机关工作人员可见，不向申请人显示。")


def today_or(value: dt.date | None) -> dt.date:
    return value or timezone.localdate()
