// Bad configuration, as an operator would write it, given to the built CLI
// (`node dist/cli.js`) with the env pointing at running stand-ins. Each case
// must end with exit code 2, nothing on stdout, one message on stderr naming
// the field (env var or file key path) and the fix, and not one request at
// either stand-in.
//
// An unreadable key file is made with chmod 000 when the tests run as a normal
// user; root reads through any mode bits, so as root a directory stands in for
// the unreadable file (reading it fails with EISDIR).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { systemTest } from '../support/system-test.js';

const RUNS_AS_ROOT = process.getuid?.() === 0;
// Paths in the cases are written under {home}: the test's temp HOME, known only once the fixture runs.
const HOME = '{home}';
const inHome = (text: string, home: string) => text.replaceAll(HOME, home);

interface Case {
  name: string;
  args?: string[];
  /** Env changes; undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** A config file written for the case and passed with --config. */
  file?: { name: string; text: string };
  /** Env var, file key path, `--config` or the flag the message must name. */
  field: string;
  /** What is wrong and the fix. */
  says: RegExp;
  /** Number of problems listed; 0 for a usage error (no problem list). */
  problems?: number;
  /** Further fields that must be named (several problems at once). */
  alsoNames?: string[];
}

const yamlTargets = (targets: string) => `apiUrl: http://127.0.0.1:9/v1\ntargets:\n${targets}`;
const FIX_TEXT = "use lowercase letters, digits, '-' and '\\.', starting and ending with a letter or digit; 3–63 characters";
const SET_NAME_FIX = new RegExp(`not a valid secret set name: .*${FIX_TEXT}`);

