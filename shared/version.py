"""The pipeline version: part of every idempotency key, so a new release reprocesses documents."""

from importlib.metadata import PackageNotFoundError, version

try:
    PIPELINE_VERSION = version("pcflow")
except PackageNotFoundError:  # running from a source tree that was never installed
    PIPELINE_VERSION = "0.0.0"
