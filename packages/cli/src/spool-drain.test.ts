import { SpoolDrainError } from '@eht-influx-client/writer'
import { describe, expect, it } from 'vitest'
import { drainFailure } from './spool-drain.js'

describe('drainFailure', () => {
  it("the writer's SpoolDrainError: an OutputError (exit 1) with its message, saying the points stay", () => {
    const cause = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' })
    const error = new SpoolDrainError('cannot drain the spool of server "cloud" in /sp: cannot take the lock /sp/cloud/a.lp.lock of spool file /sp/cloud/a.lp: ENOSPC: no space left on device, write', 'cloud', { cause })
    const mapped = drainFailure(error, '/sp') as Error & { exitCode: number }
    expect([mapped.name, mapped.exitCode, mapped.cause]).toEqual(['OutputError', 1, error])
    expect(mapped.message).toBe(`${error.message}; the spooled points stay in the spool ('eht-influx-client spool drain' again delivers them once this is fixed)`)
  })

  it('a bare system error names the spool folder; other errors are left as they are', () => {
    const bare = Object.assign(new Error('EMFILE: too many open files, open'), { code: 'EMFILE', syscall: 'open' })
    expect((drainFailure(bare, '/sp') as Error).message).toMatch(/^cannot drain the spool in \/sp: EMFILE: too many open files, open; the spooled points stay/)
    const bug = new TypeError('x is undefined')
    expect(drainFailure(bug, '/sp')).toBe(bug)
  })
})
