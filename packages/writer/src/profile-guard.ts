import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { ProfileGuardError } from './errors.js'

/**
 * `[client] profile`: with `test` every server's bucket (v1: database) must end
 * in `_test`, with `prod` none may. Checked again here, before anything is
 * sent, because a configuration object may be built without `parseConfig`.
 */
export function checkProfile(config: Pick<EHTConfig, 'client'>, servers: readonly ServerConfig[]): void {
  const profile = config.client.profile
  for (const server of servers) {
    const database = server.bucket.split('/')[0]!
    const isTest = database.endsWith('_test')
    if (profile === 'test' && !isTest) {
      throw new ProfileGuardError(`profile is test but server "${server.name}" writes to bucket "${server.bucket}", which does not end in _test; nothing was sent. Use a bucket ending in _test, or set [client] profile = prod`)
    }
    if (profile === 'prod' && isTest) {
      throw new ProfileGuardError(`profile is prod but server "${server.name}" writes to bucket "${server.bucket}", which ends in _test; nothing was sent. Use the production bucket, or set [client] profile = test`)
    }
  }
}
