// The container scripts of the `debian` recipe. They are constants: nothing from a config is ever
// part of their text. Config values reach them as environment variables (validated scalars such
// as the release) and as files under /work/in that the plan writes (lists, names, keys, secrets).

/**
 * A raw template for bash: backslashes stay as written, and `\${` (needed to write bash's own
 * `${…}` in a template) becomes `${`. Interpolations are only other constants of this file.
 */
function bash(strings: TemplateStringsArray, ...parts: string[]): string {
  return String.raw({ raw: strings.raw }, ...parts).replaceAll("\\${", "${");
}

/**
 * Shell functions the cached steps start with: `evict DIR PATTERN MIB`, the caches' size limit,
 * and `cached_tar DIR KEY OUT MIB COMMAND…`, a cache entry made once per key.
 */
export const prelude = bash`
# Deletes the least recently used files named $2 (a pattern) in $1 until they take at most $3 MiB.
# An entry with a lock file (<name>.lock, see cached_tar) goes only while no build holds that
# lock: a build holding it may be about to copy the entry.
evict() {
  local dir=$1 pattern=$2 limit=$(( $3 * 1024 * 1024 )) total _ size path lock
  total=$(find "$dir" -maxdepth 1 -type f -name "$pattern" -printf '%s\n' | awk '{ t += $1 } END { print t + 0 }')
  while (( total > limit )) && read -r _ size path; do
    lock=\${path%.*}.lock
    if [ -e "$lock" ]; then
      flock -n "$lock" rm -f -- "$path" || { echo "cache: kept $(basename -- "$path"), a build is using it"; continue; }
    else
      rm -f -- "$path"
    fi
    total=$(( total - size ))
    echo "cache: evicted $(basename -- "$path") ($(( size / 1048576 )) MiB)"
  done < <(find "$dir" -maxdepth 1 -type f -name "$pattern" -printf '%T@ %s %p\n' | sort -n)
}

# Deletes the lock files in $1 of keys without an entry (evicted, or their build failed) that no
# build holds. A build waiting on a deleted lock file notices and opens the new one (cached_tar).
sweep_locks() {
  local lock
  for lock in "$1"/*.lock; do
    [ -e "$lock" ] && [ ! -e "\${lock%.lock}.tar" ] || continue
    flock -n "$lock" rm -f -- "$lock" || true
  done
}

# Puts the cache entry $1/$2.tar at $3: a copy of the cached one, or made by the command after
# them (which writes $3) and then kept, in a cache of at most $4 MiB of entries. One build per
# key at a time: a second build of the key waits on the key's lock file, then takes the first
# one's entry. The lock lives on descriptor 9 of this shell only (the command runs without it),
# so it ends with the step's process, also when that is killed.
cached_tar() {
  local dir=$1 key=$2 out=$3 limit=$4 waited=""
  shift 4
  mkdir -p "$dir"
  # The lock is the file at the path: if a sweep deleted the one this build waited on, take the
  # lock again on the file now there.
  while :; do
    exec 9>>"$dir/$key.lock"
    if ! flock -n 9; then
      echo "cache: another build is making $key; waiting for it"
      waited=", made by the build waited for"
      flock 9
    fi
    [ "$dir/$key.lock" -ef /dev/fd/9 ] && break
  done
  if [ -f "$dir/$key.tar" ]; then
    echo "cache: $key from the cache$waited"
    cp -- "$dir/$key.tar" "$out"
    touch -- "$dir/$key.tar"
    exec 9>&-
    return 0
  fi
  "$@" 9>&-
  # A build stopped while copying leaves its partial file; gone after a day.
  find "$dir" -maxdepth 1 -name '.partial-*' -mmin +1440 -delete
  local tmp
  tmp=$(mktemp -p "$dir" .partial-XXXXXX)
  cp -- "$out" "$tmp"
  mv -f -- "$tmp" "$dir/$key.tar"
  exec 9>&-
  { flock 8; evict "$dir" '*.tar' "$limit"; sweep_locks "$dir"; } 8>"$dir/.lock"
}
`;

/**
 * Collects the image's packages as .deb files, through the worker's shared apt cache: the
 * rootfs packages in /work/debs, the boot loader's in /work/boot. Either resolves the config's
 * package set against the archive (each file checked against the archive's SHA-256), or, where
 * an earlier build of the version recorded one (/work/in/package-set.sha256), takes exactly those
 * files again: from the cache where it has them (no network needed), else from the archive by
 * exact version. The set, as `<sha256>  <file>` lines, is what later stages install from,
 * offline, and what the build publishes.
 */
