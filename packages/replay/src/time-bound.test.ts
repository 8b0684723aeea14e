import { describe, expect, it } from 'vitest'
import { ReplayOptionsError } from './errors.js'
import { checkRange, toNs } from './time-bound.js'

const keyOf = (f: () => unknown) => {
  try {
    f()
  } catch (error) {
    return ReplayOptionsError.isInstance(error) ? `${error.key}: ${error.message}` : String(error)
  }
  return 'no error'
}

describe('toNs', () => {
  it('takes bigint ns, RFC 3339 text with all nine digits, and Dates', () => {
    expect(toNs(1617672549204824064n, 'since')).toBe(1617672549204824064n)
    expect(toNs('2021-04-06T01:29:09.204824064Z', 'since')).toBe(1617672549204824064n)
    expect(toNs(new Date('2021-04-06T01:29:09.204Z'), 'since')).toBe(1617672549204000000n)
    expect(toNs(undefined, 'since')).toBeUndefined()
  })

  it('refuses a number (it would lose ns), bad text and invalid Dates, naming the option', () => {
    expect(keyOf(() => toNs(1617672549204824064 as unknown as bigint, 'until'))).toMatch(/^until: .*a number cannot hold ns exactly/)
    expect(keyOf(() => toNs('yesterday', 'since'))).toMatch(/^since: since "yesterday" is not an RFC 3339 time/)
    expect(keyOf(() => toNs(new Date('nope'), 'since'))).toBe('since: since is an invalid Date')
  })
})

describe('checkRange', () => {
  it('wants since before until', () => {
    expect(keyOf(() => checkRange(5n, 5n))).toBe('until: since (5 ns) must be before until (5 ns)')
    expect(keyOf(() => checkRange(4n, 5n))).toBe('no error')
    expect(keyOf(() => checkRange(undefined, 5n))).toBe('no error')
  })
})
