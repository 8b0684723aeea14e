import { describe, expect, it, vi } from 'vitest'
import { checkEdgeTimes, checkOneCharacterEdits, checkRandomEdits, EVERY_TYPE, inChunk, TAKEN_TIMES, TEMPLATES, type EditCheck } from '../test/fixtures/byte-code-lines.js'
import { viewOf } from './byte-view.js'
import { matchShape, timeEnd } from './jsonl-byte-match.js'
import type { ByteShape, ShapeTranscoder } from './jsonl-byte-shapes.js'
import { compileShapeTranscoder } from './jsonl-bytes-to-lp-code.js'
import { transcodeJsonlBytes } from './jsonl-bytes-to-lp.js'
import { decodeJsonl } from './jsonl-decode.js'
import { jsonlLineToLineProtocol } from './jsonl-to-lp.js'
import { decodeLineProtocol } from './lp-decode.js'
import { encodeLineProtocol } from './lp-encode.js'
import { plausibleDigits, type PlausibleDigits } from './plausible-digits.js'

/** Teaches the byte path the shape of each line (the decoder remembers it, the string transcoder checks it). */
function teach(lines: readonly string[]): void {
  for (const line of [...lines, ...lines]) jsonlLineToLineProtocol(line)
}

/** The byte shape the general matcher finds for `line`, or undefined. */
function shapeOf(line: string, floatsAsWritten = false): ByteShape | undefined {
  const { src, s, e } = inChunk(line)
  const end = timeEnd(src, s, e)
  return end < 0 ? undefined : matchShape(src, e, end, 'lineProtocol', floatsAsWritten)
}

const out = Buffer.alloc(1 << 16)
const outView = viewOf(out)
const codes = new Map<ByteShape, ShapeTranscoder>()

/** What the compiled transcoder of `shape` makes of `line`: its line protocol with the newline, or -1. */
function compiled(shape: ByteShape, line: string, floatsAsWritten = false, plausible?: PlausibleDigits): string | number {
  let code = codes.get(shape)
  if (code === undefined) codes.set(shape, (code = compileShapeTranscoder(shape)!))
  const { src, s, e } = inChunk(line)
  const end = code(src.bytes, src.view, src, s, e, outView, 5, floatsAsWritten, plausible)
  return end < 0 ? end : out.toString('latin1', 5, end)
}

/**
 * What the compiled transcoder of `shape` must make of `line`: what the
 * general byte path writes when the general matcher finds `shape` for it
 * (checked against decodeJsonl + encodeLineProtocol; with floatsAsWritten,
 * where the text differs, its line protocol must decode to the line's record),
 * else -1.
 */
function expected(shape: ByteShape, line: string, floatsAsWritten = false): string | number {
  if (shapeOf(line, floatsAsWritten) !== shape) return -1
  const saved = shape.lpCode
  shape.lpCode = null // the general way
  try {
    const { src, s, e } = inChunk(line)
    const end = transcodeJsonlBytes(src, s, e, outView, 5, undefined, floatsAsWritten)
    expect(end, line).toBeGreaterThan(0)
    const written = out.toString('latin1', 5, end)
    const encoded = `${encodeLineProtocol(decodeJsonl(line))}\n`
    if (floatsAsWritten && written !== encoded) expect(decodeLineProtocol(written.slice(0, -1)), line).toEqual(decodeJsonl(line))
    else expect(written).toBe(encoded)
    return written
  } finally {
    shape.lpCode = saved
  }
}

