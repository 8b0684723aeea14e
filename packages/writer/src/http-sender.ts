import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { rootCertificates } from 'node:tls'
import { HttpError, InfluxDB, type Transport } from '@influxdata/influxdb-client'
import { collapsedSecretForms, collapseWhitespace, scrubSecrets, serverSecrets, withoutSecretStart, type ServerConfig } from '@eht-influx-client/config'
import { WriterConfigError } from './errors.js'
import { gzipBody, gzipLevel } from './gzip-body.js'
import { MAX_TIMER_MS, setLongTimeout } from './long-timer.js'
import { retryAfterMs, retryAfterText } from './retry-after.js'
import { describeServer } from './server-label.js'

/** What one POST of a batch came to. */
export type SendOutcome =
  | { kind: 'ok' }
  /** Network error, timeout, 429, 5xx: try again (after `retryAfterMs` when the server said so). */
  | { kind: 'retry'; message: string; status?: number; retryAfterMs?: number }
  /** 413: the batch must be split. */
  | { kind: 'too-large'; message: string; status: number }
  /**
   * 400/422: some points of the batch are bad. Also a 500 of a server that
   * crashed on the request's content (see crashedOnContent): asking again
   * cannot help, so it is bisected like a 400.
   */
  | { kind: 'bad-points'; message: string; status: number }
  /**
   * 401/403/404 and other 4xx (and InfluxDB 1.x's 500 for a retention policy
   * that does not exist): the server refuses us; points must be kept. No
   * status when the request could not even be made (credentials that an HTTP
   * header cannot carry).
   */
  | { kind: 'refused'; message: string; status?: number }

export interface HttpSender {
  /** POSTs line protocol (lines joined by \n); never throws. */
  send(body: string | Buffer): Promise<SendOutcome>
  /** Closes idle keep-alive connections. */
  close(): void
}

/** The write path: v2 `/api/v2/write?org&bucket&precision=ns`, v1 `/write?db&rp&precision=ns`. */
export function writePath(server: ServerConfig): string {
  if (server.api === 'v2') {
    return `/api/v2/write?${new URLSearchParams({ org: server.org, bucket: server.bucket, precision: 'ns' })}`
  }
  const slash = server.bucket.indexOf('/')
  const params = new URLSearchParams({ db: slash < 0 ? server.bucket : server.bucket.slice(0, slash) })
  if (slash >= 0) params.set('rp', server.bucket.slice(slash + 1))
  params.set('precision', 'ns')
  return `/write?${params}`
}

function authHeaders(server: ServerConfig): Record<string, string> {
  if (server.api === 'v1' && server.username !== undefined) {
    const pair = `${server.username}:${server.password?.reveal() ?? ''}`
    return { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` }
  }
  if (server.api === 'v1' && server.token !== undefined) return { authorization: `Token ${server.token.reveal()}` }
  return {}
}

function makeAgent(server: ServerConfig): http.Agent {
  // The URL is kept as typed: `HTTPS://` is https too (the transport parses it to `https:`, and needs an https agent).
  if (!/^https:/i.test(server.url)) return new http.Agent({ keepAlive: true })
  let ca: Buffer | undefined
  if (server.caFile !== undefined) {
    try {
      ca = fs.readFileSync(server.caFile)
    } catch (error) {
      throw new WriterConfigError(`server "${server.name}": cannot read ca_file ${server.caFile}: ${(error as Error).message}`, { cause: error })
    }
  }
  // ca_file adds to Node's trusted roots rather than replacing them; verification stays on.
  return new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca: [...rootCertificates, ca] }) })
}

/** The longest the server's explanation is kept in a message. */
const MESSAGE_MAX = 500

/**
 * The server's explanation from an error body: JSON `message` / `error`, else
 * the text; `secrets` (which a server may echo) are replaced by `***` before
 * the text is cut, so a cut never leaves part of one behind.
 */
export function serverMessage(error: HttpError, secrets: readonly string[] = []): string {
  const body = error.body ?? ''
  let text = body
  try {
    const json = JSON.parse(body) as { message?: unknown; error?: unknown }
    if (typeof json.message === 'string') text = json.message
    else if (typeof json.error === 'string') text = json.error
  } catch {
    // plain text
  }
  // Scrubbed before its whitespace is collapsed (a secret with two spaces in a row would no longer match), and
  // after it with each secret's own whitespace collapsed too (a server may have collapsed it already).
  const forms = collapsedSecretForms(secrets)
  text = scrubSecrets(collapseWhitespace(scrubSecrets(text, secrets)), forms)
  if (text.length > MESSAGE_MAX) text = `${withoutSecretStart(text.slice(0, MESSAGE_MAX - 3), forms)}...`
  return `HTTP ${error.statusCode}${error.statusMessage ? ` ${error.statusMessage}` : ''}${text ? `: ${text}` : ''}`
}

