import { describe, expect, it } from 'vitest'
import { toRaw } from './raw.js'
import { scan } from './scan.js'

const raw = (text: string) => toRaw(scan(text, '/x.ini'), '/x.ini')

describe('toRaw (the file through `ini`)', () => {
  it('nests [server.<name>] under server and keeps other dotted sections whole', () => {
    const { raw: r, serverOrder } = raw('[server.b]\nurl = u\n[server.a]\nurl = v\n[retry.x]\nk = 1\n')
    expect(r.server).toEqual({ b: { url: 'u' }, a: { url: 'v' } })
    expect(r['retry.x']).toEqual({ k: '1' })
    expect(serverOrder).toEqual(['b', 'a'])
  })

  it('passes values that `ini` would otherwise change through exactly, as strings', () => {
    const text = '[s]\na = "x ; y"\nb = tok==\nc = C:\\\\dir\\\\x\nd = true\ne = null\nf = [1]\ng = \'#\'\n'
    expect(raw(text).raw.s).toEqual({ a: 'x ; y', b: 'tok==', c: 'C:\\\\dir\\\\x', d: 'true', e: 'null', f: '[1]', g: '#' })
  })

  it('leaves out empty values and records where each value and section is', () => {
    const { raw: r, locations } = raw('[client]\n\nstation =\nbucket = b\n')
    expect(r.client).toEqual({ bucket: 'b' })
    expect(locations.at('client', 'bucket')).toMatchObject({ file: '/x.ini', line: 4, column: 1, section: 'client', key: 'bucket' })
    expect(locations.at('client', 'org')).toMatchObject({ line: 1, section: 'client', key: 'org' })
  })
})
