#!/usr/bin/env bash
# A CMS upload hook: call it with the staging folder of the upload and the live folder of the
# page it updates. It publishes only when spillguard passes; otherwise it keeps the upload out
# and leaves the report (masked evidence) for the uploader and the privacy office.
#
#   SPILLGUARD_URL=https://spillguard.internal SPILLGUARD_TOKEN=sg_... \
#     cms-upload-hook.sh /srv/cms/staging/detention-stats /srv/www/detention-stats
#
# With SPILLGUARD_URL set it calls the web app's API (POST /api/v1/check: the release's files and
# the live page's files as the previous release); without it, the local `spillguard check`.
set -uo pipefail
staging=${1:?staging folder}
live=${2:?live folder}
report=${SPILLGUARD_REPORT:-$staging.spillguard-report.json}   # beside the upload, not in it

if [[ -n "${SPILLGUARD_URL:-}" ]]; then
  form=()
  while IFS= read -r -d '' f; do form+=(-F "release=@$f"); done < <(find "$staging" -type f -print0)
  if [[ -d "$live" ]]; then
    while IFS= read -r -d '' f; do form+=(-F "previous=@$f"); done < <(find "$live" -type f -print0)
  fi
  http=$(curl -sS -o "$report" -w '%{http_code}' -H "Authorization: Bearer ${SPILLGUARD_TOKEN:?token}" \
         "${form[@]}" "${SPILLGUARD_URL%/}/api/v1/check")
  if [[ "$http" != 200 ]]; then
    status=2                                   # no answer is not a pass
  elif grep -q '"decision": *"pass"' "$report"; then
    status=0
  else
    status=1
  fi
else
  spillguard check "$staging" --previous "$live" --format json --output "$report"
  status=$?
fi
case $status in
  0) mkdir -p "$live" && cp -R "$staging"/. "$live"/   # publish
     echo "published: spillguard passed" ;;
  1) echo "NOT published: spillguard blocked the upload; see $report" >&2
     exit 1 ;;
  *) echo "NOT published: spillguard could not run or answer (configuration? token?); see above" >&2
     exit 2 ;;
esac
