import path from 'node:path'
import { buildConfig } from './build.js'
import { applyEnvOverrides } from './env-overrides.js'
import type { ConfigErrorLocation } from './errors.js'
import { migrateLegacy } from './legacy.js'
import { toRaw } from './raw.js'
import { scan } from './scan.js'
import { deepFreeze } from './schema.js'
import type { ConfigOptions, EHTConfig } from './types.js'
import { validateRaw } from './validate.js'

export interface Parsed {
  config: EHTConfig
  /** Where the file itself holds a literal token or password (for the permission warning). */
  literalSecrets: ConfigErrorLocation[]
}

/** parseConfig without the freezing, and telling where literal secrets are. */
export function parseUnfrozen(text: string, source: string | undefined, options: ConfigOptions = {}, warnings: string[] = []): Parsed {
  const cwd = options.cwd ?? process.cwd()
  const env = options.env ?? process.env
  const file = source === undefined ? undefined : path.resolve(cwd, source)
  let scanned = scan(text, file)
  const migrated = migrateLegacy(scanned, file)
  if (migrated !== undefined) {
    scanned = migrated.scanned
    warnings.push(migrated.warning)
  }
  const { raw, locations, serverOrder } = toRaw(scanned, file)
  const literalSecrets = scanned.entries
    .filter((e) => e.section.startsWith('server.') && (e.key === 'token' || e.key === 'password') && e.value !== '')
    .map((e) => locations.at(e.section, e.key))
  applyEnvOverrides(raw, locations, serverOrder, env)
  validateRaw(raw, locations)
  const config = buildConfig(raw, file, { locations, serverOrder, env, baseDir: file === undefined ? cwd : path.dirname(file), warnings })
  return { config, literalSecrets }
}

/**
 * Parses INI text (`source`: the file it came from, for messages and relative paths) into the
 * frozen, fully defaulted configuration, with `EHT_INFLUX_*` overrides from `options.env`.
 * Throws a ConfigError naming file, line, section and key.
 */
export function parseConfig(text: string, source?: string, options?: ConfigOptions): EHTConfig {
  return deepFreeze(parseUnfrozen(text, source, options).config)
}
