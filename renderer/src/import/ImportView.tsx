// The import screen (being built).
export function ImportView() {
  return <p className="empty">Import is being built.</p>;
}
