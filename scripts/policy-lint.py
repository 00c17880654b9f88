#!/usr/bin/env python3
"""Runs parliament (pip install parliament) on every IAM and key/bucket policy document of the synthesized templates.

usage: scripts/policy-lint.py [templates/*.template.json]

Each document (AWS::IAM::Role inline policies and trust policy, AWS::IAM::Policy / ManagedPolicy, AWS::KMS::Key
KeyPolicy, S3/SQS/SNS resource policies) is printed with parliament's findings. Intrinsics are replaced by plausible
literals first (parliament reads plain JSON): Fn::Sub with pseudo parameters filled in (aws, us-west-2, 123456789012)
Fn::Sub variables by their values; GetAtt …Arn by an ARN of the resource's type, an import by one of the type its
export name ends with (`…BucketArn`), FindInMap by an account id.
Exits 1 when any finding is reported.
"""
import glob, json, re, sys

from parliament import analyze_policy_string

PSEUDO = {"AWS::Partition": "aws", "AWS::Region": "us-west-2", "AWS::AccountId": "123456789012", "AWS::URLSuffix": "amazonaws.com",
          "AWS::StackName": "stack"}


ACCOUNT = "123456789012"
ARNS = {  # a plausible ARN for a resource of each type (GetAtt Arn, or Ref where the Ref is an ARN)
    "AWS::KMS::Key": "arn:aws:kms:us-west-2:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab" % ACCOUNT,
    "AWS::S3::Bucket": "arn:aws:s3:::example-bucket",
    "AWS::Logs::LogGroup": "arn:aws:logs:us-west-2:%s:log-group:/aws/example:*" % ACCOUNT,
    "AWS::SQS::Queue": "arn:aws:sqs:us-west-2:%s:example" % ACCOUNT,
    "AWS::SNS::Topic": "arn:aws:sns:us-west-2:%s:example" % ACCOUNT,
    "AWS::SSM::Parameter": "arn:aws:ssm:us-west-2:%s:parameter/example" % ACCOUNT,
    "AWS::Lambda::Function": "arn:aws:lambda:us-west-2:%s:function:example" % ACCOUNT,
    "AWS::IAM::Role": "arn:aws:iam::%s:role/example" % ACCOUNT,
    "AWS::SageMaker::Endpoint": "arn:aws:sagemaker:us-west-2:%s:endpoint/example" % ACCOUNT,
}
# Types whose Ref is their ARN (the others' Ref is a name or an id).
REF_IS_ARN = ("AWS::SNS::Topic", "AWS::SageMaker::Endpoint")
EXPORTS = [("BucketArn", "AWS::S3::Bucket"), ("KeyArn", "AWS::KMS::Key"), ("TopicArn", "AWS::SNS::Topic"), ("QueueArn", "AWS::SQS::Queue"),
           ("FunctionArn", "AWS::Lambda::Function"), ("RoleArn", "AWS::IAM::Role")]


def literal(value, resources):
    """The value with its intrinsics replaced by plausible literals."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref")):
        (name, argument), = value.items()
        if name == "Fn::Sub":
            text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
            def fill(match):
                key = match.group(1)
                if key in variables:
                    return str(literal(variables[key], resources))
                if key in PSEUDO:
                    return PSEUDO[key]
                return str(literal({"Ref": key}, resources)) if key in resources else "x"
            return re.sub(r"\$\{([^}!]+)\}", fill, text)
        if name == "Ref":
            if argument in PSEUDO:
                return PSEUDO[argument]
            return ARNS.get(resources.get(argument), "example") if resources.get(argument) in REF_IS_ARN else "example"
        if name == "Fn::GetAtt":
            target, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return ARNS.get(resources.get(target), "arn:aws:x:us-west-2:%s:x" % ACCOUNT) if attribute.endswith("Arn") else "example"
        if name == "Fn::ImportValue":
            export = argument if isinstance(argument, str) else "x"
            return next((ARNS[t] for suffix, t in EXPORTS if export.endswith(suffix)), "example")
        if name == "Fn::FindInMap":
            return ACCOUNT
        if name == "Fn::Join":
            return argument[0].join(str(literal(v, resources)) for v in argument[1])
    if isinstance(value, dict):
        return {k: literal(v, resources) for k, v in value.items()}
    if isinstance(value, list):
        return [literal(v, resources) for v in value]
    return value


def plain(document, resources):
    return literal(document, resources)


# Findings that are parliament not knowing the kind of document (it reads every document as an identity policy).
IGNORED = [
    ("KeyPolicy", "RESOURCE_STAR", "in a key policy, Resource * is the key itself"),
    ("AssumeRolePolicyDocument", "MALFORMED", "a trust policy names no Resource"),
    # AWS documents exactly this condition for CloudWatch Logs encryption ("ArnEquals" on kms:EncryptionContext:aws:logs:arn,
    # docs: "Encrypt log data in CloudWatch Logs using AWS KMS"); parliament types that key as String.
    ("KeyPolicy", "MISMATCHED_TYPE", "ArnEquals on kms:EncryptionContext:aws:logs:arn is the form AWS documents for Logs encryption"),
]


def documents(path):
    template = json.load(open(path))
    types = {logical_id: resource["Type"] for logical_id, resource in template.get("Resources", {}).items()}
    for logical_id, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        for key in ("KeyPolicy", "PolicyDocument", "AssumeRolePolicyDocument"):
            if key in properties:
                yield "%s %s (%s) %s" % (path.split("/")[-1], logical_id, resource["Type"], key), properties[key], types
        for policy in properties.get("Policies", []) or []:
            yield "%s %s (%s) Policies[%s]" % (path.split("/")[-1], logical_id, resource["Type"], policy.get("PolicyName")), policy["PolicyDocument"], types


def main():
    paths = sys.argv[1:] or sorted(glob.glob("templates/*.template.json"))
    total = 0
    for path in paths:
        for name, document, types in documents(path):
            findings = []
            for finding in analyze_policy_string(json.dumps(plain(document, types))).findings:
                reason = next((why for kind, issue, why in IGNORED if name.endswith(kind) and finding.issue == issue), None)
                if reason:
                    print("%s: ignored %s (%s)" % (name, finding.issue, reason))
                else:
                    findings.append(finding)
            print("%s: %s" % (name, "no findings" if not findings else "%d finding(s)" % len(findings)))
            for finding in findings:
                print("  %s %s %s" % (finding.severity, finding.issue, json.dumps(finding.detail, default=str)))
            total += len(findings)
    print("policy-lint: %d finding(s)" % total)
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
