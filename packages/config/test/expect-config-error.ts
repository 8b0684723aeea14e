import { expect } from 'vitest'
import { ConfigError } from '../src/errors.js'

export const FILE = '/etc/eht-influx-client/config.ini'

/** Runs `fn`, expects a ConfigError of `type` whose fields and message name what is given. */
export function expectConfigError(
  fn: () => unknown,
  type: { isInstance(value: unknown): boolean; code: string },
  where: { file?: string; line?: number; column?: number; section?: string; key?: string; variable?: string },
  ...phrases: string[]
): ConfigError {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  expect(ConfigError.isInstance(thrown), `expected a ConfigError, got ${String(thrown)}`).toBe(true)
  const error = thrown as ConfigError
  expect(error.code).toBe(type.code)
  expect(type.isInstance(error)).toBe(true)
  expect(error).toMatchObject(where)
  if (where.file !== undefined) expect(error.message).toContain(where.line === undefined ? where.file : `${where.file}:${where.line}`)
  if (where.section !== undefined) expect(error.message).toContain(`[${where.section}]`)
  if (where.key !== undefined) expect(error.message).toContain(where.key)
  if (where.variable !== undefined) expect(error.message).toContain(where.variable)
  for (const phrase of phrases) expect(error.message).toContain(phrase)
  return error
}

export async function expectConfigErrorAsync(
  promise: Promise<unknown>,
  type: { isInstance(value: unknown): boolean; code: string },
  where: { file?: string; line?: number; section?: string; key?: string },
  ...phrases: string[]
): Promise<ConfigError> {
  const settled = await promise.then(
    () => () => undefined,
    (error: unknown) => () => {
      throw error
    },
  )
  return expectConfigError(settled, type, where, ...phrases)
}
