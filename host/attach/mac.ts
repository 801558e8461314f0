// Hardware addresses between their text form (aa:bb:cc:dd:ee:ff) and bytes.

export function macBytes(text: string): Uint8Array {
  const parts = text.split(":");
  if (parts.length !== 6 || parts.some((part) => !/^[0-9a-fA-F]{2}$/.test(part))) {
    throw new RangeError(`"${text}" is not a MAC address`);
  }
  return Uint8Array.from(parts, (part) => parseInt(part, 16));
}

export function macText(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join(":");
}
