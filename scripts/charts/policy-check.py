#!/usr/bin/env python3
"""Pod security and hygiene policy for rendered chart manifests.

Every pod template (Deployment, StatefulSet, Job, ...) must:
  * run as non-root with the RuntimeDefault (or Localhost) seccomp profile,
  * not mount the API token (automountServiceAccountToken: false),
  * give each container a read-only root filesystem, no privilege escalation,
    no privileged mode and `drop: [ALL]` capabilities,
  * set CPU and memory requests and a memory limit,
  * use a pinned image (a tag other than `latest`, or a digest),
  * never carry a credential as a plain env value (the ARN of a secret is
    not one).

usage: policy-check.py RENDERED.yaml...   (needs PyYAML on PYTHONPATH)
"""
import re
import sys

import yaml

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
SECRETISH = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|DATABASE_URL|ACCESS_KEY)", re.I)


def pod_spec(obj):
    spec = obj.get("spec") or {}
    if obj["kind"] == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def check_pod(where, pod):
    errs = []
    psc = pod.get("securityContext") or {}
    if pod.get("automountServiceAccountToken") is not False:
        errs.append("automountServiceAccountToken is not false")
    containers = (pod.get("initContainers") or []) + (pod.get("containers") or [])
    if not containers:
        errs.append("no containers")
    for c in containers:
        name = "container %s" % c.get("name")
        sc = c.get("securityContext") or {}
        if not (sc.get("runAsNonRoot") or psc.get("runAsNonRoot")):
            errs.append("%s: runAsNonRoot is not set" % name)
        if sc.get("runAsUser", psc.get("runAsUser")) == 0:
            errs.append("%s: runs as UID 0" % name)
        seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            errs.append("%s: seccompProfile is %r" % (name, seccomp))
        if sc.get("readOnlyRootFilesystem") is not True:
            errs.append("%s: readOnlyRootFilesystem is not true" % name)
        if sc.get("allowPrivilegeEscalation") is not False:
            errs.append("%s: allowPrivilegeEscalation is not false" % name)
        if sc.get("privileged"):
            errs.append("%s: privileged" % name)
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            errs.append("%s: capabilities do not drop ALL" % name)
        if (sc.get("capabilities") or {}).get("add"):
            errs.append("%s: adds capabilities" % name)
        res = c.get("resources") or {}
        for path in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory")):
            if not (res.get(path[0]) or {}).get(path[1]):
                errs.append("%s: resources.%s.%s is not set" % (name, *path))
        image = c.get("image") or ""
        last = image.rsplit("/", 1)[-1]
        if "@sha256:" not in image and (":" not in last or last.endswith(":latest")):
            errs.append("%s: image %r is not pinned" % (name, image))
        for env in c.get("env") or []:
            # An ARN names a secret, it is none (DATABASE_SECRET_ARN).
            if SECRETISH.search(env.get("name", "")) and not env.get("name", "").endswith("_ARN") and "value" in env:
                errs.append("%s: %s is a plain value, not a secretKeyRef" % (name, env["name"]))
    return ["%s: %s" % (where, e) for e in errs]


def main(paths):
    errors, pods = [], 0
    for path in paths:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for obj in docs:
            if obj.get("kind") in WORKLOADS:
                pods += 1
                where = "%s: %s/%s" % (path.rsplit("/", 1)[-1], obj["kind"], obj["metadata"]["name"])
                errors += check_pod(where, pod_spec(obj))
    for e in errors:
        print("POLICY: " + e)
    print("%d pod templates checked, %d violations" % (pods, len(errors)))
    if pods == 0:
        print("POLICY: no pod templates found")
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
