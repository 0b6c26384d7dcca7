const BLOCK = 512;

/**
 * A tar archive (ustar) holding one regular file, `name`, with `content`: the build context for
 * a Dockerfile that copies nothing in. Owner root, mode 0644, mtime 0, so equal input gives equal
 * bytes.
 *
 * @throws Error when `name` is empty or longer than 100 bytes (ustar's plain name field).
 */
export function tarFile(name: string, content: string | Buffer): Buffer {
  const body = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  const nameBytes = Buffer.from(name, "utf8");
  if (nameBytes.length === 0 || nameBytes.length > 100) {
    throw new Error(`tar entry name must be 1 to 100 bytes long (got ${JSON.stringify(name)})`);
  }
  const header = Buffer.alloc(BLOCK, 0);
  nameBytes.copy(header, 0);
  writeOctal(header, 100, 8, 0o644); // mode
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, body.length); // size
  writeOctal(header, 136, 12, 0); // mtime
  header.write("        ", 148, "ascii"); // checksum field counts as spaces while summing
  header.write("0", 156, "ascii"); // typeflag: regular file
  header.write("ustar\u000000", 257, "ascii"); // magic "ustar\0" and version "00"
  header.write("root", 265, "ascii"); // uname
  header.write("root", 297, "ascii"); // gname
  let sum = 0;
  for (const byte of header) sum += byte;
  // Six octal digits, NUL, space: the customary form.
  header.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "ascii");
  const padding = (BLOCK - (body.length % BLOCK)) % BLOCK;
  // Two zero blocks end the archive.
  return Buffer.concat([header, body, Buffer.alloc(padding + 2 * BLOCK, 0)]);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, "0")}\u0000`, offset, "ascii");
}
