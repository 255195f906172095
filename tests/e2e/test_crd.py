"""CustomResourceDefinitions with real kubectl, in a plane of the test's own: established at once,
custom resources served (short names, status), gone with their CRD."""

from __future__ import annotations

import json
import textwrap

from conftest import wait_until

CRD = textwrap.dedent("""\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: crontabs.stable.example.com}
    spec:
      group: stable.example.com
      scope: Namespaced
      names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct], categories: [all]}
      versions:
      - name: v1
        served: true
        storage: true
        subresources: {status: {}}
        additionalPrinterColumns:
        - {name: Schedule, type: string, jsonPath: .spec.cronSpec}
        - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
        - {name: Image, type: string, priority: 1, jsonPath: .spec.image}
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                required: [cronSpec]
                properties:
                  cronSpec: {type: string}
                  image: {type: string}
                  replicas: {type: integer, minimum: 1, default: 1}
              status: {type: object, x-kubernetes-preserve-unknown-fields: true}
    """)

CRONTAB = textwrap.dedent("""\
    apiVersion: stable.example.com/v1
    kind: CronTab
    metadata: {name: nightly}
    spec: {cronSpec: "0 3 * * *", image: backup}
    """)


def test_a_crd_and_its_custom_resources(kubectl):
    kubectl.ok("apply", "-f", "-", input=CRD)
    kubectl.ok("wait", "--for=condition=Established", "crd/crontabs.stable.example.com", "--timeout=60s")
    kubectl.ok("apply", "-f", "-", input=CRONTAB)
    assert kubectl.ok("get", "ct", "-o", "name").split() == ["crontab.stable.example.com/nightly"]
    assert kubectl.ok("get", "crontab", "nightly", "-o", "jsonpath={.spec.cronSpec}") == "0 3 * * *"
    # The CRD's printer columns, the priority-1 one with -o wide only.
    table = kubectl.ok("get", "ct").splitlines()
    assert table[0].split() == ["NAME", "SCHEDULE", "AGE"], table
    assert table[1].startswith("nightly") and "0 3 * * *" in table[1]
    assert kubectl.ok("get", "ct", "-o", "wide").splitlines()[0].split() == ["NAME", "SCHEDULE", "AGE", "IMAGE"]
    # A changed manifest is applied as a merge patch (custom resources have no strategic merge).
    kubectl.ok("apply", "-f", "-", input=CRONTAB.replace("backup", "backup:v2"))
    assert kubectl.ok("get", "ct", "nightly", "-o", "jsonpath={.spec.image}") == "backup:v2"
    resources = kubectl.ok("api-resources", "--api-group=stable.example.com")
    assert "crontabs" in resources and "ct" in resources

    # The schema defaults, and refuses what it does not allow, naming the field.
    assert kubectl.ok("get", "ct", "nightly", "-o", "jsonpath={.spec.replicas}") == "1"
    bad = kubectl.fails("apply", "-f", "-", input=CRONTAB.replace("nightly", "broken").replace(
        'cronSpec: "0 3 * * *", ', 'replicas: 0, '))
    assert "spec.cronSpec: Required value" in bad.stderr and "spec.replicas" in bad.stderr, bad.stderr
    unknown = kubectl.fails("create", "-f", "-", input=CRONTAB.replace("nightly", "extra").replace(
        "image: backup", "image: backup, bogus: 1"))
    assert 'unknown field "spec.bogus"' in unknown.stderr, unknown.stderr

    kubectl.ok("delete", "crd", "crontabs.stable.example.com")
    wait_until("the custom resource to stop being served",
               lambda: kubectl.run("get", "crontabs.stable.example.com").returncode != 0)


POOL_CRD = textwrap.dedent("""\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: pools.scale.example.com}
    spec:
      group: scale.example.com
      scope: Namespaced
      names: {plural: pools, singular: pool, kind: Pool}
      versions:
      - name: v1
        served: true
        storage: true
        subresources:
          status: {}
          scale: {specReplicasPath: .spec.size, statusReplicasPath: .status.ready, labelSelectorPath: .status.selector}
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec: {type: object, properties: {size: {type: integer, maximum: 10}}}
              status: {type: object, properties: {ready: {type: integer}, selector: {type: string}}}
    """)