export const downloadScript = bash`${prelude}
state=/tmp/apt
mkdir -p "$state/lists/partial" "$state/sources.list.d" "$state/none/partial" \
  /cache/apt/archives/partial /work/debs /work/boot
: >"$state/status"
cp /work/in/sources.list "$state/sources.list"
apt=(apt-get -q -o "Dir::State=$state" -o "Dir::State::status=$state/status"
  -o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=$state/sources.list.d"
  -o "Dir::Cache=$state/cache" -o "APT::Architecture=$ARCH" -o "APT::Architectures=$ARCH"
  -o Acquire::Languages=none -o APT::Install-Recommends=false -o Acquire::Retries=3)
updated=""
update() {
  [ -z "$updated" ] || return 0
  echo "package lists of $RELEASE ($ARCH) from:"
  sed 's/^/  /' "$state/sources.list"
  "\${apt[@]}" update
  updated=yes
}
mapfile -t boot </work/in/boot-packages
recorded=/work/in/package-set.sha256

if [ -s "$recorded" ]; then
  echo "package set: the $(wc -l <"$recorded") files an earlier build of this version recorded"
  missing=()
  while read -r sum file; do
    [[ "$file" =~ ^[a-z0-9][a-z0-9+.-]*_[^_/]+_[a-z0-9]+\.deb$ ]] ||
      { echo "the recorded package set names $file, which is not a package file" >&2; exit 1; }
    cached=/cache/apt/archives/$file
    [ -f "$cached" ] && [ "$(sha256sum <"$cached" | cut -c1-64)" = "$sum" ] && continue
    IFS=_ read -r name version _ <<<"$file"
    missing+=("$name=\${version//%3a/:}")
  done <"$recorded"
  if ((\${#missing[@]})); then
    echo "downloading \${#missing[@]} of them; the cache has the others"
    update
    (cd /cache/apt/archives && flock /cache/apt/lock "\${apt[@]}" download "\${missing[@]}") || {
      echo "the archive no longer has every package of the recorded set; a new version of the config resolves current ones" >&2
      exit 1
    }
  fi
  while read -r _ file; do
    IFS=_ read -r name _ <<<"$file"
    dest=/work/debs
    for package in "\${boot[@]}"; do [ "$package" = "$name" ] && dest=/work/boot; done
    cp -- "/cache/apt/archives/$file" "$dest/"
    touch -- "/cache/apt/archives/$file"
  done <"$recorded"
  echo "::progress 0.8"
else
  update
  echo "::progress 0.2"
  mapfile -t packages </work/in/packages
  "\${apt[@]}" -qq -o "Dir::Cache::archives=$state/none" --print-uris install -y \
    '?essential' apt "\${packages[@]}" >/work/package-uris
  count=$(wc -l </work/package-uris)
  echo "resolved $count packages"

  # The shared cache: one download at a time per worker, files kept across builds.
  flock /cache/apt/lock "\${apt[@]}" -o Dir::Cache::archives=/cache/apt/archives \
    install -y --download-only '?essential' apt "\${packages[@]}"
  echo "::progress 0.8"
  # apt checks only the size of a file it finds in the cache: check each copy against the SHA-256
  # of the archive's index (the security archive's index has no MD5, so the hash --print-uris
  # shows is not always there).
  versions=()
  while read -r _uri file _rest; do
    cp -- "/cache/apt/archives/$file" /work/debs/
    touch -- "/cache/apt/archives/$file"
    IFS=_ read -r name version _ <<<"$file"
    versions+=("$name=\${version//%3a/:}")
  done </work/package-uris
  # The index's records as sha256sum lines, named as apt names the files (an epoch's colon as %3a).
  "\${apt[@]/#apt-get/apt-cache}" show --no-all-versions "\${versions[@]}" | awk -v RS= -F '\n' '{
    delete field
    for (i = 1; i <= NF; i++) { split($i, kv, ": "); field[kv[1]] = kv[2] }
    version = field["Version"]; gsub(/:/, "%3a", version)
    printf "%s  %s_%s_%s.deb\n", field["SHA256"], field["Package"], version, field["Architecture"]
  }' | sort -u >/work/debs.sha256
  listed=$(wc -l </work/debs.sha256)
  [ "$listed" -eq "$count" ] || { echo "the index lists $listed of the $count files" >&2; exit 1; }
  (cd /work/debs && sha256sum --quiet --strict -c /work/debs.sha256)
  if ((\${#boot[@]})); then
    (cd /work/boot && "\${apt[@]}" download "\${boot[@]}")
  fi
fi
flock /cache/apt/lock bash -c "$(declare -f evict); evict /cache/apt/archives '*.deb' $((CACHE_LIMIT_MIB / 4))"

(cd /work/debs && sha256sum -- *.deb >SHA256SUMS)
# The package set: every file the image is made from, boot loader included, sorted by name.
shopt -s nullglob
(cd /work/boot && for deb in *.deb; do sha256sum -- "$deb"; done) |
  cat /work/debs/SHA256SUMS - | LC_ALL=C sort -k2 >/work/out/package-set.sha256
if [ -s "$recorded" ] && ! cmp -s "$recorded" /work/out/package-set.sha256; then
  echo "the packages collected differ from the recorded set:" >&2
  diff "$recorded" /work/out/package-set.sha256 >&2 || true
  exit 1
fi

if ((\${#boot[@]})); then
  echo "boot loader: \${boot[*]}"
  (cd /work/boot && for deb in ./*.deb; do dpkg-deb -x "$deb" root; done)
fi

# The root filesystem cache key: the exact .deb files and everything else the rootfs stage uses.
cat /work/debs/SHA256SUMS /work/in/rootfs-settings | sha256sum | cut -c1-64 >/work/rootfs-key
echo "root filesystem key $(cat /work/rootfs-key)"
`;

