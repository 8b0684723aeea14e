import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseConfig, type ServerConfig } from '@eht-influx-client/config'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkServer } from './server-check.js'
import { MESSAGE_MAX, serverMessage } from './server-message.js'

const TOKEN = 'S3CRET-TOKEN-xyz'
const PASSWORD = 'S3CRET-PASS-xyz'
const BASIC = Buffer.from(`admin:${PASSWORD}`).toString('base64')
const SECRETS = [TOKEN, PASSWORD, BASIC]

/** Every beginning of a secret of 3 characters or more found in `text`. */
const secretStarts = (text: string): string[] => SECRETS.flatMap((secret) => Array.from({ length: secret.length - 2 }, (_, i) => secret.slice(0, i + 3)).filter((start) => text.includes(start)))

// A server that refuses with a body echoing the Authorization header after `pad` characters
// (the answer of a proxy or a misconfigured server; no real InfluxDB does this on demand).
let echo: http.Server
let base: string
beforeAll(async () => {
  echo = http.createServer((req, res) => {
    // The padding is asked for in the server URL's path prefix: /p<pad>/api/v2/write
    const [, kind, pad, path] = /^\/([pc])(\d+)(\/[^?]*)/.exec(req.url ?? '') ?? ['', 'p', '0', '/']
    if (path === '/ping') {
      res.writeHead(204).end()
      return
    }
    if (kind === 'c') {
      // /c<k>: a body longer than check reads (64 kB), cut k characters into the secret; spaces before it, so the
      // message is short once whitespace is collapsed
      const words = `you sent authorization: ${req.headers.authorization}`
      const cutAt = words.indexOf(' ', 'you sent authorization: '.length) + 1 + Number(pad)
      res.writeHead(401, { 'content-type': 'text/plain' }).end(`${' '.repeat(64 * 1024 - cutAt)}${words}${' and more'.repeat(1000)}`)
      return
    }
    res.writeHead(401, { 'content-type': 'text/plain' }).end(`${'x'.repeat(Number(pad))}you sent authorization: ${req.headers.authorization} url=${req.url}`)
  })
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`
})
afterAll(async () => {
  echo.closeAllConnections()
  await new Promise((resolve) => echo.close(resolve))
})

function server(api: 'v1' | 'v2', pad: number, kind: 'p' | 'c' = 'p'): ServerConfig {
  // The pad rides in the URL's path prefix (endpoint() keeps a proxy's prefix), so each server asks for its own.
  const credentials = api === 'v2' ? `token = ${TOKEN}` : `username = admin\npassword = ${PASSWORD}`
  return parseConfig(`[client]\nbucket = eht_test\n[server.echo]\napi = ${api}\nurl = ${base}/${kind}${pad}\n${credentials}\n`, undefined, { env: {}, cwd: '/tmp' }).servers[0]!
}

describe('check: a server echoing the credential is shown scrubbed, whatever the length of what comes before it', () => {
  it.each(['v2', 'v1'] as const)('%s: with 120 to 230 characters of padding (the cut at 200 goes through the secret for some), no beginning of a secret is shown', async (api) => {
    const leaks: string[] = []
    for (let pad = 120; pad <= 230; pad++) {
      const report = await checkServer(server(api, pad))
      const shown = JSON.stringify(report)
      const write = report.steps.find((s) => s.step === 'write')!
      expect(write).toMatchObject({ outcome: 'failed', status: 401 })
      // the server's words are still there, cut at 200 characters with "..."
      expect(write.detail).toContain(`(401: ${'x'.repeat(Math.min(pad, MESSAGE_MAX))}`)
      const starts = secretStarts(shown)
      if (starts.length > 0) leaks.push(`pad ${pad}: ${starts.at(-1)}`)
    }
    expect(leaks).toEqual([])
  })
})

describe('check: an answer longer than check reads, cut inside the echoed credential', () => {
  it.each(['v2', 'v1'] as const)('%s: the beginning of the secret left by the read limit is not shown', async (api) => {
    for (const k of [3, 4, 8, 12, 15]) {
      const report = await checkServer(server(api, k, 'c'))
      const write = report.steps.find((s) => s.step === 'write')!
      expect(write.detail).toMatch(/\(401: you sent authorization: (Token|Basic)\)$/)
      expect(secretStarts(JSON.stringify(report)), `k ${k}: ${write.detail}`).toEqual([])
    }
  })
})

describe('serverMessage', () => {
  it('scrubs before it cuts: a secret straddling character 200 leaves no beginning', () => {
    for (let pad = 150; pad <= 210; pad++) {
      const text = serverMessage(`${'x'.repeat(pad)} Token ${TOKEN} tail`, SECRETS, false)
      expect(secretStarts(text), `pad ${pad}: ${text}`).toEqual([])
      expect(text.length).toBeLessThanOrEqual(MESSAGE_MAX + 3)
    }
  })

  it('a body cut at the read limit inside a secret loses the beginning of the secret', () => {
    for (let k = 3; k < TOKEN.length; k++) {
      // whitespace collapses: the cut body reads as a short message ending in the secret's first k characters
      const cutBody = `${' '.repeat(1000)}you sent authorization: Token ${TOKEN.slice(0, k)}`
      expect(serverMessage(cutBody, SECRETS, true)).toBe('you sent authorization: Token')
      // a body read whole that happens to end like a secret is left alone
      expect(serverMessage(cutBody, SECRETS, false)).toContain(TOKEN.slice(0, k))
    }
  })

  it('takes the error or message of a JSON body, scrubbed, on one line', () => {
    expect(serverMessage(JSON.stringify({ error: `bad\n\ncredentials Token ${TOKEN}` }), SECRETS, false)).toBe('bad credentials Token ***')
    expect(serverMessage(JSON.stringify({ message: `Basic ${BASIC}` }), SECRETS, false)).toBe('Basic ***')
  })
})