describe('compileShapeTranscoder', () => {
  teach(TEMPLATES)

  it('writes what the general byte path writes, for every template line', () => {
    for (const line of TEMPLATES) {
      const shape = shapeOf(line)!
      expect(shape, line).toBeDefined()
      const result = compiled(shape, line)
      expect(typeof result, line).toBe('string')
      expect(result).toBe(expected(shape, line))
    }
  })

  /** The compiled transcoder does with the line what it must (expected()); true when it takes it. */
  const check: EditCheck = (template, line) => {
    const shape = shapeOf(template)!
    const want = expected(shape, line)
    expect(compiled(shape, line), line).toBe(want)
    return want !== -1
  }

  it('takes a line exactly when the general matcher finds its shape, and writes the same, for every one-character edit', () => {
    const { taken, refused } = checkOneCharacterEdits(check)
    // Most edits break the line; digits in values and tag texts still match.
    expect(taken).toBeGreaterThan(500)
    expect(refused).toBeGreaterThan(20_000)
  })

  it('takes a line exactly when the general matcher finds its shape, on 20000 lines with random edits', () => {
    // Most edits break the line or make a shape of their own.
    expect(checkRandomEdits(77, 20_000, check).taken).toBeGreaterThan(500)
  })

  it('finds times as the general matcher does, at and beyond the limits of line protocol', () => {
    expect(checkEdgeTimes(check)).toEqual(TAKEN_TIMES)
  })

  it('with plausible times, refuses exactly the times outside them, as the bigint comparison does, and writes the same for the others', () => {
    const template = '{"time":"5","measurement":"plausible_code","tags":{"a":"b"},"fields":{"v":2.5}}'
    teach([template])
    const shape = shapeOf(template)!
    // Times of every length and sign around the bounds: the first digit and the count decide most, the rest in full.
    const times = ['0', '1', '9', '10', '-1', '-9', '-10', '99', '100', '631151999999999999', '631152000000000000', '631152000000000001', '999999999999999999',
      '1000000000000000000', '1617672549204824064', '4102444799999999999', '4102444800000000000', '4102444800000000001', '5000000000000000000',
      '8999999999999999999', '9000000000000000000', '9223372036854775806', '-1617672549204824064', '-9223372036854775806']
    const bounds = [...times.filter((t) => t !== '9223372036854775806'), '4', '40', '-4', '-40', '3102444800000000000']
    let inside = 0
    for (const since of bounds) {
      for (const until of bounds) {
        if (BigInt(since) >= BigInt(until)) continue
        const plausible = plausibleDigits(since, until)
        for (const t of times) {
          const line = template.replace('"time":"5"', `"time":"${t}"`)
          const want = BigInt(t) >= BigInt(since) && BigInt(t) < BigInt(until) ? compiled(shape, line) : -1
          if (want !== -1) inside++
          expect(compiled(shape, line, false, plausible), `${t} in [${since}, ${until})`).toBe(want)
        }
      }
    }
    expect(inside).toBeGreaterThan(1000)
  })

  it('handles a wide shape: 200 fields of every type, names of every length', () => {
    const values = ['1.5', '{"i":"-7"}', '{"u":"7"}', 'true', 'false', '"text"', '-8.414709848078964e-8']
    const fields = Array.from({ length: 200 }, (_, i) => `"${'f'.repeat(1 + (i % 9))}${i}":${values[i % values.length]}`).join(',')
    const line = `{"time":"1617672549204824064","measurement":"wide","tags":{"a":"b"},"fields":{${fields}}}`
    teach([line])
    const shape = shapeOf(line)!
    expect(shape.types).toHaveLength(200)
    expect(compiled(shape, line)).toBe(expected(shape, line))
    const longer = line.replace('"ffffff5":"text"', '"ffffff5":"longer text"')
    expect(longer).not.toBe(line)
    expect(compiled(shape, longer)).toBe(expected(shape, longer))
    expect(compiled(shape, longer)).toContain('ffffff5="longer text"')
    expect(line.endsWith('true}}')).toBe(true)
    expect(compiled(shape, `${line.slice(0, -2)},}}`)).toBe(-1)
  })

  it('generates code once per layout: shapes that differ only in their names and tag values share it', () => {
    const lineOf = (scan: number, name: string) => `{"time":"${scan}","measurement":"${name}","tags":{"scan":"no${scan}"},"fields":{"temp":2.5,"n":{"i":"${scan}"}}}`
    const lines = [lineOf(1, 'shared_a'), lineOf(2, 'shared_b'), lineOf(3, 'shared_c'), lineOf(4, 'shared_longer_name')]
    teach(lines)
    const shapes = lines.map((line) => shapeOf(line)!)
    expect(new Set(shapes).size).toBe(4)
    const real = globalThis.Function
    let generated = 0
    vi.stubGlobal('Function', function (...args: string[]) {
      generated++
      return real(...args)
    })
    try {
      for (const [n, line] of lines.entries()) expect(compiled(shapes[n]!, line), line).toBe(expected(shapes[n]!, line))
    } finally {
      vi.unstubAllGlobals()
    }
    // One layout for the three names of one length, one for the longer name.
    expect(generated).toBe(2)
  })

  it('is what the byte path uses once a shape has been read a few times, with the same output', () => {
    const line = '{"time":"42","measurement":"compiled_use","tags":{"a":"b"},"fields":{"v":2.5,"c":{"i":"7"}}}'
    teach([line])
    const shape = shapeOf(line)!
    for (let n = 0; n < 20; n++) {
      const { src, s, e } = inChunk(line)
      const end = transcodeJsonlBytes(src, s, e, outView, 0, undefined)
      expect(out.toString('latin1', 0, end)).toBe('compiled_use,a=b c=7i,v=2.5 42\n')
    }
    expect(typeof shape.lpCode).toBe('function')
  })

  describe('with floatsAsWritten', () => {
    /** As check, with the option: the counts of lines taken with it, and of those only with it (a float not written as JS prints it). */
    const counts = { taken: 0, onlyAsWritten: 0 }
    const checkAsWritten: EditCheck = (template, line) => {
      const shape = shapeOf(template)!
      const want = expected(shape, line, true)
      expect(compiled(shape, line, true), line).toBe(want)
      if (want !== -1) {
        counts.taken++
        if (expected(shape, line) === -1) counts.onlyAsWritten++
      }
      return want !== -1
    }

    it('copies floats as written where they are finite JSON numbers, and nothing else changes', () => {
      const line = EVERY_TYPE.replace('"v":1.5', '"v":1.50').replace('e-8}', 'E-8}')
      const shape = shapeOf(EVERY_TYPE)!
      expect(compiled(shape, line)).toBe(-1)
      expect(compiled(shape, line, true)).toBe(`${encodeLineProtocol(decodeJsonl(EVERY_TYPE)).replace('v=1.5', 'v=1.50').replace('e-8 ', 'E-8 ')}\n`)
      expect(compiled(shape, line, true)).toBe(expected(shape, line, true))
      for (const [text, taken] of [['-0.0', true], ['1E5', true], ['1e-400', true], ['9.99e299', true], ['1e300', false], ['1e999', false], ['01.5', false], ['1.', false], ['.5', false], ['1e', false], ['1e+', false], ['--1', false]] as const) {
        const edited = EVERY_TYPE.replace('"v":1.5', `"v":${text}`)
        expect(compiled(shape, edited, true) !== -1, text).toBe(taken)
        expect(compiled(shape, edited, true), text).toBe(expected(shape, edited, true))
      }
      // -0.0 keeps its sign, as the record does (JS prints -0 as 0).
      expect(compiled(shape, EVERY_TYPE.replace('"v":1.5', '"v":-0.0'), true)).toContain(',v=-0.0,')
    })

    it('takes a line exactly when the general matcher does with the option, and writes the same, for every one-character edit', () => {
      counts.taken = counts.onlyAsWritten = 0
      const { taken, refused } = checkOneCharacterEdits(checkAsWritten)
      expect(taken).toBeGreaterThan(500)
      expect(refused).toBeGreaterThan(20_000)
      expect(counts.onlyAsWritten).toBeGreaterThan(50)
    })

    it('takes a line exactly when the general matcher does with the option, on 20000 lines with random edits', () => {
      counts.taken = counts.onlyAsWritten = 0
      expect(checkRandomEdits(78, 20_000, checkAsWritten).taken).toBeGreaterThan(500)
      expect(counts.onlyAsWritten).toBeGreaterThan(20)
    })
  })

  it('leaves the general way to transcode every line where code generation is off', () => {
    const line = '{"time":"43","measurement":"no_codegen_lp","tags":{"a":"b"},"fields":{"v":2.5,"ok":true}}'
    teach([line])
    const shape = shapeOf(line)!
    let compiles = 0
    vi.stubGlobal('Function', function () {
      compiles++
      throw new EvalError('Code generation from strings disallowed for this context')
    })
    try {
      for (let n = 0; n < 20; n++) {
        const { src, s, e } = inChunk(line)
        const end = transcodeJsonlBytes(src, s, e, outView, 0, undefined)
        expect(out.toString('latin1', 0, end)).toBe('no_codegen_lp,a=b ok=T,v=2.5 43\n')
      }
    } finally {
      vi.unstubAllGlobals()
    }
    expect(compiles).toBe(1)
    expect(shape.lpCode).toBeNull()
  })
})
