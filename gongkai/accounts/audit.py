"""Writing the audit log: logins (successful and failed), transitions, permission changes and
exports. ``record()`` is the one way an entry is made."""

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .models import AuditAction, AuditEntry


def client_ip(request) -> str | None:
    """The address the request came from. Behind the documented nginx (GONGKAI_BEHIND_PROXY),
    the proxy's X-Real-IP; otherwise the socket's peer."""
    if request is None:
        return None
    candidates = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        candidates.append(request.META.get("HTTP_X_REAL_IP", ""))
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for value in candidates:
        try:
            return str(ipaddress.ip_address(value.strip()))
        except ValueError:
            continue
    return None


def command_line_user() -> str:
    """How the audit log names whoever ran a ``gongkai`` command: the system account."""
    import getpass

    try:
        return f"命令行:{getpass.getuser()}"
    except Exception:  # no login name in this environment
        return "命令行"


def record(action: AuditAction, **kwargs) -> AuditEntry:
    """Append one entry. ``obj`` (a document, a membership …) names what was acted on;
    ``request`` gives the address when ``ip`` is not given."""
    entry = new_entry(action, **kwargs)
    entry.save()
    return entry


def new_entry(action: AuditAction, *, user=None, username: str = "", agency=None, obj=None,
              object_type: str = "", object_repr: str = "", detail: str = "",
              ip: str | None = None, request=None) -> AuditEntry:
    """The entry ``record`` appends, unsaved (bulk writes append many with ``bulk_create``)."""
    if isinstance(user, str):
        user, username = None, user
    if user is not None and getattr(user, "is_authenticated", False):
        username = user.get_username()
        user_id = user.pk
    else:
        user_id = None
    if agency is None and obj is not None:
        agency = getattr(obj, "agency", None)
    return AuditEntry(
        user_id=user_id, username=username[:150], action=action,
        agency_id=getattr(agency, "pk", agency), agency_name=getattr(agency, "name", "")[:200],
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:500],
        detail=detail, ip=ip or client_ip(request),
    )


def logged_in(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, user=user, request=request, object_type="user")


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, user=user, request=request, object_type="user")


def login_failed(sender, credentials, request=None, **kwargs):
    # Django masks the password in ``credentials``; only the name tried is kept.
    username = str(credentials.get("username") or credentials.get("email") or "")
    record(AuditAction.LOGIN_FAILED, username=username, request=request, object_type="user",
           detail="用户名或密码错误，或账户被锁定")


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit_login_failed")
