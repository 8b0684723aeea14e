import { describe, expect, it } from 'vitest'
import { maskUrlSecrets, redactUrl } from './redact-url.js'

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

describe('maskUrlSecrets', () => {
  // What lies between // and the last @ may be a password, wherever a ? or # falls in it.
  it.each([
    ['http://eht:1234?secret@influx:8086', 'http://***@influx:8086'],
    ['http://eht:1234#secret@influx:8086', 'http://***@influx:8086'],
    ['http://eht:12/ab?c@influx', 'http://***@influx'],
    ['http://eht:pw@influx:8086/?x', 'http://***@influx:8086/?***'],
    ['https://eht:pw@influx:8086/base#frag', 'https://***@influx:8086/base#***'],
    ['http://influx:8086/?u=eht&p=secret@x', 'http://***@x'],
    ['eht:1234?secret@influx:8086', '***@influx:8086'],
  ])('%s shows as %s, nothing between // and the last @', (text, shown) => {
    expect(maskUrlSecrets(text)).toBe(shown)
    const start = text.includes('//') ? text.indexOf('//') + 2 : 0
    const hidden = text.slice(start, text.lastIndexOf('@'))
    const visible = text.slice(text.lastIndexOf('@'))
    for (const part of hidden.split(/[^A-Za-z0-9]+/).filter((p) => p.length >= 2 && !visible.includes(p))) {
      expect(maskUrlSecrets(text)).not.toContain(part)
    }
  })

  it('masks a ?query or #fragment without an @, keeping scheme, host and path', () => {
    expect(maskUrlSecrets('http://influx:8086?u=eht&p=secret')).toBe('http://influx:8086/?***')
    expect(maskUrlSecrets('https://influx:8086/base#p=secret')).toBe('https://influx:8086/base#***')
    expect(maskUrlSecrets('not a url?p=secret')).toBe('not a url?***')
    expect(maskUrlSecrets('http://influx:8086/base')).toBe('http://influx:8086/base')
  })
})
