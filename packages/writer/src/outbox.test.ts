import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ErrorsFile } from './errors-file.js'
import { EventHub, type ErrorEvent } from './events.js'
import type { HttpSender } from './http-sender.js'
import { JoinedLines } from './joined-lines.js'
import { Outbox } from './outbox.js'
import { RetryPolicy } from './retry-policy.js'
import { newStats, type ServerContext } from './server-context.js'
import { SpoolBudget } from './spool-budget.js'
import { listServerSpool, ServerSpool } from './spool.js'
import { Ticket } from './ticket.js'
import { makeConfig, readAll, tempDir } from '../test/helpers.js'

describe('Outbox, when sending throws (a bug)', () => {
  it('settles the call as spooled, keeps the points in the spool and reports it', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: 'http://127.0.0.1:9', api: 'v1' }] })
    // A sender that breaks its promise never to throw.
    const sender: HttpSender = {
      send: () => Promise.reject(new Error('something unexpected')),
      close() {},
    }
    const errors: ErrorEvent[] = []
    const hub = new EventHub()
    hub.add({ onError: (e) => errors.push(e) })
    const spool = new ServerSpool('cloud', config.spool.dir, new SpoolBudget(1e9, 0))
    const ctx: ServerContext = { server: config.servers[0]!, sender, policy: new RetryPolicy(config.retry), spool, errorsFile: new ErrorsFile(path.join(dir, 'errors.jsonl')), hub, stats: newStats() }
    const outbox = new Outbox(ctx, () => {}, false)
    const lines = Array.from({ length: 5 }, (_, i) => `m,s=Kp v=${i} ${1617672549204824064n + BigInt(i)}`)
    const ticket = new Ticket(lines.length)
    await outbox.enqueue(JoinedLines.of(lines), ticket)
    await outbox.flush()
    const outcome = await Promise.race([ticket.done, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5000))])
    await outbox.close()
    expect(outcome).toMatchObject({ accepted: 0, spooled: 5, dropped: 0, reasons: [expect.stringContaining('internal error while sending 5 points (a bug: please report it): something unexpected')] })
    expect(errors.map((e) => e.error.message)).toEqual([expect.stringContaining('internal error while sending 5 points')])
    await spool.seal()
    const files = (await listServerSpool(config.spool.dir, 'cloud')).map((f) => f.file)
    expect((await readAll(files, 'lp')).length).toBe(5)
    expect(ctx.stats).toMatchObject({ spooled: 5, queued: 0 })
  })
})

describe('Outbox.flush() after close()', () => {
  it('resolves (the close sent or spooled everything), it does not wait for a loop that has ended', async () => {
    const dir = tempDir()
    const config = makeConfig(dir, { servers: [{ name: 'cloud', url: 'http://127.0.0.1:9', api: 'v1' }] })
    const sent: string[] = []
    const sender: HttpSender = {
      send: (body) => {
        sent.push(String(body))
        return Promise.resolve({ kind: 'ok' })
      },
      close() {},
    }
    const spool = new ServerSpool('cloud', config.spool.dir, new SpoolBudget(1e9, 0))
    const ctx: ServerContext = { server: config.servers[0]!, sender, policy: new RetryPolicy(config.retry), spool, errorsFile: new ErrorsFile(path.join(dir, 'errors.jsonl')), hub: new EventHub(), stats: newStats() }
    const outbox = new Outbox(ctx, () => {}, false)
    await outbox.enqueue(JoinedLines.of(['m,s=Kp v=1 1617672549204824064']))
    await outbox.close()
    const flushed = await Promise.race([outbox.flush().then(() => 'resolved'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3000))])
    expect(flushed).toBe('resolved')
    expect(sent).toEqual(['m,s=Kp v=1 1617672549204824064'])
  })
})
