/**
 * Where two JSON values first differ, as a path like `$.results[0].skus["37"].quantity`,
 * or undefined when they are equal. Object key order never matters (JSON objects
 * are unordered: skus keyed by id may come in any order); array order always
 * does (the contract orders every list: styles, photos, features by id).
 */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (Object.is(expected, actual)) return undefined;
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return path;
    const length = Math.max(expected.length, actual.length);
    for (let i = 0; i < length; i++) {
      if (i >= expected.length || i >= actual.length) return `${path}[${i}]`;
      const diff = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (diff) return diff;
    }
    return undefined;
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const child = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in expected) || !(key in actual)) return child;
      const diff = firstDifference(expected[key], actual[key], child);
      if (diff) return diff;
    }
    return undefined;
  }
  return path;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path produced by firstDifference (for showing both sides of a diff). */
export function valueAt(root: unknown, path: string): unknown {
  let value = root;
  const parts = path.slice(1).match(/\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\]/g) ?? [];
  for (const part of parts) {
    if (value === null || typeof value !== 'object') return undefined;
    const key = part.startsWith('.') ? part.slice(1) : (JSON.parse(part.slice(1, -1)) as string | number);
    value = (value as Record<string, unknown>)[String(key)];
  }
  return value;
}
