import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { GZIP_THRESHOLD, gzipBody, gzipLevel } from './gzip-body.js'

describe('gzipBody', () => {
  const body = Array.from({ length: 2000 }, (_, i) => `pps_offset,station=Kp pps_offset=${Math.sin(i)},locked=T ${1617672549204824064n + BigInt(i)}`).join('\n')

  it('gzips a body above the threshold so that it unzips to the same bytes, the fast level to a little more', async () => {
    const fast = await gzipBody(body, gzipLevel('http://127.0.0.1:8086'))
    const normal = await gzipBody(body, gzipLevel('https://eht.example.org'))
    expect([fast.gzipped, normal.gzipped]).toEqual([true, true])
    expect(zlib.gunzipSync(fast.bytes).toString()).toBe(body)
    expect(zlib.gunzipSync(normal.bytes).toString()).toBe(body)
    expect(normal.bytes.length).toBeLessThan(fast.bytes.length)
    expect(fast.bytes.length).toBeLessThan(body.length / 3)
  })

  it('gzips a body given as bytes the same as its text', async () => {
    const bytes = Buffer.from(body)
    const zipped = await gzipBody(bytes, 1)
    expect(zipped.gzipped).toBe(true)
    expect(zlib.gunzipSync(zipped.bytes).equals(bytes)).toBe(true)
    const small = Buffer.from('m,t=é v=1 1')
    expect((await gzipBody(small, 1)).bytes).toBe(small)
  })

  it('leaves a small body as it is', async () => {
    const small = 'm,t=é v=1 1'
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(GZIP_THRESHOLD)
    expect(await gzipBody(small, 1)).toEqual({ bytes: Buffer.from(small), gzipped: false })
  })

  it('uses level 1 for this host only', () => {
    expect(gzipLevel('http://localhost:8086')).toBe(1)
    expect(gzipLevel('http://10.1.2.3:8086')).toBe(zlib.constants.Z_DEFAULT_COMPRESSION)
  })
})
