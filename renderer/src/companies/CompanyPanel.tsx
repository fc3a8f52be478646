// Placeholder: built next.
export function CompanyPanel({ id }: { id: string }) {
  return <p className="empty">{id}</p>;
}
