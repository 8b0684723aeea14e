import { describe, expect, it } from 'vitest'
import { inChunk } from '../test/fixtures/byte-code-lines.js'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { prng, randomRecords } from '../test/fixtures/random-records.js'
import { stationRecords } from '../test/fixtures/station-records.js'
import { fallbackLines, withValue as valueIn } from '../test/fixtures/jsonl-fallback-lines.js'
import { viewOf } from './byte-view.js'
import { guessedShape } from './jsonl-byte-match.js'
import { byteFilter, FALLBACK, FILTERED, NO_ROOM, NOT_BEFORE, transcodeJsonlBytes, type ByteFilterOptions } from './jsonl-bytes-to-lp.js'
import { plausibleDigits } from './plausible-digits.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { jsonlLineToLineProtocol } from './jsonl-to-lp.js'
import { encodeLineProtocol } from './lp-encode.js'

/** What the general path makes of a line: its line protocol, or undefined for a bad line. */
function reference(line: string): string | undefined {
  try {
    return encodeLineProtocol(decodeJsonl(line))
  } catch {
    return undefined
  }
}

/**
 * Teaches the byte path the shapes of these lines: the decoder remembers a
 * shape from the first line, the string transcoder checks it on the second.
 */
function teach(lines: readonly string[]): void {
  for (const line of [...lines, ...lines]) {
    try {
      jsonlLineToLineProtocol(line)
    } catch {
      // a bad line teaches nothing
    }
  }
}

const out = Buffer.alloc(1 << 16)
const outView = viewOf(out)

/** The byte path's result: the line protocol it wrote (with its newline), or the code it returned. */
function bytePath(line: string, options?: ByteFilterOptions): string | number {
  const filter = options === undefined ? undefined : byteFilter(options)
  const { src, s, e } = inChunk(line)
  const end = transcodeJsonlBytes(src, s, e, outView, 3, filter)
  return end < 0 ? end : out.toString('latin1', 3, end)
}

const isAscii = (line: string) => /^[\x00-\x7f]*$/.test(line)

