import { RecordError } from './errors.js'
import type { InfluxRecord } from './record.js'
import { checkName, type NameKind } from './name-rules.js'
import { detached } from './detached.js'

/** Entries before a cache starts over (bounds memory when names never repeat). */
const MAX_ENTRIES = 4096

/**
 * Names repeat on every line (measurements, tag keys, most tag values, field
 * keys): each is validated and encoded once, then found by one Map lookup.
 * Only names that passed `checkName` for this kind are ever cached.
 */
export class NameCache {
  private readonly map = new Map<string, string>()

  constructor(
    private readonly kind: NameKind,
    private readonly encode: (name: string) => string,
  ) {}

  /** The encoded name; throws `RecordError` (key `where.key`) when invalid. */
  get(name: string, where: 'measurement' | 'tags' | 'fields', key: string = name): string {
    let encoded = this.map.get(name)
    if (encoded === undefined) {
      checkName(this.kind, name, where === 'measurement' ? where : `${where}.${key}`)
      // A name read from a file is a slice of the chunk it came from: the cache keeps a copy instead.
      const kept = detached(name)
      encoded = this.encode(kept)
      if (this.map.size >= MAX_ENTRIES) this.map.clear()
      this.map.set(kept, encoded)
    }
    return encoded
  }
}

export function noFields(record: InfluxRecord): never {
  throw new RecordError(`record ${JSON.stringify(record.measurement)} has no fields; InfluxDB needs at least one`, 'fields')
}

/** The error of record `index` of a batch, naming its position. */
export function atRecord(error: unknown, index: number, count: number): unknown {
  if (!RecordError.isInstance(error)) return error
  return new RecordError(`record ${index} of ${count}: ${error.message}`, error.key, { cause: error })
}
