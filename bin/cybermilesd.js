#!/usr/bin/env node
// Runs the compiled CLI (npm run build, or any of npm start / npm test, compiles it).
import '../dist/cli/main.js';
