import { validateRecord } from '@eht-influx-client/logfile'
import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { collect, parseTagOption } from './option-values.js'

describe('parseTagOption (--tag key=value)', () => {
  it('keeps everything after the first = as the value', () => {
    expect(parseTagOption(['station=Kp', 'note=a=b'])).toEqual({ station: 'Kp', note: 'a=b' })
    expect(parseTagOption([])).toEqual({})
  })

  it.each(['station', '=Kp', 'station='])('%j is a usage error naming it', (value) => {
    expect(() => parseTagOption([value])).toThrow(`--tag ${JSON.stringify(value)}: expected key=value`)
  })

  it.each([
    ['time=x', 'tag key "time" is reserved by InfluxDB for the timestamp'],
    ['_x=1', 'starts with "_"'],
    ['s=a\\', 'ends with a backslash'],
    ['s=a\u0001', 'control character U+0001'],
  ])('%j breaks the rules of a record\'s tags: a usage error naming the option and why', (value, why) => {
    let error: unknown
    try {
      parseTagOption(['station=Kp', value], validateRecord)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message.startsWith(`--tag ${JSON.stringify(value)}: `)).toBe(true)
    expect((error as UsageError).exitCode).toBe(2)
    expect((error as UsageError).message).toContain(why)
    expect(parseTagOption(['station=Kp', 'a b=c d'], validateRecord)).toEqual({ station: 'Kp', 'a b': 'c d' })
  })
})

describe('collect (a repeatable option)', () => {
  it('keeps every value in order, starting from nothing', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b'])
  })
})
