import type { GlobalOptions } from './global-options.js'

/** Where a command writes: stdout for its product, stderr for everything about it. */
export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

export const PROGRAM_NAME = 'eht-influx-client'

/** The 'error' listener on each stream made to survive, and how many runs (main() calls) want it. */
const surviving = new WeakMap<object, { users: number; ignore: () => void }>()

/**
 * Makes a stderr whose reader went away (`2>&1 | head`, a `| logger` that
 * died; EPIPE, or EIO from a terminal closed with SIGHUP) harmless. Without an
 * 'error' listener the failed write would crash the process mid-command: input
 * not read, points read but neither sent nor spooled, a replay's lock left.
 * Nothing can be told about stderr anywhere else, so the error is ignored; the
 * stream is destroyed by it and drops what is written to it after (ours, the
 * progress bar's, the writer's report lines), and the command ends with its own
 * exit code (its --json object still goes to stdout). One listener per stream,
 * however many runs use it at once. Returns what main() calls when it returns:
 * the listener is removed once no run uses it (a library calling main() keeps
 * no listener of ours on its process.stderr); while a write is still pending or
 * its failure may still be reported, only once that is over.
 */
export function survivingClosedStderr(stream: NodeJS.WritableStream): () => void {
  if (typeof stream.on !== 'function') return () => undefined
  let entry = surviving.get(stream)
  if (entry === undefined) {
    entry = { users: 0, ignore: () => undefined }
    surviving.set(stream, entry)
    stream.on('error', entry.ignore)
  }
  const { ignore } = entry
  entry.users++
  let released = false
  return () => {
    if (released) return
    released = true
    if (--entry.users > 0) return
    surviving.delete(stream)
    const remove = () => stream.removeListener('error', ignore)
    const state = stream as Partial<Pick<NodeJS.WriteStream, 'destroyed' | 'errored' | 'writableLength'>>
    // A write that failed has destroyed the stream; its 'error' is emitted on a later tick.
    if (state.destroyed === true || (state.errored ?? null) !== null) setImmediate(remove).unref()
    else if ((state.writableLength ?? 0) > 0) {
      stream.once('drain', remove)
      stream.once('close', () => setImmediate(remove).unref())
    } else remove()
  }
}

/**
 * The rules for --quiet, --verbose and --json in one place:
 * - `result(text)`: the command's product on stdout (print-config's file, check's report); not with --json.
 * - `note(text)`: a notice on stderr, printed once per text; not with --quiet.
 * - `summary(text)`: the one-line summary at the end, on stderr; not with --quiet.
 * - `detail(text)`: only with --verbose, on stderr.
 * - `warn(text)` / `error(text)`: stderr; warnings not with --quiet, errors always.
 * - `json(object)`: the single JSON object on stdout, only with --json.
 */
export class Output {
  readonly quiet: boolean
  readonly verbose: boolean
  readonly json: boolean
  private readonly noted = new Set<string>()

  constructor(
    readonly streams: OutputStreams,
    options: Pick<GlobalOptions, 'quiet' | 'verbose' | 'json'>,
  ) {
    this.quiet = options.quiet
    this.verbose = options.verbose && !options.quiet
    this.json = options.json
  }

  result(text: string): void {
    if (!this.json) this.streams.stdout.write(endLine(text))
  }

  note(text: string): void {
    if (this.quiet || this.noted.has(text)) return
    this.noted.add(text)
    this.streams.stderr.write(`${PROGRAM_NAME}: ${endLine(text)}`)
  }

  summary(text: string): void {
    if (!this.quiet) this.streams.stderr.write(endLine(text))
  }

  detail(text: string): void {
    if (this.verbose) this.streams.stderr.write(endLine(text))
  }

  warn(text: string): void {
    if (!this.quiet) this.streams.stderr.write(`${PROGRAM_NAME}: warning: ${endLine(text)}`)
  }

  error(text: string): void {
    this.streams.stderr.write(`${PROGRAM_NAME}: error: ${endLine(text)}`)
  }

  writeJson(value: unknown): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(value, jsonReplacer)}\n`)
  }
}

function endLine(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}

/** bigint (ns timestamps) as decimal strings: JSON numbers would round them. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
