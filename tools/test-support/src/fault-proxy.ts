import { createHash } from 'node:crypto'
import http from 'node:http'
import type { Socket } from 'node:net'
import zlib from 'node:zlib'

/** What the proxy does with one request. */
export type FaultAction =
  /** Forward to the real server and relay its answer. */
  | { kind: 'pass' }
  /** Answer with this status (e.g. 503 or 429 with `{ 'retry-after': '2' }`), never forwarding. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Wait `ms` (e.g. longer than the client's timeout), then do `then` (default: pass). */
  | { kind: 'delay'; ms: number; then?: FaultAction }
  /** Destroy the connection: `before` the server sees the body, or `after` the server accepted it. */
  | { kind: 'reset'; when: 'before' | 'after' }
  /** 413 when the decoded body is larger than `maxBytes`, else pass. */
  | { kind: 'limit'; maxBytes: number }
  /** Read the request and never answer. */
  | { kind: 'blackhole' }

export interface FaultRequest {
  /** 0-based number of this request since the proxy started. */
  index: number
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  /** The body as received (possibly gzip). */
  body: Buffer
  /** The body decoded (gunzipped when content-encoding is gzip). */
  text: string
}

/** One action for every request, a list used one per request (then pass), or a function of the request. */
export type FaultScript = FaultAction | readonly FaultAction[] | ((request: FaultRequest) => FaultAction)

export interface FaultLogEntry {
  index: number
  url: string
  action: FaultAction['kind']
  lines: number
  /** When the request's body had arrived, in ms of `performance.now()` (monotonic). */
  at: number
  /** sha1 of the decoded body: the same batch sent again has the same hash. */
  bodyHash: string
  /** The real server's status when the request was forwarded. */
  upstreamStatus?: number
  /** The status the client was answered with; undefined while none was (reset, blackhole, still waiting). */
  status?: number
  /** The `Retry-After` header the client was answered with. */
  retryAfter?: string
  /**
   * True once a 2xx of the real server was handed to the client's connection in full (the socket's
   * 'finish'). A client killed an instant before, whose socket the kernel has not closed yet, may
   * still count: for a killed client, use `acceptedBodies` (what the server took).
   */
  acknowledged?: boolean
}

export interface FaultProxyStats {
  requests: number
  forwarded: number
  /** Requests the real server answered with 2xx. */
  accepted: number
  /** Non-empty lines in the bodies the real server answered with 2xx. */
  acceptedLines: number
  /** Requests the real server answered with 2xx AND whose answer reached the client (not cut by a reset or a client timeout). */
  acknowledged: number
  /** Non-empty lines of the acknowledged requests. */
  acknowledgedLines: number
  /** Requests begun and not yet finished with: body still arriving, held by a delay, or waiting on the real server. */
  inFlight: number
}

