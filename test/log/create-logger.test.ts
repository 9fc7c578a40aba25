// What an error and a process warning look like in the product's JSON log.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RefreshError } from '../../src/errors/refresh-error.js';
import { routeProcessWarnings } from '../../src/log/route-process-warnings.js';
import { captureLog } from '../support/capture-log.js';

function refusedSocket(port: number) {
  return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port,
  });
}

describe('logged errors', () => {
  it('show a classified fault by class, code and cause chain down to the endpoint, with no stack', () => {
    const log = captureLog();
    const fetchFailed = new TypeError('fetch failed', { cause: refusedSocket(4318) });
    const error = new RefreshError('Pipecat Cloud GET /secrets failed: connection error (ECONNREFUSED)', {
      stage: 'push',
      reason: 'connection_error',
      retryable: true,
      cause: fetchFailed,
    });
    log.logger.warn({ err: error }, 'refresh failed');
    const [entry] = log.entries();
    expect(entry!.err).toEqual({
      type: 'RefreshError',
      message: 'Pipecat Cloud GET /secrets failed: connection error (ECONNREFUSED)',
      code: 'ERR_REFRESH',
      stage: 'push',
      reason: 'connection_error',
      retryable: true,
      cause: {
        type: 'TypeError',
        message: 'fetch failed',
        cause: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:4318', code: 'ECONNREFUSED', endpoint: '127.0.0.1:4318' },
      },
    });
    expect(log.text()).not.toContain('"stack"');
  });

  it('keep the stack of an unexpected error where it started', () => {
    const log = captureLog();
    const bug = new TypeError("Cannot read properties of undefined (reading 'status')");
    const wrapped = new RefreshError(`unexpected failure: ${bug.message}`, { stage: 'push', reason: 'unknown', retryable: true, cause: bug });
    log.logger.error({ err: wrapped }, 'refresh failed');
    const err = log.entries()[0]!.err as { stack?: string; cause: { type: string; stack: string } };
    expect(err.stack).toBeUndefined();
    expect(err.cause.type).toBe('TypeError');
    expect(err.cause.stack).toMatch(/^TypeError: Cannot read properties[\s\S]*create-logger\.test\.ts/);
  });

  it('name the SDK exception class and its HTTP status', () => {
    class AccessDeniedException extends Error {
      $metadata = { httpStatusCode: 403 };
      $fault = 'client';
    }
    const log = captureLog();
    const denied = new AccessDeniedException('User is not authorized to perform: ecr:GetAuthorizationToken');
    log.logger.error({ err: new RefreshError('ECR denied', { stage: 'mint', reason: 'access_denied', retryable: false, cause: denied }) }, 'x');
    const err = log.entries()[0]!.err as { cause: Record<string, unknown> };
    expect(err.cause).toEqual({ type: 'AccessDeniedException', message: denied.message, status: 403 });
  });

  it('keep a plain object that names its type, without inventing "Object" or an empty stack', () => {
    const log = captureLog();
    log.logger.warn({ err: { type: 'RefreshError', message: 'boom', code: 'ERR_REFRESH' } }, 'x');
    expect(log.entries()[0]!.err).toEqual({ type: 'RefreshError', message: 'boom', code: 'ERR_REFRESH' });
  });

  it('list the attempts of an aggregate connect error (IPv6 and IPv4 both refused)', () => {
    const log = captureLog();
    const both = Object.assign(new AggregateError([refusedSocket(9), Object.assign(refusedSocket(9), { address: '::1' })], ''), { code: 'ECONNREFUSED' });
    log.logger.warn({ err: new RefreshError('down', { stage: 'push', reason: 'connection_error', retryable: true, cause: both }) }, 'x');
    const cause = (log.entries()[0]!.err as { cause: { type: string; errors: { endpoint: string }[] } }).cause;
    expect(cause.type).toBe('AggregateError');
    expect(cause.errors.map((e) => e.endpoint)).toEqual(['127.0.0.1:9', '[::1]:9']);
  });

  it('survive a cause cycle', () => {
    const log = captureLog();
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    log.logger.error({ err: a }, 'x');
    expect(log.lines).toHaveLength(1);
    expect(JSON.stringify(log.entries()[0]!.err).match(/"message"/g)!.length).toBeLessThanOrEqual(6);
  });
});

describe('process warnings', () => {
  it('become one JSON warning line, with the name the text starts with and no line breaks', () => {
    const log = captureLog();
    const source = new EventEmitter();
    let printed = 0;
    source.on('warning', () => printed++); // stands for Node's own stderr printer
    routeProcessWarnings(source, log.logger);
    source.emit('warning', Object.assign(new Error('NodeVersionSupportWarning: The AWS SDK\nwill require node >=22.\n\nMore at: x'), { name: 'Warning' }));
    expect(printed).toBe(0);
    expect(log.entries()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'process warning',
        warning: { name: 'NodeVersionSupportWarning', message: 'The AWS SDK will require node >=22. More at: x' },
      }),
    ]);
  });

  it('keep the name and code of a deprecation', () => {
    const log = captureLog();
    const source = new EventEmitter();
    routeProcessWarnings(source, log.logger);
    source.emit('warning', Object.assign(new Error('Buffer() is deprecated'), { name: 'DeprecationWarning', code: 'DEP0005' }));
    expect(log.entries()[0]!.warning).toEqual({ name: 'DeprecationWarning', code: 'DEP0005', message: 'Buffer() is deprecated' });
  });
});
