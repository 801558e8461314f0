// Kata's types.PciPathFromString followed by PciPath.String(): slots are hex numbers of
// at most 5 bits, printed back as two lower-case hex digits joined by "/".

const PCI_SLOT_MAX = 0x1f;

/** Go's strconv.ParseUint(text, 16, 5), with its error texts (JSON quoting equals Go's
 * strconv.Quote for printable ASCII, all a PCI path can sensibly hold). */
function parsePciSlot(text: string): number {
  const syntaxError = () => new Error(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  if (text.length === 0) throw syntaxError();
  let value = 0;
  for (const digit of text) {
    const digitValue = parseInt(digit, 16);
    if (Number.isNaN(digitValue)) throw syntaxError();
    value = value * 16 + digitValue;
    // ParseUint stops at the first overflow, before looking at later characters.
    if (value > PCI_SLOT_MAX) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  }
  return value;
}

export function normalisePciPath(path: string): string {
  if (path === "") return "";
  return path
    .split("/")
    .map((slot) => parsePciSlot(slot).toString(16).padStart(2, "0"))
    .join("/");
}
