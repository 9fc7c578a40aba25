// Where the Lambda finds the Pipecat Cloud key: a Secrets Manager secret
// (PCC_API_KEY_SECRET_ARN) or an SSM SecureString parameter
// (PCC_API_KEY_PARAMETER), exactly one of them. A key in a plain environment
// variable is refused here: anyone allowed to read the function's
// configuration could read it.
import type { ConfigProblem } from '../config/config-error.js';

export type ApiKeySource =
  | { kind: 'secrets-manager'; field: 'PCC_API_KEY_SECRET_ARN'; id: string }
  | { kind: 'ssm-parameter'; field: 'PCC_API_KEY_PARAMETER'; id: string };

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const PARAMETER = /^(\/?[\w.-]+(\/[\w.-]+)*|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[\w./-]+)$/;

export function readApiKeySource(env: Record<string, string | undefined>): { source?: ApiKeySource; problems: ConfigProblem[] } {
  const value = (name: string) => env[name]?.trim() || undefined;
  const problems: ConfigProblem[] = [];
  for (const plain of ['PCC_API_KEY', 'PCC_API_KEY_FILE']) {
    if (value(plain) !== undefined) {
      problems.push({
        field: plain,
        message: 'is not used by the Lambda function (a key in its environment is readable by anyone who can read the configuration): store the key in Secrets Manager and set PCC_API_KEY_SECRET_ARN, or in an SSM SecureString and set PCC_API_KEY_PARAMETER',
      });
    }
  }
  const arn = value('PCC_API_KEY_SECRET_ARN');
  const parameter = value('PCC_API_KEY_PARAMETER');
  if (arn !== undefined && parameter !== undefined) {
    problems.push({ field: 'PCC_API_KEY_SECRET_ARN', message: 'both PCC_API_KEY_SECRET_ARN and PCC_API_KEY_PARAMETER are set: give the key one way only' });
    return { problems };
  }
  if (arn === undefined && parameter === undefined) {
    problems.push({
      field: 'PCC_API_KEY_SECRET_ARN',
      message: 'no API key: set PCC_API_KEY_SECRET_ARN to the ARN of the Secrets Manager secret holding your Pipecat Cloud private API key (or PCC_API_KEY_PARAMETER to an SSM SecureString parameter)',
    });
    return { problems };
  }
  if (arn !== undefined) {
    if (!SECRET_ARN.test(arn)) {
      problems.push({
        field: 'PCC_API_KEY_SECRET_ARN',
        message: `${JSON.stringify(arn)} is not a Secrets Manager secret ARN: use the full ARN, like arn:aws:secretsmanager:us-east-1:123456789012:secret:pipecat-api-key-AbCdEf`,
      });
      return { problems };
    }
    return { source: { kind: 'secrets-manager', field: 'PCC_API_KEY_SECRET_ARN', id: arn }, problems };
  }
  if (!PARAMETER.test(parameter!)) {
    problems.push({
      field: 'PCC_API_KEY_PARAMETER',
      message: `${JSON.stringify(parameter)} is not an SSM parameter name: use a name like /pipecat/api-key (letters, digits, _ . - and /) or the parameter's ARN`,
    });
    return { problems };
  }
  return { source: { kind: 'ssm-parameter', field: 'PCC_API_KEY_PARAMETER', id: parameter! }, problems };
}
