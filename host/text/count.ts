// "1 route", "3 routes": counts in messages people read.

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
