"""`python -m sandbox.tencentcloud`: serve the sandbox until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from sandbox.tencentcloud import seeding
from sandbox.tencentcloud.sandbox import DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, SandboxTencentCloud


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.tencentcloud",
        description="Simulated Tencent Cloud API 3.0 (Auto Scaling + CLB) for the official SDK.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--secret-id", default=DEFAULT_SECRET_ID)
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    parser.add_argument(
        "--region", action="append", dest="regions", help="repeatable; default: %(default)s"
    )
    parser.add_argument("--launch-seconds", type=float, default=30.0)
    parser.add_argument("--health-seconds", type=float, default=30.0)
    parser.add_argument("--terminate-seconds", type=float, default=10.0)
    return parser


def main(argv: Sequence[str] | None = None, *, stop: threading.Event | None = None) -> int:
    args = build_parser().parse_args(argv)
    sandbox = SandboxTencentCloud(
        accounts={args.secret_id: args.secret_key},
        regions=args.regions or list(seeding.DEFAULT_REGIONS),
        launch_seconds=args.launch_seconds,
        health_seconds=args.health_seconds,
        terminate_seconds=args.terminate_seconds,
    )
    sandbox.start(args.host, args.port)
    out = sys.stdout
    out.write(f"endpoint:   {sandbox.endpoint}  (HttpProfile(protocol='http', endpoint=...))\n")
    out.write(f"SecretId:   {args.secret_id}\n")
    out.write(f"SecretKey:  {args.secret_key}\n")
    out.write(f"regions:    {', '.join(sandbox.regions)}\n")
    out.write(
        f"seeded:     {seeding.DEFAULT_VPC}, {', '.join(seeding.DEFAULT_SUBNETS)},"
        f" {seeding.DEFAULT_SECURITY_GROUP}, images {', '.join(seeding.DEFAULT_IMAGES)},"
        f" CLB {seeding.DEFAULT_LOAD_BALANCER} (HTTP:80 {seeding.DEFAULT_HTTP_LISTENER}/"
        f"{seeding.DEFAULT_LOCATION}, TCP:8080 {seeding.DEFAULT_TCP_LISTENER})\n"
    )
    out.flush()
    done = stop or threading.Event()
    if stop is None:
        signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
