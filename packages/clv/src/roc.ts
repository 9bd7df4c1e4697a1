/**
 * Return on Customer for one period (Peppers & Rogers):
 *   ROC = (cash flow in the period + CE(end) − CE(start)) / CE(start).
 * Null when CE(start) is zero (no customer base to earn a return on): never NaN or ±∞.
 */
export const returnOnCustomer = ({ cashFlow, equityStart, equityEnd }: { cashFlow: number; equityStart: number; equityEnd: number }): number | null =>
  equityStart > 0 ? (cashFlow + equityEnd - equityStart) / equityStart : null;
