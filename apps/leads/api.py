"""Lead and import-run API: read-only lists with filters, and details with rejected rows; a lead's personal data
exported or erased on request; the do-not-call list, to which staff or the team's CRM add a lead who revoked
consent by e-mail, a web form or any other means."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.models import DoNotCall, ImportRejection, ImportRun, Lead, mask_phone
from apps.leads.phones import InvalidPhone, normalize_or_none, normalize_phone
from apps.leads.privacy import ErasureRefused, erase_lead, export_lead


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


def staff_with(permission: str) -> type[BasePermission]:
    """Only staff holding `permission` (superusers hold them all)."""

    class StaffWith(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.is_staff and user.has_perm(permission))

    return StaffWith


class LeadViewSet(viewsets.ReadOnlyModelViewSet):
    """Filters: ?campaign=<id or slug>&status=&outcome=&search=<name or phone>.

    GET <id>/export/ (leads.export_lead): everything held about the lead. POST <id>/erase/ (leads.erase_lead): its
    personal data erased, keeping the number's do-not-call entries and the fact that its calls happened; 409 while
    a call with the lead is under way."""

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

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], permission_classes=[staff_with("leads.export_lead")])
    def export(self, request, pk=None) -> Response:
        return Response(export_lead(self.get_object()))

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], permission_classes=[staff_with("leads.erase_lead")])
    def erase(self, request, pk=None) -> Response:
        lead = self.get_object()
        try:
            erasure = erase_lead(lead, request.user)
        except ErasureRefused as exc:
            return Response({"error": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({"lead": lead.pk, "erased_at": erasure.erased_at, **erasure.removed})


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


class DoNotCallSerializer(serializers.ModelSerializer):
    """Write the number in any common form; it is read back masked (the list is personal data)."""

    phone = serializers.CharField(max_length=40, write_only=True)
    number = serializers.SerializerMethodField()
    source = serializers.ChoiceField(choices=[(s.value, s.label) for s in DoNotCall.API_SOURCES],
                                     default=DoNotCall.Source.STAFF)

    class Meta:
        model = DoNotCall
        fields = ("id", "phone", "number", "source", "reason", "created_at", "removed_at")
        read_only_fields = ("created_at", "removed_at")

    def get_number(self, entry: DoNotCall) -> str:
        return mask_phone(entry.phone)

    def validate_phone(self, raw: str) -> str:
        try:
            return normalize_phone(raw).e164
        except InvalidPhone as exc:
            raise serializers.ValidationError(str(exc)) from None

    def create(self, validated: dict) -> DoNotCall:
        return add_to_do_not_call(validated["phone"], validated.get("reason", ""), source=validated["source"],
                                  user=self.context["request"].user)


class DoNotCallViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST {"phone", "source": staff|email|web_form|crm, "reason"}: the number goes on the list at once, for
    every campaign (its leads are marked do-not-call). Adding a number already on the list returns that entry.
    Lifting an entry is a superuser's act in the admin, never the API's."""

    queryset = DoNotCall.objects.order_by("-created_at")
    serializer_class = DoNotCallSerializer