/**
 * Installs the recorded package set with mmdebstrap in its unshare mode (maintainer scripts run
 * in a user namespace, emulated through binfmt for foreign architectures), offline, from a
 * repository made of /work/debs. The initramfs is made once at the end, with a module list.
 * The result, a tarball, is kept in the worker's rootfs cache under the stage's key; builds of
 * one key on a worker wait for each other, so the first makes it and the others copy it.
 */
export const rootfsScript = bash`${prelude}
build_rootfs() {
  # mmdebstrap's namespace maps root to an unprivileged id: it reads the work directory as others do.
  chmod 0755 /work /work/in /work/debs
  (cd /work/debs && apt-ftparchive packages . >Packages)
  local packages include=() package
  mapfile -t packages </work/in/packages
  for package in "\${packages[@]}"; do include+=("--include=$package"); done

  # Debian makes the initramfs twice while installing (the kernel's hook, then a trigger), each
  # time under emulation: divert update-initramfs to a no-op until everything is installed.
  local divert='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs
printf "#!/bin/sh\nexit 0\n" >"$1/usr/sbin/update-initramfs"
chmod 755 "$1/usr/sbin/update-initramfs"'

  # The keyboard layout is in place before keyboard-configuration is installed, which then keeps
  # it (debconf is non-interactive here) and console-setup makes its cached keymap from it.
  mmdebstrap --mode=unshare --variant=apt --architectures="$ARCH" "\${include[@]}" \
    --aptopt='Acquire::Languages "none"' \
    --setup-hook='mkdir -p "$1/etc/default" && cp /work/in/keyboard "$1/etc/default/keyboard"' \
    --essential-hook="$divert" \
    --customize-hook='bash /work/in/customize-rootfs.sh "$1"' \
    "$RELEASE" /work/rootfs.tar "deb [trusted=yes] copy:///work/debs ./"
}

key=$(cat /work/rootfs-key)
echo "root filesystem $key"
cached_tar /cache/rootfs "$key" /work/rootfs.tar $((CACHE_LIMIT_MIB * 3 / 4)) build_rootfs
`;

/** Runs inside mmdebstrap's namespace after installation, with the root directory as $1. */
export const customizeRootfsScript = bash`set -euo pipefail
root=$1
in=/work/in
echo "::progress 0.7"

mapfile -t remove <"$in/remove"
installed=()
for package in "\${remove[@]}"; do
  if chroot "$root" dpkg-query -W -f '\${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
    installed+=("$package")
  fi
done
if ((\${#installed[@]})); then
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "\${installed[@]}"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -q
fi

locale=$(cat "$in/locale")
if [ "$locale" != C.UTF-8 ] && [ -f "$root/etc/locale.gen" ]; then
  printf '%s UTF-8\n' "$locale" >"$root/etc/locale.gen"
  chroot "$root" locale-gen
fi
printf 'LANG=%s\n' "$locale" >"$root/etc/default/locale"

chroot "$root" systemctl enable --quiet systemd-networkd.service systemd-resolved.service
if [ -f "$root/lib/systemd/system/ssh.service" ]; then
  # Host keys are made on the first boot: an image never ships keys that every copy shares.
  rm -f "$root"/etc/ssh/ssh_host_*
  cp "$in/ssh-host-keys.service" "$root/etc/systemd/system/bbos-ssh-host-keys.service"
  chroot "$root" systemctl enable --quiet bbos-ssh-host-keys.service
fi
cp "$in/grow-root" "$root/usr/local/sbin/bbos-grow-root"
chmod 755 "$root/usr/local/sbin/bbos-grow-root"
cp "$in/grow-root.service" "$root/etc/systemd/system/bbos-grow-root.service"
chroot "$root" systemctl enable --quiet bbos-grow-root.service

cp "$in/initramfs-modules" "$root/etc/initramfs-tools/modules"
printf 'MODULES=list\nCOMPRESS=zstd\n' >"$root/etc/initramfs-tools/conf.d/bbos"
rm "$root/usr/sbin/update-initramfs"
chroot "$root" dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs
echo "making the initramfs"
chroot "$root" update-initramfs -c -k all

cp "$in/sources.list" "$root/etc/apt/sources.list"
# systemd makes the machine id on the first boot.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
rm -rf "$root"/var/log/apt/* "$root/var/log/dpkg.log" "$root/var/log/alternatives.log" \
  "$root/var/cache/ldconfig/aux-cache" "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
`;

