import type { InfluxRecord, LogFormat } from '@eht-influx-client/logfile'
import { applyPrecision, type Precision } from './timestamp-precision.js'

type Logfile = typeof import('@eht-influx-client/logfile')

/** Defaults for what an input line does not say. */
export interface PointDefaults {
  /** For JSONL objects without "measurement" and CSV tables without a measurement column; line protocol always names one. */
  measurement: string | undefined
  /** Added to every point that lacks the tag (its own value wins). */
  tags: Readonly<Record<string, string>>
  /** The unit of bare-number timestamps (line protocol, JSONL's "time"); CSV's are ns or RFC 3339. Default ns. */
  precision?: Precision
}

/** Turns the lines of one input into points; stateful for CSV (its annotations and header). */
export interface PointDecoder {
  /** The point of a line; undefined for a line without one (blank, comment, CSV annotation or header). Throws a LogfileError for a bad line. */
  decode(text: string, line: number): InfluxRecord | undefined
}

/**
 * A decoder for `write` input: the logfile package's line decoders, plus
 * - line protocol without a timestamp gets the current time (as InfluxDB does);
 * - `measurement` for JSONL objects and CSV tables that have none;
 * - `tags` added where missing;
 * - timestamps in `precision` made ns, and checked to be in 1990-2100 (a wrong unit is a bad line).
 */
export function pointDecoder(logfile: Logfile, format: LogFormat, defaults: PointDefaults): PointDecoder {
  const defaultKeys = Object.keys(defaults.tags)
  const withTags = (record: InfluxRecord | undefined) => {
    if (record === undefined || defaultKeys.every((key) => record.tags[key] !== undefined)) return record
    // in key order, as line protocol has them
    const tags = { ...defaults.tags, ...record.tags }
    record.tags = Object.fromEntries(Object.keys(tags).sort().map((key) => [key, tags[key]!]))
    return record
  }
  const precision = defaults.precision ?? 'ns'
  /** A record with a timestamp of its own (not one stamped now): in ns and plausible. */
  const timed = (record: InfluxRecord | undefined, scalable: boolean) => (record === undefined ? undefined : applyPrecision(logfile, record, scalable ? precision : 'ns', scalable))
  switch (format) {
    case 'lp':
      return { decode: (text) => withTags(decodeLine(logfile, text, (record) => timed(record, true)!)) }
    case 'jsonl':
      // A JSON line never starts with '#': such a line is a comment, as in line protocol.
      return { decode: (text) => withTags(isBlankOrComment(text) ? undefined : timed(decodeJsonlLine(logfile, text, defaults.measurement), true)) }
    case 'csv': {
      const csv = csvWithMeasurement(new logfile.CsvDecoder(), defaults.measurement)
      return { decode: (text, line) => withTags(timed(csv(text, line), false)) }
    }
  }
}

/** A line without a point in line protocol and JSONL: blank, or a `#` comment (after any spaces). */
function isBlankOrComment(text: string): boolean {
  const trimmed = text.trimStart()
  return trimmed === '' || trimmed.startsWith('#')
}

/** `timed` is applied to a line with a timestamp of its own, not to one given the current time. */
function decodeLine(logfile: Logfile, text: string, timed: (record: InfluxRecord) => InfluxRecord): InfluxRecord | undefined {
  if (isBlankOrComment(text)) return undefined
  try {
    return timed(logfile.decodeLineProtocol(text))
  } catch (error) {
    if (!logfile.LineProtocolError.isInstance(error) || !/no timestamp/.test(error.message)) throw error
    return logfile.decodeLineProtocol(`${text.trimEnd()} ${logfile.nowNs()}`)
  }
}

function decodeJsonlLine(logfile: Logfile, text: string, measurement: string | undefined): InfluxRecord {
  try {
    return logfile.decodeJsonl(withMeasurement(text, measurement))
  } catch (error) {
    // The schema's words alone do not say that --measurement is the way out.
    if (measurement === undefined && logfile.JsonlError.isInstance(error) && /required property 'measurement'/.test(error.message)) {
      throw new logfile.JsonlError(`${error.message}: add "measurement" to the line, or give --measurement`, undefined, { cause: error })
    }
    throw error
  }
}

/** A JSONL line with `"measurement": <default>` inserted when it is an object without one (the rest of the text untouched). */
export function withMeasurement(text: string, measurement: string | undefined): string {
  if (measurement === undefined) return text
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return text // decodeJsonl reports it
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'measurement' in value) return text
  const open = text.indexOf('{')
  const rest = text.slice(open + 1).trimStart()
  return `${text.slice(0, open + 1)}"measurement":${JSON.stringify(measurement)}${rest.startsWith('}') ? '' : ','}${rest}`
}

/** Does an annotated-CSV table (its annotation rows, then its header) name a measurement, as the logfile decoder reads it? */
export function namesMeasurement(head: readonly string[], header: string): boolean {
  const cells = (row: string) => row.split(',').map((cell) => cell.trim().replace(/^"|"$/g, ''))
  for (const row of head) {
    if (/^#constant[ ,]measurement(,|$)/i.test(row)) return true
    if (/^#datatype\b/i.test(row) && cells(row.replace(/^#datatype ?/i, '')).some((c) => /^measurement(\||$)/.test(c))) return true
  }
  return cells(header).some((c) => c === '_measurement' || /\|measurement(\||$)/.test(c))
}

/**
 * Feeds CSV lines to the logfile package's decoder; when a table (the
 * annotation rows and the header before its data) has no measurement column,
 * `#constant measurement,<default>` is fed before its header.
 */
function csvWithMeasurement(csv: InstanceType<Logfile['CsvDecoder']>, measurement: string | undefined) {
  let head: string[] = []
  let inData = false
  return (text: string, line: number): InfluxRecord | undefined => {
    if (measurement === undefined || text === '' || (line === 1 && text.startsWith('sep='))) return csv.decodeLine(text, line)
    if (text.startsWith('#')) {
      if (inData) head = []
      inData = false
      head.push(text)
      return csv.decodeLine(text, line)
    }
    if (!inData) {
      inData = true
      if (!namesMeasurement(head, text)) csv.decodeLine(`#constant measurement,${measurement}`, line)
      head = []
    }
    return csv.decodeLine(text, line)
  }
}
