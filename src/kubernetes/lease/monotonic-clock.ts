// A clock that only moves forward at the rate of the machine's monotonic
// timer: what a leader measures its renew deadline on. The wall clock
// (Date.now) may be stepped by NTP or a person; a deadline measured on it
// could stretch while another replica already counts the lease as run out.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../schedule/clock.js';

export const monotonicClock: Clock = { now: () => performance.now() };
