import { describe, expect, it } from 'vitest'
import { redactUrl } from './redact-url.js'

describe('redactUrl', () => {
  it('drops user:password@ from a URL and leaves others alone', () => {
    const shown = redactUrl('https://eht:s3cret@influx.example.org:8086/base')
    expect(shown).toBe('https://influx.example.org:8086/base')
    expect(shown).not.toContain('s3cret')
    expect(redactUrl('https://eht:pw@influx.example:8086/x')).toBe('https://influx.example:8086/x')
    expect(redactUrl('http://127.0.0.1:8086')).toBe('http://127.0.0.1:8086')
  })
  it('also when the text is not a URL', () => {
    expect(redactUrl('not a url://user:pw@host')).not.toContain('pw')
    // No scheme, or a / inside the password: no // to anchor on, or no parse.
    expect(redactUrl('eht:s3cret@influx.example.org:8086')).toBe('***@influx.example.org:8086')
    expect(redactUrl('http://eht:s3/cret@influx.example.org')).toBe('http://***@influx.example.org')
  })
})
