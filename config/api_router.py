"""The REST API's router: one registration per resource, views live in their apps."""
from __future__ import annotations

from rest_framework.routers import DefaultRouter

from apps.calls.api import CallViewSet
from apps.campaigns.api import CampaignViewSet
from apps.leads.api import DoNotCallViewSet, ImportRunViewSet, LeadViewSet

router = DefaultRouter()
router.register("campaigns", CampaignViewSet)
router.register("leads", LeadViewSet)
router.register("import-runs", ImportRunViewSet)
router.register("calls", CallViewSet)
router.register("do-not-call", DoNotCallViewSet)

urlpatterns = router.urls
