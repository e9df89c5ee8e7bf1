from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("agencies/<int:pk>/", views.agency, name="agency"),
    path("agencies/<int:pk>/documents/", views.agency_documents, name="agency_documents"),
    path("agencies/<int:pk>/guide/", views.guide, name="guide"),
    path("agencies/<int:pk>/statistics/", views.statistics, name="statistics"),
    path("agencies/<int:pk>/statistics/government/", views.statistics,
         {"government": True}, name="government_statistics"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("regulations/", views.regulations, name="regulations"),
    path("display/", views.display, name="display"),
]
