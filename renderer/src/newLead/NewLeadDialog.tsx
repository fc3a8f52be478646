// Placeholder: built next.
export function NewLeadDialog() {
  return null;
}
