"""Resolve connection settings the way Temporal's CLI and SDKs do, explicit arguments first.

Order, per setting: an explicit argument, then the ``TEMPORAL_*`` environment variables, then
the selected profile of ``temporal.toml`` (both read by `temporalio.envconfig`), then
``localhost:7233`` / ``default``. TLS is merged field by field, so ``tls_server_name=`` given
as an argument keeps the CA certificate that ``TEMPORAL_TLS_SERVER_CA_CERT_PATH`` names.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import temporalio.envconfig
import temporalio.service

from temporal_runtime.errors import ConfigError

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"

# Our argument name -> the field of temporalio.service.TLSConfig it fills.
TLS_FIELDS = {
    "tls_server_ca_cert": "server_root_ca_cert",
    "tls_client_cert": "client_cert",
    "tls_client_key": "client_private_key",
    "tls_server_name": "domain",
}

PemSource = str | bytes | os.PathLike[str]
SECRET_PEMS = frozenset({"tls_client_key"})


def read_pem(value: PemSource, *, key: str) -> bytes:
    """PEM bytes from `value`: bytes as they are, a string that holds PEM text, or a file path."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str) and value.lstrip().startswith("-----BEGIN"):
        return value.encode()
    path = Path(value)
    try:
        return path.read_bytes()
    except OSError as err:
        reason = err.strerror or err
        # A private key given as text that is not PEM would be echoed here as a "path".
        where = "the file it names" if key in SECRET_PEMS else str(path)
        raise ConfigError(
            f"{key}: cannot read {where}: {reason}; give the path of a PEM file or the PEM text"
        ) from None


def merge_tls(
    base: bool | temporalio.service.TLSConfig | None,
    *,
    tls: bool | temporalio.service.TLSConfig | None = None,
    fields: dict[str, Any] | None = None,
) -> bool | temporalio.service.TLSConfig | None:
    """Lay explicit TLS settings over those from the environment / file.

    `tls=False` turns TLS off whatever else says; a `TLSConfig` replaces the loaded one; the
    individual `fields` (our argument names) then replace one field each.
    """
    if tls is False:
        return False
    result = base
    if isinstance(tls, temporalio.service.TLSConfig):
        result = tls
    elif tls is True and not isinstance(result, temporalio.service.TLSConfig):
        result = True
    given = {k: v for k, v in (fields or {}).items() if v is not None}
    if not given:
        return result
    current = result if isinstance(result, temporalio.service.TLSConfig) else temporalio.service.TLSConfig()
    changes: dict[str, Any] = {}
    for key, value in given.items():
        target = TLS_FIELDS[key]
        changes[target] = value if target == "domain" else read_pem(value, key=key)
    return dataclasses.replace(current, **changes)


def resolve_connect_args(
    *,
    url: str | None,
    namespace: str | None,
    api_key: str | None,
    tls: bool | temporalio.service.TLSConfig | None,
    profile: str | None,
    config_file: str | None = None,
    tls_fields: dict[str, Any] | None = None,
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
        # Temporal Cloud API keys need TLS; an explicit tls= (below) still wins.
        loaded.setdefault("tls", True)
    merged = merge_tls(loaded.get("tls"), tls=tls, fields=tls_fields)
    if merged is not None:
        loaded["tls"] = merged
    loaded.setdefault("target_host", DEFAULT_ADDRESS)
    loaded.setdefault("namespace", DEFAULT_NAMESPACE)
    return loaded
