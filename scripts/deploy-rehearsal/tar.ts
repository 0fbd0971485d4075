// A one-file ustar archive, as the provider writes for each upload (Go archive/tar, a single
// header named by the absolute path, no directory entries, uid/gid 0).

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

export function singleFileTar(file: string, mode: number, content: Buffer, mtime: number): Buffer {
  const name = Buffer.from(file);
  if (name.length > 100) throw new Error(`upload path '${file}' is longer than 100 bytes`);
  const header = Buffer.alloc(512, 0);
  name.copy(header, 0);
  header.write(octal(mode, 8), 100, "ascii");
  header.write(octal(0, 8), 108, "ascii");
  header.write(octal(0, 8), 116, "ascii");
  header.write(octal(content.length, 12), 124, "ascii");
  header.write(octal(mtime, 12), 136, "ascii");
  header.write("        ", 148, "ascii");
  header.write("0", 156, "ascii");
  header.write("ustar\0", 257, "ascii");
  header.write("00", 263, "ascii");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}
