import { describe, expect, it } from 'vitest'
import { annotationOf, CsvTable, setDataType, stripAnnotation, type CsvColumn } from './csv-table.js'

const column = (): CsvColumn => ({ index: 0, label: '', dataType: '', format: '', defaultValue: '', linePart: undefined })

describe('annotated-CSV table model', () => {
  it('recognises annotations in both layouts and leaves other # rows as comments', () => {
    expect(annotationOf('#datatype')).toBe('#datatype')
    expect(annotationOf('#datatype measurement')).toBe('#datatype')
    expect(annotationOf('#DEFAULT x')).toBe('#default')
    expect(annotationOf('#datatypes')).toBeUndefined()
    expect(annotationOf('# a comment')).toBeUndefined()
    expect(stripAnnotation('#datatype  measurement')).toBe('measurement')
    expect(stripAnnotation('#datatype')).toBe('')
    expect(stripAnnotation('tag')).toBe('tag')
  })

  it.each([
    ['tag', { dataType: 'tag', linePart: 'tag' }],
    ['dateTime:RFC3339Nano', { dataType: 'dateTime', format: 'RFC3339Nano', linePart: 'time' }],
    ['time', { dataType: 'dateTime', linePart: 'time' }],
    ['double|0', { dataType: 'double', defaultValue: '0', linePart: undefined }],
    ['ignored', { linePart: 'ignored' }],
    ['measurement|cpu', { dataType: 'measurement', defaultValue: 'cpu', linePart: 'measurement' }],
  ])('reads the datatype %j', (text, expected) => {
    const c = column()
    setDataType(c, text)
    expect(c).toMatchObject(expected)
  })

  it('starts a new table on a repeated annotation or one after data, and keeps #constant columns of the table', () => {
    const table = new CsvTable()
    table.annotate('#datatype', ['#datatype measurement', 'double'])
    table.annotate('#constant', ['#constant tag', 'station', 'Kp'])
    table.header(['m', 'v'], 2)
    expect(table.readingData).toBe(true)
    expect(table.constants).toMatchObject([{ index: -1, label: 'station', defaultValue: 'Kp', linePart: 'tag' }])
    table.annotate('#datatype', ['#datatype measurement', 'long', 'tag'])
    expect(table.readingData).toBe(false)
    expect(table.constants).toEqual([])
    expect(table.columns.map((c) => c.dataType)).toEqual(['measurement', 'long', 'tag'])
  })

  it('reads #constant in its short forms for measurement and time', () => {
    const table = new CsvTable()
    table.annotate('#constant', ['#constant measurement', 'weather'])
    table.annotate('#constant', ['#constant', 'dateTime', '1617672549204824064'])
    expect(table.constants).toMatchObject([
      { linePart: 'measurement', defaultValue: 'weather' },
      { linePart: 'time', defaultValue: '1617672549204824064' },
    ])
  })
})
