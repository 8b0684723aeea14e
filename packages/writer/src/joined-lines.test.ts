import { describe, expect, it } from 'vitest'
import { advanceLines, JoinedLines } from './joined-lines.js'

describe('JoinedLines', () => {
  const lines = ['m,t=a v=1 1', 'm,t=b v="x y" 2', 'm v=3 3']

  it('holds lines as one text and gives them back, sliced and filtered, exactly', () => {
    const joined = JoinedLines.of(lines)
    expect([joined.text, joined.count, joined.size]).toEqual([lines.join('\n'), 3, lines.join('\n').length + 1])
    expect(joined.lines()).toEqual(lines)
    expect(JoinedLines.fromText(joined.text, 3).slice(1, 3).lines()).toEqual(lines.slice(1))
    expect(joined.slice(0, 3)).toBe(joined)
    expect(joined.slice(2, 2).count).toBe(0)
    expect(joined.filter((i) => i !== 1).lines()).toEqual([lines[0], lines[2]])
    expect(JoinedLines.of([]).lines()).toEqual([])
    expect(JoinedLines.from(joined)).toBe(joined)
  })

  it('holds lines that came as bytes as those bytes, and reads them as text only when asked', () => {
    const bytes = Buffer.from(lines.join('\n'))
    const joined = JoinedLines.fromBytes(bytes, 3)
    expect(joined.body).toBe(bytes)
    expect([joined.count, joined.size]).toEqual([3, bytes.length + 1])
    expect(joined.text).toBe(lines.join('\n'))
    expect(joined.lines()).toEqual(lines)
    expect(joined.slice(1, 3).lines()).toEqual(lines.slice(1))
    expect(joined.filter((i) => i !== 1).lines()).toEqual([lines[0], lines[2]])
    // A Uint8Array view over a larger buffer: only its own bytes.
    const outer = Buffer.from(`xx${lines[0]}yy`)
    const inside = new Uint8Array(outer.buffer, outer.byteOffset + 2, lines[0]!.length)
    expect(JoinedLines.fromBytes(inside, 1).lines()).toEqual([lines[0]])
    expect(JoinedLines.fromBytes(Buffer.alloc(0), 0)).toBe(JoinedLines.EMPTY)
  })

  it('reads bytes beyond ASCII as UTF-8, and counts their size as the text does', () => {
    const utf8 = ['m,s=☃ v="🔭 é" 1', 'm v=2 2']
    const joined = JoinedLines.fromBytes(Buffer.from(utf8.join('\n')), 2)
    expect(joined.lines()).toEqual(utf8)
    expect(joined.size).toBe(JoinedLines.of(utf8).size)
    expect(Buffer.from(joined.body).toString('utf8')).toBe(utf8.join('\n'))
  })

  it('finds where a line starts, k lines on', () => {
    const text = lines.join('\n')
    expect(advanceLines(text, 0, 1)).toBe(lines[0]!.length + 1)
    expect(advanceLines(text, 0, 2)).toBe(lines[0]!.length + lines[1]!.length + 2)
    expect(advanceLines(text, 0, 3)).toBe(text.length + 1)
    expect(advanceLines(text, 0, 9)).toBe(text.length + 1)
  })
})
