// Placeholder: built next.
export function CompaniesView() {
  return <p className="empty">Coming next.</p>;
}
