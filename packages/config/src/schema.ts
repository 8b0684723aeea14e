import { FIXED_SECTIONS, SERVER_KEYS, BOOLEAN_WORDS } from './keys.js'
import type { KeySpec } from './keys.js'
import { DURATION_EXPECTED, DURATION_PATTERN, MAX_DURATION_TEXT, SIZE_EXPECTED, SIZE_PATTERN } from './units.js'

const caseless = (word: string) => [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('')
const SIZE_BODY = SIZE_PATTERN.slice(1, -1)

/** What a value of this key must look like, in words for an error message. */
export function expectedOf(spec: KeySpec): string {
  switch (spec.kind) {
    case 'words': return `one of: ${spec.words!.join(', ')}`
    case 'duration': return `${spec.min === undefined || spec.min <= 0 ? DURATION_EXPECTED : DURATION_EXPECTED.replace('a duration:', `a duration ${spec.min === 1 ? 'above 0' : `of at least ${spec.min} ms`}:`)}${spec.untimed === true ? '' : `, ${MAX_DURATION_TEXT}`}`
    case 'size': return SIZE_EXPECTED
    case 'boolean': return 'true or false (also yes/no, on/off, 1/0)'
    case 'integer': return `a whole number, at least ${spec.min ?? 0}`
    case 'number': return spec.max === undefined ? `a number, at least ${spec.min ?? 0}` : `a number from ${spec.min ?? 0} to ${spec.max}`
    case 'url': return 'an http:// or https:// URL such as http://127.0.0.1:8086, without user:password@ (use token or username/password) and without ?query or #fragment'
    case 'env-name': return 'the name of an environment variable (letters, digits and _)'
    case 'rotate': return `none, hourly, daily or ${SIZE_EXPECTED}`
    default: return 'a value'
  }
}

function patternOf(spec: KeySpec): string | undefined {
  switch (spec.kind) {
    case 'duration': return DURATION_PATTERN
    case 'size': return SIZE_PATTERN
    case 'boolean': return `^(${Object.keys(BOOLEAN_WORDS).map(caseless).join('|')})$`
    case 'integer': return '^[0-9]+$'
    case 'number': return '^[0-9]+(\\.[0-9]+)?$'
    // No ?query or #fragment: the client would send it as part of the path (and a ?p=password in it would be printed).
    case 'url': return '^[hH][tT][tT][pP][sS]?://[^\\s/?#@]+(/[^\\s?#]*)?$'
    case 'env-name': return '^[A-Za-z_][A-Za-z0-9_]*$'
    case 'rotate': return `^(none|hourly|daily|${SIZE_BODY})$`
    default: return undefined
  }
}

function valueSchema(spec: KeySpec): Record<string, unknown> {
  const pattern = patternOf(spec)
  return {
    type: 'string',
    description: `${spec.doc}. Expected: ${expectedOf(spec)}.`,
    ...(spec.words === undefined ? {} : { enum: [...spec.words] }),
    ...(pattern === undefined ? { minLength: 1 } : { pattern }),
    // A duration that must be above 0 (timeout): a zero in any unit is refused.
    ...(spec.kind === 'duration' && spec.min !== undefined && spec.min > 0 ? { not: { pattern: '^0+(\\.0+)? ?(ms|s|m|h|d)?$' } } : {}),
    ...(spec.default === undefined ? {} : { default: spec.default }),
  }
}

function sectionSchema(keys: readonly KeySpec[], description: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'object',
    description,
    additionalProperties: false,
    properties: Object.fromEntries(keys.map((spec) => [spec.key, valueSchema(spec)])),
    ...extra,
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

/**
 * The JSON Schema (draft-07) of the INI file read as JSON: one object per section, `server`
 * holding one object per `[server.<name>]`, every value a string as written in the file.
 * Defaults are given as `default`; ajv fills them in.
 */
export const configSchema: object = deepFreeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/eht/eht-influx-client/blob/main/packages/config/schema.json',
  title: 'eht-influx-client configuration',
  description: 'The eht-influx-client INI file as JSON: sections as objects, values as strings.',
  type: 'object',
  additionalProperties: false,
  properties: {
    client: sectionSchema(FIXED_SECTIONS.client, 'Where points go and how write() behaves.', { default: {} }),
    server: {
      type: 'object',
      description: 'One entry per [server.<name>] section, in file order; none means logfile only.',
      default: {},
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' },
      additionalProperties: sectionSchema(SERVER_KEYS, 'One InfluxDB server.', { required: ['url'] }),
    },
    logfile: sectionSchema(FIXED_SECTIONS.logfile, 'The local logfile, written before any server.', { default: {} }),
    retry: sectionSchema(FIXED_SECTIONS.retry, 'Retries of a batch a server did not take.', { default: {} }),
    spool: sectionSchema(FIXED_SECTIONS.spool, 'Points no server took after the retries, kept for replay.', { default: {} }),
    errors: sectionSchema(FIXED_SECTIONS.errors, 'Points a server rejected for good.', { default: {} }),
  },
})

export { deepFreeze }
