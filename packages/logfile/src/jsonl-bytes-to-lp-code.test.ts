import { describe, expect, it, vi } from 'vitest'
import { mutateLine } from '../test/fixtures/mutate-line.js'
import { prng } from '../test/fixtures/random-records.js'
import { stationRecords } from '../test/fixtures/station-records.js'
import { viewOf } from './byte-view.js'
import { matchShape, timeEnd, type ByteText } from './jsonl-byte-match.js'
import type { ByteShape, ShapeTranscoder } from './jsonl-byte-shapes.js'
import { compileShapeTranscoder } from './jsonl-bytes-to-lp-code.js'
import { transcodeJsonlBytes } from './jsonl-bytes-to-lp.js'
import { decodeJsonl } from './jsonl-decode.js'
import { encodeJsonl } from './jsonl-encode.js'
import { jsonlLineToLineProtocol } from './jsonl-to-lp.js'
import { encodeLineProtocol } from './lp-encode.js'

/** Teaches the byte path the shape of each line (the decoder remembers it, the string transcoder checks it). */
function teach(lines: readonly string[]): void {
  for (const line of [...lines, ...lines]) jsonlLineToLineProtocol(line)
}

/** `line` in the middle of a chunk of ASCII bytes, as the reader hands lines over. */
function inChunk(line: string): { src: ByteText; s: number; e: number } {
  const text = `{"x":1}\n${line}\n{"time":"1"`
  const bytes = Buffer.from(text, 'latin1')
  return { src: { bytes, view: viewOf(bytes), text }, s: 8, e: 8 + line.length }
}

/** The byte shape the general matcher finds for `line`, or undefined. */
function shapeOf(line: string): ByteShape | undefined {
  const { src, s, e } = inChunk(line)
  const end = timeEnd(src, s, e)
  return end < 0 ? undefined : matchShape(src, e, end, 'lineProtocol')
}

const out = Buffer.alloc(1 << 16)
const outView = viewOf(out)

const codes = new Map<ByteShape, ShapeTranscoder>()

/** What the compiled transcoder of `shape` makes of `line`: its line protocol with the newline, or -1. */
function compiled(shape: ByteShape, line: string): string | number {
  let code = codes.get(shape)
  if (code === undefined) codes.set(shape, (code = compileShapeTranscoder(shape)!))
  const { src, s, e } = inChunk(line)
  const end = code(src.bytes, src.view, src.text, s, e, outView, 5)
  return end < 0 ? end : out.toString('latin1', 5, end)
}

/**
 * What the compiled transcoder of `shape` must make of `line`: what the
 * general byte path writes when the general matcher finds `shape` for it
 * (checked against decodeJsonl + encodeLineProtocol), else -1.
 */
function expected(shape: ByteShape, line: string): string | number {
  if (shapeOf(line) !== shape) return -1
  const saved = shape.lpCode
  shape.lpCode = null // the general way
  try {
    const { src, s, e } = inChunk(line)
    const end = transcodeJsonlBytes(src, s, e, outView, 5, undefined)
    expect(end, line).toBeGreaterThan(0)
    const written = out.toString('latin1', 5, end)
    expect(written).toBe(`${encodeLineProtocol(decodeJsonl(line))}\n`)
    return written
  } finally {
    shape.lpCode = saved
  }
}

const base = '{"time":"1617672549204824064","measurement":"edge","tags":{"t":"a b","station":"Kp"},"fields":{"v":1.5,"n":{"i":"2"},"u":{"u":"3"},"b":true,"s":"ok","w":-8.414709848078964e-8}}'
const templates = [
  base,
  '{"time":"-5","measurement":"m","tags":{},"fields":{"flag":false}}',
  '{"time":"9000000000000000000","measurement":"long_measurement_name","tags":{"abc":"defgh"},"fields":{"x":{"u":"18446744073709551615"},"y":{"i":"-9223372036854775808"}}}',
  '{"time":"0","measurement":"s","tags":{"k":"v"},"fields":{"text":"a b,c=d","e":""}}',
  ...stationRecords(6).map(encodeJsonl).filter((line) => /^[\x00-\x7f]*$/.test(line)),
]

describe('compileShapeTranscoder', () => {
  teach(templates)

  it('writes what the general byte path writes, for every template line', () => {
    for (const line of templates) {
      const shape = shapeOf(line)!
      expect(shape, line).toBeDefined()
      const result = compiled(shape, line)
      expect(typeof result, line).toBe('string')
      expect(result).toBe(expected(shape, line))
    }
  })

  it('takes a line exactly when the general matcher finds its shape, and writes the same, for every one-character edit', () => {
    const replacements = ['"', '\\', '{', '}', ',', ':', ' ', '0', '1', '8', '9', 'e', 'E', '.', '-', '+', 'i', 'u', 't', 'f', '\t', '\x7f']
    let taken = 0
    let refused = 0
    for (const line of templates) {
      const shape = shapeOf(line)!
      for (let at = 0; at < line.length; at++) {
        for (const piece of replacements) {
          for (const edited of [line.slice(0, at) + piece + line.slice(at + 1), line.slice(0, at) + piece + line.slice(at), line.slice(0, at) + line.slice(at + 1)]) {
            const want = expected(shape, edited)
            expect(compiled(shape, edited), edited).toBe(want)
            if (want === -1) refused++
            else taken++
          }
        }
      }
    }
    // Most edits break the line; digits in values and tag texts still match.
    expect(taken).toBeGreaterThan(500)
    expect(refused).toBeGreaterThan(20_000)
  })

  it('takes a line exactly when the general matcher finds its shape, on 20000 lines with random edits', () => {
    const random = prng(77)
    const pieces = ['"', '\\', '\\"', '\\n', '{', '}', ',', ':', ' ', '0', '1', '9', 'e', 'e+', 'e-', '.', '-', 'true', 'false', '""', '}}', '{"i":"', '{"u":"', '"}', '99999999999999999999', '-0', '00', '1.50', '1e999', '9223372036854775808', '9223372036854775807']
    let taken = 0
    for (let n = 0; n < 20_000; n++) {
      const line = templates[n % templates.length]!
      const shape = shapeOf(line)!
      const edited = mutateLine(line, random, pieces)
      const want = expected(shape, edited)
      expect(compiled(shape, edited), edited).toBe(want)
      if (want !== -1) taken++
    }
    // Most edits break the line or make a shape of their own.
    expect(taken).toBeGreaterThan(500)
  })

  it('finds times as the general matcher does, at and beyond the limits of line protocol', () => {
    const times = ['0', '1', '-1', '-0', '01', '', '-', '8999999999999999999', '9000000000000000000', '9223372036854775806', '9223372036854775807', '-9223372036854775806', '-9223372036854775807', '19223372036854775806', '1e9', '1.5']
    const shape = shapeOf(base)!
    let taken = 0
    for (const time of times) {
      const line = base.replace('"time":"1617672549204824064"', `"time":"${time}"`)
      const want = expected(shape, line)
      expect(compiled(shape, line), time).toBe(want)
      if (want !== -1) taken++
    }
    // 0, 1, -1, the two 19-digit times below 9e18, the largest and the lowest InfluxDB takes.
    expect(taken).toBe(7)
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
