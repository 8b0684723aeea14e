/** A JSON number kept as its text (ns timestamps and int64 values do not fit a JS number). */
export interface NumberText {
  $n: string
}

const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g

/**
 * JSON.parse, except that every number comes back as `{ $n: "<its text>" }`
 * instead of a rounded JS number (InfluxDB's 19-digit ns epochs and int64
 * fields). Strings, booleans and null are as usual.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text.replace(TOKEN, (token) => (token.charCodeAt(0) === 34 ? token : `{"$n":"${token}"}`)))
}

export function isNumberText(value: unknown): value is NumberText {
  return typeof value === 'object' && value !== null && typeof (value as NumberText).$n === 'string'
}
