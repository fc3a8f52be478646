// Around each screen, panel and dialog: what failed, in words, with "Try again" and a way back to
// the leads list, instead of a blank page.
import { Component, type ReactNode } from 'react';
import { LoadError, retryFailedLoads } from '../state/onDemand';

interface Props {
  /** The screen in words: "the Outbox", "the New lead form". */
  what: string;
  /** Back to the leads list (and whatever else leaving means: the dialog closed, the panel shut). */
  onBack: () => void;
  /** How the error shows: inline (default) or inside a frame given by the caller (a dialog). */
  frame?: (content: ReactNode) => ReactNode;
  children: ReactNode;
}

export class ScreenBoundary extends Component<Props, { error: unknown }> {
  override state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch() {
    // the failed fetch is not kept: "Try again", or opening the screen later, asks the server anew
    retryFailedLoads();
  }

  private retry = () => {
    retryFailedLoads();
    this.setState({ error: null });
  };

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    const { what, onBack, frame } = this.props;
    const content = (
      <div className="screen-error" role="alert" data-testid="screen-error">
        <p className="screen-error-title">
          {error instanceof LoadError ? `Could not load ${what}.` : `Something went wrong while showing ${what}.`}
        </p>
        <p className="muted">
          {error instanceof LoadError
            ? 'The page could not reach Lead Console for a moment. Your data is safe; try again.'
            : 'Nothing was changed. Try again; if it happens again, restart Lead Console.'}
        </p>
        <div className="screen-error-actions">
          <button type="button" onClick={this.retry} autoFocus>
            Try again
          </button>
          <button type="button" className="secondary" onClick={onBack}>
            Back to the leads list
          </button>
        </div>
      </div>
    );
    return frame ? frame(content) : content;
  }
}
