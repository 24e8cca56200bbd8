"""CLI: `python -m sandbox.kubernetes --port N` serves a sandbox cluster until interrupted."""

from __future__ import annotations

import argparse
import sys
import threading

from sandbox.kubernetes.cluster import SandboxCluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.kubernetes", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--pod-ready-seconds", type=float, default=2.0)
    parser.add_argument("--nodes", type=int, default=1)
    parser.add_argument("--token", default=None, help="require this bearer token")
    parser.add_argument("--kubeconfig", default=None, help="also write the kubeconfig here")
    parser.add_argument(
        "--create-namespaces",
        action="store_true",
        help="create a missing namespace on first use instead of answering 404",
    )
    args = parser.parse_args(argv)
    cluster = SandboxCluster(
        pod_ready_seconds=args.pod_ready_seconds,
        nodes=args.nodes,
        token=args.token,
        create_namespaces=args.create_namespaces,
    )
    cluster.start(host=args.host, port=args.port)
    config = cluster.kubeconfig()
    if args.kubeconfig:
        with open(args.kubeconfig, "w", encoding="utf-8") as handle:
            handle.write(config)
    sys.stdout.write(config)
    sys.stdout.write(f"# sandbox Kubernetes API at {cluster.url} (Ctrl-C to stop)\n")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