const CASES: Case[] = [
  {
    name: 'malformed YAML',
    file: { name: 'bad.yaml', text: 'schedule: "0 */6 * * *"\ntargets:\n  - secretSet: ecr-prod\n     awsRegion: us-east-1\n' },
    field: '--config',
    says: /bad\.yaml" is not valid YAML: line 3, column 16: Nested mappings are not allowed in compact mappings/,
  },
  {
    name: 'malformed JSON, with line and column',
    file: { name: 'bad.json', text: '{\n  "targets": [\n    { "secretSet": "ecr-prod", }\n  ]\n}\n' },
    field: '--config',
    says: /bad\.json" is not valid JSON: line 3, column 32: expected a double-quoted string, found "}"/,
  },
  {
    name: 'wrong type: the file is a list, not a mapping',
    file: { name: 'list.yaml', text: '- secretSet: ecr-prod\n' },
    field: '--config',
    says: /must hold a mapping of settings/,
  },
  {
    name: 'wrong type: targets is a mapping, not a list',
    file: { name: 'targets-map.yaml', text: 'targets:\n  secretSet: ecr-prod\n' },
    field: 'targets',
    says: /must be a list of targets, each with `secretSet` or `kubernetesSecret`/,
  },
  {
    name: 'wrong type: a number as secretSet',
    file: { name: 'number-set.yaml', text: yamlTargets('  - secretSet: 12345\n') },
    field: 'targets[0].secretSet',
    says: /must be a string, not number/,
  },
  {
    name: 'wrong type: a word as pushConcurrency',
    file: { name: 'concurrency.yaml', text: `pushConcurrency: lots\n${yamlTargets('  - secretSet: ecr-prod\n')}` },
    field: 'pushConcurrency',
    says: /"lots" is not a whole number: use a whole number from 1 to 100/,
  },
  {
    name: 'wrong type: a URL as METRICS_PORT',
    env: { PCC_SECRET_SET: 'ecr-prod', METRICS_PORT: 'http://0.0.0.0:9102' },
    field: 'METRICS_PORT',
    says: /is not a whole number: use a whole number from 0 to 65535/,
  },
  {
    name: 'unknown top-level key, with "did you mean"',
    file: { name: 'typo.yaml', text: `refreshMargn: 4h\n${yamlTargets('  - secretSet: ecr-prod\n')}` },
    field: 'refreshMargn',
    says: /unknown key: did you mean `refreshMargin`\?/,
  },
  {
    name: 'unknown target key, with "did you mean"',
    file: { name: 'target-typo.yaml', text: yamlTargets('  - secretSet: ecr-prod\n    fromat: triplet\n') },
    field: 'targets[0].fromat',
    says: /unknown key: did you mean `format`\?/,
  },
  {
    name: 'duplicate targets',
    file: { name: 'duplicate.yaml', text: yamlTargets('  - secretSet: ecr-prod\n  - secretSet: ecr-prod\n    awsRegion: eu-west-1\n') },
    field: 'targets[1].secretSet',
    says: /"ecr-prod" is also used by targets\[0\]: give each target its own secret set/,
  },
  {
    name: 'empty target list',
    file: { name: 'empty.yaml', text: 'targets: []\n' },
    field: 'targets',
    says: /the list is empty: add at least one target with `secretSet`/,
  },
  {
    name: 'invalid cron',
    env: { PCC_SECRET_SET: 'ecr-prod', REFRESH_SCHEDULE: 'every 6 hours' },
    field: 'REFRESH_SCHEDULE',
    says: /"every 6 hours" is not a valid cron expression: use a cron expression with five fields/,
  },
  {
    name: 'duration without a unit',
    env: { PCC_SECRET_SET: 'ecr-prod', REQUEST_TIMEOUT: '15' },
    field: 'REQUEST_TIMEOUT',
    says: /"15" is not a duration: use a whole number with a unit \(ms, s, m, h, d\)/,
  },
  {
    name: 'duration longer than the token lifetime',
    env: { PCC_SECRET_SET: 'ecr-prod', REFRESH_MARGIN: '13h' },
    field: 'REFRESH_MARGIN',
    says: /"13h" must be longer than 0 and shorter than 12h \(the ECR token lifetime\)/,
  },
  {
    name: 'zero duration',
    env: { PCC_SECRET_SET: 'ecr-prod', CONFIRM_TIMEOUT: '0s' },
    field: 'CONFIRM_TIMEOUT',
    says: /"0s" must be longer than 0/,
  },
  {
    name: 'duration in words in the file',
    file: { name: 'words.yaml', text: `refreshMargin: 4 hours\n${yamlTargets('  - secretSet: ecr-prod\n')}` },
    field: 'refreshMargin',
    says: /"4 hours" is not a duration: use a whole number with a unit/,
  },
  ...[
    ['2 characters', 'ab', 'it is too short: '],
    ['64 characters', `ecr-${'a'.repeat(60)}`, 'it is 64 characters long: '],
    ['uppercase', 'ECR-Prod', ''],
    ['underscore', 'ecr_prod', ''],
    ['leading dash', '-ecr-prod', ''],
  ].map(
    ([what, name, detail]): Case => ({
      name: `secret set name: ${what}`,
      env: { PCC_SECRET_SET: name },
      field: 'PCC_SECRET_SET',
      says: new RegExp(`^  PCC_SECRET_SET: "${name}" is not a valid secret set name: ${detail}${FIX_TEXT}$`),
    }),
  ),
  {
    name: 'secret set name breaking the pattern inside a targets list',
    file: { name: 'bad-name.yaml', text: yamlTargets('  - secretSet: ecr-prod\n  - secretSet: ECR_Staging\n') },
    field: 'targets[1].secretSet',
    says: SET_NAME_FIX,
  },
  {
    name: 'API key file missing',
    env: { PCC_SECRET_SET: 'ecr-prod', PCC_API_KEY: undefined, PCC_API_KEY_FILE: join(HOME, 'no-such-key') },
    field: 'PCC_API_KEY_FILE',
    says: /cannot read ".*no-such-key" \(ENOENT\): check that the file exists, is mounted and readable/,
  },
  {
    name: RUNS_AS_ROOT ? 'API key file unreadable (a directory: running as root)' : 'API key file unreadable (chmod 000)',
    env: { PCC_SECRET_SET: 'ecr-prod', PCC_API_KEY: undefined, PCC_API_KEY_FILE: join(HOME, 'unreadable-key') },
    field: 'PCC_API_KEY_FILE',
    says: RUNS_AS_ROOT ? /cannot read ".*unreadable-key" \(EISDIR\)/ : /cannot read ".*unreadable-key" \(EACCES\)/,
  },
  {
    name: 'API key file in the config file, missing',
    file: { name: 'keyfile.yaml', text: `apiKeyFile: ${join(HOME, 'absent-key')}\n${yamlTargets('  - secretSet: ecr-prod\n')}` },
    env: { PCC_API_KEY: undefined },
    field: 'apiKeyFile',
    says: /cannot read ".*absent-key" \(ENOENT\)/,
  },
  {
    name: 'both PCC_API_KEY and PCC_API_KEY_FILE',
    env: { PCC_SECRET_SET: 'ecr-prod', PCC_API_KEY_FILE: join(HOME, 'good-key') },
    field: 'PCC_API_KEY',
    says: /both PCC_API_KEY and PCC_API_KEY_FILE are set: give the key one way only/,
  },
  {
    name: 'no API key at all',
    env: { PCC_SECRET_SET: 'ecr-prod', PCC_API_KEY: undefined },
    field: 'PCC_API_KEY',
    says: /no API key: set PCC_API_KEY or PCC_API_KEY_FILE/,
  },
  {
    name: 'missing AWS region',
    env: { PCC_SECRET_SET: 'ecr-prod', AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined },
    field: 'AWS_REGION',
    says: /required: set AWS_REGION \(or AWS_DEFAULT_REGION\) to the ECR registry's region, like us-east-1/,
  },
  {
    name: 'config file missing',
    args: ['--config', join(HOME, 'no-such-config.yaml')],
    field: '--config',
    says: /cannot read config file ".*no-such-config\.yaml" \(ENOENT\): check the path/,
  },
  {
    name: 'unknown flag (usage error)',
    args: ['--onse'],
    env: { PCC_SECRET_SET: 'ecr-prod' },
    field: 'unknown option --onse',
    says: /did you mean --once\? see --help/,
    problems: 0,
  },
  {
    name: 'leader election with --once',
    args: ['--once'],
    env: { PCC_SECRET_SET: 'ecr-prod', LEADER_ELECTION: 'true' },
    field: 'LEADER_ELECTION',
    says: /leader election is for the daemon: unset it for --once runs/,
  },
  {
    name: 'a pull-Secret target with a namespace that is not a DNS label',
    env: { KUBERNETES_SECRET: 'Agents/ecr-pull', PCC_API_KEY: undefined },
    field: 'KUBERNETES_SECRET',
    says: /namespace "Agents" is not a valid DNS-1123 label: use lowercase letters/,
  },
  {
    name: 'a cluster-wide pull-Secret target with a label selector kubectl would refuse',
    env: { PCC_API_KEY: undefined },
    file: { name: 'bad-selector.yaml', text: yamlTargets('  - kubernetesSecret: { name: ecr-pull, namespaceSelector: "env in (prod" }\n    awsRegion: us-east-1\n') },
    field: 'targets[0].kubernetesSecret.namespaceSelector',
    says: /"env in \(prod" has an unclosed "\(": write the values as key in \(a,b\)/,
  },
  {
    name: 'a cluster-wide pull-Secret target with a namespace glob that can never match',
    env: { PCC_API_KEY: undefined },
    file: { name: 'bad-glob.yaml', text: yamlTargets('  - kubernetesSecret: { name: ecr-pull, namespaces: ["Team_*"] }\n    awsRegion: us-east-1\n') },
    field: 'targets[0].kubernetesSecret.namespaces[0]',
    says: /"Team_\*" is not a name pattern: use lowercase letters, digits, '-' and '.', with \* for any run of characters/,
  },
  {
    name: 'several problems at once, reported together',
    env: { PCC_SECRET_SET: 'Ecr_Prod', REFRESH_SCHEDULE: '61 * * * *', REQUEST_TIMEOUT: '15', AWS_REGION: undefined, LOG_LEVEL: 'verbose' },
    field: 'PCC_SECRET_SET',
    says: SET_NAME_FIX,
    problems: 5,
    alsoNames: ['REFRESH_SCHEDULE', 'REQUEST_TIMEOUT', 'AWS_REGION', 'LOG_LEVEL'],
  },
];

