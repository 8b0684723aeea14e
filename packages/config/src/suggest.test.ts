import { describe, expect, it } from 'vitest'
import { closest, editDistance } from './suggest.js'

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps, ignoring case', () => {
    expect(editDistance('max_retries', 'max_retries')).toBe(0)
    expect(editDistance('max_retrys', 'max_retries')).toBe(2)
    expect(editDistance('tiemout', 'timeout')).toBe(1)
    expect(editDistance('Bucket', 'bucket')).toBe(0)
    expect(editDistance('', 'abc')).toBe(3)
  })
})

describe('closest', () => {
  const keys = ['max_retries', 'min_delay', 'max_delay', 'exponential_base', 'jitter', 'max_retry_time']
  it('suggests the likely intended key', () => {
    expect(closest('max_retrys', keys)).toBe('max_retries')
    expect(closest('max_dealy', keys)).toBe('max_delay')
    expect(closest('jiter', keys)).toBe('jitter')
    expect(closest('retries', keys)).toBe('max_retries')
  })
  it('suggests nothing for a name that resembles none', () => {
    expect(closest('bucket', keys)).toBeUndefined()
    expect(closest('x', keys)).toBeUndefined()
  })
})
