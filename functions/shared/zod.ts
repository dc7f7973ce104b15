import { config } from 'zod/mini';
import { en } from 'zod/locales';

/**
 * zod, as the functions use it: `zod/mini`, its tree-shakable functional API, so that a bundle holds
 * only the schemas and checks it uses (`import { z } from 'zod'` brings the whole classic API and
 * every locale, about 440 KB minified, into every function). Import it as `import * as z from '#shared/zod'`.
 *
 * zod/mini has no messages of its own: without a locale each issue says only "Invalid input". The
 * English locale, which classic zod configures by itself, is configured here, once, so that a 400
 * still says "items.0.quantity: Too big: expected number to be <=1000". Only English is bundled.
 */
config(en());

export * from 'zod/mini';
