"""URLs of the pipelines API."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
