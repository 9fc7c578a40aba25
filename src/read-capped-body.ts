// Reads an HTTP reply body as text, up to a limit: a server (or something
// impersonating one) must not make the process buffer without end. Past the
// limit the stream is destroyed and the caller's own error is thrown.
export async function readCappedBody(body: AsyncIterable<Buffer>, limitBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limitBytes) {
      (body as unknown as { destroy?: () => void }).destroy?.();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
