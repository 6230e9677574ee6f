"""Call API: list (filter by campaign, lead, status) and detail with the transcript turns."""
from __future__ import annotations

from rest_framework import serializers, viewsets

from apps.calls.models import Call, Turn


class TurnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Turn
        exclude = ("id", "call")


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = "__all__"


class CallDetailSerializer(CallSerializer):
    turns = TurnSerializer(many=True, read_only=True)


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Call.objects.all()
    serializer_class = CallSerializer

    def get_serializer_class(self):
        return CallDetailSerializer if self.action == "retrieve" else CallSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.query_params
        for param, lookup in (("campaign", "campaign_id"), ("lead", "lead_id"), ("status", "status")):
            if value := params.get(param):
                queryset = queryset.filter(**{lookup: value})
        return queryset.prefetch_related("turns") if self.action == "retrieve" else queryset