/**
 * True for a 500 of a server that crashed on what it was sent, rather than one
 * that is down or overloaded. InfluxDB 1.x recovers a panic in its HTTP handler
 * (1.6.7 panics parsing a point with exactly 100 or 200 tags) and answers the
 * plain-text `Internal Server Error` of Go's http.Error, without the
 * `X-Influxdb-Error` header that every error of its own carries (a full cache,
 * a write timeout...: those are retried); or a body naming the panic
 * (`[panic:...]`). The same point crashes it again, so retrying would block the
 * server's delivery (and its spool) for good.
 */
export function crashedOnContent(error: HttpError): boolean {
  if (error.statusCode !== 500) return false
  const body = error.body ?? ''
  if (body.includes('[panic:')) return true
  const headers = error.headers ?? {}
  return headers['x-influxdb-version'] !== undefined && headers['x-influxdb-error'] === undefined && body.trim() === 'Internal Server Error'
}

/** Said of a crash on content: why a 500 is not retried. */
const CRASH_NOTE =
  'the server crashed on this request (an InfluxDB panic, e.g. InfluxDB 1.6 on a point with exactly 100 or 200 tags): not retried, as the same point crashes it again; only the points that crash it are rejected, the others are delivered'

/** InfluxDB 1.x's 500 for a write to a retention policy that does not exist: no retry can help until someone creates it. */
const NO_RETENTION_POLICY = /\bretention policy not found: ?(.*)$/

export function classify(error: unknown, timedOut: boolean, timeoutMs: number, secrets: readonly string[] = []): SendOutcome {
  if (error instanceof HttpError) {
    const status = error.statusCode
    const message = serverMessage(error, secrets)
    if (status === 500 && crashedOnContent(error)) return { kind: 'bad-points', message: `${message} (${CRASH_NOTE})`, status }
    if (status === 500 && NO_RETENTION_POLICY.test(message)) return { kind: 'refused', message, status }
    if (status === 429 || status >= 500) {
      const header = error.headers?.['retry-after']
      const after = retryAfterMs(header)
      if (after !== undefined) return { kind: 'retry', message, status, retryAfterMs: after }
      return { kind: 'retry', message: `${message}${unreadRetryAfter(retryAfterText(header))}`, status }
    }
    if (status === 413) return { kind: 'too-large', message, status }
    if (status === 400 || status === 422) return { kind: 'bad-points', message, status }
    if (status >= 300) return { kind: 'refused', message, status }
  }
  if (timedOut) return { kind: 'retry', message: `no answer within the timeout of ${timeoutMs} ms` }
  const e = error as { code?: unknown; message?: unknown }
  const text = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error)
  const code = typeof e?.code === 'string' && !text.includes(e.code) ? `${e.code}: ` : ''
  const tls = typeof e?.code === 'string' && TLS_VERIFY_CODES.test(e.code) ? `; ${TLS_HINT}` : ''
  return { kind: 'retry', message: `network error: ${code}${text}${tls}` }
}

/**
 * What a request that threw before it was sent comes to. Node refuses a header
 * value with a character outside Latin-1 or a control character (a token pasted
 * with typographic quotes or a zero-width space): the server is never asked, and
 * asking again cannot help, so the points are kept (refused) rather than retried.
 * The value is never named.
 */
export function unsendable(error: unknown, label: string, timeoutMs: number): SendOutcome {
  const code = (error as { code?: unknown })?.code
  if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') {
    return {
      kind: 'refused',
      message: `${label}: not sent: the token/credentials in its section contain characters an HTTP header cannot carry (only printable ASCII is safe; look for typographic quotes, a zero-width space or a line break pasted with the token)`,
    }
  }
  return classify(error, false, timeoutMs)
}

/**
 * A refusal for a missing retention policy made plain: which database lacks
 * which policy, and what to change (the rp comes from `bucket = db/rp`; the
 * server names it too).
 */
function withRetentionPolicyHint(outcome: SendOutcome, server: ServerConfig): SendOutcome {
  if (outcome.kind !== 'refused' || outcome.status !== 500) return outcome
  const match = NO_RETENTION_POLICY.exec(outcome.message)
  if (match === null) return outcome
  const slash = server.bucket.indexOf('/')
  const db = slash < 0 ? server.bucket : server.bucket.slice(0, slash)
  const named = match[1] !== undefined && match[1] !== '' ? match[1] : slash < 0 ? undefined : server.bucket.slice(slash + 1)
  const policy = named === undefined ? 'default retention policy' : `retention policy "${named}"`
  const hint = `database "${db}" has no ${policy}: create it on the server (CREATE RETENTION POLICY), or correct bucket = ${server.bucket} in [server.${server.name}]`
  return { ...outcome, message: `${outcome.message} (${hint})` }
}

/**
 * What to check after a refusal with `status`, for a message: the 500 of a
 * missing retention policy already says it (withRetentionPolicyHint).
 */
export function refusalAdvice(status: number): string {
  if (status === 500) return 'check the bucket'
  return 'check the token/credentials and the bucket'
}

/** Said of a Retry-After that is neither seconds nor an HTTP-date (the normal backoff is used); '' for none. */
function unreadRetryAfter(text: string | undefined): string {
  if (text === undefined || text === '') return ''
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text
  return ` (Retry-After ${JSON.stringify(shown)} ignored: neither seconds nor an HTTP-date in GMT; the normal backoff is used)`
}

