import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); never a browser downloaded by Playwright (STACK.md item 13). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Without the networking flags Chromium stalls on a closed network; no sandbox because CI runs as root. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Starts Debian's Chromium through playwright-core. Throws — the test fails, it never skips —
 * when the browser is missing or cannot start; `.ci/run` installs it.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no browser at ${CHROMIUM_PATH}: install Debian's chromium (apt-get update && apt-get install -y chromium); .ci/run does this`,
    );
  }
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 60_000 });
  } catch (error) {
    throw new Error(
      `Chromium at ${CHROMIUM_PATH} did not start: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
