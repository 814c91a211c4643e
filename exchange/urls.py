"""The pages of the import: upload, progress and restart of a job."""

from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("import/", views.import_page, name="import_page"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/restart/", views.import_job_restart, name="import_job_restart"),
]
