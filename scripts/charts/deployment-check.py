#!/usr/bin/env python3
"""Renders the publisher and subscriber charts with the Helm values Terraform
outputs for each environment, and checks that what they would deploy fits the
infrastructure Terraform creates.

The inputs are the fixtures terraform/deployment/tests/fixtures/<env>.json:
the outputs of the deployment composition with envs/<env>/terraform.tfvars
(its tofu tests fail when the two drift apart). For each environment and chart:

  helm template <chart> -n <namespace> [-f values-production.yaml] -f <helm_values.<chart>>

(prod adds the chart's production example, as terraform/README.md installs
it; the other environments use the chart defaults), then:

  identities   every ServiceAccount's IRSA role is a role of the environment
               that trusts that ServiceAccount; every pod runs as one, and its
               role may do what the pod's settings ask for: publish to the
               ALLOWED_TOPICS, consume QUEUE_URL, read DATABASE_SECRET_ARN,
               connect as PGUSER with IAM authentication
  keda         the TriggerAuthentication names a role that trusts the KEDA
               operator and may read the ScaledObject's queue
  images       every container pulls from the environment's ECR repository
  network      every NetworkPolicy CIDR lies in the VPC: the database's are its
               private subnets, the API's ingress its public subnets (none
               reaches the publisher's health port), HTTPS the VPC
               (interface endpoints)
  database     the connection is the environment's database, TLS verified
               against the mounted Amazon RDS CAs, no password in the pod spec
  monitoring   the alerts query the SQS metrics the CloudWatch exporter
               configuration produces, for the queues that exist
  capacity     the workloads at their autoscaling maximum (plus rolling-update
               surge) fit in the node groups at their maximum size
  example      (prod) values-production.yaml agrees with helm_values wherever
               both set a value, and passes the checks above on its own

usage: deployment-check.py HELM_BIN FIXTURE.json...   (needs PyYAML on PYTHONPATH)
"""
import ipaddress
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHARTS = os.path.join(ROOT, "helm-charts")

# vCPUs of the instance types the environments use (EC2 instance type specifications).
INSTANCE_VCPUS = {
    "t3.medium": 2, "t3.large": 2, "t3.xlarge": 4, "t3.2xlarge": 8,
    "m6i.large": 2, "m6i.xlarge": 4, "m6i.2xlarge": 8, "m6i.4xlarge": 16,
    "m7i.large": 2, "m7i.xlarge": 4, "m7i.2xlarge": 8,
    "c6i.large": 2, "c6i.xlarge": 4, "c6i.2xlarge": 8,
}
# Requests of what runs beside the workloads (assumptions, in millicores):
# DaemonSets on every node (aws-node with its network policy agent,
# kube-proxy, ebs-csi-node) and cluster-wide add-ons (CoreDNS, EBS CSI
# controller, AWS Load Balancer Controller, KEDA, cluster autoscaler,
# CloudWatch exporter, a small monitoring stack).
PER_NODE_RESERVE_M = 200
CLUSTER_ADDONS_M = 1500

ENV_VALUES = {"prod": "values-production.yaml"}


def eks_allocatable_m(vcpus):
    """CPU left for pods by the EKS AMIs' kube-reserved: 6% of the first core,
    1% of the second, 0.5% of the third and fourth, 0.25% of the rest."""
    reserved = 0.0
    for core in range(1, vcpus + 1):
        reserved += 1000 * (0.06 if core == 1 else 0.01 if core == 2 else 0.005 if core <= 4 else 0.0025)
    return int(vcpus * 1000 - math.ceil(reserved))


def cpu_m(q):
    q = str(q)
    return int(float(q[:-1])) if q.endswith("m") else int(float(q) * 1000)