/**
 * Unpacks the root filesystem and applies the config: users, then the generated files
 * (/work/in/root, with modes and owners from /work/in/attributes), links, the config's extra
 * files, and the package manifest. Runs the builder's own tools, and of the image's programs only
 * `install` (in a chroot, for the extra files).
 */
export const configureScript = bash`
rm -rf /work/rootfs && mkdir /work/rootfs
tar -C /work/rootfs --numeric-owner -xpf /work/rootfs.tar
rm /work/rootfs.tar
root=/work/rootfs
echo "::progress 0.3"

while IFS=$'\t' read -r name uid sudo; do
  groups=()
  [ "$sudo" = yes ] && groups=(-G sudo)
  useradd --root "$root" --uid "$uid" --user-group --create-home --shell /bin/bash \
    "\${groups[@]}" -- "$name"
  echo "user $name (uid $uid)"
done </work/in/users
if [ -s /work/in/passwords ]; then chpasswd --root "$root" --encrypted </work/in/passwords; fi

cp -rT --no-preserve=mode,ownership /work/in/root "$root"
while IFS=$'\t' read -r mode owner path; do
  chown -h -- "$owner" "$root$path"
  chmod -- "$mode" "$root$path"
done </work/in/attributes
while IFS=$'\t' read -r path target; do
  mkdir -p -- "$(dirname -- "$root$path")"
  ln -sfn -- "$target" "$root$path"
done </work/in/links
echo "::progress 0.6"

# The config's extra files, in its order: root-owned, with their modes. Installed from inside the
# image (chroot), so that a symbolic link on the way resolves in the image, never out of it; a
# link at the path itself is replaced by the file.
if [ -s /work/in/project-files.list ]; then
  staging=/tmp/.bbos-project-file
  while IFS= read -r -d '' id && IFS= read -r -d '' mode && IFS= read -r -d '' path; do
    [[ "$id" =~ ^[0-9A-Za-z-]+$ ]] || { echo "$id is not a project file id" >&2; exit 1; }
    [[ "$mode" =~ ^0?[0-7]{3,4}$ ]] || { echo "$mode is not an octal file mode" >&2; exit 1; }
    [ -f "/work/in/project-files/$id" ] || { echo "project file $id is not among the build's inputs" >&2; exit 1; }
    cp -- "/work/in/project-files/$id" "$root$staging"
    chroot "$root" install -D -o root -g root -m "$mode" -- "$staging" "$path"
    printf 'file %s (mode %s)\n' "$path" "$mode"
  done </work/in/project-files.list
  rm -f -- "$root$staging"
fi
echo "::progress 0.8"

dpkg-query --admindir="$root/var/lib/dpkg" -W -f '\${Package}\t\${Version}\t\${Architecture}\n' |
  LC_ALL=C sort >/work/out/packages.manifest
echo "$(wc -l </work/out/packages.manifest) packages installed"
`;

/**
 * Makes the disk image without loop mounts: the boot configuration, then the root filesystem
 * (mkfs.ext4 -d) with fixed UUIDs, hash seed and times, the ESP (mkfs.vfat and mtools) where the
 * board boots through EFI, the partition table (sfdisk on the file) and the boot loader written
 * at the SoC's offsets.
 */
