// The sidebar's segments with live counts (being built).
export function SegmentNav() {
  return null;
}
