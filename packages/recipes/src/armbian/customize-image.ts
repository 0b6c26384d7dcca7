// userpatches/customize-image.sh and the data it reads. Armbian copies the script into the
// image's chroot and runs it as `/tmp/customize-image.sh RELEASE LINUXFAMILY BOARD BUILD_DESKTOP
// ARCH`, with userpatches/overlay bind-mounted read-only at /tmp/overlay; a non-zero exit fails
// the build (armbian/build: lib/functions/rootfs/customize.sh). The script is the same for every
// config: config values reach it only as files under overlay/bbos/, never as script text.
import type { RecipeFile } from "@bbos/core/build";
import type { BoardConfigV2 } from "@bbos/schemas";

import { projectFileList } from "../project-files.ts";
import { netplanFile } from "./netplan.ts";

/**
 * Where the data files live, relative to userpatches/overlay (so /tmp/overlay/bbos in the
 * chroot); the build step puts the config's project files in its `project-files/`.
 */
export const DATA_DIR = "bbos";

/**
 * The script. Single values are files holding exactly the value (no newline added), read with
 * `read -d ''`; lists are NUL-separated and read with `mapfile -d ''`, so any string without a
 * NUL arrives verbatim. Values the tools it calls cannot take safely (user and package names,
 * hashes) are checked against the board-config schema's patterns again before use.
 */
