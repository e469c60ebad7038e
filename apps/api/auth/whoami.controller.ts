import { Controller, Get } from '@nestjs/common';
import { ANY_ROLE, Principal, Roles } from './auth.guard.js';

/** `GET /whoami`: the id and role of the presented key, so a client (the console) knows what it may show. */
@Controller('whoami')
export class WhoamiController {
  @Get()
  @Roles(...ANY_ROLE)
  whoami(@Principal() principal: Principal): Principal {
    return { keyId: principal.keyId, role: principal.role };
  }
}
