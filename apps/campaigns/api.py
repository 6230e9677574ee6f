"""Campaign API: CRUD, and POST /api/campaigns/{id}/import/ to queue a sheet import."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.campaigns.admin import BUDGET_FIELDS
from apps.campaigns.models import Campaign
from apps.leads.api import ImportRunSerializer
from apps.leads.importing import start_import
from apps.leads.models import ImportRun


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = "__all__"
        read_only_fields = ("created_at", "updated_at")

    def validate(self, attrs):
        request = self.context.get("request")
        if request and not request.user.is_superuser:
            changed = [f for f in BUDGET_FIELDS if f in attrs and
                       (self.instance is None or getattr(self.instance, f) != attrs[f])]
            if changed:
                raise serializers.ValidationError(f"Only superusers may set budgets ({', '.join(changed)}).")
        candidate = Campaign(**{**({f.name: getattr(self.instance, f.name) for f in Campaign._meta.concrete_fields}
                                   if self.instance else {}), **attrs})
        try:
            candidate.clean()
        except Exception as exc:  # django ValidationError → DRF's
            raise serializers.ValidationError(getattr(exc, "message_dict", str(exc))) from None
        return attrs


class CampaignViewSet(viewsets.ModelViewSet):
    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer

    @extend_schema(request=None, responses={202: ImportRunSerializer})
    @action(detail=True, methods=["post"], url_path="import")
    def trigger_import(self, request, pk=None):
        campaign = self.get_object()
        if not campaign.sheet_source:
            return Response({"error": "The campaign has no sheet source."}, status=status.HTTP_400_BAD_REQUEST)
        run = start_import(campaign, ImportRun.Trigger.API)
        return Response(ImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
