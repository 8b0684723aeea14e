import { describe, expect, it } from 'vitest'
import { fluxString, fluxWindowQuery } from './flux.js'

describe('fluxString', () => {
  it('escapes backslashes, quotes and interpolation, so a name stays one string', () => {
    expect(fluxString('plain')).toBe('"plain"')
    expect(fluxString('a "b" c')).toBe('"a \\"b\\" c"')
    expect(fluxString('x\\" or true or "')).toBe('"x\\\\\\" or true or \\""')
    expect(fluxString('${secret}')).toBe('"\\${secret}"')
  })
})

describe('fluxWindowQuery', () => {
  it('reads a window with integer ns bounds, filtered by measurement', () => {
    expect(fluxWindowQuery('eht_test', ['pps', 'we "x"'], 10n, 1617672549204824064n)).toBe(
      [
        'from(bucket: "eht_test")',
        '  |> range(start: time(v: 10), stop: time(v: 1617672549204824064))',
        '  |> filter(fn: (r) => r._measurement == "pps" or r._measurement == "we \\"x\\"")',
      ].join('\n'),
    )
  })

  it('has no filter without measurements, and matches nothing for an empty list', () => {
    expect(fluxWindowQuery('b', undefined, 0n, 1n)).not.toContain('filter')
    expect(fluxWindowQuery('b', [], 0n, 1n)).toContain('filter(fn: (r) => false)')
  })
})
