import { BOOLEAN_WORDS, specOf } from './keys.js'
import type { Locations } from './locations.js'
import type { RotatePolicy } from './types.js'
import { MAX_DURATION_MS, MAX_DURATION_TEXT, tryParseDuration, tryParseSize } from './units.js'
import { invalidValue } from './validate.js'

/**
 * Typed reads of one validated section (defaults already filled in). Each conversion that can
 * still fail (a range, a fraction of a millisecond) throws InvalidValueError naming the key.
 */
export class SectionReader {
  constructor(
    readonly values: Record<string, string>,
    readonly section: string,
    readonly locations: Locations,
    readonly resolvePath: (value: string) => string,
  ) {}

  invalid(key: string, expected?: string): never {
    throw invalidValue(this.locations, this.section, key, this.values[key] ?? '', expected)
  }

  optional(key: string): string | undefined {
    return this.values[key]
  }

  text(key: string): string {
    return this.values[key] ?? this.invalid(key)
  }

  word<T extends string>(key: string): T {
    return this.text(key) as T
  }

  duration(key: string): number {
    const value = tryParseDuration(this.text(key)) ?? this.invalid(key)
    // e.g. timeout = 0: every request would time out at once
    const min = specOf(this.section, key)?.min
    if (min !== undefined && value < min) this.invalid(key)
    // A duration that reaches a timer: a longer one would fire after 1 ms. One only compared
    // (max_retry_time) is not bound.
    if (specOf(this.section, key)?.untimed !== true && value > MAX_DURATION_MS) this.invalid(key, `a duration ${MAX_DURATION_TEXT}`)
    return value
  }

  size(key: string): number {
    return tryParseSize(this.text(key)) ?? this.invalid(key)
  }

  number(key: string): number {
    const spec = specOf(this.section, key)!
    const value = Number(this.text(key))
    if (!Number.isFinite(value) || value < (spec.min ?? 0) || (spec.max !== undefined && value > spec.max)) this.invalid(key)
    if (spec.kind === 'integer' && !Number.isSafeInteger(value)) this.invalid(key)
    return value
  }

  boolean(key: string): boolean {
    return BOOLEAN_WORDS[this.text(key).toLowerCase()] ?? this.invalid(key)
  }

  path(key: string): string {
    return this.resolvePath(this.text(key))
  }

  optionalPath(key: string): string | undefined {
    return this.values[key] === undefined ? undefined : this.path(key)
  }

  rotate(key: string): RotatePolicy {
    const text = this.text(key)
    if (text === 'none' || text === 'hourly' || text === 'daily') return { kind: text }
    const maxBytes = tryParseSize(text)
    if (maxBytes === undefined || maxBytes === 0) this.invalid(key, 'none, hourly, daily or a size above 0 such as 100MB')
    return { kind: 'size', maxBytes }
  }

  url(key: string): string {
    const text = this.text(key)
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return this.invalid(key)
    }
    if (url.username !== '' || url.password !== '' || /[?#]/.test(text)) this.invalid(key)
    // Kept exactly as written, case included: replay names its checkpoint files after the URL, so a
    // rewritten one would orphan them. Those who test the scheme (`HTTPS://`) compare without case.
    return text
  }
}