def test_kubectl_scale_of_a_custom_resource(kubectl):
    kubectl.ok("apply", "-f", "-", input=POOL_CRD)
    kubectl.ok("wait", "--for=condition=Established", "crd/pools.scale.example.com", "--timeout=60s")
    kubectl.ok("apply", "-f", "-", input="apiVersion: scale.example.com/v1\nkind: Pool\nmetadata: {name: p}\nspec: {size: 1}\n")
    assert "pool.scale.example.com/p scaled" in kubectl.ok("scale", "pool/p", "--replicas=3")
    assert kubectl.ok("get", "pool", "p", "-o", "jsonpath={.spec.size}") == "3"
    # The Scale reads the status and selector at the CRD's paths.
    kubectl.ok("patch", "pool", "p", "--subresource=status", "--type=merge",
               "-p", '{"status": {"ready": 2, "selector": "app=p"}}')
    scale = json.loads(kubectl.ok("get", "pool", "p", "--subresource=scale", "-o", "json"))
    assert (scale["kind"], scale["apiVersion"]) == ("Scale", "autoscaling/v1")
    assert scale["spec"] == {"replicas": 3} and scale["status"] == {"replicas": 2, "selector": "app=p"}
    # The CRD's schema still applies to what a scale writes.
    failed = kubectl.fails("scale", "pool/p", "--replicas=11")
    assert "spec.size" in failed.stderr


RANGE_CRD = textwrap.dedent("""\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: ranges.cel.example.com}
    spec:
      group: cel.example.com
      scope: Namespaced
      names: {plural: ranges, singular: range, kind: Range}
      versions:
      - name: v1
        served: true
        storage: true
        schema:
          openAPIV3Schema:
            type: object
            properties:
              spec:
                type: object
                x-kubernetes-validations:
                - {rule: "self.min <= self.max", message: "min must not exceed max"}
                - {rule: "self.name == oldSelf.name", message: "name is immutable", fieldPath: .name}
                properties:
                  min: {type: integer}
                  max: {type: integer}
                  name: {type: string, pattern: "^[a-z]+$", format: hostname}
    """)


def range_yaml(low: int, high: int, name: str = "r") -> str:
    return (f"apiVersion: cel.example.com/v1\nkind: Range\nmetadata: {{name: r}}\n"
            f"spec: {{min: {low}, max: {high}, name: {name}}}\n")


def test_cel_rules_and_value_keywords_refuse_invalid_custom_resources(kubectl):
    kubectl.ok("apply", "-f", "-", input=RANGE_CRD)
    kubectl.ok("wait", "--for=condition=Established", "crd/ranges.cel.example.com", "--timeout=60s")
    failed = kubectl.fails("apply", "-f", "-", input=range_yaml(5, 1))
    assert "min must not exceed max" in failed.stderr and "spec" in failed.stderr
    failed = kubectl.fails("apply", "-f", "-", input=range_yaml(1, 5, name="Bad"))
    assert "spec.name in body should match '^[a-z]+$'" in failed.stderr
    kubectl.ok("apply", "-f", "-", input=range_yaml(1, 5))
    # A transition rule: name may not change once set.
    failed = kubectl.fails("apply", "-f", "-", input=range_yaml(1, 5, name="other"))
    assert "spec.name" in failed.stderr and "name is immutable" in failed.stderr
    kubectl.ok("apply", "-f", "-", input=range_yaml(2, 5))


def test_a_crd_whose_rule_does_not_compile_is_refused(kubectl):
    broken = RANGE_CRD.replace('"self.min <= self.max"', '"self.min <=="')
    failed = kubectl.fails("apply", "-f", "-", input=broken)
    assert "x-kubernetes-validations[0].rule" in failed.stderr and "compilation failed" in failed.stderr


def test_a_crd_schema_upstream_refuses_is_refused(kubectl):
    unique = POOL_CRD.replace("size: {type: integer, maximum: 10}",
                              "size: {type: integer, maximum: 10}, tags: {type: array, uniqueItems: true}")
    failed = kubectl.fails("apply", "-f", "-", input=unique)
    assert "properties[tags].uniqueItems" in failed.stderr
    assert "uniqueItems cannot be set to true" in failed.stderr