systemTest.beforeAll(({ home, api }) => {
  writeFileSync(join(home, 'good-key'), `${api.apiKey}\n`);
  if (RUNS_AS_ROOT) mkdirSync(join(home, 'unreadable-key'));
  else {
    writeFileSync(join(home, 'unreadable-key'), `${api.apiKey}\n`);
    chmodSync(join(home, 'unreadable-key'), 0o000);
  }
});

systemTest.afterEach(({ ecr, api }) => {
  // Every case stops before any network call; a request here belongs to one of them.
  expect(api.requests, 'requests at the secrets API stand-in').toEqual([]);
  expect(ecr.calls, 'calls at the ECR stand-in').toEqual([]);
});

describe.concurrent('bad configuration stops the CLI with exit code 2 and one message, before any network call', () => {
  systemTest.for(CASES.map((c) => [c.name, c] as const))('%s', async ([, c], { api, cli, cliEnv, home }) => {
    const env = cliEnv();
    for (const [name, value] of Object.entries(c.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = inHome(value, home);
    }
    const args = (c.args ?? []).map((arg) => inHome(arg, home));
    if (c.file) {
      const path = join(home, c.file.name);
      writeFileSync(path, inHome(c.file.text, home));
      args.push('--config', path);
    }

    const run = await cli.run(args, { env, timeoutMs: 15_000 });

    const shown = `exit ${run.code}${run.timedOut ? ' (killed: still running)' : ''}\n--- stderr:\n${run.stderr}\n--- stdout:\n${run.stdout.slice(0, 2000)}`;
    expect(run.code, shown).toBe(2);
    expect(run.stdout, 'nothing on stdout: no log line, no daemon started').toBe('');
    // One message: a single "ecr-token-refresher:" line, with the problems (if several) indented under it.
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('ecr-token-refresher:')), shown).toHaveLength(1);
    expect(lines.slice(1).every((l) => l.startsWith('  ')), shown).toBe(true);
    expect(run.stderr, 'no stack trace').not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain(api.apiKey);

    const problems = c.problems ?? 1;
    if (problems === 0) {
      expect(lines, shown).toHaveLength(1);
      expect(lines[0]).toContain(c.field);
      expect(lines[0]).toMatch(c.says);
      return;
    }
    expect(lines[0], shown).toBe(`ecr-token-refresher: invalid configuration (${problems === 1 ? '1 problem' : `${problems} problems`}):`);
    expect(lines.slice(1), shown).toHaveLength(problems);
    const line = lines.find((l) => l.startsWith(`  ${c.field}: `));
    expect(line, `a line naming ${c.field}\n${shown}`).toBeDefined();
    expect(line).toMatch(c.says);
    for (const field of c.alsoNames ?? []) expect(lines.some((l) => l.startsWith(`  ${field}: `)), `a line naming ${field}\n${shown}`).toBe(true);
  });
});