export const customizeImageScript = `#!/bin/bash
# Written by BBOS. Runs inside the image's chroot; the settings are files in /tmp/overlay/bbos.
set -euo pipefail
data=/tmp/overlay/bbos
export DEBIAN_FRONTEND=noninteractive

say() { printf 'bbos: %s\\n' "$*"; }
die() { printf 'bbos: %s\\n' "$*" >&2; exit 1; }
# value NAME FILE: the file's exact contents into NAME (empty when the file is missing).
value() { local -n out="$1"; out=""; [[ -f "$data/$2" ]] || return 0; IFS= read -r -d '' out < "$data/$2" || true; }
# list NAME FILE: the file's NUL-separated entries into the array NAME.
list() { local -n entries="$1"; entries=(); [[ -f "$data/$2" ]] || return 0; mapfile -d '' -t entries < "$data/$2"; }
# set_key FILE KEY VALUE: FILE with its KEY=… line replaced by KEY=VALUE (appended when missing).
set_key() {
	local file="$1" key="$2" new="$3" line found=no
	local -a lines=()
	if [[ -f "$file" ]]; then mapfile -t lines < "$file"; fi
	{
		for line in "\${lines[@]}"; do
			if [[ "$line" == "$key="* ]]; then printf '%s=%s\\n' "$key" "$new"; found=yes
			else printf '%s\\n' "$line"; fi
		done
		if [[ "$found" == no ]]; then printf '%s=%s\\n' "$key" "$new"; fi
	} > "$file.bbos"
	mv -- "$file.bbos" "$file"
}

say "customizing the image for board \${3-?} (release \${1-?})"

value hostname hostname
if [[ -n "$hostname" ]]; then
	printf '%s\\n' "$hostname" > /etc/hostname
	{ grep -v '^127\\.0\\.1\\.1[[:space:]]' /etc/hosts || true; printf '127.0.1.1\\t%s\\n' "$hostname"; } > /etc/hosts.bbos
	mv -- /etc/hosts.bbos /etc/hosts
fi

value timezone timezone
if [[ -n "$timezone" ]]; then
	[[ -f "/usr/share/zoneinfo/$timezone" ]] || die "time zone $timezone is not in the image's tzdata"
	ln -sf -- "/usr/share/zoneinfo/$timezone" /etc/localtime
	printf '%s\\n' "$timezone" > /etc/timezone
fi

value locale locale
if [[ -n "$locale" ]]; then
	[[ "$locale" =~ ^[a-z]{2,3}_[A-Z]{2}\\.UTF-8$ ]] || die "locale $locale is not a UTF-8 locale name"
	if [[ -f /etc/locale.gen ]]; then
		BBOS_LOCALE="$locale" awk '{ if ($0 == "# " ENVIRON["BBOS_LOCALE"] " UTF-8") print ENVIRON["BBOS_LOCALE"] " UTF-8"; else print }' /etc/locale.gen > /etc/locale.gen.bbos
		grep -qxF -- "$locale UTF-8" /etc/locale.gen.bbos || printf '%s UTF-8\\n' "$locale" >> /etc/locale.gen.bbos
		mv -- /etc/locale.gen.bbos /etc/locale.gen
	fi
	locale-gen "$locale"
	update-locale "LANG=$locale"
fi

value keyboard keyboard
if [[ -n "$keyboard" ]]; then
	set_key /etc/default/keyboard XKBLAYOUT "\\"$keyboard\\""
fi

list install packages-install
list remove packages-remove
for package in "\${install[@]}" "\${remove[@]}"; do
	[[ "$package" =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || die "$package is not a Debian package name"
done
if (( \${#install[@]} > 0 )); then
	say "installing \${#install[@]} packages"
	apt-get update
	apt-get install -y --no-install-recommends "\${install[@]}"
fi
installed=()
for package in "\${remove[@]}"; do
	if dpkg-query -W -f='\${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then installed+=("$package"); fi
done
if (( \${#installed[@]} > 0 )); then
	say "removing \${#installed[@]} packages"
	apt-get purge -y "\${installed[@]}"
fi
apt-get clean

value user_count users/count
for (( i = 0; i < \${user_count:-0}; i++ )); do
	value name "users/$i/name"
	value sudo "users/$i/sudo"
	value hash "users/$i/password-hash"
	list keys "users/$i/ssh-keys"
	[[ "$name" =~ ^[a-z_][a-z0-9_-]{0,31}$ && "$name" != root ]] || die "$name is not an allowed user name"
	if ! id -u -- "$name" > /dev/null 2>&1; then useradd --create-home --user-group --shell /bin/bash -- "$name"; fi
	if [[ -n "$hash" ]]; then
		[[ "$hash" =~ ^\\$(6|5|y|2b)\\$[^[:space:]:]+$ ]] || die "the password hash of $name is not a crypt(3) hash"
		printf '%s:%s\\n' "$name" "$hash" | chpasswd -e
	fi
	if [[ "$sudo" == yes ]]; then
		usermod -a -G sudo -- "$name"
		if [[ -z "$hash" ]]; then
			# Without a password the account could never use sudo.
			printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\\n' "$name" > "/etc/sudoers.d/90-bbos-user-$i"
			chmod 0440 "/etc/sudoers.d/90-bbos-user-$i"
		fi
	fi
	if (( \${#keys[@]} > 0 )); then
		home="$(getent passwd -- "$name" | cut -d: -f6)"
		install -d -m 0700 -o "$name" -g "$name" -- "$home/.ssh"
		printf '%s\\n' "\${keys[@]}" > "$home/.ssh/authorized_keys"
		chown -- "$name:$name" "$home/.ssh/authorized_keys"
		chmod 0600 -- "$home/.ssh/authorized_keys"
	fi
done
if (( \${user_count:-0} > 0 )); then
	# The config made the accounts: skip Armbian's interactive first login (which would ask for a
	# root password and a user) and lock root's build-time default password.
	rm -f /root/.not_logged_in_yet
	passwd -l root
fi

value ssh_enabled ssh/enabled
value ssh_password ssh/password-authentication
value ssh_root ssh/permit-root-login
value ssh_port ssh/port
[[ "$ssh_root" =~ ^(no|prohibit-password|yes)$ ]] || die "PermitRootLogin $ssh_root is not allowed"
[[ "$ssh_port" =~ ^[0-9]{1,5}$ ]] || die "SSH port $ssh_port is not a port number"
[[ "$ssh_password" =~ ^(yes|no)$ ]] || die "PasswordAuthentication $ssh_password is not yes or no"
if [[ -d /etc/ssh ]]; then
	mkdir -p /etc/ssh/sshd_config.d
	printf 'PasswordAuthentication %s\\nKbdInteractiveAuthentication %s\\nPermitRootLogin %s\\nPort %s\\n' \\
		"$ssh_password" "$ssh_password" "$ssh_root" "$ssh_port" > /etc/ssh/sshd_config.d/90-bbos.conf
fi
if [[ "$ssh_enabled" == yes ]]; then
	systemctl enable ssh.service
else
	systemctl disable ssh.service ssh.socket 2> /dev/null || true
fi

if [[ -f "$data/netplan.yaml" ]]; then
	mkdir -p /etc/netplan
	install -m 0600 -- "$data/netplan.yaml" /etc/netplan/90-bbos.yaml
fi

value cmdline kernel-cmdline
list overlays kernel-overlays
if [[ -n "$cmdline" || \${#overlays[@]} -gt 0 ]]; then
	[[ -f /boot/armbianEnv.txt ]] || die "this board boots without /boot/armbianEnv.txt, so the kernel command line and overlays of the config cannot be applied"
	if [[ -n "$cmdline" ]]; then set_key /boot/armbianEnv.txt extraargs "$cmdline"; fi
	if (( \${#overlays[@]} > 0 )); then set_key /boot/armbianEnv.txt overlays "\${overlays[*]}"; fi
fi

list project_files project-files.list
for (( i = 0; i + 2 < \${#project_files[@]}; i += 3 )); do
	id="\${project_files[i]}" mode="\${project_files[i + 1]}" path="\${project_files[i + 2]}"
	[[ "$id" =~ ^[0-9A-Za-z-]+$ ]] || die "$id is not a project file id"
	[[ "$mode" =~ ^0?[0-7]{3,4}$ ]] || die "$mode is not an octal file mode"
	[[ -f "$data/project-files/$id" ]] || die "project file $id is not among the build's inputs"
	install -D -o root -g root -m "$mode" -- "$data/project-files/$id" "$path"
	say "file $path (mode $mode)"
done

say "image customized"
`;

