import { describe, expect, it } from 'vitest'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { prng, randomRecords } from '../test/fixtures/random-records.js'
import { stationRecords } from '../test/fixtures/station-records.js'
import { decodeLineProtocol } from './lp-decode.js'
import { forgetLineProtocol } from './lp-decode-cache.js'
import { encodeLineProtocol } from './lp-encode.js'
import type { InfluxRecord } from './record.js'

/** What decodeLineProtocol makes of a line: its record, or its error's message and column. */
function outcome(line: string): InfluxRecord | string {
  try {
    return decodeLineProtocol(line)
  } catch (error) {
    return `${(error as Error).message} @${(error as { column?: number }).column}`
  }
}

/** Lines of a few series (as a station logs), random records, and edits of both. */
function lines(): string[] {
  const base = [...stationRecords(400), ...randomRecords(5, 400, { bigIntegers: true })].map(encodeLineProtocol)
  const random = prng(17)
  const pieces = [' ', ',', '=', '\\', '\\ ', '\\,', '"', '#', '_', 'i', 'u', 't', 'e', '-', '0', '9', '.', '\r', '  ', 'time', '99999999999999999999']
  const mutated = Array.from({ length: 6000 }, (_, n) => mutateLine(base[n % base.length]!, random, pieces))
  const times = ['-0', '0', '007', '-9223372036854775806', '9223372036854775806', '9223372036854775807', '-9223372036854775807', '1e9', '1617672549204824064']
  const timed = base.slice(0, 50).flatMap((line) => times.map((t) => line.replace(/ [^ ]+$/, ` ${t}`)))
  // Escapes next to the space that ends the series.
  const escaped = ['m,t=a\\ b f=1 1', 'm,t=a\\\\ f=1 1', 'm,t=a\\\\\\ b f=1 1', 'm\\ x,t=a f=1 1', 'm\\,x f=1 1', 'm,t=a\\, f=1 1', 'm,t\\ k=a f=1 1', 'm,t=a\\  f=1 1', 'm,t=a\\\\  f=1 1']
  return [...base, ...mutated, ...timed, ...escaped, ...escaped.map((line) => line.replace('f=1', 'f=2'))]
}

describe('decodeLineProtocol with what it remembers', () => {
  it('gives every line the record or the error it gives the line read first, in any order', () => {
    const all = lines()
    // Each line read first: nothing remembered.
    const first = all.map((line) => {
      forgetLineProtocol()
      return outcome(line)
    })
    expect(first.filter((o) => typeof o === 'string').length).toBeGreaterThan(2000)
    expect(first.filter((o) => typeof o !== 'string').length).toBeGreaterThan(3000)
    // Then all of them, shuffled, twice, with the series and keys remembered as they come.
    forgetLineProtocol()
    const random = prng(23)
    for (let pass = 0; pass < 2; pass++) {
      const order = all.map((_, i) => i).sort(() => random() - 0.5)
      for (const i of order) expect(outcome(all[i]!), all[i]).toEqual(first[i])
    }
  })

  it('hands out tags the caller may change without changing the next record of the series', () => {
    const line = 'pps_offset,receiver=R0,station=Kp offset=1.5 1617672549204824064'
    forgetLineProtocol()
    for (let n = 0; n < 3; n++) {
      const record = decodeLineProtocol(line)
      expect(record.tags).toEqual({ receiver: 'R0', station: 'Kp' })
      record.tags.station = 'changed'
      record.tags.extra = 'added'
    }
  })

  it('reads times as BigInt does, and rejects those outside InfluxDB range, whether or not the series is known', () => {
    const times = ['-0', '0', '007', '-007', '1', '-1', '9223372036854775806', '-9223372036854775806', '9223372036854775807', '-9223372036854775807', '9223372036854775796', '9223372036854775805', '10000000000000000000', '999999999999999999', '1617672549204824064', '-1617672549204824064', '4294967296', '1e9', '1.5', '--1', '12a']
    for (const known of [false, true]) {
      for (const time of times) {
        if (!known) forgetLineProtocol()
        const line = `m,t=a f=1 ${time}`
        const result = outcome(line)
        if (!/^-?\d+$/.test(time)) expect(result, time).toMatch(/is not an integer of nanoseconds/)
        else if (BigInt(time) < -(2n ** 63n) + 2n || BigInt(time) > 2n ** 63n - 2n) expect(result, time).toMatch(/outside InfluxDB's range/)
        else expect((result as InfluxRecord).timestamp, time).toBe(BigInt(time))
      }
    }
  })
})
