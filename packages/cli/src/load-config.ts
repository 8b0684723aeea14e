import type { EHTConfig } from '@eht-influx-client/config'
import { CliConfigError } from './errors.js'
import type { GlobalOptions } from './global-options.js'
import type { Output } from './output.js'

export const DEFAULT_CONFIG_NOTE = 'no configuration file found; using the built-in default (logfile only, no server)'

/**
 * Loads the configuration for a command: --config or the config package's
 * search order; --profile is given to the config package as EHT_INFLUX_PROFILE
 * (it wins over the file and the environment, and is validated with the rest). Prints the config's warnings once (the
 * built-in default in use, permissions...). Any failure is a CliConfigError
 * carrying the config package's message (file, line, section, key).
 */
export async function loadEffectiveConfig(globals: Pick<GlobalOptions, 'config' | 'profile'>, output: Output, options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<EHTConfig> {
  const { loadConfig } = await import('@eht-influx-client/config')
  let config: EHTConfig
  try {
    const env = globals.profile === undefined ? options.env : { ...options.env, EHT_INFLUX_PROFILE: globals.profile }
    config = await loadConfig(globals.config, { env, cwd: options.cwd })
  } catch (error) {
    throw new CliConfigError(describeConfigError(error), { cause: error })
  }
  for (const warning of config.warnings) output.note(warning)
  if (config.source === undefined && !config.warnings.some((w) => /built-in default/i.test(w))) output.note(DEFAULT_CONFIG_NOTE)
  return config
}

/** The config package's message, plus where (file:line, [section], key) when the message does not say it already. */
export function describeConfigError(error: unknown): string {
  if (!(error instanceof Error)) return `configuration error: ${String(error)}`
  const { file, line, section, key } = error as { file?: unknown; line?: unknown; section?: unknown; key?: unknown }
  const where: string[] = []
  if (typeof file === 'string' && !error.message.includes(file)) where.push(typeof line === 'number' ? `${file}:${line}` : file)
  if (typeof section === 'string' && !error.message.includes(section)) where.push(`section [${section}]`)
  if (typeof key === 'string' && !error.message.includes(key)) where.push(`key ${key}`)
  return where.length === 0 ? error.message : `${error.message} (${where.join(', ')})`
}
