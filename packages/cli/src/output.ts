import type { GlobalOptions } from './global-options.js'

/** Where a command writes: stdout for its product, stderr for everything about it. */
export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

export const PROGRAM_NAME = 'eht-influx-client'

const ignoring = new WeakSet<object>()

/**
 * Makes a stderr whose reader went away (`2>&1 | head`, a `| logger` that
 * died; EPIPE, or EIO from a terminal closed with SIGHUP) harmless. Without an
 * 'error' listener the failed write would crash the process mid-command: input
 * not read, points read but neither sent nor spooled, a replay's lock left.
 * Nothing can be told about stderr anywhere else, so the error is ignored; the
 * stream is destroyed by it and drops what is written to it after (ours, the
 * progress bar's, the writer's report lines), and the command ends with its own
 * exit code (its --json object still goes to stdout). Installed once per stream.
 */
export function survivingClosedStderr(stream: NodeJS.WritableStream): void {
  if (ignoring.has(stream) || typeof stream.on !== 'function') return
  ignoring.add(stream)
  stream.on('error', () => undefined)
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
    survivingClosedStderr(streams.stderr)
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
