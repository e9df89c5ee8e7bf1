from django.urls import path

from . import views
from .attachments import attachment_download

urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/<int:pk>/", views.agency, name="agency"),
    path("agencies/<int:pk>/documents/", views.agency_documents, name="agency_documents"),
    path("agencies/<int:pk>/guide/", views.guide, name="guide"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/attachments/<int:attachment>/", attachment_download,
         name="attachment"),
    path("regulations/", views.regulations, name="regulations"),
    path("display/", views.display, name="display"),
]
