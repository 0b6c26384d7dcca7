// Boots a disk image under QEMU (TCG: these machines have no KVM) and drives its serial console
// like a person would: waits for the login prompt, logs in, runs commands, reads their output.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type QemuMachine = "arm64" | "amd64";

/** The console session of a booted machine. */
export interface QemuSession extends AsyncDisposable {
  /** Everything the serial console printed so far. */
  readonly output: () => string;
  /** Milliseconds from start until `text` appeared (after `from`), failing after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs: number): Promise<number>;
  /** Types a line into the console. */
  type(line: string): void;
  stop(): Promise<void>;
}

/**
 * Starts `image` (never written to: QEMU runs it with `snapshot=on`) on QEMU's virt machine with
 * U-Boot (arm64), or on q35 with OVMF (amd64), 2 vCPUs, 1 GiB, user networking.
 */
export async function bootImage(image: string, machine: QemuMachine): Promise<QemuSession> {
  const dir = await mkdtemp(join(tmpdir(), "bbos-qemu-"));
  const args =
    machine === "arm64"
      ? ["-M", "virt", "-cpu", "cortex-a57", "-bios", "/usr/lib/u-boot/qemu_arm64/u-boot.bin"]
      : await amd64Firmware(dir);
  const child = spawn(
    machine === "arm64" ? "qemu-system-aarch64" : "qemu-system-x86_64",
    [
      ...args,
      "-accel",
      "tcg",
      "-smp",
      "2",
      "-m",
      "1024",
      "-nographic",
      "-no-reboot",
      "-drive",
      `file=${image},format=raw,if=virtio,snapshot=on`,
      "-netdev",
      "user,id=net0",
      "-device",
      "virtio-net-pci,netdev=net0",
    ],
    { stdio: "pipe" },
  );
  return session(child, dir);
}

async function amd64Firmware(dir: string): Promise<string[]> {
  const vars = join(dir, "OVMF_VARS.fd");
  await copyFile("/usr/share/OVMF/OVMF_VARS_4M.fd", vars);
  return [
    "-M",
    "q35",
    "-drive",
    "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
    "-drive",
    `if=pflash,format=raw,unit=1,file=${vars}`,
  ];
}

function session(child: ChildProcessWithoutNullStreams, dir: string): QemuSession {
  const started = performance.now();
  let text = "";
  let exited: string | null = null;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  child.stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
    notify();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
    notify();
  });
  child.on("exit", (code, signal) => {
    exited = `QEMU exited (${signal ?? `code ${code}`})`;
    notify();
  });
  child.on("error", (error) => {
    exited = `QEMU could not run: ${error.message}`;
    notify();
  });
  let searchFrom = 0;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  };
  return {
    output: () => text,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const rest = text.slice(searchFrom);
          const index =
            typeof pattern === "string" ? rest.indexOf(pattern) : (pattern.exec(rest)?.index ?? -1);
          if (index >= 0) {
            searchFrom += index + 1;
            done();
            resolve(performance.now() - started);
          } else if (exited) {
            done();
            reject(
              new Error(`${exited} before ${String(pattern)}; console:\n${text.slice(-4000)}`),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `no ${String(pattern)} within ${timeoutMs / 1000} s; console:\n${text.slice(-4000)}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    type(line) {
      child.stdin.write(`${line}\r`);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
