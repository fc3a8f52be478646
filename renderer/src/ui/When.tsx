// A moment on screen, written one way everywhere: relative words, the exact local date and time
// on hover (and for assistive tech through the <time> element's datetime).
import { moment } from '../../../shared/words';

export function When({ at, now, empty = '', className, testId }: { at: string | null | undefined; now?: number; empty?: string; className?: string; testId?: string }) {
  if (!at) return empty ? <span className={className}>{empty}</span> : null;
  const m = moment(at, now);
  if (!m.iso) return <span className={className}>{at}</span>;
  return (
    <time dateTime={m.iso} title={m.title} className={className} data-testid={testId}>
      {m.text}
    </time>
  );
}
