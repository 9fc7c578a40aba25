// Lays out a reproducible sequence of outages over a time span: each outage
// and each healthy gap after it draws its length from a sampler, so a test
// decides the shape (how long faults last, how long things stay healthy).
export interface Outage<F> {
  from: number;
  to: number;
  fault: F;
}

export function planOutages<F>(options: {
  /** First instant an outage may start, epoch ms. */
  from: number;
  /** Outages end by this instant. */
  until: number;
  outageMs: () => number;
  gapMs: () => number;
  fault: () => F;
}): Outage<F>[] {
  const outages: Outage<F>[] = [];
  let at = options.from + options.gapMs();
  while (at < options.until) {
    const to = Math.min(options.until, at + Math.max(1, Math.round(options.outageMs())));
    outages.push({ from: at, to, fault: options.fault() });
    at = to + Math.max(1, Math.round(options.gapMs()));
  }
  return outages;
}

/** Picks from weighted choices with the given random source. */
export function weightedPick<T>(random: () => number, choices: readonly (readonly [weight: number, value: T])[]): T {
  const total = choices.reduce((sum, [weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [weight, value] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return choices[choices.length - 1]![1];
}

/** A uniform draw in [min, max). */
export function between(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}
