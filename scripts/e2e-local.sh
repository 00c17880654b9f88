#!/usr/bin/env bash
# Deploys the whole pipeline with the real aws CLI against moto_server on 127.0.0.1 and checks that it works:
# model upload → S3 event → the real `bootstrap` (through scripts/local-runtime-api.py) → SSM parameter
# (SigV4 checked by moto) → endpoint stack serving that model → a second model replaces the first.
# Every step prints one line with its duration; a failure stops with the step's name and the tool's error.
# What moto cannot show is listed in README.md ("What the local deployment verifies").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.build/e2e"
rm -rf "$work"; mkdir -p "$work"
region=us-west-2
log="$work/steps.log"
moto_pid=""

cleanup() {
  if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

step_start=0
step() { step_name="$1"; step_start=$(date +%s%N); }
ok() { printf 'ok   %-62s %6d ms\n' "$step_name${1:+ ($1)}" $(( ($(date +%s%N) - step_start) / 1000000 )); }
fail() { printf 'FAIL %s: %s\n' "$step_name" "$*" >&2; [ -s "$work/err" ] && sed 's/^/     /' "$work/err" >&2; exit 1; }
run() { "$@" >"$work/out" 2>"$work/err" || fail "$(basename "$1") exited $?"; cat "$work/out"; }

export AWS_DEFAULT_REGION=$region AWS_REGION=$region AWS_PAGER=""
command -v moto_server >/dev/null || python3 -m pip install -q 'moto[server]==5.2.1'
command -v cfn-lint >/dev/null || python3 -m pip install -q 'cfn-lint==1.51.0'

step "synthesize templates"
run swift run synth --output "$work/templates" >/dev/null; ok
templates="$work/templates"

step "cfn-lint the templates (a rejected template stops the run)"
cfn-lint "$templates"/*.template.json >"$work/out" 2>"$work/err" || { cat "$work/out" >&2; fail "cfn-lint rejected the templates"; }
ok

step "adapt a copy of the templates to moto's known gaps"
# moto 5.2 fails on Tags of AWS::KMS::Key (it expects TagKey/TagValue), so the deployed copy has none;
# the tags themselves are asserted on the real templates by swift test. Same for an Output of a function URL (below).
python3 - "$templates" "$work/deploy" <<'PY'
import json, os, sys
source, target = sys.argv[1:3]
os.makedirs(target, exist_ok=True)
for name in sorted(os.listdir(source)):
    template = json.load(open(os.path.join(source, name)))
    for logical_id, resource in template.get("Resources", {}).items():
        if resource["Type"] == "AWS::KMS::Key" and resource.get("Properties", {}).pop("Tags", None) is not None:
            print(f"{name}: {logical_id}: Tags removed for moto", file=sys.stderr)
    # moto 5.2 does not emulate AWS::Lambda::Url (it skips the resource) and answers HTTP 500 to a stack whose Output
    # uses GetAtt on a skipped type; the URL output is asserted on the real templates by swift test.
    urls = {i for i, r in template.get("Resources", {}).items() if r["Type"] == "AWS::Lambda::Url"}
    for output_id, output in list(template.get("Outputs", {}).items()):
        if output.get("Value", {}).get("Fn::GetAtt", [None])[0] in urls:
            del template["Outputs"][output_id]
            print(f"{name}: output {output_id} removed for moto (GetAtt of AWS::Lambda::Url)", file=sys.stderr)
    json.dump(template, open(os.path.join(target, name), "w"), indent=1)
PY
ok
deploy="$work/deploy"

step "build and package the handler"
run scripts/package-lambda.sh >/dev/null
zip="$root/.build/lambda/ModelRegistrar.zip"
bootstrap="$root/.build/lambda/bootstrap"
[ -f "$zip" ] || fail "no $zip"
[ -x "$bootstrap" ] || { mkdir -p "$work/unzip"; python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$zip" "$work/unzip"; chmod 755 "$work/unzip/bootstrap"; bootstrap="$work/unzip/bootstrap"; }
ok "$(stat -c %s "$zip") bytes"

step "start moto_server on a free 127.0.0.1 port"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$endpoint/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$endpoint/moto-api/" >/dev/null || fail "moto_server did not start (see $work/moto.log)"
ok "port $port, pid $moto_pid"
aws() { command aws --endpoint-url "$endpoint" "$@"; }

step "create an IAM user for SigV4-checked requests"
export AWS_ACCESS_KEY_ID=bootstrap AWS_SECRET_ACCESS_KEY=bootstrap
unset AWS_SESSION_TOKEN
run aws iam create-user --user-name e2e >/dev/null
run aws iam put-user-policy --user-name e2e --policy-name all \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' >/dev/null
keys=$(run aws iam create-access-key --user-name e2e --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
export AWS_ACCESS_KEY_ID=$(cut -f1 <<<"$keys") AWS_SECRET_ACCESS_KEY=$(cut -f2 <<<"$keys")
ok "$AWS_ACCESS_KEY_ID"
# Signature checking is on while the real bootstrap talks to SSM (what this test verifies), off for the CLI's own
# checks: moto's verifier rejects some of the CLI's REST calls (Lambda GetFunction) that AWS accepts.
auth() { curl -fs -X POST -H 'Content-Type: text/plain' --data-binary "$1" "$endpoint/moto-api/reset-auth" >/dev/null || fail "could not switch moto auth to $1"; }

wait_stack() { # name wanted-status
  local status
  for _ in $(seq 1 300); do
    status=$(aws cloudformation describe-stacks --stack-name "$1" --query 'Stacks[0].StackStatus' --output text 2>/dev/null || echo MISSING)
    case "$status" in
      "$2") return 0 ;;
      *FAILED|*ROLLBACK_COMPLETE) aws cloudformation describe-stack-events --stack-name "$1" --query 'StackEvents[?contains(ResourceStatus, `FAILED`)].[LogicalResourceId,ResourceStatusReason]' --output text >&2 || true; fail "$1 is $status" ;;
    esac
    sleep 0.2
  done
  fail "$1 did not reach $2 (last: $status)"
}
# `aws cloudformation deploy` loses Outputs/Exports on moto, so stacks that export are created with create-stack.
create_stack() { # name template [parameters...]
  local name=$1 template=$2; shift 2
  run aws cloudformation create-stack --stack-name "$name" --template-body "file://$template" \
    --capabilities CAPABILITY_NAMED_IAM ${1:+--parameters "$@"} >/dev/null
  wait_stack "$name" CREATE_COMPLETE
}
# Unfiltered: moto 500s on --logical-resource-id when the stack holds a type it skipped (BucketPolicy, alarms, scaling).
physical_id() { aws cloudformation describe-stack-resources --stack-name "$1" --query "StackResources[?LogicalResourceId=='$2'].PhysicalResourceId | [0]" --output text; }

step "upload the handler package"
account=$(run aws sts get-caller-identity --query Account --output text)
artifacts="artifacts-$account-$region"
run aws s3 mb "s3://$artifacts" >/dev/null
code_key="lambda/ModelRegistrar-$(sha256sum "$zip" | cut -c1-16).zip"
run aws s3 cp "$zip" "s3://$artifacts/$code_key" >/dev/null
ok "s3://$artifacts/$code_key"

step "deploy LambdaStack"
create_stack LambdaStack "$deploy/LambdaStack.template.json" \
  ParameterKey=CodeBucket,ParameterValue="$artifacts" ParameterKey=CodeKey,ParameterValue="$code_key"
function_name=$(physical_id LambdaStack ModelRegistrar)
function_name=${function_name##*:}
[ "$(aws lambda get-function --function-name "$function_name" --query 'Configuration.Runtime' --output text)" = provided.al2023 ] || fail "function runtime is not provided.al2023"
[ "$(aws lambda get-function --function-name "$function_name" --query 'Configuration.Handler' --output text)" = registrar ] || fail "function handler is not registrar"
exports=$(aws cloudformation list-exports --query 'Exports[].Name' --output text)
grep -q "LambdaStack:ModelRegistrarArn" <<<"$exports" || fail "LambdaStack exported no function ARN ($exports)"
ok "$function_name"

parameter=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print([p["Default"] for s in m["Stacks"] for p in s["Parameters"] if p["Name"]=="ModelDataUrl"][0])' "$templates/manifest.json")
# The endpoint stack reads the model URI from SSM at deploy time: without a registered model there is nothing to serve.
deploy_endpoint_stack() {
  if ! aws ssm get-parameter --name "$parameter" >/dev/null 2>&1; then
    echo "no model is registered yet: $parameter does not exist. Upload a model archive (s3://<model bucket>/models/.../model.tar.gz) first; the registrar records it, then deploy SentimentEndpointStack." >&2
    return 1
  fi
  create_stack SentimentEndpointStack "$deploy/SentimentEndpointStack.template.json" \
    ParameterKey=CodeBucket,ParameterValue="$artifacts" ParameterKey=CodeKey,ParameterValue="$code_key"
}

step "deploy the endpoint stack before any model is registered (must fail clearly)"
if deploy_endpoint_stack 2>"$work/guard"; then fail "the endpoint stack deployed without a registered model"; fi
grep -q "no model is registered yet" "$work/guard" || fail "unclear refusal: $(cat "$work/guard")"
[ "$(aws cloudformation list-stacks --query "StackSummaries[?StackName=='SentimentEndpointStack'] | length(@)")" = 0 ] || fail "a stack was created"
ok "refused: $(cut -c1-60 "$work/guard")…"

step "deploy S3Stack"
create_stack S3Stack "$deploy/S3Stack.template.json"
bucket=$(physical_id S3Stack ModelBucket)
run aws s3api head-bucket --bucket "$bucket" >/dev/null
[ "$(aws s3api get-bucket-encryption --bucket "$bucket" --query 'ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm' --output text)" = AES256 ] || fail "bucket is not AES256-encrypted"
permission=$(aws lambda get-policy --function-name "$function_name" --query Policy --output text)
grep -q '"s3.amazonaws.com"' <<<"$permission" && grep -q "arn:aws:s3:::$bucket" <<<"$permission" || fail "no S3 invoke permission with SourceArn for $bucket: $permission"
ok "$bucket"

register_model() { # key
  local key=$1
  local event="$work/event-$(basename "$(dirname "$key")" | tr -c 'A-Za-z0-9\n' '_').json"
  head -c 2048 /dev/urandom >"$work/model.tar.gz"
  run aws s3 cp "$work/model.tar.gz" "s3://$bucket/$key" >/dev/null
  # S3 would invoke the function (moto cannot run Lambda without Docker): deliver the same event to the real bootstrap.
  python3 - "$bucket" "$key" "$event" <<'PY'
import json, sys, urllib.parse, datetime
bucket, key, out = sys.argv[1:4]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
event = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-west-2", "eventTime": now,
          "eventName": "ObjectCreated:Put", "s3": {"s3SchemaVersion": "1.0", "configurationId": "ModelUploaded",
          "bucket": {"name": bucket, "arn": "arn:aws:s3:::" + bucket},
          "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": 2048}}}]}
json.dump(event, open(out, "w"))
PY
  auth 0
  if AWS_SECRET_ACCESS_KEY=wrong command aws --endpoint-url "$endpoint" ssm describe-parameters >/dev/null 2>&1; then
    fail "moto accepted a wrongly signed request"
  fi
  python3 scripts/local-runtime-api.py --bootstrap "$bootstrap" --event "$event" --timeout 30 \
    --env "_HANDLER=registrar" --env "SSM_PARAMETER_NAME=$parameter" --env "MODEL_SUFFIX=.tar.gz" --env "METRICS_NAMESPACE=MLOps/ModelRegistry" \
    --env "AWS_REGION=$region" --env "AWS_ENDPOINT_URL=$endpoint" \
    --env "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" --env "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY" \
    >"$work/out" 2>"$work/err" || { auth inf; fail "bootstrap failed: $(cat "$work/out")"; }
  auth inf
  value=$(aws ssm get-parameter --name "$parameter" --query Parameter.Value --output text)
  [ "$value" = "s3://$bucket/$key" ] || fail "$parameter is '$value', expected s3://$bucket/$key"
}

step "upload model v1 and register it through the real bootstrap"
key1="models/2026-11-22/sentiment v1/model.tar.gz"
register_model "$key1"; ok "$parameter = s3://$bucket/$key1"

step "deploy SentimentEndpointStack"
deploy_endpoint_stack
model1=$(physical_id SentimentEndpointStack SentimentModel); model1=${model1##*/}
url=$(aws sagemaker describe-model --model-name "$model1" --query PrimaryContainer.ModelDataUrl --output text)
[ "$url" = "s3://$bucket/$key1" ] || fail "model $model1 serves $url"
endpoint_name=$(physical_id SentimentEndpointStack SentimentEndpoint)
endpoint_name=${endpoint_name##*/}
[ "$(aws sagemaker describe-endpoint --endpoint-name "$endpoint_name" --query EndpointStatus --output text)" = InService ] || fail "endpoint is not InService"
ok "model $model1, endpoint $endpoint_name InService"

step "the prediction API: function URL events through the real bootstrap (SigV4 checked by moto)"
api_function=$(physical_id SentimentEndpointStack PredictionApiFunction); api_function=${api_function##*:}
[ "$(aws lambda get-function --function-name "$api_function" --query 'Configuration.Handler' --output text)" = predict ] || fail "prediction API handler is not predict"
api_endpoint=$(aws lambda get-function --function-name "$api_function" --query 'Configuration.Environment.Variables.ENDPOINT_NAME' --output text)
[ "$api_endpoint" = "$endpoint_name" ] || fail "the API's ENDPOINT_NAME is '$api_endpoint', expected $endpoint_name"
# moto's InvokeEndpoint answers what is queued through its API (per region), in order; it never runs a model.
curl -fs -X POST -H 'Content-Type: application/json' "$endpoint/moto-api/static/sagemaker/endpoint-results" --data-binary \
  '{"region": "'"$region"'", "results": [{"Body": "[{\"label\": \"POSITIVE\", \"score\": 0.9987}, {\"label\": \"NEGATIVE\", \"score\": 0.9421}]", "ContentType": "application/json", "InvokedProductionVariant": "AllTraffic"}]}' \
  >/dev/null || fail "could not queue an endpoint result in moto"
url_event() { # file method path [body]
  python3 - "$@" <<'PY'
import json, sys
out, method, path = sys.argv[1:4]
body = sys.argv[4] if len(sys.argv) > 4 else None
event = {"version": "2.0", "rawPath": path, "rawQueryString": "", "headers": {"content-type": "application/json"}, "isBase64Encoded": False,
         "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"}, "requestId": "e2e"}}
if body is not None: event["body"] = body
json.dump(event, open(out, "w"))
PY
}
url_event "$work/predict.json" POST /predict '{"inputs": ["I love this model", "I do not"]}'
url_event "$work/bad.json" POST /predict '{"inputs": []}'
url_event "$work/health.json" GET /health
auth 0
python3 scripts/local-runtime-api.py --bootstrap "$bootstrap" --event "$work/predict.json" --event "$work/bad.json" --event "$work/health.json" --timeout 30 \
  --env "_HANDLER=predict" --env "ENDPOINT_NAME=$api_endpoint" --env "API_MAX_ITEMS=16" --env "API_MAX_CHARS=5000" \
  --env "AWS_REGION=$region" --env "AWS_ENDPOINT_URL=$endpoint" \
  --env "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID" --env "AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY" \
  >"$work/api.out" 2>"$work/err" || { auth inf; fail "bootstrap failed: $(cat "$work/api.out")"; }
