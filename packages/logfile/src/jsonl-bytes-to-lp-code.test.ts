import { describe, expect, it, vi } from 'vitest'
import { checkEdgeTimes, checkOneCharacterEdits, checkRandomEdits, inChunk, TAKEN_TIMES, TEMPLATES, type EditCheck } from '../test/fixtures/byte-code-lines.js'
import { viewOf } from './byte-view.js'
import { matchShape, timeEnd } from './jsonl-byte-match.js'
import type { ByteShape, ShapeTranscoder } from './jsonl-byte-shapes.js'
import { compileShapeTranscoder } from './jsonl-bytes-to-lp-code.js'
import { transcodeJsonlBytes } from './jsonl-bytes-to-lp.js'
import { decodeJsonl } from './jsonl-decode.js'
import { jsonlLineToLineProtocol } from './jsonl-to-lp.js'
import { encodeLineProtocol } from './lp-encode.js'

/** Teaches the byte path the shape of each line (the decoder remembers it, the string transcoder checks it). */
function teach(lines: readonly string[]): void {
  for (const line of [...lines, ...lines]) jsonlLineToLineProtocol(line)
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
