"""`manage.py sandbox_tencentcloud --port N`: serve the sandbox Tencent Cloud on its own."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sandbox.tencentcloud.__main__ import main


class Command(BaseCommand):
    help = "Serve the sandbox Tencent Cloud API (Auto Scaling + CLB) until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
        parser.add_argument("--region", action="append", dest="regions")
        parser.add_argument("--launch-seconds", type=float, default=30.0)
        parser.add_argument("--health-seconds", type=float, default=30.0)
        parser.add_argument("--terminate-seconds", type=float, default=10.0)

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--launch-seconds",
            str(options["launch_seconds"]),
            "--health-seconds",
            str(options["health_seconds"]),
            "--terminate-seconds",
            str(options["terminate_seconds"]),
        ]
        for region in options["regions"] or []:
            argv += ["--region", region]
        main(argv, stop=options.get("stop"))
