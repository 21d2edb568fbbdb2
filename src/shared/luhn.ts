// Luhn (mod 10), the check digit of bank card numbers (一卡通).

/** Does a string of digits pass the Luhn check? */
export function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, alt = false; i >= 0; i--, alt = !alt) {
    let d = digits.charCodeAt(i) - 48;
    if (alt) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The digit that makes `body + digit` pass the Luhn check. */
export function luhnCheckDigit(body: string): string {
  return String((10 - (sumWithCheckSlot(body) % 10)) % 10);
}

// the sum of `body` as if one more (check) digit followed it
function sumWithCheckSlot(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, alt = true; i >= 0; i--, alt = !alt) {
    let d = body.charCodeAt(i) - 48;
    if (alt) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}
