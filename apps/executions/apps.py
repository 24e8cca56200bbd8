"""App config for executions: connects the engine's transport for this process."""

from django.apps import AppConfig


class ExecutionsConfig(AppConfig):
    name = "apps.executions"
    label = "executions"
    verbose_name = "Executions"

    def ready(self) -> None:
        from apps.core.runtime import register_embedded_service
        from apps.executions import runtime

        if runtime.engine_mode() == "celery":
            from apps.executions.tasks import celery_notify

            runtime.set_notifier(celery_notify)
        register_embedded_service(_start_local_worker)


def _start_local_worker(services) -> None:  # type: ignore[no-untyped-def]
    from apps.executions import runtime
    from apps.executions.worker import LocalWorker

    if runtime.engine_mode() != "local":
        services.lines.append(f"engine: {runtime.engine_mode()} transport (no local worker)")
        return
    worker = LocalWorker().start()
    services.stoppers.append(worker.stop)
    services.lines.append("engine: local worker thread (messages persisted in the database)")
