// A small seeded PRNG (mulberry32) for reproducible randomised tests: the same
// seed gives the same sequence on every machine.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed every run uses unless told otherwise, so the suite is the same on every machine. */
export const DEFAULT_SEED = 20261123;

/** SIMULATION_SEED=<n> replays a run; SIMULATION_SEED=random explores a fresh one. */
export function pickSeed(fromEnv: string | undefined): number {
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_SEED;
  if (fromEnv !== 'random') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be a 32-bit unsigned integer, got ${JSON.stringify(fromEnv)}`);
    return seed;
  }
  return Math.floor(Math.random() * 0xffffffff);
}
