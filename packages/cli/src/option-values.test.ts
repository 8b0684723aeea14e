import { describe, expect, it } from 'vitest'
import { collect, parseTagOption } from './option-values.js'

describe('parseTagOption (--tag key=value)', () => {
  it('keeps everything after the first = as the value', () => {
    expect(parseTagOption(['station=Kp', 'note=a=b'])).toEqual({ station: 'Kp', note: 'a=b' })
    expect(parseTagOption([])).toEqual({})
  })

  it.each(['station', '=Kp', 'station='])('%j is a usage error naming it', (value) => {
    expect(() => parseTagOption([value])).toThrow(`--tag ${JSON.stringify(value)}: expected key=value`)
  })
})

describe('collect (a repeatable option)', () => {
  it('keeps every value in order, starting from nothing', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b'])
  })
})