/**
 * What a 2xx answer to a write comes to. InfluxDB 1.x and 2.x and
 * VictoriaMetrics answer a write with 204 and no body; an HTML page with a 2xx
 * is the answer of something in between (a captive portal, a proxy's login or
 * error page), and the points did not reach a database: retried, then spooled.
 * Other 2xx answers are taken as delivered, and so is a 204 whatever its
 * content-type: it has no body, so no page, and a proxy that adds a default
 * content-type to every answer would otherwise have every batch retried and
 * spooled for ever.
 */
export function successOutcome(status: number | undefined, contentType: unknown): SendOutcome {
  if (status === 204) return { kind: 'ok' }
  const type = typeof contentType === 'string' ? contentType : Array.isArray(contentType) ? String(contentType[0]) : ''
  if (!/^\s*text\/html\b/i.test(type)) return { kind: 'ok' }
  return {
    kind: 'retry',
    message: `HTTP ${status ?? '2xx'} with an HTML page (content-type ${type.trim()}), not an answer of InfluxDB (which answers a write with 204): a captive portal or a proxy between here and the server? The points were not delivered`,
  }
}

/** Node's codes for a server certificate that failed verification. */
const TLS_VERIFY_CODES = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID)$/
const TLS_HINT = "TLS certificate verification failed (it is always on): if the server's certificate is signed by your own CA, set ca_file to that CA's certificate in the server's section"


/**
 * POSTs batches to one server through the official client's transport with
 * its retries and buffering out of the way (we retry), keep-alive and gzip on.
 */
export function createHttpSender(server: ServerConfig): HttpSender {
  const agent = makeAgent(server)
  const influx = new InfluxDB({
    url: server.url,
    ...(server.api === 'v2' && server.token !== undefined ? { token: server.token.reveal() } : {}),
    // The transport's socket timeout is a Node timer too (capped there, with a warning); ours above ends the request.
    timeout: Math.min(server.timeoutMs, MAX_TIMER_MS),
    transportOptions: { agent },
  })
  const transport: Transport = influx.transport
  const path = writePath(server)
  // We gzip (the transport would, but only at zlib's default level, which costs 5x the CPU of level 1 on this host).
  const level = server.gzip ? gzipLevel(server.url) : undefined
  const headers = { 'content-type': 'text/plain; charset=utf-8', ...authHeaders(server) }
  const gzipHeaders = { ...headers, 'content-encoding': 'gzip' }
  const label = describeServer(server)
  const secrets = serverSecrets(server)
  // A server may echo what it was sent: no secret leaves this function in a message.
  const clean = (outcome: SendOutcome): SendOutcome => (outcome.kind === 'ok' ? outcome : { ...outcome, message: scrubSecrets(outcome.message, secrets) })

  return {
    send(body) {
      return new Promise<SendOutcome>((resolve) => {
        const controller = new AbortController()
        let settled = false
        let timedOut = false
        const finish = (outcome: SendOutcome) => {
          if (settled) return
          settled = true
          timer.clear()
          if (outcome.kind !== 'ok') controller.abort()
          resolve(clean(outcome))
        }
        const timer = setLongTimeout(() => {
          timedOut = true
          controller.abort()
          finish({ kind: 'retry', message: `${label}: no answer within the timeout of ${server.timeoutMs} ms` })
        }, server.timeoutMs)
        const post = (payload: string | Buffer, gzipped: boolean) => {
          if (settled) return
          // The transport takes the bytes as they are: it makes Buffer.from(payload), a copy of a Buffer, but a view of
          // an ArrayBuffer. So a body that is the whole of its ArrayBuffer (as replay's chunks are) goes as that
          // ArrayBuffer, with no copy; nothing changes the bytes before the outcome is in.
          const whole = typeof payload !== 'string' && payload.byteOffset === 0 && payload.byteLength === payload.buffer.byteLength
          try {
            let answer: { status: number | undefined; contentType: unknown } | undefined
            transport.send(path, (whole ? payload.buffer : payload) as string, { method: 'POST', headers: gzipped ? gzipHeaders : headers, signal: controller.signal }, {
              responseStarted: (responseHeaders, status) => (answer = { status, contentType: responseHeaders['content-type'] }),
              next() {},
              error: (error) => finish(withRetentionPolicyHint(classify(error, timedOut, server.timeoutMs, secrets), server)),
              complete: () => finish(successOutcome(answer?.status, answer?.contentType)),
            })
          } catch (error) {
            // Thrown before anything was sent (Node checks the headers first): an outcome like any other,
            // never a rejection (after gzip it would be an unhandled one, which ends the process).
            finish(unsendable(error, label, server.timeoutMs))
          }
        }
        if (level === undefined) post(body, false)
        else
          gzipBody(body, level).then(
            ({ bytes, gzipped }) => post(bytes, gzipped),
            (error: unknown) => finish({ kind: 'retry', message: `${label}: cannot gzip the request body: ${(error as Error).message}` }),
          )
      })
    },
    close() {
      agent.destroy()
    },
  }
}
