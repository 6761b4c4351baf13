/** Short counts and byte sizes for the graph's header, boxes and caption. */

/** 1234567 → "1.23 M". */
export function formatCount(x: number): string {
  if (x < 1000) return String(x);
  const units = ['k', 'M', 'G', 'T', 'P'];
  let v = x;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Number(v.toPrecision(3))} ${units[u]}`;
}

/** 2048 → "2 KiB". */
export function formatBytes(x: number): string {
  if (x < 1024) return `${x} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = x;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toPrecision(3))} ${units[u]}`;
}
