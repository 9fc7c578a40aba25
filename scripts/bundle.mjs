#!/usr/bin/env node
// The build: each entry point below becomes one self-contained ESM file in dist/ with every
// dependency inside it, so a runtime needs Node and that file (plus package.json, which the CLI
// reads its version from) — no node_modules. Type checking is `npm run typecheck`'s job.
//
//   node scripts/bundle.mjs            builds every entry point
//
// Source maps are written next to each bundle (`<name>.js.map`) but not loaded at run time: Node
// reads them only under --enable-source-maps, which holds the parsed map in memory for the life
// of the process. Pass that flag when debugging a stack trace.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Output name (dist/<name>.js) → source. Add an entry point here and nowhere else. */
export const ENTRY_POINTS = {
  cli: 'src/cli.ts',
  // The AWS Lambda handler (package.json exports it as "./lambda"); scripts/package-lambda.mjs
  // makes the function's code folder from it.
  lambda: 'src/lambda/handler.ts',
};

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// Several dependencies are CommonJS and call require() for Node built-ins; an ESM bundle has no
// `require` of its own, so each bundle gets one that resolves like the file's own location.
//
// --liftoff-only: V8 compiles WebAssembly with its baseline compiler only. undici's HTTP parser is
// wasm, and its optimizing compile (TurboFan) peaks at ~35 MiB on the first request; the baseline
// code parses the few responses of a refresh no measurably slower (docs/performance.md). Set
// here, before anything compiles wasm, so every way of starting the bundle gets it.
export const V8_FLAGS = ['--liftoff-only'];

function banner(v8Flags) {
  return [
    "import { createRequire as __bundleCreateRequire } from 'node:module';",
    "import { setFlagsFromString as __bundleSetV8Flags } from 'node:v8';",
    'const require = __bundleCreateRequire(import.meta.url);',
    ...v8Flags.map((flag) => `__bundleSetV8Flags(${JSON.stringify(flag)});`),
  ].join('\n');
}

// `import ... from 'undici'` (the bare name only, not its deep paths) gets the part of undici the
// program calls; see that file.
const undiciRequestOnly = {
  name: 'undici-request-only',
  setup(build) {
    const path = resolve(ROOT, 'scripts', 'undici-request-only.mjs');
    build.onResolve({ filter: /^undici$/ }, () => ({ path }));
  },
};

/** `v8Flags` other than V8_FLAGS are for the benchmark, which measures what each flag costs. */
export async function bundle({ outdir = 'dist', v8Flags = V8_FLAGS } = {}) {
  rmSync(resolve(ROOT, outdir), { recursive: true, force: true });
  return build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // package.json's engines.node is >=22.19.0; nothing newer may be emitted.
    target: 'node22.19',
    sourcemap: 'linked',
    // Minified names cost nothing in a stack trace read with the source map; the bundle shrinks by
    // a third, and so does what V8 parses at start-up.
    minify: true,
    // Logs name an error by its class (`"type":"RefreshError"`), so classes keep their names.
    keepNames: true,
    legalComments: 'linked',
    plugins: [undiciRequestOnly],
    banner: { js: banner(v8Flags) },
    logLevel: 'warning',
    metafile: true,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle();
}
