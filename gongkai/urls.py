from django.contrib import admin
from django.urls import include, path

from gongkai.api.docs import api_docs
from gongkai.api.views import api
from gongkai.web.search import search_page

admin.site.site_header = "公开 · 政府信息公开平台管理"
admin.site.site_title = "政府信息公开平台管理"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", include("gongkai.web.health")),
    path("search/", search_page, name="search"),
    path("", include("gongkai.applications.urls")),
    path("api/v1/", api.urls),
    path("api/docs", api_docs, name="api-docs"),
    path("", include("gongkai.web.urls")),
]
