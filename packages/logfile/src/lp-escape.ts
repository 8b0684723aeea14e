// Line-protocol escaping, exactly as InfluxDB and Point.toLineProtocol() do it:
// a regex test finds the common case (nothing to escape) once per string; only
// strings that need it are walked character by character.

const MEASUREMENT_SPECIAL = /[, ]/
const KEY_SPECIAL = /[,= ]/
const STRING_SPECIAL = /["\\]/

function escapeWith(text: string, special: (code: number) => boolean): string {
  let out = ''
  let from = 0
  for (let i = 0; i < text.length; i++) {
    if (special(text.charCodeAt(i))) {
      out += text.slice(from, i) + '\\'
      from = i
    }
  }
  return out + text.slice(from)
}

const isMeasurementSpecial = (c: number) => c === 0x2c || c === 0x20
const isKeySpecial = (c: number) => c === 0x2c || c === 0x20 || c === 0x3d
const isStringSpecial = (c: number) => c === 0x22 || c === 0x5c

/** Measurement: comma and space are escaped. */
export function escapeMeasurement(name: string): string {
  return MEASUREMENT_SPECIAL.test(name) ? escapeWith(name, isMeasurementSpecial) : name
}

/** Tag keys, tag values and field keys: comma, equals sign and space are escaped. */
export function escapeKey(name: string): string {
  return KEY_SPECIAL.test(name) ? escapeWith(name, isKeySpecial) : name
}

/** String field values: double quote and backslash are escaped, and the value is quoted. */
export function quoteString(value: string): string {
  return STRING_SPECIAL.test(value) ? `"${escapeWith(value, isStringSpecial)}"` : `"${value}"`
}
