import { useEffect, useRef, type ReactNode } from 'react';

interface SuccessMessageProps {
  /** Nothing is shown while null/false; the live region itself stays mounted so it is announced. */
  children: ReactNode;
  /** Move focus to the message when it appears (use when the form it replaces goes away). */
  takeFocus?: boolean;
}

/** A confirmation after a form succeeded, announced politely. */
export function SuccessMessage({ children, takeFocus = false }: SuccessMessageProps) {
  const message = useRef<HTMLParagraphElement>(null);
  const visible = Boolean(children);
  useEffect(() => {
    if (visible && takeFocus) message.current?.focus();
  }, [visible, takeFocus]);
  return (
    <div role="status">
      {visible && (
        <p ref={message} tabIndex={-1} className="notice notice--success">
          {children}
        </p>
      )}
    </div>
  );
}
