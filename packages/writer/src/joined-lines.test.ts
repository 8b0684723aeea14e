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

  it('finds where a line starts, k lines on', () => {
    const text = lines.join('\n')
    expect(advanceLines(text, 0, 1)).toBe(lines[0]!.length + 1)
    expect(advanceLines(text, 0, 2)).toBe(lines[0]!.length + lines[1]!.length + 2)
    expect(advanceLines(text, 0, 3)).toBe(text.length + 1)
    expect(advanceLines(text, 0, 9)).toBe(text.length + 1)
  })
})
