"""URLs of the notifications API."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
