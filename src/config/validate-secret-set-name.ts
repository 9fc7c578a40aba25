// Pipecat Cloud secret set names: checked before any network call so a typo
// is a start-up error, not a 400 at the first refresh.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const FIX = "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit; 3–63 characters";

/** Undefined when the name is valid, otherwise what is wrong and how to fix it. */
export function validateSecretSetName(name: string): string | undefined {
  const quoted = JSON.stringify(name);
  if (name.length < 3) return `${quoted} is not a valid secret set name: it is too short: ${FIX}`;
  if (name.length > 63) return `${quoted} is not a valid secret set name: it is ${name.length} characters long: ${FIX}`;
  if (!NAME.test(name)) return `${quoted} is not a valid secret set name: ${FIX}`;
  return undefined;
}
