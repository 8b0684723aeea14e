import { describe, expect, it } from 'vitest'
import { databaseOf, measurementSource, quoteIdentifier, selectWindow, showFieldKeys } from './influxql.js'

describe('quoteIdentifier', () => {
  it('escapes quotes and backslashes so that a name cannot end the quoting', () => {
    expect(quoteIdentifier('plain')).toBe('"plain"')
    expect(quoteIdentifier('we "quote" it')).toBe('"we \\"quote\\" it"')
    expect(quoteIdentifier('a\\"; DROP DATABASE "x')).toBe('"a\\\\\\"; DROP DATABASE \\"x"')
  })
})

describe('the v1 query text', () => {
  it('names the retention policy of a db/rp bucket', () => {
    expect(measurementSource('eht_test/autogen', 'pps')).toBe('"autogen"."pps"')
    expect(measurementSource('eht_test', 'pps')).toBe('"pps"')
    expect(databaseOf('eht_test/autogen')).toBe('eht_test')
  })

  it('asks for the field types of the bucket\'s retention policy, its name quoted', () => {
    expect(showFieldKeys('eht_test')).toBe('SHOW FIELD KEYS')
    expect(showFieldKeys('eht_test/')).toBe('SHOW FIELD KEYS')
    expect(showFieldKeys('eht_test/one_year')).toBe('SHOW FIELD KEYS FROM "one_year"./.*/')
    expect(showFieldKeys('eht_test/a"; DROP DATABASE "x')).toBe('SHOW FIELD KEYS FROM "a\\"; DROP DATABASE \\"x"./.*/')
  })

  it('selects a window with integer ns bounds, tags grouped', () => {
    expect(selectWindow('db', 'm', -5n, 1617672549204824064n)).toBe('SELECT * FROM "m" WHERE time >= -5 AND time < 1617672549204824064 GROUP BY *')
  })
})
