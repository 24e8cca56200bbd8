"""WSGI entry point (the console and API without WebSockets)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdplatform.settings")

application = get_wsgi_application()
