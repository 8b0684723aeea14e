import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { rootCertificates } from 'node:tls'
import { scrubSecrets, serverSecrets, type ServerConfig } from '@eht-influx-client/config'
import { ReplayOptionsError } from './errors.js'
import { SERVER_TEXT_MAX } from './server-text.js'

/** `server "name" (url)` with any user:password@ taken out of the URL, for messages. */
export function serverLabel(server: Pick<ServerConfig, 'name' | 'url'>): string {
  let url = server.url
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    url = parsed.toString().replace(/\/$/, '')
  } catch {
    url = url.replace(/\/\/[^@/]*@/, '//')
  }
  return `server "${server.name}" (${url})`
}

/** `text` with the server's token, password and Basic credential replaced by *** (config's scrubSecrets). */
export const scrubServerSecrets = (text: string, server: Pick<ServerConfig, 'token' | 'username' | 'password'>): string => scrubSecrets(text, serverSecrets(server))

/** A keep-alive agent; for https, `ca_file` is added to Node's trusted roots (verification stays on). */
export function serverAgent(server: ServerConfig): http.Agent {
  // The scheme as typed (config keeps the URL as written): HTTPS://host is https too.
  if (!/^https:/i.test(server.url)) return new http.Agent({ keepAlive: true })
  if (server.caFile === undefined) return new https.Agent({ keepAlive: true })
  let ca: Buffer
  try {
    ca = fs.readFileSync(server.caFile)
  } catch (error) {
    throw new ReplayOptionsError(`server "${server.name}": cannot read ca_file ${server.caFile}: ${(error as Error).message}`, 'ca_file', { cause: error })
  }
  return new https.Agent({ keepAlive: true, ca: [...rootCertificates, ca] })
}

/** InfluxDB 1.x credentials: Basic for username/password, `Token` for a token (1.8+). */
export function v1AuthHeaders(server: ServerConfig): Record<string, string> {
  if (server.username !== undefined) {
    const pair = `${server.username}:${server.password?.reveal() ?? ''}`
    return { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` }
  }
  if (server.token !== undefined) return { authorization: `Token ${server.token.reveal()}` }
  return {}
}

/** A server that sent nothing for `timeoutMs` (the same words for the request and for its body). */
export function noAnswerError(timeoutMs: number): Error {
  return new Error(`no answer within the timeout of ${timeoutMs} ms`)
}

/**
 * GET `url`; resolves with the response once its headers arrived. No answer
 * within `timeoutMs` (between packets) rejects; once the headers are in, the
 * body stream fails with that same timeout error instead (not a bare "aborted").
 */
export function httpGet(url: URL, headers: Record<string, string>, agent: http.Agent, timeoutMs: number, signal?: AbortSignal): Promise<http.IncomingMessage> {
  const get = url.protocol === 'https:' ? https.get : http.get
  return new Promise((resolve, reject) => {
    let response: http.IncomingMessage | undefined
    const req = get(url, { headers, agent, ...(signal === undefined ? {} : { signal }) }, (res) => {
      response = res
      resolve(res)
    })
    req.setTimeout(timeoutMs, () => {
      const error = noAnswerError(timeoutMs)
      response?.destroy(error)
      req.destroy(error)
    })
    req.on('error', reject)
  })
}

/** Why a response body stream failed, in words: Node (and influxdb-client) say only "aborted" when the connection closed mid-body. */
export function bodyFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message === 'aborted' || message === 'Response aborted' ? 'the connection closed before the answer was complete' : message
}

/** The lines of a response body (without the newline), as they arrive. */
export async function* responseLines(body: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest = ''
  for await (const chunk of body) {
    const text = rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
    const lines = text.split('\n')
    rest = lines.pop()!
    for (const line of lines) if (line !== '') yield line
  }
  if (rest !== '') yield rest
}

/**
 * Reads an (error) body as text, at most `limit` characters of it; `cut` when
 * there was more. Returned raw: the caller scrubs it, then cuts it to what a
 * message shows (serverText). The limit is well above that, so a secret the
 * limit cuts through usually lies beyond what is shown; where scrubbing made
 * the text short enough to show it, serverText (told `cut`) removes its start.
 */
export async function bodyText(body: AsyncIterable<Buffer | string>, limit = 2 * SERVER_TEXT_MAX): Promise<{ text: string; cut: boolean }> {
  let text = ''
  let cut = false
  for await (const chunk of body) {
    if (text.length < limit) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
    else cut = true
  }
  return text.length > limit ? { text: text.slice(0, limit), cut: true } : { text, cut }
}
