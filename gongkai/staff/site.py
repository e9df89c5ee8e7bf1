"""The admin site: Django's, with a login that asks for the TOTP code of staff who use a
second factor (django-otp), and the page where staff enrol one.

- A user with a confirmed TOTP device signs in with username, password and the 6-digit code;
  a wrong code counts as a failed login for django-axes.
- Such a user, signed in without the code (a session from before enrolment elsewhere), is
  sent back to the login page: the admin needs the verified device.
- With GONGKAI_REQUIRE_OTP=True every superuser needs one: a superuser without a device who
  signs in by password is taken to 两步验证 (/admin/otp/) and can do nothing else until a
  device is confirmed.
"""

import base64
import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import signals
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .security import has_device, otp_enrolment_due, otp_pending


class LoginForm(AdminAuthenticationForm):
    """Username and password, and the 动态口令 when the user has a second factor."""

    otp_token = forms.CharField(
        label="动态口令", required=False, max_length=8,
        help_text="已开启两步验证的账号填写验证器应用显示的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9]*", "size": 8}))

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_required": "该账号已开启两步验证，请输入验证器应用显示的 6 位动态口令。",
        "otp_invalid": "动态口令不正确或已过期，请输入验证器应用当前显示的数字。",
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not has_device(user):
            return cleaned
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        device = match_token(user, token)
        if device is None:
            # As a wrong password: django-axes counts it.
            signals.user_login_failed.send(
                sender=type(self), request=self.request,
                credentials={"username": cleaned.get("username")})
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        user.otp_device = device  # django_otp.login() keeps it in the session on login
        return cleaned


class OTPSetupForm(forms.Form):
    token = forms.CharField(
        label="动态口令", max_length=8,
        help_text="扫描二维码（或手工输入密钥）后，填写验证器应用显示的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9]*", "size": 8}))


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as an SVG data: URI (the CSP allows data: images)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


class GongkaiAdminSite(admin.AdminSite):
    login_form = LoginForm
    site_header = "公开 · 政府信息公开平台管理"
    site_title = "政府信息公开平台管理"
    index_title = "内容管理"

    def has_permission(self, request):
        return super().has_permission(request) and not otp_pending(request)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and \
                otp_enrolment_due(user):
            return HttpResponseRedirect(reverse("admin:otp_setup", current_app=self.name))
        return super().login(request, extra_context)

    def get_urls(self):
        setup = login_required(self.otp_setup, login_url="admin:login")
        return [path("otp/", setup, name="otp_setup"), *super().get_urls()]

    @method_decorator(never_cache)
    def otp_setup(self, request):
        """两步验证: enrol a TOTP device (QR code or the secret as text), confirmed by a code."""
        user = request.user
        if not user.is_staff:
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        context = {**self.each_context(request), "title": "两步验证", "confirmed": confirmed,
                   "has_permission": self.has_permission(request)}
        if confirmed:
            return TemplateResponse(request, "staff/otp_setup.html", context)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first() \
            or TOTPDevice.objects.create(user=user, name="验证器应用", confirmed=False)
        form = OTPSetupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"].strip()):
                device.confirmed = True
                device.save()
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                otp_login(request, device)
                messages.success(request, "两步验证已开启。以后登录时需要输入验证器应用显示的动态口令。")
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            form.add_error("token", "动态口令不正确。请确认手机时间准确，并输入当前显示的数字。")
        secret = base64.b32encode(device.bin_key).decode()
        context.update({"form": form, "qr": qr_svg(device.config_url),
                        "secret": _grouped(secret), "required": otp_enrolment_due(user)})
        return TemplateResponse(request, "staff/otp_setup.html", context)
