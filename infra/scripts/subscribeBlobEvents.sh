#!/usr/bin/env bash
# Last deployment step: deliver the storage account's BlobCreated events of the watched container to the
# Event Grid trigger `scheduleBlobTrigger` (functions/scheduleBlobTrigger.ts), through the account's
# Event Grid system topic (created by infra/main.bicep).
#
# The subscription's endpoint is the function itself (endpoint type `azurefunction`, the function's
# resource id), so no host key is involved; it delivers the Event Grid schema, which app.eventGrid reads.
# Event Grid refuses a function that does not exist yet, so this runs after the code is published and
# indexed. (Bicep could declare the same subscription, a systemTopics/eventSubscriptions resource with an
# AzureFunction destination, but only in a deployment made after that; a script keeps the order plain.)
# Running it again is harmless: the subscription is replaced in place, including the `blobs_extension`
# webhook that earlier versions created under the same name.
#
# Usage: infra/scripts/subscribeBlobEvents.sh <resource-group> [container]
#   container  the container whose new blobs start change-based schedules; default: the app's
#              SIBYL_SCHEDULER_CONTAINER setting, else workspaceblobstore
# Environment: SIBYL_DEPLOYMENT_NAME (default "sibyl"): the `az deployment group create --name` whose
#              outputs name the app and topic; SIBYL_FUNCTION_WAIT_SECONDS (default 600) and
#              SIBYL_FUNCTION_POLL_SECONDS (default 10): how long and how often to wait for the host to
#              index the function.
# Needs: az CLI signed in with rights on the Function App and the Event Grid system topic (Contributor or
#        Owner on the resource group, as the deployment itself needs).
set -euo pipefail

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}
if [[ $# -lt 1 || $# -gt 2 || "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  exit 2
fi

rg="$1"
container="${2:-}"
function_name="scheduleBlobTrigger"
# The name earlier versions gave this function's subscription, so a re-run replaces theirs.
subscription="blob-scheduleblobtrigger"
deployment="${SIBYL_DEPLOYMENT_NAME:-sibyl}"
wait_seconds="${SIBYL_FUNCTION_WAIT_SECONDS:-600}"
poll_seconds="${SIBYL_FUNCTION_POLL_SECONDS:-10}"

output() {
  az deployment group show -g "$rg" -n "$deployment" --query "properties.outputs.$1.value" -o tsv
}

app="$(output functionAppName)"
topic="$(output eventGridSystemTopicName)"
if [[ -z "$app" || -z "$topic" ]]; then
  echo "error: deployment '$deployment' in '$rg' has no functionAppName/eventGridSystemTopicName outputs;" \
    "deploy infra/main.bicep first (or set SIBYL_DEPLOYMENT_NAME)." >&2
  exit 1
fi

if [[ -z "$container" ]]; then
  container="$(az functionapp config appsettings list -g "$rg" -n "$app" \
    --query "[?name=='SIBYL_SCHEDULER_CONTAINER'].value | [0]" -o tsv)"
  container="${container:-workspaceblobstore}"
fi
# The rule shared/config.ts applies to SIBYL_SCHEDULER_CONTAINER: 3-63 characters, single hyphens.
if ! [[ "$container" =~ ^[a-z0-9](-?[a-z0-9])+$ && ${#container} -ge 3 && ${#container} -le 63 ]]; then
  echo "error: '$container' is not a Blob container name (3-63 lower-case letters, digits and single hyphens)." >&2
  exit 1
fi

# The function's resource id, once the host has indexed the published code.
errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT
deadline=$((SECONDS + wait_seconds))
while :; do
  function_id="$(az functionapp function show -g "$rg" -n "$app" --function-name "$function_name" \
    --query id -o tsv 2>"$errors" || true)"
  [[ -n "$function_id" ]] && break
  if ((SECONDS >= deadline)); then
    echo "error: '$app' has no function '$function_name' after ${wait_seconds}s." \
      "Publish sibyl.zip first (README 'Deploy to Azure'). Last answer: $(tail -n 1 "$errors")" >&2
    exit 1
  fi
  echo "waiting for '$app' to index $function_name..."
  sleep "$poll_seconds"
done
# Code published before the move to Event Grid had a blob trigger of this name, which an Event Grid
# subscription cannot feed.
bindings="$(az functionapp function show -g "$rg" -n "$app" --function-name "$function_name" \
  --query "join(',', config.bindings[].type || \`[]\`)" -o tsv)"
if [[ ",$(printf '%s' "$bindings" | tr '[:upper:]' '[:lower:]')," != *",eventgridtrigger,"* ]]; then
  echo "error: '$function_name' on '$app' is not an Event Grid trigger (bindings: ${bindings:-none}); publish the current sibyl.zip." >&2
  exit 1
fi

echo "subscribing $function_name to BlobCreated in container '$container' ($topic/$subscription)"
az eventgrid system-topic event-subscription create \
  -g "$rg" --system-topic-name "$topic" -n "$subscription" \
  --endpoint-type azurefunction \
  --endpoint "$function_id" \
  --event-delivery-schema eventgridschema \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$container/" \
  --output none
echo "done: Event Grid now delivers new blobs of '$container' to $function_name on $app."
