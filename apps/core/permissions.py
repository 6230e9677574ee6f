"""API permissions: staff users acting within their Django model permissions (view included); staff pages that
need one permission."""
from __future__ import annotations

import functools

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.permissions import DjangoModelPermissions


class StaffModelPermissions(DjangoModelPermissions):
    """Like DjangoModelPermissions, but reads need `view_*` and only staff may use the API."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated and request.user.is_staff):
            return False
        return super().has_permission(request, view)


def staff_page(permission: str):
    """A staff-only page (the admin's sign-in first) that also needs `permission`; without it: 403, in JSON."""
    def decorate(view):
        @staff_member_required
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_perm(permission):
                return JsonResponse({"error": "not allowed"}, status=403)
            return view(request, *args, **kwargs)
        return guarded
    return decorate
