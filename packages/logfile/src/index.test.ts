import { describe, expect, it } from 'vitest'
import * as api from './index.js'

describe('the public API', () => {
  it('exports the names writer, replay and cli are written against', () => {
    const contract = [
      'encodeLineProtocol', 'decodeLineProtocol', 'validateRecord', 'encodeJsonl', 'decodeJsonl', 'jsonlLineSchema', 'CsvEncoder',
      'nowNs', 'secondsToNs', 'parseRfc3339', 'formatRfc3339', 'dateToNs', 'nsToDate',
      'openLogWriter', 'readLogFile', 'readLogs', 'listLogFiles', 'LogfileError', 'LineProtocolError', 'RecordError',
    ]
    for (const name of contract) expect(typeof (api as Record<string, unknown>)[name], name).not.toBe('undefined')
  })

  it('exports nothing beyond the documented API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'CsvDecoder', 'DEFAULT_MAX_LINE_BYTES', 'READING_STOPPED', 'chunkEncoder', 'isGzipPath', 'isGzipFile', 'CsvEncoder', 'CsvError', 'JsonlError', 'LineProtocolError', 'LogReadError', 'LogWriteError', 'LogWriterClosedError', 'LogWriterOptionsError',
        'LogfileError', 'RecordError', 'TimeError', 'dateToNs', 'decodeJsonl', 'decodeLineProtocol', 'encodeJsonl', 'encodeLineProtocol', 'formatFromPath',
        'formatRfc3339', 'jsonlLineSchema', 'jsonlLineToLineProtocol', 'listLogFiles', 'nowNs', 'nsToDate', 'openLogWriter', 'parseRfc3339', 'readLogFile', 'readLogs', 'secondsToNs', 'validateRecord', 'writeFileAtomic', 'createFileExclusively',
        'ownProcessIdentity', 'formatProcessIdentity', 'parseProcessIdentity', 'processIdentityAlive', 'isThisProcess', 'inOtherPidNamespace',
        'readOwnerLock', 'ownerLockText', 'takeOverStaleLock', 'keepLockFresh', 'LOCK_REFRESH_MS', 'LOCK_UNREFRESHED_MS',
        'STATION_TIMES', 'NS_PER_UNIT', 'TIME_UNIT_NAMES', 'unitThatFits',
      ].sort(),
    )
  })
})
