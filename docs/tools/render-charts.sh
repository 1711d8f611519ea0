#!/usr/bin/env bash
# Writes one health trend chart of each kind (latency with p50/p90, loss, SERVFAIL) to docs/img,
# rendered exactly as the bot renders them (Vega → SVG → resvg → PNG). A docs tool, not a test step.
set -euo pipefail
cd "$(dirname "$0")/../.."
DNSWHY_CHART_DIR=docs/img npx vitest run test/slack/health-chart.test.ts
ls -l docs/img/health-trend-*.png
