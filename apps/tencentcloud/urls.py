"""URLs of the tencent cloud API."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
