#!/usr/bin/env python3
"""The benchmark's apps in AWS CDK (Python), synthesized with app.synth() (no `cdk` CLI), for
`scripts/bench-synth.sh --vs-cdk`.

usage: cdk-bench-app.py pipeline TEMPLATES_DIR OUT_DIR   the pipeline's stacks: every parameter, mapping,
                                                          condition, resource and output of the committed
                                                          templates, as L1 constructs (CfnResource & co.)
       cdk-bench-app.py N OUT_DIR                        the generated app: N resources, SSM parameters and
                                                          versioned buckets alternating, 100 per stack
Prints the wall time of building and synthesizing, in ms.
"""
import json
import os
import sys
import time

start = time.perf_counter()
import aws_cdk as cdk  # noqa: E402  (import time counts: it is what a CDK user waits for)


def pipeline_app(templates, out):
    app = cdk.App(outdir=out)
    manifest = json.load(open(os.path.join(templates, "manifest.json")))
    for entry in manifest["Stacks"]:
        template = json.load(open(os.path.join(templates, entry["Template"])))
        stack = cdk.Stack(app, entry["Name"], description=template.get("Description"),
                          synthesizer=cdk.LegacyStackSynthesizer())
        for name, body in template.get("Parameters", {}).items():
            cdk.CfnParameter(stack, name, type=body["Type"], default=body.get("Default"),
                             description=body.get("Description"), allowed_values=body.get("AllowedValues"),
                             allowed_pattern=body.get("AllowedPattern"), min_length=body.get("MinLength"),
                             max_length=body.get("MaxLength"), min_value=body.get("MinValue"),
                             max_value=body.get("MaxValue"), no_echo=body.get("NoEcho"))
        for name, body in template.get("Mappings", {}).items():
            cdk.CfnMapping(stack, name, mapping=body)
        if template.get("Conditions"):
            raise SystemExit("conditions are not mirrored (the pipeline has none)")
        for name, body in template.get("Resources", {}).items():
            resource = cdk.CfnResource(stack, name, type=body["Type"], properties=body.get("Properties"))
            if "DeletionPolicy" in body:
                resource.add_override("DeletionPolicy", body["DeletionPolicy"])
            if "UpdateReplacePolicy" in body:
                resource.add_override("UpdateReplacePolicy", body["UpdateReplacePolicy"])
            if "DependsOn" in body:
                resource.add_override("DependsOn", body["DependsOn"])
            if "Metadata" in body:
                for key, value in body["Metadata"].items():
                    resource.add_metadata(key, value)
        for name, body in template.get("Outputs", {}).items():
            cdk.CfnOutput(stack, name, value=cdk.Token.as_string(body["Value"]),
                          export_name=body.get("Export", {}).get("Name"), description=body.get("Description"))
    return app


def generated_app(count, out):
    app = cdk.App(outdir=out)
    made = 0
    index = 0
    while made < count:
        stack = cdk.Stack(app, f"Generated{index}", synthesizer=cdk.LegacyStackSynthesizer())
        for n in range(made, made + min(100, count - made)):
            if n % 2 == 0:
                cdk.CfnResource(stack, f"Parameter{n}", type="AWS::SSM::Parameter",
                                properties={"Name": f"/bench/parameter-{n}", "Type": "String", "Value": f"value-{n}"})
            else:
                cdk.CfnResource(stack, f"Bucket{n}", type="AWS::S3::Bucket", properties={
                    "BucketName": cdk.Fn.sub(f"bench-{n}-${{AWS::AccountId}}-${{AWS::Region}}"),
                    "VersioningConfiguration": {"Status": "Enabled"}})
        made += min(100, count - made)
        index += 1
    return app


if __name__ == "__main__":
    if sys.argv[1] == "pipeline":
        app = pipeline_app(sys.argv[2], sys.argv[3])
    else:
        app = generated_app(int(sys.argv[1]), sys.argv[2])
    app.synth()
    print(f"{(time.perf_counter() - start) * 1000:.1f}")
