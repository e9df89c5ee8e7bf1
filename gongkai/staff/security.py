"""Account security helpers: the client address for login throttling (django-axes) and
whether a staff member needs a second factor (django-otp)."""

from django.conf import settings
from django_otp import user_has_device


def client_ip(request) -> str:
    """The address a login comes from. Behind the proxy (GONGKAI_BEHIND_PROXY, which sets
    SECURE_PROXY_SSL_HEADER) it is the last X-Forwarded-For entry, the one nginx appended
    ($proxy_add_x_forwarded_for, docs/deployment.md); entries before it are the client's own
    say and could name anyone."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if last := forwarded.split(",")[-1].strip():
            return last
    return request.META.get("REMOTE_ADDR", "")


def otp_required(user) -> bool:
    """A second factor is asked of anyone with a confirmed device, and of every superuser
    when GONGKAI_REQUIRE_OTP is True."""
    if not user.is_authenticated:
        return False
    return (settings.REQUIRE_OTP and user.is_superuser) or has_device(user)


def has_device(user) -> bool:
    """Whether the user has a confirmed device (asked once per request's user object)."""
    if "_gk_has_device" not in user.__dict__:
        user.__dict__["_gk_has_device"] = user_has_device(user)
    return user.__dict__["_gk_has_device"]


def otp_enrolment_due(user) -> bool:
    """A superuser who must use a second factor but has none yet: enrol before anything else."""
    return (user.is_authenticated and settings.REQUIRE_OTP and user.is_superuser
            and not has_device(user))


def otp_pending(request) -> bool:
    """Signed in by password, but the second factor this user needs is not verified."""
    user = request.user
    return otp_required(user) and not (hasattr(user, "is_verified") and user.is_verified())
