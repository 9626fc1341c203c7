"""datapackage.json against the official Frictionless profiles (issue 9).

    python3 profiles.py PROFILES_DIR DATAPACKAGE_JSON...

PROFILES_DIR holds the JSON Schemas (draft-04) that npm's datapackage ships
(node_modules/datapackage/src/profiles). Each descriptor is validated, as
written, against tabular-data-package.json with python3-jsonschema, a second
validator beside datapackage-js's tv4; each resource also against
tabular-data-resource.json. Prints one line per descriptor and every error;
exits 1 if any descriptor is invalid.
"""
import json
import os
import sys

import jsonschema


def main():
    profiles, paths = sys.argv[1], sys.argv[2:]
    with open(os.path.join(profiles, "tabular-data-package.json"), encoding="utf-8") as f:
        package_schema = json.load(f)
    with open(os.path.join(profiles, "tabular-data-resource.json"), encoding="utf-8") as f:
        resource_schema = json.load(f)
    checks = [
        ("tabular-data-package", jsonschema.Draft4Validator(package_schema)),
    ]
    resource_check = jsonschema.Draft4Validator(resource_schema)
    bad = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            descriptor = json.load(f)
        errors = []
        for name, validator in checks:
            for e in validator.iter_errors(descriptor):
                where = "/".join(str(p) for p in e.absolute_path) or "(top)"
                errors.append("%s: at %s: %s" % (name, where, e.message[:200]))
        for i, resource in enumerate(descriptor.get("resources", [])):
            for e in resource_check.iter_errors(resource):
                where = "/".join(str(p) for p in e.absolute_path) or "(top)"
                errors.append(
                    "tabular-data-resource: resource %s at %s: %s"
                    % (resource.get("name", i), where, e.message[:200])
                )
        print("%s: %d errors (jsonschema %s)" % (path, len(errors), "Draft4Validator"))
        for e in errors[:20]:
            print("#   " + e)
        if len(errors) > 20:
            print("#   ... %d more" % (len(errors) - 20))
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
