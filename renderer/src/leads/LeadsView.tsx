// Placeholder: built next.
export function LeadsView() {
  return <p className="empty">Coming next.</p>;
}
