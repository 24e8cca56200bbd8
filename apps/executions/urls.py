"""URLs of the executions API."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
