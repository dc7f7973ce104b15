/** The participant actions that have a circuit, and the variable that names each one's function. */
export const CIRCUITS = {
  BillingPay: 'BILLING_PAY_FUNCTION',
  WarehouseReserve: 'WAREHOUSE_RESERVE_FUNCTION',
  DeliveryBook: 'DELIVERY_BOOK_FUNCTION',
} as const;
export type Circuit = keyof typeof CIRCUITS;
