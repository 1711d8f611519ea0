#!/usr/bin/env bash
# Renders docs/img/report-thread.png: the split-horizon seed's Slack thread (real lab diagnosis, real
# Block Kit renderers) drawn as HTML and screenshotted with headless Chromium (Debian's package,
# installed here when missing, with Noto Color Emoji). A docs tool, not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Chromium, and a colour emoji font so the verdict icons show as Slack shows them.
if ! command -v chromium >/dev/null || ! fc-list | grep -qi 'Noto Color Emoji'; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji
fi
html=docs/img/report-thread.html
npx tsx docs/tools/thread-html.ts scenarios/000-hybrid-cloud-split-horizon.yaml "$html"
profile=$(mktemp -d)
trap 'rm -rf "$profile" "$html"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1.5 \
  --window-size=900,830 --screenshot=docs/img/report-thread.png "file://$PWD/$html" 2>/dev/null
ls -l docs/img/report-thread.png
