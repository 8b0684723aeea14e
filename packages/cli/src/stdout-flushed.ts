/**
 * Resolves once what was written to `stream` (stdout) has gone out, so that
 * process.exit() does not cut a slow reader's output short. It resolves at
 * once when nothing waits to be written, and when the stream can take no more:
 * a reader that went away (`| head`) leaves it with EPIPE, and Node may then
 * keep `writableNeedDrain` set with nothing queued and no 'drain', 'error' or
 * 'close' to come. Should the event loop empty while waiting (nothing more can
 * come), it resolves too: an await left pending there would make Node exit 13.
 */
export function stdoutFlushed(stream: NodeJS.WriteStream, proc: Pick<NodeJS.Process, 'once' | 'removeListener'> = process): Promise<void> {
  if (!stream.writableNeedDrain || stream.writableLength === 0 || stream.destroyed || stream.errored !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const events = ['drain', 'error', 'close'] as const
    const done = () => {
      for (const event of events) stream.removeListener(event, done)
      proc.removeListener('beforeExit', done)
      resolve()
    }
    for (const event of events) stream.once(event, done)
    proc.once('beforeExit', done)
  })
}
