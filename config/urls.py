"""URL map: the staff admin, the REST API and its schema, and the health endpoint."""
from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token

from apps.core.views import healthz, metrics

admin.site.site_header = "REAutomation"
admin.site.site_title = "REAutomation staff"
admin.site.index_title = "Campaigns, leads and calls"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("", include("apps.calls.urls")),
    path("", include("apps.costs.urls")),
    path("", include("apps.compliance.urls")),
    path("api/", include("config.api_router")),
    path("api/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
