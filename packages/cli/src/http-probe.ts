import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'

export interface ProbeRequest {
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  timeoutMs: number
  /** Extra CA certificate(s) for https (the server's ca_file); verification stays on. */
  ca?: Buffer | undefined
  signal?: AbortSignal | undefined
}

export interface ProbeResponse {
  status: number
  headers: http.IncomingHttpHeaders
  /** The body as text, at most 64 kB. */
  body: string
  /** True when the body was longer and was cut to 64 kB (it may end mid-word, mid-secret). */
  bodyCut: boolean
  ms: number
}

/** The request did not get an answer: the reason in words ("connection refused", "no answer within 5 s"). */
export class ProbeFailure extends Error {
  override name = 'ProbeFailure'
}

const MAX_BODY = 64 * 1024

/**
 * One small HTTP(S) request for `check`, with a hard timeout. node:http rather
 * than fetch so that a ca_file can be given. Never logs headers (they carry the token).
 */
export function httpProbe(url: URL, request: ProbeRequest): Promise<ProbeResponse> {
  const started = performance.now()
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest
    try {
      req = client.request(url, {
        method: request.method,
        headers: { 'user-agent': 'eht-influx-client check', ...request.headers, ...(request.body === undefined ? {} : { 'content-length': Buffer.byteLength(request.body) }) },
        // `ca` replaces Node's trusted roots: keep them and add the server's own
        ca: request.ca === undefined ? undefined : [...tls.rootCertificates, request.ca.toString('utf8')],
        agent: false,
        signal: request.signal,
      })
    } catch (error) {
      // Node refuses some requests before sending anything (a header value it cannot carry, such
      // as a token with a typographic quote): a failed step, not an unexpected failure.
      reject(new ProbeFailure(`the request could not be sent: ${describeRequestError(error as Error)}`, { cause: error }))
      return
    }
    const timer = setTimeout(() => req.destroy(new ProbeFailure(`no answer within ${formatSeconds(request.timeoutMs)}`)), request.timeoutMs)
    req.on('error', (error) => {
      clearTimeout(timer)
      reject(error instanceof ProbeFailure ? error : new ProbeFailure(describeNetworkError(error), { cause: error }))
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk)
        size += chunk.length
      })
      res.on('error', (error) => {
        clearTimeout(timer)
        reject(new ProbeFailure(describeNetworkError(error), { cause: error }))
      })
      res.on('end', () => {
        clearTimeout(timer)
        const body = Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8')
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, bodyCut: size > MAX_BODY, ms: performance.now() - started })
      })
    })
    req.end(request.body)
  })
}

/** Why Node refused to build the request; never the header's value (it may be the token). */
function describeRequestError(error: Error): string {
  const code = (error as { code?: unknown }).code
  const header = /\["?([^"\]]+)"?\]|"([^"]+)"/.exec(error.message)
  const name = header?.[1] ?? header?.[2]
  if (code === 'ERR_INVALID_CHAR' && name !== undefined) {
    const hint = name.toLowerCase() === 'authorization' ? ' (check the token or password for typographic quotes such as “ ”, non-ASCII letters or control characters)' : ''
    return `the ${name} header holds a character HTTP cannot carry${hint}`
  }
  // A header value may be echoed in these messages: only the code then.
  if (typeof code === 'string' && /HEADER|INVALID_CHAR|HTTP_TOKEN/.test(code)) return `invalid header (${code})`
  return typeof code === 'string' ? `${error.message} (${code})` : error.message
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}

/** ECONNREFUSED -> "connection refused", and the like; anything else: its own message. */
export function describeNetworkError(error: Error): string {
  const code = (error as { code?: unknown }).code
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running on that port?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${code})`
    case 'ECONNRESET':
      return 'connection reset by the server'
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `network unreachable (${code})`
    case 'ABORT_ERR':
      return 'interrupted'
    default:
      if (typeof code === 'string' && TLS_VERIFY_CODES.test(code)) {
        return `${error.message} (${code}): TLS certificate verification failed (it is always on); if the server's certificate is signed by your own CA, set ca_file to that CA's certificate`
      }
      return typeof code === 'string' ? `${error.message} (${code})` : error.message
  }
}

/** Node's codes for a server certificate that failed verification. */
const TLS_VERIFY_CODES = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID)$/
