from django.urls import path, register_converter

from . import exports, feeds, sitemaps, views
from .attachments import attachment_download

register_converter(feeds.FlavourConverter, "flavour")

urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/<int:pk>/", views.agency, name="agency"),
    path("agencies/<int:pk>/documents/", views.agency_documents, name="agency_documents"),
    path("agencies/<int:pk>/guide/", views.guide, name="guide"),
    path("agencies/<int:pk>/statistics/", views.statistics, name="statistics"),
    path("agencies/<int:pk>/statistics/government/", views.statistics,
         {"government": True}, name="government_statistics"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/attachments/<int:attachment>/", attachment_download,
         name="attachment"),
    path("regulations/", views.regulations, name="regulations"),
    path("display/", views.display, name="display"),
    # Feeds (web/feeds.py), sitemaps and robots.txt (web/sitemaps.py), bulk downloads.
    path("feeds/<flavour:flavour>/", feeds.newest_feed, name="feed_newest"),
    path("feeds/agencies/<int:pk>/<flavour:flavour>/", feeds.agency_feed, name="feed_agency"),
    path("feeds/topics/<int:pk>/<flavour:flavour>/", feeds.topic_feed, name="feed_topic"),
    path("feeds/genres/<int:pk>/<flavour:flavour>/", feeds.genre_feed, name="feed_genre"),
    path("feeds/search/<flavour:flavour>/", feeds.search_feed, name="feed_search"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("exports/", exports.exports, name="exports"),
    path("exports/<str:name>", exports.export_file, name="export_file"),
]
