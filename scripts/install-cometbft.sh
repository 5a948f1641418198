#!/usr/bin/env bash
# Installs the pinned CometBFT into tools/bin of this project, once, with PebbleDB built in
# (`-tags pebbledb`; new homes use it as CometBFT's database backend: src/node/db-backend.ts).
# Skipped when tools/bin/cometbft already reports the pinned version and has the tag (or when
# Go, needed to check and to rebuild, is missing).
set -euo pipefail
VERSION="0.38.25"
TAGS="pebbledb"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$ROOT/tools/bin"
TARGET="$BIN_DIR/cometbft"

has_tags() {
  # `go version -m` prints the build settings, among them "build	-tags=pebbledb".
  command -v go >/dev/null 2>&1 && go version -m "$TARGET" 2>/dev/null | grep -Eq "^[[:space:]]*build[[:space:]]+-tags=(.*,)?$TAGS(,.*)?$"
}

if [ -x "$TARGET" ] && [ "$("$TARGET" version 2>/dev/null)" = "$VERSION" ]; then
  # Without Go the tags cannot be checked (nor the binary rebuilt): keep it. `cybermilesd init`
  # reads the binary's build info itself and falls back to goleveldb if PebbleDB is not in it.
  if has_tags || ! command -v go >/dev/null 2>&1; then
    exit 0
  fi
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is required to install CometBFT v$VERSION (https://go.dev/doc/install); 'go' is not on PATH" >&2
  exit 1
fi
mkdir -p "$BIN_DIR"
echo "installing CometBFT v$VERSION (-tags $TAGS) into $BIN_DIR (go install, takes a minute or two the first time)" >&2
if ! GOBIN="$BIN_DIR" go install -tags "$TAGS" "github.com/cometbft/cometbft/cmd/cometbft@v$VERSION"; then
  echo "go install failed; retrying with GOSUMDB=off, trusting the module proxy (checksum database unreachable?)" >&2
  GOBIN="$BIN_DIR" GOSUMDB=off go install -tags "$TAGS" "github.com/cometbft/cometbft/cmd/cometbft@v$VERSION"
fi
got="$("$TARGET" version)"
if [ "$got" != "$VERSION" ]; then
  echo "error: installed cometbft reports version '$got', expected $VERSION" >&2
  exit 1
fi
if ! has_tags; then
  echo "error: installed cometbft was not built with -tags $TAGS" >&2
  exit 1
fi
echo "CometBFT $got (-tags $TAGS) installed at $TARGET" >&2
