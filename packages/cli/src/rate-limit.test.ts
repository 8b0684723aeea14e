import { parseSize } from '@eht-influx-client/config'
import { describe, expect, it } from 'vitest'
import { UsageError } from './errors.js'
import { parseRateLimit } from './rate-limit.js'

const parse = (text: string) => parseRateLimit(text, { parseSize })

describe('parseRateLimit (--rate-limit)', () => {
  it('points, bytes (powers of 1024) or both, in any order', () => {
    expect(parse('5000/s')).toEqual({ pointsPerSecond: 5000 })
    expect(parse('1MB/s')).toEqual({ bytesPerSecond: 1024 * 1024 })
    expect(parse('1MB/s,5000/s')).toEqual({ pointsPerSecond: 5000, bytesPerSecond: 1024 * 1024 })
    expect(parse('2500 points/s 512KB/s')).toEqual({ pointsPerSecond: 2500, bytesPerSecond: 512 * 1024 })
  })

  it.each([
    ['fast', 'does not end in /s'],
    ['5000', 'does not end in /s'],
    ['lots/s', 'neither a number of points nor a size'],
    ['1/s,2/s', 'two point rates'],
    ['0/s', 'above 0'],
    ['', 'empty'],
  ])('%j: a usage error saying %s', (text, why) => {
    let error: unknown
    try {
      parse(text)
    } catch (e) {
      error = e
    }
    expect(UsageError.isInstance(error)).toBe(true)
    expect((error as Error).message).toContain(`--rate-limit ${JSON.stringify(text)}`)
    expect((error as Error).message).toContain(why)
  })
})
