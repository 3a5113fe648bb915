// Nesting depth checks that never recurse: a hostile document 500 000 levels
// deep must get a 400, not a stack overflow in a recursive validator.

/**
 * The deepest nesting of a JSON text, scanning brackets outside strings.
 * Stops as soon as `max` is exceeded and says where.
 */
export function textDepthExceeds(text: string, max: number): { offset: number } | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return { offset: i };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

/** The same bound on a parsed value (bodies parsed elsewhere), breadth first. */
export function valueDepthExceeds(value: unknown, max: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      if (depth + 1 > max) return true;
      for (const child of Array.isArray(v) ? v : Object.values(v)) next.push(child);
    }
    level = next;
  }
  return false;
}