auth inf
python3 - "$work/api.out" "$api_endpoint" <<'PY' 2>"$work/err" || fail "unexpected API answers: $(cat "$work/api.out")"
import json, sys
results = [json.loads(line) for line in open(sys.argv[1])]
answers = [json.loads(r["body"]) for r in results]
bodies = [json.loads(a["body"]) for a in answers]
assert [a["statusCode"] for a in answers] == [200, 400, 200], [a["statusCode"] for a in answers]
assert bodies[0] == {"predictions": [{"label": "POSITIVE", "score": 0.9987}, {"label": "NEGATIVE", "score": 0.9421}], "variant": "AllTraffic"}, bodies[0]
assert bodies[1]["error"]["code"] == "EmptyInputs" and bodies[1]["error"]["field"] == "inputs", bodies[1]
assert bodies[2] == {"endpoint": sys.argv[2], "status": "InService"}, bodies[2]
PY
ok "200 with 2 predictions, 400 EmptyInputs, health InService"

step "upload model v2, register it, update the endpoint stack"
key2="models/2026-11-23/sentiment+v2/model.tar.gz"
register_model "$key2"
# AWS re-reads the SSM-typed parameter on every update by itself; moto only notices a parameter it was given
# explicitly (it diffs the given parameters, not their resolved values), so name it.
run aws cloudformation update-stack --stack-name SentimentEndpointStack --template-body "file://$deploy/SentimentEndpointStack.template.json" \
  --capabilities CAPABILITY_NAMED_IAM --parameters "ParameterKey=ModelDataUrl,ParameterValue=$parameter" \
  "ParameterKey=CodeBucket,ParameterValue=$artifacts" "ParameterKey=CodeKey,ParameterValue=$code_key" >/dev/null
