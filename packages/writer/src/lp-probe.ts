import { encodeLineProtocol, RecordError, type InfluxRecord } from '@eht-influx-client/logfile'

// logfile's encoder is the one authority on names, escaping and quoting. For a
// name or an unusual value, encode a tiny probe point with it and read the
// escaped text back; logfile's RecordError (naming what is wrong) propagates.

const T = 1_000_000_000_000_000_000n
const TAIL = ` ${T}`
const probe = (measurement: string, tags: Record<string, string>, fields: InfluxRecord['fields']): string => encodeLineProtocol({ measurement, tags, fields, timestamp: T })
// An integer field: its text (`1i`) is the same whatever spelling the encoder gives booleans.
const ONE = { f: { type: 'integer', value: 1n } } as const

/** The escaped measurement (throws RecordError for a bad one). */
export function escapedMeasurement(name: string): string {
  const line = probe(name, {}, ONE)
  return line.slice(0, line.length - ` f=1i${TAIL}`.length)
}

/** The escaped tag key (throws RecordError for a bad one). */
export function escapedTagKey(name: string): string {
  const line = probe('m', { [name]: 'v' }, ONE)
  return line.slice(2, line.length - `=v f=1i${TAIL}`.length)
}

/** The escaped field key (throws RecordError for a bad one). */
export function escapedFieldKey(name: string): string {
  const line = probe('m', {}, { [name]: { type: 'integer', value: 1n } })
  return line.slice(2, line.length - `=1i${TAIL}`.length)
}

/** The escaped tag value (throws RecordError for a bad one); '' for an empty value (dropped). */
export function escapedTagValue(value: string): string {
  if (value === '') return ''
  const line = probe('m', { t: value }, ONE)
  return line.slice(4, line.length - ` f=1i${TAIL}`.length)
}

/** The quoted string field value (throws RecordError for a bad one). */
export function quotedString(value: string): string {
  let line: string
  try {
    line = probe('m', {}, { f: { type: 'string', value } })
  } catch (error) {
    // The probe's field is called "f", not the caller's: say "string value" (the caller names its column).
    if (RecordError.isInstance(error)) throw new RecordError(error.message.replace(/^string field "f"/, 'string value'), undefined, { cause: error })
    throw error
  }
  return line.slice(4, line.length - TAIL.length)
}

let booleans: { true: string; false: string } | undefined

/** How logfile's encoder writes a boolean field value (`T` / `F`, as the official client's Point does). */
export function booleanText(value: boolean): string {
  booleans ??= {
    true: escapedBoolean(true),
    false: escapedBoolean(false),
  }
  return value ? booleans.true : booleans.false
}

function escapedBoolean(value: boolean): string {
  const line = probe('m', {}, { f: { type: 'boolean', value } })
  return line.slice(4, line.length - TAIL.length)
}
