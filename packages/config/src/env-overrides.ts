import { UnknownKeyError } from './errors.js'
import { FIXED_SECTIONS, SECRET_SOURCES, SERVER_KEYS, sectionsHolding } from './keys.js'
import type { Locations } from './locations.js'
import type { RawConfig } from './raw.js'
import { cleanSecret } from './resolve-secrets.js'
import { serverKey } from './scan.js'
import { closest, editDistance } from './suggest.js'

export const ENV_PREFIX = 'EHT_INFLUX_'
const SERVER_KEY_NAMES = SERVER_KEYS.map((k) => k.key)

/** `LOCAL_DB_BATCH_SIZE` -> name `LOCAL_DB`, key `batch_size` (the longest key that ends it). */
function splitServerVariable(rest: string): { name: string; key: string } | undefined {
  const key = SERVER_KEY_NAMES.filter((k) => rest.endsWith(`_${k.toUpperCase()}`) && rest.length > k.length + 1).sort((a, b) => b.length - a.length)[0]
  return key === undefined ? undefined : { name: rest.slice(0, -(key.length + 1)), key }
}

/** The variable most likely meant, when the end of `rest` is no server key. */
function closestServerVariable(rest: string): string | undefined {
  const parts = rest.split('_')
  let best: { text: string; distance: number } | undefined
  for (let i = 1; i < parts.length; i++) {
    const written = parts.slice(i).join('_').toLowerCase()
    const key = closest(written, SERVER_KEY_NAMES)
    if (key === undefined) continue
    const distance = editDistance(written, key)
    if (best === undefined || distance < best.distance) best = { text: `${ENV_PREFIX}SERVER_${parts.slice(0, i).join('_')}_${key.toUpperCase()}`, distance }
  }
  return best?.text
}

interface Override {
  variable: string
  section: string
  key: string
  value: string
}

function overridesFrom(env: NodeJS.ProcessEnv, locations: Locations): Override[] {
  const out: Override[] = []
  const names = Object.keys(env).filter((n) => n.startsWith(ENV_PREFIX)).sort()
  for (const variable of names) {
    const value = env[variable]?.trim()
    if (value === undefined || value === '') continue // an empty variable overrides nothing
    const rest = variable.slice(ENV_PREFIX.length)
    if (rest === 'PROFILE') {
      out.push({ variable, section: 'client', key: 'profile', value })
      continue
    }
    if (rest.startsWith('SERVER_')) {
      const split = splitServerVariable(rest.slice(7))
      if (split === undefined) {
        const guess = closestServerVariable(rest.slice(7))
        const hint = guess === undefined ? `; server keys are ${SERVER_KEY_NAMES.join(', ')}` : `; did you mean \`${guess}\`?`
        throw new UnknownKeyError(`does not end in a server key (${ENV_PREFIX}SERVER_<NAME>_<KEY>)${hint}`, { file: locations.file, variable })
      }
      // A password may start or end with a space: only line endings are dropped (as from a password file).
      out.push({ variable, section: `server.${split.name}`, key: split.key, value: split.key === 'password' ? cleanSecret('password', env[variable]!) : value })
      continue
    }
    const section = Object.keys(FIXED_SECTIONS).find((s) => rest.startsWith(`${s.toUpperCase()}_`))
    if (section === undefined) continue // not an override: e.g. a token named by token_env
    const key = rest.slice(section.length + 1).toLowerCase()
    const known = FIXED_SECTIONS[section as keyof typeof FIXED_SECTIONS].map((k) => k.key)
    if (!known.includes(key)) {
      const guess = closest(key, known)
      const elsewhere = sectionsHolding(key).map((s) => (s === '[server.<name>]' ? `${ENV_PREFIX}SERVER_<NAME>_${key.toUpperCase()}` : `${ENV_PREFIX}${s.slice(1, -1).toUpperCase()}_${key.toUpperCase()}`))
      // A key of another section beats a near name here (CLIENT_URL is no typo of CLIENT_ORG).
      const hint = elsewhere.length > 0 ? `; \`${key}\` belongs in another section: ${elsewhere.join(' or ')}` : guess === undefined ? `; [${section}] takes ${known.join(', ')}` : `; did you mean \`${ENV_PREFIX}${section.toUpperCase()}_${guess.toUpperCase()}\`?`
      throw new UnknownKeyError(`[${section}] has no key \`${key}\`${hint}`, { file: locations.file, variable })
    }
    out.push({ variable, section, key, value })
  }
  // EHT_INFLUX_PROFILE wins over EHT_INFLUX_CLIENT_PROFILE: applied last.
  return out.sort((a, b) => Number(a.variable === `${ENV_PREFIX}PROFILE`) - Number(b.variable === `${ENV_PREFIX}PROFILE`))
}

/**
 * Applies `EHT_INFLUX_<SECTION>_<KEY>`, `EHT_INFLUX_SERVER_<NAME>_<KEY>` and `EHT_INFLUX_PROFILE`
 * to the raw file (in place). A server named only in the environment is added after the file's.
 * Setting one source of a secret (`token`, `token_env`, `token_file`) replaces the file's.
 */
export function applyEnvOverrides(raw: RawConfig, locations: Locations, serverOrder: string[], env: NodeJS.ProcessEnv): void {
  const servers = (raw.server ??= {}) as Record<string, Record<string, string>>
  const fromEnv = new Set<string>()
  for (const o of overridesFrom(env, locations)) {
    let section = o.section
    let target: Record<string, string>
    if (section.startsWith('server.')) {
      const wanted = serverKey(section.slice(7))
      let name = serverOrder.find((n) => serverKey(n) === wanted)
      if (name === undefined) {
        name = wanted.toLowerCase()
        serverOrder.push(name)
        servers[name] = {}
        locations.setSection(`server.${name}`, { variable: o.variable })
      }
      section = `server.${name}`
      target = servers[name]!
    } else {
      target = (raw[section] ??= {}) as Record<string, string>
    }
    for (const trio of Object.values(SECRET_SOURCES) as readonly (readonly string[])[]) {
      if (!trio.includes(o.key)) continue
      for (const other of trio) {
        if (other !== o.key && !fromEnv.has(`${section}.${other}`) && target[other] !== undefined) {
          delete target[other]
          locations.deleteKey(section, other)
        }
      }
    }
    target[o.key] = o.value
    fromEnv.add(`${section}.${o.key}`)
    locations.setKey(section, o.key, { variable: o.variable })
  }
}