/** The data files of `config` for {@link customizeImageScript}, relative to userpatches/overlay. */
export function overlayDataFiles(config: BoardConfigV2): RecipeFile[] {
  const files: RecipeFile[] = [];
  const add = (path: string, content: string) =>
    files.push({ path: `${DATA_DIR}/${path}`, content });
  const nulList = (values: readonly string[]) => values.map((value) => `${value}\0`).join("");
  const { system } = config;
  add("hostname", system.hostname);
  add("timezone", system.timezone ?? "Etc/UTC");
  add("locale", system.locale ?? "en_US.UTF-8");
  add("keyboard", system.keyboard ?? "us");
  const ssh = system.ssh ?? {};
  const install = config.packages?.install ?? [];
  // The SSH server the config enables must be there: apt-get leaves an installed one alone.
  const sshServer = ssh.enabled !== false && !install.includes("openssh-server");
  add("packages-install", nulList(sshServer ? [...install, "openssh-server"] : install));
  add("packages-remove", nulList(config.packages?.remove ?? []));
  const users = system.users ?? [];
  add("users/count", String(users.length));
  users.forEach((user, index) => {
    add(`users/${index}/name`, user.name);
    add(`users/${index}/sudo`, user.sudo === true ? "yes" : "no");
    add(`users/${index}/password-hash`, user.passwordHash ?? "");
    add(`users/${index}/ssh-keys`, nulList(user.sshKeys ?? []));
  });
  add("ssh/enabled", ssh.enabled === false ? "no" : "yes");
  add("ssh/password-authentication", ssh.passwordAuthentication === true ? "yes" : "no");
  add("ssh/permit-root-login", ssh.permitRootLogin ?? "no");
  add("ssh/port", String(ssh.port ?? 22));
  add("kernel-cmdline", config.kernel?.cmdline ?? "");
  add("kernel-overlays", nulList(config.kernel?.overlays ?? []));
  add("project-files.list", projectFileList(config));
  const netplan = netplanFile(config.network);
  if (netplan !== null) add("netplan.yaml", netplan);
  return files;
}
