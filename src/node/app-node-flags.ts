// V8 flags for the Node process that runs the app (`cybermilesd start`, the devnet).
//
// --max-semi-space-size=64: the app allocates fast and keeps a block's worth of objects alive (its
// cache layers, decoded txs, the block's events) across many young-generation collections, so with
// V8's default 16 MiB semi-space much of that is copied more than once and promoted early. A
// 64 MiB semi-space cut scavenges by about two thirds in the pipeline bench, its CPU per
// transaction by about 12 %, and raised end-to-end throughput at 2,000 tx/s offered by 10-15 %
// (bench/PROFILE.md), for 40-80 MiB more resident memory.
//
// --heap-growing-percent=50: after each full collection V8 lets the old generation grow to 1.5
// times what survived it. Left to itself, V8 picks up to 4 times for a process that allocates
// this fast: the node's live heap is about 120 MB, yet its committed heap climbed to 550 MiB over
// the first five minutes of a steady load, and its RSS by 20-30 %. At 1.5, ten minutes of the same
// load end at 482 MiB of RSS instead of 837, growing 2.3 MiB a minute after the second; the price
// is more frequent full collections, mostly on V8's helper threads: about a tenth more app CPU
// at 1,500-2,000 tx/s offered, with no change in the committed rate beyond the bench's spread
// (bench/PROFILE.md, seventh round).
//
// V8 reads these only when the process starts, and Node refuses --heap-growing-percent in
// NODE_OPTIONS, so they go on the command line: every launcher passes them (npm start, the
// Dockerfile, `cybermilesd testnet`, the bench; app-node-flags.test.ts and
// test/docker-compose.test.ts keep them in step), and an operator running
// `node bin/cybermilesd.js start` by hand adds them (README, "Operating a node").
export const APP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--heap-growing-percent=50'];
