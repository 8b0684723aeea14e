import type { ConfigErrorLocation } from './errors.js'

/** Where a section or a value came from: a line of the file, or an environment variable. */
export interface Origin {
  line?: number
  column?: number
  variable?: string
  /** How to name it in messages when it differs from where it ended up (a migrated `[eht_influx] url2`). */
  label?: { section: string; key?: string }
}

const id = (section: string, key: string) => `${section}\u0000${key}`

/** Remembers the origin of every section and value, so any later check can name file, line, section and key. */
export class Locations {
  readonly #sections = new Map<string, Origin>()
  readonly #keys = new Map<string, Origin>()

  constructor(readonly file: string | undefined) {}

  setSection(section: string, origin: Origin): void {
    this.#sections.set(section, origin)
  }

  setKey(section: string, key: string, origin: Origin): void {
    this.#keys.set(id(section, key), origin)
  }

  deleteKey(section: string, key: string): void {
    this.#keys.delete(id(section, key))
  }

  hasSection(section: string): boolean {
    return this.#sections.has(section)
  }

  /** The origin of a value that was set (in the file or the environment); undefined for a default. */
  keyOrigin(section: string, key: string): Origin | undefined {
    return this.#keys.get(id(section, key))
  }

  /** For an error: the value's own origin, else its section's, else just the file. */
  at(section: string, key?: string): ConfigErrorLocation {
    const origin = (key === undefined ? undefined : this.#keys.get(id(section, key))) ?? this.#sections.get(section) ?? {}
    return {
      file: this.file,
      line: origin.line,
      column: origin.column,
      variable: origin.variable,
      section: origin.label?.section ?? section,
      key: origin.label?.key ?? key,
    }
  }
}

/** Orders error locations as a reader meets them: by line, environment variables last. */
export function byPosition(a: ConfigErrorLocation, b: ConfigErrorLocation): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0)
}
