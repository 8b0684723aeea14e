import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// The bad-input corpus of issue #9: one JSON case file per case under
// corpus/<target>/, with its input file beside it (logfile, cli, config).
// The layout and every field are documented in corpus/README.md.

export const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url))

export type Target = 'write' | 'cli-write' | 'logfile-reader' | 'config'
export const TARGET_DIRS: Readonly<Record<Target, string>> = { write: 'write', 'cli-write': 'cli', 'logfile-reader': 'logfile', config: 'config' }

/** An error (or a bad line) a case expects: its class, the words its message must contain, and where. */
export interface ExpectedError {
  class: string
  contains: string[]
  /** Words that must not be in the message (an internal name, a secret). */
  absent?: string[]
  /** write: the row index (InvalidInputError.row); logfile, cli: the 1-based line; config: the line in the .ini. */
  row?: number
  line?: number
  column?: number | string
  section?: string
  key?: string
  /** config: the environment variable named. */
  variable?: string
}

export interface WriteCall {
  /** Default `write`. */
  method?: 'write' | 'writeRecords' | 'writePoints'
  /** write: its options (tagged encoding); writeRecords: `{ lines, ...CallOptions }`; writePoints: `{ points, ...CallOptions }`. */
  options: Record<string, unknown>
  /** The call throws this (and nothing of it is written). */
  error?: ExpectedError
  /** skipInvalid: these items are skipped (result.skipped), the rest of the call written. */
  skipped?: ExpectedError[]
}

export interface WriteCase {
  target: 'write'
  about: string
  calls: WriteCall[]
  /** Line protocol of every point that must be in the logfile and the server afterwards, and nothing else of these measurements. */
  arrive: string[]
}

export interface CliCase {
  target: 'cli-write'
  about: string
  /** The input file beside the case (omitted: empty stdin). */
  input?: string
  /** `file`: --file <copy of input>; `stdin`: piped. */
  via: 'file' | 'stdin'
  args?: string[]
  /** INI lines appended to the generated configuration (its last section is [server.local]). `{extra:N}` in expectations is their Nth line's number. */
  configExtra?: string[]
  /** Environment variables for the child (EHT_INFLUX_* overrides). */
  env?: Record<string, string>
  exitCode: number
  /** A command-level failure: --json error.name, and stderr's `error:` line. */
  error?: ExpectedError
  /** Skipped lines: each reported on stderr as `<input>:<line>[:<column>]: bad line skipped: ...` and in --json badLineSamples. */
  badLines?: ExpectedError[]
  arrive: string[]
  /** Strings that must not appear in stdout or stderr. */
  secrets?: string[]
}

export interface LogfileCase {
  target: 'logfile-reader'
  about: string
  input: string
  /** Exactly these lines reported, in order. */
  badLines: ExpectedError[]
  /** Line protocol of every record read, in order. */
  read: string[]
}

export interface ConfigCase {
  target: 'config'
  about: string
  input: string
  env?: Record<string, string>
  error: ExpectedError
  secrets?: string[]
}

export type CorpusCase = WriteCase | CliCase | LogfileCase | ConfigCase

export interface LoadedCase<C extends CorpusCase = CorpusCase> {
  /** `write/missing-timestamp`: the test name. */
  id: string
  /** The case file. */
  file: string
  /** The input file (absolute), for cases that have one. */
  inputFile: string | undefined
  data: C
}

/** The case files of one target (every `.json` in its directory), sorted. */
export function caseFiles(target: Target): string[] {
  const dir = path.join(CORPUS_DIR, TARGET_DIRS[target])
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => path.join(dir, name))
}

/** Thrown for a case file that does not follow corpus/README.md, naming the file and the problem. */
export class CaseFileError extends Error {}

function need(ok: boolean, file: string, problem: string): void {
  if (!ok) throw new CaseFileError(`${path.relative(CORPUS_DIR, file)}: ${problem}`)
}

function checkError(e: unknown, file: string, where: string): void {
  need(typeof e === 'object' && e !== null, file, `${where} must be an object`)
  const x = e as ExpectedError
  need(typeof x.class === 'string' && x.class !== '', file, `${where}.class must name an error class`)
  need(Array.isArray(x.contains) && x.contains.length > 0 && x.contains.every((w) => typeof w === 'string' && w !== ''), file, `${where}.contains must list the words the message must contain`)
}

