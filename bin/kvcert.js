#!/usr/bin/env node
// Runs the published build when it exists, and the TypeScript sources otherwise
// (Node 24 strips the types itself).
import { existsSync } from 'node:fs';

const built = new URL('../dist/actors/cli.js', import.meta.url);
const entry = existsSync(built) ? built : new URL('../actors/cli.ts', import.meta.url);
await import(entry.href);
