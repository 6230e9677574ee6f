"""The staff compliance report page."""
from __future__ import annotations

from django.urls import path

from apps.compliance import views

urlpatterns = [path("compliance/calls/", views.compliance_report, name="compliance-report")]
