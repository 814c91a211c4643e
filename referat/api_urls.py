"""The JSON API under /api/. Each feature module adds its routes here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from budget import api as budget_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("pools/", budget_api.PoolListView.as_view(), name="api-pools"),
    path("pools/<int:pk>/", budget_api.PoolDetailView.as_view(), name="api-pool"),
    path(
        "items/<int:pk>/allocations/",
        budget_api.ItemAllocationsView.as_view(),
        name="api-item-allocations",
    ),
    path(
        "items/<int:pk>/budget-tables/",
        budget_api.ItemBudgetTablesView.as_view(),
        name="api-item-budget-tables",
    ),
]
