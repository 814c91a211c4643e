"""The JSON API under /api/. Each feature module adds its routes here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from budget import api as budget_api
from meetings.api import ItemViewSet, MeetingViewSet
from meetings.pdf import api as pdf_api
from meetings.search_api import SearchView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("items", ItemViewSet, basename="api-item")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("search/", SearchView.as_view(), name="api-search"),
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
    path("meetings/<int:pk>/pdf/", pdf_api.MeetingPdfView.as_view(), name="api-meeting-pdf"),
    path("jobs/<int:pk>/", pdf_api.PdfJobView.as_view(), name="api-pdf-job"),
    path(
        "jobs/<int:pk>/download/",
        pdf_api.PdfJobDownloadView.as_view(),
        name="api-pdf-job-download",
    ),
    path("", include(router.urls)),
]