wait_stack SentimentEndpointStack UPDATE_COMPLETE
model2=$(physical_id SentimentEndpointStack SentimentModel); model2=${model2##*/}
[ "$model2" != "$model1" ] || fail "the model was not replaced"
url=$(aws sagemaker describe-model --model-name "$model2" --query PrimaryContainer.ModelDataUrl --output text)
[ "$url" = "s3://$bucket/$key2" ] || fail "new model serves $url"
if aws sagemaker describe-model --model-name "$model1" >/dev/null 2>&1; then fail "old model $model1 still exists"; fi
ok "model $model2 serves v2; $model1 deleted"

step "delete the stacks in reverse order"
for stack in SentimentEndpointStack S3Stack LambdaStack; do
  [ "$stack" = S3Stack ] && run aws s3 rm "s3://$bucket" --recursive >/dev/null
  run aws cloudformation delete-stack --stack-name "$stack" >/dev/null
  for _ in $(seq 1 100); do
    status=$(aws cloudformation list-stacks --query "StackSummaries[?StackName=='$stack'] | [0].StackStatus" --output text)
    [ "$status" = DELETE_COMPLETE ] && break; sleep 0.2
  done
  [ "$status" = DELETE_COMPLETE ] || fail "$stack is $status"
done
ok
echo "e2e: all steps passed"
