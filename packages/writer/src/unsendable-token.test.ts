import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Secret, type EHTConfig } from '@eht-influx-client/config'
import { EHTInfluxDBClient } from './client.js'
import { ServerRefusedError } from './errors.js'
import type { ErrorEvent } from './events.js'
import { createHttpSender } from './http-sender.js'
import { CaptureSink, makeConfig, readAll, tempDir } from '../test/helpers.js'

// Tokens pasted with typographic quotes, or with a zero-width space: Node refuses them in a header.
const TOKENS = ['“my-secret-token-123”', 'my-secret\u200btoken-123']

let server: http.Server
let url: string
let requests = 0

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++
    req.resume()
    req.on('end', () => {
      res.statusCode = 204
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

/** A configuration whose token no HTTP header can carry (the config package may refuse it; a writer given one must not break). */
function badTokenConfig(dir: string, token: string, gzip: boolean): EHTConfig {
  const config = makeConfig(dir, { servers: [{ name: 'cloud', url, api: 'v2', keys: { token: 'placeholder-token', gzip: String(gzip) } }], retry: { max_retries: '3', min_delay: '50ms' } })
  return { ...config, servers: config.servers.map((s) => ({ ...s, token: new Secret(token) })) }
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ station: 'Kp', v: i, timestamp: 1617672549204824064n + BigInt(i) }))

describe('a token with characters an HTTP header cannot carry', () => {
  it('the sender answers "refused" naming the problem, never the token, with gzip on and off, and sends nothing', async () => {
    const before = requests
    for (const token of TOKENS) {
      for (const gzip of [false, true]) {
        const sender = createHttpSender(badTokenConfig(tempDir(), token, gzip).servers[0]!)
        try {
          const body = Array.from({ length: 100 }, (_, i) => `m,s=Kp v=${i} ${1617672549204824064n + BigInt(i)}`).join('\n') // above 1000 bytes: gzipped
          const outcome = await sender.send(body)
          expect(outcome).toMatchObject({ kind: 'refused', message: expect.stringContaining('token/credentials in its section contain characters an HTTP header cannot carry') })
          expect(outcome.kind === 'refused' && outcome.message).toContain('server "cloud"')
          expect(JSON.stringify(outcome)).not.toContain('secret')
        } finally {
          sender.close()
        }
      }
    }
    expect(requests).toBe(before)
  })

  for (const gzip of [true, false]) {
    it(`write() resolves with the points spooled and a clear ServerRefusedError, no retry, no unhandled rejection (gzip ${gzip})`, async () => {
      const dir = tempDir()
      const errors: ErrorEvent[] = []
      const unhandled: unknown[] = []
      const onUnhandled = (reason: unknown) => unhandled.push(reason)
      process.on('unhandledRejection', onUnhandled)
      const stderr = new CaptureSink()
      const client = await EHTInfluxDBClient.fromConfig(badTokenConfig(dir, TOKENS[0]!, gzip), { stderr, drainSpool: false, onError: (e) => errors.push(e) })
      let retries = 0
      try {
        const api = client.writeApi({ writeMode: 'synchronous', onRetry: () => retries++ })
        const result = await api.write({ record: rows(50), dataFrameMeasurementName: 'm', dataFrameTagColumns: ['station'] })
        expect(result.servers!.cloud).toMatchObject({ accepted: 0, spooled: 50, dropped: 0 })
        expect(result.servers!.cloud!.reasons.join(' ')).toContain('cannot carry')
      } finally {
        await client.close()
        process.off('unhandledRejection', onUnhandled)
      }
      expect(unhandled).toEqual([])
      expect(retries).toBe(0)
      const refused = errors.find((e) => ServerRefusedError.isInstance(e.error))
      expect(refused?.error.message).toMatch(/^server "cloud" .*: not sent: the token\/credentials in its section contain characters an HTTP header cannot carry .*; points are kept in the spool$/)
      const everything = JSON.stringify(errors.map((e) => [e.reason, e.error.message])) + stderr.text
      expect(everything).not.toContain('secret')
      expect(everything).not.toContain('internal error')
      const spooled = fs.readdirSync(path.join(dir, 'spool', 'cloud')).map((f) => path.join(dir, 'spool', 'cloud', f))
      expect((await readAll(spooled, 'lp')).map((r) => r.fields.v)).toEqual(rows(50).map((r) => ({ type: 'float', value: r.v })))
    })
  }
})
