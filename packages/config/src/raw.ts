import ini from 'ini'
import type { Scanned } from './scan.js'
import { Locations } from './locations.js'

/** The file as `ini` reads it: `{ client: { bucket: 'eht_test' }, server: { local: { url: '...' } } }`, every value a string. */
export type RawConfig = Record<string, Record<string, unknown>>

function strings(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return String(value)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strings(v)]))
}

/**
 * Feeds the scanned file to `ini`, written so that it cannot misread it: every value JSON-quoted
 * (so `;`, `#`, `=` and backslashes survive exactly), dots escaped except in `[server.<name>]`
 * (which `ini` nests as `server.<name>`), and empty values left out (empty means "use the default").
 */
export function toRaw(scanned: Scanned, file: string | undefined): { raw: RawConfig; locations: Locations; serverOrder: string[] } {
  const locations = new Locations(file)
  const lines: string[] = []
  for (const section of scanned.sections) {
    locations.setSection(section.name, { line: section.line, column: section.column, label: section.label })
    const name = section.name.startsWith('server.') ? section.name : section.name.replaceAll('.', '\\.')
    lines.push(`[${name}]`)
    for (const entry of scanned.entries) {
      if (entry.section !== section.name || entry.value === '') continue
      locations.setKey(entry.section, entry.key, { line: entry.line, column: entry.column, label: entry.label })
      lines.push(`${entry.key} = ${JSON.stringify(entry.value)}`)
    }
  }
  const raw = strings(ini.parse(lines.join('\n'))) as RawConfig
  // File order, kept apart: an object would put a server named `2` before one named `1`.
  const serverOrder = scanned.sections.filter((s) => s.name.startsWith('server.')).map((s) => s.name.slice(7))
  return { raw, locations, serverOrder }
}
