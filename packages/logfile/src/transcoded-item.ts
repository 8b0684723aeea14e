import { decodeJsonl } from './jsonl-decode.js'
import type { InfluxRecord } from './record.js'

/**
 * A read item of a JSONL line transcoded straight to line protocol (reader
 * option `lineProtocol`): the record and the timestamp are only built when asked for.
 */
export class TranscodedItem {
  private decoded: InfluxRecord | undefined
  private time: bigint | undefined

  constructor(
    readonly file: string,
    readonly line: number,
    readonly endOffset: number,
    readonly lineProtocol: string,
    private readonly text: string,
    private readonly timeText: string,
  ) {}

  get record(): InfluxRecord {
    return (this.decoded ??= decodeJsonl(this.text))
  }

  get timestamp(): bigint {
    return (this.time ??= BigInt(this.timeText))
  }
}

/** The timestamp of a read item, without decoding a transcoded one. */
export const itemTime = (item: { record: InfluxRecord }): bigint => (item instanceof TranscodedItem ? item.timestamp : item.record.timestamp)
