"""Django project package: settings, ASGI entry point, URL map and the Celery app."""

from cdplatform.celery import app as celery_app

__all__ = ("celery_app",)
