// V8 flags for the Node process that runs the app (`cybermilesd start`, the devnet).
//
// The app allocates fast and keeps a block's worth of objects alive (its cache layers, decoded
// txs, the block's events) across many young-generation collections, so with V8's default 16 MiB
// semi-space much of that is copied more than once and promoted early. A 64 MiB semi-space cut
// scavenges by about two thirds in the pipeline bench, its CPU per transaction by about 12 %, and
// raised end-to-end throughput at 2,000 tx/s offered by 10-15 % (bench/PROFILE.md), for 40-80 MiB
// more resident memory. V8 reads heap limits only when the process starts, so they cannot be set
// from inside: every launcher passes them (npm start, the Dockerfile, `cybermilesd testnet`, the
// bench; app-node-flags.test.ts and test/docker-compose.test.ts keep them in step), and an
// operator running `node bin/cybermilesd.js start` by hand adds them (README, "Operating a node").
export const APP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
