#!/usr/bin/env bash
# Installs the pinned CometBFT into tools/bin of this project, once.
# Skipped when tools/bin/cometbft already reports the pinned version.
set -euo pipefail
VERSION="0.38.25"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$ROOT/tools/bin"
TARGET="$BIN_DIR/cometbft"

if [ -x "$TARGET" ] && [ "$("$TARGET" version 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is required to install CometBFT v$VERSION (https://go.dev/doc/install); 'go' is not on PATH" >&2
  exit 1
fi
mkdir -p "$BIN_DIR"
echo "installing CometBFT v$VERSION into $BIN_DIR (go install, takes a minute or two the first time)" >&2
# CometBFT's own build flags are not needed for a plain node binary.
if ! GOBIN="$BIN_DIR" go install "github.com/cometbft/cometbft/cmd/cometbft@v$VERSION"; then
  echo "go install failed; retrying with GOSUMDB=off, trusting the module proxy (checksum database unreachable?)" >&2
  GOBIN="$BIN_DIR" GOSUMDB=off go install "github.com/cometbft/cometbft/cmd/cometbft@v$VERSION"
fi
got="$("$TARGET" version)"
if [ "$got" != "$VERSION" ]; then
  echo "error: installed cometbft reports version '$got', expected $VERSION" >&2
  exit 1
fi
echo "CometBFT $got installed at $TARGET" >&2
