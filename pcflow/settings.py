"""What the command-line tools connect to: the services' own settings, read from the same
`PCFLOW_*` variables, so a tool reaches whatever stack a service in its environment would.

The tools read the ingest service's settings because ingest is the one service that uses every
part: broker (with its SASL/SSL settings), object store (folder or S3), database and upload
source. A variable that is not set falls back on the embedded stack (`pcflow up`) instead of
the services' built-in default, so the tools need no configuration next to it: its ports,
folder and generated database credentials.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from pcflow.stack import StackSettings
from shared.settings import IngestSettings


class ToolSettings(IngestSettings):
    """Ingest's settings where the environment outranks the values passed in."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return env_settings, init_settings, dotenv_settings, file_secret_settings


def tool_settings(stack: StackSettings | None = None) -> ToolSettings:
    """The environment's settings, with the embedded stack's where it sets none."""
    return ToolSettings(**(stack or StackSettings()).client_settings())
