import { afterEach, describe, expect, it } from 'vitest'
import { listSpool, openDelivery, type Delivery } from './delivery.js'
import type { RetryEvent } from './events.js'
import { successOutcome } from './http-sender.js'
import { CaptureSink, makeConfig, proxiedVictoriaMetrics, readAll, tempDir } from '../test/helpers.js'
import { records } from '../test/records.js'

// VictoriaMetrics (answers a write with 204, as InfluxDB 1.x and 2.x do) behind a fault proxy that can answer
// in its place as a captive portal or a misconfigured proxy does: 200 with an HTML page. No real database does that.
const servers = proxiedVictoriaMetrics()
let delivery: Delivery | undefined
afterEach(async () => {
  await delivery?.close()
  delivery = undefined
  servers.proxy.setScript({ kind: 'pass' })
})

const portal = { kind: 'status' as const, status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body>Please log in to the guest Wi-Fi</body></html>' }

async function open(retry: Record<string, string> = {}) {
  const dir = tempDir()
  const retries: RetryEvent[] = []
  const config = makeConfig(dir, {
    servers: [{ name: 'cloud', url: servers.proxy.url, api: 'v2', keys: { token: 'x' } }],
    retry: { max_retries: '3', min_delay: '20ms', max_delay: '50ms', jitter: '0', max_retry_time: '10s', ...retry },
  })
  delivery = await openDelivery(config, { stderr: new CaptureSink(), onRetry: (e) => retries.push(e) })
  return { config, retries }
}

describe('a 2xx answer with an HTML page (a captive portal, a proxy in between)', () => {
  it('is not counted delivered: retried, and delivered once the real server answers', async () => {
    const { retries } = await open()
    servers.proxy.setScript([portal, portal])
    const outcome = await delivery!.send(records(20, 'html_portal'))
    expect(outcome.cloud).toMatchObject({ accepted: 20, spooled: 0 })
    expect(retries.map((r) => r.retry)).toEqual([1, 2])
    expect(retries[0]!.reason).toMatch(/^HTTP 200 with an HTML page \(content-type text\/html; charset=utf-8\), not an answer of InfluxDB .*The points were not delivered$/)
    expect((await servers.vm.export('{__name__="html_portal_value"}')).flatMap((s) => s.values)).toHaveLength(20)
    expect(delivery!.stats().cloud).toMatchObject({ delivered: 20, retried: 2 })
  })

  it('while it lasts, the points are spooled, not dropped', async () => {
    const { config } = await open({ max_retries: '2' })
    servers.proxy.setScript(portal)
    const outcome = await delivery!.send(records(10, 'html_spooled'))
    expect(outcome.cloud).toMatchObject({ accepted: 0, spooled: 10 })
    await delivery!.close()
    delivery = undefined
    expect(await readAll((await listSpool(config)).map((f) => f.file), 'lp')).toHaveLength(10)
  })

  it('a 204 (no body, so no page) is delivered even with content-type text/html: a proxy that adds a default content-type to every answer', async () => {
    const { retries } = await open()
    servers.proxy.setScript({ kind: 'status', status: 204, headers: { 'content-type': 'text/html; charset=utf-8' } })
    const outcome = await delivery!.send(records(5, 'html_204'))
    expect(outcome.cloud).toMatchObject({ accepted: 5, spooled: 0 })
    expect(retries).toEqual([])
    expect(delivery!.stats().cloud).toMatchObject({ delivered: 5, retried: 0, spooled: 0 })
    expect(successOutcome(204, 'text/html')).toEqual({ kind: 'ok' })
    expect(successOutcome(204, ['text/html; charset=utf-8'])).toEqual({ kind: 'ok' })
  })

  it('other 2xx answers are delivered as before (204, a 200 with JSON or text)', () => {
    expect(successOutcome(204, undefined)).toEqual({ kind: 'ok' })
    expect(successOutcome(200, 'application/json')).toEqual({ kind: 'ok' })
    expect(successOutcome(200, 'text/plain; charset=utf-8')).toEqual({ kind: 'ok' })
    expect(successOutcome(200, 'TEXT/HTML')).toMatchObject({ kind: 'retry' })
  })
})
