// A screen's title: the same size and weight on every screen (the `page-title` class in styles.css).
import type { ReactNode } from 'react';

export function PageTitle({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <h1 id={id} className="page-title" data-testid="page-title">
      {children}
    </h1>
  );
}