function checkLines(lines: unknown, file: string, key: string): void {
  need(Array.isArray(lines) && lines.every((l) => typeof l === 'string'), file, `${key} must be an array of line-protocol strings`)
}

/** Reads and checks one case file; throws CaseFileError naming the file. */
export function loadCase(file: string): LoadedCase {
  let data: CorpusCase
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as CorpusCase
  } catch (error) {
    throw new CaseFileError(`${path.relative(CORPUS_DIR, file)}: not JSON: ${(error as Error).message}`)
  }
  const target = data.target
  need(target in TARGET_DIRS, file, `target must be one of ${Object.keys(TARGET_DIRS).join(', ')}, got ${JSON.stringify(target)}`)
  need(path.basename(path.dirname(file)) === TARGET_DIRS[target], file, `target ${target} belongs in corpus/${TARGET_DIRS[target]}/`)
  need(typeof data.about === 'string' && data.about.length > 10, file, 'about must say what the case is')
  const dir = path.dirname(file)
  let inputFile: string | undefined
  if ('input' in data && data.input !== undefined) {
    inputFile = path.join(dir, data.input)
    need(fs.existsSync(inputFile), file, `input ${data.input} does not exist beside the case`)
  }
  switch (data.target) {
    case 'write':
      need(Array.isArray(data.calls) && data.calls.length > 0, file, 'calls must list the calls')
      data.calls.forEach((call, i) => {
        need(typeof call.options === 'object' && call.options !== null, file, `calls[${i}].options must be an object`)
        if (call.error !== undefined) checkError(call.error, file, `calls[${i}].error`)
        call.skipped?.forEach((s, j) => checkError(s, file, `calls[${i}].skipped[${j}]`))
      })
      need(
        data.calls.some((c) => c.error !== undefined || (c.skipped?.length ?? 0) > 0),
        file,
        'a write case needs a call with an error or skipped items',
      )
      checkLines(data.arrive, file, 'arrive')
      break
    case 'cli-write':
      need(data.via === 'file' || data.via === 'stdin', file, 'via must be file or stdin')
      need(Number.isInteger(data.exitCode), file, 'exitCode must be the expected exit code')
      if (data.error !== undefined) checkError(data.error, file, 'error')
      data.badLines?.forEach((b, j) => {
        checkError(b, file, `badLines[${j}]`)
        need(Number.isInteger(b.line), file, `badLines[${j}].line must be the 1-based line`)
      })
      need(data.error !== undefined || (data.badLines?.length ?? 0) > 0, file, 'a cli-write case needs an error or bad lines')
      checkLines(data.arrive, file, 'arrive')
      break
    case 'logfile-reader':
      need(inputFile !== undefined, file, 'input must name the logfile beside the case')
      need(Array.isArray(data.badLines) && data.badLines.length > 0, file, 'badLines must list the bad lines')
      data.badLines.forEach((b, j) => {
        checkError(b, file, `badLines[${j}]`)
        need(Number.isInteger(b.line), file, `badLines[${j}].line must be the 1-based line`)
      })
      checkLines(data.read, file, 'read')
      break
    case 'config':
      need(inputFile !== undefined, file, 'input must name the .ini beside the case')
      checkError(data.error, file, 'error')
      break
  }
  const id = `${TARGET_DIRS[target]}/${path.basename(file, '.json')}`
  return { id, file, inputFile, data }
}

/** Every case of a target, loaded and checked. */
export function loadCases<T extends Target>(target: T): LoadedCase<Extract<CorpusCase, { target: T }>>[] {
  return caseFiles(target).map((file) => loadCase(file) as LoadedCase<Extract<CorpusCase, { target: T }>>)
}

/** The measurements of line-protocol lines (for isolation checks between cases). */
export function measurementsOf(lines: readonly string[]): string[] {
  return [...new Set(lines.map((line) => line.slice(0, line.search(/(?<!\\)[, ]/)).replace(/\\(.)/g, '$1')))]
}
