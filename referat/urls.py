"""The site's URLs: login, admin, the API under /api/, and each app's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("budget.urls")),
    path("", include("pdf.urls")),
    path("", include("exchange.urls")),
    path("", include("meetings.urls")),
]

handler404 = "referat.views.page_not_found"
