import { describe, expect, it } from 'vitest'
import { quoteCell, quotedEmptyCells, splitRow } from './csv-cells.js'
import { CsvError } from './errors.js'
import { thrownBy } from '../test/fixtures/thrown.js'

describe('splitRow (RFC 4180)', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c', ['a', '', 'c']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['x,"",y', ['x', '', 'y']],
    ['"","a"', ['', 'a']],
    [',', ['', '']],
    ['"multi\rpart"', ['multi\rpart']],
  ])('%j -> %j', (line, cells) => {
    expect(splitRow(line, ',')).toEqual(cells)
  })

  it('tells a quoted empty cell from an absent one', () => {
    splitRow('x,"",,y', ',')
    expect([...quotedEmptyCells]).toEqual([1])
    splitRow('x,,y', ',')
    expect([...quotedEmptyCells]).toEqual([])
  })

  it('splits a row without quotes as String.prototype.split does, empty cells and ends included', () => {
    const pieces = ['a', 'bc', '', ' ', '1.5', ';', ',', '\t', 'é']
    let seed = 5
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647
    for (let n = 0; n < 5000; n++) {
      const line = Array.from({ length: Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join('')
      for (const separator of [',', ';', '\t']) expect(splitRow(line, separator), JSON.stringify(line)).toEqual(line.split(separator))
    }
  })

  it('splits on another separator', () => {
    expect(splitRow('a;"b;c";d,e', ';')).toEqual(['a', 'b;c', 'd,e'])
  })

  it.each([
    ['a,b"c', 2, 'a double quote inside an unquoted cell'],
    ['a,"bc', 2, 'quoted cell has no closing quote'],
    ['a,"b"c', 2, 'text after the closing quote'],
  ])('rejects %j at cell %i: %s', (line, cell, reason) => {
    const thrown = thrownBy(() => splitRow(line, ','))
    expect(CsvError.isInstance(thrown)).toBe(true)
    expect((thrown as CsvError).column).toBe(cell)
    expect((thrown as CsvError).message).toContain(reason)
  })
})

describe('quoteCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['cr\rhere', '"cr\rhere"'],
    ['', '""'],
    ['  spaces  ', '  spaces  '],
  ])('%j -> %j', (value, cell) => {
    expect(quoteCell(value)).toBe(cell)
    expect(splitRow(cell, ',')).toEqual([value])
  })
})
