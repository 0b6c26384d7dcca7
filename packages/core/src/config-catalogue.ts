import type { BuildRecipe } from "@bbos/schemas";

/**
 * The part of the board catalogue (`BoardCatalogue` from `@bbos/schemas`) that config validation
 * reads. Structural on purpose: the real catalogue fits it, tests can pass a small literal, and
 * the optional restrictions below are honoured when a catalogue carries them.
 */
export interface ConfigCatalogue {
  /** Release code names each build recipe accepts (`os.release`). */
  readonly releases: Readonly<Record<BuildRecipe, readonly string[]>>;
  /** SoC families by id. */
  readonly families: Readonly<Record<string, ConfigCatalogueFamily>>;
  readonly boards: readonly ConfigCatalogueBoard[];
}

/** A SoC family: architecture, kernel branches and device-tree overlays shared by its boards. */
export interface ConfigCatalogueFamily {
  readonly name?: string;
  readonly architecture: string;
  readonly branches: readonly string[];
  /** Overlay names without the family prefix (`uart1`); empty when none are known. */
  readonly overlays: readonly string[];
  /** When present, the family's boards accept only these releases per recipe. */
  readonly releases?: Readonly<Partial<Record<BuildRecipe, readonly string[]>>>;
}

/** One board a config can target. */
export interface ConfigCatalogueBoard {
  readonly id: string;
  readonly name: string;
  /** Key into {@link ConfigCatalogue.families}. */
  readonly family: string;
  readonly architecture: string;
  /** Kernel branches this board offers. */
  readonly branches: readonly string[];
  /** Build recipes that can build the board. */
  readonly recipes: readonly BuildRecipe[];
  /** When present, replaces the family's overlay list for this board. */
  readonly overlays?: readonly string[];
  /** Debian's U-Boot package for the board; `releases`, when present, limits the Debian releases. */
  readonly bootloader?: {
    readonly package: string;
    readonly target: string;
    readonly releases?: readonly string[];
  } | null;
}
