"""The JSON API under /api/. Each feature module adds its routes here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import budget as budget_api
from api import pdf as pdf_api
from api import review as review_api
from api.meetings import ItemViewSet, MeetingViewSet
from api.search import SearchView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("items", ItemViewSet, basename="api-item")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("search/", SearchView.as_view(), name="api-search"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Review workflow and history (api/review.py).
    path(
        "meetings/<int:pk>/transitions/",
        review_api.MeetingTransitionAPI.as_view(),
        name="api-meeting-transitions",
    ),
    path("items/<int:pk>/approve/", review_api.ItemApproveAPI.as_view(), name="api-item-approve"),
    path(
        "items/<int:pk>/request-changes/",
        review_api.ItemRequestChangesAPI.as_view(),
        name="api-item-request-changes",
    ),
    path("items/<int:pk>/review/", review_api.ItemReviewAPI.as_view(), name="api-item-review"),
    path("items/<int:pk>/history/", review_api.ItemHistoryAPI.as_view(), name="api-item-history"),
    path("tasks/", review_api.TasksAPI.as_view(), name="api-tasks"),
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
