"""Lead and import-run API: read-only lists with filters, and details with rejected rows."""
from __future__ import annotations

from rest_framework import serializers, viewsets

from apps.leads.models import ImportRejection, ImportRun, Lead
from apps.leads.phones import normalize_or_none


class LeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lead
        exclude = ("sheet_fingerprint",)


class ImportRejectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRejection
        fields = ("row_number", "reason", "raw")


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = "__all__"


class ImportRunDetailSerializer(ImportRunSerializer):
    rejections = ImportRejectionSerializer(many=True, read_only=True)


class LeadViewSet(viewsets.ReadOnlyModelViewSet):
    """Filters: ?campaign=<id or slug>&status=&outcome=&search=<name or phone>."""

    queryset = Lead.objects.select_related("campaign")
    serializer_class = LeadSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.query_params
        if campaign := params.get("campaign"):
            queryset = queryset.filter(campaign_id=campaign) if campaign.isdigit() else \
                queryset.filter(campaign__slug=campaign)
        if lead_status := params.get("status"):
            queryset = queryset.filter(status=lead_status)
        if outcome := params.get("outcome"):
            queryset = queryset.filter(last_outcome=outcome)
        if search := params.get("search", "").strip():
            e164 = normalize_or_none(search)
            queryset = queryset.filter(phone=e164) if e164 else queryset.filter(name__icontains=search)
        return queryset


class ImportRunViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ImportRun.objects.select_related("campaign")
    serializer_class = ImportRunSerializer

    def get_serializer_class(self):
        return ImportRunDetailSerializer if self.action == "retrieve" else ImportRunSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if campaign := self.request.query_params.get("campaign"):
            queryset = queryset.filter(campaign_id=campaign) if campaign.isdigit() else \
                queryset.filter(campaign__slug=campaign)
        return queryset
