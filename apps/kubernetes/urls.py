"""URLs of the kubernetes API."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
