#!/usr/bin/env node
// The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv.slice(2));
