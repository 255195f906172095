"""`kplane serve` as a process: what it writes, what it answers anonymously, how it stops."""

from __future__ import annotations

import base64
import json

import yaml

from conftest import new_plane_name, start_server


def test_first_start_writes_ca_token_and_admin_kubeconfig(server):
    assert server.ca_path.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert server.token
    assert server.admin_kubeconfig.is_file()


def test_admin_kubeconfig_points_at_root_plane_with_inline_ca_and_token(server):
    config = yaml.safe_load(server.admin_kubeconfig.read_text())
    assert config["current-context"] == "kplane-admin"
    cluster = config["clusters"][0]["cluster"]
    assert cluster["server"] == server.url
    assert "insecure-skip-tls-verify" not in cluster
    assert base64.b64decode(cluster["certificate-authority-data"]).decode() == server.ca_path.read_text()
    assert config["users"][0]["user"]["token"] == server.token


def test_readyz_answers_ok_without_credentials(server):
    status, body = server.get("/readyz")
    assert (status, body.strip()) == (200, b"ok")


def test_version_reports_kubernetes_1_33(server):
    status, body = server.get("/version", token=server.token)
    assert status == 200, body
    version = json.loads(body)
    assert (version["major"], version["minor"].rstrip("+")) == ("1", "33")


def test_api_request_without_token_is_rejected(server):
    status, _ = server.get("/api/v1/namespaces")
    assert status in (401, 403)


def test_api_request_with_wrong_token_is_rejected(server):
    status, _ = server.get("/api/v1/namespaces", token="not-the-token")
    assert status == 401


def test_plane_url_serves_the_api_with_the_admin_token(server):
    status, body = server.get(f"/clusters/{new_plane_name()}/control-plane/api/v1/namespaces", token=server.token)
    assert status == 200, body
    assert json.loads(body)["kind"] == "NamespaceList"


def test_sigterm_stops_the_server_with_exit_code_0(tmp_path):
    own = start_server(tmp_path / "data")
    assert own.stop() == 0, own.log_tail()


def test_restart_on_same_data_dir_keeps_token_and_objects(tmp_path):
    from conftest import make_plane_client
    from kubernetes import client

    data_dir = tmp_path / "data"
    plane = new_plane_name()
    first = start_server(data_dir)
    try:
        token = first.token
        pc = make_plane_client(first, plane, tmp_path / "first.kubeconfig")
        pc.core.create_namespaced_config_map(
            "default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="survivor"), data={"k": "v"}))
        pc.api_client.close()
    finally:
        assert first.stop() == 0, first.log_tail()

    second = start_server(data_dir)
    try:
        assert second.token == token
        pc = make_plane_client(second, plane, tmp_path / "second.kubeconfig")
        assert pc.core.read_namespaced_config_map("survivor", "default").data == {"k": "v"}
        pc.api_client.close()
    finally:
        assert second.stop() == 0, second.log_tail()


def test_http2_and_http1_are_both_served(server):
    import subprocess

    for flag, want in (("--http2", "2"), ("--http1.1", "1.1")):
        result = subprocess.run(
            ["curl", "-sS", flag, "--cacert", str(server.ca_path), "-o", "/dev/null",
             "-w", "%{http_version}", server.url + "/version"],
            capture_output=True, text=True, timeout=30,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == want
