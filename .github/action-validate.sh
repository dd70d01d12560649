#!/usr/bin/env bash
# The Validate step of action.yml. Inputs come as environment variables (never pasted into the
# script, so a path cannot inject a command): PATHS, COLLECTION, SOURCE, GITHUB_STEP_SUMMARY.
set -euo pipefail
args=(validate --format github)
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  args+=(--summary "$GITHUB_STEP_SUMMARY")
fi
if [ -n "${COLLECTION:-}" ]; then
  args+=(--collection "$COLLECTION")
fi
read -r -a sources <<<"${SOURCE:-}"
for source in "${sources[@]}"; do
  args+=(--source "$source")
done
shopt -s nullglob
read -r -a patterns <<<"${PATHS:?the paths input names no file}"
files=()
for pattern in "${patterns[@]}"; do
  matched=($pattern)
  if [ ${#matched[@]} -eq 0 ]; then
    files+=("$pattern") # no match: let validate say the file is not found
  else
    files+=("${matched[@]}")
  fi
done
exec iran-russia-claims "${args[@]}" "${files[@]}"
