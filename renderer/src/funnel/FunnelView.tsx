// The funnel screen (being built).
export function FunnelView() {
  return <p className="empty">The funnel is being built.</p>;
}
