/**
 * `s` as V8 keeps property names: one shared copy per distinct string. Two such copies compare by
 * identity, where two equal strings built apart (`toLowerCase()` results) are compared character
 * by character: field names used as lookup keys on every request are interned once, when first
 * seen, so that each `indexOf` or `===` over them is a pointer comparison. Other engines get an
 * equal string back.
 */
export function intern(s: string): string {
  return Object.keys({ [s]: 0 })[0];
}
