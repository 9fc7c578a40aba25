#!/usr/bin/env node
// The AWS Lambda function's code folder, made from the built handler (dist/lambda.js, from
// `npm run build`): the bundle as index.mjs (a .mjs, so Node loads it as ESM with no package.json
// beside it, as in the function's unzipped code) and its licence notices, nothing else. The
// template (deploy/aws-lambda/template.yaml) names the folder as the function's code, handler
// `index.handler`; `aws cloudformation package` zips it.
//
//   node scripts/package-lambda.mjs [FOLDER]       default dist/aws-lambda
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUILT = join(ROOT, 'dist', 'lambda.js');
const NOTICES = `${BUILT}.LEGAL.txt`;

export function packageLambda(folder = join(ROOT, 'dist', 'aws-lambda')) {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // The source map stays behind (it is several times the bundle's size), so its link goes too.
  const code = readFileSync(BUILT, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  writeFileSync(join(folder, 'index.mjs'), code);
  if (existsSync(NOTICES)) copyFileSync(NOTICES, join(folder, 'lambda.js.LEGAL.txt'));
  return folder;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const folder = packageLambda(process.argv[2] ? resolve(process.argv[2]) : undefined);
  process.stdout.write(`${folder}\n`);
}
