// One try at taking or renewing the Lease, and what it taught: who holds it
// and, while another does, when its lease runs out by our clock. The
// sighting of the holder's record is kept between tries so that a renewTime
// from a skewed clock is judged against when we first saw it.
import type { Logger } from 'pino';
import type { Clock } from '../../schedule/clock.js';
import type { LeaseAccess } from './create-lease-access.js';
import { decideLease, recordKey, type LeaseObservation, type LeaseAttempt } from './lease-rules.js';
import { isKubernetesError } from '../api/kubernetes-error.js';

export interface LeaseAttempter {
  /** `leading` is asked when a try fails, since the renew deadline may have passed while it ran. */
  attempt(leading: () => boolean): Promise<LeaseAttempt>;
  /** The holder seen by the last attempt; undefined while the Lease cannot be read. */
  holder(): string | undefined;
  /** While another holds the Lease: when its lease runs out. */
  heldUntil(): number | undefined;
}

export function createLeaseAttempter(deps: {
  access: LeaseAccess;
  identity: string;
  leaseDurationMs: number;
  renewTimeToleranceMs: number;
  clock: Clock;
  log: Logger;
}): LeaseAttempter {
  const { access, identity, clock, log } = deps;
  let observation: LeaseObservation | undefined;
  let holder: string | undefined;
  let heldUntil: number | undefined;
  let failures = 0;

  async function tryOnce(): Promise<LeaseAttempt> {
    const lease = await access.read();
    const seen = decideLease({
      lease, observation, identity, now: clock.now(), leaseDurationSeconds: Math.ceil(deps.leaseDurationMs / 1000), renewTimeToleranceMs: deps.renewTimeToleranceMs,
    });
    observation = seen.observation;
    const { decision } = seen;
    heldUntil = decision.kind === 'held' ? decision.expiresAt : undefined;
    if (decision.kind === 'held') {
      if (holder !== decision.holder) log.info({ holder: decision.holder }, 'lease held by another replica: standing by');
      holder = decision.holder;
      return 'held-by-other';
    }
    const saved = await access.write(lease, decision.spec);
    observation = { record: recordKey(saved.spec ?? {}), observedAt: clock.now() };
    holder = identity;
    return 'acquired';
  }

  async function attempt(isLeading: () => boolean): Promise<LeaseAttempt> {
    try {
      const outcome = await tryOnce();
      failures = 0;
      return outcome;
    } catch (error) {
      failures++;
      holder = undefined;
      heldUntil = undefined;
      const leading = isLeading();
      // A 409 is the normal loss of a race; anything else is worth a line (the first, or any while leading).
      if (!isKubernetesError(error, 'ERR_KUBE_CONFLICT') && (failures === 1 || leading)) {
        log.warn({ err: error, failures }, leading ? 'lease renewal failed' : 'lease acquisition failed');
      }
      return 'failed';
    }
  }

  return { attempt, holder: () => holder, heldUntil: () => heldUntil };
}
