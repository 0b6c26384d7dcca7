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
  /** When present, the support level of each release a recipe's upstream knows. */
  readonly releaseSupport?: Readonly<
    Partial<Record<BuildRecipe, Readonly<Record<string, ConfigCatalogueReleaseSupport>>>>
  >;
}

/** A release's support level upstream (Armbian: config/distributions/<release>/support). */
export interface ConfigCatalogueReleaseSupport {
  /** `supported`, `csc`, `eos`, … */
  readonly support: string;
  /** The build framework builds the release only with EXPERT=yes. */
  readonly expert: boolean;
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
  /** OVERLAY_PREFIX: overlay `n` loads as `<prefix>-n.dtbo`. */
  readonly overlayPrefix?: string | null;
  /**
   * When present, the overlays (without prefix) each kernel branch builds for this board; `null`
   * where they are not known. Takes precedence over `overlays` and the family's list.
   */
  readonly overlaysByBranch?: Readonly<Record<string, readonly string[] | null>>;
  /** BOOT_SCENARIO per kernel branch, where the catalogue records it. */
  readonly bootScenarios?: Readonly<Record<string, string | null>>;
  /** Debian's U-Boot package for the board; `releases`, when present, limits the Debian releases. */
  readonly bootloader?: {
    readonly package: string;
    readonly target: string;
    readonly releases?: readonly string[];
    /** `false` when the package alone cannot make the board bootable (`reason` says why). */
    readonly buildable?: boolean;
    readonly reason?: string;
  } | null;
}
