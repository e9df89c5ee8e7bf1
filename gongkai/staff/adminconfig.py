"""Django's admin app with Gongkai's site (gongkai/staff/site.py) as ``admin.site``.

In its own module: INSTALLED_APPS imports it before the models are ready, and the site class
imports django-otp's models."""

from django.contrib.admin.apps import AdminConfig


class GongkaiAdminConfig(AdminConfig):
    default_site = "gongkai.staff.site.GongkaiAdminSite"