export const assembleScript = bash`
root=/work/rootfs
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
kernel=$(cd "$root/boot" && ls vmlinuz-* | sort -V | tail -n 1)
version=\${kernel#vmlinuz-}
echo "kernel $version"
cmdline=$(cat /work/in/cmdline)

case "$BOOT" in
  extlinux)
    mkdir -p "$root/boot/extlinux"
    {
      printf 'default bbos\ntimeout 1\n\nlabel bbos\n'
      printf '  kernel /boot/vmlinuz-%s\n' "$version"
      printf '  initrd /boot/initrd.img-%s\n' "$version"
      if [ -n "$DTB" ]; then printf '  fdt /usr/lib/linux-image-%s/%s\n' "$version" "$DTB"; fi
      printf '  append %s\n' "$cmdline"
    } >"$root/boot/extlinux/extlinux.conf"
    ;;
  grub-efi)
    mkdir -p "$root/boot/grub"
    {
      printf 'set timeout=1\nset default=0\n\nmenuentry "BBOS" {\n'
      printf '  linux /boot/vmlinuz-%s %s\n' "$version" "$cmdline"
      printf '  initrd /boot/initrd.img-%s\n}\n' "$version"
    } >"$root/boot/grub/grub.cfg"
    ;;
esac

# Every time in the image is SOURCE_DATE_EPOCH or older.
find "$root" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
echo "::progress 0.2"

mib=$((1024 * 1024))
root_start=$ROOT_START_MIB
root_mib=$((IMAGE_MIB - root_start - 1))
mkfs.ext4 -q -F -L rootfs -U "$ROOT_UUID" -E "hash_seed=$ROOT_UUID,lazy_itable_init=0,lazy_journal_init=0" \
  -d "$root" /work/root.img "\${root_mib}M"
# mkfs.ext4 -d copies access and change times from the tree; set them, and the creation time,
# to SOURCE_DATE_EPOCH in every used inode.
dumpe2fs /work/root.img 2>/dev/null | awk -v epoch="$SOURCE_DATE_EPOCH" '
  /^Inode count:/ { count = $3 }
  /^Inodes per group:/ { per = $4 }
  /^Group [0-9]+:/ { group = $2 + 0 }
  /Free inodes: / {
    sub(/.*Free inodes: /, ""); n = split($0, ranges, ", ")
    for (i = 1; i <= n; i++) { split(ranges[i], r, "-"); if (r[2] == "") r[2] = r[1]; for (j = r[1]; j <= r[2]; j++) free[j] = 1 }
  }
  END {
    for (ino = 1; ino <= count; ino++) if (!(ino in free))
      for (f = 1; f <= 3; f++) { field = f == 1 ? "atime" : f == 2 ? "ctime" : "crtime"
        printf "sif <%d> %s @%s\nsif <%d> %s_extra 0\n", ino, field, epoch, ino, field }
  }' >/work/inode-times
debugfs -w -f /work/inode-times /work/root.img >/dev/null 2>/work/debugfs.err || {
  cat /work/debugfs.err >&2
  exit 1
}
echo "::progress 0.6"

truncate -s "\${IMAGE_MIB}M" /work/out/disk.img
if [ "$BOOT" = grub-efi ]; then
  grub-mkimage -O x86_64-efi -o /work/BOOTX64.EFI -p /boot/grub -c /work/in/grub-early.cfg \
    part_gpt ext2 fat search search_fs_uuid normal linux echo configfile test all_video gzio
  touch -d "@$SOURCE_DATE_EPOCH" /work/BOOTX64.EFI
  esp_mib=$((root_start - 1))
  mkfs.vfat -i "$ESP_SERIAL" -n ESP --invariant -C /work/esp.img $((esp_mib * 1024)) >/dev/null
  export MTOOLS_SKIP_CHECK=1
  mmd -i /work/esp.img ::/EFI ::/EFI/BOOT
  mcopy -m -i /work/esp.img /work/BOOTX64.EFI ::/EFI/BOOT/BOOTX64.EFI
fi
sfdisk --quiet --no-reread --no-tell-kernel /work/out/disk.img </work/in/partitions
if [ "$BOOT" = grub-efi ]; then
  dd if=/work/esp.img of=/work/out/disk.img bs=1M seek=1 conv=notrunc,sparse status=none
  rm /work/esp.img
fi
dd if=/work/root.img of=/work/out/disk.img bs=1M seek="$root_start" conv=notrunc,sparse status=none
rm /work/root.img

while read -r offset file; do
  echo "boot loader: $file at byte $offset"
  dd if="/work/boot/root/$file" of=/work/out/disk.img bs=512 seek="$offset" oflag=seek_bytes \
    conv=notrunc status=none
done </work/in/bootloader-writes
sfdisk --dump /work/out/disk.img
`;
