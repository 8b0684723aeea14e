import { describe, expect, it } from 'vitest'
import { Locations, byPosition } from './locations.js'

describe('Locations', () => {
  const locations = new Locations('/x.ini')
  locations.setSection('server.primary', { line: 1, column: 1, label: { section: 'eht_influx' } })
  locations.setKey('server.primary', 'url', { line: 4, column: 1, label: { section: 'eht_influx', key: 'url' } })
  locations.setKey('retry', 'jitter', { variable: 'EHT_INFLUX_RETRY_JITTER' })

  it('names a value by its label where it was written differently', () => {
    expect(locations.at('server.primary', 'url')).toEqual({ file: '/x.ini', line: 4, column: 1, variable: undefined, section: 'eht_influx', key: 'url' })
    expect(locations.at('server.primary', 'timeout')).toMatchObject({ line: 1, section: 'eht_influx', key: 'timeout' })
  })

  it('names the variable of an override, and only the file for a section never written', () => {
    expect(locations.at('retry', 'jitter')).toMatchObject({ variable: 'EHT_INFLUX_RETRY_JITTER', line: undefined, section: 'retry' })
    expect(locations.at('spool', 'dir')).toEqual({ file: '/x.ini', line: undefined, column: undefined, variable: undefined, section: 'spool', key: 'dir' })
    expect(locations.keyOrigin('spool', 'dir')).toBeUndefined()
  })

  it('orders by line, then column, environment variables last', () => {
    const sorted = [{ variable: 'V' }, { line: 3, column: 5 }, { line: 3, column: 1 }, { line: 1 }].sort(byPosition)
    expect(sorted).toEqual([{ line: 1 }, { line: 3, column: 1 }, { line: 3, column: 5 }, { variable: 'V' }])
  })
})
