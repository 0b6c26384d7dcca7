// A WAI-ARIA tree (https://www.w3.org/WAI/ARIA/apg/patterns/treeview/): one tab stop (roving
// tabindex), Up/Down to move, Right to expand or enter, Left to collapse or leave, Home/End,
// Enter/Space to activate. Collapsed items render no children, so every rendered item is visible
// and the arrow keys can walk the DOM in document order.
import {
  createContext,
  useCallback,
  useContext,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type Dispatch,
  type KeyboardEvent,
  type ReactNode,
  type SetStateAction,
} from "react";

interface TreeState {
  /** The item that takes the tab stop; null when none is chosen yet or it went away. */
  activeKey: string | null;
  /** The tree's first item, the tab stop until another is chosen. */
  firstKey: string | null;
  setActiveKey: Dispatch<SetStateAction<string | null>>;
  isExpanded: (key: string, byDefault: boolean) => boolean;
  toggle: (key: string) => void;
  /** Asks for item `key` to take focus as soon as it renders. */
  focusWhenShown: (key: string) => void;
  /** True once for the item that `focusWhenShown` named. */
  claimFocus: (key: string) => boolean;
}

const TreeContext = createContext<TreeState | null>(null);

function useTree(): TreeState {
  const tree = useContext(TreeContext);
  if (!tree) throw new Error("A TreeItem must be inside a Tree.");
  return tree;
}

/**
 * The tree's root list. It owns which items are expanded (by key, so a subtree keeps its state
 * when its parent folds) and which one holds the tab stop.
 */
export function Tree({
  label,
  firstKey,
  className,
  children,
}: {
  label: string;
  firstKey: string | null;
  className?: string;
  children: ReactNode;
}) {
  const [activeKey, setActiveKey] = useState<string | null>(null);
  // Keys whose state differs from their default, so items that start open need no setup.
  const [toggled, setToggled] = useState<ReadonlySet<string>>(() => new Set());
  const pendingFocusRef = useRef<string | null>(null);
  const toggle = useCallback(
    (key: string) =>
      setToggled((current) => {
        const next = new Set(current);
        if (!next.delete(key)) next.add(key);
        return next;
      }),
    [],
  );
  const state = useMemo<TreeState>(
    () => ({
      activeKey,
      firstKey,
      setActiveKey,
      isExpanded: (key, byDefault) => byDefault !== toggled.has(key),
      toggle,
      focusWhenShown: (key) => {
        pendingFocusRef.current = key;
      },
      claimFocus: (key) => {
        if (pendingFocusRef.current !== key) return false;
        pendingFocusRef.current = null;
        return true;
      },
    }),
    [activeKey, firstKey, toggled, toggle],
  );
  return (
    <TreeContext value={state}>
      <ul role="tree" aria-label={label} className={className}>
        {children}
      </ul>
    </TreeContext>
  );
}

export interface TreeItemProps {
  /** Unique in the tree and stable across renders: it names the item's expansion and focus. */
  nodeKey: string;
  /** 1 for the tree's top items. */
  level: number;
  /** The item's accessible name. */
  label: ReactNode;
  /** Secondary text after the label, also its accessible description. */
  detail?: ReactNode;
  /** Whether the item has children (rendered only while it is expanded). */
  expandable?: boolean;
  defaultExpanded?: boolean;
  /** Enter, Space or a click on the label; by default an expandable item toggles. */
  onActivate?: () => void;
  /** Marks the item that is open elsewhere in the workspace (`aria-current`). */
  current?: boolean;
  /** A placeholder (loading, empty): focusable, but activating it does nothing. */
  disabled?: boolean;
  /** Buttons beside the label; only the focused item's are in the tab order. */
  actions?: (tabIndex: 0 | -1) => ReactNode;
  /** Content between the item's row and its children, such as an inline form. */
  below?: ReactNode;
  /** The child items. */
  children?: ReactNode;
}

