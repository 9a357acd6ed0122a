#!/usr/bin/env python3
"""Values tables of the chart READMEs, generated from values.yaml.

values.yaml documents every value with `## @param <path> <description>`
(and groups them with `## @section <title>`). This writes the tables between
`<!-- values-table:start -->` and `<!-- values-table:end -->` in README.md,
with the defaults read from values.yaml itself.

usage: values-table.py [--check] CHART_DIR...   (needs PyYAML on PYTHONPATH;
       update-readmes.sh runs it with the pinned PyYAML)
  --check  change nothing; exit 1 when a README is out of date or a value
           in values.yaml has no @param line
"""
import json
import re
import sys

import yaml

START, END = "<!-- values-table:start -->", "<!-- values-table:end -->"
PARAM = re.compile(r"^\s*## @param\s+(\S+)\s+(.*)$")
SECTION = re.compile(r"^\s*## @section\s+(.*)$")


def lookup(values, path):
    cur = values
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            raise KeyError(path)
        cur = cur[part]
    return cur


def fmt(value):
    if isinstance(value, str):
        text = json.dumps(value)
    else:
        text = json.dumps(value, separators=(", ", ": "))
    return "`%s`" % text.replace("|", "\\|")


def leaves(values, prefix=""):
    """Every documented-able path: scalars, lists, and empty or leaf maps."""
    for k, v in values.items():
        p = prefix + k
        if isinstance(v, dict) and v:
            yield p
            yield from leaves(v, p + ".")
        else:
            yield p


def table(chart_dir):
    with open(chart_dir + "/values.yaml") as f:
        text = f.read()
    values = yaml.safe_load(text) or {}
    sections, documented, problems = [], set(), []
    for line in text.splitlines():
        m = SECTION.match(line)
        if m:
            sections.append((m.group(1).strip(), []))
            continue
        m = PARAM.match(line)
        if m:
            path, desc = m.group(1), m.group(2).strip()
            try:
                default = lookup(values, path)
            except KeyError:
                problems.append("%s/values.yaml: @param %s does not exist" % (chart_dir, path))
                continue
            if not sections:
                sections.append(("Parameters", []))
            sections[-1][1].append((path, desc.replace("|", "\\|"), fmt(default)))
            documented.add(path)
    # every value must be covered by its own @param or by a documented parent
    for path in leaves(values):
        parts = path.split(".")
        covered = any(".".join(parts[:i]) in documented for i in range(1, len(parts) + 1))
        children = any(d.startswith(path + ".") for d in documented)
        if not covered and not children:
            problems.append("%s/values.yaml: %s has no @param line" % (chart_dir, path))
    out = []
    for title, rows in sections:
        if not rows:
            continue
        out += ["", "### %s" % title, "", "| Name | Description | Default |", "| --- | --- | --- |"]
        out += ["| `%s` | %s | %s |" % r for r in rows]
    return "\n".join(out) + "\n", problems


def main(argv):
    check = "--check" in argv
    dirs = [a.rstrip("/") for a in argv if a != "--check"]
    failed = False
    for d in dirs:
        generated, problems = table(d)
        for p in problems:
            print(p)
            failed = True
        readme = d + "/README.md"
        try:
            with open(readme) as f:
                current = f.read()
        except FileNotFoundError:
            print("%s is missing" % readme)
            failed = True
            continue
        if START not in current or END not in current:
            print("%s has no %s / %s markers" % (readme, START, END))
            failed = True
            continue
        head, rest = current.split(START, 1)
        _, tail = rest.split(END, 1)
        updated = head + START + "\n" + generated + END + tail
        if updated != current:
            if check:
                print("%s: values table is out of date (run: bash scripts/charts/update-readmes.sh)" % readme)
                failed = True
            else:
                with open(readme, "w") as f:
                    f.write(updated)
                print("updated %s" % readme)
        else:
            print("%s: up to date" % readme)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
