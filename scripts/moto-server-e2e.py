#!/usr/bin/env python3
"""moto_server for scripts/e2e-local.sh, with two gaps of moto 5.2's CloudFormation UpdateStack closed (in the test only;
the product does what AWS needs). Usage: the same arguments as moto_server.

1. moto decides which resources an update touches by comparing template parameters *as given*: for an SSM-typed
   parameter that is the SSM name, the same on every update, so only the first update that names it reaches the
   resources. AWS resolves SSM-typed parameters again on every update. Here the given value is forgotten first, so moto
   compares it as changed and resolves it again.
2. moto replaces a SageMaker model whose ModelDataUrl changed but does not replace the endpoint configuration that names
   it (which keeps the deleted model's name) nor update the endpoint. AWS does both. Here an update of a SageMaker
   resource also updates the SageMaker resources that Ref or GetAtt it, in dependency order.
"""
import sys
from moto.cloudformation import parsing

_diff = parsing.ResourceMap.build_resource_diff


def references(value):
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.append(item)
            elif key == "Fn::GetAtt" and isinstance(item, list) and item:
                found.append(item[0])
            else:
                found.extend(references(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(references(item))
    return found


def build_resource_diff(self, other_template, parameters=None):
    for name, declaration in other_template.get("Parameters", {}).items():
        if str(declaration.get("Type", "")).startswith("AWS::SSM::Parameter::Value<") and parameters and name in parameters:
            self.input_parameters.pop(name, None)
    actions = _diff(self, other_template, parameters)
    resources = other_template.get("Resources", {})
    modify = actions["Modify"]
    index = 0
    while index < len(modify):
        changed = modify[index]
        index += 1
        if not str(resources.get(changed, {}).get("Type", "")).startswith("AWS::SageMaker::"):
            continue
        for name, resource in resources.items():
            if name not in modify and str(resource.get("Type", "")).startswith("AWS::SageMaker::") and changed in references(resource):
                modify.append(name)
    return actions


parsing.ResourceMap.build_resource_diff = build_resource_diff

if __name__ == "__main__":
    from moto.server import main
    main(sys.argv[1:])
