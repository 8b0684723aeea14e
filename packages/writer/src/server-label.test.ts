import { describe, expect, it } from 'vitest'
import { describeServer } from './server-label.js'

describe('describeServer', () => {
  it('names the server and never prints credentials written into its URL', () => {
    expect(describeServer({ name: 'local', url: 'http://127.0.0.1:8086' })).toBe('server "local" (http://127.0.0.1:8086)')
    expect(describeServer({ name: 'cloud', url: 'https://u:p@h' })).toBe('server "cloud" (https://h/)')
  })
})
