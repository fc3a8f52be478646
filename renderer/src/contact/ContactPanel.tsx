// Placeholder: built next.
export function ContactPanel({ id }: { id: string }) {
  return <p className="empty">{id}</p>;
}
