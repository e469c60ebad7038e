import { ConfigError } from '../config/app-config.js';

/**
 * Bad key configuration (API_KEYS, API_KEYS_FILE or the stored key hashes). A
 * {@link ConfigError}, so start-up reports it the same way. Messages name entries by
 * position or line number and never repeat a key.
 *
 * @example
 * new ApiKeyConfigError('API_KEYS', ['entry 2: the key is shorter than 24 characters']);
 */
export class ApiKeyConfigError extends ConfigError {
  constructor(variable: string, messages: readonly string[]) {
    super(messages.map((message) => ({ variable, message })));
    this.name = 'ApiKeyConfigError';
  }
}
