import { Ajv } from 'ajv'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { ConfigError, InvalidValueError, MissingValueError, UnknownKeyError, UnknownSectionError } from './errors.js'
import { FIXED_SECTIONS, SECRET_SOURCES, keysOf, sectionsHolding, specOf } from './keys.js'
import type { KeySpec } from './keys.js'
import { byPosition } from './locations.js'
import { maskUrlSecrets } from './redact-url.js'
import type { Locations } from './locations.js'
import type { RawConfig } from './raw.js'
import { configSchema, expectedOf } from './schema.js'
import { didYouMean } from './suggest.js'

let compiled: ValidateFunction | undefined

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, useDefaults: true, strict: true }).compile(configSchema)
  return compiled
}

/** `token` for token, token_env and token_file; `password` likewise; undefined for other keys. */
function secretOf(section: string, key: string): keyof typeof SECRET_SOURCES | undefined {
  if (!section.startsWith('server.')) return undefined
  return (Object.keys(SECRET_SOURCES) as (keyof typeof SECRET_SOURCES)[]).find((what) => (SECRET_SOURCES[what] as readonly string[]).includes(key))
}

/** The error for a value that is not what its key takes; a token or password is never echoed. */
export function invalidValue(locations: Locations, section: string, key: string, value: string, expected?: string): InvalidValueError {
  const spec = specOf(section, key)
  const what = secretOf(section, key)
  const wanted = expected ?? (spec === undefined ? 'a value' : expectedOf(spec))
  if (what !== undefined) {
    // Never echo any source of a secret: a token pasted into token_env (or token_file) is the secret itself.
    const [literal, envKey, fileKey] = SECRET_SOURCES[what]
    const why = key === literal ? `value not shown: it is the ${what}` : `value not shown: it may be the ${what} itself; if so, use ${key === envKey ? fileKey : envKey} or ${literal} instead`
    const problem = spec?.kind === 'env-name' && expected === undefined ? 'is not the name of an environment variable, which holds only letters, digits and _' : `is not valid; expected ${wanted}`
    return new InvalidValueError(`the value ${problem} (${why})`, locations.at(section, key))
  }
  if (spec?.kind === 'url') {
    // Never echo the user:password@ of a URL, nor its ?query (`?u=eht&p=...`, as InfluxDB 1.x takes).
    const shown = JSON.stringify(maskUrlSecrets(value))
    if (expected === undefined && /[?#]/.test(value)) {
      return new InvalidValueError(`${shown} is not valid: a URL may not hold a ?query or #fragment (the client would send it as part of the path); give the database with bucket, and the credentials with username and password_env (api = v1) or token_env (api = v2)`, locations.at(section, key))
    }
    return new InvalidValueError(`${shown} is not valid; expected ${wanted}`, locations.at(section, key))
  }
  return new InvalidValueError(`${JSON.stringify(value)} is not valid; expected ${wanted}`, locations.at(section, key))
}

export function unknownKey(locations: Locations, section: string, key: string, known: readonly KeySpec[]): UnknownKeyError {
  // A key of another section, written exactly, was put in the wrong place: that beats a near name
  // here (`url` in [client] belongs in [server.<name>], it is no typo of `org`).
  const elsewhere = sectionsHolding(key)
  const hint = elsewhere.length > 0
    ? `; \`${key}\` belongs in ${elsewhere.join(' or ')}`
    : didYouMean(key, known.map((k) => k.key)) || `; [${section}] takes: ${known.map((k) => k.key).join(', ')}`
  return new UnknownKeyError(`unknown key${hint}`, { ...locations.at(section, key), key })
}

function unknownSection(locations: Locations, name: string): UnknownSectionError {
  const dot = name.indexOf('.')
  const candidates = [...Object.keys(FIXED_SECTIONS), ...(dot > 0 ? [`server.${name.slice(dot + 1)}`] : ['server.<name>'])]
  // Few sections: a looser match still points to the one meant.
  const hint = didYouMean(name, candidates, (c) => `[${c}]`, 1 / 2) || `; the sections are ${candidates.map((c) => `[${c}]`).join(', ')}`
  return new UnknownSectionError(`unknown section [${name}]${hint}`, { ...locations.at(name), section: name })
}

function toConfigError(error: ErrorObject, raw: RawConfig, locations: Locations): ConfigError {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
  const [section, key] = path[0] === 'server' && path.length > 1 ? [`server.${path[1]}`, path[2]] : [path[0], path[1]]
  if (section === undefined) {
    const extra = (error.params as { additionalProperty?: string }).additionalProperty
    return extra === undefined ? new ConfigError(error.message ?? 'invalid', { file: locations.file }) : unknownSection(locations, extra)
  }
  if (error.keyword === 'additionalProperties' && key === undefined) {
    return unknownKey(locations, section, (error.params as { additionalProperty: string }).additionalProperty, keysOf(section)!)
  }
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty
    return new MissingValueError(`missing: every server needs \`${missing}\``, { ...locations.at(section), key: missing })
  }
  if (key !== undefined) {
    const container = section.startsWith('server.') ? (raw.server as Record<string, Record<string, unknown>>)[section.slice(7)] : raw[section]
    return invalidValue(locations, section, key, String(container?.[key]))
  }
  return new ConfigError(error.message ?? 'invalid', locations.at(section))
}

/**
 * Checks the raw file against `configSchema` and fills in every default (in place).
 * Of all problems, throws the one nearest the top of the file.
 */
export function validateRaw(raw: RawConfig, locations: Locations): void {
  const validate = validator()
  if (validate(raw)) return
  const errors = (validate.errors ?? []).map((e) => toConfigError(e, raw, locations))
  errors.sort(byPosition)
  throw errors[0]!
}
