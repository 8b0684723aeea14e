import { describe, expect, it } from 'vitest'
import { describeServerCounts, notDelivered } from './delivery-report.js'
import type { DropReason } from '@eht-influx-client/writer'

const config = { spool: { dir: '/st/spool', maxSizeBytes: 1 }, errors: { errorsFile: '/st/errors.jsonl', stderr: 'summary' as const } }
const zero = { delivered: 0, spooled: 0, rejected: 0, dropped: 0 }

describe('describeServerCounts', () => {
  it('all delivered: one figure', () => {
    expect(describeServerCounts('local', { ...zero, delivered: 1200 }, config)).toBe('server local: 1,200 delivered')
  })

  it('says where what was not delivered is, and why a replay stopped', () => {
    expect(describeServerCounts('cloud', { delivered: 5, spooled: 3, rejected: 2, dropped: 1, alreadyDone: 10, stopped: 'server down' }, config)).toBe(
      "server cloud: 5 delivered, 10 already delivered (checkpoint), 3 spooled in /st/spool ('eht-influx-client spool drain' delivers them), 2 rejected (in /st/errors.jsonl), 1 dropped (neither delivered nor spooled: only in the logfile; replay it), stopped: server down",
    )
  })

  it("says why points were dropped, from the writer's drop cause", () => {
    const dropped = (reason: DropReason, detail: string) => describeServerCounts('cloud', { ...zero, dropped: 50, dropCause: { reason, detail, message: `the whole message, around ${detail}` } }, config)
    expect(dropped('spool-unwritable', "ENOTDIR: not a directory, mkdir '/st/spool/cloud'")).toBe(
      "server cloud: 0 delivered, 50 dropped (spool not writable: ENOTDIR: not a directory, mkdir '/st/spool/cloud': only in the logfile; replay it)",
    )
    expect(dropped('spool-full', '[spool] max_size 1048576 bytes, 1048000 used')).toContain('50 dropped (spool full ([spool] max_size 1048576 bytes, 1048000 used): only in the logfile; replay it)')
    expect(dropped('spool-full', 'ENOSPC: no space left on device, write')).toContain('50 dropped (spool full (ENOSPC: no space left on device, write): only in the logfile; replay it)')
  })
})

describe('notDelivered', () => {
  it('any point spooled, rejected or dropped, or a stop, counts', () => {
    expect(notDelivered({ ...zero, delivered: 3, alreadyDone: 4 })).toBe(false)
    for (const key of ['spooled', 'rejected', 'dropped'] as const) expect(notDelivered({ ...zero, [key]: 1 })).toBe(true)
    expect(notDelivered({ ...zero, stopped: 'spool full' })).toBe(true)
  })
})
