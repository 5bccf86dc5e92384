"""Connection settings: argument over TEMPORAL_* over temporal.toml, and TLS reaching the client."""

from __future__ import annotations

from pathlib import Path

import pytest
import temporalio.service

from temporal_runtime import ConfigError, TemporalEngine, TLSConfig
from temporal_runtime._internal._connection import resolve_connect_args

CA = b"-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"
CERT = b"-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n"
KEY = b"-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n"


@pytest.fixture
def pems(tmp_path: Path) -> dict[str, Path]:
    paths = {"ca": tmp_path / "ca.pem", "cert": tmp_path / "client.pem", "key": tmp_path / "client.key"}
    paths["ca"].write_bytes(CA)
    paths["cert"].write_bytes(CERT)
    paths["key"].write_bytes(KEY)
    return paths


def _toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    path = tmp_path / "temporal.toml"
    path.write_text(body)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(path))


def args(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"url": None, "namespace": None, "api_key": None, "tls": None, "profile": None}
    base.update(kw)
    return resolve_connect_args(**base)  # type: ignore[arg-type]


def test_defaults(clean_env: Path) -> None:
    got = args()
    assert (got["target_host"], got["namespace"]) == ("localhost:7233", "default")
    assert "tls" not in got


def test_file_then_env_then_argument(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _toml(clean_env, monkeypatch, '[profile.default]\naddress = "file:7233"\nnamespace = "file-ns"\n')
    assert (args()["target_host"], args()["namespace"]) == ("file:7233", "file-ns")

    monkeypatch.setenv("TEMPORAL_ADDRESS", "env:7233")
    got = args()
    assert (got["target_host"], got["namespace"]) == ("env:7233", "file-ns")

    got = args(url="arg:7233", namespace="arg-ns")
    assert (got["target_host"], got["namespace"]) == ("arg:7233", "arg-ns")


def test_profile_selection(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _toml(
        clean_env,
        monkeypatch,
        '[profile.default]\naddress = "a:1"\n[profile.prod]\naddress = "prod:7233"\nnamespace = "prod"\n',
    )
    assert args(profile="prod")["target_host"] == "prod:7233"
    monkeypatch.setenv("TEMPORAL_PROFILE", "prod")
    assert args()["namespace"] == "prod"


def test_tls_from_env_reaches_tlsconfig(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, pems: dict[str, Path]
) -> None:
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(pems["ca"]))
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", str(pems["cert"]))
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", str(pems["key"]))
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", "env.example")
    tls = args()["tls"]
    assert isinstance(tls, temporalio.service.TLSConfig)
    assert (tls.server_root_ca_cert, tls.client_cert, tls.client_private_key) == (CA, CERT, KEY)
    assert tls.domain == "env.example"


def test_tls_from_toml(clean_env: Path, monkeypatch: pytest.MonkeyPatch, pems: dict[str, Path]) -> None:
    _toml(
        clean_env,
        monkeypatch,
        f'[profile.default]\naddress = "x:7233"\n[profile.default.tls]\n'
        f'server_ca_cert_path = "{pems["ca"]}"\nclient_cert_path = "{pems["cert"]}"\n'
        f'client_key_path = "{pems["key"]}"\nserver_name = "file.example"\n',
    )
    tls = args()["tls"]
    assert isinstance(tls, temporalio.service.TLSConfig)
    assert (tls.server_root_ca_cert, tls.client_cert, tls.client_private_key, tls.domain) == (
        CA,
        CERT,
        KEY,
        "file.example",
    )


def test_tls_arguments_override_field_by_field(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, pems: dict[str, Path], tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(pems["ca"]))
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", "env.example")
    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_bytes(b"-----BEGIN CERTIFICATE-----\nOTHER\n-----END CERTIFICATE-----\n")
    engine = TemporalEngine(
        start_worker=False,
        tls_server_name="arg.example",
        tls_client_cert=pems["cert"],
        tls_client_key=KEY.decode(),  # PEM text works as well as a path
    )
    tls = engine.connect_args["tls"]
    assert isinstance(tls, temporalio.service.TLSConfig)
    assert tls.domain == "arg.example"
    assert tls.server_root_ca_cert == CA  # kept from the environment
    # connect_args shows the private key as set, start() gets the key itself.
    assert (tls.client_cert, tls.client_private_key) == (CERT, b"<redacted>")
    assert resolve_connect_args(**engine._connect_args)["tls"].client_private_key == KEY

    tls = TemporalEngine(start_worker=False, tls_server_ca_cert=str(other_ca)).connect_args["tls"]
    assert isinstance(tls, temporalio.service.TLSConfig)
    assert b"OTHER" in (tls.server_root_ca_cert or b"")
    assert tls.domain == "env.example"


def test_tls_config_object_and_false(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, pems: dict[str, Path]
) -> None:
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(pems["ca"]))
    given = TLSConfig(domain="given")
    assert TemporalEngine(start_worker=False, tls=given).connect_args["tls"] is given
    assert TemporalEngine(start_worker=False, tls=False).connect_args["tls"] is False


def test_tls_true_without_files(clean_env: Path) -> None:
    assert args(tls=True)["tls"] is True


def test_api_key_turns_tls_on(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    got = args(api_key="secret")
    assert (got["api_key"], got["tls"]) == ("secret", True)
    assert args(api_key="secret", tls=False)["tls"] is False
    monkeypatch.setenv("TEMPORAL_API_KEY", "from-env")
    assert args()["api_key"] == "from-env"
    assert args(api_key="arg")["api_key"] == "arg"


def test_unreadable_pem_names_the_setting(clean_env: Path, tmp_path: Path) -> None:
    engine = TemporalEngine(start_worker=False, tls_client_cert=tmp_path / "missing.pem")
    with pytest.raises(ConfigError, match=r"tls_client_cert: cannot read .*missing\.pem"):
        _ = engine.connect_args


def test_bad_profile_is_config_error(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _toml(clean_env, monkeypatch, '[profile.default]\naddress = "a:1"\n')
    with pytest.raises(ConfigError, match="profile 'nope'"):
        args(profile="nope")


async def test_start_hands_tls_and_api_key_to_client_connect(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, pems: dict[str, Path]
) -> None:
    import temporalio.client

    captured: dict[str, object] = {}

    async def fake_connect(target_host: str, **kwargs: object) -> object:
        captured.update(kwargs, target_host=target_host)
        raise RuntimeError("not connecting in a unit test")

    monkeypatch.setattr(temporalio.client.Client, "connect", staticmethod(fake_connect))
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", str(pems["cert"]))
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", str(pems["key"]))
    engine = TemporalEngine(
        url="cloud.example:7233",
        namespace="ns",
        api_key="key-1",
        tls_server_ca_cert=pems["ca"],
        tls_server_name="cloud.example",
        start_worker=False,
    )
    with pytest.raises(ConnectionError, match="cannot reach Temporal at cloud.example:7233"):
        await engine.start()
    tls = captured["tls"]
    assert isinstance(tls, temporalio.service.TLSConfig)
    assert (tls.server_root_ca_cert, tls.client_cert, tls.client_private_key, tls.domain) == (
        CA,
        CERT,
        KEY,
        "cloud.example",
    )
    assert (captured["target_host"], captured["namespace"], captured["api_key"]) == (
        "cloud.example:7233",
        "ns",
        "key-1",
    )
