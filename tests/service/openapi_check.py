#!/usr/bin/env python3
"""Checks the desk's real answers against its OpenAPI 3.1 description (service/web/openapi.json).

Usage: openapi_check.py SPEC SAMPLES
SAMPLES: a JSON list of {"method", "path" (the description's template), "status", "type", "body"}.
Each sample's route, method and status must be described, with its content type, and a JSON body
must validate against the described schema (JSON Schema 2020-12, python3-jsonschema). Prints one
line per problem; exits 1 when there is any.
"""
import json
import sys

import jsonschema

spec = json.load(open(sys.argv[1]))
samples = json.load(open(sys.argv[2]))
problems = []
assert spec["openapi"].startswith("3."), "not an OpenAPI 3 document"
jsonschema.Draft202012Validator.check_schema({"components": spec["components"]})
for s in samples:
    where = f'{s["method"].upper()} {s["path"]} -> {s["status"]}'
    op = spec["paths"].get(s["path"], {}).get(s["method"])
    if op is None:
        problems.append(f"{where}: route not described")
        continue
    resp = op["responses"].get(str(s["status"]))
    if resp is None:
        problems.append(f"{where}: status not described")
        continue
    ctype = s["type"].split(";")[0].strip()
    content = resp.get("content", {}).get(ctype)
    if content is None:
        problems.append(f"{where}: content type {ctype} not described")
        continue
    if ctype != "application/json":
        continue
    schema = dict(content["schema"])
    schema["components"] = spec["components"]
    v = jsonschema.Draft202012Validator(schema)
    for e in v.iter_errors(s["body"]):
        problems.append(f"{where}: {'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}")
for p in problems:
    print(p)
print(f"{len(samples)} answers checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
