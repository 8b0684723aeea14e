import { describe, expect, it } from 'vitest'
import { ACCEPTED, REJECTED, UNSENT } from './deliver-batch.js'
import { JoinedLines } from './joined-lines.js'
import { LineQueue, settleSent, unsentSpans } from './line-queue.js'
import { Ticket } from './ticket.js'

describe('LineQueue', () => {
  it('takes batches by line count and size, keeping which call owns which lines, and stops at a flush marker', () => {
    const q = new LineQueue()
    const a = new Ticket(3)
    const b = new Ticket(2)
    q.push(JoinedLines.of(['a1', 'a2', 'a3']), a)
    q.push(JoinedLines.of(['b1', 'b2']), b)
    let flushed = false
    q.pushMarker(() => (flushed = true))
    q.push(JoinedLines.of(['c1']), undefined)
    expect([q.lines, q.bytes, q.markers]).toEqual([6, 18, 1])
    const [first, spans] = q.take(4, 1_000_000)
    expect([first.text, first.count]).toEqual(['a1\na2\na3\nb1', 4])
    expect(spans).toEqual([
      [a, 3],
      [b, 1],
    ])
    expect(q.take(10, 1_000_000)[0].lines()).toEqual(['b2'])
    expect(q.headKind()).toBe('marker')
    q.popMarker()()
    expect(flushed).toBe(true)
    expect(q.take(10, 1_000_000)[0].lines()).toEqual(['c1'])
    expect([q.headKind(), q.lines, q.bytes]).toEqual(['empty', 0, 0])
  })

  it('keeps a batch within maxBytes of UTF-8 beyond ASCII (up to 3 bytes a character), giving the rest back in order with its tickets', () => {
    const q = new LineQueue()
    const calls = [0, 1, 2, 3].map((c) => Array.from({ length: 10 }, (_, i) => `m,s=${c % 2 === 0 ? '€€€€€€' : 'éé'} v=${c}${i}`))
    const tickets = calls.map((lines) => new Ticket(lines.length))
    calls.forEach((lines, c) => q.push(JoinedLines.of(lines), tickets[c]))
    const maxBytes = 200
    const sent: string[] = []
    const owned = new Map<Ticket | undefined, number>()
    while (q.headKind() === 'lines') {
      const [batch, spans] = q.take(1000, maxBytes)
      expect(Buffer.byteLength(batch.body) + 1).toBeLessThanOrEqual(maxBytes)
      expect(spans.reduce((n, [, count]) => n + count, 0)).toBe(batch.count)
      for (const [ticket, count] of spans) owned.set(ticket, (owned.get(ticket) ?? 0) + count)
      sent.push(...batch.lines())
    }
    expect(sent).toEqual(calls.flat())
    expect(tickets.map((t) => owned.get(t))).toEqual([10, 10, 10, 10])
    expect([q.lines, q.bytes]).toEqual([0, 0])
  })

  it('always takes at least one line, however long', () => {
    const q = new LineQueue()
    q.push(JoinedLines.of(['x'.repeat(100), 'y']), undefined)
    expect(q.take(10, 10)[0].lines()).toEqual(['x'.repeat(100)])
    expect(q.take(10, 10)[0].lines()).toEqual(['y'])
    expect(q.headKind()).toBe('empty')
  })

  it('hands a batch of whole calls over as their text, and cuts a call across batches by count and bytes without losing a line', () => {
    const q = new LineQueue()
    const a = JoinedLines.of(['a1', 'a2'])
    q.push(a, undefined)
    expect(q.take(2, 100)[0].text).toBe(a.text)
    const t = new Ticket(7)
    q.push(JoinedLines.of(['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6']), t)
    expect(q.bytes).toBe(21)
    const [first, spans] = q.take(3, 100)
    expect(first.lines()).toEqual(['l0', 'l1', 'l2'])
    expect(spans).toEqual([[t, 3]])
    // 3 bytes a line: 7 bytes hold two lines, not three
    expect(q.take(100, 7)[0].lines()).toEqual(['l3', 'l4'])
    expect([q.lines, q.bytes]).toEqual([2, 6])
    q.push(JoinedLines.of(['m0']), undefined)
    const [rest, restSpans] = q.take(100, 100)
    expect(rest.lines()).toEqual(['l5', 'l6', 'm0'])
    expect(restSpans).toEqual([
      [t, 2],
      [undefined, 1],
    ])
    expect([q.headKind(), q.lines, q.bytes]).toEqual(['empty', 0, 0])
  })

  it('hands a call that came as bytes over as those bytes when it fills a batch alone, and as text (made into UTF-8 once) when it shares or is cut', () => {
    const q = new LineQueue()
    const bytes = Buffer.from('b0\nb1\nb2')
    const whole = JoinedLines.fromBytes(bytes, 3)
    q.push(whole, undefined)
    const [alone] = q.take(3, 100)
    expect(alone).toBe(whole)
    expect(alone.body).toBe(bytes)
    q.push(JoinedLines.of(['t0']), undefined)
    q.push(JoinedLines.fromBytes(Buffer.from('b0\nb1\nb2'), 3), undefined)
    const [shared] = q.take(10, 100)
    expect([shared.text, shared.count, shared.body]).toEqual(['t0\nb0\nb1\nb2', 4, Buffer.from('t0\nb0\nb1\nb2')])
    q.push(JoinedLines.fromBytes(Buffer.from('b0\nb1\nb2'), 3), undefined)
    expect(q.take(2, 100)[0].text).toBe('b0\nb1')
    expect(q.take(2, 100)[0].text).toBe('b2')
    expect([q.headKind(), q.lines, q.bytes]).toEqual(['empty', 0, 0])
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
      { status, accepted: 2, rejected: [{ index: 1, status: 400, message: 'bad' }], unsent: 1, reason: 'down', refused: false, refusedStatus: undefined },
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
