import { FIXED_SECTIONS, SERVER_KEYS } from './keys.js'
import type { FixedSection, KeySpec } from './keys.js'
import { keyLine } from './ini-lines.js'
import { parseConfig } from './parse-config.js'
import type { EHTConfig } from './types.js'

export const SECTION_DOCS: Readonly<Record<FixedSection | 'server', string>> = {
  client: 'Where points go and how write() behaves.',
  server: 'One section per server: [server.<name>], such as [server.local] or [server.cloud]. No server section = logfile only (this default).',
  logfile: 'The local logfile: every point is written here first, the station\'s record of truth.',
  retry: 'Retries of a batch a server did not take (network down, 5xx, 429).',
  spool: 'Points no server took after the retries wait here for `eht-influx-client replay`.',
  errors: 'Points a server rejected for good (4xx: bad data) are kept here, never retried.',
}

const HEADER = [
  '; eht-influx-client configuration: the built-in default, with every key and its default.',
  '; Start from it: eht-influx-client print-config > influx_config.ini',
  '; Read from the first that exists: $EHT_INFLUX_CONFIG, ./influx_config.ini,',
  ';   ~/.config/eht-influx-client/config.ini, /etc/eht-influx-client/config.ini.',
  '; Any key can be overridden by the environment: EHT_INFLUX_<SECTION>_<KEY> (EHT_INFLUX_RETRY_MAX_RETRIES),',
  ';   for servers EHT_INFLUX_SERVER_<NAME>_<KEY> (EHT_INFLUX_SERVER_LOCAL_URL); EHT_INFLUX_PROFILE sets the profile.',
  '; Durations: a number with ms, s, m, h or d (10s, 5m). Sizes: a number with B, KB, MB or GB, powers of 1024 (100MB).',
  '; Comments: a line starting with ; or #, or ; or # after a space following a value.',
  ';   Quote a value that must hold " ;" or " #": "like ;this". Relative paths are relative to this file.',
  '; An empty value (key =) means the default.',
]

function keyBlock(spec: KeySpec, commented: boolean): string[] {
  const unset = spec.default === undefined && !spec.doc.startsWith('required')
  const doc = `; ${spec.doc}${unset ? ' (unset by default)' : ''}`
  const line = keyLine(spec.key, spec.default, spec.example)
  return [doc, commented && !line.startsWith(';') ? `;${line}` : line]
}

/**
 * The complete default file that `eht-influx-client print-config` prints: every section and key,
 * each with a comment; keys without a default and the example server are commented out.
 * `parseConfig(defaultConfigText())` gives `defaultConfig()`.
 */
export function defaultConfigText(): string {
  const out = [...HEADER]
  for (const section of ['client', 'server', 'logfile', 'retry', 'spool', 'errors'] as const) {
    out.push('', `; ${SECTION_DOCS[section]}`)
    if (section === 'server') {
      out.push(';[server.local]', ...SERVER_KEYS.flatMap((spec) => keyBlock(spec, true)))
    } else {
      out.push(`[${section}]`, ...FIXED_SECTIONS[section].flatMap((spec) => keyBlock(spec, false)))
    }
  }
  return `${out.join('\n')}\n`
}

/**
 * The built-in default: logfile only, every key at its default, relative paths resolved against
 * `options.cwd` (default `process.cwd()`). Environment variables are not applied.
 */
export function defaultConfig(options: { cwd?: string } = {}): EHTConfig {
  return parseConfig('', undefined, { env: {}, cwd: options.cwd })
}
