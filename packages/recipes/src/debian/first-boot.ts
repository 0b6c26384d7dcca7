// Units and scripts every Debian image gets: SSH host keys and the root file system's growth to
// the card's size happen on the first boot, so that no two copies of an image share host keys and
// a small image fills any card.
import type { RecipeFile } from "@bbos/core/build";

const growRoot = `#!/bin/sh
# Grows the root partition and its file system to the end of the disk (once; see the unit).
set -eu
source=$(findmnt -n -o SOURCE /)
name=$(basename "$source")
disk=/dev/$(lsblk -n -o PKNAME "$source")
number=$(cat "/sys/class/block/$name/partition")
if sfdisk --dump "$disk" | grep -q '^label: gpt'; then
  sfdisk --quiet --relocate gpt-bak-std "$disk"
fi
echo ', +' | sfdisk --quiet --no-reread --no-tell-kernel -N "$number" "$disk"
partx --update --nr "$number" "$disk"
resize2fs "$source"
`;

const growRootUnit = `[Unit]
Description=Grow the root file system to fill the disk
After=systemd-remount-fs.service
ConditionPathExists=!/var/lib/bbos/root-grown

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/bbos-grow-root
ExecStartPost=/bin/sh -c 'mkdir -p /var/lib/bbos && touch /var/lib/bbos/root-grown'

[Install]
WantedBy=multi-user.target
`;

const sshHostKeysUnit = `[Unit]
Description=Make the SSH host keys of this machine
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=ssh.service
`;

/** The files under /work/in that the rootfs stage installs. */
export const firstBootFiles: RecipeFile[] = [
  { path: "grow-root", content: growRoot },
  { path: "grow-root.service", content: growRootUnit },
  { path: "ssh-host-keys.service", content: sshHostKeysUnit },
];
