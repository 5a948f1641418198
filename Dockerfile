# One CyberMiles validator: the app (Node 20) and its CometBFT child in one container.
# docker-compose.yml runs four of these; see README.md, "Operating a node".

# CometBFT, pinned and with PebbleDB built in as scripts/install-cometbft.sh does (a static
# binary: no cgo). Homes made by `cybermilesd testnet --docker` use pebbledb when the host's
# CometBFT has it, so this binary must have it too.
FROM golang:1.23-bookworm AS cometbft
ARG COMETBFT_VERSION=0.38.25
RUN CGO_ENABLED=0 go install -tags pebbledb "github.com/cometbft/cometbft/cmd/cometbft@v${COMETBFT_VERSION}" \
 && test "$(/go/bin/cometbft version)" = "${COMETBFT_VERSION}" \
 && go version -m /go/bin/cometbft | grep -q -- '-tags=pebbledb'

# The app: npm dependencies, then the TypeScript compiled into dist/, then dev dependencies dropped.
FROM node:20-bookworm AS app
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`, for the reason scripts/setup.mjs gives (npm 11 lock files).
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    CYBERMILES_COMETBFT=/usr/local/bin/cometbft
COPY --from=cometbft /go/bin/cometbft /usr/local/bin/cometbft
COPY --from=app /app/package.json ./package.json
COPY --from=app /app/node_modules ./node_modules
COPY --from=app /app/dist ./dist
COPY bin ./bin
# The node home (config, keys, chain data) is a volume: generate it with
# `cybermilesd testnet --docker` (or `cybermilesd init`) and mount it here.
VOLUME ["/cybermiles"]
EXPOSE 26656 26657
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:26657/status').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# V8 flags of the app process: see src/node/app-node-flags.ts.
ENTRYPOINT ["node", "--max-semi-space-size=64", "--heap-growing-percent=50", "/app/bin/cybermilesd.js"]
CMD ["start", "--home", "/cybermiles"]
