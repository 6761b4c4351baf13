/**
 * The font embedded in exported PDFs: DejaVu Sans, the kernel's export font, bundled with the
 * extension (copied by scripts/copy-fonts.mjs at build time) and fetched on the first PDF export.
 * It has Greek, super- and subscript digits, the minus sign and ‖, so `10⁻⁴` and `κ` survive.
 */
import regularUrl from '../../fonts/DejaVuSans.ttf';
import boldUrl from '../../fonts/DejaVuSans-Bold.ttf';

/** The two faces as base64 (what jsPDF's virtual file system takes). */
export interface ExportFonts {
  regular: string;
  bold: string;
}

function base64(bytes: ArrayBuffer): string {
  const u8 = new Uint8Array(bytes);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) {
    s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

async function fetchFont(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`font ${url}: HTTP ${res.status}`);
  return base64(await res.arrayBuffer());
}

/** Fetches both faces. */
export async function fetchExportFonts(): Promise<ExportFonts> {
  const [regular, bold] = await Promise.all([fetchFont(regularUrl), fetchFont(boldUrl)]);
  return { regular, bold };
}
