import type { GlobalOptions } from './global-options.js'

/** Where a command writes: stdout for its product, stderr for everything about it. */
export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

export const PROGRAM_NAME = 'eht-influx-client'

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
