"""URLs of the triggers API."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
