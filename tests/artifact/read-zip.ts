import { readFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * Reads a ZIP file the way an unzipper does (end record → central directory → local headers), inflates every
 * entry and checks its CRC-32 and size. Independent of the writer in scripts/package.mts, so a test that
 * reads a package with it checks the format, not the writer against itself.
 */
export function readZip(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  const end = zip.length - 22;
  if (zip.readUInt32LE(end) !== 0x06054b50)
    throw new Error(`${file}: no end-of-central-directory record where expected`);
  const entries = zip.readUInt16LE(end + 10);
  let position = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(position) !== 0x02014b50)
      throw new Error(`${file}: central directory entry ${index} is corrupt`);
    const method = zip.readUInt16LE(position + 10);
    const crc = zip.readUInt32LE(position + 16);
    const compressedSize = zip.readUInt32LE(position + 20);
    const size = zip.readUInt32LE(position + 24);
    const nameLength = zip.readUInt16LE(position + 28);
    const extraLength = zip.readUInt16LE(position + 30);
    const commentLength = zip.readUInt16LE(position + 32);
    const localOffset = zip.readUInt32LE(position + 42);
    const name = zip.toString('utf8', position + 46, position + 46 + nameLength);
    position += 46 + nameLength + extraLength + commentLength;

    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`${file}: local header of ${name} is corrupt`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const stored = zip.subarray(dataStart, dataStart + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : method === 0 ? Buffer.from(stored) : undefined;
    if (data === undefined) throw new Error(`${file}: ${name} uses compression method ${method}`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${file}: ${name} fails its size or CRC check`);
    files.set(name, data);
  }
  return files;
}
