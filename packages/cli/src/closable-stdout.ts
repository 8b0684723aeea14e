import { EventEmitter } from 'node:events'

/**
 * stdout for printed lines (replay --dry-run) that copes with the reader going
 * away (`| head`): on EPIPE it aborts `closed` (the command stops as if
 * interrupted, and exits 0) and drops what is written after, instead of
 * failing with an error. Writes wait for 'drain' like the stream's own.
 */
export class ClosableStdout extends EventEmitter {
  readonly closed = new AbortController()

  constructor(private readonly stream: NodeJS.WritableStream) {
    super()
    stream.on('error', this.onError)
    stream.on('drain', this.onDrain)
  }

  write(text: string): boolean {
    if (this.closed.signal.aborted) return true
    return this.stream.write(text)
  }

  /** Removes the listeners from the stream. */
  dispose(): void {
    this.stream.removeListener('error', this.onError)
    this.stream.removeListener('drain', this.onDrain)
  }

  private readonly onDrain = () => this.emit('drain')

  private readonly onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return
    this.closed.abort()
    this.emit('drain') // whoever waits for drain goes on (and finds the signal aborted)
  }
}
