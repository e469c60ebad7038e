import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { NotFound } from '../errors/http-errors.js';
import { CONSOLE_CSP, type ConsoleFile, type ConsoleFiles } from './console-files.js';
import { CONSOLE_FILES } from './console.tokens.js';

/**
 * `/console`: the admin and audit console (SPEC §10), a page and its scripts and stylesheet,
 * served under a strict CSP. No key is needed for the files; the page asks for one and calls
 * the API with it.
 */
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CONSOLE_FILES) private readonly files: ConsoleFiles) {}

  /** The page. */
  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, 'index.html');
  }

  /** Its scripts and stylesheet, by name. */
  @Get(':file')
  file(@Param('file') name: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, name);
  }

  private send(reply: FastifyReply, name: string): Buffer {
    const file: ConsoleFile | undefined = this.files.get(name);
    if (!file)
      throw new NotFound(this.files.size === 0 ? 'the console’s files are not installed' : `no console file ${name}`);
    void reply
      .header('content-type', file.contentType)
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .header('cache-control', 'no-cache');
    return file.body;
  }
}
