"""An admin list filter by agency that lists only the agencies the user works for."""

from django.contrib import admin

from gongkai.catalog.models import Agency

from . import permissions as perms
from .permissions import Action


class AgencyListFilter(admin.SimpleListFilter):
    """发布机构, listing only the agencies where the user may do ``action``."""

    title = "发布机构"
    parameter_name = "agency"

    action = Action.VIEW

    def lookups(self, request, model_admin):
        agencies = perms.filter_by_agency(Agency.objects.all(), request.user, self.action, "pk")
        return [(str(a.pk), a.name) for a in agencies]

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(agency_id=int(self.value()))
            except ValueError:
                return queryset.none()
        return queryset
