"""Running pipelines: executions, release orders, the engine's Django adapters and transports."""
