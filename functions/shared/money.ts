/** Money is an integer in minor units (cents), in one currency. */
export const CURRENCY = 'USD';
