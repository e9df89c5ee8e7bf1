from django.urls import path

from . import views

urlpatterns = [
    path("agencies/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/receipt/", views.receipt, name="application_receipt"),
    path("applications/status/", views.status, name="application_status"),
    path("applications/<str:code>/", views.case, name="application_case"),
    path("applications/<str:code>/letter.<str:fmt>", views.case_letter,
         name="application_letter"),
    path("applications/<str:code>/files/<int:file_id>/", views.case_file,
         name="application_file"),
    path("applications/<str:code>/documents/<int:document_id>/", views.case_document,
         name="application_document"),
]
