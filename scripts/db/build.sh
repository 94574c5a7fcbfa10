#!/usr/bin/env bash
# Builds a local MongoDB-compatible server for trichain once, into $TRICHAIN_DB_CACHE/<name>-<version>/
# (default ~/.cache/trichain/db: outside the checkout, so fresh clones on one machine share the build).
#
#   scripts/db/build.sh ferretdb            # Go launcher embedding FerretDB v1.24.2 (SQLite handler)
#   scripts/db/build.sh mongo-java-server   # runnable jar of de.bwaldvogel mongo-java-server 1.47.0 (launcher -r4)
#   scripts/db/build.sh <name> --force      # rebuild even when cached
#
# A second run finds the artifact plus a stamp holding the hash of its sources and prints
# "cached". The last stdout line is always the artifact's absolute path.
# Needs: ferretdb -> go >= 1.24 and the Go module proxy; mongo-java-server -> mvn, JDK 17+.
# Go's and Maven's own download caches stay in their usual home locations.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="${1:-}"
force="${2:-}"

case "$name" in
  ferretdb)
    version=1.24.2
    src="$here/ferretdb-launcher"
    inputs=("$src/go.mod" "$src/go.sum" "$src/main.go")
    artifact_name=ferretdb-launcher
    ;;
  mongo-java-server)
    # The launcher's own revision: -r2 streaming H2 collections (issue 15.8); -r3 non-unique secondary
    # indexes (trichain.db.SecondaryIndex); -r4 long $in lists as hash sets (de.bwaldvogel.mongo.backend.InSet)
    # and cheaper index upkeep on inserts. A new directory per revision, so worktrees still on older
    # sources don't rebuild over each other's jar.
    version=1.47.0-r4
    src="$here/mongo-java-server"
    mapfile -t inputs < <(find "$src/pom.xml" "$src/src" -type f | LC_ALL=C sort)
    artifact_name=mongo-java-server-launcher.jar
    ;;
  *)
    echo "usage: $0 <ferretdb|mongo-java-server> [--force]" >&2
    exit 2
    ;;
esac

out="${TRICHAIN_DB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trichain/db}/$name-$version"
artifact="$out/$artifact_name"
stamp="$out/.sources.sha256"
mkdir -p "$out"

# Parallel callers (e.g. several test runners) must not build into the same directory at once.
exec 9>"$out/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

want="$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1)"
if [[ "$force" != "--force" && -f "$artifact" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "cached: $name $version" >&2
  echo "$artifact"
  exit 0
fi

start=$(date +%s)
echo "building $name $version into $out ..." >&2
rm -f "$stamp"

case "$name" in
  ferretdb)
    command -v go >/dev/null || { echo "go not found: install Go >= 1.24 (FerretDB v1.24.2 needs it)" >&2; exit 1; }
    # GOTOOLCHAIN=local: never try to download another toolchain (only the module proxy is reachable).
    # CGO off: FerretDB's SQLite is modernc.org/sqlite, pure Go, so the binary is static.
    (cd "$src" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly \
      go build -trimpath -ldflags='-s -w' -o "$artifact.tmp" .)
    ;;
  mongo-java-server)
    command -v mvn >/dev/null || { echo "mvn not found: apt-get install -y maven openjdk-17-jdk-headless" >&2; exit 1; }
    build_dir="$out/build"
    rm -rf "$build_dir"
    mvn -q -B -Dstyle.color=never -f "$src/pom.xml" -DbuildDir="$build_dir" package >&2
    cp "$build_dir/mongo-java-server-launcher.jar" "$artifact.tmp"
    rm -rf "$build_dir"
    ;;
esac

mv "$artifact.tmp" "$artifact"
echo "$want" >"$stamp"
echo "built $name $version in $(( $(date +%s) - start ))s" >&2
echo "$artifact"
