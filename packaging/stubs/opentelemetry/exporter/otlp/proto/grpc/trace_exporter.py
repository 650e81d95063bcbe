"""Bundle stub for chromadb's optional OTLP/gRPC exporter (see the package docstring)."""


class OTLPSpanExporter:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("OpenTelemetry export is not available in the Lantern bundle")
