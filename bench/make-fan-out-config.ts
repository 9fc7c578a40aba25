// The fan-out workload: many secret sets spread evenly over a few ECR
// registries (12-digit account ids), as a config file's object form.
export interface FanOutConfig {
  awsRegion: string;
  targets: { secretSet: string; registryId: string }[];
}

export function makeFanOutConfig(options: { targets: number; registries: number; awsRegion?: string }): FanOutConfig {
  const registryIds = Array.from({ length: options.registries }, (_, i) => String(100_000_000_001 + i));
  const width = String(options.targets).length;
  return {
    awsRegion: options.awsRegion ?? 'us-east-1',
    targets: Array.from({ length: options.targets }, (_, i) => ({
      secretSet: `fan-${String(i + 1).padStart(width, '0')}`,
      registryId: registryIds[i % registryIds.length]!,
    })),
  };
}
