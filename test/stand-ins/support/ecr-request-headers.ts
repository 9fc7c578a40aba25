// Headers shaped like those the AWS SDK sends to ECR (signature not real),
// for raw requests that probe what the ECR stand-in refuses.
export function ecrRequestHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
    'x-amz-date': '20250101T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE0000000001/20250101/us-east-1/ecr/aws4_request, ' +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'a1'.repeat(32)}`,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