def policy_grants(policy_json, action, resource):
    """Whether an Allow statement of the policy holds action on resource
    (exactly, or through a trailing '*' of the statement's resource)."""
    if not policy_json:
        return False
    for st in json.loads(policy_json)["Statement"]:
        if st.get("Effect") != "Allow":
            continue
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        if action in actions and any(r == resource or (r.endswith("*") and resource.startswith(r[:-1])) for r in resources):
            return True
    return False


def queue_arn(url):
    m = re.fullmatch(r"https://sqs\.([a-z0-9-]+)\.amazonaws\.com/([0-9]{12})/(.+)", url)
    return f"arn:aws:sqs:{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else None


def leaves(d, prefix=""):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from leaves(v, f"{prefix}.{k}" if prefix else k)
    else:
        yield prefix, d


def lookup(d, path):
    for part in path.split("."):
        if not isinstance(d, dict) or part not in d:
            return KeyError
        d = d[part]
    return d


def exporter_metrics(config_yaml):
    """Metric names the prometheus CloudWatch exporter writes for its
    configuration, with the queue names selected for each."""
    out = {}
    for m in yaml.safe_load(config_yaml)["metrics"]:
        ns = m["aws_namespace"].split("/")[-1].lower()
        metric = re.sub(r"(?<!^)(?=[A-Z])", "_", m["aws_metric_name"]).lower()
        for stat in m["aws_statistics"]:
            out[f"aws_{ns}_{metric}_{stat.lower()}"] = set(m["aws_dimension_select"]["QueueName"])
    return out


