#!/bin/sh
# Builds the krew plugin archive and its manifest from a packed dnswhy (the tarball `npm pack`
# makes): the package installed as the image installs it (deploy/image/install-package.sh), as a
# .tar.gz whose bin/kubectl-dnswhy is npm's link to the CLI, and deploy/krew/dnswhy.yaml filled in
# with the archive's URL and sha256. The archive holds the dependencies for the platform it was
# built on (the chart renderer's native module is per platform): build it on each platform listed.
# Needs node >= 20.19 on the user's PATH (the manifest's caveats say so).
# Usage: make-plugin.sh TARBALL OUTDIR URL_BASE   (writes OUTDIR/dnswhy-linux-amd64.tar.gz and OUTDIR/dnswhy.yaml)
set -eu
tarball=${1:?usage: make-plugin.sh TARBALL OUTDIR URL_BASE}
out=${2:?usage: make-plugin.sh TARBALL OUTDIR URL_BASE}
url_base=${3:?usage: make-plugin.sh TARBALL OUTDIR URL_BASE}
here=$(cd "$(dirname "$0")" && pwd)
version=$(tar -xzOf "$tarball" package/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).version))')
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
sh "$here/../image/install-package.sh" "$tarball" "$stage/dnswhy" >/dev/null
test -L "$stage/dnswhy/bin/kubectl-dnswhy" || { echo "make-plugin.sh: bin/kubectl-dnswhy missing from the install" >&2; exit 1; }
mkdir -p "$out"
archive="$out/dnswhy-linux-amd64.tar.gz"
tar -czf "$archive" -C "$stage/dnswhy" .
sha=$(sha256sum "$archive" | cut -d' ' -f1)
sed -e "s|@VERSION@|v$version|g" -e "s|@URI@|$url_base/dnswhy-linux-amd64.tar.gz|g" -e "s|@SHA256@|$sha|g" "$here/dnswhy.yaml.in" > "$out/dnswhy.yaml"
echo "$out/dnswhy.yaml"
