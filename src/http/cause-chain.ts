// The chain of causes of an error, outermost first: undici wraps the socket's
// error, the AWS SDK wraps undici's, each of our errors wraps what it met. The
// one walker every reader of that chain uses (network failure reasons, the
// codes named in messages, the origin a log line takes its stack from). It is
// bounded, so an error that is its own cause cannot hold it.
const MAX_LINKS = 6;

type Link = { code?: unknown; name?: unknown; cause?: unknown };

/** `error` and its causes, outermost first, at most five causes deep, objects only. */
export function causeChain(error: unknown): Link[] {
  const chain: Link[] = [];
  for (let current: unknown = error; typeof current === 'object' && current !== null && chain.length < MAX_LINKS; current = (current as Link).cause) {
    if (chain.includes(current as Link)) break;
    chain.push(current as Link);
  }
  return chain;
}

/** The string `code`s along the chain, outermost first (`UND_ERR_SOCKET`, then `ECONNRESET`). */
export function errorCodes(error: unknown): string[] {
  return causeChain(error).flatMap((link) => (typeof link.code === 'string' ? [link.code] : []));
}
