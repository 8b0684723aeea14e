import { Secret } from '@eht-influx-client/config'
import { describe, expect, it } from 'vitest'
import http from 'node:http'
import https from 'node:https'
import { responseLines, scrubServerSecrets, serverAgent, serverLabel, v1AuthHeaders } from './server-http.js'

async function collect(chunks: string[]): Promise<string[]> {
  const out: string[] = []
  async function* source() {
    yield* chunks
  }
  for await (const line of responseLines(source())) out.push(line)
  return out
}

const noAuth = { token: undefined, username: undefined, password: undefined }

describe('responseLines', () => {
  it('joins lines split across chunks and skips empty ones', async () => {
    expect(await collect(['{"a":', '1}\n\n{"b"', ':2}\n{"c":3}'])).toEqual(['{"a":1}', '{"b":2}', '{"c":3}'])
  })
})

describe('serverLabel', () => {
  it('never shows credentials from the URL', () => {
    expect(serverLabel({ name: 'local', url: 'http://user:pw@127.0.0.1:8086/' })).toBe('server "local" (http://127.0.0.1:8086)')
  })
})

describe('serverAgent', () => {
  it('takes the scheme in any case: HTTPS:// gets the https agent (config keeps the URL as typed)', () => {
    for (const url of ['https://db.example:8086', 'HTTPS://db.example:8086', 'Https://db.example']) {
      const agent = serverAgent({ name: 's', url, caFile: undefined } as never)
      expect(agent).toBeInstanceOf(https.Agent)
      agent.destroy()
    }
    for (const url of ['http://db.example:8086', 'HTTP://db.example:8086']) {
      const agent = serverAgent({ name: 's', url, caFile: undefined } as never)
      expect([agent instanceof https.Agent, agent instanceof http.Agent]).toEqual([false, true])
      agent.destroy()
    }
  })
})

describe('v1AuthHeaders', () => {
  it('uses Basic for a user and password, Token for a token, nothing otherwise', () => {
    const basic = v1AuthHeaders({ ...noAuth, username: 'eht', password: new Secret('pw') } as never)
    expect(Buffer.from(basic.authorization!.replace('Basic ', ''), 'base64').toString()).toBe('eht:pw')
    expect(v1AuthHeaders({ ...noAuth, token: new Secret('tok') } as never)).toEqual({ authorization: 'Token tok' })
    expect(v1AuthHeaders(noAuth as never)).toEqual({})
  })
})

describe('scrubServerSecrets', () => {
  it('removes the token, the password and the Basic credential from a message', () => {
    const server = { token: new Secret('tok123'), username: 'eht', password: new Secret('pw456') }
    const basic = Buffer.from('eht:pw456').toString('base64')
    expect(scrubServerSecrets(`a tok123 b pw456 c ${basic}`, server)).toBe('a *** b *** c ***')
  })
})
