import { describe, expect, it } from 'vitest'
import { Ticket } from './ticket.js'

describe('Ticket', () => {
  it('resolves once every point is accounted for, with the distinct reasons', async () => {
    const ticket = new Ticket(10)
    let done = false
    void ticket.done.then(() => (done = true))
    ticket.settle('accepted', 6)
    ticket.settle('spooled', 2, 'server down')
    await Promise.resolve()
    expect(done).toBe(false)
    ticket.settle('spooled', 1, 'server down')
    ticket.settle('rejected', 1, 'HTTP 400')
    expect(await ticket.done).toEqual({ accepted: 6, spooled: 3, rejected: 1, dropped: 0, reasons: ['server down', 'HTTP 400'] })
  })
  it('resolves at once for no points', async () => {
    expect((await new Ticket(0).done).accepted).toBe(0)
  })
})
