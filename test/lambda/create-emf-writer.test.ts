import { describe, expect, it } from 'vitest';
import { createEmfWriter } from '../../src/lambda/create-emf-writer.js';
import { RefreshError } from '../../src/errors/refresh-error.js';

const NOW = Date.UTC(2026, 11, 1, 12);

function record(...args: Parameters<ReturnType<typeof createEmfWriter>['record']>) {
  const lines: string[] = [];
  createEmfWriter({ write: (l) => void lines.push(l), clock: { now: () => NOW } }).record(...args);
  expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  return lines.map((l) => JSON.parse(l) as Record<string, any>);
}

describe('the EMF lines of an invocation', () => {
  it('give each refreshed set its seconds left, success and duration, per set and across sets', () => {
    const [line, summary] = record([{ name: 'a-set', ok: true, expiresAt: NOW + 12 * 3600_000 }], 830);
    expect(line).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [
          {
            Namespace: 'EcrTokenRefresher',
            Dimensions: [['SecretSet'], []],
            Metrics: [
              { Name: 'TokenSecondsLeft', Unit: 'Seconds' },
              { Name: 'RefreshSuccess', Unit: 'Count' },
              { Name: 'RefreshFailure', Unit: 'Count' },
              { Name: 'RefreshDuration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      SecretSet: 'a-set',
      TokenSecondsLeft: 43200,
      tokenExpiresAt: '2026-12-02T00:00:00.000Z',
      RefreshSuccess: 1,
      RefreshFailure: 0,
      RefreshDuration: 830,
    });
    expect(summary).toMatchObject({ AllTargetsRefreshed: 1, targets: 1 });
    expect(summary!._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
  });

  it('report a failed set with its stage and reason and no expiry, and the invocation as not all refreshed', () => {
    const error = new RefreshError('PUT failed', { stage: 'push', reason: 'rate_limited', retryable: true });
    const [ok, failed, summary] = record(
      [
        { name: 'a-set', ok: true, expiresAt: NOW + 3600_000 },
        { name: 'b-set', ok: false, error },
      ],
      1200,
    );
    expect(ok).toMatchObject({ TokenSecondsLeft: 3600 });
    expect(failed).toMatchObject({ SecretSet: 'b-set', RefreshSuccess: 0, RefreshFailure: 1, stage: 'push', reason: 'rate_limited' });
    expect(failed).not.toHaveProperty('TokenSecondsLeft');
    expect(failed!._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).not.toContain('TokenSecondsLeft');
    expect(summary).toMatchObject({ AllTargetsRefreshed: 0, targets: 2 });
  });
});
