import { callSafely } from './safe-call.js'
import type { LineSink } from './stderr-reporter.js'

/** The parts of a Node writable stream (process.stderr) that the guard uses. */
interface WritableLike extends LineSink {
  write(text: string, callback?: (error?: Error | null) => void): unknown
  once(event: 'error' | 'close', listener: () => void): unknown
  removeListener(event: 'error' | 'close', listener: () => void): unknown
  listenerCount(event: 'error'): number
  destroyed?: boolean
  writable?: boolean
  _writableState?: { errorEmitted?: boolean }
}

function isWritableStream(sink: LineSink): sink is WritableLike {
  const s = sink as Partial<WritableLike>
  return typeof s.once === 'function' && typeof s.removeListener === 'function' && typeof s.listenerCount === 'function' && typeof s.writable === 'boolean'
}

/** One guard per stream (every client of the process writes to the same process.stderr). */
const guards = new WeakMap<object, LineSink>()

/**
 * Where the writer's own report lines go (`[errors] stderr`, configuration
 * warnings), made unable to crash the process or to stop the writer.
 *
 * A Node stream (process.stderr by default) whose reader is gone (`| head`, a
 * dead `| logger`, a closed pipe) fails a write with EPIPE, and emits it as an
 * 'error' event: with no listener, that ends the process, in the middle of a
 * close() that was sealing the spool. So it is written to as Node's own
 * console.error() does: a one-time 'error' listener is added only while no one
 * else listens, around the write and, when the write failed, until the error
 * is emitted (which an fs.WriteStream does only after closing its file); it is
 * removed right after, or when the stream closes without emitting it. The application's own handling of the
 * stream is thus unchanged (its own listeners still see the error; without
 * one, its own later writes fail as they would have). Once a write of the
 * writer has failed, or the stream has ended, the writer's later lines are
 * dropped: a pipe whose reader is gone stays so (and process.stderr, which
 * Node never lets be destroyed, would fail each write again).
 *
 * Any other sink (ClientOptions.stderr) is called with callSafely: a throw or a
 * rejected promise of its write() is ignored.
 */
export function safeLineSink(sink: LineSink): LineSink {
  if (!isWritableStream(sink)) return { write: (text) => callSafely((line: string) => sink.write(line), text) }
  let guard = guards.get(sink)
  if (guard === undefined) {
    guard = streamSink(sink)
    guards.set(sink, guard)
  }
  return guard
}

function streamSink(stream: WritableLike): LineSink {
  const ignore = () => {}
  const catchNextError = () => {
    if (stream.listenerCount('error') === 0) stream.once('error', ignore)
  }
  /** Set by the first failed write: a pipe whose reader is gone stays so (process.stderr is never destroyed, it fails each write). */
  let failed = false
  /**
   * A failed write is reported to its callback first and emitted as 'error' later: a pipe emits it on the next
   * tick, an fs.WriteStream (a file on a full disk, /dev/full) only once it has closed its file, in the thread
   * pool, after any number of ticks. So the listener stays until that one emission (`once`) or until the stream
   * closes without one; no timer can tell how long that takes.
   */
  const catchFailureError = () => {
    // Node emits a stream's error once at most: a later failed write, after that emission, has none to catch.
    if (stream._writableState?.errorEmitted === true || stream.listenerCount('error') !== 0) return
    const onError = () => stream.removeListener('close', onClose)
    const onClose = () => stream.removeListener('error', onError)
    stream.once('error', onError)
    stream.once('close', onClose)
  }
  return {
    write(text) {
      if (failed || stream.destroyed === true || !stream.writable) return
      try {
        // For an error raised during the write itself (a file or a TTY on POSIX).
        catchNextError()
        stream.write(text, (error) => {
          if (error == null) return
          failed = true
          catchFailureError()
        })
      } catch {
        // stderr is not worth a failed delivery
      } finally {
        stream.removeListener('error', ignore)
      }
    },
  }
}
