"""Staff for the shared cast (gongkai.test.BaseTestCase): each agency's editor, reviewer and
manager, and the site administrator. Agency A is 翠竹街道办 (cuizhu), agency B 国务院办公厅 (gwyb).
"""

from django.contrib.auth.models import User

from gongkai.accounts.models import Membership, Role
from gongkai.test import BaseTestCase

PASSWORD = "Gk-test-pw-2025!"


def staff_user(username: str, *grants) -> User:
    """A staff account holding ``grants``: (agency, role) pairs."""
    user = User.objects.create_user(username, f"{username}@example.gov.cn", PASSWORD,
                                    is_staff=True)
    for agency, role in grants:
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


class StaffTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.editor_a = staff_user("editor_a", (cls.cuizhu, Role.EDITOR))
        cls.reviewer_a = staff_user("reviewer_a", (cls.cuizhu, Role.REVIEWER))
        cls.manager_a = staff_user("manager_a", (cls.cuizhu, Role.MANAGER))
        cls.editor_b = staff_user("editor_b", (cls.gwyb, Role.EDITOR))
        cls.reviewer_b = staff_user("reviewer_b", (cls.gwyb, Role.REVIEWER))
        cls.manager_b = staff_user("manager_b", (cls.gwyb, Role.MANAGER))
        cls.admin = User.objects.create_superuser("siteadmin", "admin@example.gov.cn", PASSWORD)

    def refresh(self, document):
        document.refresh_from_db()
        return document
