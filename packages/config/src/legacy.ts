import { ConflictingKeysError } from './errors.js'
import { Locations } from './locations.js'
import type { Scanned, ScannedEntry, ScannedSection } from './scan.js'
import { unknownKey } from './validate.js'

export const LEGACY_SECTION = 'eht_influx'
const SERVERS = [
  { name: 'primary', suffix: '' },
  { name: 'secondary', suffix: '2' },
] as const
const LEGACY_KEYS = ['url', 'org', 'bucket', 'token', 'url2', 'org2', 'bucket2', 'token2', 'csvlogfile', 'jsonlogfile']

/**
 * Reads a file in the original Python client's format (one `[eht_influx]` section with `url`,
 * `org`, `bucket`, `token`, optionally `url2`... and `csvlogfile` / `jsonlogfile`) as the new
 * sections, keeping each value's line so errors still point into the old file. Returns undefined
 * for a file in the new format.
 */
export function migrateLegacy(scanned: Scanned, file: string | undefined): { scanned: Scanned; warning: string } | undefined {
  const legacy = scanned.sections.find((s) => s.name === LEGACY_SECTION)
  if (legacy === undefined) return undefined
  const other = scanned.sections.find((s) => s.name !== LEGACY_SECTION)
  if (other !== undefined) {
    throw new ConflictingKeysError(`[${LEGACY_SECTION}] (the old Python client's format) cannot be mixed with [${other.name}]; move its values into the new sections (\`eht-influx-client print-config\` prints them all)`, { file, line: other.line, column: other.column, section: other.name })
  }
  const old = new Map<string, ScannedEntry>()
  for (const entry of scanned.entries) {
    if (!LEGACY_KEYS.includes(entry.key)) {
      const locations = new Locations(file)
      locations.setKey(LEGACY_SECTION, entry.key, { line: entry.line, column: entry.column })
      throw unknownKey(locations, LEGACY_SECTION, entry.key, LEGACY_KEYS.map((key) => ({ key, kind: 'text', doc: '' })))
    }
    old.set(entry.key, entry)
  }
  const sections: ScannedSection[] = []
  const entries: ScannedEntry[] = []
  const label = { section: LEGACY_SECTION }
  const add = (section: string, key: string, from: ScannedEntry, value = from.value) => {
    if (!sections.some((s) => s.name === section)) sections.push({ ...legacy, name: section, label })
    entries.push({ ...from, section, key, value, label: { section: LEGACY_SECTION, key: from.key } })
  }
  const read: string[] = []
  for (const { name, suffix } of SERVERS) {
    const keys = ['url', 'org', 'bucket', 'token'].filter((k) => old.has(k + suffix))
    for (const key of keys) add(`server.${name}`, key, old.get(key + suffix)!)
    if (keys.length > 0) read.push(`${keys.map((k) => k + suffix).join(', ')} as [server.${name}]`)
  }
  // The old client had no profile: take it from the first bucket, so the guard still catches a mix.
  const bucket = old.get('bucket') ?? old.get('bucket2')
  if (bucket !== undefined) add('client', 'profile', bucket, bucket.value.endsWith('_test') ? 'test' : 'prod')
  const logfile = old.get('jsonlogfile') ?? old.get('csvlogfile')
  if (logfile !== undefined) {
    add('logfile', 'path', logfile)
    add('logfile', 'format', logfile, logfile.key === 'jsonlogfile' ? 'jsonl' : 'csv')
    add('logfile', 'rotate', logfile, 'none')
    read.push(`${logfile.key} as [logfile] path (format ${logfile.key === 'jsonlogfile' ? 'jsonl' : 'csv'}, rotate none)`)
  }
  const ignored = old.has('jsonlogfile') && old.has('csvlogfile') ? '; csvlogfile is not used (one logfile: the JSONL one)' : ''
  const where = file ?? 'the configuration'
  const warning = `${where} is in the old Python client's format ([${LEGACY_SECTION}], line ${legacy.line}); read ${read.join('; ') || 'nothing'}${ignored}. Run \`eht-influx-client print-config\` for the new format and move to it.`
  return { scanned: { sections, entries }, warning }
}
