#!/usr/bin/env python3
"""Generate strict, standalone JSON schemas for kubeconform from a Kubernetes
OpenAPI v2 spec (api/openapi-spec/swagger.json of k8s.io/kubernetes).

One file per group/version/kind, named the way kubeconform looks them up with
-schema-location '<dir>/{{.ResourceKind}}{{.KindSuffix}}.json', e.g.
deployment-apps-v1.json, service-v1.json, networkpolicy-networking-v1.json.

Each file holds the kind's schema plus, under "definitions", every definition
it references (refs stay "#/definitions/<name>", recursion is fine).
Like the kubernetes-json-schema "standalone-strict" flavour:
  * objects with "properties" get "additionalProperties": false,
  * int-or-string becomes oneOf string|integer, Quantity oneOf string|number,
  * optional (not required) typed properties also accept null.
Standard library only.
"""
import copy
import json
import os
import sys

QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
REF_PREFIX = "#/definitions/"


def transform(node):
    if isinstance(node, list):
        return [transform(x) for x in node]
    if not isinstance(node, dict):
        return node
    if node.get("format") == "int-or-string":
        out = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
        if "description" in node:
            out["description"] = node["description"]
        return out
    out = {k: transform(v) for k, v in node.items()}
    props = out.get("properties")
    if isinstance(props, dict):
        out.setdefault("additionalProperties", False)
        required = set(out.get("required", []))
        for name, prop in props.items():
            if name in required or not isinstance(prop, dict):
                continue
            t = prop.get("type")
            if isinstance(t, str) and t != "null":
                prop["type"] = [t, "null"]
    return out


def refs_of(node, acc):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            acc.add(ref[len(REF_PREFIX):])
        for v in node.values():
            refs_of(v, acc)
    elif isinstance(node, list):
        for v in node:
            refs_of(v, acc)
    return acc


def closure(name, defs, cache):
    if name in cache:
        return cache[name]
    seen, todo = set(), [name]
    while todo:
        cur = todo.pop()
        if cur in seen or cur not in defs:
            continue
        seen.add(cur)
        todo.extend(refs_of(defs[cur], set()) - seen)
    cache[name] = seen
    return seen


def kind_suffix(group, version):
    if group:
        return "-%s-%s" % (group.split(".")[0].lower(), version.lower())
    return "-%s" % version.lower()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: %s swagger.json OUTDIR" % sys.argv[0])
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)

    raw = spec["definitions"]
    defs = {}
    for name, d in raw.items():
        if name == QUANTITY:
            defs[name] = {"oneOf": [{"type": "string"}, {"type": "number"}],
                          "description": d.get("description", "")}
        else:
            defs[name] = transform(d)

    cache, written = {}, 0
    for name, d in raw.items():
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            schema = copy.deepcopy(defs[name])
            needed = sorted(closure(name, defs, cache) - {name})
            # refs back to the root definition itself resolve via definitions too
            schema["definitions"] = {n: defs[n] for n in needed}
            if name in refs_of(schema["definitions"], set()):
                schema["definitions"][name] = defs[name]
            schema["$schema"] = "http://json-schema.org/schema#"
            fname = "%s%s.json" % (gvk["kind"].lower(), kind_suffix(gvk.get("group", ""), gvk["version"]))
            with open(os.path.join(outdir, fname), "w") as f:
                json.dump(schema, f, separators=(",", ":"), sort_keys=True)
            written += 1
    print("wrote %d schemas to %s" % (written, outdir))


if __name__ == "__main__":
    main()
