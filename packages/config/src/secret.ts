const inspect = Symbol.for('nodejs.util.inspect.custom')

/** What a secret prints as, and what print-config writes in place of one. */
export const REDACTED = '***'

/**
 * A token or password. It prints as `***` everywhere (String(), template strings, JSON,
 * console.log / util.inspect); `reveal()` is the only way to read it.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  /** The secret itself: pass it straight to the HTTP client, never to a log. */
  reveal(): string {
    return this.#value
  }

  toString(): '***' {
    return '***'
  }

  toJSON(): '***' {
    return '***'
  }

  [inspect](): '***' {
    return '***'
  }
}
