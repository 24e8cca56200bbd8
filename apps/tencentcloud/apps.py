"""App config for tencent cloud."""

from django.apps import AppConfig


class TencentcloudConfig(AppConfig):
    name = "apps.tencentcloud"
    label = "tencentcloud"
    verbose_name = "Tencent Cloud"
