// A small non-modal popover under a toolbar button ("Add filter", "Columns", "Set stage").
// Which one is open lives in the leads store, so only one is open at a time. Esc closes it and
// hands focus back to its button; so does a click outside.
import { useEffect, useRef, type ReactNode } from 'react';
import { useLeads, type LeadsMenu } from './leadsStore';

export function Popover({
  menu,
  label,
  buttonText,
  buttonClassName = 'secondary',
  testId,
  children,
}: {
  menu: Exclude<LeadsMenu, null>;
  /** Accessible name of the popup (and of the button, unless its text says it). */
  label: string;
  buttonText: ReactNode;
  buttonClassName?: string;
  testId?: string;
  children: ReactNode;
}) {
  const open = useLeads((s) => s.openMenu === menu);
  const setOpenMenu = useLeads((s) => s.setOpenMenu);
  const wrapper = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: PointerEvent) => {
      if (e.target instanceof Node && wrapper.current?.contains(e.target)) return;
      setOpenMenu(null);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, setOpenMenu]);

  // Move focus into the popup so keyboard users land on its first control.
  useEffect(() => {
    if (!open) return;
    const first = wrapper.current?.querySelector<HTMLElement>('.popover input:not(:disabled), .popover button:not(:disabled)');
    first?.focus();
  }, [open]);

  return (
    <div
      className="popover-anchor"
      ref={wrapper}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          // Handled here, so the window-wide Esc (close the record panel) does not also fire.
          e.preventDefault();
          e.stopPropagation();
          setOpenMenu(null);
          button.current?.focus();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className={buttonClassName}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpenMenu(open ? null : menu)}
      >
        {buttonText}
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label={label} data-testid={testId}>
          {children}
        </div>
      )}
    </div>
  );
}
