import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/security/fixtures')

/**
 * The committed self-signed certificate for 127.0.0.1 and localhost (valid
 * 2000-2100; CA:TRUE so that it can be its own trust anchor in ca_file), its
 * key, and an unrelated CA certificate that must not make it trusted.
 */
export const TLS_FIXTURES = {
  cert: path.join(FIXTURES, 'localhost-cert.pem'),
  key: path.join(FIXTURES, 'localhost-key.pem'),
  otherCa: path.join(FIXTURES, 'other-ca-cert.pem'),
}

export interface HttpsProxy {
  /** https://127.0.0.1:<port> */
  readonly url: string
  /** Requests that got through the TLS handshake and were forwarded. */
  readonly forwarded: number
  /** TLS handshakes the client broke off (it did not trust the certificate). */
  readonly tlsClientErrors: number
  stop(): Promise<void>
}

/** An https reverse proxy with the self-signed certificate, on a free loopback port, in front of the http server `target`. */
export async function startHttpsProxy(target: string): Promise<HttpsProxy> {
  const upstream = new URL(target)
  const agent = new http.Agent({ keepAlive: true })
  let forwarded = 0
  let tlsClientErrors = 0
  const sockets = new Set<Socket>()
  const server = https.createServer({ cert: fs.readFileSync(TLS_FIXTURES.cert), key: fs.readFileSync(TLS_FIXTURES.key) }, (req, res) => {
    forwarded++
    const up = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    up.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy: ${error.message}`)
    })
    req.pipe(up)
  })
  server.on('tlsClientError', () => tlsClientErrors++)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `https://127.0.0.1:${port}`,
    get forwarded() {
      return forwarded
    },
    get tlsClientErrors() {
      return tlsClientErrors
    },
    async stop() {
      for (const socket of sockets) socket.destroy()
      agent.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
