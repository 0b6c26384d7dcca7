/** Prisma's Bytes columns take bytes over a plain ArrayBuffer; Yjs may hand out any view. */
export function storable(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}
