"""Resolve connection settings the way Temporal's CLI and SDKs do, explicit arguments first."""

from __future__ import annotations

from typing import Any

import temporalio.envconfig
import temporalio.service

from temporal_runtime.errors import ConfigError

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"


def resolve_connect_args(
    *,
    url: str | None,
    namespace: str | None,
    api_key: str | None,
    tls: bool | temporalio.service.TLSConfig | None,
    profile: str | None,
    config_file: str | None = None,
) -> dict[str, Any]:
    """Arguments for `Client.connect`: explicit values over ``TEMPORAL_*`` env over temporal.toml."""
    try:
        loaded: dict[str, Any] = dict(
            temporalio.envconfig.ClientConfig.load_client_connect_config(
                profile=profile, config_file=config_file
            )
        )
    except Exception as err:
        raise ConfigError(
            f"cannot load Temporal client configuration (profile {profile!r}): {err}; check "
            "TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE or the temporal.toml file"
        ) from err
    if url is not None:
        loaded["target_host"] = url
    if namespace is not None:
        loaded["namespace"] = namespace
    if api_key is not None:
        loaded["api_key"] = api_key
        loaded.setdefault("tls", True)
    if tls is not None:
        loaded["tls"] = tls
    loaded.setdefault("target_host", DEFAULT_ADDRESS)
    loaded.setdefault("namespace", DEFAULT_NAMESPACE)
    return loaded
