"""Account security: login throttling (django-axes), password strength, session expiry and
the TOTP second factor (django-otp)."""

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.staff.security import client_ip

PASSWORD = "翠竹街道-correct-horse-2024"


def current_code(device: TOTPDevice, offset=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits) + offset:06d}"[-6:]


class LockoutTestCase(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("lisi", password=PASSWORD, is_staff=True)

    def login(self, password, username="lisi", ip="203.0.113.7"):
        return self.client.post("/admin/login/", {"username": username, "password": password,
                                                  "next": "/admin/"}, REMOTE_ADDR=ip)

    def test_30_wrong_passwords_lock_the_account_out_from_that_address(self):
        statuses = [self.login(f"wrong-{i}").status_code for i in range(30)]
        assert statuses[:settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
        assert set(statuses[settings.AXES_FAILURE_LIMIT:]) == {429}
        # Locked: even the right password is refused now, with the lockout page in Chinese.
        r = self.login(PASSWORD)
        assert r.status_code == 429
        html = r.content.decode()
        assert "登录已暂时锁定" in html and f"连续输错 {settings.AXES_FAILURE_LIMIT} 次" in html
        assert "60 分钟后自动解除" in html
        assert "_auth_user_id" not in self.client.session
        # axes keeps its records of the attempts and the lockout.
        attempt = AccessAttempt.objects.get(username="lisi")
        assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
        assert attempt.ip_address == "203.0.113.7"
        assert AccessFailureLog.objects.filter(username="lisi", locked_out=True).exists()

    def test_the_lockout_is_for_that_username_and_address_only(self):
        for i in range(settings.AXES_FAILURE_LIMIT):
            self.login(f"wrong-{i}")
        assert self.login(PASSWORD, ip="198.51.100.20").status_code == 302

    def test_a_right_password_before_the_limit_resets_the_count(self):
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            self.login(f"wrong-{i}")
        assert self.login(PASSWORD).status_code == 302
        self.client.logout()
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.login(f"wrong-again-{i}").status_code == 200
        assert self.login(PASSWORD).status_code == 302

    def test_the_lockout_is_logged(self):
        with self.assertLogs("axes", level="WARNING") as logs:
            for i in range(settings.AXES_FAILURE_LIMIT):
                self.login(f"wrong-{i}")
        assert any("Locking out" in line for line in logs.output), logs.output


class ClientAddressTestCase(TestCase):
    def request(self, **meta):
        from django.test import RequestFactory

        return RequestFactory().post("/admin/login/", **meta)

    def test_without_a_proxy_the_peer_address_counts(self):
        r = self.request(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_ip(r) == "203.0.113.7"

    @override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    def test_behind_the_proxy_the_address_nginx_appended_counts(self):
        r = self.request(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
        assert client_ip(r) == "203.0.113.7"


class PasswordTestCase(TestCase):
    def test_short_common_numeric_and_name_like_passwords_are_refused(self):
        user = User(username="zhangxiaoming", first_name="Xiaoming")
        for password in ("Short-pw-1", "password1234", "201903150815", "zhangxiaoming1"):
            with self.assertRaises(ValidationError, msg=password):
                password_validation.validate_password(password, user)
        password_validation.validate_password(PASSWORD, user)

    def test_the_minimum_is_twelve_characters(self):
        with self.assertRaises(ValidationError) as refused:
            password_validation.validate_password("Qx7!vB2#kL9", User(username="a"))
        assert "12" in " ".join(refused.exception.messages)
        password_validation.validate_password("Qx7!vB2#kL9$", User(username="a"))

    def test_the_admin_password_change_form_applies_them(self):
        user = User.objects.create_user("zhaoliu", password=PASSWORD, is_staff=True)
        self.client.force_login(user)
        r = self.client.post("/admin/password_change/", {
            "old_password": PASSWORD, "new_password1": "abc12345", "new_password2": "abc12345"})
        assert r.status_code == 200 and "at least 12 characters" in r.content.decode()


class SessionTestCase(TestCase):
    def test_staff_sessions_end_with_the_browser_and_after_eight_hours(self):
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
        assert settings.SESSION_COOKIE_AGE == 8 * 3600
        User.objects.create_user("lisi", password=PASSWORD, is_staff=True)
        r = self.client.post("/admin/login/", {"username": "lisi", "password": PASSWORD})
        cookie = r.cookies[settings.SESSION_COOKIE_NAME]
        assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
        assert 0 < self.client.session.get_expiry_age() <= 8 * 3600

    def test_csrf_is_checked_on_the_login_form(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        r = client.post("/admin/login/", {"username": "x", "password": "y"})
        assert r.status_code == 403


class OTPTestCase(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("reviewer", password=PASSWORD, is_staff=True)

    def login(self, token="", password=PASSWORD, username="reviewer"):
        return self.client.post("/admin/login/", {"username": username, "password": password,
                                                  "otp_token": token, "next": "/admin/"})

    def device(self, user=None):
        return TOTPDevice.objects.create(user=user or self.user, name="手机", confirmed=True)

    def test_without_a_device_the_password_is_enough(self):
        assert self.login().status_code == 302
        assert self.client.get("/admin/").status_code == 200

    def test_a_user_with_a_device_needs_the_code(self):
        device = self.device()
        r = self.login()
        assert r.status_code == 200 and "请输入验证器应用显示的 6 位动态口令" in r.content.decode()
        assert "_auth_user_id" not in self.client.session
        r = self.login(token=current_code(device, offset=1))
        assert r.status_code == 200 and "动态口令不正确" in r.content.decode()
        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        assert self.login(token=current_code(device)).status_code == 302
        assert self.client.get("/admin/").status_code == 200

    def test_the_login_page_has_the_code_field(self):
        html = self.client.get("/admin/login/").content.decode()
        assert 'name="otp_token"' in html and 'autocomplete="one-time-code"' in html

    def test_a_session_signed_in_without_the_code_is_not_let_in(self):
        self.device()
        self.client.force_login(self.user)
        r = self.client.get("/admin/")
        assert r.status_code == 302 and r["Location"].startswith("/admin/login/")

    def test_staff_enrol_a_device_with_the_qr_code_or_the_secret(self):
        self.login()
        html = self.client.get("/admin/otp/").content.decode()
        assert 'src="data:image/svg+xml;base64,' in html and 'class="otp-secret"' in html
        device = TOTPDevice.objects.get(user=self.user, confirmed=False)
        r = self.client.post("/admin/otp/", {"token": "000000" if current_code(device) != "000000" else "111111"})
        assert "动态口令不正确" in r.content.decode()
        device.refresh_from_db()
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        r = self.client.post("/admin/otp/", {"token": current_code(device)})
        assert r.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert self.client.get("/admin/").status_code == 200  # verified in this session
        assert "已开启两步验证" in self.client.get("/admin/otp/").content.decode()

    def test_the_admin_links_to_it(self):
        self.login()
        assert 'href="/admin/otp/"' in self.client.get("/admin/").content.decode()

    @override_settings(REQUIRE_OTP=True)
    def test_required_of_superusers_who_must_enrol_first(self):
        admin = User.objects.create_superuser("admin", password=PASSWORD)
        assert self.login(username="admin").status_code == 302
        r = self.client.get("/admin/")
        assert r.status_code == 302
        r = self.client.get(r["Location"])
        assert r.status_code == 302 and r["Location"] == "/admin/otp/"
        assert "本站要求超级管理员使用两步验证" in self.client.get("/admin/otp/").content.decode()
        # Other staff are not asked.
        self.client.logout()
        assert self.login().status_code == 302
        assert self.client.get("/admin/").status_code == 200
        assert admin.is_superuser

    @override_settings(REQUIRE_OTP=True)
    def test_required_of_superusers_with_a_device_too(self):
        admin = User.objects.create_superuser("admin", password=PASSWORD)
        device = self.device(admin)
        assert self.login(username="admin").status_code == 200
        assert self.login(username="admin", token=current_code(device)).status_code == 302
        assert self.client.get("/admin/").status_code == 200
