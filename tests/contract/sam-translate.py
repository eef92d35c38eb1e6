"""Runs template.yaml through the AWS SAM translator (the transform CloudFormation applies at deploy time).

Usage: python3 sam-translate.py TEMPLATE '{"Parameter": "value", ...}'
Prints the transformed CloudFormation template as JSON, or {"errors": [...]} with exit code 1. Local CodeUri and
ContentUri folders become S3 URIs first, as `sam package` would make them. Needs cfn-lint (which brings
aws-sam-translator) installed.
"""
import json
import os
import sys

from cfnlint.decode import decode
from samtranslator.public.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    def load(self):
        return {}


def main():
    path, parameters = sys.argv[1], json.loads(sys.argv[2])
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template, problems = decode(path)
    if problems:
        print(json.dumps({"errors": [str(problem) for problem in problems]}))
        return 1
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = f"s3://artifacts/{key}"
    try:
        transformed = transform(template, parameters, NoManagedPolicies())
    except InvalidDocumentException as error:
        print(json.dumps({"errors": [str(cause) for cause in error.causes]}))
        return 1
    print(json.dumps(transformed, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