export interface FaultProxy {
  readonly url: string
  readonly port: number
  setScript(script: FaultScript): void
  readonly log: readonly FaultLogEntry[]
  /** Decoded bodies the real server accepted, in order (also those whose answer never reached the client). */
  readonly acceptedBodies: readonly string[]
  /** Decoded bodies the real server accepted and whose 2xx reached the client, in order. */
  readonly acknowledgedBodies: readonly string[]
  stats(): FaultProxyStats
  /**
   * Resolves once no request has been in flight for `quietMs` (default 300) in a row, counted
   * from the call at the earliest: after a client is killed, what it had sent has then reached
   * the real server (and is counted) or been dropped, however long the server took to answer.
   * Rejects after `timeoutMs` (default 30 s).
   */
  quiet(quietMs?: number, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

function countLines(text: string): number {
  let n = 0
  for (const line of text.split('\n')) if (line.trim() !== '') n++
  return n
}

function decode(body: Buffer, headers: http.IncomingHttpHeaders): string {
  return (headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8')
}

/**
 * Starts an HTTP proxy on a free loopback port in front of `target` (a real
 * server's base URL) that applies a scripted fault to each request.
 */
export async function startFaultProxy(options: { target: string; script?: FaultScript }): Promise<FaultProxy> {
  const target = new URL(options.target)
  let script: FaultScript = options.script ?? { kind: 'pass' }
  let queue: FaultAction[] = []
  const log: FaultLogEntry[] = []
  const acceptedBodies: string[] = []
  const acknowledgedBodies: string[] = []
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, accepted: 0, acceptedLines: 0, acknowledged: 0, acknowledgedLines: 0, inFlight: 0 }
  /** When a request last began or finished (performance.now()). */
  let lastChange = performance.now()
  const sockets = new Set<Socket>()
  const agent = new http.Agent({ keepAlive: true })

  function choose(request: FaultRequest): FaultAction {
    if (typeof script === 'function') return script(request)
    if (Array.isArray(script)) return queue.shift() ?? { kind: 'pass' }
    return script as FaultAction
  }

  function forward(req: FaultRequest): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    stats.forwarded++
    const headers = { ...req.headers, host: target.host }
    return new Promise((resolve, reject) => {
      const up = http.request(
        { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }))
          res.on('error', reject)
        },
      )
      up.on('error', reject)
      up.end(req.body)
    })
  }

  async function apply(action: FaultAction, req: FaultRequest, res: http.ServerResponse, entry: FaultLogEntry): Promise<void> {
    switch (action.kind) {
      case 'status':
        answered(entry, action.status, action.headers)
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers })
        res.end(action.body ?? JSON.stringify({ error: `fault proxy: ${action.status}` }))
        return
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, action.ms))
        if (res.destroyed || res.socket === null) return
        return apply(action.then ?? { kind: 'pass' }, req, res, entry)
      case 'blackhole':
        return
      case 'reset':
        if (action.when === 'after') await relayed(req, entry)
        res.socket?.destroy()
        return
      case 'limit':
        if (Buffer.byteLength(req.text) > action.maxBytes) {
          answered(entry, 413)
          res.writeHead(413, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ error: `request entity too large (limit ${action.maxBytes} bytes)` }))
          return
        }
        return apply({ kind: 'pass' }, req, res, entry)
      case 'pass': {
        const answer = await relayed(req, entry)
        const headers = { ...answer.headers }
        delete headers['transfer-encoding']
        delete headers.connection
        if (res.destroyed) return
        answered(entry, answer.status)
        if (answer.status >= 200 && answer.status < 300) {
          // Counted only once the whole answer was handed to the client's socket.
          res.once('finish', () => {
            entry.acknowledged = true
            stats.acknowledged++
            stats.acknowledgedLines += entry.lines
            acknowledgedBodies.push(req.text)
          })
        }
        res.writeHead(answer.status, headers)
        res.end(answer.body)
        return
      }
    }
  }

  function answered(entry: FaultLogEntry, status: number, headers: Record<string, string> = {}): void {
    entry.status = status
    const retryAfter = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1]
    if (retryAfter !== undefined) entry.retryAfter = retryAfter
  }

  async function relayed(req: FaultRequest, entry: FaultLogEntry) {
    const answer = await forward(req)
    entry.upstreamStatus = answer.status
    if (answer.status >= 200 && answer.status < 300) {
      stats.accepted++
      stats.acceptedLines += entry.lines
      acceptedBodies.push(req.text)
    }
    return answer
  }

  const server = http.createServer((incoming, res) => {
    stats.inFlight++
    lastChange = performance.now()
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      stats.inFlight--
      lastChange = performance.now()
    }
    // A body cut short never ends: the request is over when its connection closes.
    incoming.on('close', () => {
      if (!incoming.complete) finish()
    })
    const chunks: Buffer[] = []
    incoming.on('data', (c: Buffer) => chunks.push(c))
    incoming.on('end', () => {
      const body = Buffer.concat(chunks)
      const request: FaultRequest = {
        index: stats.requests++,
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body,
        text: decode(body, incoming.headers),
      }
      const action = choose(request)
      const entry: FaultLogEntry = {
        index: request.index,
        url: request.url,
        action: action.kind,
        lines: countLines(request.text),
        at: performance.now(),
        bodyHash: createHash('sha1').update(request.text).digest('hex'),
      }
      log.push(entry)
      apply(action, request, res, entry)
        .catch((error: unknown) => {
          if (!res.headersSent && !res.destroyed) {
            answered(entry, 502)
            res.writeHead(502, { 'content-type': 'text/plain' })
            res.end(`fault proxy: upstream failed: ${error instanceof Error ? error.message : String(error)}`)
          }
        })
        .finally(finish)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('fault proxy: no port')
  const port = address.port

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    acceptedBodies,
    acknowledgedBodies,
    setScript(next) {
      script = next
      queue = Array.isArray(next) ? [...(next as FaultAction[])] : []
    },
    stats: () => ({ ...stats }),
    async quiet(quietMs = 300, timeoutMs = 30_000) {
      const called = performance.now()
      const deadline = called + timeoutMs
      while (stats.inFlight > 0 || performance.now() - Math.max(lastChange, called) < quietMs) {
        if (performance.now() > deadline) throw new Error(`fault proxy: still ${stats.inFlight} request(s) in flight after ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    },
    async stop() {
      for (const socket of sockets) socket.destroy()
      agent.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  proxy.setScript(script)
  return proxy
}
