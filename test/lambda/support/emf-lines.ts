// The CloudWatch EMF records among a function's output lines: JSON objects
// with an `_aws.CloudWatchMetrics` envelope, parsed as CloudWatch would.
export interface EmfRecord extends Record<string, unknown> {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
}

export function emfLines(output: string): EmfRecord[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfRecord);
}
