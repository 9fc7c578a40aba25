// Holds the faults a stand-in should inject: one persistent fault per route
// and a queue of one-shot faults that are used up, one per request, before
// the persistent ones. Route 'any' matches every request.
export interface FaultSwitch<F, R extends string> {
  set(fault: F | undefined, route: R | 'any'): void;
  failNext(count: number, fault: F, route: R | 'any'): void;
  take(route: R): F | undefined;
  clear(): void;
}

export function createFaultSwitch<F, R extends string>(): FaultSwitch<F, R> {
  const persistent = new Map<string, F>();
  const queued: { route: string; fault: F }[] = [];
  return {
    set(fault, route) {
      if (fault === undefined) persistent.delete(route);
      else persistent.set(route, fault);
    },
    failNext(count, fault, route) {
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`failNext count must be a whole number, got ${count}`);
      for (let i = 0; i < count; i++) queued.push({ route, fault });
    },
    take(route) {
      const index = queued.findIndex((entry) => entry.route === route || entry.route === 'any');
      if (index >= 0) return queued.splice(index, 1)[0]?.fault;
      return persistent.get(route) ?? persistent.get('any');
    },
    clear() {
      persistent.clear();
      queued.length = 0;
    },
  };
}