export function TreeItem({
  nodeKey,
  level,
  label,
  detail,
  expandable = false,
  defaultExpanded = false,
  onActivate,
  current = false,
  disabled = false,
  actions,
  below,
  children,
}: TreeItemProps) {
  const tree = useTree();
  const self = useRef<HTMLLIElement>(null);
  const labelId = useId();
  const detailId = useId();
  const expanded = expandable && tree.isExpanded(nodeKey, defaultExpanded);
  const active = (tree.activeKey ?? tree.firstKey) === nodeKey;

  const { setActiveKey, claimFocus } = tree;
  useLayoutEffect(() => {
    if (claimFocus(nodeKey)) self.current?.focus();
  }, [nodeKey, claimFocus]);
  // An item that goes away (archived, folded away) gives the tab stop back to the first item.
  useLayoutEffect(
    () => () => setActiveKey((key) => (key === nodeKey ? null : key)),
    [nodeKey, setActiveKey],
  );

  const toggle = () => tree.toggle(nodeKey);
  const activate = () => {
    if (disabled) return;
    if (onActivate) onActivate();
    else if (expandable) toggle();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    // Keys typed in the item's buttons and forms are theirs.
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const item = event.currentTarget;
    const target = keyTarget(event.key, item, expandable, expanded);
    if (target === undefined) return;
    event.preventDefault();
    if (target === "toggle") toggle();
    else if (target === "activate") activate();
    else target?.focus();
  };

  return (
    <li
      ref={self}
      role="treeitem"
      aria-level={level}
      aria-expanded={expandable ? expanded : undefined}
      aria-current={current ? "true" : undefined}
      aria-disabled={disabled ? "true" : undefined}
      aria-labelledby={labelId}
      aria-describedby={detail ? detailId : undefined}
      tabIndex={active ? 0 : -1}
      className="explorer-tree__item"
      onKeyDown={onKeyDown}
      onFocus={(event) => {
        // Focus anywhere in this item's row or forms, not in a child item, makes it the tab stop.
        if ((event.target as Element).closest("[role=treeitem]") === event.currentTarget) {
          setActiveKey(nodeKey);
        }
      }}
    >
      <div className="explorer-tree__row">
        <span
          className="explorer-tree__twisty"
          aria-hidden="true"
          onClick={expandable ? toggle : undefined}
        >
          {expandable ? (expanded ? "▾" : "▸") : ""}
        </span>
        <span className="explorer-tree__label" title={fullText(label, detail)} onClick={activate}>
          <span id={labelId}>{label}</span>
          {detail && (
            <span id={detailId} className="muted explorer-tree__detail">
              {detail}
            </span>
          )}
        </span>
        {actions && <span className="explorer-tree__actions">{actions(active ? 0 : -1)}</span>}
      </div>
      {below}
      {expanded && <ul role="group">{children}</ul>}
    </li>
  );
}

/**
 * What a key does on `item`: an item to focus, "toggle", "activate", null when there is nothing
 * to move to (the key is still the tree's), or undefined when the key is not the tree's.
 */
function keyTarget(
  key: string,
  item: HTMLElement,
  expandable: boolean,
  expanded: boolean,
): HTMLElement | "toggle" | "activate" | null | undefined {
  const items = () =>
    Array.from(item.closest("[role=tree]")?.querySelectorAll<HTMLElement>("[role=treeitem]") ?? []);
  switch (key) {
    case "ArrowDown": {
      const all = items();
      return all[all.indexOf(item) + 1] ?? null;
    }
    case "ArrowUp": {
      const all = items();
      return all[all.indexOf(item) - 1] ?? null;
    }
    case "Home":
      return items()[0] ?? null;
    case "End":
      return items().at(-1) ?? null;
    case "ArrowRight":
      if (!expandable) return null;
      if (!expanded) return "toggle";
      return item.querySelector<HTMLElement>(":scope > [role=group] > [role=treeitem]");
    case "ArrowLeft":
      if (expandable && expanded) return "toggle";
      return item.parentElement?.closest<HTMLElement>("[role=treeitem]") ?? null;
    case "Enter":
    case " ":
      return "activate";
    default:
      return undefined;
  }
}

/** Focuses the item `key` once it renders, for an item that takes the place of the focused one. */
export function useFocusWhenShown(): (key: string) => void {
  return useTree().focusWhenShown;
}

/** The label and detail as one line, for the tooltip of a row the panel's width cuts short. */
function fullText(label: ReactNode, detail: ReactNode): string | undefined {
  if (typeof label !== "string") return undefined;
  return typeof detail === "string" ? `${label} · ${detail}` : label;
}
