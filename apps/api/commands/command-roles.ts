import { commandRegistry, isCommandName } from '../../../libs/domain/commands.js';
import type { Role } from '../auth/roles.js';

/**
 * The roles that may send the command named in the path of `POST /commands/{name}`, from the
 * registry (`service` for the clinical commands); `undefined` for an unknown name, which then
 * needs the route's default role and gets its 404 from the handler.
 *
 * @example rolesOfCommand({ name: 'RegisterPatient' }) // ['service']
 */
export function rolesOfCommand(params: unknown): readonly Role[] | undefined {
  const name = params && typeof params === 'object' && 'name' in params ? params.name : undefined;
  return typeof name === 'string' && isCommandName(name) ? commandRegistry[name].roles : undefined;
}
