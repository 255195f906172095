"""A small kopf operator for tests/e2e/test_kopf.py: on create it makes an owned child ConfigMap,
reports it in status and posts an event; a timer marks the status; kopf's own finalizer guards
deletion."""

import kopf
import kubernetes


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, **_):
    settings.posting.level = 0  # post every event, info included


@kopf.on.create("example.com", "v1", "widgets")
def create(spec, name, namespace, body, **_):
    child = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-child"},
             "data": {"size": str(spec.get("size"))}}
    kopf.adopt(child)
    kubernetes.config.load_kube_config()
    kubernetes.client.CoreV1Api().create_namespaced_config_map(namespace, child)
    kopf.info(body, reason="ChildCreated", message=f"made {name}-child")
    return {"child": child["metadata"]["name"]}


@kopf.timer("example.com", "v1", "widgets", interval=1.0)
def tick(patch, **_):
    patch.status["ticked"] = True
