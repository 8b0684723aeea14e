import { expect } from 'vitest'
import type { ExpectedError } from './corpus-cases.js'

/** The message contains every expected word and none of the absent ones (the case id in each failure). */
export function expectWords(message: string, expected: Pick<ExpectedError, 'contains' | 'absent'>, label: string): void {
  for (const word of expected.contains) expect(message, `${label}: the message should contain ${JSON.stringify(word)}`).toContain(word)
  for (const word of expected.absent ?? []) expect(message, `${label}: the message should not contain ${JSON.stringify(word)}`).not.toContain(word)
}

/** The exported error classes of a package module: name -> class with a static isInstance. */
export function errorClasses(module: Record<string, unknown>): Map<string, { isInstance(value: unknown): boolean }> {
  const classes = new Map<string, { isInstance(value: unknown): boolean }>()
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === 'function' && value.prototype instanceof Error && typeof (value as { isInstance?: unknown }).isInstance === 'function') {
      classes.set(name, value as unknown as { isInstance(value: unknown): boolean })
    }
  }
  return classes
}

/** The error is of the expected exported class: by the package's own isInstance() and by name. */
export function expectClass(error: unknown, className: string, classes: ReadonlyMap<string, { isInstance(value: unknown): boolean }>, label: string): void {
  const cls = classes.get(className)
  expect(cls, `${label}: ${className} is not an exported error class`).toBeDefined()
  expect((error as Error)?.name, `${label}: error class (message: ${(error as Error)?.message})`).toBe(className)
  expect(cls!.isInstance(error), `${label}: ${className}.isInstance(error)`).toBe(true)
}
