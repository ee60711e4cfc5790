/** "Create a CNAME for 'x' and point it to 'y'." → { name: x, target: y }. No `vscode` here. */
export function parseCname(message: string | undefined): { name: string; target: string } | undefined {
  const m = /CNAME for '([^']+)' and point it to '([^']+)'/.exec(message ?? '');
  return m ? { name: m[1]!, target: m[2]! } : undefined;
}
