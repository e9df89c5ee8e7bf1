from django.contrib import admin
from django.urls import include, path

from gongkai.web.search import search_page

admin.site.site_header = "公开 · 政府信息公开平台管理"
admin.site.site_title = "政府信息公开平台管理"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", include("gongkai.web.health")),
    path("search/", search_page, name="search"),
    path("", include("gongkai.applications.urls")),
    path("", include("gongkai.web.urls")),
]
