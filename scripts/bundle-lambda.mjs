#!/usr/bin/env node
// The AWS Lambda function's code: src/lambda/handler.ts and every dependency in one ESM file,
// dist/aws-lambda/index.mjs (handler `index.handler`), which is also what package.json exports as
// "./lambda". The folder holds nothing else, so the template can name it as the function's code.
//
//   node scripts/bundle-lambda.mjs
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const LAMBDA_BUNDLE = 'dist/aws-lambda/index.mjs';

// Several dependencies are CommonJS and call require() for Node built-ins; an ESM bundle has no
// `require` of its own.
const BANNER = "import { createRequire as __bundleCreateRequire } from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);";

export async function bundleLambda() {
  rmSync(new URL('dist/aws-lambda/', new URL(ROOT, 'file:')), { recursive: true, force: true });
  return build({
    absWorkingDir: ROOT,
    entryPoints: ['src/lambda/handler.ts'],
    outfile: LAMBDA_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.18',
    minify: true,
    // Lambda unpacks the folder as it is: the licence notices stay inside the one file.
    legalComments: 'eof',
    banner: { js: BANNER },
    logLevel: 'warning',
    metafile: true,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleLambda();
}
