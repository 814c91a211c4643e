"""The pages of budget tables and pools."""

from django.urls import path

from budget import views

app_name = "budget"

urlpatterns = [
    path("items/<int:pk>/budget/", views.item_budget, name="item_budget"),
    path("items/<int:pk>/budget/tables/", views.table_add, name="table_add"),
    path("items/<int:pk>/budget/tables/<int:table_pk>/", views.table_edit, name="table_edit"),
    path(
        "items/<int:pk>/budget/tables/<int:table_pk>/delete/",
        views.table_remove,
        name="table_remove",
    ),
    path("items/<int:pk>/budget/tables/<int:table_pk>/move/", views.table_move, name="table_move"),
    path("items/<int:pk>/budget/allocations/", views.allocation_add, name="allocation_add"),
    path(
        "items/<int:pk>/budget/allocations/<int:allocation_pk>/delete/",
        views.allocation_remove,
        name="allocation_remove",
    ),
    path("pools/", views.pool_list, name="pool_list"),
    path("pools/new/", views.pool_add, name="pool_add"),
    path("pools/<int:pk>/", views.pool_detail, name="pool_detail"),
    path("pools/status/<slug:slug>/", views.body_pool_status, name="pool_status"),
    path("pools/status/<slug:slug>/pdf/", views.pool_report_create, name="pool_report_create"),
    path("pools/reports/<int:pk>/", views.pool_report, name="pool_report"),
    path(
        "pools/reports/<int:pk>/download/",
        views.pool_report_download,
        name="pool_report_download",
    ),
]
