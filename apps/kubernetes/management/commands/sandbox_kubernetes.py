"""`manage.py sandbox_kubernetes --port N`: serve a sandbox cluster and print its kubeconfig."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sandbox.kubernetes.__main__ import main


class Command(BaseCommand):
    help = "Serve a sandbox Kubernetes API (in memory) until interrupted; prints a kubeconfig."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=0)
        parser.add_argument("--pod-ready-seconds", type=float, default=2.0)
        parser.add_argument("--nodes", type=int, default=1)
        parser.add_argument("--token", default=None)
        parser.add_argument("--kubeconfig", default=None)
        parser.add_argument("--create-namespaces", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--host", options["host"], "--port", str(options["port"])]
        argv += ["--pod-ready-seconds", str(options["pod_ready_seconds"])]
        argv += ["--nodes", str(options["nodes"])]
        if options["token"]:
            argv += ["--token", options["token"]]
        if options["kubeconfig"]:
            argv += ["--kubeconfig", options["kubeconfig"]]
        if options["create_namespaces"]:
            argv.append("--create-namespaces")
        main(argv)
