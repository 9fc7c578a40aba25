// A cron expression for "every N seconds, counted from the daemon's start".
// `*/20 * * * * *` fires on the clock's :00, :20 and :40, so the first
// scheduled refresh came anywhere from 0 to 20 s after the start-up one. The
// demo lists the seconds instead, starting from when the daemon will start.
export function everySecondsFrom(startMs: number, everySeconds: number): string {
  if (60 % everySeconds !== 0) throw new Error(`every ${everySeconds}s does not divide a minute`);
  const first = Math.floor(startMs / 1000) % 60;
  const seconds: number[] = [];
  for (let s = first % everySeconds; s < 60; s += everySeconds) seconds.push(s);
  return `${seconds.join(',')} * * * * *`;
}