class Checker:
    def __init__(self, helm):
        self.helm = helm
        self.passed = 0
        self.failed = 0

    def check(self, label, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL  {label}" + (f": {detail}" if detail else ""))

    def render(self, chart, namespace, values_files):
        args = [self.helm, "template", chart, os.path.join(CHARTS, chart), "--namespace", namespace]
        for f in values_files:
            args += ["-f", f]
        run = subprocess.run(args, capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(run.stderr.strip())
        return [d for d in yaml.safe_load_all(run.stdout) if d]


def env_of(pod, configmaps):
    """Environment of the first container: its ConfigMap (envFrom) and its env."""
    c = pod["containers"][0]
    env = {}
    for src in c.get("envFrom") or []:
        env.update(configmaps.get(src["configMapRef"]["name"], {}))
    for e in c.get("env") or []:
        env[e["name"]] = e.get("value", e.get("valueFrom"))
    return env


def check_env(ck, env_name, fx, chart, docs):
    hv = fx["helm_values"][chart]
    ns = fx["namespace"]
    ids = fx["workload_identities"]
    net = fx["network"]
    label = f"{env_name}/{chart}"
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    configmaps = {d["metadata"]["name"]: d.get("data") or {} for d in by_kind.get("ConfigMap", [])}
    sas = {d["metadata"]["name"]: d for d in by_kind.get("ServiceAccount", [])}
    roles_by_arn = {r["arn"]: (k, r) for k, r in ids.items()}

    # identities: every ServiceAccount's role exists and trusts it
    for name, sa in sas.items():
        arn = (sa["metadata"].get("annotations") or {}).get("eks.amazonaws.com/role-arn")
        ck.check(f"{label}: ServiceAccount {name} has an IRSA role", bool(arn))
        if arn:
            role = roles_by_arn.get(arn)
            ck.check(f"{label}: ServiceAccount {name}'s role {arn} is a role of {env_name}", role is not None)
            if role:
                ck.check(f"{label}: role {role[0]} trusts {ns}/{name}", f"{ns}/{name}" in role[1]["service_accounts"],
                         f"it trusts {role[1]['service_accounts']}")

    # every pod runs as a ServiceAccount of the release, with what its settings need
    pods = [(d["kind"], d["metadata"]["name"], d["spec"]["template"]["spec"]) for d in by_kind.get("Deployment", []) + by_kind.get("Job", [])]
    ck.check(f"{label}: renders pods", bool(pods))
    for kind, name, pod in pods:
        where = f"{label}: {kind} {name}"
        sa = sas.get(pod.get("serviceAccountName"))
        ck.check(f"{where} runs as a ServiceAccount of the release", sa is not None, pod.get("serviceAccountName"))
        arn = ((sa or {}).get("metadata", {}).get("annotations") or {}).get("eks.amazonaws.com/role-arn")
        policy = roles_by_arn.get(arn, (None, {}))[1].get("policy")
        env = env_of(pod, configmaps)
        if "ALLOWED_TOPICS" in env and kind == "Deployment":
            for pair in env["ALLOWED_TOPICS"].split(","):
                topic = pair.split("=", 1)[1]
                ck.check(f"{where} may publish to {topic}", policy_grants(policy, "sns:Publish", topic))
        if "QUEUE_URL" in env and kind == "Deployment":
            q = queue_arn(env["QUEUE_URL"])
            for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"):
                ck.check(f"{where} may {action} on {q}", policy_grants(policy, action, q or ""))
        if "DATABASE_SECRET_ARN" in env:
            ck.check(f"{where} may read its database secret", policy_grants(policy, "secretsmanager:GetSecretValue", env["DATABASE_SECRET_ARN"]))
        if env.get("DATABASE_AUTH") == "iam":
            ok = policy and any(
                policy_grants(policy, "rds-db:connect", r)
                for st in json.loads(policy)["Statement"] for r in ([st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"])
                if r.endswith("/" + env.get("PGUSER", "?"))
            )
            ck.check(f"{where} may connect as {env.get('PGUSER')} with IAM authentication", bool(ok))
        # database: the environment's, TLS verified against the mounted RDS CAs, no password
        db = hv["database"]
        ck.check(f"{where} connects to the environment's database", (env.get("PGHOST"), env.get("PGPORT"), env.get("PGDATABASE")) == (db["host"], str(db["port"]), db["name"]),
                 f"{env.get('PGHOST')}:{env.get('PGPORT')}/{env.get('PGDATABASE')}")
        ck.check(f"{where} verifies the database certificate", env.get("PGSSLMODE") == "verify-full", env.get("PGSSLMODE"))
        ck.check(f"{where} has no password in its pod spec", "PGPASSWORD" not in env and "DATABASE_URL" not in env)
        mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0].get("volumeMounts") or []}
        vols = {v["name"]: v for v in pod.get("volumes") or []}
        ca = env.get("PGSSLROOTCERT", "")
        vol = vols.get(mounts.get(os.path.dirname(ca), ""), {})
        ca_cm = (vol.get("configMap") or {}).get("name")
        ck.check(f"{where} mounts the CA bundle of PGSSLROOTCERT", bool(ca) and ca_cm in configmaps and os.path.basename(ca) in configmaps.get(ca_cm, {}), ca or "no PGSSLROOTCERT")
        if ca_cm in configmaps:
            bundle = configmaps[ca_cm].get(os.path.basename(ca), "")
            ck.check(f"{where}: its CA bundle holds certificates", bundle.count("BEGIN CERTIFICATE") > 10)
        # images
        for c in pod.get("containers", []) + pod.get("initContainers", []):
            ck.check(f"{where}: container {c['name']} pulls from {hv['image']['repository']}", c["image"].startswith(hv["image"]["repository"] + ":") or c["image"].startswith(hv["image"]["repository"] + "@"), c["image"])
            ck.check(f"{where}: container {c['name']} pulls from ECR", re.match(r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/", c["image"]) is not None, c["image"])

    # keda
    for ta in by_kind.get("TriggerAuthentication", []):
        pi = ta["spec"]["podIdentity"]
        arn = pi.get("roleArn")
        ck.check(f"{label}: TriggerAuthentication names a role (not an identity Terraform does not wire)", bool(arn), json.dumps(pi))
        keda_sa = ids["keda-operator"]["service_accounts"]
        role = roles_by_arn.get(arn)
        ck.check(f"{label}: the KEDA role {arn} trusts the KEDA operator {keda_sa}", role is not None and set(keda_sa) <= set(role[1]["service_accounts"]))
        for so in by_kind.get("ScaledObject", []):
            for t in so["spec"]["triggers"]:
                q = queue_arn(t["metadata"]["queueURL"])
                ck.check(f"{label}: the KEDA role may read the depth of {q}", role is not None and policy_grants(role[1]["policy"], "sqs:GetQueueAttributes", q or ""))
                ck.check(f"{label}: KEDA scales on the queue the pods consume", t["metadata"]["queueURL"] == hv["config"]["queueUrl"])

    # network
    vpc = ipaddress.ip_network(net["vpc_cidr_block"])
    private = sorted(net["private_subnet_cidr_blocks"])
    public = sorted(net["public_subnet_cidr_blocks"])
    for np_ in by_kind.get("NetworkPolicy", []):
        where = f"{label}: NetworkPolicy {np_['metadata']['name']}"
        for rule in np_["spec"].get("ingress", []) + np_["spec"].get("egress", []):
            for peer in rule.get("from", []) + rule.get("to", []):
                if "ipBlock" in peer:
                    c = ipaddress.ip_network(peer["ipBlock"]["cidr"])
                    ck.check(f"{where}: {c} lies in the VPC {vpc}", c.subnet_of(vpc))
        db_rules = [r for r in np_["spec"]["egress"] if any(p.get("port") == hv["database"]["port"] for p in r.get("ports", []))]
        db_cidrs = sorted(p["ipBlock"]["cidr"] for r in db_rules for p in r.get("to", []) if "ipBlock" in p)
        ck.check(f"{where}: database egress goes to the private subnets", db_cidrs == private, f"{db_cidrs} vs {private}")
        https = sorted(p["ipBlock"]["cidr"] for r in np_["spec"]["egress"] if any(p.get("port") == 443 for p in r.get("ports", [])) for p in r.get("to", []) if "ipBlock" in p)
        ck.check(f"{where}: HTTPS egress goes to the VPC (interface endpoints)", https == [str(vpc)], f"{https}")
        if chart == "publisher":
            def cidrs_to(port):
                return sorted(p["ipBlock"]["cidr"] for r in np_["spec"].get("ingress", []) if any(x.get("port") == port for x in r.get("ports", []))
                              for p in r.get("from", []) if "ipBlock" in p)
            ck.check(f"{where}: the API admits the ALB's public subnets", cidrs_to("http") == public, f"{cidrs_to('http')} vs {public}")
            ck.check(f"{where}: no CIDR reaches the health port (/metrics)", cidrs_to("health") == [], f"{cidrs_to('health')}")

    # monitoring
    metrics = exporter_metrics(fx["platform_helm_values"]["cloudwatch_exporter"]["config"])
    for pr in by_kind.get("PrometheusRule", []):
        for group in pr["spec"]["groups"]:
            for rule in group["rules"]:
                for name, labels in re.findall(r"(aws_sqs_[a-z_]+)\{([^}]*)\}", rule["expr"]):
                    ck.check(f"{label}: alert {rule['alert']} queries {name}, which the CloudWatch exporter writes", name in metrics, sorted(metrics))
                    q = dict(re.findall(r'(\w+)="([^"]*)"', labels)).get("queue_name")
                    ck.check(f"{label}: alert {rule['alert']} watches queue {q}, which the exporter reads", q in metrics.get(name, set()), sorted(metrics.get(name, [])))
                    ck.check(f"{label}: alert {rule['alert']} watches a queue of {env_name}", q in (fx["queue_name"], fx["dlq_name"]), q)


def capacity(ck, env_name, fx, renders):
    demand = 0
    parts = []
    for chart, docs in renders.items():
        by_kind = {}
        for d in docs:
            by_kind.setdefault(d["kind"], []).append(d)
        for dep in by_kind.get("Deployment", []):
            name = dep["metadata"]["name"]
            maxr = dep["spec"].get("replicas", 1)
            for hpa in by_kind.get("HorizontalPodAutoscaler", []):
                if hpa["spec"]["scaleTargetRef"]["name"] == name:
                    maxr = hpa["spec"]["maxReplicas"]
            for so in by_kind.get("ScaledObject", []):
                if so["spec"]["scaleTargetRef"]["name"] == name:
                    maxr = so["spec"]["maxReplicaCount"]
            surge = (dep["spec"].get("strategy") or {}).get("rollingUpdate", {}).get("maxSurge", "25%")
            surge_n = math.ceil(maxr * int(surge[:-1]) / 100) if isinstance(surge, str) and surge.endswith("%") else int(surge)
            cpu = sum(cpu_m(c["resources"]["requests"]["cpu"]) for c in dep["spec"]["template"]["spec"]["containers"])
            demand += (maxr + surge_n) * cpu
            parts.append(f"{name} ({maxr}+{surge_n}) x {cpu}m")
    supply = 0
    nodes = 0
    for gname, g in fx["node_groups"].items():
        known = [t for t in g["instance_types"] if t in INSTANCE_VCPUS]
        ck.check(f"{env_name}: node group {gname}'s instance types are known to this check", len(known) == len(g["instance_types"]),
                 f"add {sorted(set(g['instance_types']) - set(known))} to INSTANCE_VCPUS")
        if not known:
            continue
        vcpus = min(INSTANCE_VCPUS[t] for t in known)
        supply += g["max_size"] * (eks_allocatable_m(vcpus) - PER_NODE_RESERVE_M)
        nodes += g["max_size"]
    supply -= CLUSTER_ADDONS_M
    print(f"  {env_name}: workloads at their maximum ask for {demand}m CPU ({', '.join(parts)}); {nodes} nodes offer {supply}m")
    ck.check(f"{env_name}: the workloads at their autoscaling maximum fit in the node groups", demand <= supply, f"{demand}m > {supply}m")


def agreement(ck, env_name, chart, hv):
    path = os.path.join(CHARTS, chart, ENV_VALUES[env_name])
    example = yaml.safe_load(open(path))
    for key, value in leaves(hv):
        mine = lookup(example, key)
        if mine is KeyError:
            continue
        ck.check(f"{env_name}/{chart}: {ENV_VALUES[env_name]} sets {key} as Terraform does", mine == value, f"{mine!r} vs {value!r}")


def main(argv):
    helm, fixtures = argv[0], argv[1:]
    ck = Checker(helm)
    if not fixtures:
        print("FAIL  no fixture given")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for path in fixtures:
            env_name = os.path.basename(path)[: -len(".json")]
            fx = json.load(open(path))
            renders = {}
            for chart, hv in sorted(fx["helm_values"].items()):
                infra = os.path.join(tmp, f"{env_name}-{chart}.json")
                json.dump(hv, open(infra, "w"))
                files = ([os.path.join(CHARTS, chart, ENV_VALUES[env_name])] if env_name in ENV_VALUES else []) + [infra]
                try:
                    docs = ck.render(chart, fx["namespace"], files)
                except RuntimeError as e:
                    ck.check(f"{env_name}/{chart}: renders with the Terraform values", False, str(e))
                    continue
                renders[chart] = docs
                check_env(ck, env_name, fx, chart, docs)
                if env_name in ENV_VALUES:
                    agreement(ck, env_name, chart, hv)
                    # The example alone must fit as well: it is what the
                    # chart's README shows, and what Argo CD may render.
                    alone = ck.render(chart, fx["namespace"], [files[0]])
                    check_env(ck, f"{env_name} ({ENV_VALUES[env_name]} alone)", fx, chart, alone)
            ck.check(f"{env_name}: both charts rendered", set(renders) == {"publisher", "subscriber"} or set(renders) == set(fx["helm_values"]))
            capacity(ck, env_name, fx, renders)
    print(f"deployment checks: {ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed or not ck.passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
