#!/bin/sh
# Installs a packed dnswhy (the tarball `npm pack` makes) under PREFIX the way the image does, so the
# image build and the test that proves the image's contract run the same steps:
#   - production dependencies only, at the versions of the project's lock file (the tarball carries
#     it as npm-shrinkwrap.json); no install scripts run;
#   - `dnswhy` and `kubectl-dnswhy` end up in PREFIX/bin, which the image puts on PATH.
# Usage: install-package.sh TARBALL PREFIX
set -eu
tarball=${1:?usage: install-package.sh TARBALL PREFIX}
prefix=${2:?usage: install-package.sh TARBALL PREFIX}
npm install --global --prefix "$prefix" --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier \
  --prefer-offline "$tarball"
test -x "$prefix/bin/dnswhy" || { echo "install-package.sh: $prefix/bin/dnswhy was not created" >&2; exit 1; }
