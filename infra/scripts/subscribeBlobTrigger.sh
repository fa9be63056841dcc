#!/usr/bin/env bash
# Second deployment step: subscribe each Event Grid blob trigger of the deployed Function App to the
# storage account's system topic (created by infra/main.bicep).
#
# Why a script: Flex Consumption runs blob triggers only with the Event Grid source, and the
# webhook Event Grid calls needs the host's `blobs_extension` system key, which exists only after
# the code is published and the host has started. Run it after every publish that adds or renames
# a blob trigger; running it again is harmless (the subscription is updated in place).
#
# Usage: infra/scripts/subscribeBlobTrigger.sh <resource-group> [function-name [container]]
#   function-name  the blob trigger to subscribe; default: every blobTrigger function the app reports
#   container      the container whose BlobCreated events are delivered; default: from the
#                  trigger's path ("<container>/{name}")
# Environment: SIBYL_DEPLOYMENT_NAME (default "sibyl"): the `az deployment group create --name`
#              whose outputs name the app and topic; SIBYL_KEY_WAIT_SECONDS (default 300) and
#              SIBYL_KEY_POLL_SECONDS (default 10): how long and how often to wait for the key.
# Needs: az CLI signed in with rights to read the app's keys and write Event Grid subscriptions.
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

rg="$1"
only_function="${2:-}"
only_container="${3:-}"
deployment="${SIBYL_DEPLOYMENT_NAME:-sibyl}"
wait_seconds="${SIBYL_KEY_WAIT_SECONDS:-300}"
poll_seconds="${SIBYL_KEY_POLL_SECONDS:-10}"

output() {
  az deployment group show -g "$rg" -n "$deployment" --query "properties.outputs.$1.value" -o tsv
}

app="$(output functionAppName)"
topic="$(output eventGridSystemTopicName)"
if [[ -z "$app" || -z "$topic" ]]; then
  echo "error: deployment '$deployment' in '$rg' has no functionAppName/eventGridSystemTopicName outputs; deploy infra/main.bicep first (or set SIBYL_DEPLOYMENT_NAME)." >&2
  exit 1
fi
host="$(az functionapp show -g "$rg" -n "$app" --query defaultHostName -o tsv)"

# The blob triggers the running host reports, as "name<TAB>path" lines.
triggers="$(az functionapp function list -g "$rg" -n "$app" \
  --query "[].{name: name, path: config.bindings[?type=='blobTrigger'] | [0].path} | [?path != null].[name, path]" -o tsv)"
if [[ -n "$only_function" ]]; then
  triggers="$(printf '%s\n' "$triggers" | awk -F'\t' -v fn="$only_function" '{ n = $1; sub(/.*\//, "", n) } n == fn')"
  if [[ -z "$triggers" ]]; then
    if [[ -z "$only_container" ]]; then
      echo "error: the app reports no blob trigger named '$only_function'; pass its container as the third argument if the listing lacks it." >&2
      exit 1
    fi
    triggers="$only_function"$'\t'"$only_container/{name}"
  fi
fi
if [[ -z "$triggers" ]]; then
  echo "error: '$app' reports no blob-trigger functions. Publish the code first (README 'Deploy to Azure'), or name the function and container." >&2
  exit 1
fi

# The key appears once the host has started with the code; poll with a deadline.
deadline=$((SECONDS + wait_seconds))
key=""
while :; do
  key="$(az functionapp keys list -g "$rg" -n "$app" --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)"
  [[ -n "$key" ]] && break
  if ((SECONDS >= deadline)); then
    echo "error: no 'blobs_extension' system key on '$app' after ${wait_seconds}s. Is the code with an Event Grid blob trigger published and the app running?" >&2
    exit 1
  fi
  echo "waiting for the host's blobs_extension key..."
  # Wake the host so it starts and creates the key.
  curl -fsS -o /dev/null "https://$host/api/v2/health/live" || true
  sleep "$poll_seconds"
done

while IFS=$'\t' read -r full_name path; do
  [[ -z "$full_name" ]] && continue
  fn="${full_name##*/}"
  container="${only_container:-${path%%/*}}"
  subscription="$(printf '%s' "blob-$fn" | tr '[:upper:]_' '[:lower:]-' | cut -c1-64)"
  echo "subscribing $fn to BlobCreated in container '$container' ($topic/$subscription)"
  az eventgrid system-topic event-subscription create \
    -g "$rg" --system-topic-name "$topic" -n "$subscription" \
    --endpoint-type webhook \
    --endpoint "https://$host/runtime/webhooks/blobs?functionName=Host.Functions.$fn&code=$key" \
    --included-event-types Microsoft.Storage.BlobCreated \
    --subject-begins-with "/blobServices/default/containers/$container/" \
    --output none
done <<<"$triggers"
echo "done: Event Grid now delivers new blobs to the blob triggers of $app."
