"""gongkai staff add|remove|list: roles per agency from a script (the admin's 机构 page does
the same for managers)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gongkai.accounts import audit, roles
from gongkai.accounts.models import Membership, Role

ROLE_HELP = "editor（编辑）、reviewer（审核）或 manager（管理员）"


class Command(BaseCommand):
    help = "管理各机构的工作人员角色：add 授予、remove 取消、list 列出。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        for name, text in (("add", "授予角色（用户不存在时新建，须另行设置密码）"),
                           ("remove", "取消角色")):
            p = sub.add_parser(name, help=text, description=text)
            p.add_argument("username", metavar="USERNAME")
            p.add_argument("--agency", required=True, metavar="CODE_OR_NAME",
                           help="机构代码或机构全称")
            p.add_argument("--role", required=True, help=ROLE_HELP)
        p = sub.add_parser("list", help="列出工作人员角色", description="列出工作人员角色")
        p.add_argument("--agency", metavar="CODE_OR_NAME", help="只列出这个机构的")

    def handle(self, *args, subcommand, **options):
        try:
            getattr(self, f"do_{subcommand}")(**options)
        except roles.RoleError as error:
            raise CommandError(str(error))

    def do_add(self, username, agency, role, **options):
        agency, role = roles.find_agency(agency), roles.parse_role(role)
        user, created = roles.get_or_create_user(username)
        if roles.grant(user, agency, role, by=audit.command_line_user(), via="命令行"):
            self.stdout.write(f"已授予 {username} {agency.name} 的{Role(role).label}角色。")
        else:
            self.stdout.write(f"{username} 已是 {agency.name} 的{Role(role).label}，未作改动。")
        if created:
            self.stdout.write(f"已新建用户 {username}；请运行 gongkai changepassword {username} "
                              "设置密码后再登录。")

    def do_remove(self, username, agency, role, **options):
        agency, role = roles.find_agency(agency), roles.parse_role(role)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户“{username}”")
        if roles.revoke(user, agency, role, by=audit.command_line_user(), via="命令行"):
            self.stdout.write(f"已取消 {username} 在 {agency.name} 的{Role(role).label}角色。")
        else:
            raise CommandError(f"{username} 在 {agency.name} 没有{Role(role).label}角色")

    def do_list(self, agency=None, **options):
        memberships = Membership.objects.select_related("user", "agency")
        if agency:
            memberships = memberships.filter(agency=roles.find_agency(agency))
        rows = [(m.agency.name, m.agency.code, m.get_role_display(), m.user.get_username())
                for m in memberships.order_by("agency__name", "role", "user__username")]
        if not rows:
            self.stdout.write("（没有工作人员角色）")
        for name, code, role, username in rows:
            self.stdout.write("\t".join([name, code or "-", role, username]))
