"""The routes of the JSON API under /api/, one group per module of api/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import bodies, budget, pdf, protocol, review
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
    # api/review.py: the review workflow and history.
    path(
        "meetings/<int:pk>/transitions/",
        review.MeetingTransitionAPI.as_view(),
        name="api-meeting-transitions",
    ),
    path("meetings/<int:pk>/signer/", review.MeetingSignerAPI.as_view(), name="api-meeting-signer"),
    path("items/<int:pk>/approve/", review.ItemApproveAPI.as_view(), name="api-item-approve"),
    path(
        "items/<int:pk>/request-changes/",
        review.ItemRequestChangesAPI.as_view(),
        name="api-item-request-changes",
    ),
    path("items/<int:pk>/review/", review.ItemReviewAPI.as_view(), name="api-item-review"),
    path("items/<int:pk>/history/", review.ItemHistoryAPI.as_view(), name="api-item-history"),
    path("tasks/", review.TasksAPI.as_view(), name="api-tasks"),
    # api/bodies.py: bodies and their members.
    path("bodies/", bodies.BodyListView.as_view(), name="api-bodies"),
    path("bodies/<int:pk>/members/", bodies.BodyMembersView.as_view(), name="api-body-members"),
    path(
        "bodies/<int:pk>/members/<int:member_pk>/",
        bodies.BodyMemberView.as_view(),
        name="api-body-member",
    ),
    # api/protocol.py: an item's participation, votes, remarks and additions.
    path(
        "items/<int:pk>/participation/",
        protocol.ItemParticipationView.as_view(),
        name="api-item-participation",
    ),
    path("items/<int:pk>/votes/", protocol.ItemVotesView.as_view(), name="api-item-votes"),
    path(
        "items/<int:pk>/votes/<int:vote_pk>/",
        protocol.ItemVoteView.as_view(),
        name="api-item-vote",
    ),
    path("items/<int:pk>/remarks/", protocol.ItemRemarksView.as_view(), name="api-item-remarks"),
    path(
        "items/<int:pk>/remarks/<int:remark_pk>/",
        protocol.ItemRemarkView.as_view(),
        name="api-item-remark",
    ),
    path("items/<int:pk>/addenda/", protocol.ItemAddendaView.as_view(), name="api-item-addenda"),
    path(
        "addenda/<int:pk>/approve/",
        protocol.AddendumApproveView.as_view(),
        name="api-addendum-approve",
    ),
    # api/budget.py: pools, allocations, budget tables.
    path("pools/", budget.PoolListView.as_view(), name="api-pools"),
    path("pools/<int:pk>/", budget.PoolDetailView.as_view(), name="api-pool"),
    path(
        "items/<int:pk>/allocations/",
        budget.ItemAllocationsView.as_view(),
        name="api-item-allocations",
    ),
    path(
        "items/<int:pk>/budget-tables/",
        budget.ItemBudgetTablesView.as_view(),
        name="api-item-budget-tables",
    ),
    # api/pdf.py: PDF jobs.
    path("meetings/<int:pk>/pdf/", pdf.MeetingPdfView.as_view(), name="api-meeting-pdf"),
    path("jobs/<int:pk>/", pdf.PdfJobView.as_view(), name="api-pdf-job"),
    path(
        "jobs/<int:pk>/download/",
        pdf.PdfJobDownloadView.as_view(),
        name="api-pdf-job-download",
    ),
    path("", include(router.urls)),
]
