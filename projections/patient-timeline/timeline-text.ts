/** `neck_pain` → `neck pain`: a snake_case key as words. */
export function words(key: string): string {
  return key.replaceAll('_', ' ');
}

/** `neck_pain` → `Neck pain`: a snake_case key as a capitalised label. */
export function label(key: string): string {
  const text = words(key);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Joins the present parts of a sentence with `, `. */
export function joinParts(parts: readonly (string | false | undefined | null)[]): string {
  return parts.filter((part): part is string => typeof part === 'string' && part.length > 0).join(', ');
}

/** Whole minutes of a duration in seconds, for descriptions (`95 min`). */
export function minutes(seconds: number): string {
  return `${Math.round(seconds / 60)} min`;
}
