"""Hooks for the conformance stage's schemathesis run.

A key belongs to the first request that used it, so the same Idempotency-Key with another body is
refused (422 idempotency_key_reused) - a rule about two requests that no schema can state. Before
every call, in every phase, a valid key is therefore made unique, in the header of a single POST and
in the idempotency_key field of each batch item; invalid ones (empty, too long, not visible ASCII)
are sent as generated, so their refusal is still tested.
"""
import itertools
import re

import schemathesis

_counter = itertools.count()
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,240}$")


@schemathesis.hook
def before_call(context, case, kwargs):
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and _VALID_KEY.match(key):
        case.headers["Idempotency-Key"] = f"{key}-{next(_counter)}"
    if isinstance(case.body, list):
        for item in case.body:
            if isinstance(item, dict) and isinstance(item.get("idempotency_key"), str) and _VALID_KEY.match(item["idempotency_key"]):
                item["idempotency_key"] = f"{item['idempotency_key']}-{next(_counter)}"
