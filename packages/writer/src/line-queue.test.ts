import { describe, expect, it } from 'vitest'
import { ACCEPTED, REJECTED, UNSENT } from './deliver-batch.js'
import { LineQueue, settleSent, unsentSpans } from './line-queue.js'
import { Ticket } from './ticket.js'

describe('LineQueue', () => {
  it('takes batches by line count and size, keeping which call owns which lines, and stops at a flush marker', () => {
    const q = new LineQueue()
    const a = new Ticket(3)
    const b = new Ticket(2)
    q.push(['a1', 'a2', 'a3'], a)
    q.push(['b1', 'b2'], b)
    let flushed = false
    q.pushMarker(() => (flushed = true))
    q.push(['c1'], undefined)
    expect([q.lines, q.bytes, q.markers]).toEqual([6, 18, 1])
    const [first, spans] = q.take(4, 1_000_000)
    expect(first).toEqual(['a1', 'a2', 'a3', 'b1'])
    expect(spans).toEqual([
      [a, 3],
      [b, 1],
    ])
    expect(q.take(10, 1_000_000)[0]).toEqual(['b2'])
    expect(q.headKind()).toBe('marker')
    q.popMarker()()
    expect(flushed).toBe(true)
    expect(q.take(10, 1_000_000)[0]).toEqual(['c1'])
    expect([q.headKind(), q.lines, q.bytes]).toEqual(['empty', 0, 0])
  })

  it('always takes at least one line, however long', () => {
    const q = new LineQueue()
    q.push(['x'.repeat(100), 'y'], undefined)
    expect(q.take(10, 10)[0]).toEqual(['x'.repeat(100)])
  })

  it('settles each call with what became of its own lines', async () => {
    const a = new Ticket(2)
    const b = new Ticket(2)
    const status = Uint8Array.from([ACCEPTED, REJECTED, ACCEPTED, UNSENT])
    settleSent(
      [
        [a, 2],
        [b, 2],
      ],
      { status, accepted: 2, rejected: [{ index: 1, status: 400, message: 'bad' }], unsent: 1, reason: 'down', refusedStatus: undefined },
    )
    expect(await a.done).toMatchObject({ accepted: 1, rejected: 1, reasons: ['bad'] })
    expect(
      unsentSpans(
        [
          [a, 2],
          [b, 2],
        ],
        status,
      ),
    ).toEqual([
      [a, 0],
      [b, 1],
    ])
  })
})