describe('transcodeJsonlBytes', () => {
  it('writes byte for byte what decodeJsonl + encodeLineProtocol give, for most lines of checked shapes', () => {
    const lines = [...randomRecords(11, 2000, { bigIntegers: true }), ...stationRecords(1500)].map(encodeJsonl).filter(isAscii)
    teach(lines.slice(0, 300))
    teach(lines.filter((_, i) => i % 50 === 0))
    let taken = 0
    for (const line of lines) {
      const result = bytePath(line)
      if (result === FALLBACK) continue
      expect(result, line).toBe(`${reference(line)}\n`)
      taken++
    }
    // Random records have a shape each (mostly unseen); station records share a few shapes.
    expect(taken).toBeGreaterThan(1000)
  })

  it('takes no line the general path rejects, and writes the same as it for the rest, on 20000 mutated lines', () => {
    const lines = stationRecords(300).map(encodeJsonl).filter(isAscii)
    teach(lines)
    const random = prng(41)
    const pieces = ['"', '\\', '\\"', '\\n', '\\u0000', '\t', '{', '}', ',', ':', ' ', '0', '1', '9', 'e', 'E', '.', '-', '+', 'i', 'u', 'true', 'false', '""', '}}', '{"i":"', '{"u":"', '"}', '99999999999999999999', '-0', '00', '1.50', '1e999', '9223372036854775808']
    let taken = 0
    let rejected = 0
    for (let n = 0; n < 20_000; n++) {
      const line = mutateLine(lines[n % lines.length]!, random, pieces)
      if (!isAscii(line)) continue
      const expected = reference(line)
      const result = bytePath(line)
      if (expected === undefined) rejected++
      if (result === FALLBACK) continue
      expect(result, line).toBe(`${expected}\n`)
      taken++
    }
    // Most edits break the JSON; of the lines still valid, many have a new shape (a key or tag edited).
    expect(taken).toBeGreaterThan(800)
    expect(rejected).toBeGreaterThan(10_000)
  })

  const base = '{"time":"5","measurement":"edge","tags":{"t":"a b"},"fields":{"v":1.5,"n":{"i":"2"},"u":{"u":"3"},"b":true,"s":"ok"}}'
  const withValue = (field: string, json: string) => valueIn(base, field, json)

  it('takes the line of a checked shape, with its values as line protocol writes them', () => {
    teach([base])
    expect(bytePath(base)).toBe('edge,t=a\\ b b=T,n=2i,s="ok",u=3u,v=1.5 5\n')
    expect(bytePath(withValue('b', 'false').replace('"time":"5"', '"time":"-17"'))).toBe('edge,t=a\\ b b=F,n=2i,s="ok",u=3u,v=1.5 -17\n')
    expect(bytePath(withValue('v', '-8.414709848078964e-8'))).toBe('edge,t=a\\ b b=T,n=2i,s="ok",u=3u,v=-8.414709848078964e-8 5\n')
    expect(bytePath(withValue('n', '{"i":"-9223372036854775808"}'))).toBe('edge,t=a\\ b b=T,n=-9223372036854775808i,s="ok",u=3u,v=1.5 5\n')
    expect(bytePath(withValue('u', '{"u":"18446744073709551615"}'))).toBe('edge,t=a\\ b b=T,n=2i,s="ok",u=18446744073709551615u,v=1.5 5\n')
  })

  it.each([
    ...fallbackLines(base),
    ['a float not as JS prints it', withValue('v', '1.50')],
    ['-0 as a float', withValue('v', '-0')],
    ['an exponent JS does not write', withValue('v', '1E3')],
    ['a string with an escaped quote', withValue('s', '"a\\"b"')],
    ['a string with an escaped backslash', withValue('s', '"a\\\\b"')],
    ['a string with a unicode escape', withValue('s', '"\\u0041"')],
  ])('leaves %s to the string path', (_, line) => {
    teach([base])
    expect(bytePath(base)).not.toBe(FALLBACK)
    expect(bytePath(line)).toBe(FALLBACK)
  })

  it('filters by measurement and by time, and stops before a time, exactly as the bigint comparison does', () => {
    teach([base])
    const random = prng(3)
    const times = ['0', '5', '-5', '9', '10', '-10', '99', '100', '-100', '1617672549204824064', '-1617672549204824064', '9223372036854775806', '-9223372036854775806']
    const at = (t: string) => base.replace('"time":"5"', `"time":"${t}"`)
    for (let n = 0; n < 500; n++) {
      const t = times[Math.floor(random() * times.length)]!
      const since = times[Math.floor(random() * times.length)]!
      const until = times[Math.floor(random() * times.length)]!
      const before = times[Math.floor(random() * times.length)]!
      const kept = BigInt(t) >= BigInt(since) && BigInt(t) < BigInt(until)
      const expected = !kept ? 'filtered' : BigInt(t) >= BigInt(before) ? 'not before' : 'taken'
      const result = bytePath(at(t), { measurements: undefined, since, until, before })
      expect(result === FILTERED ? 'filtered' : result === NOT_BEFORE ? 'not before' : typeof result === 'string' ? 'taken' : result, `${t} in [${since}, ${until}) before ${before}`).toBe(expected)
    }
    expect(bytePath(base, { measurements: new Set(['other']), since: undefined, until: undefined, before: undefined })).toBe(FILTERED)
    expect(bytePath(base, { measurements: new Set(['edge']), since: undefined, until: undefined, before: undefined })).toBe('edge,t=a\\ b b=T,n=2i,s="ok",u=3u,v=1.5 5\n')
  })

  it('with plausible alone or with other filters, gives FALLBACK for a time outside it, on the compiled and the general way', () => {
    teach([base])
    const at = (t: string) => base.replace('"time":"5"', `"time":"${t}"`)
    // Read a few times first, so that the shape's compiled transcoder decides; lpCode null: the general way.
    for (let n = 0; n < 10; n++) bytePath(base)
    const shape = guessedShape()!
    expect(typeof shape.lpCode).toBe('function')
    const code = shape.lpCode
    for (const lpCode of [code, null]) {
      shape.lpCode = lpCode
      try {
        const plausible = plausibleDigits('100', '1000')
        for (const [t, want] of [['99', FALLBACK], ['-100', FALLBACK], ['100', 'taken'], ['999', 'taken'], ['1000', FALLBACK], ['1617672549204824064', FALLBACK]] as const) {
          const result = bytePath(at(t), { plausible })
          expect(typeof result === 'string' ? 'taken' : result, `${t} ${lpCode === null ? 'general' : 'compiled'}`).toBe(want)
          const withSince = bytePath(at(t), { plausible, since: '500' })
          expect(typeof withSince === 'string' ? 'taken' : withSince, `${t} since 500`).toBe(want === FALLBACK ? FALLBACK : BigInt(t) >= 500n ? 'taken' : FILTERED)
        }
        expect(bytePath(at('500'), { plausible })).toBe(`edge,t=a\\ b b=T,n=2i,s="ok",u=3u,v=1.5 500\n`)
      } finally {
        shape.lpCode = code
      }
    }
  })

  it('says when the output has no room for the line', () => {
    teach([base])
    const { src, s, e } = inChunk(base)
    expect(transcodeJsonlBytes(src, s, e, viewOf(Buffer.alloc(100)), 0, undefined)).toBe(NO_ROOM)
  })
})
