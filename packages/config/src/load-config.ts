import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { defaultConfigText } from './default-text.js'
import { ConfigError, ConfigFileNotFoundError, ConfigFileUnreadableError, formatLocation } from './errors.js'
import { parseUnfrozen } from './parse-config.js'
import type { Parsed } from './parse-config.js'
import { readableBy } from './resolve-secrets.js'
import { deepFreeze } from './schema.js'
import type { ConfigOptions, EHTConfig } from './types.js'
import { decodeConfigText } from './utf8.js'

interface Candidate {
  /** As the user would write it: `$EHT_INFLUX_CONFIG`, `./influx_config.ini`... */
  label: string
  path: string | undefined
  /** Why `path` is undefined although the variable is set (it names an unset variable). */
  problem?: ConfigFileNotFoundError
}

/** `~` and `$VAR` / `${VAR}` expanded, then made absolute against `cwd`. `origin`: where `given` came from, for the message. */
function expandPath(given: string, env: NodeJS.ProcessEnv, cwd: string, origin = 'the configuration path'): string {
  const home = env.HOME ?? os.homedir()
  const tilde = given === '~' || given.startsWith('~/') ? home + given.slice(1) : given
  const expanded = tilde.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, braced?: string, bare?: string) => {
    const name = (braced ?? bare)!
    const value = env[name]
    if (value === undefined) throw new ConfigFileNotFoundError(`${origin} ${given} names $${name}, which is not set`)
    return value
  })
  return path.resolve(cwd, expanded)
}

/** $EHT_INFLUX_CONFIG expanded; a variable it names that is unset is kept as `problem`, thrown only when this file is the one to read. */
function fromEnvironment(env: NodeJS.ProcessEnv, cwd: string): Candidate {
  const given = env.EHT_INFLUX_CONFIG
  if (given === undefined || given === '') return { label: '$EHT_INFLUX_CONFIG', path: undefined }
  try {
    return { label: '$EHT_INFLUX_CONFIG', path: expandPath(given, env, cwd, 'EHT_INFLUX_CONFIG, the configuration path') }
  } catch (problem) {
    return { label: `$EHT_INFLUX_CONFIG=${given} (unusable: ${(problem as Error).message})`, path: undefined, problem: problem as ConfigFileNotFoundError }
  }
}

/** The search order without a path, each expanded. */
function searchOrder(env: NodeJS.ProcessEnv, cwd: string): Candidate[] {
  return [
    fromEnvironment(env, cwd),
    { label: './influx_config.ini', path: path.resolve(cwd, 'influx_config.ini') },
    { label: '~/.config/eht-influx-client/config.ini', path: expandPath('~/.config/eht-influx-client/config.ini', env, cwd) },
    { label: '/etc/eht-influx-client/config.ini', path: '/etc/eht-influx-client/config.ini' },
  ]
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isFile(), () => false)
}

async function describe(candidates: Candidate[]): Promise<string> {
  const parts = await Promise.all(
    candidates.map(async (c) => (c.path === undefined ? (c.problem === undefined ? `${c.label} (not set)` : c.label) : `${c.path}${(await isFile(c.path)) ? ' (exists)' : ''}`)),
  )
  return parts.join(', ')
}

async function readConfigFile(file: string, notFound: () => Promise<never>): Promise<{ text: string; mode: number }> {
  try {
    const [bytes, stat] = await Promise.all([fs.readFile(file), fs.stat(file)])
    return { text: decodeConfigText(bytes, file), mode: stat.mode }
  } catch (cause) {
    if (ConfigError.isInstance(cause)) throw cause
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return notFound()
    const reason = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code)
    throw new ConfigFileUnreadableError(`cannot read the configuration file: ${reason}`, { file }, { cause })
  }
}

function permissionWarning(file: string, mode: number, parsed: Parsed): string | undefined {
  const who = readableBy(mode)
  if (who === undefined || parsed.literalSecrets.length === 0) return undefined
  const where = parsed.literalSecrets.map((at) => `${formatLocation({ section: at.section, key: at.key })}, line ${at.line}`).join('; ')
  const octal = (mode & 0o777).toString(8).padStart(4, '0')
  return `${file} holds a literal token or password (${where}) and is readable by ${who} (mode ${octal}); run \`chmod 600 ${file}\`, or use token_env / token_file (password_env / password_file) instead`
}

/**
 * Reads the configuration: `path` (`~` and `$VARS` expanded), else the first file that exists of
 * `$EHT_INFLUX_CONFIG` (which must exist when set), `./influx_config.ini`,
 * `~/.config/eht-influx-client/config.ini`, `/etc/eht-influx-client/config.ini`; with none, the
 * built-in default (logfile only) and a warning saying so. Environment overrides apply in every case.
 */
export async function loadConfig(configPath?: string, options: ConfigOptions = {}): Promise<EHTConfig> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const order = searchOrder(env, cwd)
  let file: string | undefined
  let given: string | undefined
  // A path given wins: $EHT_INFLUX_CONFIG is then not read, so a variable it names may be unset.
  if (configPath !== undefined) [file, given] = [expandPath(configPath, env, cwd), configPath]
  else if (order[0]!.problem !== undefined) throw order[0]!.problem
  else if (order[0]!.path !== undefined) [file, given] = [order[0]!.path, `$EHT_INFLUX_CONFIG=${env.EHT_INFLUX_CONFIG}`]
  else {
    for (const c of order.slice(1)) {
      if (await isFile(c.path!)) {
        file = c.path
        break
      }
    }
  }
  const warnings: string[] = []
  if (file === undefined) {
    const { config } = parseUnfrozen(defaultConfigText(), undefined, { env, cwd }, warnings)
    const servers = config.servers.map((s) => s.name)
    const using = servers.length === 0 ? 'the built-in default (logfile only)' : `the built-in default with the servers of the EHT_INFLUX_SERVER_* variables (${servers.join(', ')})`
    warnings.unshift(`no configuration file found (looked in ${await describe(order)}); using ${using}`)
    return deepFreeze(config)
  }
  const found = file
  const { text, mode } = await readConfigFile(found, async () => {
    const others = order.filter((c) => c.path !== found)
    throw new ConfigFileNotFoundError(`configuration file not found (given as ${given}); the search order without a path: ${await describe(others)}`, { file: found })
  })
  const parsed = parseUnfrozen(text, found, { env, cwd }, warnings)
  const warning = permissionWarning(found, mode, parsed)
  if (warning !== undefined) warnings.push(warning)
  return deepFreeze(parsed.config)
}
