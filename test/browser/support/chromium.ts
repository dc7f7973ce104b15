import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), or the one CHROMIUM_PATH names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium driven by playwright-core, which downloads no browser of its own: it drives the
 * system's. `--no-sandbox` because CI runs as root; `--disable-dev-shm-usage` because containers
 * have a small /dev/shm.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
