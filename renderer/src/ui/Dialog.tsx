// A modal on the native <dialog>: focus moves in and is trapped, Esc closes, focus returns to
// where it was. `confirmAction` asks a yes/no question and resolves with the answer.
import { useEffect, useRef, type ReactNode } from 'react';
import { create } from 'zustand';

export function Dialog({
  open,
  onClose,
  title,
  children,
  className,
  testId,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);
  useEffect(
    () => () => {
      if (opener.current instanceof HTMLElement) opener.current.focus();
    },
    [],
  );
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-label={title}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={() => {
        if (opener.current instanceof HTMLElement && document.contains(opener.current)) opener.current.focus();
      }}
    >
      {open && (
        <>
          <h2 className="dialog-title">{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  resolve(ok: boolean): void;
}

const useConfirm = create<{ request: ConfirmRequest | null }>()(() => ({ request: null }));

/** Asks before a change that needs it (demotions, bulk changes, unlinking). */
export function confirmAction(req: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  return new Promise((resolve) => {
    useConfirm.getState().request?.resolve(false);
    useConfirm.setState({ request: { ...req, resolve } });
  });
}

export function ConfirmHost() {
  const request = useConfirm((s) => s.request);
  const answer = (ok: boolean) => {
    request?.resolve(ok);
    useConfirm.setState({ request: null });
  };
  return (
    <Dialog open={Boolean(request)} onClose={() => answer(false)} title={request?.title ?? 'Confirm'} testId="confirm-dialog">
      {request && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            answer(true);
          }}
        >
          <div className="dialog-body">{request.body}</div>
          <div className="dialog-actions">
            <button type="button" className="secondary" onClick={() => answer(false)}>
              Cancel
            </button>
            <button type="submit" className={request.danger ? 'danger' : ''} autoFocus>
              {request.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
