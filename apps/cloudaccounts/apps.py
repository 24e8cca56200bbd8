"""App config for cloud accounts."""

from django.apps import AppConfig


class CloudAccountsConfig(AppConfig):
    name = "apps.cloudaccounts"
    label = "cloudaccounts"
    verbose_name = "Cloud accounts"
