import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'

const INT64_TEXT = '^-?[0-9]{1,19}$'

/**
 * JSON Schema (draft-07) of one JSONL logfile line. Types survive: a JSON number
 * is a float, a JSON string a string, a JSON boolean a boolean, `{"i": "-3"}` an
 * int64 and `{"u": "3"}` a uint64 (as decimal strings, so no precision is lost).
 */
export const jsonlLineSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/eht/eht-influx-client/packages/logfile/jsonl-line.schema.json',
  title: 'eht-influx-client JSONL logfile line',
  type: 'object',
  required: ['time', 'measurement', 'fields'],
  additionalProperties: false,
  properties: {
    time: { description: 'Nanoseconds since the Unix epoch, UTC, as a decimal string', type: 'string', pattern: INT64_TEXT },
    measurement: { type: 'string', minLength: 1 },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    fields: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        anyOf: [
          { description: 'float', type: 'number' },
          { description: 'string', type: 'string' },
          { description: 'boolean', type: 'boolean' },
          { description: 'integer (int64)', type: 'object', required: ['i'], additionalProperties: false, properties: { i: { type: 'string', pattern: INT64_TEXT } } },
          { description: 'unsigned (uint64)', type: 'object', required: ['u'], additionalProperties: false, properties: { u: { type: 'string', pattern: '^[0-9]{1,20}$' } } },
        ],
      },
    },
  },
} as const

let compiled: ValidateFunction | undefined

/** The ajv validator of `jsonlLineSchema`, compiled on first use. */
export function jsonlLineValidator(): ValidateFunction {
  compiled ??= new Ajv({ strict: true }).compile(jsonlLineSchema)
  return compiled
}

/** One readable sentence from ajv's errors, naming the field when there is one. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0]
  if (first === undefined) return 'does not match the JSONL line schema'
  const field = /^\/fields\/([^/]+)/.exec(first.instancePath)
  if (field !== null) {
    const name = field[1]!.replace(/~1/g, '/').replace(/~0/g, '~')
    return `field ${JSON.stringify(name)} must be a number (float), string, boolean, {"i": "<int64>"} or {"u": "<uint64>"}`
  }
  // ajv would say `must match pattern "^-?[0-9]{1,19}$"`: say what a time is instead
  if (first.instancePath === '/time') return 'time must be integer nanoseconds since the epoch as a decimal string of at most 19 digits, such as "1617672549204824064"'
  const where = first.instancePath === '' ? 'the line' : first.instancePath.slice(1).replace(/\//g, '.')
  const extra = first.keyword === 'additionalProperties' ? ` (${JSON.stringify((first.params as { additionalProperty: string }).additionalProperty)})` : ''
  return `${where} ${first.message ?? 'is invalid'}${extra}`
}
