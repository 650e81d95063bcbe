"""Bundle stub: chromadb imports the OTLP/gRPC trace exporter at import time but uses it only
when an OpenTelemetry endpoint is configured, which Lantern never does. The stub keeps grpc
(about 18 MB) out of the bundle."""
