#!/usr/bin/env bash
# A CMS upload hook: call it with the staging folder of the upload and the live folder of the
# page it updates. It publishes only when spillguard passes; otherwise it keeps the upload out
# and leaves the report (masked evidence) for the uploader and the privacy office.
#
#   cms-upload-hook.sh /srv/cms/staging/detention-stats /srv/www/detention-stats
#
set -uo pipefail
staging=${1:?staging folder}
live=${2:?live folder}
report=${SPILLGUARD_REPORT:-$staging.spillguard-report.json}   # beside the upload, not in it

spillguard check "$staging" --previous "$live" --format json --output "$report"
case $? in
  0) mkdir -p "$live" && cp -R "$staging"/. "$live"/   # publish
     echo "published: spillguard passed" ;;
  1) echo "NOT published: spillguard blocked the upload; see $report" >&2
     exit 1 ;;
  *) echo "NOT published: spillguard could not run (configuration?); see above" >&2
     exit 2 ;;
esac
