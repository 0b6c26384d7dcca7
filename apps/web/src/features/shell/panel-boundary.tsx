import { Component, type ErrorInfo, type ReactNode } from "react";

interface PanelBoundaryProps {
  /** The panel's name, for the fallback's message. */
  name: string;
  children: ReactNode;
}

interface PanelBoundaryState {
  error: Error | null;
}

/**
 * Keeps a crashing panel to itself: the others stay usable, and this one offers to try again
 * (a remount) instead of leaving a blank tab.
 */
export class PanelBoundary extends Component<PanelBoundaryProps, PanelBoundaryState> {
  override state: PanelBoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): PanelBoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`The ${this.props.name} panel failed`, error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <section className="panel panel--centered" role="alert" aria-label={this.props.name}>
        <p>
          The {this.props.name} panel failed: {this.state.error.message}
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </section>
    );
  }
}
