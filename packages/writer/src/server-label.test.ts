import { describe, expect, it } from 'vitest'
import { describeServer, redactUrl } from './server-label.js'

describe('redactUrl / describeServer', () => {
  it('drops user:password@ from a URL and leaves others alone', () => {
    expect(redactUrl('https://eht:pw@influx.example:8086/x')).toBe('https://influx.example:8086/x')
    expect(redactUrl('http://127.0.0.1:8086')).toBe('http://127.0.0.1:8086')
    expect(describeServer({ name: 'cloud', url: 'https://u:p@h' })).toBe('server "cloud" (https://h/)')
  })
})
