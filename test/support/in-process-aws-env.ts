// The AWS SDK reads its endpoint and credentials from process.env: for tests
// that run the refresher in process against the ECR stand-in, the variables
// that point it there (fake keys, no instance metadata).
export function inProcessAwsEnv(ecrUrl: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_ECR: ecrUrl,
    AWS_ACCESS_KEY_ID: 'AKIAINTEGRATION00001',
    AWS_SECRET_ACCESS_KEY: 'integration-secret-not-real',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
