export { Secret } from './secret.js'
export type {
  ClientConfig,
  ConfigOptions,
  Duration,
  EHTConfig,
  ErrorsConfig,
  LogfileConfig,
  RetryConfig,
  RotatePolicy,
  ServerConfig,
  SpoolConfig,
} from './types.js'
export { loadConfig } from './load-config.js'
export { parseConfig } from './parse-config.js'
export { defaultConfig, defaultConfigText } from './default-text.js'
export { formatConfig } from './format-config.js'
export { configSchema } from './schema.js'
export { formatDuration, formatSize, parseDuration, parseSize } from './units.js'
export { redactUrl } from './redact-url.js'
export { collapsedSecretForms, collapseWhitespace, SCRUB_ANYWHERE_LENGTH, scrubSecrets, serverSecrets, withoutSecretStart } from './scrub-secrets.js'
export {
  ConfigError,
  ConfigFileNotFoundError,
  ConfigFileUnreadableError,
  ConfigSyntaxError,
  ConflictingKeysError,
  DuplicateKeyError,
  DuplicateServerError,
  InvalidValueError,
  MissingBucketError,
  MissingValueError,
  ProfileMismatchError,
  SecretUnavailableError,
  ServerApiMismatchError,
  UnknownKeyError,
  UnknownSectionError,
} from './errors.js'
export type { ConfigErrorLocation } from './errors.js'
