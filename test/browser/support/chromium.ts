import { type Browser, chromium } from 'playwright-core';
import { toolForTest } from '../../../local/support/tools';

/**
 * The machine's Chromium (Debian's `chromium`, or the one CHROMIUM_PATH names), found as the preflight
 * finds it. Missing, it fails the browser tests at once, saying how to install it; left out with
 * SHOP_SKIP_TOOLS=chromium, they are skipped with a warning.
 */
const CHROMIUM = toolForTest('chromium');

/** `test`, or `test.skip` when SHOP_SKIP_TOOLS leaves Chromium out (the file's hooks then do not run either). */
export const browserTest: jest.It = CHROMIUM ? test : test.skip;

/**
 * Headless Chromium driven by playwright-core, which downloads no browser of its own: it drives the
 * system's. `--no-sandbox` because CI runs as root; `--disable-dev-shm-usage` because containers
 * have a small /dev/shm.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM!.path,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
