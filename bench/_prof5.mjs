import { encodeJsonl, decodeJsonl } from '@eht-influx-client/logfile'
const r = { measurement: 'maser', tags: { station: 'Kp', unit: 'H-maser 2' }, fields: { temperature: { type: 'float', value: 21.5 }, voltage: { type: 'float', value: 12.0001231 } }, timestamp: 1700000000000000000n }
const line1 = encodeJsonl(r)
const flat = JSON.parse(JSON.stringify(line1))
function bench(name, fn){ let x=0; for(let i=0;i<2e5;i++) x+=fn(); const s=process.hrtime.bigint(); for(let i=0;i<1e6;i++) x+=fn(); console.log(name, Number(process.hrtime.bigint()-s)/1e6) }
bench('decode cons', () => decodeJsonl(line1).measurement.length)
bench('decode flat', () => decodeJsonl(flat).measurement.length)
bench('JSON.parse flat', () => JSON.parse(flat).measurement.length)
