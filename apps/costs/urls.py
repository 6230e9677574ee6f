from __future__ import annotations

from django.urls import path

from apps.costs import views

urlpatterns = [path("costs/", views.costs_overview, name="costs")]
