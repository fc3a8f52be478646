// Placeholder: built next.
export function OutboxView() {
  return <p className="empty">Coming next.</p>;
}
